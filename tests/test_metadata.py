from datetime import UTC, datetime

import pytest
from trafilatura import metadata as trafilatura_metadata
from trafilatura.utils import load_html

from worker.core.authors import clean_authors, find_byline
from worker.core.metadata import extract_metadata, parse_date
from worker.core.urls import canonicalize

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("candidates, expected", [
    (["By Jane Doe and John Roe"], ("Jane Doe", "John Roe")),
    (["Jane Doe, John Roe"], ("Jane Doe", "John Roe")),
    (["Von Max Mustermann und Erika Musterfrau"], ("Max Mustermann", "Erika Musterfrau")),
    (["Por María García"], ("María García",)),
    (["By Choi Si-young (siyoungchoi@heraldcorp.com)"], ("Choi Si-young",)),
    (["Jane Doe", "Reuters"], ("Jane Doe",)),
    (["Associated Press"], ("Associated Press",)),
    (["Jane Doe", "jane doe"], ("Jane Doe",)),
    (["Di Maio Luigi"], ("Di Maio Luigi",)),
])
def test_authors_are_a_clean_list(candidates, expected):
    assert clean_authors(candidates) == expected


def test_organizations_named_like_the_site_go_when_a_person_is_named():
    assert clean_authors(["Example Wire", "Jane Doe"], exclude={"Example Wire"}) == ("Jane Doe",)


@pytest.mark.parametrize("value, expected", [
    ("2021-01-06T16:32:00+09:00", "2021-01-06T16:32:00+09:00"),
    ("2021-01-06T07:32:00Z", "2021-01-06T07:32:00+00:00"),
    ("2021-01-06", "2021-01-06"),
    ("2030-01-01T00:00:00Z", None),  # in the future
    ("2030-01-01", None),
    ("last Tuesday", None),
])
def test_dates_keep_their_precision_and_never_lie_in_the_future(value, expected):
    assert parse_date(value, NOW) == expected


def test_canonical_url_drops_tracking_and_fragment():
    assert canonicalize("https://Example.com/a?id=3&utm_source=x&fbclid=y&ocid=z#top") == "https://example.com/a?id=3"


PAGE = """<html lang="de-DE"><head>
<title>Der Hafen wird teurer | Beispiel Zeitung</title>
<meta property="og:site_name" content="Beispiel Zeitung">
<link rel="canonical" href="/2024/hafen?utm_campaign=x">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Beispiel Zeitung"},
 {"@type": "NewsArticle", "headline": "Der Hafen wird teurer", "datePublished": "2024-05-02T08:15:00+02:00",
  "dateModified": "2024-05-02T09:00:00+02:00", "keywords": "Hafen, Stadt, Hafen",
  "author": [{"@type": "Person", "name": "Erika Musterfrau"}, {"@type": "Organization", "name": "dpa"}],
  "image": {"@type": "ImageObject", "url": "https://cdn.example.de/hafen.jpg"}}]}
</script></head><body><h1>Der Hafen wird teurer</h1><p>Text.</p></body></html>"""


def test_metadata_prefers_json_ld_and_meta_tags():
    meta = extract_metadata(load_html(PAGE), "https://zeitung.example.de/2024/hafen?ref=home", NOW)
    assert meta.title == "Der Hafen wird teurer"
    assert meta.authors == ("Erika Musterfrau",)
    assert meta.published_at == "2024-05-02T08:15:00+02:00"
    assert meta.modified_at == "2024-05-02T09:00:00+02:00"
    assert meta.canonical_url == "https://zeitung.example.de/2024/hafen"
    assert meta.site_name == "Beispiel Zeitung"
    assert meta.image == "https://cdn.example.de/hafen.jpg"
    assert meta.tags == ("Hafen", "Stadt")
    assert meta.declared_language == "de"
    assert meta.page_type == "newsarticle"


def test_title_loses_the_site_suffix_without_json_ld():
    html = ("<html><head><title>Budget passes - The Daily Example</title>"
            "<meta property='og:site_name' content='The Daily Example'></head><body><p>x</p></body></html>")
    assert extract_metadata(load_html(html), "https://example.com/x", NOW).title == "Budget passes"


def test_day_precision_when_the_page_only_gives_a_day():
    html = "<html><head><meta name='date' content='2023-11-19'></head><body><p>x</p></body></html>"
    assert extract_metadata(load_html(html), "https://example.com/x", NOW).published_at == "2023-11-19"


@pytest.mark.parametrize("body", [
    '<div class="byline">Jane Doe</div>',
    '<div class="byline">By Jane Doe <time datetime="2024-05-02">May 2</time> in Harbour</div>',
    '<div id="comments"><span class="author">A Commenter</span></div><p class="byline">Jane Doe</p>',
    '<figure><span class="author">Photo Person</span></figure><span class="author-name">Jane Doe</span>',
    '<aside class="sidebar"><a rel="author">Other Writer</a></aside><address>Jane Doe</address>',
    '<span class="author">x</span><span class="writer">Jane Doe; John Roe</span>',
    '<p>No byline at all.</p>',
])
def test_byline_search_answers_as_trafilatura_does_without_copying_the_page(body):
    tree = load_html(f"<html><head><title>T</title></head><body><article>{body}<p>Text.</p></article></body></html>")
    assert find_byline(tree) == trafilatura_metadata.extract_author(tree)
