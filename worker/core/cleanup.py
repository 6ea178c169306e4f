"""Text cleanup after extraction: general rules that remove what trafilatura lets through.

Each rule takes the paragraphs and the page context and returns the paragraphs it keeps.
No rule knows a site; each is tested on pages written for it (tests/test_cleanup.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

from worker.core import lexicon
from worker.core.lexicon import any_of
from worker.core.text import EMAIL, WORD, count_words, squash, words

# --- hygiene -------------------------------------------------------------------------------
# Invisible characters, C1 controls and non-characters
INVISIBLE = re.compile("[\x80-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]")
SPACES = re.compile(r"[^\S\n]+|\u00a0|\u2007|\u202f")

# --- chrome: a paragraph that is nothing but one of these, in any of our languages ----------
CHROME_LINE = re.compile(
    rf"^(?:{any_of(lexicon.BACK_TO_TOP)}"
    rf"|(?:{any_of(lexicon.SHARE)})(?: (?:{any_of(lexicon.SHARE_WHAT)})\b.*)?"
    rf"|{any_of(lexicon.FOLLOW_US, lexicon.SUBSCRIBE, lexicon.NEWSLETTER_LINE, lexicon.ADVERTISEMENT, lexicon.READ_MORE)}"
    rf"|{any_of(lexicon.RECOMMENDED, lexicon.PAGE_ACTIONS, lexicon.SOCIAL_NETWORKS, lexicon.NAVIGATION)}"
    rf"|(?:{any_of(lexicon.READING_TIME)})\W*\d+.*|{any_of(lexicon.MINUTES_READ)}"
    r"|https?://\S+|www\.\S+"
    r")[\s.:!»›>|-]*$",
    re.I,
)
# Prompts that begin a paragraph linking elsewhere ("Read more: …", "Lesen Sie auch: …").
LINK_PROMPT = re.compile(rf"^(?:{any_of(lexicon.LINK_PROMPTS, lexicon.TAG_LABELS)})\s*:", re.I)
# The same prompts shouted in capitals need no colon: "DON'T MISS Plague warning: CDC names …".
SHOUTED_PROMPT = re.compile(rf"^(?:{any_of(lexicon.SHOUTED_PROMPTS)})\b")
COOKIES = re.compile(rf"\b(?:{any_of(lexicon.COOKIE)})\b.*\b({any_of(lexicon.COOKIE_CONTEXT)})\b", re.I)
NEWSLETTER = re.compile(rf"\b({any_of(lexicon.NEWSLETTER)})\b", re.I)
SIGN_UP = re.compile(rf"\b({any_of(lexicon.SIGN_UP)})", re.I)
PROMPTS = re.compile(rf"\b(?:{any_of(lexicon.CALLS_TO_ACTION)})", re.I)
COPYRIGHT = re.compile(
    rf"^(?:©|\(c\)|{any_of(lexicon.COPYRIGHT, lexicon.RIGHTS_RESERVED)})|(?:{any_of(lexicon.RIGHTS_RESERVED)})\.?$", re.I
)
MAX_BOX_WORDS = 45  # newsletter, cookie and copyright boxes are short; articles about cookies are not

# --- bylines, contacts, credits -------------------------------------------------------------
EMAIL_IN_BRACKETS = re.compile(rf"\s*[(<\[]?\s*{EMAIL.pattern}\s*[)>\]]?")
NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
BYLINE = re.compile(  # may end in "(", where trafilatura split off its e-mail link
    rf"^(?:{any_of(lexicon.BYLINE_BY)}) {NAME}(?:(?:,| &| (?:{any_of(lexicon.BYLINE_AND)})) {NAME})*[\s,.|(<\[]*$"
)
CONTACT = re.compile(any_of(lexicon.CONTACT_LINES), re.I)
AUTHOR_BOX = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} "
    rf"(?:{any_of(lexicon.AUTHOR_IS_A)}) (?:[\w-]+ ){{0,4}}(?:{any_of(lexicon.JOURNALISTS)})\b"
)
CREDIT = re.compile(
    rf"^(?:{any_of(lexicon.CREDIT_LABELS)})s?(?:\s+(?:{any_of(lexicon.CREDIT_BY)}))?\s*[:©/]"
    rf"|\b(?:{any_of(lexicon.PHOTO_AGENCIES, lexicon.CREDIT_MARKS)})\b",
    re.I,
)
DATE_WORDS = re.compile(rf"^(?:\d+|{any_of(lexicon.DATELINE_WORDS, lexicon.MONTHS, lexicon.WEEKDAYS)})$", re.I)
YEAR_OR_TIME = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b")
MAX_DATELINE_WORDS = 14
DATELINE_SHARE = 0.8  # nearly every word a date, a time or a "published"
MAX_DATELINES = 3  # an article states its dates once or twice; a page of many date lines is a dated list
MAX_BYLINE_WORDS = 25  # a byline or contact line is a sentence at most
TAIL_PARAGRAPHS = 3  # author boxes sit at the end of the body

# --- structure ------------------------------------------------------------------------------
LIST_HEADING = re.compile(rf"^(?:{any_of(lexicon.LIST_HEADINGS)})[\s:]*$", re.I)
MAX_CARD_WORDS = 40  # a headline link and its one-line teaser
MAX_LIST_ITEM_WORDS = 15  # items of a link list under such a heading are headlines (or the texts of links)
MIN_TEASER_WORDS = 3  # a shorter link text is more often a heading that a table of contents links to
ASCII_LETTERS = re.compile("[A-Za-z]+")
NON_ASCII_LETTERS = re.compile(r"[^\W\d_\x00-\x7f]")
MIN_REPEAT_WORDS = 12  # shorter lines (labels, subheadings, "Step 1") legitimately recur in a body
MAX_STRAY_CHARS = 40  # a fragment in another script longer than this is a quotation, not a stray


@dataclass(frozen=True, slots=True)
class Context:
    headlines: frozenset[str]  # the headline in every form the page shows it
    captions: frozenset[str]
    link_texts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Cleaned:
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    bylines: tuple[str, ...]  # byline paragraphs taken out of the body: authors when metadata names none


def clean(paragraphs: tuple[str, ...], context: Context) -> Cleaned:
    kept = [p for p in map(normalize, paragraphs) if WORD.search(p)]  # "(" left where a link was cut out
    captions = tuple(dict.fromkeys(p for p in kept if p in context.captions))
    bylines = tuple(p.rstrip(" ,.|(<[") for p in kept if BYLINE.match(EMAIL_IN_BRACKETS.sub("", p) if "@" in p else p))
    for rule in RULES:
        kept = rule(kept, context)
    return Cleaned(tuple(kept), captions, bylines)


def normalize(text: str) -> str:
    """NFC, no invisible or control characters, single spaces, no blank edges."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
    return squash(SPACES.sub(" ", text))


def drop_captions(paragraphs: list[str], context: Context) -> list[str]:
    return [p for p in paragraphs if p not in context.captions and not (count_words(p) <= MAX_BYLINE_WORDS and CREDIT.search(p))]


def drop_repeats(paragraphs: list[str], context: Context) -> list[str]:
    """The headline repeated as a paragraph, and any sentence-sized paragraph seen before, however far back."""
    headlines = {_key(headline) for headline in context.headlines}
    seen = set()
    kept = []
    for paragraph in paragraphs:
        key = _key(paragraph)
        if key in headlines or key in seen:
            continue
        kept.append(paragraph)
        if count_words(paragraph) >= MIN_REPEAT_WORDS:
            seen.add(key)
    return kept


def _key(text: str) -> str:
    return " ".join(words(text.casefold()))



def drop_chrome(paragraphs: list[str], context: Context) -> list[str]:
    return [p for p in paragraphs if not _is_chrome(p)]


def _is_chrome(paragraph: str) -> bool:
    if CHROME_LINE.match(paragraph) or LINK_PROMPT.match(paragraph) or SHOUTED_PROMPT.match(paragraph):
        return True
    if count_words(paragraph) > MAX_BOX_WORDS:
        return False
    return bool(
        COOKIES.search(paragraph)
        or (NEWSLETTER.search(paragraph) and SIGN_UP.search(paragraph))
        or PROMPTS.search(paragraph)
        or COPYRIGHT.search(paragraph)
    )


def drop_bylines(paragraphs: list[str], context: Context) -> list[str]:
    last = len(paragraphs) - TAIL_PARAGRAPHS
    return [
        p
        for i, p in enumerate(paragraphs)
        if not (
            count_words(p) <= MAX_BYLINE_WORDS
            and (EMAIL.search(p) or CONTACT.search(p) or BYLINE.match(p))
            or i >= last and AUTHOR_BOX.match(p)
        )
    ]


def drop_datelines(paragraphs: list[str], context: Context) -> list[str]:
    """"Published 18 November 2019", "Updated: Nov 19, 2019 10:02 AM", "기사입력 2018.09.28 17:32": metadata, not
    text. Where there are many, they are content: a schedule, an archive, a changelog."""
    datelines = [_is_dateline(p) for p in paragraphs]
    if sum(datelines) > MAX_DATELINES:
        return paragraphs
    return [p for p, dateline in zip(paragraphs, datelines, strict=True) if not dateline]


def _is_dateline(paragraph: str) -> bool:
    found = words(paragraph)
    return (
        0 < len(found) <= MAX_DATELINE_WORDS
        and bool(YEAR_OR_TIME.search(paragraph))
        and sum(bool(DATE_WORDS.match(w)) for w in found) >= DATELINE_SHARE * len(found)
    )


def cut_link_lists(paragraphs: list[str], context: Context) -> list[str]:
    """A "Most popular"-style heading followed only by headlines or links ends the article."""
    for i, paragraph in enumerate(paragraphs):
        if i and LIST_HEADING.match(paragraph) and all(_is_list_item(p, context) for p in paragraphs[i + 1:]):
            return paragraphs[:i]
    return paragraphs


def _is_list_item(paragraph: str, context: Context) -> bool:
    """A headline, a teaser card (a link to another page, maybe followed by a line about it), or the box's
    own chrome and sign-up blurb."""
    if count_words(paragraph) <= MAX_LIST_ITEM_WORDS or paragraph in context.link_texts or _is_chrome(paragraph):
        return True
    if count_words(paragraph) <= MAX_BOX_WORDS and SIGN_UP.search(paragraph):
        return True
    return count_words(paragraph) <= MAX_CARD_WORDS and any(
        paragraph.startswith(link) for link in context.link_texts if count_words(link) >= MIN_TEASER_WORDS
    )


def drop_strays(paragraphs: list[str], context: Context) -> list[str]:
    """Short fragments with no letter of the article's script, such as a Korean ad link under an English
    article. Latin fragments in a non-Latin article stay: there they are code, names and brands."""
    scripts = _scripts(" ".join(paragraphs))
    if not scripts:
        return paragraphs
    main = scripts.most_common(1)[0][0]
    return [p for p in paragraphs if len(p) > MAX_STRAY_CHARS or not _is_stray(_scripts(p), main)]


def _is_stray(scripts: Counter, main: str) -> bool:
    return bool(scripts) and main not in scripts and set(scripts) != {"LATIN"}


def _scripts(text: str) -> Counter:
    """Letters per writing system; ASCII needs no lookup, and most text is ASCII."""
    counts = Counter() if text.isascii() else Counter(map(_script, NON_ASCII_LETTERS.findall(text)))
    ascii_letters = sum(map(len, ASCII_LETTERS.findall(text)))
    if ascii_letters:
        counts["LATIN"] += ascii_letters
    counts.pop(None, None)
    return counts


@cache
def _script(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0]
    # Japanese mixes kana with kanji; Korean may quote hanja: one writing system each.
    return {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "LATIN"}.get(script, script)


# Measured on wcxb-dev's check half, a paragraph that is only a link's text (drop_teasers) and a first
# paragraph equal to the description (drop_standfirst) were the article's own text far more often than junk
# (675 against 154, 9 against 2): those rules are gone.
RULES = (drop_captions, drop_repeats, cut_link_lists, drop_chrome, drop_bylines, drop_datelines, drop_strays)
