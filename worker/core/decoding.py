"""Turn a RawPage's bytes into HTML text: size caps, decompression, content sniffing, charset."""

from __future__ import annotations

import codecs
import re
import zlib

import brotli
import charset_normalizer
import zstandard

from worker.core.model import DeadLetter, Limits, Page, RawPage, Reason

STAGE = "decode"
DEFAULT_LIMITS = Limits()
SNIFF_BYTES = 4096  # where browsers look for a <meta charset> (the spec says 1024; real pages stray further)
DETECT_BYTES = 64 * 1024  # enough text for charset detection to be sure, cheap on large pages
MAX_INVALID_UTF8_SHARE = 0.01  # above this, a page claiming UTF-8 is really something else

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")
BINARY_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF media"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"wOFF", "font"),
)
SINGLE_BYTE_LEGACY = {"cp1252", "ascii"}
# Browsers decode these labels as windows-1252 (WHATWG Encoding Standard).
WINDOWS_1252_ALIASES = {"iso8859-1", "latin-1", "latin1", "iso-8859-1", "us-ascii", "ascii", "l1", "cp819"}

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls (but tab, LF, CR) and DEL, never part of a text, and lone surrogates, at which libxml2 stops
# reading. C1 controls and non-characters are left to the text cleanup: looking for them costs a pass over the page.
UNWANTED_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r") + b"\x7f"


class DecodeFailure(Exception):
    def __init__(self, reason: Reason, message: str):
        super().__init__(message)
        self.reason = reason


def decode_page(raw: RawPage, limits: Limits = DEFAULT_LIMITS) -> Page | DeadLetter:
    try:
        html = _decode(raw, limits)
    except DecodeFailure as err:
        return DeadLetter(err.reason, STAGE, str(err), type(err).__name__)
    return Page(url=raw.url, html=_without_unwanted(html), fetched_at=raw.fetched_at,
                last_modified=raw.http_headers.get("last-modified"))


def _without_unwanted(html: str) -> str:
    """Most pages have no unwanted character, and their UTF-8 bytes tell so three times faster than a regex
    pass over the text. Encoding fails on lone surrogates."""
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        return UNWANTED_CHARS.sub("", html)
    return UNWANTED_CHARS.sub("", html) if len(data.translate(None, CONTROL_BYTES)) < len(data) else html


def _decode(raw: RawPage, limits: Limits) -> str:
    if not raw.body.strip():
        raise DecodeFailure(Reason.NO_CONTENT, "empty body")
    content_type = (raw.content_type or raw.http_headers.get("content-type") or "").lower()
    mime = content_type.split(";", 1)[0].strip()
    if mime and mime not in HTML_TYPES and mime != "application/octet-stream":
        raise DecodeFailure(Reason.NOT_HTML, f"content type {mime!r} is not HTML")
    if isinstance(raw.body, str):
        if len(raw.body) > limits.max_page_bytes:
            raise DecodeFailure(Reason.TOO_LARGE, f"page of {len(raw.body)} characters exceeds the limit")
        return raw.body
    if len(raw.body) > limits.max_page_bytes:
        raise DecodeFailure(Reason.TOO_LARGE, f"page of {len(raw.body)} bytes exceeds the limit")
    data = decompress(raw.body, raw.http_headers.get("content-encoding", ""), limits.max_page_bytes)
    _sniff_markup(data)
    return to_text(data, HEADER_CHARSET.search(content_type))


def decompress(data: bytes, content_encoding: str, cap: int) -> bytes:
    """Undo transfer compression, sniffed from magic bytes or named by Content-Encoding, up to `cap` bytes."""
    encoding = content_encoding.strip().lower()
    try:
        if data[:2] == b"\x1f\x8b":
            return _inflate(data, 16 + zlib.MAX_WBITS, cap)
        if data[:4] == b"\x28\xb5\x2f\xfd":
            return _unzstd(data, cap)
        if data[:1] == b"\x78" and len(data) > 1 and (data[0] << 8 | data[1]) % 31 == 0:
            return _inflate(data, zlib.MAX_WBITS, cap)
        if encoding == "deflate":
            return _inflate(data, -zlib.MAX_WBITS, cap)
        if encoding == "br":
            return _unbrotli(data, cap)
    except (zlib.error, zstandard.ZstdError, brotli.error) as err:
        raise DecodeFailure(Reason.DECODE_ERROR, f"corrupt compressed body: {err}") from err
    return data


def _too_large(cap: int) -> DecodeFailure:
    return DecodeFailure(Reason.TOO_LARGE, f"decompressed body exceeds {cap} bytes")


def _inflate(data: bytes, wbits: int, cap: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, cap + 1)
    if len(out) > cap:
        raise _too_large(cap)
    if not out and not inflater.eof:
        raise DecodeFailure(Reason.DECODE_ERROR, "compressed body yields nothing: corrupt or truncated")
    return out  # a truncated stream still yields the page's beginning, often the whole article


def _unzstd(data: bytes, cap: int) -> bytes:
    with zstandard.ZstdDecompressor().stream_reader(data) as reader:
        out = reader.read(cap + 1)
    if len(out) > cap:
        raise _too_large(cap)
    return out


def _unbrotli(data: bytes, cap: int) -> bytes:
    out = brotli.Decompressor().process(data, output_buffer_limit=cap + 1)
    if len(out) > cap:
        raise _too_large(cap)
    return out


def _sniff_markup(data: bytes) -> None:
    head = data[:SNIFF_BYTES]
    for signature, kind in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise DecodeFailure(Reason.NOT_HTML, f"body is a {kind}, not HTML")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in head:
        raise DecodeFailure(Reason.NOT_HTML, "body is binary, not HTML")
    if b"<" not in data[:DETECT_BYTES] and not utf16:
        raise DecodeFailure(Reason.NOT_HTML, "body has no markup")


def to_text(data: bytes, header_charset: re.Match | None = None) -> str:
    """Decode as a browser would: BOM, then HTTP header, then <meta>, then detection."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    declared = [_codec(m.group(1)) for m in (header_charset, META_CHARSET.search(data[:SNIFF_BYTES])) if m]
    for codec in filter(None, declared):
        if codec in SINGLE_BYTE_LEGACY and _is_utf8(data):
            return data.decode("utf-8")  # a wrong legacy label on a UTF-8 page: trust the bytes
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="cp1252-fallback")
    guess = charset_normalizer.from_bytes(data[:DETECT_BYTES]).best()
    codec = _codec(guess.encoding) if guess else None
    return data.decode(codec or "utf-8", errors="replace")


def _codec(label: str | bytes) -> str | None:
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="ignore")
    label = label.strip().lower()
    if label in WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def _mostly_utf8(data: bytes) -> bool:
    """True when the page is UTF-8 but for a few stray legacy bytes (mixed encodings)."""
    text = data.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= MAX_INVALID_UTF8_SHARE * len(data)


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as windows-1252, which is what they usually are."""
    bad = err.object[err.start:err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("cp1252-fallback", _cp1252_fallback)
