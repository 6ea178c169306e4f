"""Page metadata from JSON-LD, OpenGraph and meta tags first; heuristics and date search only as fallbacks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin

import orjson
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from worker.authors import clean_authors
from worker.urls import canonicalize

ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "SocialMediaPosting", "TechArticle",
    "ScholarlyArticle", "LiveBlogPosting", "Report",
}
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
    "publish-date", "parsely-pub-date", "sailthru.date", "dc.date", "dc.date.issued", "dcterms.created",
    "date", "citation_publication_date", "article.published",
)
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")
SITE_SUFFIX = re.compile(r"\s+[|\-–—:·•»]+\s+")
FUTURE_TOLERANCE = timedelta(days=1)  # clocks and time zones disagree; more than a day ahead is wrong
CHEAP_DATE_SEARCH = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}
FULL_DATE_SEARCH = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d"}


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    headlines: frozenset[str]  # every form of the headline the page shows: <title>, og:title, <h1>
    authors: tuple[str, ...]
    published_at: str | None
    modified_at: str | None
    canonical_url: str
    site_name: str | None
    description: str | None
    image: str | None
    tags: tuple[str, ...]
    declared_language: str | None
    page_type: str | None  # og:type or JSON-LD @type, lower-cased


def extract_metadata(tree: HtmlElement, url: str, now: datetime) -> Metadata:
    meta = _meta_tags(tree)
    linked = _json_ld_article(tree)
    found = trafilatura_metadata.examine_meta(tree)
    try:
        found = trafilatura_metadata.extract_meta_json(tree, found)
    except Exception:  # trafilatura's JSON-LD walker trips on odd but valid JSON; our own reading remains
        pass
    site_name = found.sitename or trafilatura_metadata.extract_sitename(tree)
    published = _first_date([linked.get("datePublished"), *map(meta.get, PUBLISHED_KEYS), _time_element(tree)], now)
    if published is None:
        published = _date_search(tree, url, now)
    modified = _first_date([linked.get("dateModified"), *map(meta.get, MODIFIED_KEYS)], now)
    title = _title(tree, found.title or trafilatura_metadata.extract_title(tree) or "", site_name)
    return Metadata(
        title=title,
        headlines=_headlines(tree, meta, title),
        authors=clean_authors(_author_candidates(linked, found, tree), exclude={site_name, found.sitename}),
        published_at=published,
        modified_at=modified if modified and (published is None or modified >= published) else None,
        canonical_url=canonicalize(_canonical(tree, meta, url)),
        site_name=site_name,
        description=found.description or None,
        image=_absolute(url, found.image or _image(linked.get("image"))),
        tags=_tags(meta, linked, found),
        declared_language=_declared_language(tree, meta),
        page_type=_page_type(meta, linked),
    )


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if name and content and content.strip():
            tags.setdefault(name.strip().lower(), content.strip())
    return tags


def _json_ld_objects(tree: HtmlElement):
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            data = orjson.loads((script.text or "").strip().encode("utf-8", "replace"))
        except orjson.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _json_ld_article(tree: HtmlElement) -> dict:
    """The first JSON-LD object typed as an article, or the first with a publication date."""
    dated = {}
    for obj in _json_ld_objects(tree):
        if _types(obj) & ARTICLE_TYPES:
            return obj
        if not dated and "datePublished" in obj:
            dated = obj
    return dated


def _title(tree: HtmlElement, title: str, site_name: str | None) -> str:
    """The headline without the site name that <title> and og:title often carry."""
    title = " ".join(title.split())
    headings = [" ".join(h.text_content().split()) for h in tree.iterfind(".//h1")]
    for heading in headings:
        if len(heading.split()) >= 3 and heading in title and heading != title:
            return heading
    parts = SITE_SUFFIX.split(title)
    if len(parts) > 1:
        site = (site_name or "").casefold()
        if site and (parts[-1].casefold() in site or site in parts[-1].casefold()):
            return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
        if site and (parts[0].casefold() in site or site in parts[0].casefold()):
            return parts[-1] if len(parts) == 2 else title
    return title


def _headlines(tree: HtmlElement, meta: dict[str, str], title: str) -> frozenset[str]:
    page_title = tree.findtext(".//title") or ""
    candidates = [title, meta.get("og:title", ""), meta.get("twitter:title", ""), page_title,
                  *SITE_SUFFIX.split(page_title), *(h.text_content() for h in tree.iterfind(".//h1"))]
    return frozenset(text for text in (" ".join(c.split()) for c in candidates) if len(text.split()) >= 2)


def _author_candidates(linked: dict, found, tree: HtmlElement) -> list[str]:
    people, organizations = [], []
    for author in _as_list(linked.get("author")):
        if isinstance(author, str):
            people.append(author)
        elif isinstance(author, dict) and isinstance(author.get("name"), str):
            (organizations if "Organization" in _types(author) else people).append(author["name"])
    if people:
        return people
    byline = found.author or trafilatura_metadata.extract_author(tree)
    if byline:
        return byline.split(";")
    return organizations


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _time_element(tree: HtmlElement) -> str | None:
    for element in tree.iterfind(".//time[@datetime]"):
        if element.get("itemprop") == "datePublished" or element.get("pubdate") is not None:
            return element.get("datetime")
    return None


def _first_date(candidates: list, now: datetime) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, str) and (parsed := parse_date(candidate, now)):
            return parsed
    return None


def parse_date(value: str, now: datetime) -> str | None:
    """ISO 8601 with time and offset when given, the day alone otherwise; None if unparsable or in the future."""
    value = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
        return _day(moment.date(), now)
    if len(value) <= 10:
        return _day(moment.date(), now)
    reference = now if moment.tzinfo else now.replace(tzinfo=None)
    if moment > reference + FUTURE_TOLERANCE:
        return None
    return moment.isoformat()


def _day(day: date, now: datetime) -> str | None:
    return day.isoformat() if day <= (now + FUTURE_TOLERANCE).date() else None


def _date_search(tree: HtmlElement, url: str, now: datetime) -> str | None:
    """htmldate's heuristics: the cheap pass first, the extensive one only when that finds nothing."""
    max_date = (now + FUTURE_TOLERANCE).strftime("%Y-%m-%d")
    for params in (CHEAP_DATE_SEARCH, FULL_DATE_SEARCH):
        found = find_date(tree, url=url, max_date=max_date, **params)
        if found:
            return found
    return None


def _canonical(tree: HtmlElement, meta: dict[str, str], url: str) -> str:
    for link in tree.iterfind(".//link[@rel]"):
        if link.get("rel", "").lower() == "canonical" and link.get("href", "").strip():
            return _absolute(url, link.get("href")) or url
    return _absolute(url, meta.get("og:url")) or url


def _absolute(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        absolute = urljoin(base, href.strip())
    except ValueError:
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


def _image(value) -> str | None:
    for item in _as_list(value):
        if isinstance(item, str):
            return item
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            return item["url"]
    return None


def _tags(meta: dict[str, str], linked: dict, found) -> tuple[str, ...]:
    keywords = linked.get("keywords")
    candidates = list(found.tags or [])
    if isinstance(keywords, str):
        candidates += keywords.split(",")
    elif isinstance(keywords, list):
        candidates += [k for k in keywords if isinstance(k, str)]
    if not candidates and meta.get("keywords"):
        candidates = meta["keywords"].split(",")
    seen: dict[str, str] = {}
    for tag in (" ".join(t.split()) for t in candidates):
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


def _declared_language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    declared = tree.get("lang") or meta.get("content-language") or meta.get("og:locale") or ""
    code = re.split(r"[-_]", declared.strip().lower(), maxsplit=1)[0]
    return code if len(code) == 2 and code.isalpha() else None


def _page_type(meta: dict[str, str], linked: dict) -> str | None:
    kinds = _types(linked)
    if kinds:
        return sorted(kinds)[0].lower()
    return meta.get("og:type", "").lower() or None


def now_utc() -> datetime:
    return datetime.now(UTC)
