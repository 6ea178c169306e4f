"""Page metadata from JSON-LD, OpenGraph and meta tags first; heuristics and date search only as fallbacks."""

from __future__ import annotations

import re
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import htmldate.core
import orjson
from htmldate import find_date
from lxml import html
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from worker.core.authors import clean_authors, find_byline
from worker.core.date_languages import reading
from worker.core.lexicon import ARTICLE_TYPES, MONTH_NAMES
from worker.core.patching import replaced
from worker.core.text import squash
from worker.core.timestamps import Precision, Timestamp
from worker.core.urls import canonicalize

PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
    "publish-date", "parsely-pub-date", "sailthru.date", "dc.date", "dc.date.issued", "dcterms.created",
    "date", "citation_publication_date", "article.published",
)
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")
LICENSE_KEYS = ("license", "dcterms.license", "dc.rights", "dcterms.rights")
SECTION_KEYS = {"article:section", "og:article:section"}  # a page may give several
SITE_SUFFIX = re.compile(r"\s+[|\-–—:·•»]+\s+")
FUTURE_TOLERANCE = timedelta(days=1)  # clocks and time zones disagree; more than a day ahead is wrong
EARLIEST_DATE = date(1990, 1, 1)  # before the web: a placeholder ("0001-01-01"), as htmldate's floor (1995) says
DATE_SEARCH = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d"}
# htmldate's stand-in for a year alone, from a copyright line or a lone "2025": it names no day. On wcxb-dev,
# 258 pages got one, and on the 10 of them whose article has a date it was that date once.
YEAR_ONLY = "-01-01"
GATHERED_TAGS = ("meta", "script", "h1", "time", "link", "title", "a")  # each scan of a page costs as much as all
JSON_TYPES = ("application/ld+json", "application/settings+json")  # what trafilatura reads JSON-LD from
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIME = re.compile(r"\d{4}-?\d{2}-?\d{2}[T ]\d{2}(:?\d{2})?(:?\d{2})?")  # what of the time an ISO 8601 value gives
RFC_2822_SECONDS = re.compile(r"\d:\d{2}:\d{2}")
ORDINAL = r"(?:st|nd|rd|th)?"
MONTH_WORD = r"([^\W\d_]{3,})\.?"  # a month's name or its abbreviation: "March", "Mar", "Sept."
DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}}){ORDINAL}\s+{MONTH_WORD},?\s+(\d{{4}})")  # 5 March 2024
MONTH_DAY_YEAR = re.compile(rf"{MONTH_WORD}\s+(\d{{1,2}}){ORDINAL},?\s+(\d{{4}})")  # March 5, 2024
DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # 05.03.2024: day first, as in Europe
# RFC 2822's shape, with its zone: the email parser takes about anything ("November 19, 2019, 07:47 PM EST" is
# 07:47 to it, without a zone) and must only see what it reads right.
RFC_2822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+"
    r"(?:[+-]\d{4}|UT|UTC|GMT|Z|[ECMPA][SD]T)(?:\s+\([^()]*\))?"
)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    headlines: frozenset[str]  # every form of the headline the page shows: <title>, og:title, <h1>
    authors: tuple[str, ...]
    published_at: Timestamp | None
    modified_at: Timestamp | None
    canonical_url: str
    site_name: str | None
    description: str | None
    image: str | None
    tags: tuple[str, ...]
    categories: tuple[str, ...]  # the sections the page files itself under, broadest first
    license: str | None  # as the page declares it: a URL (absolute) or a name
    declared_language: str | None
    declared_types: frozenset[str]  # every JSON-LD @type on the page, and og:type as "og:<type>"


def extract_metadata(tree: HtmlElement, url: str, now: datetime) -> Metadata:
    tags = defaultdict(list)
    for element in tree.iter(*GATHERED_TAGS):
        tags[element.tag].append(element)
    meta = _meta_tags(tags["meta"])
    scripts = [script for script in tags["script"] if script.get("type") in JSON_TYPES]
    objects = list(_json_ld_objects(scripts))
    linked = _json_ld_article(objects)
    h1s = [squash(h1.text_content()) for h1 in tags["h1"]]
    stand_in = _stand_in(tree, scripts)
    found = trafilatura_metadata.examine_meta(stand_in)
    try:
        found = trafilatura_metadata.extract_meta_json(stand_in, found)
    except Exception:  # trafilatura's JSON-LD walker trips on odd but valid JSON; our own reading remains
        pass
    site_name = _text(found.sitename) or trafilatura_metadata.extract_sitename(tree)
    published = _first_date([_iso(linked.get("datePublished")), *map(meta.get, PUBLISHED_KEYS), _time_element(tags["time"])],
                            now)
    declared_language = _declared_language(tree, meta)
    if published is None:
        published = _date_search(tree, url, now, declared_language)
    modified = _first_date([_iso(linked.get("dateModified")), *map(meta.get, MODIFIED_KEYS)], now)
    title = _title(h1s, _text(found.title) or trafilatura_metadata.extract_title(tree) or "", site_name)
    page_title = (tags["title"][0].text or "") if tags["title"] else ""
    return Metadata(
        title=title,
        headlines=_headlines(page_title, h1s, meta, title),
        authors=clean_authors(_author_candidates(linked, found, tree), exclude={site_name, _text(found.sitename)}),
        published_at=published,
        modified_at=modified if modified and modified.not_before(published) else None,
        canonical_url=canonicalize(_canonical(tags["link"], meta, url)),
        site_name=site_name,
        description=_text(found.description),
        image=_absolute(url, _text(found.image) or _image(linked.get("image"))),
        tags=_tags(meta, linked, found),
        categories=_categories(tags["meta"], linked, objects, tags["a"], title),
        license=_license(linked, objects, tags["link"] + tags["a"], meta, url),
        declared_language=declared_language,
        declared_types=_declared_types(objects, meta),
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


def with_http_modified(metadata: Metadata, last_modified: str | None, now: datetime) -> Metadata:
    """The HTTP Last-Modified header as the modified date, when the page gives none (under the same rules:
    not in the future, not before publication)."""
    if metadata.modified_at or not last_modified:
        return metadata
    modified = parse_date(last_modified, now)
    if modified is None or not modified.not_before(metadata.published_at):
        return metadata
    return replace(metadata, modified_at=modified)


def _iso(value: object) -> str | None:
    """A JSON-LD date, which schema.org writes in ISO 8601. One in another form ("Jun 24, 2025") is a template's
    display string, often the day of the last republication: on wcxb-dev, 5 of the 10 pages with one disagree
    with the page's visible date, which the other candidates and the date search find."""
    return value if isinstance(value, str) and ISO_DAY.match(value.strip()) else None


def _text(value: object) -> str | None:
    """trafilatura copies JSON-LD values as they are: anything but a non-empty string is nothing."""
    return value if isinstance(value, str) and value else None


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
                if isinstance(item.get("@graph"), list | dict):  # a list of objects, or one
                    stack.append(item["@graph"])


def _types(obj: object) -> set[str]:
    """The type names of a JSON-LD object: @type is a string or a list of them (nested lists are read, other
    values, valid JSON but not JSON-LD, are ignored)."""
    kinds: set[str] = set()
    stack = [obj.get("@type")] if isinstance(obj, dict) else []
    while stack:
        kind = stack.pop()
        if isinstance(kind, str):
            kinds.add(kind)
        elif isinstance(kind, list):
            stack.extend(kind)
    return kinds


def _json_ld_article(objects: list[dict]) -> dict:
    """The first JSON-LD object typed as an article, or the first with a publication date."""
    dated = {}
    for obj in objects:
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
    byline = _text(found.author) or find_byline(tree)
    if byline:
        return byline.split(";")
    return organizations


def _as_list(value: object) -> list:
    """A JSON-LD property as a list of its values, of any JSON type: the callers keep the shapes they read."""
    return value if isinstance(value, list) else [] if value is None or value == "" else [value]


def _time_element(times: list[HtmlElement]) -> str | None:
    for element in times:
        if element.get("datetime") and (element.get("itemprop") == "datePublished" or element.get("pubdate") is not None):
            return element.get("datetime")
    return None


def _first_date(candidates: list, now: datetime) -> Timestamp | None:
    """The first date the candidates give; when it is a day alone, a later candidate's time on that day."""
    dates = (parsed for candidate in candidates if isinstance(candidate, str) and (parsed := parse_date(candidate, now)))
    first = next(dates, None)
    if first is not None and first.precision is Precision.DAY:  # "Nov 19, 2019" in JSON-LD, the time in a meta tag
        return next((later for later in dates if later.precision is not Precision.DAY and later.day == first.day), first)
    return first


def parse_date(value: str, now: datetime) -> Timestamp | None:
    """A date to the precision and with the offset the value gives; None if unparsable or in the future. Read:
    ISO 8601, RFC 2822 ("Tue, 05 Mar 2024 10:00:00 GMT"), English month names ("March 5, 2024", "5 Mar 2024")
    and the European dotted day.month.year ("05.03.2024")."""
    try:
        stamp = _read_date(value.strip())
    except ValueError:  # no such day: "February 30, 2024", "13.13.2023", "31 Feb 2024 10:00:00 GMT"
        return None
    if stamp is None:
        return None
    latest = now + FUTURE_TOLERANCE
    in_past = stamp.day <= latest.date() if stamp.precision is Precision.DAY else stamp.utc <= latest
    return stamp if in_past and stamp.day >= EARLIEST_DATE else None


def _read_date(value: str) -> Timestamp | None:
    iso = value.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(iso)
        timed = ISO_TIME.match(iso)
        return Timestamp(moment, _precision(timed.lastindex or 0)) if timed else Timestamp.of_day(moment.date())
    except ValueError:
        pass
    try:
        return Timestamp.of_day(date.fromisoformat(iso[:10]))
    except ValueError:
        pass
    if RFC_2822.fullmatch(value):
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, IndexError, OverflowError) as err:
            raise ValueError(value) from err
        return Timestamp(moment, Precision.SECOND if RFC_2822_SECONDS.search(value) else Precision.MINUTE)
    if match := DAY_MONTH_YEAR.fullmatch(value):
        day, month, year = match.groups()
        return _named_day(int(year), month, int(day))
    if match := MONTH_DAY_YEAR.fullmatch(value):
        month, day, year = match.groups()
        return _named_day(int(year), month, int(day))
    if match := DOTTED_DATE.fullmatch(value):
        day, month, year = map(int, match.groups())
        return Timestamp.of_day(date(year, month, day))
    return None


def _precision(time_parts: int) -> Precision:
    """From the parts of the time an ISO 8601 value gives past the hour: none, minutes, seconds."""
    return (Precision.HOUR, Precision.MINUTE, Precision.SECOND)[time_parts]


def _named_day(year: int, month_word: str, day: int) -> Timestamp | None:
    """The day of a named month: a name, or the beginning of one that names no other month."""
    word = month_word.casefold()
    months = {number for names in MONTH_NAMES.values() for number, name in enumerate(names, 1)
              if name.startswith(word)}
    return Timestamp.of_day(date(year, months.pop(), day)) if len(months) == 1 else None


def _date_search(tree: HtmlElement, url: str, now: datetime, language: str | None) -> Timestamp | None:
    """htmldate's extensive heuristics on the page's elements and text, without its last resort: a scan of the
    whole HTML for anything shaped like a date. On the 894 wcxb-dev pages that get here, the search takes 8.6 ms
    a page instead of 29.5 without that scan and the cheap pass that ran first, and dates 88 fewer pages: of
    those with a gold date, 1 rightly and 4 wrongly. Dates in words are read in the page's `language` and
    English."""
    max_date = (now + FUTURE_TOLERANCE).strftime("%Y-%m-%d")
    with replaced(htmldate.core, "search_page", _no_date), reading(language):
        found = find_date(tree, url=url, max_date=max_date, **DATE_SEARCH)
    return Timestamp.of_day(date.fromisoformat(found)) if found and not found.endswith(YEAR_ONLY) else None


def _no_date(_html: str, _options) -> None:
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
    candidates = [tag for tag in (found.tags or ()) if isinstance(tag, str)]  # trafilatura's keeps a meta list whole
    candidates += [k for k in _as_list(linked.get("keywords")) if isinstance(k, str)]
    if not candidates and meta.get("keywords"):
        candidates = [meta["keywords"]]
    return _distinct(_split_lists(candidates))


def _split_lists(values: list[str]) -> list[str]:
    """Keywords and sections come as comma-separated lists as often as one by one."""
    return [part for value in values for part in value.split(",")]


def _distinct(candidates: list[str]) -> tuple[str, ...]:
    """Squashed, without empty ones and without repeats in another case."""
    seen: dict[str, str] = {}
    for tag in (squash(candidate) for candidate in candidates):
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


def _categories(metas: list[HtmlElement], linked: dict, objects: list[dict], links: list[HtmlElement],
                title: str) -> tuple[str, ...]:
    """The page's sections, as distinct from its tags: article:section and JSON-LD articleSection; failing
    those, the JSON-LD breadcrumb trail between the home page and the article; failing that, the links a blog
    marks rel="category" (WordPress: rel="category tag")."""
    declared = [element.get("content", "") for element in metas
                if (element.get("property") or element.get("name") or "").strip().lower() in SECTION_KEYS]
    declared += [section for section in _as_list(linked.get("articleSection")) if isinstance(section, str)]
    return (_distinct(_split_lists(declared)) or _distinct(_breadcrumbs(objects, title))
            or _distinct([link.text_content() for link in links if "category" in _rel(link)]))


def _breadcrumbs(objects: list[dict], title: str) -> list[str]:
    """The names of a BreadcrumbList's steps in order, without the first (the home page) and the headline."""
    for obj in objects:
        if "BreadcrumbList" not in _types(obj):
            continue
        steps = [step for step in _as_list(obj.get("itemListElement")) if isinstance(step, dict)]
        steps.sort(key=lambda step: step.get("position") if isinstance(step.get("position"), int) else 0)
        names = [_crumb_name(step) for step in steps[1:]]
        return [name for name in names if name and squash(name).casefold() != title.casefold()]
    return []


def _crumb_name(step: dict) -> str | None:
    """A ListItem names its step, or the item it points to does."""
    item = step.get("item")
    return _text(step.get("name")) or (_text(item.get("name")) if isinstance(item, dict) else None)


def _license(linked: dict, objects: list[dict], links: list[HtmlElement], meta: dict[str, str], url: str) -> str | None:
    """What the page declares its license: JSON-LD `license` (the article's, then any object's), a link with
    rel="license", then <meta name="license"> and Dublin Core rights."""
    for obj in (linked, *objects):
        for value in _as_list(obj.get("license")):
            if isinstance(value, dict):
                value = _text(value.get("url")) or _text(value.get("@id")) or _text(value.get("name"))
            if isinstance(value, str) and squash(value):
                return _absolute(url, value) if value.startswith("/") else squash(value)
    for link in links:
        if "license" in _rel(link) and (href := _absolute(url, link.get("href"))):
            return href
    return next((squash(meta[key]) for key in LICENSE_KEYS if key in meta), None)


def _rel(element: HtmlElement) -> list[str]:
    return element.get("rel", "").lower().split()


def _declared_language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    declared = tree.get("lang") or meta.get("content-language") or meta.get("og:locale") or ""
    code = re.split(r"[-_]", declared.strip().lower(), maxsplit=1)[0]
    return code if len(code) == 2 and code.isalpha() else None


def _declared_types(objects: list[dict], meta: dict[str, str]) -> frozenset[str]:
    kinds = set().union(*map(_types, objects))
    if og_type := meta.get("og:type", "").strip().lower():
        kinds.add(f"og:{og_type}")
    return frozenset(kinds)
