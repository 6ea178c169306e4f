"""`worker extract` as a user runs it: every input kind, outputs in input order, files, the summary, Ctrl-C."""

import gzip
import random
import signal
import subprocess
import sys

import zstandard

from harness import ROOT
from harness.wait import wait_until
from tests.contract import valid_extract_line
from tests.factories import article_html, envelope, sentence, story
from tests.warcs import Response, write_warc


def extract(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker", "extract", "--processes", "2", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120)


def lines(data: bytes) -> list[dict]:
    return [valid_extract_line(line) for line in data.splitlines()]


def test_outputs_come_in_input_order_with_the_file_and_line_as_origin(tmp_path):
    records = [envelope(*story(i)) if i % 3 else b"{broken" for i in range(40)]
    path = tmp_path / "pages.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"\n".join(records) + b"\n"))
    result = extract(str(path))
    assert result.returncode == 0, result.stderr
    outputs = lines(result.stdout)
    assert [o["origin"] for o in outputs] == [{"topic": str(path), "partition": 0, "offset": n} for n in range(1, 41)]
    assert all(("reason" in o) == (n % 3 == 0) for n, o in enumerate(outputs))
    assert b"40 pages, 26 articles, 14 dead letters (invalid_envelope 14)" in result.stderr


def test_a_warc_gives_articles_with_its_url_date_and_offsets_and_dead_letters_apart(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    responses = [Response(*map(str.encode, story(i))) for i in range(3)]
    responses = [Response(r.url.decode(), r.body, fetched_at=f"2023-0{i + 1}-01T00:00:00Z") for i, r in enumerate(responses)]
    responses.insert(1, Response("https://news.example.com/missing", article_html("Not found", ["Gone."]).encode(),
                                 status="404 Not Found"))
    offsets = write_warc(warc, responses)
    result = extract(str(warc), "-o", str(tmp_path / "articles.jsonl.gz"), "--dead-letters", str(tmp_path / "dead.jsonl"))
    assert result.returncode == 0, result.stderr
    articles = lines(gzip.decompress((tmp_path / "articles.jsonl.gz").read_bytes()))
    assert [a["url"] for a in articles] == [r.url for r in responses if r.status == "200 OK"]
    assert [a["fetched_at"][:10] for a in articles] == ["2023-01-01", "2023-02-01", "2023-03-01"]
    assert [a["origin"]["offset"] for a in articles] == [offsets[0], offsets[2], offsets[3]]
    [dead] = lines((tmp_path / "dead.jsonl").read_bytes())
    assert dead["reason"] == "not_article" and dead["origin"] == {"topic": str(warc), "partition": 0, "offset": offsets[1]}
    assert b"4 skipped (not_response 4)" in result.stderr and result.stdout == b""


def test_a_directory_of_html_files_takes_each_page_url_or_the_base_url(tmp_path):
    url, html = story(7)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text(html.replace("<head>", f"<head><link rel='canonical' href='{url}'>"))
    (tmp_path / "pages" / "b.html").write_text(story(8)[1])
    result = extract("--input-dir", str(tmp_path / "pages"), "--base-url", "https://archive.example.org/2024/")
    assert result.returncode == 0, result.stderr
    a, b = lines(result.stdout)
    assert a["url"] == url and b["url"] == "https://archive.example.org/2024/b.html"
    assert a["origin"]["topic"].endswith("a.html")


def test_inputs_that_cannot_be_read_are_one_line_and_exit_code_1(tmp_path):
    result = extract(str(tmp_path / "absent.warc"))
    assert result.returncode == 1 and result.stderr.count(b"\n") == 1 and b"absent.warc" in result.stderr
    result = extract(str(tmp_path / "x.jsonl"), "-o", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert result.returncode == 1 and b"Traceback" not in result.stderr


def test_ctrl_c_stops_after_complete_lines_and_says_where(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"\n".join(envelope(*story(i)) for i in range(3000)) + b"\n")
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "worker", "extract", "--processes", "2", str(path), "-o", str(out)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: out.exists() and out.stat().st_size > 0, timeout=60, message="the first articles")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    written = lines(out.read_bytes())  # each line whole: a cut line would not parse
    assert 0 < len(written) < 3000
    assert [o["origin"]["offset"] for o in written] == list(range(1, len(written) + 1))
    assert f"interrupted: the output is complete up to {path} at {len(written)} (included)".encode() in stderr
    assert b"Traceback" not in stderr


def test_page_types_name_what_extract_publishes(tmp_path):
    rng = random.Random(3)
    thread = ("<html><head><title>Ferry thread</title><script type='application/ld+json'>"
              '{"@context": "https://schema.org", "@type": "DiscussionForumPosting", "headline": "Ferry"}</script></head>'
              "<body><h1>Ferry thread</h1>" + "".join(f"<div class='post'><p>{sentence(rng, 25)}</p></div>" for _ in range(5))
              + "</body></html>")
    path = tmp_path / "pages.jsonl"
    path.write_bytes(envelope("https://boards.example.com/ferry-thread", html=thread) + b"\n")
    [refused] = lines(extract(str(path)).stdout)
    assert refused["reason"] == "not_article" and refused["page_type"] == "forum"
    [published] = lines(extract(str(path), "--page-types", "article,forum").stdout)
    assert published["page_type"] == "forum"
