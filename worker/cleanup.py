"""Text cleanup after extraction: general rules that remove what trafilatura lets through.

Each rule takes the paragraphs and the page context and returns the paragraphs it keeps.
No rule knows a site; each is tested on pages written for it (tests/test_cleanup.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# --- hygiene -------------------------------------------------------------------------------
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
SPACES = re.compile(r"[^\S\n]+|\u00a0|\u2007|\u202f")

# --- chrome: a paragraph that is nothing but one of these, in any of our languages ----------
CHROME_LINE = re.compile(
    r"^(?:"
    r"back to top|to top|top|nach oben|zum seitenanfang|voltar ao topo|volver arriba|haut de page|맨 위로|トップへ戻る"
    r"|(?:share|teilen|compartilhe|compartir|partager)(?: (?:this|on|via|the|article|story|post|page|artikel)\b.*)?"
    r"|(?:follow|like) us(?: on .*)?|folgen sie uns.*|siga-nos.*|síguenos.*"
    r"|subscribe(?: now| today| to .*)?|sign up(?: now| today| for .*)?|register|log ?in|abonnieren|assine|suscríbete"
    r"|newsletter|(?:get )?our newsletter.*"
    r"|advertisement|advertising|sponsored(?: content)?|anzeige|werbung|publicidad|publicidade|publicité|pub|ad|광고|広告"
    r"|read more|mehr lesen|leia mais|leer más|lire plus|weiterlesen|continue reading|더보기"
    r"|related(?: (?:articles?|stories|news|content|coverage|posts|topics))?|more (?:stories|news|on this)"
    r"|top stories|you (?:may|might) also like|recommended(?: for you)?|trending(?: now)?|most (?:popular|read|viewed|shared)"
    r"|latest(?: news| stories)?|editor'?s picks?|don'?t miss|more from .{1,40}|mais lidas|meistgelesen|lo más leído"
    r"|comments?|\d+ comments?|leave a comment|print|email|e-mail|tweet|whatsapp|facebook|twitter|linkedin|pinterest"
    r"|skip to (?:main )?content|menu|search|close|home|next|previous|prev"
    r")[\s.:!»›>|-]*$",
    re.I,
)
# Prompts that begin a paragraph linking elsewhere ("Read more: …", "Lesen Sie auch: …").
LINK_PROMPT = re.compile(
    r"^(?:read more|read also|also read|see also|related|recommended|watch|listen|more|"
    r"lesen sie auch|mehr zum thema|leia também|veja também|lee también|lire aussi|à lire aussi|관련기사)\s*:",
    re.I,
)
COOKIES = re.compile(r"\bcookies?\b.*\b(use|accept|consent|policy|settings|browser|experience)\b", re.I)
NEWSLETTER = re.compile(r"\b(newsletters?|inbox|mailing list)\b", re.I)
SIGN_UP = re.compile(r"\b(sign(?:ing)? up|subscribe|register|delivered|get the|abonn|anmelden|inscreva|suscr)", re.I)
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b|all rights reserved)|all rights reserved\.?$", re.I)
MAX_BOX_WORDS = 45  # newsletter, cookie and copyright boxes are short; articles about cookies are not

# --- bylines, contacts, credits -------------------------------------------------------------
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_IN_BRACKETS = re.compile(r"\s*[(<\[]?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>\]]?")
NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
BYLINE = re.compile(rf"^(?:[Bb]y|BY|[Vv]on|[Pp]or|[Pp]ar|[Dd]oor) {NAME}(?:(?:,| and| &| und| y| e) {NAME})*[\s,.|]*$")
CONTACT = re.compile(
    r"^(?:write to|contact|email|e-mail|reach|follow)\b.*\b(?:at|on|via|@)\b"
    r"|\bfollow (?:him|her|them|me|us|@\w+|[A-Z]\w+) on (?:twitter|facebook|instagram|linkedin|x)\b"
    r"|^(?:twitter|email|e-mail):\s*\S"
    r"|\btrust principles\b|\bour standards\b|\beditorial (?:standards|guidelines)\b",
    re.I,
)
AUTHOR_BOX = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} (?:is|was) an? (?:[\w-]+ ){0,4}"
    r"(?:reporter|correspondent|writer|editor|journalist|columnist|contributor|producer)\b"
)
CREDIT = re.compile(
    r"^(?:photo|image|picture|foto|bild|imagem|illustration|graphic|video|credit|source|fonte|quelle)s?"
    r"(?:\s+(?:by|credit|copyright))?\s*[:©/]"
    r"|\b(?:getty images|ap photo|afp via getty|shutterstock|reuters/|epa-efe|image copyright|file photo)\b",
    re.I,
)
MAX_BYLINE_WORDS = 25  # a byline or contact line is a sentence at most
TAIL_PARAGRAPHS = 3  # author boxes sit at the end of the body

# --- structure ------------------------------------------------------------------------------
LIST_HEADING = re.compile(
    r"^(?:related(?: \w+)?|more (?:stories|news|from .*)|top stories|you (?:may|might) also like|recommended.*|"
    r"most (?:popular|read|viewed)|latest news|trending|read next|what to read next|weitere artikel|"
    r"mais lidas|meistgelesen|lo más leído|관련 ?기사|많이 본 뉴스)[\s:]*$",
    re.I,
)
MAX_LIST_ITEM_WORDS = 15  # items of a link list under such a heading are headlines
MAX_STRAY_CHARS = 40  # a fragment in another script longer than this is a quotation, not a stray


@dataclass(frozen=True, slots=True)
class Context:
    title: str
    captions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Cleaned:
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    bylines: tuple[str, ...]  # byline paragraphs taken out of the body: authors when metadata names none


def clean(paragraphs: tuple[str, ...], context: Context) -> Cleaned:
    kept = [p for p in map(normalize, paragraphs) if p]
    captions = tuple(dict.fromkeys(p for p in kept if p in context.captions))
    bylines = tuple(p for p in kept if BYLINE.match(EMAIL_IN_BRACKETS.sub("", p)))
    for rule in RULES:
        kept = rule(kept, context)
    return Cleaned(tuple(kept), captions, bylines)


def normalize(text: str) -> str:
    """NFC, no invisible or control characters, single spaces, no blank edges."""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
    return " ".join(SPACES.sub(" ", text).split())


def _words(paragraph: str) -> int:
    return len(paragraph.split())


def drop_captions(paragraphs: list[str], context: Context) -> list[str]:
    return [p for p in paragraphs if p not in context.captions and not (_words(p) <= MAX_BYLINE_WORDS and CREDIT.search(p))]


def drop_repeats(paragraphs: list[str], context: Context) -> list[str]:
    """The headline repeated as a paragraph, and any paragraph seen before, however far back."""
    seen = {_key(context.title)} if context.title else set()
    kept = []
    for paragraph in paragraphs:
        key = _key(paragraph)
        if key not in seen:
            kept.append(paragraph)
            seen.add(key)
    return kept


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def drop_chrome(paragraphs: list[str], context: Context) -> list[str]:
    return [p for p in paragraphs if not _is_chrome(p)]


def _is_chrome(paragraph: str) -> bool:
    if CHROME_LINE.match(paragraph) or LINK_PROMPT.match(paragraph):
        return True
    if _words(paragraph) > MAX_BOX_WORDS:
        return False
    return bool(
        COOKIES.search(paragraph)
        or (NEWSLETTER.search(paragraph) and SIGN_UP.search(paragraph))
        or COPYRIGHT.search(paragraph)
    )


def drop_bylines(paragraphs: list[str], context: Context) -> list[str]:
    last = len(paragraphs) - TAIL_PARAGRAPHS
    return [
        p
        for i, p in enumerate(paragraphs)
        if not (
            _words(p) <= MAX_BYLINE_WORDS
            and (EMAIL.search(p) or CONTACT.search(p) or BYLINE.match(p))
            or i >= last and AUTHOR_BOX.match(p)
        )
    ]


def cut_link_lists(paragraphs: list[str], context: Context) -> list[str]:
    """A "Most popular"-style heading followed only by headline-sized items ends the article."""
    for i, paragraph in enumerate(paragraphs):
        if i and LIST_HEADING.match(paragraph) and all(_words(p) <= MAX_LIST_ITEM_WORDS for p in paragraphs[i + 1:]):
            return paragraphs[:i]
    return paragraphs


def drop_strays(paragraphs: list[str], context: Context) -> list[str]:
    """Short fragments written in another script than the article, such as an ad link."""
    scripts = Counter()
    for paragraph in paragraphs:
        scripts.update(_scripts(paragraph))
    if not scripts:
        return paragraphs
    main = scripts.most_common(1)[0][0]
    return [p for p in paragraphs if len(p) > MAX_STRAY_CHARS or _dominant(p) in (main, None)]


def _scripts(text: str) -> Counter:
    return Counter(script for ch in text if ch.isalpha() and (script := _script(ch)))


def _dominant(text: str) -> str | None:
    counts = _scripts(text)
    return counts.most_common(1)[0][0] if counts else None


def _script(ch: str) -> str | None:
    if ch.isascii():
        return "LATIN"
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0]
    # Japanese mixes kana with kanji; Korean may quote hanja: one writing system each.
    return {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "LATIN"}.get(script, script)


RULES = (drop_captions, drop_repeats, cut_link_lists, drop_chrome, drop_bylines, drop_strays)
