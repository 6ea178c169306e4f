"""The pure pipeline end to end, without a broker."""

from datetime import UTC, datetime

import orjson

from tests.contract import valid_outcome
from tests.factories import PAGES, article_html, envelope, story
from worker.core.model import Article, DeadLetter, Limits, Origin, PageType, RawRecord, Reason
from worker.core.pipeline import process

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SEED_URL = "http://www.koreaherald.com/view.php?ud=20210106000846"


def run(value: bytes, published: frozenset[PageType] = frozenset({PageType.ARTICLE})) -> Article | DeadLetter:
    outcome = process(RawRecord(Origin("pages", 3, 42), b"key", value), Limits(), NOW, published)
    valid_outcome(outcome)
    return outcome


def seed_article() -> Article:
    return run(envelope(SEED_URL, html=(PAGES / "korea-herald-shaped.html").read_text()))


def test_the_seed_shaped_page_comes_out_clean():
    article = seed_article()
    assert isinstance(article, Article)
    text = article.text
    caption = "North Korean leader Kim Jong-un convenes the 8th Congress"
    for junk in (caption, "Back To Top", "MOST POPULAR", "LATEST NEWS", "subscribe", "소아쌤", "@heraldcorp.com",
                 "By Choi Si-young", "All rights reserved"):
        assert junk not in text, junk
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("North Korean leader Kim Jong-un vowed Wednesday")
    assert paragraphs[-1].endswith("Center for the National Interest.")
    assert article.captions[0].startswith(caption)


def test_the_seed_layout_of_bare_text_and_plain_divs_comes_out_clean():
    """The seed as real pages build it: bare text between <br><br> in a <div>, the caption as an img alt, a
    caption div and the first line, a mailto byline last, and widget lists in classed <div>s (no aside, nav
    or footer). Regression: it came out as one paragraph holding the headline, the dateline, the caption twice,
    the byline and every widget (trafilatura's fast path fell back to the whole page; line breaks became spaces)."""
    article = run(envelope(SEED_URL, html=(PAGES / "seed-layout.html").read_text()))
    assert isinstance(article, Article)
    text = article.text
    caption = "North Korean leader Kim Jong-un convenes the 8th Congress"
    for junk in (caption, "Back To Top", "MOST POPULAR", "LATEST NEWS", "Samsung heir", "subscribe", "소아쌤", "@",
                 "By Choi Si-young", "Published", "facebook", "All rights reserved", "National Business"):
        assert junk not in text, junk
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 8, paragraphs
    assert paragraphs[0].startswith("North Korean leader Kim Jong-un vowed Wednesday")
    assert paragraphs[1] == "Kim discussed economic goals as well for different sectors, but again skipped foreign policies."
    assert paragraphs[-1].endswith("Center for the National Interest.")
    assert [c[:len(caption)] for c in article.captions] == [caption]
    assert article.authors == ("Choi Si-young",)


def test_the_seed_shaped_page_has_its_metadata():
    article = seed_article()
    assert article.title == "N. Korea vows to bolster defense on 2nd day of party congress"
    assert article.authors == ("Choi Si-young",)
    assert (article.published_at, article.published_precision, article.published_offset) == (
        "2021-01-06T07:32:00Z", "second", "+09:00")
    assert article.language == "en" and article.language_confidence > 0.9
    assert article.site_name == "The Korea Herald"
    assert article.canonical_url == SEED_URL
    assert article.origin == Origin("pages", 3, 42)


def test_text_layout_is_one_blank_line_between_trimmed_paragraphs():
    text = seed_article().text
    assert "\n\n\n" not in text
    assert all(line == line.strip() for line in text.split("\n"))
    assert text == text.strip()


def test_br_broken_lines_are_joined_into_their_paragraph():
    body = "<p>" + "<br>".join(["The first half of a sentence that", "goes on after a line break and", "ends here."] * 4) + "</p>"
    article = run(envelope("https://example.com/x", html=article_html("Line breaks in the middle", [], extra_body=body * 2)))
    assert "that goes on after a line break and ends here." in article.text


def test_identity_and_fingerprints_are_stable():
    url, html = story(1)
    first, again = run(envelope(url, html=html)), run(envelope(url + "?utm_source=feed", html=html))
    assert first.id == again.id and first.canonical_url == url
    assert first.content_hash == again.content_hash and first.content_hash.startswith("sha256:")
    assert first.simhash == again.simhash and len(first.simhash) == 16


def test_article_serializes_with_the_documented_fields():
    url, html = story(2)
    record = orjson.loads(orjson.dumps(run(envelope(url, html=html, fetched_at="2024-05-01T00:00:00Z"))))
    for name in ("schema_version", "id", "url", "canonical_url", "title", "authors", "published_at", "language",
                 "text", "word_count", "origin", "site_name", "description", "image", "tags", "modified_at",
                 "fetched_at", "content_hash", "simhash", "extractor", "worker_version", "captions"):
        assert name in record, name
    assert record["origin"] == {"topic": "pages", "partition": 3, "offset": 42}
    assert record["fetched_at"] == "2024-05-01T00:00:00Z"


def test_error_pages_are_not_articles():
    by_status = run(envelope("https://example.com/x", html=story(3)[1], status=404))
    gone = article_html("404 - Page not found", ["The page you asked for is gone."])
    by_title = run(envelope("https://example.com/x", html=gone))
    assert by_status.reason is Reason.NOT_ARTICLE and "404" in by_status.message
    assert by_title.reason is Reason.NOT_ARTICLE


def test_listing_pages_are_not_articles():
    items = "".join(f"<li><a href='/story/{i}'>Headline number {i} about the harbour</a></li>" for i in range(30))
    html = f"<html><head><title>World news</title></head><body><h1>World</h1><ul>{items}</ul></body></html>"
    outcome = run(envelope("https://example.com/world/", html=html))
    assert isinstance(outcome, DeadLetter) and outcome.reason in (Reason.NOT_ARTICLE, Reason.NO_CONTENT)


def test_near_empty_pages_have_no_content():
    outcome = run(envelope("https://example.com/x", html=article_html("Short", ["Just a teaser."])))
    assert outcome.reason is Reason.NO_CONTENT


def test_unexpected_exceptions_become_extraction_errors(monkeypatch):
    import worker.core.pipeline

    def explode(*_args):
        raise RuntimeError("library bug")

    monkeypatch.setattr(worker.core.pipeline, "extract", explode)
    outcome = run(envelope(*story(4)))
    assert (outcome.reason, outcome.stage, outcome.error) == (Reason.EXTRACTION_ERROR, "extract", "RuntimeError")


def test_the_pool_warm_up_page_runs_the_whole_pipeline():
    """Regression: a warm-up page cut short as a dead letter left the models to load on the first real page."""
    from worker.core.warm_up import WARM_UP

    assert isinstance(process(WARM_UP, Limits(), NOW), Article)


def test_forum_posts_stay_when_the_forum_markup_is_in_the_head():
    """trafilatura keeps comment-section posts on a DiscussionForumPosting page; the head is dropped before it
    runs, so its JSON-LD must survive that."""
    posts = [f"Post {i}: the ferry timetable changed again and the harbour office has not said why this winter."
             for i in range(6)]
    html = ("<html><head><title>Ferry timetable thread</title><script type='application/ld+json'>"
            '{"@context": "https://schema.org", "@type": "DiscussionForumPosting", "headline": "Ferry timetable"}'
            "</script></head><body><h1>Ferry timetable thread</h1><div class='comments'>"
            + "".join(f"<div class='comment'><p>{post}</p></div>" for post in posts)
            + "</div></body></html>")
    article = run(envelope("https://forum.example.com/t/ferry", html=html), published=frozenset(PageType))
    assert isinstance(article, Article) and article.page_type is PageType.FORUM
    assert all(post in article.text for post in posts)


def test_text_around_dropped_elements_stays():
    """Asides, footers and SVG drawings go before trafilatura runs; the text after them in their parent stays."""
    paragraphs = [f"Paragraph {i} tells how the harbour budget grew this year and who voted for it."
                  for i in range(5)]
    body = "".join(f"<p>{p[:20]}<svg><title>icon</title></svg>{p[20:]}</p>" for p in paragraphs)
    html = article_html("Harbour budget grows", [], extra_body=body + "<aside>Related: other news</aside>Closing words"
                        " of the article, kept as they follow the aside in its parent element.")
    article = run(envelope("https://news.example.com/budget", html=html))
    assert isinstance(article, Article)
    assert all(p in article.text for p in paragraphs)
    assert "Closing words" in article.text
    assert "icon" not in article.text and "Related" not in article.text


def test_bylines_in_sidebars_are_not_the_authors():
    paragraphs = [f"Paragraph {i} explains the new ferry timetable and what it means for commuters in winter."
                  for i in range(5)]
    html = ("<html><head><title>Ferry timetable changes</title></head><body>"
            "<aside><h3>Recent comments</h3><span class='author'>Sam Commenter</span></aside>"
            "<article><h1>Ferry timetable changes</h1><div class='byline'>Jane Doe</div>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    article = run(envelope("https://news.example.com/ferry", html=html))
    assert isinstance(article, Article)
    assert article.authors == ("Jane Doe",)


def test_the_last_modified_header_is_the_modified_date_when_the_page_gives_none():
    url, html = story(11)  # published 2024-03-05T10:00:00+01:00, no modified date
    headers = {"Last-Modified": "Wed, 06 Mar 2024 08:00:00 GMT"}
    article = run(envelope(url, html=html, headers=headers))
    assert isinstance(article, Article)
    assert (article.modified_at, article.modified_precision, article.modified_offset) == (
        "2024-03-06T08:00:00Z", "second", "+00:00")
    assert run(envelope(url, html=html)).modified_at is None


def test_unexpected_exceptions_keep_their_traceback(monkeypatch):
    import worker.core.pipeline

    def explode(*_args):
        raise RuntimeError("library bug")

    monkeypatch.setattr(worker.core.pipeline, "extract", explode)
    outcome = run(envelope(*story(4)))
    assert outcome.stacktrace.startswith("Traceback (most recent call last):")
    assert "in explode" in outcome.stacktrace and outcome.stacktrace.rstrip().endswith("RuntimeError: library bug")


def test_long_tracebacks_keep_their_innermost_frames(monkeypatch):
    import worker.core.pipeline
    from worker.core.model import MAX_STACKTRACE_CHARS

    def deep(*_args, depth=0):  # two functions in turn: a traceback folds repeats of one frame
        if depth == 150:
            raise RuntimeError("deep bug")
        return deeper(depth=depth + 1)

    def deeper(depth):
        return deep(depth=depth + 1)

    monkeypatch.setattr(worker.core.pipeline, "extract", deep)
    outcome = run(envelope(*story(4)))
    assert len(outcome.stacktrace) <= MAX_STACKTRACE_CHARS
    assert outcome.stacktrace.rstrip().endswith('raise RuntimeError("deep bug")\nRuntimeError: deep bug')
    assert "truncated" in outcome.stacktrace.splitlines()[0]
