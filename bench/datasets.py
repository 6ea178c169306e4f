"""The two dev sets as BenchPages: ScrapingHub's article benchmark and WCXB's development split.

Pages keep their HTML gzipped (WCXB's is 416 MB inflated) and inflate it on each read, outside any timing.
WCXB is cut in two halves by the page's host, so that a rule tuned on "tune" can be checked on pages of sites
it never saw: "check".
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCRAPINGHUB = "scrapinghub"
WCXB = "wcxb"
DIRECTORIES = {SCRAPINGHUB: "scrapinghub", WCXB: "wcxb-dev"}
ARTICLE = "article"
HALVES = ("tune", "check")
# Five WCXB pages lack a URL; a crawler always has one, and our envelope refuses a record without it.
UNKNOWN_URL = "https://unknown.invalid/{key}"


@dataclass(frozen=True, slots=True)
class BenchPage:
    key: str  # the file name: a sha256 (ScrapingHub) or a number (WCXB)
    url: str
    truth: str  # the reference main text
    gz: bytes  # the page as crawled, undecoded, gzipped
    page_type: str = ARTICLE
    half: str = ""  # WCXB only: "tune" or "check"
    title: str = ""  # WCXB only, as are the fields below; empty when the ground truth has none
    author: str = ""
    date: str = ""
    must_have: tuple[str, ...] = ()  # snippets a correct extraction contains
    must_not: tuple[str, ...] = ()  # snippets it does not

    @property
    def raw(self) -> bytes:
        return gzip.decompress(self.gz)


def is_present(root: Path, name: str) -> bool:
    marker = "ground-truth.json" if name == SCRAPINGHUB else "ground-truth"
    return (root / DIRECTORIES[name] / marker).exists()


def load(root: Path, name: str, limit: int | None = None) -> list[BenchPage]:
    """The set's pages sorted by file name, the first `limit` of them if given."""
    return (_scrapinghub if name == SCRAPINGHUB else _wcxb)(root / DIRECTORIES[name], limit)


def _scrapinghub(directory: Path, limit: int | None) -> list[BenchPage]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        BenchPage(sha, truth[sha]["url"], truth[sha]["articleBody"],
                  (directory / "html" / f"{sha}.html.gz").read_bytes())
        for sha in sorted(truth)[:limit]
    ]


def _wcxb(directory: Path, limit: int | None) -> list[BenchPage]:
    return [_wcxb_page(directory, path) for path in sorted((directory / "ground-truth").glob("*.json"))[:limit]]


def _wcxb_page(directory: Path, path: Path) -> BenchPage:
    record = json.loads(path.read_text(encoding="utf-8"))
    truth = record["ground_truth"]
    url = record.get("url") or truth.get("url") or UNKNOWN_URL.format(key=path.stem)
    return BenchPage(
        key=path.stem,
        url=url,
        truth=truth.get("main_content") or "",  # two pages lack it: nothing is the main text
        gz=(directory / "html" / f"{path.stem}.html.gz").read_bytes(),
        page_type=record["_internal"]["page_type"]["primary"],
        half=half(url),
        title=(truth.get("title") or "").strip(),
        author=(truth.get("author") or "").strip(),
        date=(truth.get("publish_date") or "").strip(),
        must_have=tuple(truth.get("with") or ()),
        must_not=tuple(truth.get("without") or ()),
    )


def half(url: str) -> str:
    """"tune" or "check", fixed by a hash of the URL's host without "www.": all pages of a site go together."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return HALVES[hashlib.sha256(host.encode("utf-8")).digest()[0] % 2]
