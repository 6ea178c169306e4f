import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trafilatura import metadata as trafilatura_metadata
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_XPATHS

from worker.core.authors import author_elements, clean_authors, find_byline
from worker.core.metadata import extract_metadata, parse_date
from worker.core.timestamps import Precision, Timestamp
from worker.core.urls import canonicalize

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
RFC_3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def local(stamp: Timestamp | None) -> str | None:
    """A timestamp as the page stated it."""
    return stamp.local() if stamp else None


def published(stamp: Timestamp | None) -> tuple[str, str, str | None] | None:
    """A timestamp as an article publishes it: RFC 3339 UTC, precision, the page's offset."""
    return (stamp.rfc3339(), stamp.precision.value, stamp.offset) if stamp else None


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
    ("2021-01-06T16:32:00+09:00", ("2021-01-06T07:32:00Z", "second", "+09:00")),
    ("2021-01-06T07:32:00Z", ("2021-01-06T07:32:00Z", "second", "+00:00")),
    ("2024-03-05T01:00:00+09:00", ("2024-03-04T16:00:00Z", "second", "+09:00")),  # the UTC day is the day before
    ("2024-03-04T20:15-05:30", ("2024-03-05T01:45:00Z", "minute", "-05:30")),
    ("2024-03-05T10:00:00.123456+01:00", ("2024-03-05T09:00:00Z", "second", "+01:00")),
    ("2024-03-05T10+01:00", ("2024-03-05T09:00:00Z", "hour", "+01:00")),
    ("2024-03-05T10:00:00", ("2024-03-05T10:00:00Z", "second", None)),  # naive: read as UTC, no offset claimed
    ("2024-03-05 10:00", ("2024-03-05T10:00:00Z", "minute", None)),
    ("2021-01-06", ("2021-01-06T00:00:00Z", "day", None)),
    ("2021-01-06T", ("2021-01-06T00:00:00Z", "day", None)),
    ("Tue, 05 Mar 2024 10:00:00 +0900", ("2024-03-05T01:00:00Z", "second", "+09:00")),
    ("5 Mar 2024 10:00 EST", ("2024-03-05T15:00:00Z", "minute", "-05:00")),
    ("March 5, 2024", ("2024-03-05T00:00:00Z", "day", None)),
    ("2030-01-01T00:00:00Z", None),  # in the future
    ("2030-01-01", None),
    ("last Tuesday", None),
    ("0001-01-01T00:00:00Z", None),  # a CMS's placeholder for "no date"
    ("1970-01-01", None),  # an epoch of zero
])
def test_timestamps_are_utc_with_the_precision_and_offset_the_page_gave(value, expected):
    assert published(parse_date(value, NOW)) == expected


def test_a_time_just_past_midnight_elsewhere_is_not_in_the_future():
    """Read as an instant: 2024-06-02T08:00+09:00 is 23:00 UTC on June 1, within a day of NOW."""
    assert published(parse_date("2024-06-02T08:00+09:00", NOW)) == ("2024-06-01T23:00:00Z", "minute", "+09:00")
    assert parse_date("2024-06-03T08:00+09:00", NOW) is None


def test_the_published_form_has_four_digit_years():
    """strftime's %Y gives "999" on Linux; RFC 3339 and every typed sink want "0999"."""
    assert Timestamp(datetime(999, 3, 5, 10, tzinfo=UTC), Precision.SECOND).rfc3339() == "0999-03-05T10:00:00Z"


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
    assert local(meta.published_at) == "2024-05-02T08:15:00+02:00"
    assert local(meta.modified_at) == "2024-05-02T09:00:00+02:00"
    assert meta.canonical_url == "https://zeitung.example.de/2024/hafen"
    assert meta.site_name == "Beispiel Zeitung"
    assert meta.image == "https://cdn.example.de/hafen.jpg"
    assert meta.tags == ("Hafen", "Stadt")
    assert meta.declared_language == "de"
    assert "NewsArticle" in meta.declared_types


def test_title_loses_the_site_suffix_without_json_ld():
    html = ("<html><head><title>Budget passes - The Daily Example</title>"
            "<meta property='og:site_name' content='The Daily Example'></head><body><p>x</p></body></html>")
    assert extract_metadata(load_html(html), "https://example.com/x", NOW).title == "Budget passes"


def test_day_precision_when_the_page_only_gives_a_day():
    html = "<html><head><meta name='date' content='2023-11-19'></head><body><p>x</p></body></html>"
    assert published(extract_metadata(load_html(html), "https://example.com/x", NOW).published_at) == (
        "2023-11-19T00:00:00Z", "day", None)


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


# One element per branch of trafilatura's three author XPaths, and near misses of each
AUTHOR_MARKUP_PAGE = """<html><head><link rel="author" href="/a"></head><body>
<div class="page"><a rel="author" href="/jane">Jane</a><a rel="authors">x</a><span id="author">J</span>
<strong class="author">S</strong><em class="author">not a tag it asks</em><p itemprop="author name">N</p>
<address data-testid="AuthorCard">C</address><span data-testid="AuthorURLs">x</span>
<div class="post-author-name">A</div><div class="AuthorName">B</div><span class="Author-Name">x</span>
<div><rel>me</rel>signed</div><p><rel>you</rel></p><section><rel>me</rel></section><author>Old Tag</author>
<h3 class="byline">H</h3><h5 class="byline">not a tag it asks</h5><span class="BBL">b</span><p class="Byline">x</p>
<a itemprop="author">i</a><h4 id="zuozhe-box">z</h4><div class="channel-name">c</div><p class="posted-by">p</p>
<section data-component="BylineBlock">s</section><li id="mainAuthor">l</li><td class="screenname">t</td>
<em class="writer">w</em><b class="article-byline">b</b><i class="Writer">not a class it asks</i>
</div></body></html>"""


def test_author_elements_are_what_trafilaturas_author_xpaths_select_in_their_order():
    tree = load_html(AUTHOR_MARKUP_PAGE)
    expected = [element for expression in AUTHOR_XPATHS for element in expression(tree)]
    assert len(expected) > 20
    assert list(author_elements(tree)) == expected


def with_json_ld(json_ld: str, head: str = "") -> str:
    return (f"<html><head><title>Budget passes</title>{head}<script type='application/ld+json'>{json_ld}</script>"
            "</head><body><p>x</p></body></html>")


@pytest.mark.parametrize("json_ld", [
    '{"@type": ["NewsArticle", 5], "author": "Jane Doe"}',
    '{"@type": [{"@id": "x"}, "NewsArticle"], "author": "Jane Doe"}',
    '{"@type": [null, true, 1.5, ["NewsArticle"]], "author": "Jane Doe"}',
    '{"@type": "NewsArticle", "author": [{"@type": [{"x": 1}, "Person"], "name": "Jane Doe"}]}',
    '{"@type": "NewsArticle", "author": [{"@type": {"x": 1}, "name": "Jane Doe"}, 5, null, [], {"name": 7}]}',
    '{"@graph": [5, "x", null, [1], {"@type": "NewsArticle", "author": "Jane Doe"}]}',
    '{"@graph": {"@type": "NewsArticle", "author": "Jane Doe"}}',
])
def test_odd_json_ld_types_are_read_or_ignored(json_ld):
    meta = extract_metadata(load_html(with_json_ld(json_ld)), "https://example.com/x", NOW)
    assert meta.title == "Budget passes"
    assert meta.authors == ("Jane Doe",)
    assert "NewsArticle" in meta.declared_types


@pytest.mark.parametrize("json_ld", [
    '{"@type": "NewsArticle", "author": 5, "image": 5, "keywords": 5, "datePublished": 5, "dateModified": [1]}',
    '{"@type": "NewsArticle", "author": true, "image": [{"url": 3}, 7, [null]], "keywords": [1, {"a": 2}, ["x"]]}',
    '{"@type": "NewsArticle", "author": {"name": {"x": 1}}, "image": {"url": ["a"]}, "keywords": {"a": 1}}',
    '{"@type": "Article", "name": {"a": 1}, "headline": [5], "publisher": {"name": 5}, "description": 5}',
    '[5, null, "x", [[{"@type": 5}]], {"@type": "NewsArticle", "@graph": 5}]',
    '{"@type": {"@id": "NewsArticle"}, "author": "Jane Doe", "image": {"@type": {}}}',
    '"just a string"',
    '5',
])
def test_odd_json_ld_values_are_ignored(json_ld):
    meta = extract_metadata(load_html(with_json_ld(json_ld)), "https://example.com/x", NOW)
    assert meta.title == "Budget passes"
    assert meta.image is None and meta.published_at is None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
    | st.sampled_from(["NewsArticle", "Article", "Person", "Organization", "2024-05-02", "https://example.com/i.jpg"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "@graph", "@id", "author", "name", "image", "url", "keywords", "datePublished",
                         "dateModified", "publisher", "description", "inLanguage"]) | st.text(max_size=8),
        children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_any_json_ld_shape_is_never_fatal(value):
    script = json.dumps(value).replace("</", "<\\/")
    meta = extract_metadata(load_html(with_json_ld(script)), "https://example.com/x", NOW)
    assert isinstance(meta.declared_types, frozenset) and all(isinstance(a, str) for a in meta.authors)
    assert meta.title == "Budget passes" or "headline" in script or "name" in script


@pytest.mark.parametrize("published, modified, expected", [
    # the same instants written with different offsets: 08:00 UTC, then 09:00 UTC
    ("2024-05-02T10:00:00+02:00", "2024-05-02T09:00:00+00:00", "2024-05-02T09:00:00+00:00"),
    ("2024-05-02T10:00:00+00:00", "2024-05-02T11:00:00+02:00", None),  # 09:00 UTC is before 10:00 UTC
    # a day alone stands for that whole day
    ("2024-05-02T08:15:00+02:00", "2024-05-02", "2024-05-02"),
    ("2024-05-02", "2024-05-02T08:15:00+02:00", "2024-05-02T08:15:00+02:00"),
    ("2024-05-02T23:30:00-05:00", "2024-05-02", "2024-05-02"),  # the publisher's day, not UTC's (May 3)
    ("2024-05-02T08:15:00+02:00", "2024-05-01", None),
    ("2024-05-02", "2024-05-01T23:00:00+00:00", None),
])
def test_modified_is_compared_with_published_as_instants(published, modified, expected):
    head = (f"<meta property='article:published_time' content='{published}'>"
            f"<meta property='article:modified_time' content='{modified}'>")
    html = f"<html><head><title>Budget passes</title>{head}</head><body><p>x</p></body></html>"
    meta = extract_metadata(load_html(html), "https://example.com/x", NOW)
    assert local(meta.published_at) == published
    assert local(meta.modified_at) == expected


@pytest.mark.parametrize("value, expected", [
    ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05T10:00:00+00:00"),
    ("Tue, 05 Mar 2024 10:00:00 +0100", "2024-03-05T10:00:00+01:00"),
    ("5 Mar 2024 10:00 EST", "2024-03-05T10:00:00-05:00"),
    ("Wed, 01 Jan 2031 10:00:00 GMT", None),  # in the future
    ("March 5, 2024", "2024-03-05"),
    ("Mar 5, 2024", "2024-03-05"),
    ("Sept. 5, 2023", "2023-09-05"),
    ("5 March 2024", "2024-03-05"),
    ("05 mar 2024", "2024-03-05"),
    ("5 March 2031", None),
    ("February 30, 2024", None),
    ("Smarch 5, 2024", None),
    ("05.03.2024", "2024-03-05"),
    ("5.3.2024", "2024-03-05"),
    ("31.12.2023", "2023-12-31"),
    ("13.13.2023", None),
    ("05.03.2031", None),
])
def test_dates_in_rfc_2822_english_and_dotted_forms(value, expected):
    assert local(parse_date(value, NOW)) == expected


def test_the_last_modified_header_is_the_modified_date_when_the_page_gives_none():
    from worker.core.metadata import with_http_modified

    html = ("<html><head><title>Budget passes</title>"
            "<meta property='article:published_time' content='2024-03-05T10:00:00+01:00'></head><body></body></html>")
    meta = extract_metadata(load_html(html), "https://example.com/x", NOW)
    header = "Wed, 06 Mar 2024 08:00:00 GMT"
    assert local(with_http_modified(meta, header, NOW).modified_at) == "2024-03-06T08:00:00+00:00"
    assert with_http_modified(meta, None, NOW) == meta
    assert with_http_modified(meta, "not a date", NOW) == meta
    assert with_http_modified(meta, "Mon, 04 Mar 2024 08:00:00 GMT", NOW).modified_at is None  # before publication
    own = extract_metadata(load_html(html.replace(
        "</head>", "<meta property='article:modified_time' content='2024-03-05T12:00:00+01:00'></head>")),
        "https://example.com/x", NOW)
    assert local(with_http_modified(own, header, NOW).modified_at) == "2024-03-05T12:00:00+01:00"  # the page's own wins


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_date_or_none(value):
    stamp = parse_date(value, NOW)
    assert stamp is None or RFC_3339_UTC.fullmatch(stamp.rfc3339()) and stamp.utc <= NOW + timedelta(days=1)


@pytest.mark.parametrize("value", [
    "November 19, 2019, 07:47 PM EST",  # the email parser's 07:47, without a zone
    "Nov 5 2024 10:00",
    "5 Nov 2024 10:00",
    "31 Feb 2024 10:00:00 GMT",
])
def test_only_rfc_2822_goes_to_the_rfc_2822_parser(value):
    assert parse_date(value, NOW) is None


def test_a_day_alone_takes_the_time_another_candidate_gives_that_day():
    html = ("<html><head><title>Budget passes</title>"
            "<meta property='article:published_time' content='November 19, 2019'>"
            "<meta name='date' content='2019-11-19T11:21:08+00:00'></head><body><p>x</p></body></html>")
    assert local(extract_metadata(load_html(html), "https://example.com/x", NOW).published_at) == "2019-11-19T11:21:08+00:00"


def test_json_ld_dates_count_only_in_iso_8601():
    """schema.org's form; another is a template's display string, often the day of a republication."""
    html = ("<html><head><title>Budget passes</title><meta name='date' content='2023-08-25'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"datePublished\": \"Mar 24, 2024\"}"
            "</script></head><body><p>x</p></body></html>")
    assert local(extract_metadata(load_html(html), "https://example.com/x", NOW).published_at) == "2023-08-25"


@pytest.mark.parametrize("value", ["2024-03-05T01:00:00+09:00", "2024-03-04T20:15-05:30", "2024-03-05T10:00:00.5Z",
                                   "Tue, 05 Mar 2024 10:00:00 +0100", "2024-03-05T10:00:00", "2024-03-05"])
def test_the_pages_own_time_comes_back_from_utc_and_offset(value):
    from worker.core.timestamps import page_local

    stamp = parse_date(value, NOW)
    expected = stamp.moment.replace(microsecond=0, tzinfo=stamp.moment.tzinfo or UTC).isoformat()
    assert page_local(stamp.rfc3339(), stamp.offset) == expected


def page(head: str = "", body: str = "") -> str:
    return (f"<html><head><title>Harbour budget passes | Example Times</title>{head}</head>"
            f"<body><article><h1>Harbour budget passes</h1><p>Text.</p>{body}</article></body></html>")


def metadata_of(html: str):
    return extract_metadata(load_html(html), "https://www.example.com/news/harbour", NOW)


WORDPRESS_FOOTER = """<footer class="entry-footer"><span class="cat-links">Posted in
 <a href="/category/city/" rel="category tag">City</a>, <a href="/category/city/harbour/" rel="category tag">Harbour
 </a></span><span class="tags-links">Tagged <a href="/tag/budget/" rel="tag">budget</a></span>
 <div class="license"><a rel="license noopener" href="https://creativecommons.org/licenses/by-sa/4.0/">
 <img src="/cc.png" alt="CC BY-SA"></a></div></footer>"""
BREADCRUMBS = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "Harbour budget passes"},
 {"@type": "BreadcrumbList", "itemListElement": [
  {"@type": "ListItem", "position": 3, "name": "Harbour budget passes"},
  {"@type": "ListItem", "position": 1, "item": {"@id": "https://www.example.com/", "name": "Home"}},
  {"@type": "ListItem", "position": 2, "item": {"@id": "https://www.example.com/local/", "name": "Local news, sport"}}]}]}
</script>"""


@pytest.mark.parametrize("head, body, categories, tags", [
    # several article:section tags, and keywords that are tags, not sections
    ("<meta property='article:section' content='Politics'><meta property='article:section' content=' politics '>"
     "<meta property='article:section' content='Local'><meta name='keywords' content='budget, harbour'>",
     "", ("Politics", "Local"), ("budget", "harbour")),
    # JSON-LD articleSection, a list or a comma-separated string; article:tag are tags
    ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"articleSection\": [\"Business\", 5, \"Ports\"],"
     "\"keywords\": [\"budget\"]}</script><meta property='article:tag' content='council'>",
     "", ("Business", "Ports"), ("council", "budget")),
    ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"articleSection\": \"News,Harbour\"}</script>",
     "", ("News", "Harbour"), ()),
    # no declared section: the breadcrumb trail, without home and the headline, in position order
    (BREADCRUMBS, "", ("Local news, sport",), ()),
    # a WordPress theme: rel="category tag" links are categories, rel="tag" ones are not
    ("", WORDPRESS_FOOTER, ("City", "Harbour"), ()),
    ("", "<p>Nothing about sections.</p>", (), ()),
])
def test_categories_are_the_sections_a_page_files_itself_under(head, body, categories, tags):
    meta = metadata_of(page(head, body))
    assert meta.categories == categories
    assert meta.tags == tags


@pytest.mark.parametrize("head, body, license", [
    ("", WORDPRESS_FOOTER, "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("<link rel='license' href='/about/licence'>", "", "https://www.example.com/about/licence"),
    ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"license\": "
     "\"https://creativecommons.org/licenses/by/4.0/\"}</script><link rel='license' href='/other'>",
     "", "https://creativecommons.org/licenses/by/4.0/"),
    # the license on another object of the graph, as an object
    ("<script type='application/ld+json'>{\"@graph\": [{\"@type\": \"NewsArticle\", \"headline\": \"x\"}, "
     "{\"@type\": \"WebPage\", \"license\": {\"@type\": \"CreativeWork\", \"name\": \"CC0 1.0\"}}]}</script>",
     "", "CC0 1.0"),
    ("<meta name='dc.rights' content='  CC BY-NC 4.0 '>", "", "CC BY-NC 4.0"),
    ("<meta name='DCTERMS.license' content='https://opensource.org/licenses/MIT'>", "", "https://opensource.org/licenses/MIT"),
    # a link that is not the license, and JSON-LD values that are none
    ("<link rel='licensing' href='/x'><script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"license\": "
     "[5, {\"url\": 3}, \" \"]}</script>", "<a href='/license'>License</a>", None),
])
def test_the_license_is_what_the_page_declares(head, body, license):
    assert metadata_of(page(head, body)).license == license


@pytest.mark.parametrize("footer, expected", [
    ("<p>© 2023 Harbour Tools Ltd. All rights reserved.</p>", None),  # htmldate's 2023-01-01: a year, no day
    ("<p>Posted on 14 March 2023. © 2023 Harbour Tools Ltd.</p>", "2023-03-14"),
])
def test_a_copyright_year_is_no_publication_date(footer, expected):
    html = (f"<html><head><title>Harbour tools</title></head><body><h1>Our tools</h1><p>We make tools.</p>{footer}"
            "</body></html>")
    assert local(extract_metadata(load_html(html), "https://example.com/tools", NOW).published_at) == expected


@pytest.mark.parametrize("markup, expected", [
    # date-shaped strings outside the text: a build stamp, an image path, an archive link, a cache comment
    ("<script>var build = '2023-05-12';</script>", None),
    ("<div class='hero' data-src='/uploads/2023/05/12/tools.jpg'></div>", None),
    ("<div class='nav'><a href='/archive/2023-05-12'>Archive</a></div>", None),
    ("<!-- cached 2023-05-12 10:00 -->", None),
    # a date the reader sees is still found
    ("<div class='meta'><span class='posted'>Posted 12 May 2023</span></div>", "2023-05-12"),
])
def test_a_date_shape_in_the_markup_alone_is_no_publication_date(markup, expected):
    html = (f"<html><head><title>Harbour tools</title></head><body><h1>Our tools</h1><p>We make tools.</p>{markup}"
            "</body></html>")
    assert local(extract_metadata(load_html(html), "https://example.com/tools", NOW).published_at) == expected


def dated_page(language: str, when: str) -> str:
    """A page whose only date is `when`, in words, in the kind of block a CMS prints it in."""
    return (f"<html lang='{language}'><head><title>Una noticia</title></head><body><article><h1>Una noticia</h1>"
            f"<div class='fecha'>{when}</div><p>Texto de la noticia.</p></article></body></html>")


@pytest.fixture
def dateparser_languages(monkeypatch) -> list:
    """The languages of every parser dateparser is asked to read a date with, in order (None: all 205)."""
    from dateparser.date import DateDataParser

    asked, read = [], DateDataParser.get_date_data
    monkeypatch.setattr(DateDataParser, "get_date_data", lambda self, *a, **k: asked.append(self.languages) or
                        read(self, *a, **k))
    return asked


@pytest.mark.parametrize("language, when, expected", [
    ("es", "12 de mayo de 2023", "2023-05-12"),
    ("es-MX", "12 mayo, 2023", "2023-05-12"),
    ("es", "12. May 2023", "2023-05-12"),
    ("es", "Publicado el 12 de mayo de 2023 por admin", None),  # words around it: none reads it strictly
])
def test_a_date_in_words_is_read_in_the_language_the_page_declares_and_english(language, when, expected,
                                                                              dateparser_languages):
    meta = extract_metadata(load_html(dated_page(language, when)), "https://example.es/noticia", NOW)
    assert local(meta.published_at) == expected
    assert set(map(tuple, dateparser_languages)) <= {("en", "es")}


@pytest.mark.parametrize("language", ["", "xx", "en"])
def test_a_page_that_declares_no_language_dateparser_has_is_read_in_english_alone(language, dateparser_languages):
    """Not all 205 locales: guessing compiles each one's patterns, 1.1 s of CPU in each process. (A string
    new to htmldate each time: it caches what it parsed.)"""
    extract_metadata(load_html(dated_page(language, f"Publicado el 3 de junio de 2021 por {language}admin")),
                     "https://example.com/x", NOW)
    assert dateparser_languages and set(map(tuple, dateparser_languages)) == {("en",)}
