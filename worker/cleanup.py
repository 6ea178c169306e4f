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

from worker.words import count_words

# --- hygiene -------------------------------------------------------------------------------
# Invisible characters, C1 controls and non-characters
INVISIBLE = re.compile("[\x80-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]")
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
    r"|latest(?: news| stories)?|editor['’]?s picks?|don['’]?t miss|more from .{1,40}|mais lidas|meistgelesen|lo más leído"
    r"|most (?:popular|read|viewed|shared) in .{1,40}|주요 ?뉴스|많이 본 뉴스"
    r"|comments?|\d+ comments?|leave a comment|print|email|e-mail|tweet|whatsapp|facebook|twitter|linkedin|pinterest"
    r"|skip to (?:main )?content|menu|search|close|home|next|previous|prev|explore further|tell us what you think"
    r"|(?:reading time|read time|tempo de leitura|lesezeit|tiempo de lectura|temps de lecture)\W*\d+.*|\d+ min(?:ute)?s? read"
    r"|https?://\S+|www\.\S+"
    r")[\s.:!»›>|-]*$",
    re.I,
)
# Prompts that begin a paragraph linking elsewhere ("Read more: …", "Lesen Sie auch: …").
LINK_PROMPT = re.compile(
    r"^(?:read more|read also|also read|see also|also on [\w.]+|related|recommended|watch|listen|more|"
    r"lesen sie auch|mehr zum thema|leia também|veja também|lee también|lire aussi|à lire aussi|관련기사|"
    r"tags?|tagged(?: with)?|topics|filed under|categories|schlagw(?:ö|oe)rter|themen|etiquetas|marcadores)\s*:",
    re.I,
)
# The same prompts shouted in capitals need no colon: "DON'T MISS Plague warning: CDC names …".
SHOUTED_PROMPT = re.compile(r"^(?:DON['’]T MISS|READ MORE|READ NEXT|RELATED(?: ARTICLES| STORIES| CONTENT)?|SEE ALSO|MORE ON THIS)\b")
COOKIES = re.compile(r"\bcookies?\b.*\b(use|accept|consent|policy|settings|browser|experience)\b", re.I)
NEWSLETTER = re.compile(r"\b(newsletters?|inbox|mailing list)\b", re.I)
SIGN_UP = re.compile(r"\b(sign(?:ing)? up|subscribe|register|delivered|get the|abonn|anmelden|inscreva|suscr)", re.I)
PROMPTS = re.compile(
    r"\b(?:thanks? (?:you )?for (?:signing up|subscribing|reading)|share (?:it|this)(?: \w+)? with (?:a|your) friends?|"
    r"for your personal,? non-commercial use|order reprints|download (?:our|the) app|get the app|"
    r"click here (?:to|for)\b|like this (?:story|article)\?|if you (?:enjoyed|liked|value) (?:this|our)|"
    r"delivered (?:to|through) your (?:door|letterbox|inbox|mailbox)|keep an eye on your inbox)",
    re.I,
)
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
    r"|\btrust principles\b|\bour standards\b|\beditorial (?:standards|guidelines)\b"
    r"|^\(?(?:additional )?(?:reporting|writing|editing|compiled|translated) by\b|\bcontributed to this (?:report|story|article)\b",
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
DATE_WORDS = re.compile(
    r"^(?:\d+|published|updated|posted|modified|last|on|at|am|pm|gmt|utc|[ecmp][sd]?t|de|às|um|uhr|le|el|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|janeiro|fevereiro|"
    r"março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|enero|febrero|marzo|mayo|junio|"
    r"julio|septiembre|octubre|noviembre|diciembre|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|segunda|terça|quarta|quinta|sexta|sábado|domingo|feira|기사입력|입력|수정|승인)$",
    re.I,
)
YEAR_OR_TIME = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b")
MAX_DATELINE_WORDS = 14
DATELINE_SHARE = 0.8  # nearly every word a date, a time or a "published"
MAX_BYLINE_WORDS = 25  # a byline or contact line is a sentence at most
TAIL_PARAGRAPHS = 3  # author boxes sit at the end of the body

# --- structure ------------------------------------------------------------------------------
LIST_HEADING = re.compile(
    r"^(?:related(?: \w+)?|more (?:stories|news|from .*)|top stories|you (?:may|might) also like|recommended.*|"
    r"most (?:popular|read|viewed)|latest news|trending|read next|what to read next|weitere artikel|"
    r"mais lidas|meistgelesen|lo más leído|관련 ?기사|많이 본 뉴스|(?:\w+ ){0,3}newsletter)[\s:]*$",
    re.I,
)
MAX_CARD_WORDS = 40  # a headline link and its one-line teaser
MAX_LIST_ITEM_WORDS = 15  # items of a link list under such a heading are headlines (or the texts of links)
MAX_STANDFIRST_WORDS = 18  # longer, a paragraph equal to the description is the lead that the description quotes
MIN_TEASER_WORDS = 3  # a shorter link-only paragraph is more often a heading that a table of contents links to
ASCII_LETTERS = re.compile("[A-Za-z]+")
NON_ASCII_LETTERS = re.compile(r"[^\W\d_\x00-\x7f]")
MIN_REPEAT_WORDS = 12  # shorter lines (labels, subheadings, "Step 1") legitimately recur in a body
MAX_STRAY_CHARS = 40  # a fragment in another script longer than this is a quotation, not a stray


@dataclass(frozen=True, slots=True)
class Context:
    headlines: frozenset[str]  # the headline in every form the page shows it
    captions: frozenset[str]
    link_texts: frozenset[str] = frozenset()
    description: str = ""  # the page's meta description


@dataclass(frozen=True, slots=True)
class Cleaned:
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    bylines: tuple[str, ...]  # byline paragraphs taken out of the body: authors when metadata names none


def clean(paragraphs: tuple[str, ...], context: Context) -> Cleaned:
    kept = [p for p in map(normalize, paragraphs) if p]
    captions = tuple(dict.fromkeys(p for p in kept if p in context.captions))
    bylines = tuple(p for p in kept if BYLINE.match(EMAIL_IN_BRACKETS.sub("", p) if "@" in p else p))
    for rule in RULES:
        kept = rule(kept, context)
    return Cleaned(tuple(kept), captions, bylines)


def normalize(text: str) -> str:
    """NFC, no invisible or control characters, single spaces, no blank edges."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
    return " ".join(SPACES.sub(" ", text).split())


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
    return " ".join(re.findall(r"\w+", text.casefold()))


def drop_standfirst(paragraphs: list[str], context: Context) -> list[str]:
    """A short summary above the body that repeats the page's description (a dek) is not the article."""
    if len(paragraphs) > 1 and context.description and count_words(paragraphs[0]) <= MAX_STANDFIRST_WORDS:
        if _key(paragraphs[0]) == _key(context.description):
            return paragraphs[1:]
    return paragraphs


def drop_teasers(paragraphs: list[str], context: Context) -> list[str]:
    """A paragraph that is nothing but the text of a link is a teaser for another page."""
    return [p for p in paragraphs if p not in context.link_texts or count_words(p) < MIN_TEASER_WORDS]


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
    """"Published 18 November 2019", "Updated: Nov 19, 2019 10:02 AM", "기사입력 2018.09.28 17:32": metadata, not text."""
    return [p for p in paragraphs if not _is_dateline(p)]


def _is_dateline(paragraph: str) -> bool:
    words = re.findall(r"\w+", paragraph)
    return (
        0 < len(words) <= MAX_DATELINE_WORDS
        and bool(YEAR_OR_TIME.search(paragraph))
        and sum(bool(DATE_WORDS.match(w)) for w in words) >= DATELINE_SHARE * len(words)
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


RULES = (drop_captions, drop_repeats, drop_standfirst, cut_link_lists, drop_teasers, drop_chrome, drop_bylines, drop_datelines, drop_strays)
