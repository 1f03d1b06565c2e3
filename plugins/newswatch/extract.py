"""Raw page → `Article`: metadata and body paragraphs from one HTML document (pure, no I/O).

The public entry point is `extract_article`. It never raises on bad input: undecodable bytes,
binary junk or truncated HTML give an `Article` with no paragraphs and ``method == "empty"``.

Steps, in order:

1. **Decode** (`decode_html`): BOM, then the HTTP Content-Type charset, then ``<meta charset>`` /
   ``http-equiv``, then detection — a declaration that does not decode the bytes, or gives
   implausible text, falls through to the next; finally `repair_mojibake` on the decoded text.
2. **Metadata** from structured data first — JSON-LD (``@graph`` and arrays, broken JSON tolerated),
   OpenGraph / ``article:*`` / Dublin Core / plain ``<meta>``, microdata (``itemprop``) — then
   ``<time datetime>``, visible text and the URL path. Published-date arbitration is
   ``hints > jsonld > meta > time > text > url``; a date labelled as a modification is never used as
   the publication date. Microdata counts as "meta": it is markup the publisher wrote for machines.
   The section falls back to what a reader sees: breadcrumbs, a kicker/rubric label, then the
   linked section front whose URL folder contains the article's. The outlet's names (configured
   ``outlet_name``, og:site_name, publisher, the ``<title>`` around the headline) are never authors.
3. **Body**: the outlet's `ExtractionHints.body_selector` when it matches; otherwise trafilatura
   and a container-density fallback (``<p>``/``<h2>`` of the densest article container, or of the
   element holding the most ``<p>`` text) are compared (see `_choose_body`): the container wins when
   it recovers clearly more prose, or when trafilatura only adds stray non-sentence lines around it
   (sidebar boxes, rubric, standfirst). The JSON-LD ``articleBody`` is used when it is much longer
   than both (paywalled or script-rendered pages often embed the full text there).

Figures are kept out of the body: ``<figcaption>`` text goes to `image_captions`, credits to
`image_credits`. List items are emitted with a leading "• " so that `newswatch.clean` can tell a
photo-gallery widget ("• caption", "• Reuters", "• © Name") from prose.

Known gap: `Article` has no field for "time zone assumed"; `parse_date` returns it
(`ParsedDate.tz_assumed`) and it is logged at DEBUG, but it does not travel with the article.
"""

from __future__ import annotations

import codecs
import functools
import html as html_lib
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import charset_normalizer
import trafilatura
from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from lxml import etree
from soupsieve import SelectorSyntaxError

from newswatch.clean import (
    AGENCY_NAMES,
    is_boilerplate_line,
    is_caption_then_credit,
    is_credit_line,
    normalise_text,
    repair_mojibake,
    split_caption_credit,
    strip_bullet,
)
from newswatch.models import Article, ExtractionHints, ParagraphKind

logger = logging.getLogger(__name__)

__all__ = [
    "EXTRACTOR_VERSION",
    "ParsedDate",
    "clean_author_names",
    "date_from_url",
    "decode_html",
    "extract_article",
    "parse_date",
]

EXTRACTOR_VERSION = "1.1.0"

# ============================================================================================
# Decoding
# ============================================================================================
# Every way of reading the bytes is judged by the text it produces, never by the bytes alone: a
# single-byte code page decodes almost anything "cleanly", so a strict decode only rules a
# candidate out. `_badness` scores the visible text of a candidate decoding (tags, scripts and
# entities stripped) for the traces that wrong decodings leave — replacement and control
# characters, symbols glued inside words ("Ð¡Ð»Ð¾", "bud¿et"), words mixing scripts, case flips
# ("гОРОДСКОЙ": KOI8-R read as windows-1251), runs of accented letters ("Ãîðîäñêîé") or accents no
# single language uses together ("námìstí": Czech read as windows-1252), half-width katakana, rare
# hanzi, and CJK code pages whose text does not look like their language (Japanese without kana,
# Chinese with them). Declared charsets are taken when their text scores well; detection ranks
# charset_normalizer's proposals plus a fixed set of common web code pages by the same score.

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_PRESCAN_BYTES = 8192  # where <meta charset> / http-equiv / the XML declaration are looked for
_CT_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
# Web labels Python's codec registry does not know.
_LABEL_ALIASES = {
    "x-sjis": "cp932", "windows-31j": "cp932", "x-euc-jp": "euc_jp",
    "x-gbk": "gb18030", "gb_2312-80": "gb18030", "windows-874": "cp874",
    "x-mac-cyrillic": "mac_cyrillic", "x-mac-roman": "mac_roman",
    "x-cp1250": "cp1250", "x-cp1251": "cp1251", "x-cp1252": "cp1252", "x-cp1253": "cp1253",
    "unicode-1-1-utf-8": "utf-8", "x-unicode20utf8": "utf-8",
}  # fmt: skip
# WHATWG Encoding Standard: on the web these labels mean the superset code page (iso-8859-1 and
# us-ascii are windows-1252, shift_jis is windows-31j, gb2312/gbk are gb18030, euc-kr is windows-949).
_WEB_SUPERSETS = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "shift_jis": "cp932", "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949",
    "big5": "big5hkscs", "utf-8-sig": "utf-8",
}  # fmt: skip
# Languages whose pages are in windows-1250 when undeclared: detection prefers it on a tie.
_CENTRAL_EUROPEAN_LANGS = {"pl", "cs", "sk", "hu", "sl", "hr", "ro", "bs", "sr", "sq"}
_HTML_LANG_RE = re.compile(rb"<html[^>]*\slang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)
# Code pages tried on undeclared pages besides charset_normalizer's proposals (which it often
# misses on short pages): the common legacy encodings of Western, Central European, Cyrillic,
# Greek, Japanese, Chinese and Korean news sites.
_DETECTION_CANDIDATES = (
    "cp1252",
    "cp1250",
    "cp1251",
    "koi8-r",
    "cp1253",
    "cp932",
    "euc_jp",
    "gb18030",
    "big5hkscs",
    "cp949",
)
# A declared charset is used when its text scores at most this many penalty points per non-ASCII
# byte of visible text (correct text scores ~0; a wrong code page several tenths).
_ACCEPTABLE_BADNESS = 0.05
_SAMPLE_BYTES = 4096  # of non-ASCII words: plenty to tell code pages apart, cheap to score ~12 times
_VISIBLE_WINDOW = 1 << 20  # pages can carry hundreds of KB of inline script before the article
_VISIBLE_RE = re.compile(
    rb"(?is)<(script|style|template|svg|noscript)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&#?\w{1,10};"
)
_NON_ASCII_WORD_RE = re.compile(rb"\S*[\x80-\xff]\S*")
_ISO2022_JP_RE = re.compile(rb"\x1b\$[@B]|\x1b\(J")


def _alphabet(common: str, rare: str = "") -> dict[str, float]:
    """How much each letter counts as evidence for a language: 1 if common in it, 0.5 if rare."""
    return {**dict.fromkeys(rare, 0.5), **dict.fromkeys(common, 1.0)}


# Non-ASCII lowercase letters of the Latin-script languages a news page is likely to be in. Text
# whose accented letters no single language explains was decoded with the wrong code page
# ("námìstí", "proraèun": Czech and Croatian read as windows-1252).
_LATIN_ALPHABETS = (
    _alphabet("àâçéèêëîïôœùûü", rare="æÿ"),  # French
    _alphabet("äöüßéèàçëêô"),  # German, with the usual French loans
    _alphabet("áéíñóúüàèòïçªº"),  # Spanish, Catalan
    _alphabet("áâãàçéêíóôõúªº"),  # Portuguese
    _alphabet("àèéìíòóùú", rare="î"),  # Italian
    _alphabet("éëïóöüèáúíô"),  # Dutch
    _alphabet("æøåéäöüó"),  # Danish, Norwegian
    _alphabet("åäöéü"),  # Swedish
    _alphabet("äöåšž"),  # Finnish
    _alphabet("áðéíóúýþæö"),  # Icelandic
    _alphabet("ąćęłńóśźż"),  # Polish
    _alphabet("áčďéěíňóřšťúůýž"),  # Czech
    _alphabet("áäčďéíĺľňóôŕšťúýž"),  # Slovak
    _alphabet("áéíóöőúüű"),  # Hungarian
    _alphabet("ăâîșțşţ"),  # Romanian
    _alphabet("čćđšžáéíóú"),  # Croatian, Serbian, Bosnian, Slovene
    _alphabet("çë"),  # Albanian
    _alphabet("çğıöşü", rare="âîû"),  # Turkish
    _alphabet("äöõüšž"),  # Estonian
    _alphabet("āčēģīķļņšūž"),  # Latvian
    _alphabet("ąčęėįšųūž"),  # Lithuanian
    _alphabet("áéíóúâêîôûŵŷ"),  # Irish, Welsh
)
# Cyrillic letters beyond the Russian alphabet, by language (Russian itself: none).
_CYRILLIC_ALPHABETS = tuple(
    _alphabet(letters) for letters in ("", "єіїґ", "іў", "ђјљњћџ", "ѓѕјљњќџѝ", "әғқңөұүһі")
)  # ru, uk, be, sr, mk/bg, kk
# Characters that do not sit between two letters in real text but are what mis-decoded bytes
# look like there: "Ð¡Ð»Ð¾" (Cyrillic UTF-8 read as windows-1252), "przyjê³a" (Polish read as
# windows-1252).
_INWORD_SYMBOL_CATEGORIES = {"So", "Sk", "Sm", "Sc", "No", "Co"}
_INWORD_SYMBOLS = set("¿¡§¶«»‹›†‡•‰¦¨¬¯´¸¤")
_JAPANESE_CODECS = {
    "cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213",
}  # fmt: skip
_CHINESE_CODECS = {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"}
_KOREAN_CODECS = {"cp949", "euc_kr", "johab"}
# Codecs whose bytes cannot be de-tagged as ASCII (or that have no strict failure mode worth
# scoring): a strict decode is taken as is.
_UNSCORED_CODECS = ("utf_16", "utf_32", "utf-16", "utf-32", "iso2022", "hz", "utf-7")


def _codec_name(label: str | None) -> str | None:
    """Normalise an encoding label to a Python codec name (web supersets applied), or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_LABEL_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return _WEB_SUPERSETS.get(name, name)


def _declared_encodings(data: bytes, content_type: str | None) -> list[str]:
    """Charsets declared by the HTTP header, the XML declaration and ``<meta>``, in that order."""
    declared: list[str] = []
    if content_type and (m := _CT_CHARSET_RE.search(content_type)):
        declared.append(m.group(1))
    head = data[:_PRESCAN_BYTES]
    if m := _XML_DECL_RE.search(head):
        declared.append(m.group(1).decode("ascii", "replace"))
    if m := _META_CHARSET_RE.search(head):
        declared.append(m.group(1).decode("ascii", "replace"))
    names = [_codec_name(label) for label in declared]
    return list(dict.fromkeys(n for n in names if n))


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def _looks_utf16(data: bytes) -> str | None:
    """utf-16-le/-be for BOM-less UTF-16 (mostly-ASCII markup leaves every other byte NUL)."""
    head = data[:4096]
    if len(head) < 64:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > 0.4 * len(head) / 2 and even < 0.05 * len(head) / 2:
        return "utf-16-le"
    if even > 0.4 * len(head) / 2 and odd < 0.05 * len(head) / 2:
        return "utf-16-be"
    return None


def _visible_sample(data: bytes) -> bytes:
    """The words of the visible text that contain non-ASCII bytes (at most `_SAMPLE_BYTES`).

    ASCII-compatible encodings only: "<" and ">" never occur inside a multi-byte character of
    Shift-JIS, EUC, GB18030 or Big5, nor does whitespace.
    """
    visible = _VISIBLE_RE.sub(b" ", data[:_VISIBLE_WINDOW])
    words: list[bytes] = []
    size = 0
    for m in _NON_ASCII_WORD_RE.finditer(visible):
        words.append(m.group(0))
        size += len(m.group(0)) + 1
        if size >= _SAMPLE_BYTES:
            break
    if not words:  # non-ASCII only inside tags (attributes, scripts): judge those instead
        words = [m.group(0) for m in itertools.islice(_NON_ASCII_WORD_RE.finditer(data), 2000)]
    return b" ".join(words)[:_SAMPLE_BYTES]


_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0000, 0x024F, "latin"), (0x0370, 0x03FF, "greek"), (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"), (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"),
    (0x0E00, 0x0E7F, "thai"), (0x1100, 0x11FF, "hangul"), (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"), (0x3040, 0x30FF, "kana"), (0x3100, 0x312F, "bopomofo"),
    (0x3130, 0x318F, "jamo"), (0x31A0, 0x31BF, "bopomofo"), (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x9FFF, "han"), (0xAC00, 0xD7AF, "hangul"), (0xF900, 0xFAFF, "han"),
    (0xFF66, 0xFF9F, "halfwidth-kana"), (0x20000, 0x3FFFF, "han"),
)  # fmt: skip
# Scripts that legitimately share a word: Japanese mixes kanji and kana, and Latin letters are
# glued to CJK text ("WTO会议") — but Cyrillic, Greek, Hebrew, Arabic or Thai never share a run of
# letters with another script.
_SCRIPT_FAMILY = {
    "kana": "cjk", "han": "cjk", "hangul": "cjk", "jamo": "cjk", "halfwidth-kana": "cjk", "bopomofo": "cjk",
}  # fmt: skip
# Letters that are never, or almost never, in running news text (penalty points each): half-width
# katakana, bopomofo and isolated hangul jamo are what GB18030 or EUC-JP text read as Shift-JIS,
# Big5 or windows-949 looks like.
_ODD_SCRIPTS = {"halfwidth-kana": 2.0, "bopomofo": 1.0, "jamo": 1.0}


@functools.lru_cache(maxsize=1024)
def _script(ch: str) -> str:
    cp = ord(ch)
    for lo, hi, name in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return name
    return "other"


@functools.lru_cache(maxsize=65536)
def _is_rare_cjk(ch: str, encoding: str) -> bool:
    """A hanzi outside GB2312 / Big5 level 1, or a hangul syllable outside KS X 1001.

    Real Chinese and Korean text hardly uses them; Shift-JIS or EUC-JP bytes read as GB18030,
    Big5 or windows-949 produce little else.
    """
    try:
        if encoding in _KOREAN_CODECS:
            return _script(ch) == "hangul" and len(ch.encode("euc_kr")) != 2
        if _script(ch) != "han":
            return False
        if encoding.startswith(("gb", "hz")):
            ch.encode("gb2312")
            return False
        if encoding in _CHINESE_CODECS:
            return not b"\xa4\x40" <= ch.encode("big5") <= b"\xc6\x7e"
    except UnicodeEncodeError:
        return True
    return False


def _is_ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_symbol(ch: str, cat: str) -> bool:
    return not ch.isascii() and (cat in _INWORD_SYMBOL_CATEGORIES or ch in _INWORD_SYMBOLS)


@dataclass
class _Tally:
    """What `_badness` counts over the words of one candidate decoding."""

    points: float = 0.0
    upper: int = 0
    lower: int = 0
    latin_accented: dict[str, int] = field(default_factory=dict)
    cyrillic_extra: dict[str, int] = field(default_factory=dict)
    scripts: dict[str, int] = field(default_factory=dict)


def _mixes_scripts(families: set[str]) -> bool:
    families.discard("other")
    return len(families) > 1 and families != {"latin", "cjk"}


def _score_word(word: str, tally: _Tally, encoding: str) -> None:
    families: set[str] = set()  # of the current run of letters
    letters = accented = 0
    prev_lower = prev_symbol = False
    last = len(word) - 1
    for i, ch in enumerate(word):
        cat = unicodedata.category(ch)
        if cat[0] != "L":
            prev_lower = False
            if cat != "Mn" and families:
                if _mixes_scripts(families):
                    tally.points += 2  # "Ѓ@Ќ‘", "Fuίgδnger": scripts mixed in one run of letters
                families = set()
            symbol = _is_symbol(ch, cat)
            if ch == "\ufffd" or cat in ("Cc", "Co", "Cs"):
                tally.points += 3
            elif cat == "Mn" and (
                i == 0 or not (word[i - 1].isalpha() or unicodedata.category(word[i - 1]) == "Mn")
            ):
                tally.points += 2  # a combining mark on nothing
            elif 0x2500 <= ord(ch) <= 0x259F:
                tally.points += 1  # box drawing: Cyrillic read as cp866 / cp437
            elif symbol and 0 < i < last and word[i - 1].isalpha() and word[i + 1].isalpha():
                tally.points += 2  # "Ð¡Ð»Ð¾", "bud¿et": a symbol inside a word
            elif symbol and prev_symbol:
                tally.points += 1  # "¤¦§": runs of symbols
            prev_symbol = symbol
            continue
        prev_symbol = False
        letters += 1
        if ch.isascii():
            families.add("latin")
            prev_lower = cat == "Ll"
            continue
        script = _script(ch)
        tally.scripts[script] = tally.scripts.get(script, 0) + 1
        families.add(_SCRIPT_FAMILY.get(script, script))
        if script == "latin":
            accented += 1
            low = ch.lower()
            tally.latin_accented[low] = tally.latin_accented.get(low, 0) + 1
        elif script == "cyrillic" and not ("а" <= (low := ch.lower()) <= "я" or low == "ё"):
            tally.cyrillic_extra[low] = tally.cyrillic_extra.get(low, 0) + 1
        elif script in ("han", "hangul"):
            if _is_rare_cjk(ch, encoding):
                tally.points += 0.5
            if 0 < i < last and _is_ascii_letter(word[i - 1]) and _is_ascii_letter(word[i + 1]):
                tally.points += 2  # "przyj阾a": a hanzi inside a Latin word
        if (ch == "ς" and i < last and word[i + 1].isalpha()) or (i == 0 and ch in "ъыьЪЫЬ"):
            tally.points += 1  # Greek final sigma inside a word, a Russian word starting with "ы"
        if cat == "Lu":
            tally.upper += 1
            if prev_lower:
                tally.points += 1  # "гОРОДСКОЙ": case flips inside a word
        elif cat == "Ll":
            tally.lower += 1
        prev_lower = cat == "Ll"
    if _mixes_scripts(families):
        tally.points += 2
    if letters >= 4 and accented >= 0.8 * letters:
        tally.points += accented  # "Ãîðîäñêîé": a word of accented letters


def _unexplained(letters: dict[str, int], alphabets: tuple[dict[str, float], ...]) -> float:
    """Occurrences of `letters` the best-fitting alphabet does not account for."""
    if not letters:
        return 0.0
    explained = max(sum(n * abc.get(ch, 0.0) for ch, n in letters.items()) for abc in alphabets)
    return sum(letters.values()) - explained


def _badness(sample: bytes, encoding: str) -> float:
    """Penalty points per non-ASCII byte for `sample` read as `encoding` (0.0 looks right)."""
    non_ascii = sum(1 for b in sample if b >= 0x80)
    if not non_ascii:
        return 0.0
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    except (LookupError, ValueError):
        return float("inf")
    tally = _Tally()
    for word in text.split():
        _score_word(word, tally, encoding)
    if tally.upper + tally.lower >= 10 and tally.upper > tally.lower:
        tally.points += tally.upper - tally.lower  # mostly capitals: KOI8-R read as windows-1251
    # "námìstí", "ќљњ": letters no single language uses together
    tally.points += _unexplained(tally.latin_accented, _LATIN_ALPHABETS)
    tally.points += _unexplained(tally.cyrillic_extra, _CYRILLIC_ALPHABETS)
    scripts = tally.scripts
    tally.points += sum(weight * scripts.get(script, 0) for script, weight in _ODD_SCRIPTS.items())
    cjk = scripts.get("han", 0) + scripts.get("kana", 0) + scripts.get("hangul", 0)
    if cjk >= 20:  # Japanese prose is 40-60% kana, Chinese has none, Korean is mostly hangul
        kana, hangul = scripts.get("kana", 0), scripts.get("hangul", 0)
        if encoding in _JAPANESE_CODECS:
            tally.points += max(0.0, 0.2 * cjk - kana) * 1.5
        elif (encoding in _CHINESE_CODECS and (kana > 0.05 * cjk or hangul > 0.05 * cjk)) or (
            encoding in _KOREAN_CODECS and hangul < 0.7 * cjk
        ):
            tally.points += 0.5 * cjk
    return tally.points / non_ascii


def _detect_encoding(data: bytes, sample: bytes, preferred: Iterable[str] = ()) -> str:
    """Encoding of undeclared (or wrongly declared) non-UTF-8 bytes: the best-scoring candidate.

    Candidates are `preferred` (rejected declarations), windows-1252 (the web's default, which
    also wins ties: charset_normalizer guesses cp1250 or cp775 for short Western pages), what
    charset_normalizer proposes for `sample` (the non-ASCII words of the visible text) and
    `_DETECTION_CANDIDATES`.
    """
    lang = _HTML_LANG_RE.search(data[:_PRESCAN_BYTES])
    central = bool(lang and lang.group(1).decode("ascii").lower() in _CENTRAL_EUROPEAN_LANGS)
    proposed = [m.encoding for m in charset_normalizer.from_bytes(sample or data[:_SAMPLE_BYTES])]
    candidates = [*preferred, *(["cp1250"] if central else []), "cp1252", *proposed, *_DETECTION_CANDIDATES]
    names = list(
        dict.fromkeys(n for n in map(_codec_name, candidates) if n and not n.startswith(_UNSCORED_CODECS))
    )
    scored = sorted((_badness(sample, name), rank, name) for rank, name in enumerate(names))
    logger.debug("encoding candidates: %s", [(name, round(score, 3)) for score, _, name in scored[:5]])
    return scored[0][2]


def _decoded(text: str, encoding: str) -> tuple[str, str]:
    return repair_mojibake(text.replace("\x00", "")), encoding


def decode_html(data: bytes | str, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes to text, returning ``(text, encoding used)``; never raises.

    Order: BOM; declared charsets (HTTP header, XML declaration, ``<meta>``) that decode the bytes
    strictly *and* give plausible text (`_badness`) — bytes that are valid UTF-8 with non-ASCII
    characters are read as UTF-8 whatever the declaration (a mislabelled template is far more
    common than legacy text that happens to be valid UTF-8); plain UTF-8; detection. Mojibake is
    repaired afterwards and NUL bytes dropped.
    """
    if isinstance(data, str):
        return _decoded(data, "str")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decoded(data[len(bom) :].decode(encoding, errors="replace"), encoding)
    try:
        return _decode_bytes(data, content_type)
    except Exception:  # never raise: detection libraries and codecs have failure modes of their own
        logger.warning("decoding failed; reading the page as UTF-8 with replacements", exc_info=True)
        return _decoded(data.decode("utf-8", errors="replace"), "utf-8")


def _decode_bytes(data: bytes, content_type: str | None) -> tuple[str, str]:
    utf8 = _is_utf8_with_non_ascii(data)
    sample: bytes | None = None
    rejected: list[str] = []
    for declared in _declared_encodings(data, content_type):
        unscored = declared.startswith(_UNSCORED_CODECS)
        if (
            unscored
            and declared.startswith(("utf_16", "utf_32", "utf-16", "utf-32"))
            and b"\x00" not in data[:1024]
        ):
            continue  # WHATWG: a UTF-16 label on ASCII-compatible bytes means UTF-8
        encoding = "utf-8" if utf8 and not unscored else declared
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            logger.debug("declared encoding %s does not decode the page", encoding)
            continue
        if encoding == "utf-8" or unscored:
            return _decoded(text, encoding)
        if sample is None:
            sample = _visible_sample(data)
        if _badness(sample, encoding) <= _ACCEPTABLE_BADNESS:
            return _decoded(text, encoding)
        logger.debug("declared encoding %s gives implausible text", encoding)
        rejected.append(encoding)
    if utf8 or data.isascii():
        if not _ISO2022_JP_RE.search(data):
            return _decoded(data.decode("utf-8"), "utf-8")
        try:
            return _decoded(data.decode("iso2022_jp"), "iso2022_jp")
        except UnicodeDecodeError:
            return _decoded(data.decode("utf-8"), "utf-8")
    if encoding := _looks_utf16(data):
        return _decoded(data.decode(encoding, errors="replace"), encoding)
    encoding = _detect_encoding(data, _visible_sample(data) if sample is None else sample, rejected)
    return _decoded(data.decode(encoding, errors="replace"), encoding)


# ============================================================================================
# Dates
# ============================================================================================


@dataclass(frozen=True)
class ParsedDate:
    """A timezone-aware instant (normalised to UTC) and whether the zone was assumed."""

    value: datetime
    tz_assumed: bool


_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_TZ = (
    r"(?P<tz>(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|Z\b"
    r"|(?:GMT|UTC|UT|BST|IST|CET|CEST|EET|EEST|MSK|WET|WEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|CT|MT"
    r"|JST|KST|HKT|SGT|AEST|AEDT)\b)"
)
_TIME = (
    r"(?P<hour>[0-2]?\d)[:.h](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?(?:\s*\(?" + _TZ + r"\)?)?"
)
_DATE_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b",  # 14 March 2026
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",  # March 14, 2026
        rf"\b{_YEAR}-(?P<month>[01]?\d)-{_DAY}\b",  # 2026-03-14
        rf"\b{_YEAR}/(?P<month>[01]?\d)/{_DAY}\b",  # 2026/03/14
        rf"\b{_DAY}\.(?P<month>[01]?\d)\.{_YEAR}\b",  # 14.03.2026 (European)
    )
)
_TIME_AFTER_RE = re.compile(r"\s*(?:,|at|@|-|–|—|\||•|·|T)?\s*" + _TIME, re.IGNORECASE)
_TIME_BEFORE_RE = re.compile(_TIME + r"\s*(?:,|on|-|–|—|\||•|·)?\s*$", re.IGNORECASE)
_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
# Fixed offsets in minutes for unambiguous abbreviations. "IST" is Indian, Irish or Israeli
# and is treated as unknown (UTC assumed); ET/PT/CT/MT follow daylight saving, hence zoneinfo.
_TZ_OFFSETS = {
    "GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "JST": 540, "KST": 540, "HKT": 480,
    "SGT": 480, "AEST": 600, "AEDT": 660,
}  # fmt: skip
_TZ_ZONES = {
    "ET": "America/New_York",
    "PT": "America/Los_Angeles",
    "CT": "America/Chicago",
    "MT": "America/Denver",
}
_MIN_YEAR, _MAX_YEAR = 1990, 2100


def _zone_for(label: str | None) -> tzinfo | None:
    """tzinfo for a textual zone ("GMT", "+03:00", "UTC+3", "ET"), None when unknown or absent."""
    if not label:
        return None
    label = label.strip().upper().replace(" ", "")
    if label in _TZ_OFFSETS:
        return timezone(timedelta(minutes=_TZ_OFFSETS[label]))
    if label in _TZ_ZONES:
        try:
            return ZoneInfo(_TZ_ZONES[label])
        except ZoneInfoNotFoundError:
            return None
    m = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", label)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _finish(value: datetime, zone: tzinfo | None) -> ParsedDate | None:
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    if value.tzinfo is not None:
        return ParsedDate(value.astimezone(UTC), False)
    if zone is not None:
        return ParsedDate(value.replace(tzinfo=zone).astimezone(UTC), False)
    return ParsedDate(value.replace(tzinfo=UTC), True)


def _parse_iso(text: str) -> ParsedDate | None:
    compact = text.strip()
    if not _ISO_RE.match(compact):
        return None
    compact = re.sub(r"\s+(?=[+-]\d{2}|Z)", "", compact)
    try:
        value = datetime.fromisoformat(compact.replace("z", "Z"))
    except ValueError:
        return None
    return _finish(value, None)


def _time_parts(match: re.Match[str]) -> tuple[int, int, int, str | None] | None:
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    second = int(match.group("second") or 0)
    ampm = (match.group("ampm") or "").lower()
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    if hour > 23:
        return None
    return hour, minute, second, match.group("tz")


def _month_number(token: str) -> int | None:
    token = token.lower().rstrip(".")
    if token.isdigit():
        month = int(token)
        return month if 1 <= month <= 12 else None
    return _MONTHS.get(token)


def _search_date(text: str) -> tuple[ParsedDate, re.Match[str]] | None:
    """The earliest date in `text` (with an adjacent time and zone when present)."""
    matches = [m for p in _DATE_PATTERNS if (m := p.search(text))]
    for match in sorted(matches, key=lambda m: m.start()):
        month = _month_number(match.group("month"))
        if month is None:
            continue
        time = _TIME_AFTER_RE.match(text, match.end()) or _TIME_BEFORE_RE.search(text[: match.start()])
        parts = _time_parts(time) if time else None
        hour, minute, second, tz_label = parts if parts else (0, 0, 0, None)
        if parts is None:
            # A zone can still follow a date-only value ("14 March 2026 GMT"); rare, ignored.
            tz_label = None
        try:
            value = datetime(int(match.group("year")), month, int(match.group("day")), hour, minute, second)
        except ValueError:
            continue
        zone = _zone_for(tz_label)
        parsed = _finish(value, zone)
        if parsed is not None:
            if tz_label and zone is None:
                logger.debug("unknown time zone %r in %r; UTC assumed", tz_label, text[:80])
            return parsed, match
    return None


def parse_date(text: str | None) -> ParsedDate | None:
    """Parse an ISO 8601 value or a date written in prose ("Published 14 March 2026, 09:30 GMT",
    "March 14, 2026 at 9:30 a.m. ET", "2026-03-14"). Returns UTC; ``tz_assumed`` when no zone was
    given. None when nothing plausible (years 1990-2100) is found."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()[:300]
    iso = _parse_iso(text)
    if iso is not None:
        return iso
    found = _search_date(text)
    return found[0] if found else None


_URL_DATE_RES = (
    re.compile(
        r"/(?P<year>(?:19|20)\d{2})/(?P<month>[01]?\d|[a-z]{3,9})/(?P<day>[0-3]?\d)(?=/|$|[-_.])", re.I
    ),
    re.compile(r"/(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?=/|$|[-_.])"),
)


def date_from_url(url: str | None) -> ParsedDate | None:
    """A date in the URL path: /2026/03/14/, /2026/mar/14/, /2026-03-14-slug. Midnight UTC, assumed."""
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in _URL_DATE_RES:
        for m in pattern.finditer(path):
            month = _month_number(m.group("month"))
            if month is None:
                continue
            try:
                value = datetime(int(m.group("year")), month, int(m.group("day")))
            except ValueError:
                continue
            parsed = _finish(value, None)
            if parsed:
                return parsed
    return None


# ============================================================================================
# Authors
# ============================================================================================

_EMAIL_RE = re.compile(r"\S+@\S+\.\w+")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE_RE = re.compile(r"(?<!\w)@\w+")
_BYLINE_NOISE_RE = re.compile(
    r"\b(?:email|e-mail|contact|follow|view (?:full )?profile|more (?:stories|articles) (?:by|from)"
    r"|see all (?:stories|articles))(?: (?:the|this|our))?(?: (?:author|reporter|writer))?(?: on \w+)?\b",
    re.IGNORECASE,
)
_DATE_LABEL_RE = re.compile(r"\b(?:published|updated|posted|last modified|modified)\b.*$", re.IGNORECASE)
_BY_PREFIX_RE = re.compile(
    r"^(?:(?:additional |with )?(?:written|reported|reporting|words|text|story|writing|editing|research"
    r"|analysis|compiled)[\s:]+(?:by\b)?|by\b)\s*:?\s*",
    re.IGNORECASE,
)
_AUTHOR_SPLIT_RE = re.compile(
    r"\s*(?:,|;|\||/|&|\+|•|·|\band\b|\bwith\b|\bund\b|\bet\b|\n)\s*", re.IGNORECASE
)
_IN_PLACE_RE = re.compile(r"\s+(?:in|from|reporting from)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}$")
_FOR_OUTLET_RE = re.compile(r"\s+for\s+(?:the\s+)?[A-Z].*$")
# Core job titles: a run of role words is only stripped when it contains one of these, so a
# surname such as "Head" or "Fellow" survives on its own.
_ROLE_NOUNS = {
    "reporter", "reporters", "writer", "writers", "correspondent", "correspondents", "editor", "editors",
    "contributor", "columnist", "journalist", "analyst", "producer", "photographer", "staff", "intern",
    "desk", "team", "bureau", "newsroom", "board", "agencies", "services", "wires",
}  # fmt: skip
_ROLE_WORDS = _ROLE_NOUNS | {
    "senior", "chief", "deputy", "political", "politics", "foreign", "diplomatic", "defence", "defense",
    "security", "economics", "economic", "business", "science", "health", "technology", "tech", "sports",
    "sport", "culture", "arts", "environment", "climate", "investigations", "investigative", "special",
    "international", "national", "local", "news", "contributing", "associate", "managing", "executive",
    "assistant", "editorial", "opinion", "data", "digital", "online", "web", "global", "world",
    "affairs", "europe", "our", "the", "of", "and", "for", "at", "a", "an", "on", "staff", "wire",
    "agency", "video", "graphics", "audience", "content", "head", "lead",
}  # fmt: skip
_GENERIC_AUTHORS = {
    "staff",
    "admin",
    "administrator",
    "editor",
    "editors",
    "agencies",
    "newsroom",
    "guest",
    "anonymous",
    "unknown",
    "web desk",
    "news desk",
    "editorial board",
    "the editorial board",
}
_NAME_CHARS_RE = re.compile(r"^[^\W\d_][\w'’.\- ]*[\w.]$")
_MAX_NAME_WORDS = 5


def _strip_roles(words: list[str]) -> list[str]:
    """Drop leading/trailing job-title words ("Senior Correspondent Jane Doe", "Jane Doe Staff Reporter")."""

    def is_role(word: str) -> bool:
        return word.casefold().strip(".,") in _ROLE_WORDS

    end = len(words)
    while end > 0 and is_role(words[end - 1]):
        end -= 1
    if not any(w.casefold().strip(".,") in _ROLE_NOUNS for w in words[end:]):
        end = len(words)
    start = 0
    while start < end and is_role(words[start]):
        start += 1
    if not any(w.casefold().strip(".,") in _ROLE_NOUNS for w in words[:start]):
        start = 0
    return words[start:end]


def _strip_dates(text: str) -> str:
    text = _DATE_LABEL_RE.sub("", text)
    while found := _search_date(text):
        match = found[1]
        text = text[: match.start()] + " " + text[match.end() :]
    # Leftover clock times ("09:30 GMT") once their date has gone.
    return re.sub(_TIME, " ", text, flags=re.IGNORECASE) if re.search(r"\d[:.]\d", text) else text


def _author_candidate(part: str, outlets: set[str]) -> str | None:
    part = _BY_PREFIX_RE.sub("", part.strip(" .,:-–—|()[]")).strip()
    part = _FOR_OUTLET_RE.sub("", _IN_PLACE_RE.sub("", part))
    words = _strip_roles(part.split())
    name = " ".join(words).strip(" .,:-–—")
    folded = name.casefold()
    if (
        not name
        or folded in outlets
        or folded in AGENCY_NAMES
        or folded in _GENERIC_AUTHORS
        or len(words) > _MAX_NAME_WORDS
        or len(name) > 60
        or not _NAME_CHARS_RE.match(name)
    ):
        return None
    if name.isupper() or name.islower():
        # "JANE DOE" (byline styled in capitals in the markup) → "Jane Doe".
        name = " ".join(w.capitalize() if "." not in w else w.upper() for w in name.split())
    return name


# "Halvorsen, Astrid", "van der Berg, Anna M.": a library-catalogue style creator (Dublin Core,
# citation_author). One comma; a single surname (optionally with lower-case particles) before it,
# one or two given names or initials after it.
_NAME_PARTICLES = r"(?:(?:van|von|der|den|de|del|della|da|di|du|dos|das|la|le|ten|ter|af|al|bin|ibn)\s+)*"
_INVERTED_NAME_RE = re.compile(
    rf"^(?P<surname>{_NAME_PARTICLES}[^\W\d_][\w'’-]*)\s*,\s*"
    r"(?P<given>[^\W\d_][\w'’-]*\.?(?:\s*[^\W\d_][\w'’-]*\.?)?)$"
)


def _uninvert_name(text: str) -> str | None:
    """Turn "Halvorsen, Astrid" into "Astrid Halvorsen"; None unless the text is exactly one such name."""
    match = _INVERTED_NAME_RE.match(_BY_PREFIX_RE.sub("", text.strip(" ;")).strip())
    if not match:
        return None
    surname, given = match.group("surname"), match.group("given")
    words = [*surname.split(), *given.split()]
    if not surname.split()[-1][:1].isupper() or not given[:1].isupper():
        return None
    if any(w.casefold().strip(".") in _ROLE_WORDS for w in words):
        return None  # "Doe, Staff", "Reporter, News"
    return f"{given} {surname}"


def _outlet_key(name: str) -> str:
    """Casefolded name without a leading "The": "The Northern Ledger" ~ "Northern Ledger"."""
    folded = normalise_text(name).casefold()
    return folded[4:] if folded.startswith("the ") else folded


def _is_label_segment(name: str) -> bool:
    """A byline segment after a "|" that is a label, not a person: "Business", "World News"."""
    words = name.split()
    return len(words) < 2 or all(w.casefold().strip(".,") in _ROLE_WORDS for w in words)


def clean_author_names(raw: Iterable[str], outlet_names: Iterable[str] = ()) -> list[str]:
    """Turn byline strings into a list of person names.

    Strips "By", e-mail addresses, URLs, handles, "Email the author", dates and times, job titles
    ("Staff Reporter", "Senior Correspondent"), "in <Place>" / "for <Outlet>" tails and a section
    label after a "|" ("By Jane Doe | Business"); splits "A, B and C"; turns a single catalogue-style
    "Surname, Given" into "Given Surname"; drops outlet and agency names (`outlet_names`, e.g.
    og:site_name or the outlet's configured name, with or without a leading "The", plus wire
    services). Order is kept, duplicates removed (case-insensitive).
    """
    outlets = {key for o in outlet_names if o for key in (normalise_text(o).casefold(), _outlet_key(o))}
    names: list[str] = []
    seen: set[str] = set()
    for text in raw:
        if not isinstance(text, str):
            continue
        text = normalise_text(text)
        text = _EMAIL_RE.sub(" ", _URL_RE.sub(" ", text))
        text = _HANDLE_RE.sub(" ", _BYLINE_NOISE_RE.sub(" ", text))
        text = _strip_dates(text)
        uninverted = _uninvert_name(text)
        segments = [uninverted] if uninverted else text.split("|")
        for index, segment in enumerate(segments):
            for part in _AUTHOR_SPLIT_RE.split(segment):
                name = _author_candidate(part, outlets)
                if not name or name.casefold() in seen or _outlet_key(name) in outlets:
                    continue
                if index > 0 and _is_label_segment(name):
                    continue
                seen.add(name.casefold())
                names.append(name)
    return names


# ============================================================================================
# HTML helpers
# ============================================================================================

_SKIP_TAGS = {
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button", "svg",
    "iframe", "figure", "figcaption", "picture", "video", "audio", "header", "select", "input",
    "textarea", "object", "embed", "canvas", "map", "dialog", "menu", "table", "h1", "address",
}  # fmt: skip
_INLINE_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
}
# Block elements: descended into when they hold blocks, else emitted as one paragraph.
_BLOCK_TAGS = {"div", "section", "article", "main", "blockquote", "center", "dd", "dt", "pre", "details"}
_BLOCK_OR_SPAN_TAGS = _BLOCK_TAGS | {"span"}  # a <span> wrapping <p>s (invalid but common) is a block
_LIST_TAGS = {"ul", "ol", "dl"}
_NESTED_BLOCKS = ["p", "div", "li", "h2", "h3", "h4", "br", "section", "blockquote", "ul", "ol"]
# Keywords in class/id/role/data-component that mark a boilerplate subtree. Matched as whole
# hyphen/underscore-separated tokens, so "share-bar" and "article__share" hit, "commentary" does not.
_BOILERPLATE_WORDS = (
    "share", "sharing", "sharebar", "social", "related", "newsletter", "signup", "subscribe",
    "subscription", "cookie", "cookies", "consent", "promo", "advert", "advertisement", "ad", "ads",
    "adslot", "sponsor", "sponsored", "comments", "comment", "byline", "author", "authors", "breadcrumb",
    "breadcrumbs", "tags", "topics", "mostread", "popular", "recommended", "recommendations", "outbrain",
    "taboola", "teaser", "readmore", "caption", "credit", "sidebar", "widget", "toolbar", "modal",
    "popup", "masthead", "nav", "navigation", "menu", "sr-only", "visually-hidden",
    "timestamp", "dateline", "meta", "footer", "header", "paywall-prompt", "offer", "banner", "rail",
    "most-read", "read-more", "more-stories", "also-read", "tooltip", "print", "gallery",
)  # fmt: skip
_BOILERPLATE_ATTR_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in _BOILERPLATE_WORDS) + r")(?![a-z0-9])"
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOILERPLATE_ROLES = {"navigation", "complementary", "banner", "contentinfo", "menu", "dialog", "search"}
_WS_RE = re.compile(r"\s+")


def _attr_text(tag: Tag) -> str:
    """class, id and data-component of a tag as one lower-case string (for keyword matching)."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    parts = [*classes, str(tag.get("id") or ""), str(tag.get("data-component") or "")]
    return " ".join(parts).lower()


def _is_hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or str(tag.get("aria-hidden", "")).lower() == "true"
        or bool(_HIDDEN_STYLE_RE.search(str(tag.get("style") or "")))
    )


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in _SKIP_TAGS or _is_hidden(tag):
        return True
    if str(tag.get("role") or "").lower() in _BOILERPLATE_ROLES:
        return True
    return bool(_BOILERPLATE_ATTR_RE.search(_attr_text(tag)))


def _inline_skip(tag: Tag) -> bool:
    if tag.name in _INLINE_SKIP_TAGS or _is_hidden(tag):
        return True
    attrs = _attr_text(tag)
    return "sr-only" in attrs or "visually-hidden" in attrs


def _collapse(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def _text_of(tag: Tag) -> str:
    """Visible text of an element: inline markup joined without extra spaces, <br> as a space."""
    pieces: list[str] = []
    stack: list[Any] = [iter(tag.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if isinstance(child, (Comment, Doctype)):
            continue
        if isinstance(child, NavigableString):
            pieces.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                pieces.append(" ")
            elif not _inline_skip(child):
                pieces.append(" " if child.name in ("p", "div", "li") else "")
                stack.append(iter(child.children))
    return _collapse("".join(pieces))


_BLOCK_END = object()
_LINE_BLOCKS = {"p", "div", "li"}
# Ancestor walks stop here: the containers they look for (nav, related boxes, date wrappers) sit
# within a few levels of the element, and an unbounded walk is quadratic on pathological nesting.
_MAX_ANCESTORS = 25


def _ancestors(tag: Tag, limit: int = _MAX_ANCESTORS) -> Iterator[Tag]:
    return itertools.islice((p for p in tag.parents if isinstance(p, Tag)), limit)


class _BlockIndex:
    """Which tags contain block-level descendants, computed once per document.

    Tags are visited in reverse document order, so children are settled before their parents and
    the whole index costs one pass; asking ``tag.find([...])`` per element instead is quadratic and
    took over a minute on a page nested 20,000 levels deep.
    """

    def __init__(self, root: Tag) -> None:
        self._nested: set[int] = set()  # has a descendant in _NESTED_BLOCKS
        self._line: set[int] = set()  # has a <p>, <div> or <li> descendant
        for tag in reversed(root.find_all(True)):
            nested = line = False
            for child in tag.children:
                if isinstance(child, Tag):
                    nested = nested or child.name in _NESTED_BLOCKS or id(child) in self._nested
                    line = line or child.name in _LINE_BLOCKS or id(child) in self._line
            if nested:
                self._nested.add(id(tag))
            if line:
                self._line.add(id(tag))

    def has_nested_blocks(self, tag: Tag) -> bool:
        return id(tag) in self._nested

    def has_line_blocks(self, tag: Tag) -> bool:
        return id(tag) in self._line


def _collect_blocks(container: Tag, index: _BlockIndex) -> list[tuple[str, ParagraphKind]]:
    """Paragraphs and subheads of a container, in document order, boilerplate subtrees skipped.

    Iterative on purpose: real pages nest thousands of levels deep and would blow the recursion
    limit. Loose text directly inside a container (CMSes that separate paragraphs with <br>) is
    gathered into paragraphs too.
    """
    out: list[tuple[str, ParagraphKind]] = []
    buffer: list[str] = []

    def flush() -> None:
        text = _collapse("".join(buffer))
        buffer.clear()
        if text:
            out.append((text, "p"))

    stack: list[Iterator[Any]] = [iter(container.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if child is _BLOCK_END:
            flush()
            continue
        if isinstance(child, (Comment, Doctype)):
            continue
        if isinstance(child, NavigableString):
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            flush()
        elif _is_boilerplate(child):
            continue
        elif name == "p":
            flush()
            if text := _text_of(child):
                out.append((text, "p"))
        elif name in ("h2", "h3", "h4", "h5", "h6"):
            flush()
            if text := _text_of(child):
                out.append((text, "h"))
        elif name == "li":
            flush()
            if text := _text_of(child):
                out.append((f"• {text}", "p"))
        elif name in _LIST_TAGS or (name in _BLOCK_OR_SPAN_TAGS and index.has_nested_blocks(child)):
            flush()
            stack.append(iter([*child.children, _BLOCK_END]))
        elif name in _BLOCK_TAGS:
            flush()
            if text := _text_of(child):
                out.append((text, "p"))
        else:
            buffer.append(_text_of(child) if not _inline_skip(child) else "")
    flush()
    return out


# ============================================================================================
# Structured metadata: JSON-LD, meta tags, microdata
# ============================================================================================

_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
    "liveblogposting", "satiricalarticle", "report", "techarticle", "scholarlyarticle", "posting",
}  # fmt: skip
_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation"}


_MAX_JSON_STARTS = 64


def _loads_loose(text: str) -> Any | None:
    """json.loads that tolerates what CMSes emit: HTML comments, CDATA, trailing commas, raw
    newlines in strings, several objects back to back, junk after the object."""
    text = text.strip()
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^\s*<!--|-->\s*$", "", text).strip()
    if not text:
        return None
    decoder = json.JSONDecoder(strict=False)
    cleaned = re.sub(r",\s*([}\]])", r"\1", text)
    for attempt in (text, cleaned):
        try:
            return decoder.decode(attempt)
        except json.JSONDecodeError as exc:
            logger.debug("JSON-LD needs repair: %s", exc)
        except RecursionError:
            logger.warning("JSON-LD block nested too deeply; skipped")
            return None
    # Last resort: decode object by object, skipping junk between and after them. Bounded, because
    # every failed start rescans the rest of the block (quadratic on a long broken block).
    items: list[Any] = []
    pos = 0
    for _ in range(_MAX_JSON_STARTS):
        if pos >= len(cleaned):
            break
        start = min((i for i in (cleaned.find("{", pos), cleaned.find("[", pos)) if i >= 0), default=-1)
        if start < 0:
            break
        try:
            obj, pos = decoder.raw_decode(cleaned, start)
        except json.JSONDecodeError:
            pos = start + 1
            continue
        except RecursionError:
            logger.warning("JSON-LD block nested too deeply; skipped")
            break
        items.append(obj)
    return items or None


def _types_of(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _walk_jsonld(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            _walk_jsonld(item, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            child = value.get(key)
            if isinstance(child, (list, dict)):
                _walk_jsonld(child, out, depth + 1)


def _jsonld_nodes(soup: BeautifulSoup) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for script in soup.find_all("script"):
        kind = str(script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        data = _loads_loose(script.string or script.get_text() or "")
        if data is None:
            logger.debug("unparseable JSON-LD block skipped")
            continue
        _walk_jsonld(data, nodes)
    return nodes


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as clean text (strings may carry HTML entities or mojibake)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str):
        return None
    text = normalise_text(html_lib.unescape(value))
    return text or None


def _ld_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v for v in (normalise_text(html_lib.unescape(s)) for s in value.split(",")) if v]
    if isinstance(value, list):
        return [t for v in value if (t := _ld_text(v))]
    text = _ld_text(value)
    return [text] if text else []


@dataclass
class _JsonLd:
    article: dict[str, Any] | None
    by_id: dict[str, dict[str, Any]]
    org_names: list[str]
    breadcrumbs: list[str] = field(default_factory=list)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        return value

    def get(self, key: str) -> Any:
        return self.resolve(self.article.get(key)) if self.article else None


def _read_jsonld(soup: BeautifulSoup) -> _JsonLd:
    nodes = _jsonld_nodes(soup)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    articles = [n for n in nodes if _types_of(n) & _ARTICLE_TYPES]
    # The story node has a headline and a date; breadcrumb/related "Article" stubs usually lack them.
    articles.sort(key=lambda n: (not n.get("headline"), not n.get("datePublished")))
    org_names = [t for n in nodes if _types_of(n) & _ORG_TYPES and (t := _ld_text(n.get("name")))]
    return _JsonLd(articles[0] if articles else None, by_id, org_names, _ld_breadcrumbs(nodes, by_id))


def _ld_breadcrumbs(nodes: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names of the first BreadcrumbList's items, in position order."""
    for node in nodes:
        if "breadcrumblist" not in _types_of(node):
            continue
        items = node.get("itemListElement")
        ranked: list[tuple[float, str]] = []
        for order, item in enumerate(items if isinstance(items, list) else [items]):
            if not isinstance(item, dict):
                continue
            target = item.get("item")
            target = (
                by_id.get(target["@id"], target) if isinstance(target, dict) and "@id" in target else target
            )
            name = _ld_text(item.get("name")) or (
                _ld_text(target.get("name")) if isinstance(target, dict) else None
            )
            position = item.get("position")
            rank = float(position) if isinstance(position, (int, float)) else float(order)
            if name:
                ranked.append((rank, name))
        return [name for _, name in sorted(ranked, key=lambda r: r[0])]
    return []


def _ld_people(ld: _JsonLd, value: Any) -> list[str]:
    value = ld.resolve(value)
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        item = ld.resolve(item)
        if isinstance(item, dict):
            if _types_of(item) & _ORG_TYPES:
                continue  # an organisation as author is the outlet, not a byline
            name = _ld_text(item.get("name"))
        else:
            name = _ld_text(item)
        if name:
            names.append(name)
    return names


def _ld_is_free(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


class _MetaTags:
    """All <meta> values keyed by lower-cased property/name/itemprop/http-equiv, in page order."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.values: dict[str, list[str]] = {}
        for tag in soup.find_all("meta"):
            content = tag.get("content")
            if not isinstance(content, str) or not content.strip():
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = tag.get(attr)
                if isinstance(key, str) and key.strip():
                    self.values.setdefault(key.strip().lower(), []).append(normalise_text(content))

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.values.get(key, []):
                if value:
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        return [v for key in keys for v in self.values.get(key, []) if v]


def _microdata(soup: BeautifulSoup, prop: str) -> list[Tag]:
    """Non-<meta> elements carrying `itemprop` = prop (meta ones are read by `_MetaTags`)."""
    return [
        t
        for t in soup.find_all(attrs={"itemprop": True})
        if t.name != "meta" and prop in str(t.get("itemprop")).split()
    ]


def _microdata_value(tag: Tag) -> str:
    for attr in ("content", "datetime"):
        value = tag.get(attr)
        if isinstance(value, str) and value.strip():
            return value.strip()
    if tag.has_attr("itemscope"):
        name = tag.find(attrs={"itemprop": "name"})
        if isinstance(name, Tag):
            return _microdata_value(name)
    return _text_of(tag)


# ============================================================================================
# Field extraction
# ============================================================================================


@dataclass
class _DateChoice:
    parsed: ParsedDate | None = None
    source: str | None = None


@dataclass
class _Page:
    soup: BeautifulSoup
    url: str | None
    hints: ExtractionHints
    ld: _JsonLd
    meta: _MetaTags
    index: _BlockIndex
    site_names: list[str] = field(default_factory=list)


_TITLE_SEPARATORS_RE = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+")


def _strip_site_suffix(title: str, site_names: list[str], aggressive: bool) -> str:
    """Remove " | Outlet" / " - Outlet" (or an "Outlet | " prefix) from a title.

    With `aggressive` (for <title>, where the suffix is near universal) a short last segment is
    dropped even when the outlet name is unknown.
    """
    parts = _TITLE_SEPARATORS_RE.split(title)
    if len(parts) < 2:
        return title
    sites = {s.casefold() for s in site_names}
    if parts[-1].casefold() in sites:
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    if parts[0].casefold() in sites:
        return title[len(parts[0]) :].lstrip(" |-–—:·•")
    if aggressive and len(parts[-1].split()) <= 4 and len(" ".join(parts[:-1]).split()) >= 3:
        separators = _TITLE_SEPARATORS_RE.findall(title)
        return title[: title.rfind(separators[-1])]
    return title


def _first_h1(soup: BeautifulSoup) -> str | None:
    for h1 in soup.find_all("h1"):
        if not _in_other_content(h1) and (text := _text_of(h1)):
            return text
    return None


def _title(page: _Page) -> str | None:
    candidates: list[tuple[str | None, bool]] = [
        (_ld_text(page.ld.get("headline")), False),
        (page.meta.first("og:title", "twitter:title", "dc.title", "headline"), False),
        (next((_microdata_value(t) for t in _microdata(page.soup, "headline")), None), False),
        (_first_h1(page.soup), False),
        (_text_of(page.soup.title) if isinstance(page.soup.title, Tag) else None, True),
    ]
    for text, aggressive in candidates:
        if text:
            stripped = _strip_site_suffix(normalise_text(text), page.site_names, aggressive)
            if stripped:
                return stripped
    return None


_STANDFIRST_RE = re.compile(
    r"(?<![a-z])(?:standfirst|subtitle|sub-title|subheadline|dek|summary|lede|intro)(?![a-z])"
)


def _subtitle(page: _Page, title: str | None) -> str | None:
    candidates = [
        _ld_text(page.ld.get("description")) or _ld_text(page.ld.get("alternativeHeadline")),
        page.meta.first("og:description", "description", "twitter:description", "dc.description"),
        next((_microdata_value(t) for t in _microdata(page.soup, "description")), None),
    ]
    for tag in page.soup.find_all(["p", "div", "h2"]):
        if _STANDFIRST_RE.search(_attr_text(tag)):
            candidates.append(_text_of(tag))
            break
    for text in candidates:
        if text and (not title or text.casefold() != title.casefold()):
            return text
    return None


_BYLINE_CLASS_RE = re.compile(
    r"(?<![a-z])(?:byline|by-line|author|authors|author-name|writer|contributor)(?![a-z])"
)


_BY_LINE_RE = re.compile(r"^(?i:by)\s+[A-Z][\w'’.-]+\s+[A-Z]")


def _visible_bylines(soup: BeautifulSoup, index: _BlockIndex) -> list[str]:
    links = [t for t in soup.find_all(["a", "span"], rel=True) if "author" in (t.get("rel") or [])]
    if links:
        return [_text_of(t) for t in links]
    for tag in soup.find_all(["div", "p", "span", "address", "a"]):
        attrs = _attr_text(tag)
        if not _BYLINE_CLASS_RE.search(attrs) or re.search(r"bio|avatar|image|photo|img|about", attrs):
            continue
        text = _text_of(tag)
        if text and len(text) <= 200:
            names = tag.find_all(class_=re.compile(r"name", re.I))
            return [_text_of(n) for n in names] if names else [text]
    # Unmarked bylines: a short "By Jane Doe" line; only the first one, so that a "By the way"
    # sentence deeper in the page cannot be mistaken for a byline of a later article.
    for text, _tag in _short_text_lines(soup, index):
        if _BY_LINE_RE.match(text) and len(text) <= 120:
            return [text]
    return []


def _authors(page: _Page, section: str | None = None) -> list[str]:
    """Byline names, from the first source that yields any; outlet names and the article's own
    section label ("By Jane Doe | Business") are never authors."""
    sources: list[list[str]] = []
    if page.hints.byline_selector:
        sources.append([_text_of(t) for t in _select(page.soup, page.hints.byline_selector)])
    sources.append(_ld_people(page.ld, page.ld.get("author")))
    meta_authors = [
        v
        for v in page.meta.all("author", "article:author", "dc.creator", "dcterms.creator", "byl", "parsely-author",
                               "sailthru.author", "twitter:creator")
        if not _URL_RE.match(v) and not v.startswith("@")
    ]  # fmt: skip
    sources.append(meta_authors)
    sources.append([_microdata_value(t) for t in _microdata(page.soup, "author")])
    sources.append(_visible_bylines(page.soup, page.index))
    # A one-word section label is never a byline name ("By Jane Doe, Business"); a longer one may
    # be a column named after its author, so it is not excluded.
    label = section if section and len(section.split()) == 1 else ""
    for raw in sources:
        names = clean_author_names(raw, [*page.site_names, label])
        if names:
            return names
    return []


_DATE_HINT_RE = re.compile(
    r"(?<![a-z])(?:date|time|published|publish|pubdate|posted|byline|dateline|meta|timestamp)"
)
_MODIFIED_HINT_RE = re.compile(r"updat|modif|edited|revised", re.IGNORECASE)
_DATE_LINE_LABEL_RE = re.compile(
    r"^(?P<label>first published|published|posted|last updated|updated|last modified|modified|date)"
    r"\b(?:\s+(?:on|at))?\s*[:\-–—]?\s*",
    re.IGNORECASE,
)


_OTHER_CONTENT_RE = re.compile(
    r"(?<![a-z])(?:related|teaser|most-?read|popular|recommend\w*|outbrain|taboola|more-stories|sidebar|rail"
    r"|promo|trending|comments?|card|logo|brand|site-title)(?![a-z])"
)


def _in_other_content(tag: Tag) -> bool:
    """True inside nav/footer/aside or a related-stories/teaser block: their dates, headings and
    bylines belong to other articles. (Unlike `_is_boilerplate`, headers and byline boxes pass.)"""
    for node in [tag, *_ancestors(tag)]:
        if node.name in ("nav", "footer", "aside"):
            return True
        if node.name not in ("[document]", "html", "body"):
            if _OTHER_CONTENT_RE.search(_attr_text(node)):
                return True
    return False


def _time_elements(soup: BeautifulSoup) -> tuple[ParsedDate | None, ParsedDate | None]:
    """(published, modified) from <time> elements outside boilerplate; microdata ones are skipped
    because `_MetaTags`/`_microdata` already read them."""
    published = modified = None
    for tag in soup.find_all("time"):
        if tag.has_attr("itemprop") or _in_other_content(tag):
            continue
        value = tag.get("datetime") or tag.get("content") or _text_of(tag)
        parsed = parse_date(value if isinstance(value, str) else None)
        if parsed is None:
            continue
        context = _attr_text(tag) + " " + (_text_of(tag.parent) if isinstance(tag.parent, Tag) else "")[:60]
        if _MODIFIED_HINT_RE.search(context) and "publish" not in context.lower():
            modified = modified or parsed
        else:
            published = published or parsed
    return published, modified


def _short_text_lines(soup: BeautifulSoup, index: _BlockIndex) -> Iterator[tuple[str, Tag]]:
    """Short visible text blocks (≤160 chars) outside nav/footer/aside, in document order."""
    for tag in soup.find_all(["p", "div", "span", "li", "small", "time", "dd", "address", "em", "strong"]):
        if index.has_line_blocks(tag):
            continue
        text = _text_of(tag)
        if not text or len(text) > 160:
            continue
        if _in_other_content(tag):
            continue
        yield text, tag


def _text_dates(soup: BeautifulSoup, index: _BlockIndex) -> tuple[ParsedDate | None, ParsedDate | None]:
    """(published, modified) from visible lines: "Published 14 March 2026, 09:30 GMT",
    "Updated: March 15, 2026", or a bare date in a date/byline-classed element."""
    published = modified = None
    for text, tag in _short_text_lines(soup, index):
        label = _DATE_LINE_LABEL_RE.match(text)
        found = _search_date(text)
        if found is None:
            continue
        parsed, match = found
        if label:
            if _MODIFIED_HINT_RE.search(label.group("label")):
                modified = modified or parsed
            else:
                published = published or parsed
            continue
        remainder = (text[: match.start()] + text[match.end() :]).strip(" ,|•·-–—")
        hinted = any(_DATE_HINT_RE.search(_attr_text(t)) for t in [tag, *_ancestors(tag, 3)])
        if published is None and (hinted or len(remainder.split()) <= 2):
            published = parsed
        if published and modified:
            break
    return published, modified


def _select(soup: BeautifulSoup, selector: str) -> list[Tag]:
    try:
        return list(soup.select(selector))
    except (SelectorSyntaxError, ValueError, NotImplementedError) as exc:
        logger.warning("invalid CSS selector %r in extraction hints: %s", selector, exc)
        return []


def _dates(page: _Page) -> tuple[_DateChoice, _DateChoice]:
    """Arbitrate published/modified dates: hints > jsonld > meta > time > text > url."""
    meta, ld, soup = page.meta, page.ld, page.soup
    micro_pub = next((_microdata_value(t) for t in _microdata(soup, "datePublished")), None)
    micro_mod = next((_microdata_value(t) for t in _microdata(soup, "dateModified")), None)
    time_pub, time_mod = _time_elements(soup)
    text_pub, text_mod = _text_dates(soup, page.index)
    hint_pub: tuple[ParsedDate | None, str] = (None, "text")
    if page.hints.date_selector:
        for tag in _select(soup, page.hints.date_selector):
            raw = tag.get("datetime") or tag.get("content") or _text_of(tag)
            if parsed := parse_date(raw if isinstance(raw, str) else None):
                hint_pub = (parsed, "time" if tag.name == "time" else "text")
                break
    published_candidates: list[tuple[ParsedDate | None, str]] = [
        hint_pub,
        (parse_date(_ld_text(ld.get("datePublished"))), "jsonld"),
        (parse_date(_ld_text(ld.get("dateCreated"))), "jsonld"),
        (parse_date(meta.first("article:published_time", "og:article:published_time", "datepublished",
                               "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created",
                               "dcterms.created", "pubdate", "publishdate", "publish-date", "date",
                               "article.published", "sailthru.date", "parsely-pub-date", "citation_date")),
         "meta"),
        (parse_date(micro_pub), "meta"),
        (time_pub, "time"),
        (text_pub, "text"),
        (date_from_url(page.url), "url"),
    ]  # fmt: skip
    modified_candidates: list[tuple[ParsedDate | None, str]] = [
        (parse_date(_ld_text(ld.get("dateModified"))), "jsonld"),
        (parse_date(meta.first("article:modified_time", "og:updated_time", "dcterms.modified", "dc.date.modified",
                               "datemodified", "last-modified", "article.updated", "lastmod")), "meta"),
        (parse_date(micro_mod), "meta"),
        (time_mod, "time"),
        (text_mod, "text"),
    ]  # fmt: skip
    published = next((_DateChoice(p, s) for p, s in published_candidates if p), _DateChoice())
    modified = next((_DateChoice(p, s) for p, s in modified_candidates if p), _DateChoice())
    for label, choice in (("published", published), ("modified", modified)):
        if choice.parsed and choice.parsed.tz_assumed:
            logger.debug("%s date from %s has no time zone; UTC assumed", label, choice.source)
    return published, modified


_LANG_RE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def _normalise_language(value: str | None) -> str | None:
    """BCP 47 casing: "en_gb" / "EN-GB" → "en-GB"; junk ("{{lang}}") → None."""
    if not value:
        return None
    value = value.strip().split(",")[0].strip()
    if not _LANG_RE.match(value):
        return None
    parts = value.replace("_", "-").split("-")
    head = parts[0].lower()
    tail = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p.lower() for p in parts[1:]]
    return "-".join([head, *tail])


def _language(page: _Page) -> str | None:
    html_tag = page.soup.find("html")
    candidates = []
    if isinstance(html_tag, Tag):
        candidates += [html_tag.get("lang"), html_tag.get("xml:lang")]
    candidates += [
        page.meta.first("og:locale"),
        page.meta.first("content-language", "language", "dc.language", "dcterms.language"),
        _ld_text(page.ld.get("inLanguage")),
    ]
    for value in candidates:
        if isinstance(value, str) and (lang := _normalise_language(value)):
            return lang
    return None


_BREADCRUMB_ATTR_RE = re.compile(r"breadcrumb", re.IGNORECASE)
# A visible section label near the headline ("kicker", "rubric", "eyebrow"); whole class tokens.
_SECTION_LABEL_RE = re.compile(
    r"(?<![a-z])(?:rubric|kicker|eyebrow|overline|section|section-?(?:name|label|title|link)"
    r"|article-?(?:section|category|rubric)|category-?(?:name|label))(?![a-z])"
)
_HOME_LABELS = {"home", "homepage", "home page", "front page", "start", "main", "index", "news home"}
_LANG_SEGMENT_RE = re.compile(r"^[a-z]{2}(?:[-_][a-z]{2})?$", re.IGNORECASE)
_MAX_SECTION_LINKS = 400


def _section_label(text: str | None, page: _Page) -> str | None:
    """`text` when it reads as a section name: 1-4 words, no digits, not "Home" or the outlet."""
    text = normalise_text(text or "")
    if not text or len(text) > 40 or len(text.split()) > 4 or re.search(r"\d", text):
        return None
    folded = text.casefold()
    if folded in _HOME_LABELS or _outlet_key(text) in {_outlet_key(n) for n in page.site_names}:
        return None
    if is_boilerplate_line(text):
        return None  # "Advertisement", "Share", "Related"
    return text


def _breadcrumb_section(page: _Page) -> str | None:
    """The most specific breadcrumb above the article (JSON-LD BreadcrumbList, then markup)."""
    trails: list[list[str]] = [page.ld.breadcrumbs]
    for tag in page.soup.find_all(True, limit=5000):
        label = f"{_attr_text(tag)} {tag.get('aria-label') or ''} {tag.get('itemtype') or ''}"
        if _BREADCRUMB_ATTR_RE.search(label):
            trails.append(
                [_text_of(a) for a in tag.find_all("a")] or [_text_of(li) for li in tag.find_all("li")]
            )
            break
    title = (_title(page) or "").casefold()
    for trail in trails:
        labels = [t for raw in trail if (t := _section_label(raw, page)) and t.casefold() != title]
        if labels:
            return labels[-1]
    return None


def _labelled_section(page: _Page) -> str | None:
    """A kicker/rubric element: `<div class="rubric">Economy</div>` above the headline."""
    for tag in page.soup.find_all(["div", "span", "p", "a", "strong", "em", "small", "li"]):
        if not _SECTION_LABEL_RE.search(_attr_text(tag)) or _is_hidden(tag):
            continue
        if page.index.has_line_blocks(tag) or _in_other_content(tag):
            continue
        if any(a.name in ("nav", "header", "footer", "aside") for a in _ancestors(tag)):
            continue
        if label := _section_label(_text_of(tag), page):
            return label
    return None


def _url_section(page: _Page) -> str | None:
    """The link whose target is the longest directory above the article's URL ("/news/" → "News").

    Section fronts are linked from every article page (menu, breadcrumb, kicker); the most
    specific one that contains the article is its section.
    """
    if not page.url:
        return None
    here = urlsplit(page.url)
    best: tuple[int, str] | None = None
    for link in page.soup.find_all("a", href=True, limit=_MAX_SECTION_LINKS):
        href = _absolute_http_url(str(link.get("href")), page.url)
        if not href:
            continue
        target = urlsplit(href)
        if target.netloc.lower() != here.netloc.lower() or target.query or target.fragment:
            continue
        folder = target.path if target.path.endswith("/") else target.path + "/"
        segments = [s for s in folder.split("/") if s]
        if not segments or not here.path.startswith(folder) or len(here.path) <= len(folder):
            continue
        if _LANG_SEGMENT_RE.match(segments[-1]) or segments[-1].isdigit():
            continue  # "/en/": a language edition; "/2026/": a date archive
        label = _section_label(_text_of(link), page)
        if label and (best is None or len(folder) > best[0]):
            best = (len(folder), label)
    return best[1] if best else None


def _section(page: _Page) -> str | None:
    """Structured data first (JSON-LD, meta, microdata), then what a reader sees: breadcrumbs,
    a kicker/rubric label, the section front whose URL contains the article's."""
    candidates = [
        _ld_text(page.ld.get("articleSection")),
        page.meta.first("article:section", "section", "article.section", "parsely-section", "category"),
        next((_microdata_value(t) for t in _microdata(page.soup, "articleSection")), None),
    ]
    if found := next((c for c in candidates if c), None):
        return found
    return _breadcrumb_section(page) or _labelled_section(page) or _url_section(page)


def _tags(page: _Page) -> list[str]:
    raw: list[str] = []
    raw += _ld_list(page.ld.get("keywords"))
    raw += page.meta.all("article:tag")
    for value in page.meta.all("news_keywords", "keywords"):
        raw += value.split(",")
    for tag in _microdata(page.soup, "keywords"):
        raw += _microdata_value(tag).split(",")
    seen: set[str] = set()
    out: list[str] = []
    for tag_text in raw:
        text = normalise_text(tag_text)
        if text and len(text) <= 80 and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def _absolute_http_url(href: str | None, base: str | None) -> str | None:
    if not href or not isinstance(href, str):
        return None
    candidate = urljoin(base or "", href.strip())
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def _canonical_url(page: _Page) -> str | None:
    links = [
        t.get("href")
        for t in page.soup.find_all("link", href=True)
        if "canonical" in [r.lower() for r in (t.get("rel") or [])]
    ]
    mep = page.ld.get("mainEntityOfPage")
    ld_url = (
        mep.get("@id") or mep.get("url") if isinstance(mep, dict) else mep if isinstance(mep, str) else None
    )
    for href in [*links, page.meta.first("og:url"), _ld_text(page.ld.get("url")), ld_url]:
        if url := _absolute_http_url(href if isinstance(href, str) else None, page.url):
            return url
    return None


_PAYWALL_CLASS_RE = re.compile(
    r"paywall|subscriber-only|subscribers-only|premium-content|regwall|piano-|metered", re.I
)
_PAYWALL_TEXT_RE = re.compile(
    r"subscribe to (?:continue|read)|to continue reading|for subscribers only|subscribers only"
    r"|already a subscriber|this (?:article|content) is (?:for|available to|exclusive to) (?:paying )?"
    r"(?:subscribers|members)",
    re.IGNORECASE,
)


def _is_paywalled(page: _Page) -> bool:
    if _ld_is_free(page.ld.get("isAccessibleForFree")) is False:
        return True
    has_part = page.ld.get("hasPart")
    for part in has_part if isinstance(has_part, list) else [has_part]:
        if isinstance(part, dict) and _ld_is_free(part.get("isAccessibleForFree")) is False:
            return True
    tier = (page.meta.first("article:content_tier") or "").lower()
    if tier in ("locked", "metered"):
        return True
    # Class names alone are not enough: many templates ship a hidden paywall container on every
    # page. A marker element must also say "subscribe to continue" or similar.
    for tag in page.soup.find_all(class_=_PAYWALL_CLASS_RE):
        if _PAYWALL_TEXT_RE.search(_text_of(tag)[:500]):
            return True
    return False


_SITE_AFTER_RE = re.compile(r"^\s+(?:\||-|–|—|::|·|•)\s+(?P<name>\S.*)$")
_SITE_BEFORE_RE = re.compile(r"^(?P<name>.*\S)\s+(?:\||-|–|—|::|·|•)\s+$")


def _title_site_name(soup: BeautifulSoup, ld: _JsonLd, meta: _MetaTags) -> str | None:
    """The outlet name a <title> carries around the headline: "Outlet - Headline", "Headline | Outlet"."""
    if not isinstance(soup.title, Tag):
        return None
    title = normalise_text(_text_of(soup.title))
    headlines = [
        _ld_text(ld.get("headline")),
        meta.first("og:title", "twitter:title", "dc.title", "headline"),
        _first_h1(soup),
    ]
    for headline in headlines:
        headline = normalise_text(headline or "")
        if not headline or len(headline) >= len(title):
            continue
        if title.startswith(headline):
            match = _SITE_AFTER_RE.match(title[len(headline) :])
        elif title.endswith(headline):
            match = _SITE_BEFORE_RE.match(title[: -len(headline)])
        else:
            continue
        # An outlet name is short and capitalised ("Strike - what we know" is a longer headline).
        if match and len(match.group("name").split()) <= 6 and match.group("name")[:1].isupper():
            return match.group("name")
    return None


def _site_names(
    ld: _JsonLd, meta: _MetaTags, soup: BeautifulSoup, outlet_name: str | None = None
) -> list[str]:
    """Names the outlet goes by: the configured name, og:site_name, publisher, <title> suffix."""
    names = [outlet_name or "", *meta.all("og:site_name", "application-name", "dc.publisher")]
    publisher = ld.get("publisher")
    for pub in publisher if isinstance(publisher, list) else [publisher]:
        if text := _ld_text(ld.resolve(pub)):
            names.append(text)
    names += ld.org_names
    names.append(_title_site_name(soup, ld, meta) or "")
    return list(dict.fromkeys(normalise_text(n) for n in names if n and normalise_text(n)))


# ============================================================================================
# Captions and body
# ============================================================================================

_CREDIT_CLASS_RE = re.compile(r"credit|copyright|photographer|source|byline", re.I)
_CAPTION_HOLDER_RE = re.compile(r"(?<![a-z])caption(?![a-z])")
# A block of its own holding photo credits (often a list: "• Photo: X", "• caption").
# (Only photo-specific names: a bare "credits" block is as often "Additional reporting by …".)
_CREDIT_HOLDER_RE = re.compile(r"(?<![a-z])(?:photo|image|picture|img)[-_]?credits?(?![a-z])", re.I)


def _figure_captions(soup: BeautifulSoup) -> tuple[list[str], list[str], set[str]]:
    """Caption and credit texts from <figure>/<figcaption> and caption-classed blocks, plus every
    raw caption block text (casefolded) so the body filter can drop one an extractor kept."""
    captions: list[str] = []
    credits: list[str] = []
    raw_texts: set[str] = set()
    seen: set[int] = set()
    credit_holders = set(map(id, soup.find_all(class_=_CREDIT_HOLDER_RE)))
    holders = [
        t
        for t in soup.find_all(True)
        if t.name == "figcaption" or _CAPTION_HOLDER_RE.search(_attr_text(t)) or id(t) in credit_holders
    ]
    previous: tuple[Tag, bool] | None = None  # the last holder, and whether it gave a caption
    for holder in holders:
        if id(holder) in seen or any(id(p) in seen for p in _ancestors(holder)):
            continue
        seen.add(id(holder))
        raw_texts.add(_text_of(holder).casefold())
        items = holder.find_all("li")
        if items:
            # A gallery caption (or credit box) rendered as a list: one caption or credit per item,
            # a bare name right after a caption being that caption's credit.
            last_caption: str | None = None
            for item in items:
                text = strip_bullet(_text_of(item))
                raw_texts.add(f"• {text}".casefold())
                if not text:
                    continue
                if is_credit_line(text) or (last_caption and is_caption_then_credit(last_caption, text)):
                    credits.append(text)
                    last_caption = None
                else:
                    captions.append(text)
                    last_caption = text
            previous = None
            continue
        if id(holder) in credit_holders and holder.name != "figcaption":
            if text := strip_bullet(_text_of(holder)):
                credits.append(text)
            previous = (holder, False)
            continue
        text = strip_bullet(_text_of(holder))
        if (
            previous is not None
            and previous[1]
            and holder.find_previous_sibling() is previous[0]
            and captions
            and is_caption_then_credit(captions[-1], text)
        ):
            # Two caption lines in a row, the second a bare name: the photo's caption, then its credit.
            credits.append(text)
            previous = (holder, False)
            continue
        captions_before = len(captions)
        credit_tags = holder.find_all(["small", "cite", "span"], class_=_CREDIT_CLASS_RE) + holder.find_all(
            ["small", "cite"]
        )
        for credit_tag in dict.fromkeys(credit_tags):
            if text := _text_of(credit_tag):
                credits.append(text)
            credit_tag.extract()  # so the caption text below does not repeat it
        caption, credit = split_caption_credit(strip_bullet(_text_of(holder)))
        if caption:
            captions.append(caption)
        if credit:
            credits.append(credit)
        previous = (holder, len(captions) > captions_before and not credit)
    for tag in soup.find_all(["figure"]):
        for credit_tag in tag.find_all(class_=_CREDIT_CLASS_RE):
            if (text := _text_of(credit_tag)) and text not in credits:
                credits.append(text)
    raw_texts.update(c.casefold() for c in captions)
    return list(dict.fromkeys(captions)), list(dict.fromkeys(credits)), raw_texts


@dataclass
class _Body:
    paragraphs: list[str]
    kinds: list[ParagraphKind]
    method: str
    strong_container: bool = False

    @property
    def chars(self) -> int:
        return sum(len(p) for p, k in zip(self.paragraphs, self.kinds, strict=True) if k == "p")


def _as_body(blocks: list[tuple[str, ParagraphKind]], method: str, strong: bool = False) -> _Body:
    return _Body([b[0] for b in blocks], [b[1] for b in blocks], method, strong)


def _body_from_hints(soup: BeautifulSoup, selector: str, index: _BlockIndex) -> _Body | None:
    blocks: list[tuple[str, ParagraphKind]] = []
    for tag in _select(soup, selector):
        blocks += _collect_blocks(tag, index)
    return _as_body(blocks, "hints", True) if blocks else None


def _trafilatura_text(element: etree._Element) -> str:
    return _collapse(" ".join("".join(element.itertext()).split("\n")))


def _blocks_from_trafilatura_tree(body: etree._Element) -> list[tuple[str, ParagraphKind]]:
    blocks: list[tuple[str, ParagraphKind]] = []
    for element in body.iter("p", "head", "item", "quote"):
        # Nested structures: an <item> holding <p>s is emitted once, as the item; a <quote> only
        # when it holds bare text (otherwise its <p>s are emitted).
        if element.tag == "p" and any(a.tag == "item" for a in element.iterancestors()):
            continue
        if element.tag == "quote" and element.find(".//p") is not None:
            continue
        text = _trafilatura_text(element)
        if not text:
            continue
        if element.tag == "head":
            if (element.get("rend") or "h2").lower() != "h1":
                blocks.append((text, "h"))
        elif element.tag == "item":
            blocks.append((f"• {text}", "p"))
        else:
            blocks.append((text, "p"))
    return blocks


def _body_from_trafilatura(text: str, url: str | None) -> _Body | None:
    try:
        document = trafilatura.bare_extraction(
            text,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            with_metadata=False,
            favor_recall=True,
            deduplicate=False,
        )
    except (
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        RecursionError,
        etree.LxmlError,
    ) as exc:
        logger.warning("trafilatura failed on %s: %s", url or "<no url>", exc)
        return None
    body = getattr(document, "body", None) if document is not None else None
    if body is None:
        return None
    blocks = _blocks_from_trafilatura_tree(body)
    return _as_body(blocks, "trafilatura") if blocks else None


_BODY_CLASS_RE = re.compile(
    r"article[-_]?body|story[-_]?body|entry[-_]?content|post[-_]?(?:body|content)|article[-_]?(?:content|text)"
    r"|story[-_]?(?:content|text)|body[-_]?text|content[-_]?body|main[-_]?content|rich[-_]?text|article__body",
    re.I,
)
_MAX_CONTAINERS = 40


def _paragraph_parent(soup: BeautifulSoup) -> Tag | None:
    """The element holding the most <p> text as direct children (the classic readability cue):
    on templates without a recognised body class it is the story text, without the rubric,
    standfirst and dateline that sit beside it in the article wrapper."""
    totals: dict[int, tuple[Tag, int, int]] = {}
    for p in soup.find_all("p"):
        parent = p.parent
        if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
            continue
        text = _text_of(p)
        if len(text) < 25:
            continue
        tag, chars, count = totals.get(id(parent), (parent, 0, 0))
        totals[id(parent)] = (tag, chars + len(text), count + 1)
    if not totals:
        return None
    tag, _chars, count = max(totals.values(), key=lambda t: t[1])
    return tag if count >= _MIN_PARENT_PARAGRAPHS else None


_MIN_PARENT_PARAGRAPHS = 3


_NEAR_CONTAINER = 0.9
_NEAR_PARENT = 0.97


def _container_candidates(soup: BeautifulSoup) -> tuple[list[Tag], Tag | None]:
    """Possible article-body containers, and which of them (if any) is the paragraph parent."""
    found: list[Tag] = []
    found += soup.find_all(attrs={"itemprop": re.compile(r"articleBody", re.I)})
    found += [t for t in soup.find_all(["div", "section"]) if _BODY_CLASS_RE.search(_attr_text(t))]
    found += soup.find_all(["article", "main"]) + soup.find_all(attrs={"role": "main"})
    parent = _paragraph_parent(soup)
    if parent is not None and any(_is_boilerplate(a) for a in _ancestors(parent)):
        parent = None  # in a comments box, sidebar, footer…
    if parent is not None:
        found.insert(0, parent)
    unique = list(dict.fromkeys(found))
    return [t for t in unique if not _is_boilerplate(t)][:_MAX_CONTAINERS], parent


def _prose_chars(blocks: list[tuple[str, ParagraphKind]]) -> int:
    """Characters of running text: paragraphs, not list bullets or stray lines (labels, rubrics,
    standfirsts without a full stop), so a wrapper does not outscore the story text it holds."""
    return sum(
        len(text)
        for text, kind in blocks
        if kind == "p" and not text.startswith("• ") and not _is_stray_block(text)
    )


def _body_from_dom(soup: BeautifulSoup, index: _BlockIndex) -> _Body | None:
    """Paragraphs of the densest article container (by prose characters); ties go to the most
    focused container (least total text), so <div itemprop=articleBody> beats its <article>."""
    scored: list[tuple[int, int, float, list[tuple[str, ParagraphKind]]]] = []
    candidates, parent = _container_candidates(soup)
    for tag in candidates:
        blocks = _collect_blocks(tag, index)
        # The paragraph parent must hold (nearly) all the prose to beat a recognised container.
        near = _NEAR_PARENT if tag is parent else _NEAR_CONTAINER
        scored.append((_prose_chars(blocks), len(tag.get_text()), near, blocks))
    if scored:
        best_score = max(s[0] for s in scored)
        if best_score > 0:
            close = [s for s in scored if s[0] >= s[2] * best_score]
            blocks = min(close, key=lambda s: s[1])[3]
            return _as_body(blocks, "fallback-paragraphs", True)
    root = soup.body if isinstance(soup.body, Tag) else soup
    blocks = _collect_blocks(root, index)
    return _as_body(blocks, "fallback-paragraphs") if blocks else None


def _body_from_jsonld(ld: _JsonLd) -> _Body | None:
    raw = ld.get("articleBody")
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = html_lib.unescape(raw)
    if "<" in text and ">" in text:
        # Some CMSes put HTML in articleBody.
        fragment = BeautifulSoup(text, "lxml")
        blocks = _collect_blocks(fragment, _BlockIndex(fragment))
    else:
        paragraphs = [p for p in re.split(r"\n\s*\n|\r\n|\n", text) if p.strip()]
        blocks = [(_collapse(p), "p") for p in paragraphs]
    return _as_body(blocks, "jsonld-articleBody") if blocks else None


# Trafilatura is the default: it generalises over unknown layouts. The DOM fallback replaces it
# when it comes from a recognised article container and recovers clearly more prose (trafilatura
# drops short paragraphs such as "He declined to comment." under its own heuristics). 1.15 and
# 1.5 were chosen on the fixture pages: ordinary differences stay below 10%.
_DOM_OVER_TRAFILATURA = 1.15
_JSONLD_OVER_VISIBLE = 1.5


def _same_text(a: _Body, b: _Body) -> bool:
    return re.sub(r"\s+", "", "".join(a.paragraphs)) == re.sub(r"\s+", "", "".join(b.paragraphs))


_SENTENCE_END_RE = re.compile(r"[.!?…:;\"'”’»)]$")
_MAX_STRAY_CHARS = 200


def _is_stray_block(text: str) -> bool:
    """A short line that is not a sentence: a widget label ("Kharovsk weatherCloudy, -4 / -9"),
    a rubric, a standfirst without a full stop, a dateline, a caption bullet."""
    return len(text) <= _MAX_STRAY_CHARS and not _SENTENCE_END_RE.search(text.rstrip())


def _dom_is_focused(traf: _Body, dom: _Body) -> bool:
    """True when the article container holds all of trafilatura's prose and trafilatura only adds
    stray lines from around it (sidebar boxes, the rubric and standfirst of the article wrapper)."""
    if not dom.strong_container or dom.chars == 0:
        return False
    inside = {re.sub(r"\s+", " ", p).strip() for p in dom.paragraphs}
    extra = [
        p for p, k in zip(traf.paragraphs, traf.kinds, strict=True)
        if k == "p" and re.sub(r"\s+", " ", p).strip() not in inside
    ]  # fmt: skip
    if not extra or not all(_is_stray_block(p) for p in extra):
        return False
    # …and the container brings no stray lines of its own (a rubric, a standfirst).
    outside = {re.sub(r"\s+", " ", p).strip() for p in traf.paragraphs}
    return not any(
        k == "p"
        and _is_stray_block(p)
        and not p.startswith("• ")
        and re.sub(r"\s+", " ", p).strip() not in outside
        for p, k in zip(dom.paragraphs, dom.kinds, strict=True)
    )


def _choose_body(candidates: list[_Body | None]) -> _Body | None:
    hints, traf, dom, jsonld = candidates
    if hints is not None and hints.chars > 0:
        return hints
    best: _Body | None = traf
    if dom is not None and (
        best is None
        or best.chars == 0
        or (dom.strong_container and dom.chars > _DOM_OVER_TRAFILATURA * best.chars)
        or _dom_is_focused(best, dom)
    ):
        best = dom
    if jsonld is not None and (
        jsonld.chars > _JSONLD_OVER_VISIBLE * (best.chars if best else 0)
        or (best and _same_text(best, jsonld))
    ):
        # Same text: trafilatura itself falls back to articleBody on short pages but flattens it
        # into one paragraph; our split of articleBody keeps the paragraphs.
        best = jsonld
    return best


def _filter_body(body: _Body, title: str | None, caption_texts: set[str], authors: list[str]) -> _Body:
    """Remove what extractors sometimes keep: the headline, captions, a bare byline or dateline."""
    drop = set(caption_texts)
    if title:
        drop.add(title.casefold())
    author_set = {a.casefold() for a in authors}
    kept: list[tuple[str, ParagraphKind]] = []
    for text, kind in zip(body.paragraphs, body.kinds, strict=True):
        folded = text.casefold()
        if folded in drop:
            continue
        if len(text) < 120 and text.lower().startswith("by ") and author_set:
            names = clean_author_names([text])
            if names and {n.casefold() for n in names} <= author_set:
                continue
        if len(text) < 80 and _search_date(text) and len(_strip_dates(text).split()) <= 1:
            continue  # a dateline ("Published 14 March 2026, 09:30 GMT") kept as a body paragraph
        kept.append((text, kind))
    return _as_body(kept, body.method, body.strong_container)


# ============================================================================================
# Entry point
# ============================================================================================


def _parse_soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")


def extract_article(
    html: str | bytes,
    url: str | None = None,
    hints: ExtractionHints | None = None,
    *,
    content_type: str | None = None,
    outlet_name: str | None = None,
) -> Article:
    """Extract metadata and body paragraphs from one page; never raises on bad input.

    `html` may be bytes (decoded with `decode_html`, honouring `content_type`, the HTTP
    Content-Type header) or text. `url` is the page's final URL: it resolves a relative canonical
    link and is the last-resort source of the publication date. `hints` are the outlet's
    overrides; `outlet_name` is its name from the sources file (never an author, and stripped from
    titles like og:site_name). The returned article is *not* cleaned yet: pass it to
    `newswatch.clean.clean_article`.
    """
    hints = hints or ExtractionHints()
    if not isinstance(html, (bytes, bytearray, str)) or not html:
        return Article(method="empty", extractor_version=EXTRACTOR_VERSION)
    text, encoding = decode_html(bytes(html) if isinstance(html, bytearray) else html, content_type)
    text = unicodedata.normalize("NFC", text)
    soup = _parse_soup(text)
    ld = _read_jsonld(soup)
    meta = _MetaTags(soup)
    page = _Page(soup, url, hints, ld, meta, _BlockIndex(soup), _site_names(ld, meta, soup, outlet_name))

    title = _title(page)
    section = _section(page)
    authors = _authors(page, section)
    published, modified = _dates(page)
    article = Article(
        title=title,
        subtitle=_subtitle(page, title),
        authors=authors,
        published_at=published.parsed.value if published.parsed else None,
        published_source=published.source,
        modified_at=modified.parsed.value if modified.parsed else None,
        modified_source=modified.source,
        language=_language(page),
        section=section,
        tags=_tags(page),
        canonical_url=_canonical_url(page),
        is_paywalled=_is_paywalled(page),
        extractor_version=EXTRACTOR_VERSION,
    )
    # Captions are read before the body because _figure_captions detaches credit elements.
    captions, credits, caption_texts = _figure_captions(soup)
    article.image_captions, article.image_credits = captions, credits

    candidates: list[_Body | None] = [
        _body_from_hints(soup, hints.body_selector, page.index) if hints.body_selector else None,
        _body_from_trafilatura(text, url),
        _body_from_dom(soup, page.index),
        _body_from_jsonld(ld),
    ]
    body = _choose_body(candidates)
    if body is not None:
        body = _filter_body(body, title, caption_texts, authors)
    if body is None or not body.paragraphs:
        article.method = "empty"
    else:
        article.paragraphs, article.paragraph_kinds, article.method = body.paragraphs, body.kinds, body.method
    logger.debug(
        "extracted %s: %d paragraphs via %s (encoding %s)", url or "<no url>", len(article.paragraphs),
        article.method, encoding,
    )  # fmt: skip
    return article
