"""The words the rules look for, per language: adding a language is adding its phrases here, not code.

A table maps a language code to its phrases for one concept; a tuple holds phrases of no language (brands,
agencies). Phrases are regex fragments, most of them plain lower-case words; the rules' patterns match them
case-insensitively unless a table says otherwise. `any_of` joins tables into the alternation a rule compiles.
"""

from __future__ import annotations

Phrases = dict[str, tuple[str, ...]] | tuple[str, ...]


def any_of(*tables: Phrases) -> str:
    """The phrases of every table and language, in order and without repeats, as one regex alternation."""
    phrases = (p for table in tables for p in (table if isinstance(table, tuple) else sum(table.values(), ())))
    return "|".join(dict.fromkeys(phrases))


# --- page types -----------------------------------------------------------------------------------
# schema.org types (JSON-LD @type) that say the page is an article
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "SocialMediaPosting", "TechArticle",
    "ScholarlyArticle", "LiveBlogPosting", "Report",
})

# --- chrome: a paragraph that is nothing but one of these -----------------------------------------
BACK_TO_TOP = {
    "en": ("back to top", "to top", "top"),
    "de": ("nach oben", "zum seitenanfang"),
    "pt": ("voltar ao topo",),
    "es": ("volver arriba",),
    "fr": ("haut de page",),
    "ko": ("맨 위로",),
    "ja": ("トップへ戻る",),
}
SHARE = {"en": ("share",), "de": ("teilen",), "pt": ("compartilhe",), "es": ("compartir",), "fr": ("partager",)}
SHARE_WHAT = {  # "Share this", "Share on …": words that may follow a SHARE word
    "en": ("this", "on", "via", "the", "article", "story", "post", "page"),
    "de": ("artikel",),
}
FOLLOW_US = {
    "en": (r"(?:follow|like) us(?: on .*)?",),
    "de": ("folgen sie uns.*",),
    "pt": ("siga-nos.*",),
    "es": ("síguenos.*",),
}
SUBSCRIBE = {
    "en": (r"subscribe(?: now| today| to .*)?", r"sign up(?: now| today| for .*)?", "register", "log ?in"),
    "de": ("abonnieren",),
    "pt": ("assine",),
    "es": ("suscríbete",),
}
NEWSLETTER_LINE = {"en": ("newsletter", "(?:get )?our newsletter.*")}
ADVERTISEMENT = {
    "en": ("advertisement", "advertising", "sponsored(?: content)?", "ad"),
    "de": ("anzeige", "werbung"),
    "pt": ("publicidade",),
    "es": ("publicidad",),
    "fr": ("publicité", "pub"),
    "ko": ("광고",),
    "ja": ("広告",),
}
READ_MORE = {
    "en": ("read more", "continue reading"),
    "de": ("mehr lesen", "weiterlesen"),
    "pt": ("leia mais",),
    "es": ("leer más",),
    "fr": ("lire plus",),
    "ko": ("더보기",),
}
RECOMMENDED = {  # headings of boxes of links to other articles
    "en": (
        "related(?: (?:articles?|stories|news|content|coverage|posts|topics))?", "more (?:stories|news|on this)",
        "top stories", "you (?:may|might) also like", "recommended(?: for you)?", "trending(?: now)?",
        "most (?:popular|read|viewed|shared)", "latest(?: news| stories)?", "editor['’]?s picks?", "don['’]?t miss",
        "more from .{1,40}", "most (?:popular|read|viewed|shared) in .{1,40}",
    ),
    "de": ("meistgelesen",),
    "pt": ("mais lidas",),
    "es": ("lo más leído",),
    "ko": ("주요 ?뉴스", "많이 본 뉴스"),
}
PAGE_ACTIONS = {"en": ("comments?", r"\d+ comments?", "leave a comment", "print", "email", "e-mail", "tweet")}
SOCIAL_NETWORKS = ("whatsapp", "facebook", "twitter", "linkedin", "pinterest")
NAVIGATION = {
    "en": (
        "skip to (?:main )?content", "menu", "search", "close", "home", "next", "previous", "prev",
        "explore further", "tell us what you think",
    ),
}
READING_TIME = {  # followed by a number: "Lesezeit: 4 Minuten"
    "en": ("reading time", "read time"),
    "de": ("lesezeit",),
    "pt": ("tempo de leitura",),
    "es": ("tiempo de lectura",),
    "fr": ("temps de lecture",),
}
MINUTES_READ = {"en": (r"\d+ min(?:ute)?s? read",)}

# --- prompts that begin a paragraph linking elsewhere, followed by a colon: "Read more: …" ---------
LINK_PROMPTS = {
    "en": ("read more", "read also", "also read", "see also", r"also on [\w.]+", "related", "recommended", "watch",
           "listen", "more"),
    "de": ("lesen sie auch", "mehr zum thema"),
    "pt": ("leia também", "veja também"),
    "es": ("lee también",),
    "fr": ("lire aussi", "à lire aussi"),
    "ko": ("관련기사",),
}
TAG_LABELS = {
    "en": ("tags?", "tagged(?: with)?", "topics", "filed under", "categories"),
    "de": ("schlagw(?:ö|oe)rter", "themen"),
    "pt": ("marcadores",),
    "es": ("etiquetas",),
}
# Matched case-sensitively: prompts shouted in capitals need no colon ("DON'T MISS Plague warning: …").
SHOUTED_PROMPTS = {
    "en": ("DON['’]T MISS", "READ MORE", "READ NEXT", "RELATED(?: ARTICLES| STORIES| CONTENT)?", "SEE ALSO",
           "MORE ON THIS"),
}

# --- boxes: cookies, newsletters, calls to action, copyright --------------------------------------
COOKIE = {"en": ("cookies?",)}
COOKIE_CONTEXT = {"en": ("use", "accept", "consent", "policy", "settings", "browser", "experience")}
NEWSLETTER = {"en": ("newsletters?", "inbox", "mailing list")}
SIGN_UP = {  # word beginnings
    "en": ("sign(?:ing)? up", "subscribe", "register", "delivered", "get the"),
    "de": ("abonn", "anmelden"),
    "pt": ("inscreva",),
    "es": ("suscr",),
    "fr": ("abonn",),
}
CALLS_TO_ACTION = {
    "en": (
        "thanks? (?:you )?for (?:signing up|subscribing|reading)",
        r"share (?:it|this)(?: \w+)? with (?:a|your) friends?",
        "for your personal,? non-commercial use", "order reprints", "download (?:our|the) app", "get the app",
        r"click here (?:to|for)\b", r"like this (?:story|article)\?", "if you (?:enjoyed|liked|value) (?:this|our)",
        "delivered (?:to|through) your (?:door|letterbox|inbox|mailbox)", "keep an eye on your inbox",
    ),
}
COPYRIGHT = {"en": (r"copyright\b",)}
RIGHTS_RESERVED = {"en": ("all rights reserved",)}

# --- bylines, contacts, credits -------------------------------------------------------------------
# Matched case-sensitively, before capitalized names: "By Jane Doe and John Roe".
BYLINE_BY = {"en": ("[Bb]y", "BY"), "de": ("[Vv]on",), "pt": ("[Pp]or",), "es": ("[Pp]or",), "fr": ("[Pp]ar",),
             "nl": ("[Dd]oor",)}
BYLINE_AND = {"en": ("and",), "de": ("und",), "pt": ("e",), "es": ("y",)}
CONTACT_LINES = {
    "en": (
        r"^(?:write to|contact|email|e-mail|reach|follow)\b.*\b(?:at|on|via|@)\b",
        r"\bfollow (?:him|her|them|me|us|@\w+|[A-Z]\w+) on (?:twitter|facebook|instagram|linkedin|x)\b",
        r"^(?:twitter|email|e-mail):\s*\S",
        r"\btrust principles\b", r"\bour standards\b", r"\beditorial (?:standards|guidelines)\b",
        r"^\(?(?:additional )?(?:reporting|writing|editing|compiled|translated) by\b",
        r"\bcontributed to this (?:report|story|article)\b",
    ),
}
# Matched case-sensitively after a capitalized name: "Jane Doe is a senior reporter …".
AUTHOR_IS_A = {"en": ("is an?", "was an?")}
JOURNALISTS = {
    "en": ("reporter", "correspondent", "writer", "editor", "journalist", "columnist", "contributor", "producer"),
}
CREDIT_LABELS = {  # followed by ":", "©" or "/": "Foto: dpa"
    "en": ("photo", "image", "picture", "illustration", "graphic", "video", "credit", "source"),
    "de": ("foto", "bild", "quelle"),
    "pt": ("foto", "imagem", "fonte"),
}
CREDIT_BY = {"en": ("by", "credit", "copyright")}  # "Photo by: …", "Image copyright …"
CREDIT_MARKS = {"en": ("image copyright", "file photo")}
PHOTO_AGENCIES = ("getty images", "ap photo", "afp via getty", "shutterstock", "reuters/", "epa-efe")

# --- datelines: words of "Published 18 November 2019", "기사입력 2018.09.28 17:32" --------------------
DATELINE_WORDS = {
    "en": ("published", "updated", "posted", "modified", "last", "on", "at", "am", "pm", "gmt", "utc", "[ecmp][sd]?t"),
    "de": ("um", "uhr"),
    "pt": ("de", "às"),
    "es": ("el",),
    "fr": ("le",),
    "ko": ("기사입력", "입력", "수정", "승인"),
}
MONTHS = {
    "en": ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
           "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}
# in calendar order: a date's month is its place here. Read by the date parser, which matches abbreviations
# ("Mar", "Sept") as beginnings of these names.
MONTH_NAMES = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"),
}
WEEKDAYS = {
    "en": ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
           "saturday", "sunday"),
    "pt": ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo", "feira"),
}

# --- structure: a heading above a list of links that ends the article -----------------------------
LIST_HEADINGS = {
    "en": (
        r"related(?: \w+)?", "more (?:stories|news|from .*)", "top stories", "you (?:may|might) also like",
        "recommended.*", "most (?:popular|read|viewed)", "latest news", "trending", "read next", "what to read next",
        r"(?:\w+ ){0,3}newsletter",
    ),
    "de": ("weitere artikel", "meistgelesen"),
    "pt": ("mais lidas",),
    "es": ("lo más leído",),
    "ko": ("관련 ?기사", "많이 본 뉴스"),
}

# --- classification: titles of error pages --------------------------------------------------------
# An error page's title is nothing but these (with an HTTP status code, and the site's name after a separator):
# "404 - Page not found", "Error 500", "Oops! That page can’t be found."
ERROR_TITLES = {
    "en": ("page not found", "not found", "access denied", "forbidden", "error", "oops", "internal server error",
           "server error", "service unavailable", "bad gateway", "bad request", "unauthorized",
           r"(?:that |this )?page (?:can['’]?t|cannot|could ?n['’o]t) be found", r"page (?:does ?n['’o]t) exist"),
    "de": ("seite nicht gefunden",),
    "pt": ("página não encontrada",),
    "es": ("página no encontrada",),
    "fr": ("page introuvable",),
    "ko": ("페이지를 찾을 수 없습니다",),
    "ja": ("ページが見つかりません",),
}

# --- authors: cleaning bylines into names ---------------------------------------------------------
BY_PREFIX_WHAT = {"en": ("written", "reported", "reporting", "words", "text", "story", "photos?")}  # "Words by"
BY_PREFIX = {
    "en": ("by", "author"),
    "de": ("von", "autor", "autorin"),
    "pt": ("por", "autor"),
    "es": ("por", "autor"),
    "fr": ("par", "auteur"),
    "nl": ("door",),
    "sv": ("av",),
    "no": ("av",),
    "da": ("af",),
    "pl": ("przez",),
    "ru": ("от", "автор"),
}
AND = {"en": ("and",), "de": ("und",), "pt": ("e",), "es": ("y",), "fr": ("et",), "nl": ("en",), "da": ("og",),
       "no": ("og",), "sv": ("och",)}
NOT_NAMES = {  # words that make a byline part a role or a date, not a person's name
    "en": ("correspondent", "editor", "reporter", "writer", "staff", "contributor", "columnist", "photographer",
           r"journalist\w*", "updated", "published", "min read"),
    "de": (r"redakteur\w*", "redaktion", r"journalist\w*"),
}
ORGANIZATION_WORDS = {
    "en": ("news", "press", "agency", "agencies", "associated", "times", "post", "herald", "daily", "media", "group",
           "inc", "ltd", "team", "desk", "online", "wire", "service", "network", "bureau", "newsroom"),
}
NEWS_AGENCIES = ("reuters", "afp", "dpa")
