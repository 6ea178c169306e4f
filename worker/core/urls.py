"""Canonical URLs: normalized by courlan, without fragment or tracking parameters."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

# courlan drops utm_*, fbclid, gclid, mc_* and the like; these campaign tags slip past it.
EXTRA_TRACKERS = re.compile(
    r"^(ocid|cmpid|cmp|icid|ito|smid|spm|igshid|yclid|mkt_tok|_ga|sr_share|ns_\w+|at_\w+|trk\w*|xtor)$", re.I
)


def canonicalize(url: str) -> str:
    try:
        normalized = normalize_url(url)
    except ValueError:
        normalized = url
    parts = urlsplit(normalized)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not EXTRA_TRACKERS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))
