"""A page that goes all the way to an Article: run once before real pages, so that models, stop lists and
patterns are loaded (its paragraphs are distinct: repeated ones would be cut as duplicates)."""

from worker.core.model import RawRecord

WARM_UP = RawRecord(origin=None, key=b"https://example.com/warm-up", value=(
    b"<html lang='en'><head><title>Warm-up page</title>"
    b"<meta property='article:published_time' content='2024-01-01T00:00:00Z'></head><body><article>"
    b"<h1>Warm-up page</h1>"
    + b"".join(b"<p>Paragraph %d of the warm-up page says what the first extraction in a new process loads: "
               b"language models, stop lists, date patterns and the domain table.</p>" % i for i in range(8))
    + b"</article></body></html>"
))
