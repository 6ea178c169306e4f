"""`produce --warc` into the real broker: the worker's articles carry the WARC's URL and date."""

from __future__ import annotations

import signal
import subprocess
import sys

import orjson
import pytest

from harness import ROOT
from harness.wait import wait_until
from tests.factories import story
from tests.kafka_helpers import outcomes
from tests.warcs import Response, chunked, write_warc

pytestmark = pytest.mark.integration


def test_produce_warc_then_the_worker_publishes_articles_with_the_warc_url_and_date(bootstrap, topics, start_worker,
                                                                                    tmp_path):
    responses = [Response(url, html.encode(), fetched_at=f"2023-05-0{i + 1}T08:30:00Z")
                 for i, (url, html) in enumerate(story(i) for i in range(3))]
    url, html = story(9)
    responses.append(Response(url, chunked(html.encode()), (("Content-Type", "text/html"),
                                                            ("Transfer-Encoding", "chunked")), fetched_at="2023-05-09T08:30:00Z"))
    responses.append(Response("https://news.example.com/logo.png", b"\x89PNG", (("Content-Type", "image/png"),)))
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, responses)
    result = subprocess.run([sys.executable, "-m", "worker", "produce", "--bootstrap-servers", bootstrap,
                             "--input-topic", topics["input"], "--warc", str(warc)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "4 of 4 records published" in result.stderr and "not_html 1" in result.stderr

    worker = start_worker("--processes", "2")
    found = wait_until(lambda: (f := outcomes(bootstrap, topics)) and len(f) == 4 and f, timeout=120,
                       message="an article for every HTML response")
    assert worker.stop(signal.SIGTERM) == 0, worker.logs()
    articles = {}
    for [(kind, message)] in found.values():
        assert kind == "article"
        article = orjson.loads(message.value)
        articles[article["url"]] = article["fetched_at"]
    assert {url: fetched[:19] for url, fetched in articles.items()} == {
        r.url: r.fetched_at[:19] for r in responses[:4]}
