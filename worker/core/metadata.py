"""Page metadata from JSON-LD, OpenGraph and meta tags first; heuristics and date search only as fallbacks."""

from __future__ import annotations

import re
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

import orjson
from htmldate import find_date
from lxml import html
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from worker.core.authors import clean_authors, find_byline
from worker.core.lexicon import ARTICLE_TYPES
from worker.core.text import squash
from worker.core.urls import canonicalize

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
GATHERED_TAGS = ("meta", "script", "h1", "time", "link", "title")  # each scan of a page costs as much as all six
JSON_TYPES = ("application/ld+json", "application/settings+json")  # what trafilatura reads JSON-LD from


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
    tags = defaultdict(list)
    for element in tree.iter(*GATHERED_TAGS):
        tags[element.tag].append(element)
    meta = _meta_tags(tags["meta"])
    scripts = [script for script in tags["script"] if script.get("type") in JSON_TYPES]
    linked = _json_ld_article(scripts)
    h1s = [squash(h1.text_content()) for h1 in tags["h1"]]
    stand_in = _stand_in(tree, scripts)
    found = trafilatura_metadata.examine_meta(stand_in)
    try:
        found = trafilatura_metadata.extract_meta_json(stand_in, found)
    except Exception:  # trafilatura's JSON-LD walker trips on odd but valid JSON; our own reading remains
        pass
    site_name = found.sitename or trafilatura_metadata.extract_sitename(tree)
    published = _first_date([linked.get("datePublished"), *map(meta.get, PUBLISHED_KEYS), _time_element(tags["time"])],
                            now)
    if published is None:
        published = _date_search(tree, url, now)
    modified = _first_date([linked.get("dateModified"), *map(meta.get, MODIFIED_KEYS)], now)
    title = _title(h1s, found.title or trafilatura_metadata.extract_title(tree) or "", site_name)
    page_title = (tags["title"][0].text or "") if tags["title"] else ""
    return Metadata(
        title=title,
        headlines=_headlines(page_title, h1s, meta, title),
        authors=clean_authors(_author_candidates(linked, found, tree), exclude={site_name, found.sitename}),
        published_at=published,
        modified_at=modified if modified and (published is None or modified >= published) else None,
        canonical_url=canonicalize(_canonical(tags["link"], meta, url)),
        site_name=site_name,
        description=found.description or None,
        image=_absolute(url, found.image or _image(linked.get("image"))),
        tags=_tags(meta, linked, found),
        declared_language=_declared_language(tree, meta),
        page_type=_page_type(meta, linked),
    )


def _stand_in(tree: HtmlElement, scripts: list[HtmlElement]) -> HtmlElement:
    """A small page holding what trafilatura's readers of meta tags and JSON-LD look at, the head's meta tags
    and the JSON scripts: they would scan the whole page, twice."""
    stand_in = html.Element("html")
    head = html.Element("head")
    stand_in.append(head)
    source = tree.find("head")
    head.extend(deepcopy(element) for element in (source.iterchildren("meta") if source is not None else ()))
    head.extend(deepcopy(script) for script in scripts)
    return stand_in


def _meta_tags(elements: list[HtmlElement]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in elements:
        name = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if name and content and content.strip():
            tags.setdefault(name.strip().lower(), content.strip())
    return tags


def _json_ld_objects(scripts: list[HtmlElement]):
    for script in scripts:
        if script.get("type") != "application/ld+json":
            continue
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


def _json_ld_article(scripts: list[HtmlElement]) -> dict:
    """The first JSON-LD object typed as an article, or the first with a publication date."""
    dated = {}
    for obj in _json_ld_objects(scripts):
        if _types(obj) & ARTICLE_TYPES:
            return obj
        if not dated and "datePublished" in obj:
            dated = obj
    return dated


def _title(h1s: list[str], title: str, site_name: str | None) -> str:
    """The headline without the site name that <title> and og:title often carry."""
    title = squash(title)
    for heading in h1s:
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


def _headlines(page_title: str, h1s: list[str], meta: dict[str, str], title: str) -> frozenset[str]:
    candidates = [title, meta.get("og:title", ""), meta.get("twitter:title", ""), page_title,
                  *SITE_SUFFIX.split(page_title), *h1s]
    return frozenset(text for text in (squash(c) for c in candidates) if len(text.split()) >= 2)


def _author_candidates(linked: dict, found, tree: HtmlElement) -> list[str]:
    people, organizations = [], []
    for author in _as_list(linked.get("author")):
        if isinstance(author, str):
            people.append(author)
        elif isinstance(author, dict) and isinstance(author.get("name"), str):
            (organizations if "Organization" in _types(author) else people).append(author["name"])
    if people:
        return people
    byline = found.author or find_byline(tree)
    if byline:
        return byline.split(";")
    return organizations


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _time_element(times: list[HtmlElement]) -> str | None:
    for element in times:
        if element.get("datetime") and (element.get("itemprop") == "datePublished" or element.get("pubdate") is not None):
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


def _canonical(links: list[HtmlElement], meta: dict[str, str], url: str) -> str:
    for link in links:
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
    for tag in (squash(t) for t in candidates):
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
