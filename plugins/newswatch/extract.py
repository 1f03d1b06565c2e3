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
   and the article container (``<p>``/``<h2>`` of the densest article container, or of the element
   holding the most ``<p>`` text) are combined (see `_choose_body`): when they agree on most of
   trafilatura's text, the body is their common part — trafilatura's paragraphs outside the
   container (teaser rows, "Top stories", newsletter boxes) are dropped and the container's prose
   paragraphs trafilatura left out are added back; when they disagree, trafilatura's paragraphs
   minus those the page walk files under boilerplate. The JSON-LD ``articleBody`` is used when it
   is much longer than both (paywalled or script-rendered pages often embed the full text there).

The page is decoded once and parsed once with lxml; the metadata readers, the container scorer and
trafilatura (on its own copy) share that tree. Outlet hint selectors are CSS, run as XPath
(`_css_to_xpath`: the common subset — type, #id, .class, attribute selectors, combinators,
:first-child/:last-child/:only-child/:nth-child(N)/:not(); anything else is logged and ignored).

Figures are kept out of the body: ``<figcaption>`` text goes to `image_captions`, credits to
`image_credits`. List items are emitted with a leading "• " so that `newswatch.clean` can tell a
photo-gallery widget ("• caption", "• Reuters", "• © Name") from prose.

Known gap: `Article` has no field for "time zone assumed"; `parse_date` returns it
(`ParsedDate.tz_assumed`) and it is logged at DEBUG, but it does not travel with the article.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import html as html_lib
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import charset_normalizer
import trafilatura
from lxml import etree
from lxml import html as lxml_html

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

EXTRACTOR_VERSION = "1.2.0"

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


_Element = etree._Element


def _is_element(node: Any) -> bool:
    """A real element (not a comment, processing instruction or entity node)."""
    return isinstance(node.tag, str)


def _attr_text(tag: _Element) -> str:
    """class, id and data-component of a tag as one lower-case string (for keyword matching)."""
    get = tag.get
    classes, ident, component = get("class"), get("id"), get("data-component")
    if classes is None and ident is None and component is None:
        return ""
    parts = [*(classes.split() if classes else ()), ident or "", component or ""]
    return " ".join(parts).lower()


def _class_matches(tag: _Element, pattern: re.Pattern[str]) -> bool:
    """True when `pattern` is found in the element's class list (what ``find_all(class_=re)`` did)."""
    classes = tag.get("class")
    return bool(classes) and bool(pattern.search(" ".join(classes.split())))


def _is_hidden(tag: _Element) -> bool:
    attrib = tag.attrib
    return (
        "hidden" in attrib
        or (attrib.get("aria-hidden") or "").lower() == "true"
        or bool(_HIDDEN_STYLE_RE.search(attrib.get("style") or ""))
    )


def _is_boilerplate(tag: _Element) -> bool:
    if tag.tag in _SKIP_TAGS or _is_hidden(tag):
        return True
    if (tag.get("role") or "").lower() in _BOILERPLATE_ROLES:
        return True
    return bool(_BOILERPLATE_ATTR_RE.search(_attr_text(tag)))


def _inline_skip(tag: _Element) -> bool:
    if tag.tag in _INLINE_SKIP_TAGS or _is_hidden(tag):
        return True
    if not tag.attrib:
        return False
    attrs = _attr_text(tag)
    return "sr-only" in attrs or "visually-hidden" in attrs


def _collapse(text: str) -> str:
    return " ".join(text.split())  # str.split() and the regex \s agree on what whitespace is


def _text_of(tag: _Element | None) -> str:
    """Visible text of an element: inline markup joined without extra spaces, <br> as a space."""
    if tag is None:
        return ""
    if not len(tag):
        return _collapse(tag.text or "")
    pieces: list[str] = [tag.text or ""]
    stack: list[tuple[Iterator[_Element], str | None]] = [(iter(tag), None)]
    while stack:
        children, tail = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if tail:
                pieces.append(tail)
            continue
        name = child.tag
        if name == "br":
            pieces.append(" ")
        elif isinstance(name, str) and not _inline_skip(child):
            pieces.append(" " if name in _LINE_BLOCKS else "")
            if child.text:
                pieces.append(child.text)
            stack.append((iter(child), child.tail))
            continue
        if child.tail:
            pieces.append(child.tail)
    return _collapse("".join(pieces))


def _full_text_length(tag: _Element) -> int:
    """Length of all text under an element except script/style/template content (``get_text()``)."""
    total = 0
    for node in tag.iter():
        if node is not tag and node.tail:
            total += len(node.tail)
        if node.text and node.tag not in ("script", "style", "template") and _is_element(node):
            total += len(node.text)
    return total


def _detach(tag: _Element) -> None:
    """Remove an element from the tree, keeping the text that follows it."""
    parent = tag.getparent()
    if parent is None:
        return
    if tag.tail:
        previous = tag.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tag.tail
        else:
            parent.text = (parent.text or "") + tag.tail
    parent.remove(tag)


def _previous_element(tag: _Element) -> _Element | None:
    previous = tag.getprevious()
    while previous is not None and not _is_element(previous):
        previous = previous.getprevious()
    return previous


_LINE_BLOCKS = {"p", "div", "li"}
# Ancestor walks stop here: the containers they look for (nav, related boxes, date wrappers) sit
# within a few levels of the element, and an unbounded walk is quadratic on pathological nesting.
_MAX_ANCESTORS = 25


def _ancestors(tag: _Element, limit: int = _MAX_ANCESTORS) -> Iterator[_Element]:
    return itertools.islice(tag.iterancestors(), limit)


class _BlockIndex:
    """Which tags contain block-level descendants, computed once per document.

    Tags are visited in reverse document order, so children are settled before their parents and
    the whole index costs one pass; asking ``tag.find(...)`` per element instead is quadratic on
    pages nested 20,000 levels deep. Elements are keyed by identity: the caller keeps the tree
    alive, and lxml keeps one proxy per node while it is referenced (`elements` holds them).
    """

    def __init__(self, root: _Element) -> None:
        self.elements: list[_Element] = [e for e in root.iter() if _is_element(e)]
        # Page-wide memos of the metadata readers (see `_in_other_content`, `_short_text_lines`).
        self.other_content: dict[_Element, bool] = {}
        self.short_lines: list[tuple[str, _Element]] = []
        self.short_scan: Iterator[tuple[str, _Element]] | None = None
        self._positions: dict[_Element, int] | None = None
        self._nested: set[_Element] = set()  # has a descendant in _NESTED_BLOCKS
        self._line: set[_Element] = set()  # has a <p>, <div> or <li> descendant
        nested_set, line_set = self._nested, self._line
        for tag in reversed(self.elements):
            if not len(tag):
                continue
            nested = line = False
            for child in tag:
                name = child.tag
                if not nested and (name in _NESTED_BLOCK_SET or child in nested_set):
                    nested = True
                if not line and (name in _LINE_BLOCKS or child in line_set):
                    line = True
                if nested and line:
                    break
            if nested:
                nested_set.add(tag)
            if line:
                line_set.add(tag)

    def position(self, tag: _Element) -> int:
        """Document-order index of an element of the parsed page (-1 for one added later)."""
        if self._positions is None:
            self._positions = {e: i for i, e in enumerate(self.elements)}
        return self._positions.get(tag, -1)

    def has_nested_blocks(self, tag: _Element) -> bool:
        return tag in self._nested

    def has_line_blocks(self, tag: _Element) -> bool:
        return tag in self._line


_NESTED_BLOCK_SET = frozenset(_NESTED_BLOCKS)
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


_Blocks = list[tuple[str, ParagraphKind]]
_Collected = dict[_Element, tuple[_Blocks, list[_Element | None]]]


def _collect_blocks(
    container: _Element,
    index: _BlockIndex,
    sources: list[_Element | None] | None = None,
    memo: _Collected | None = None,
) -> _Blocks:
    """Paragraphs and subheads of a container, in document order, boilerplate subtrees skipped.

    Iterative on purpose: real pages nest thousands of levels deep and would blow the recursion
    limit. Loose text directly inside a container (CMSes that separate paragraphs with <br>) is
    gathered into paragraphs too. When `sources` is given, the element each block was read from
    is appended to it (None for loose text). `memo` holds containers collected before (with their
    sources): a nested block container found there is not walked again, its blocks are the same.
    """
    out: list[tuple[str, ParagraphKind]] = []
    buffer: list[str] = []
    origins: list[_Element | None] = sources if sources is not None else []

    def emit(text: str, kind: ParagraphKind, origin: _Element | None) -> None:
        out.append((text, kind))
        origins.append(origin)

    def flush() -> None:
        text = _collapse("".join(buffer))
        buffer.clear()
        if text:
            emit(text, "p", None)

    if container.text:
        buffer.append(container.text)
    # (children, text after the element, whether the element is a block to flush at its end)
    stack: list[tuple[Iterator[_Element], str | None, bool]] = [(iter(container), None, False)]
    while stack:
        children, tail, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                flush()
            if tail:
                buffer.append(tail)
            continue
        name = child.tag
        if not isinstance(name, str):
            pass
        elif name == "br":
            flush()
        elif _is_boilerplate(child):
            pass
        elif name == "p":
            flush()
            if text := _text_of(child):
                emit(text, "p", child)
        elif name in _HEADINGS:
            flush()
            if text := _text_of(child):
                emit(text, "h", child)
        elif name == "li":
            flush()
            if text := _text_of(child):
                emit(f"• {text}", "p", child)
        elif name in _LIST_TAGS or (name in _BLOCK_OR_SPAN_TAGS and index.has_nested_blocks(child)):
            flush()
            if memo is not None and (known := memo.get(child)) is not None:
                out.extend(known[0])
                origins.extend(known[1])
                if child.tail:
                    buffer.append(child.tail)
                continue
            if child.text:
                buffer.append(child.text)
            stack.append((iter(child), child.tail, True))
            continue
        elif name in _BLOCK_TAGS:
            flush()
            if text := _text_of(child):
                emit(text, "p", child)
        elif not _inline_skip(child):
            buffer.append(_text_of(child))
        if child.tail:
            buffer.append(child.tail)
    flush()
    return out


# --------------------------------------------------------------------------------------------
# CSS selectors (outlet hints) → XPath
# --------------------------------------------------------------------------------------------
# The outlets' hints are simple selectors ("div.story-body", "article .byline a",
# "time[datetime]"); lxml evaluates them as XPath. Supported: type and universal selectors, #id,
# .class, attribute selectors ([a], =, ~=, |=, ^=, $=, *=, optionally quoted), the combinators
# " ", ">", "+", "~", selector lists, and :first-child, :last-child, :only-child, :nth-child(N),
# :not(simple selector). Anything else is logged and matches nothing, like an invalid selector.

_CSS_TOKEN_RE = re.compile(
    r"""\s*(?P<comb>[>+~])\s*
    |(?P<ws>\s+)
    |(?P<type>\*|[a-zA-Z][\w-]*)
    |\#(?P<id>[\w-]+)
    |\.(?P<cls>[\w-]+)
    |\[\s*(?P<attr>[\w:-]+)\s*(?:(?P<op>[~|^$*]?=)\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s]+))\s*)?\]
    |:(?P<pseudo>first-child|last-child|only-child)(?![\w-])
    |:nth-child\(\s*(?P<nth>\d+)\s*\)
    |:not\((?P<not>[^()]*)\)""",
    re.VERBOSE,
)


class _UnsupportedSelector(ValueError):
    pass


def _xpath_literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in value.split("'")) + ")"


def _css_conditions(match: re.Match[str]) -> tuple[str | None, list[str]]:
    """(element name or None, XPath predicates) for one simple-selector token."""
    if name := match.group("type"):
        return (None if name == "*" else name.lower()), []
    if ident := match.group("id"):
        return None, [f"@id={_xpath_literal(ident)}"]
    if cls := match.group("cls"):
        return None, [
            f"contains(concat(' ', normalize-space(@class), ' '), {_xpath_literal(' ' + cls + ' ')})"
        ]
    if attr := match.group("attr"):
        attr = attr.lower()
        op = match.group("op")
        if op is None:
            return None, [f"@{attr}"]
        raw = next(v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v is not None)
        value = _xpath_literal(raw)
        conditions = {
            "=": f"@{attr}={value}",
            "~=": f"contains(concat(' ', normalize-space(@{attr}), ' '), {_xpath_literal(' ' + raw + ' ')})",
            "|=": f"(@{attr}={value} or starts-with(@{attr}, {_xpath_literal(raw + '-')}))",
            "^=": f"starts-with(@{attr}, {value})",
            "$=": f"substring(@{attr}, string-length(@{attr}) - {len(raw) - 1})={value}",
            "*=": f"contains(@{attr}, {value})",
        }
        return None, [conditions[op]]
    if pseudo := match.group("pseudo"):
        return None, [{
            "first-child": "not(preceding-sibling::*)",
            "last-child": "not(following-sibling::*)",
            "only-child": "not(preceding-sibling::*) and not(following-sibling::*)",
        }[pseudo]]  # fmt: skip
    if nth := match.group("nth"):
        return None, [f"count(preceding-sibling::*)={int(nth) - 1}"]
    inner = match.group("not").strip()
    name, conditions = _css_compound(inner)
    if name:
        conditions = [f"self::{name}", *conditions]
    return None, [f"not({' and '.join(conditions) or 'true()'})"]


def _css_compound(text: str) -> tuple[str | None, list[str]]:
    """A compound selector without combinators ("div.a#b[c]") as (name, predicates)."""
    name: str | None = None
    conditions: list[str] = []
    pos = 0
    while pos < len(text):
        match = _CSS_TOKEN_RE.match(text, pos)
        if not match or match.group("comb") or match.group("ws"):
            raise _UnsupportedSelector(text)
        tag, more = _css_conditions(match)
        name = tag or name
        conditions += more
        pos = match.end()
    return name, conditions


def _css_step(axis: str, name: str | None, conditions: list[str]) -> str:
    node = name or "*"
    if axis == "+":
        step = "/following-sibling::*[1]" + (f"[self::{node}]" if name else "")
    elif axis == "~":
        step = f"/following-sibling::{node}"
    else:
        step = f"{axis}{node}"
    return step + "".join(f"[{c}]" for c in conditions)


def _css_to_xpath(selector: str) -> str:
    """XPath (from the document root) for a CSS selector list; `_UnsupportedSelector` otherwise."""
    paths: list[str] = []
    for part in selector.split(","):
        part = part.strip()
        if not part:
            raise _UnsupportedSelector(selector)
        steps: list[str] = []
        axis = "//"
        name: str | None = None
        conditions: list[str] = []
        started = False
        pos = 0
        while pos < len(part):
            match = _CSS_TOKEN_RE.match(part, pos)
            if not match:
                raise _UnsupportedSelector(selector)
            pos = match.end()
            combinator = match.group("comb") or (" " if match.group("ws") else None)
            if combinator:
                if not started:
                    raise _UnsupportedSelector(selector)
                steps.append(_css_step(axis, name, conditions))
                axis = {" ": "//", ">": "/", "+": "+", "~": "~"}[combinator]
                name, conditions, started = None, [], False
                continue
            tag, more = _css_conditions(match)
            name = tag or name
            conditions += more
            started = True
        if not started:
            raise _UnsupportedSelector(selector)
        steps.append(_css_step(axis, name, conditions))
        paths.append("".join(steps))
    return " | ".join(paths)


@functools.lru_cache(maxsize=256)
def _compiled_selector(selector: str) -> etree.XPath | str:
    """The selector as compiled XPath, or why it cannot be used."""
    try:
        return etree.XPath(_css_to_xpath(selector))
    except (_UnsupportedSelector, etree.XPathSyntaxError) as exc:
        return str(exc) or "unsupported"


def _select(root: _Element, selector: str) -> list[_Element]:
    """Elements matching a CSS `selector` anywhere in the document, in document order."""
    compiled = _compiled_selector(selector.strip())
    if isinstance(compiled, str):
        logger.warning("invalid or unsupported CSS selector %r in extraction hints: %s", selector, compiled)
        return []
    try:
        found = compiled(root)
    except etree.XPathError as exc:
        logger.warning("CSS selector %r could not be evaluated: %s", selector, exc)
        return []
    return (
        [e for e in found if isinstance(e, etree._Element) and _is_element(e)]
        if isinstance(found, list)
        else []
    )


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


def _jsonld_nodes(root: _Element) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        data = _loads_loose(script.text or "")
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


def _read_jsonld(root: _Element) -> _JsonLd:
    nodes = _jsonld_nodes(root)
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

    def __init__(self, root: _Element) -> None:
        self.values: dict[str, list[str]] = {}
        for tag in root.iter("meta"):
            content = tag.get("content")
            if not content or not content.strip():
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = tag.get(attr)
                if key and key.strip():
                    self.values.setdefault(key.strip().lower(), []).append(normalise_text(content))

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.values.get(key, []):
                if value:
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        return [v for key in keys for v in self.values.get(key, []) if v]


def _microdata(page: _Page, prop: str) -> list[_Element]:
    """Non-<meta> elements carrying `itemprop` = prop (meta ones are read by `_MetaTags`)."""
    return [t for t in page.itemprops if t.tag != "meta" and prop in (t.get("itemprop") or "").split()]


def _microdata_value(tag: _Element) -> str:
    for attr in ("content", "datetime"):
        value = tag.get(attr)
        if value and value.strip():
            return value.strip()
    if "itemscope" in tag.attrib:
        name = next((d for d in tag.iterdescendants() if d.get("itemprop") == "name"), None)
        if name is not None:
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
    root: _Element
    url: str | None
    hints: ExtractionHints
    ld: _JsonLd
    meta: _MetaTags
    index: _BlockIndex
    site_names: list[str] = field(default_factory=list)
    title: str | None = None

    @functools.cached_property
    def _by_attribute(self) -> tuple[list[_Element], list[_Element], list[_Element], list[_Element]]:
        """One pass over the page: elements with class/id/data-component, with itemprop, with role,
        with aria-label or itemtype."""
        marked: list[_Element] = []
        itemprops: list[_Element] = []
        roled: list[_Element] = []
        labelled: list[_Element] = []
        for e in self.index.elements:
            attrib = e.attrib
            if not attrib:
                continue
            if "class" in attrib or "id" in attrib or "data-component" in attrib:
                marked.append(e)
            if "itemprop" in attrib:
                itemprops.append(e)
            if "role" in attrib:
                roled.append(e)
            if "aria-label" in attrib or "itemtype" in attrib:
                labelled.append(e)
        return marked, itemprops, roled, labelled

    @property
    def itemprops(self) -> list[_Element]:
        return self._by_attribute[1]

    @property
    def roled(self) -> list[_Element]:
        return self._by_attribute[2]

    @property
    def labelled(self) -> list[_Element]:
        return self._by_attribute[3]

    @functools.cached_property
    def attributed(self) -> _Lines:
        """Elements with a class, id or data-component, and their `_attr_text`."""
        elements = self._by_attribute[0]
        return _Lines(elements, [_attr_text(e).replace("\n", " ") for e in elements])

    @functools.cached_property
    def classed(self) -> _Lines:
        """Elements with a class attribute and their class lists, for page-wide class searches."""
        elements = [e for e in self.attributed.elements if e.get("class")]
        return _Lines(elements, [" ".join(e.get("class").split()) for e in elements])

    @functools.cached_property
    def title_element(self) -> _Element | None:
        return _first(self.root, "title")


class _Lines:
    """Attribute strings of many elements searched with one regex pass over their joined text
    (one line per element, lower-cased) instead of one Python-level search per element."""

    def __init__(self, elements: list[_Element], texts: list[str]) -> None:
        self.elements = elements
        texts = [t.lower() for t in texts]
        self.text = "\n".join(texts)
        self.starts: list[int] = []
        offset = 0
        for text in texts:
            self.starts.append(offset)
            offset += len(text) + 1

    def matching(self, pattern: re.Pattern[str], needles: tuple[str, ...] = ()) -> list[_Element]:
        """The elements whose own line `pattern` finds a match in (patterns never span lines).
        `needles`: lower-case strings one of which every match contains (a cheap pre-check)."""
        if needles and not any(n in self.text for n in needles):
            return []
        found = _lowercase_pattern(pattern).finditer(self.text)
        hits = dict.fromkeys(bisect.bisect_right(self.starts, m.start()) - 1 for m in found)
        return [self.elements[i] for i in sorted(hits)]


@functools.lru_cache(maxsize=32)
def _lowercase_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` for lower-cased text: without IGNORECASE, which makes Python's regex engine try
    every alternative at every position (several times slower on long texts)."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _first(root: _Element, tag: str) -> _Element | None:
    return next(root.iter(tag), None)


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


def _first_h1(root: _Element) -> str | None:
    for h1 in root.iter("h1"):
        if not _in_other_content(h1) and (text := _text_of(h1)):
            return text
    return None


def _title(page: _Page) -> str | None:
    candidates: list[tuple[Callable[[], str | None], bool]] = [
        (lambda: _ld_text(page.ld.get("headline")), False),
        (lambda: page.meta.first("og:title", "twitter:title", "dc.title", "headline"), False),
        (lambda: next((_microdata_value(t) for t in _microdata(page, "headline")), None), False),
        (lambda: _first_h1(page.root), False),
        (lambda: _text_of(page.title_element) if page.title_element is not None else None, True),
    ]
    for candidate, aggressive in candidates:
        if text := candidate():
            stripped = _strip_site_suffix(normalise_text(text), page.site_names, aggressive)
            if stripped:
                return stripped
    return None


_STANDFIRST_RE = re.compile(
    r"(?<![a-z])(?:standfirst|subtitle|sub-title|subheadline|dek|summary|lede|intro)(?![a-z])"
)


def _standfirst(page: _Page) -> str | None:
    for tag in page.attributed.matching(_STANDFIRST_RE):
        if tag.tag in ("p", "div", "h2"):
            return _text_of(tag)
    return None


def _subtitle(page: _Page, title: str | None) -> str | None:
    candidates: list[Callable[[], str | None]] = [
        lambda: _ld_text(page.ld.get("description")) or _ld_text(page.ld.get("alternativeHeadline")),
        lambda: page.meta.first("og:description", "description", "twitter:description", "dc.description"),
        lambda: next((_microdata_value(t) for t in _microdata(page, "description")), None),
        lambda: _standfirst(page),
    ]
    for candidate in candidates:
        text = candidate()
        if text and (not title or text.casefold() != title.casefold()):
            return text
    return None


_BYLINE_CLASS_RE = re.compile(
    r"(?<![a-z])(?:byline|by-line|author|authors|author-name|writer|contributor)(?![a-z])"
)


_BY_LINE_RE = re.compile(r"^(?i:by)\s+[A-Z][\w'’.-]+\s+[A-Z]")


_NAME_CLASS_RE = re.compile(r"name", re.I)


def _visible_bylines(page: _Page) -> list[str]:
    root, index = page.root, page.index
    links = [t for t in root.iter("a", "span") if "author" in (t.get("rel") or "").split()]
    if links:
        return [_text_of(t) for t in links]
    for tag in page.attributed.matching(_BYLINE_CLASS_RE):
        if tag.tag not in ("div", "p", "span", "address", "a"):
            continue
        attrs = _attr_text(tag)
        if not _BYLINE_CLASS_RE.search(attrs) or re.search(r"bio|avatar|image|photo|img|about", attrs):
            continue
        text = _text_of(tag)
        if text and len(text) <= 200:
            names = [d for d in tag.iterdescendants() if _is_element(d) and _class_matches(d, _NAME_CLASS_RE)]
            return [_text_of(n) for n in names] if names else [text]
    # Unmarked bylines: a short "By Jane Doe" line; only the first one, so that a "By the way"
    # sentence deeper in the page cannot be mistaken for a byline of a later article.
    for text, _tag in _short_text_lines(root, index):
        if _BY_LINE_RE.match(text) and len(text) <= 120:
            return [text]
    return []


def _authors(page: _Page, section: str | None = None) -> list[str]:
    """Byline names, from the first source that yields any; outlet names and the article's own
    section label ("By Jane Doe | Business") are never authors."""
    sources: list[Callable[[], list[str]]] = []
    if byline_selector := page.hints.byline_selector:
        sources.append(lambda: [_text_of(t) for t in _select(page.root, byline_selector)])
    sources.append(lambda: _ld_people(page.ld, page.ld.get("author")))
    sources.append(lambda: [
        v
        for v in page.meta.all("author", "article:author", "dc.creator", "dcterms.creator", "byl", "parsely-author",
                               "sailthru.author", "twitter:creator")
        if not _URL_RE.match(v) and not v.startswith("@")
    ])  # fmt: skip
    sources.append(lambda: [_microdata_value(t) for t in _microdata(page, "author")])
    sources.append(lambda: _visible_bylines(page))
    # A one-word section label is never a byline name ("By Jane Doe, Business"); a longer one may
    # be a column named after its author, so it is not excluded.
    label = section if section and len(section.split()) == 1 else ""
    for source in sources:
        names = clean_author_names(source(), [*page.site_names, label])
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


def _in_other_content(tag: _Element, cache: dict[_Element, bool] | None = None) -> bool:
    """True inside nav/footer/aside or a related-stories/teaser block: their dates, headings and
    bylines belong to other articles. (Unlike `_is_boilerplate`, headers and byline boxes pass.)
    `cache` remembers each element's own verdict across calls on one page."""
    for node in itertools.chain((tag,), _ancestors(tag)):
        own = cache.get(node) if cache is not None else None
        if own is None:
            name = node.tag
            own = name in ("nav", "footer", "aside") or bool(
                node.attrib and name not in ("html", "body") and _OTHER_CONTENT_RE.search(_attr_text(node))
            )
            if cache is not None:
                cache[node] = own
        if own:
            return True
    return False


def _time_elements(root: _Element) -> tuple[ParsedDate | None, ParsedDate | None]:
    """(published, modified) from <time> elements outside boilerplate; microdata ones are skipped
    because `_MetaTags`/`_microdata` already read them."""
    published = modified = None
    for tag in root.iter("time"):
        if "itemprop" in tag.attrib or _in_other_content(tag):
            continue
        value = tag.get("datetime") or tag.get("content") or _text_of(tag)
        parsed = parse_date(value)
        if parsed is None:
            continue
        context = _attr_text(tag) + " " + _text_of(tag.getparent())[:60]
        if _MODIFIED_HINT_RE.search(context) and "publish" not in context.lower():
            modified = modified or parsed
        else:
            published = published or parsed
    return published, modified


_SHORT_LINE_TAGS = ("p", "div", "span", "li", "small", "time", "dd", "address", "em", "strong")


def _short_text_lines(root: _Element, index: _BlockIndex) -> Iterator[tuple[str, _Element]]:
    """Short visible text blocks (≤160 chars) outside nav/footer/aside, in document order.

    Bylines and text dates both read them: the scan is done once per page, as far as asked."""
    found = index.short_lines
    position = 0
    while True:
        if position < len(found):
            yield found[position]
            position += 1
            continue
        if index.short_scan is None:
            index.short_scan = _scan_short_text_lines(root, index)
        item = next(index.short_scan, None)
        if item is None:
            return
        found.append(item)


def _scan_short_text_lines(root: _Element, index: _BlockIndex) -> Iterator[tuple[str, _Element]]:
    for tag in root.iter(*_SHORT_LINE_TAGS):
        if index.has_line_blocks(tag):
            continue
        text = _text_of(tag)
        if not text or len(text) > 160:
            continue
        if _in_other_content(tag, index.other_content):
            continue
        yield text, tag


def _text_dates(root: _Element, index: _BlockIndex) -> tuple[ParsedDate | None, ParsedDate | None]:
    """(published, modified) from visible lines: "Published 14 March 2026, 09:30 GMT",
    "Updated: March 15, 2026", or a bare date in a date/byline-classed element."""
    published = modified = None
    for text, tag in _short_text_lines(root, index):
        if not _MAY_HOLD_DATE_RE.search(text):
            continue  # every date pattern needs a 4-digit year
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
        hinted = any(_DATE_HINT_RE.search(_attr_text(t)) for t in itertools.chain((tag,), _ancestors(tag, 3)))
        if published is None and (hinted or len(remainder.split()) <= 2):
            published = parsed
        if published and modified:
            break
    return published, modified


_MAY_HOLD_DATE_RE = re.compile(r"(?:19|20)\d\d")


def _dates(page: _Page) -> tuple[_DateChoice, _DateChoice]:
    """Arbitrate published/modified dates: hints > jsonld > meta > time > text > url.

    Candidates are computed lazily, in order: the page-wide scans (``<time>`` elements, visible
    text lines) only run when structured data has no date."""
    meta, ld, root = page.meta, page.ld, page.root
    time_dates = functools.cache(lambda: _time_elements(root))
    text_dates = functools.cache(lambda: _text_dates(root, page.index))

    def hinted() -> ParsedDate | None:
        if page.hints.date_selector:
            for tag in _select(root, page.hints.date_selector):
                raw = tag.get("datetime") or tag.get("content") or _text_of(tag)
                if parsed := parse_date(raw):
                    hint_source[0] = "time" if tag.tag == "time" else "text"
                    return parsed
        return None

    hint_source = ["text"]

    def micro(prop: str) -> ParsedDate | None:
        return parse_date(next((_microdata_value(t) for t in _microdata(page, prop)), None))

    published_candidates: list[tuple[Callable[[], ParsedDate | None], str | list[str]]] = [
        (hinted, hint_source),
        (lambda: parse_date(_ld_text(ld.get("datePublished"))), "jsonld"),
        (lambda: parse_date(_ld_text(ld.get("dateCreated"))), "jsonld"),
        (lambda: parse_date(meta.first("article:published_time", "og:article:published_time", "datepublished",
                               "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created",
                               "dcterms.created", "pubdate", "publishdate", "publish-date", "date",
                               "article.published", "sailthru.date", "parsely-pub-date", "citation_date")),
         "meta"),
        (lambda: micro("datePublished"), "meta"),
        (lambda: time_dates()[0], "time"),
        (lambda: text_dates()[0], "text"),
        (lambda: date_from_url(page.url), "url"),
    ]  # fmt: skip
    modified_candidates: list[tuple[Callable[[], ParsedDate | None], str | list[str]]] = [
        (lambda: parse_date(_ld_text(ld.get("dateModified"))), "jsonld"),
        (lambda: parse_date(meta.first("article:modified_time", "og:updated_time", "dcterms.modified",
                                       "dc.date.modified", "datemodified", "last-modified", "article.updated",
                                       "lastmod")), "meta"),
        (lambda: micro("dateModified"), "meta"),
        (lambda: time_dates()[1], "time"),
        (lambda: text_dates()[1], "text"),
    ]  # fmt: skip

    def choose(candidates: list[tuple[Callable[[], ParsedDate | None], str | list[str]]]) -> _DateChoice:
        for candidate, source in candidates:
            if parsed := candidate():
                return _DateChoice(parsed, source[0] if isinstance(source, list) else source)
        return _DateChoice()

    published, modified = choose(published_candidates), choose(modified_candidates)
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
    html_tag = page.root if page.root.tag == "html" else _first(page.root, "html")
    candidates = []
    if html_tag is not None:
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
    # The first element among the page's first 5,000 whose class, id, aria-label or itemtype says so.
    marked = page.attributed.matching(_BREADCRUMB_ATTR_RE)
    marked += [
        t
        for t in page.labelled
        if _BREADCRUMB_ATTR_RE.search(f"{t.get('aria-label') or ''} {t.get('itemtype') or ''}")
    ]
    found = [t for t in marked if page.index.position(t) < 5000]
    if found:
        tag = min(found, key=page.index.position)
        trails.append(
            [_text_of(a) for a in tag.iter("a") if a is not tag]
            or [_text_of(li) for li in tag.iter("li") if li is not tag]
        )
    title = (page.title or "").casefold()
    for trail in trails:
        labels = [t for raw in trail if (t := _section_label(raw, page)) and t.casefold() != title]
        if labels:
            return labels[-1]
    return None


def _labelled_section(page: _Page) -> str | None:
    """A kicker/rubric element: `<div class="rubric">Economy</div>` above the headline."""
    for tag in page.attributed.matching(_SECTION_LABEL_RE):
        if tag.tag not in ("div", "span", "p", "a", "strong", "em", "small", "li") or _is_hidden(tag):
            continue
        if page.index.has_line_blocks(tag) or _in_other_content(tag, page.index.other_content):
            continue
        if any(a.tag in ("nav", "header", "footer", "aside") for a in _ancestors(tag)):
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
    links = (a for a in page.root.iter("a") if "href" in a.attrib)
    for link in itertools.islice(links, _MAX_SECTION_LINKS):
        raw = (link.get("href") or "").strip()
        last = raw.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if last not in ("", ".", "..") and f"/{last}/" not in here.path:
            continue  # the target's last folder is not a folder of the article's URL: cannot qualify
        href = _absolute_http_url(raw, page.url)
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
        next((_microdata_value(t) for t in _microdata(page, "articleSection")), None),
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
    for tag in _microdata(page, "keywords"):
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
        for t in page.root.iter("link")
        if "href" in t.attrib and "canonical" in [r.lower() for r in (t.get("rel") or "").split()]
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
_PAYWALL_CLASS_NEEDLES = ("paywall", "subscriber", "premium-content", "regwall", "piano-", "metered")
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
    for tag in page.classed.matching(_PAYWALL_CLASS_RE, _PAYWALL_CLASS_NEEDLES):
        if _PAYWALL_TEXT_RE.search(_text_of(tag)[:500]):
            return True
    return False


_SITE_AFTER_RE = re.compile(r"^\s+(?:\||-|–|—|::|·|•)\s+(?P<name>\S.*)$")
_SITE_BEFORE_RE = re.compile(r"^(?P<name>.*\S)\s+(?:\||-|–|—|::|·|•)\s+$")


def _title_site_name(root: _Element, ld: _JsonLd, meta: _MetaTags) -> str | None:
    """The outlet name a <title> carries around the headline: "Outlet - Headline", "Headline | Outlet"."""
    title_element = _first(root, "title")
    if title_element is None:
        return None
    title = normalise_text(_text_of(title_element))
    headlines = [
        _ld_text(ld.get("headline")),
        meta.first("og:title", "twitter:title", "dc.title", "headline"),
        _first_h1(root),
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


def _site_names(ld: _JsonLd, meta: _MetaTags, root: _Element, outlet_name: str | None = None) -> list[str]:
    """Names the outlet goes by: the configured name, og:site_name, publisher, <title> suffix."""
    names = [outlet_name or "", *meta.all("og:site_name", "application-name", "dc.publisher")]
    publisher = ld.get("publisher")
    for pub in publisher if isinstance(publisher, list) else [publisher]:
        if text := _ld_text(ld.resolve(pub)):
            names.append(text)
    names += ld.org_names
    names.append(_title_site_name(root, ld, meta) or "")
    return list(dict.fromkeys(normalise_text(n) for n in names if n and normalise_text(n)))


# ============================================================================================
# Captions and body
# ============================================================================================

_CREDIT_CLASS_RE = re.compile(r"credit|copyright|photographer|source|byline", re.I)
_CAPTION_HOLDER_RE = re.compile(r"(?<![a-z])caption(?![a-z])")
# A block of its own holding photo credits (often a list: "• Photo: X", "• caption").
# (Only photo-specific names: a bare "credits" block is as often "Additional reporting by …".)
_CREDIT_HOLDER_RE = re.compile(r"(?<![a-z])(?:photo|image|picture|img)[-_]?credits?(?![a-z])", re.I)


def _figure_captions(page: _Page) -> tuple[list[str], list[str], set[str]]:
    """Caption and credit texts from <figure>/<figcaption> and caption-classed blocks, plus every
    raw caption block text (casefolded) so the body filter can drop one an extractor kept."""
    captions: list[str] = []
    credits: list[str] = []
    raw_texts: set[str] = set()
    seen: set[_Element] = set()
    credit_holders = set(page.classed.matching(_CREDIT_HOLDER_RE, ("credit",)))
    marked = credit_holders.union(page.attributed.matching(_CAPTION_HOLDER_RE, ("caption",)))
    holders = sorted(marked.union(page.root.iter("figcaption")), key=page.index.position)
    previous: tuple[_Element, bool] | None = None  # the last holder, and whether it gave a caption
    for holder in holders:
        if holder in seen or any(p in seen for p in _ancestors(holder)):
            continue
        seen.add(holder)
        raw_texts.add(_text_of(holder).casefold())
        items = [li for li in holder.iter("li") if li is not holder]
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
        if holder in credit_holders and holder.tag != "figcaption":
            if text := strip_bullet(_text_of(holder)):
                credits.append(text)
            previous = (holder, False)
            continue
        text = strip_bullet(_text_of(holder))
        if (
            previous is not None
            and previous[1]
            and _previous_element(holder) is previous[0]
            and captions
            and is_caption_then_credit(captions[-1], text)
        ):
            # Two caption lines in a row, the second a bare name: the photo's caption, then its credit.
            credits.append(text)
            previous = (holder, False)
            continue
        captions_before = len(captions)
        descendants = [d for d in holder.iter("small", "cite", "span") if d is not holder]
        credit_tags = [d for d in descendants if _class_matches(d, _CREDIT_CLASS_RE)]
        credit_tags += [d for d in descendants if d.tag != "span"]
        for credit_tag in dict.fromkeys(credit_tags):
            if text := _text_of(credit_tag):
                credits.append(text)
            _detach(credit_tag)  # so the caption text below does not repeat it
        caption, credit = split_caption_credit(strip_bullet(_text_of(holder)))
        if caption:
            captions.append(caption)
        if credit:
            credits.append(credit)
        previous = (holder, len(captions) > captions_before and not credit)
    for tag in page.root.iter("figure"):
        for credit_tag in (
            d for d in tag.iterdescendants() if _is_element(d) and _class_matches(d, _CREDIT_CLASS_RE)
        ):
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
    sources: list[_Element | None] | None = None  # the element of each paragraph (DOM bodies)

    @property
    def chars(self) -> int:
        return sum(len(p) for p, k in zip(self.paragraphs, self.kinds, strict=True) if k == "p")


def _as_body(
    blocks: list[tuple[str, ParagraphKind]],
    method: str,
    strong: bool = False,
    sources: list[_Element | None] | None = None,
) -> _Body:
    return _Body([b[0] for b in blocks], [b[1] for b in blocks], method, strong, sources)


def _body_from_hints(root: _Element, selector: str, index: _BlockIndex) -> _Body | None:
    blocks: list[tuple[str, ParagraphKind]] = []
    for tag in _select(root, selector):
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


def _body_from_trafilatura(tree: _Element, url: str | None) -> _Body | None:
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            with_metadata=False,
            favor_recall=True,
            # No readability/jusText comparison: the container candidate plays that part here.
            fast=True,
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


def _paragraph_parent(root: _Element) -> _Element | None:
    """The element holding the most <p> text as direct children (the classic readability cue):
    on templates without a recognised body class it is the story text, without the rubric,
    standfirst and dateline that sit beside it in the article wrapper."""
    totals: dict[_Element, tuple[_Element, int, int]] = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is None or parent.tag in ("body", "html"):
            continue
        text = _text_of(p)
        if len(text) < 25:
            continue
        tag, chars, count = totals.get(parent, (parent, 0, 0))
        totals[parent] = (tag, chars + len(text), count + 1)
    if not totals:
        return None
    tag, _chars, count = max(totals.values(), key=lambda t: t[1])
    return tag if count >= _MIN_PARENT_PARAGRAPHS else None


_MIN_PARENT_PARAGRAPHS = 3


_NEAR_CONTAINER = 0.9
_NEAR_PARENT = 0.97


_ARTICLE_BODY_PROP_RE = re.compile(r"articleBody", re.I)


def _container_candidates(page: _Page) -> tuple[list[_Element], _Element | None]:
    """Possible article-body containers, and which of them (if any) is the paragraph parent."""
    root = page.root
    found: list[_Element] = []
    found += [t for t in page.itemprops if _ARTICLE_BODY_PROP_RE.search(t.get("itemprop") or "")]
    found += [t for t in page.attributed.matching(_BODY_CLASS_RE) if t.tag in ("div", "section")]
    found += [*root.iter("article", "main")] + [t for t in page.roled if t.get("role") == "main"]
    # (Elements detached with a caption's credit line are no longer candidates.)
    found = [t for t in found if t.tag in ("div", "section", "article", "main") or _is_attached(t, root)]
    parent = _paragraph_parent(root)
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


def _is_attached(tag: _Element, root: _Element) -> bool:
    return tag is root or any(a is root for a in tag.iterancestors())


def _body_from_dom(page: _Page) -> _Body | None:
    """Paragraphs of the densest article container (by prose characters); ties go to the most
    focused container (least total text), so <div itemprop=articleBody> beats its <article>."""
    scored: list[tuple[int, _Element, float, list[tuple[str, ParagraphKind]], list[_Element | None]]] = []
    root, index = page.root, page.index
    candidates, parent = _container_candidates(page)
    # Last in document order first: a container is collected after the candidates inside it, and
    # reuses their blocks.
    memo: _Collected = {}
    collected: dict[_Element, tuple[_Blocks, list[_Element | None]]] = {}
    for tag in sorted(candidates, key=lambda t: -index.position(t)):
        sources: list[_Element | None] = []
        blocks = _collect_blocks(tag, index, sources, memo)
        collected[tag] = memo[tag] = (blocks, sources)
    for tag in candidates:
        blocks, sources = collected[tag]
        # The paragraph parent must hold (nearly) all the prose to beat a recognised container.
        near = _NEAR_PARENT if tag is parent else _NEAR_CONTAINER
        scored.append((_prose_chars(blocks), tag, near, blocks, sources))
    if scored:
        best_score = max(s[0] for s in scored)
        if best_score > 0:
            close = [s for s in scored if s[0] >= s[2] * best_score]
            best = close[0] if len(close) == 1 else min(close, key=lambda s: _full_text_length(s[1]))
            return _as_body(best[3], "fallback-paragraphs", True, best[4])
    return _page_body(root, index)


def _page_body(root: _Element, index: _BlockIndex) -> _Body | None:
    """Every paragraph of the page outside boilerplate subtrees (nav, footer, share bars, …)."""
    body = _first(root, "body")
    sources: list[_Element | None] = []
    blocks = _collect_blocks(body if body is not None else root, index, sources)
    return _as_body(blocks, "fallback-paragraphs", False, sources) if blocks else None


def _body_from_jsonld(ld: _JsonLd) -> _Body | None:
    raw = ld.get("articleBody")
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = html_lib.unescape(raw)
    if "<" in text and ">" in text:
        # Some CMSes put HTML in articleBody.
        fragment = _parse_fragment(text)
        blocks = _collect_blocks(fragment, _BlockIndex(fragment)) if fragment is not None else []
    else:
        paragraphs = [p for p in re.split(r"\n\s*\n|\r\n|\n", text) if p.strip()]
        blocks = [(_collapse(p), "p") for p in paragraphs]
    return _as_body(blocks, "jsonld-articleBody") if blocks else None


# How the candidates are arbitrated (`_choose_body`):
#
# * trafilatura is the default: it generalises over unknown layouts. Its weakness is the edges of
#   the article: it keeps teaser lists, "Top stories" boxes and newsletter sign-ups above or below
#   the story, and sometimes stops early (an ad slot or a widget mid-article) or drops short
#   paragraphs.
# * The recognised article container (itemprop=articleBody, a body class, <article>, the element
#   holding most <p> text) knows where the story is but not what inside it is prose.
# * When the two agree on most of trafilatura's text, the article is their common part, laid out
#   as the container has it: trafilatura's paragraphs outside the container are dropped, and the
#   container's paragraphs trafilatura left out are added back when they read as prose — a full
#   sentence of `_MIN_ADDED_PROSE`+ characters, mostly not link text, not repeating text already
#   kept — inside the common part or after it (up to the first non-prose line after it, such as a
#   "More stories" heading: what follows that is another block of the page). Subheads between
#   two shared paragraphs are kept as well. Nothing is added before the common part (rubric,
#   standfirst, teaser rows of the wrapper).
# * When they disagree (the container holds less than half of trafilatura's text), trafilatura
#   wins; its paragraphs the page walk files under boilerplate (nav, share bar, newsletter,
#   related box…) are dropped.
# * JSON-LD articleBody wins when it is much longer than the visible text (paywalled pages) or
#   says the same thing with better paragraph breaks.
_MIN_SHARED = 0.5
_MAX_ALIGNMENT = 250_000  # paragraphs × paragraphs: difflib is quadratic in the worst case
_MIN_ADDED_PROSE = 100
_MAX_ADDED_LINK_DENSITY = 0.5
_MIN_KEPT_AFTER_FILTER = 0.5
_JSONLD_OVER_VISIBLE = 1.5
_NON_WORD_RE = re.compile(r"\W+")
_WORD_RE = re.compile(r"\w+")


def _same_text(a: _Body, b: _Body) -> bool:
    return re.sub(r"\s+", "", "".join(a.paragraphs)) == re.sub(r"\s+", "", "".join(b.paragraphs))


_SENTENCE_END_RE = re.compile(r"[.!?…:;\"'”’»)]$")
_MAX_STRAY_CHARS = 200


def _is_stray_block(text: str) -> bool:
    """A short line that is not a sentence: a widget label ("Kharovsk weatherCloudy, -4 / -9"),
    a rubric, a standfirst without a full stop, a dateline, a caption bullet."""
    return len(text) <= _MAX_STRAY_CHARS and not _SENTENCE_END_RE.search(text.rstrip())


def _block_key(text: str) -> str:
    """Paragraph identity across extractors: letters and digits only, case-folded (trafilatura and
    the page walk differ in spacing and punctuation around inline markup)."""
    return _NON_WORD_RE.sub("", text).casefold()


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD_RE.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))} if words else set()


def _link_density(source: _Element | None, text: str) -> float:
    """Share of a paragraph's text that is link text (0 for loose text without an element)."""
    if source is None or not text:
        return 0.0
    return min(1.0, sum(len(_text_of(a)) for a in source.iter("a")) / len(text))


def _reads_as_prose(text: str, kind: ParagraphKind, source: _Element | None) -> bool:
    return (
        kind == "p"
        and not text.startswith("• ")
        and len(text) >= _MIN_ADDED_PROSE
        and not _is_stray_block(text)
        and _link_density(source, text) < _MAX_ADDED_LINK_DENSITY
    )


def _merge_with_container(traf: _Body, dom: _Body) -> _Body | None:
    """trafilatura's paragraphs, trimmed to and completed from the article container (see above);
    None when the two do not agree on at least half of trafilatura's text."""
    if len(traf.paragraphs) * len(dom.paragraphs) > _MAX_ALIGNMENT:
        return None  # a page of thousands of list items: not an article to align paragraph by paragraph
    dom_sources = dom.sources or [None] * len(dom.paragraphs)
    ops = SequenceMatcher(
        None,
        [_block_key(p) for p in traf.paragraphs],
        [_block_key(p) for p in dom.paragraphs],
        autojunk=False,
    ).get_opcodes()
    equal = [i for i, op in enumerate(ops) if op[0] == "equal"]
    shared = sum(len(p) for op in ops if op[0] == "equal" for p in traf.paragraphs[op[1] : op[2]])
    if not equal or shared < _MIN_SHARED * traf.chars:
        return None
    first, last = equal[0], equal[-1]
    seen: set[tuple[str, ...]] | None = None  # shingles of the text kept so far, when first needed
    blocks: list[tuple[str, ParagraphKind]] = []
    added = blocked = False
    for position, (tag, _i1, _i2, j1, j2) in enumerate(ops):
        if tag == "equal":  # the container's wording: it keeps the spaces <br> and inline tags imply
            blocks += zip(dom.paragraphs[j1:j2], dom.kinds[j1:j2], strict=True)
            continue
        if position < first:
            continue
        for j in range(j1, j2):
            text, kind = dom.paragraphs[j], dom.kinds[j]
            if position > last and blocked:
                break
            if (
                kind == "h"
                and position < last
                and _link_density(dom_sources[j], text) < _MAX_ADDED_LINK_DENSITY
            ):
                blocks.append((text, kind))  # a subhead between two shared paragraphs
                added = True
            elif _reads_as_prose(text, kind, dom_sources[j]):
                if seen is None:
                    shared_text = (p for op in ops if op[0] == "equal" for p in dom.paragraphs[op[3] : op[4]])
                    seen = set().union(*map(_shingles, shared_text))
                shingles = _shingles(text)
                if shingles and len(shingles & seen) * 2 > len(shingles):
                    continue  # the same text again (a pull quote, a flattened copy of the story)
                blocks.append((text, kind))
                seen |= shingles
                added = True
            elif position > last and not text.startswith("• "):
                blocked = True
    return _as_body(blocks, "trafilatura+container" if added else "trafilatura", True)


def _drop_boilerplate_paragraphs(traf: _Body, page: _Body | None) -> _Body:
    """trafilatura's paragraphs without those the page walk skips as boilerplate (they are not among
    the page's own paragraphs), unless that would remove most of the text (a layout the walk does
    not understand)."""
    if page is None:
        return traf
    known = {_block_key(p) for p in page.paragraphs}
    kept = [(p, k) for p, k in zip(traf.paragraphs, traf.kinds, strict=True) if _block_key(p) in known]
    if len(kept) == len(traf.paragraphs):
        return traf
    if sum(len(p) for p, k in kept if k == "p") < _MIN_KEPT_AFTER_FILTER * traf.chars:
        return traf
    return _as_body(kept, traf.method)


def _choose_body(
    hints: _Body | None,
    traf: _Body | None,
    dom: _Body | None,
    jsonld: _Body | None,
    page_body: Callable[[], _Body | None],
) -> _Body | None:
    """The body to keep (see the rules above); `page_body` gives every paragraph of the page outside
    boilerplate, computed only when needed."""
    if hints is not None and hints.chars > 0:
        return hints
    best: _Body | None
    if traf is None or traf.chars == 0:
        best = dom
    elif dom is not None and dom.strong_container and (merged := _merge_with_container(traf, dom)):
        best = merged
    else:
        best = _drop_boilerplate_paragraphs(
            traf, dom if dom is not None and not dom.strong_container else page_body()
        )
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


# One parse per page, shared by the metadata readers, the container scorer and trafilatura (which
# copies the tree before cleaning it). Parser settings and input repairs are trafilatura's own
# (`trafilatura.utils.load_html`), so it sees exactly the tree it would have built from the text.
_HTML_PARSER = lxml_html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
# Every element an `HtmlElement`, chosen in C: lxml.html's default lookup (a Python call for each
# element proxy, to pick form and input classes nobody here uses) costs more than the parse.
_HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)
_INVALID_XML_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOCTYPE_TAG_RE = re.compile("^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_FAULTY_HTML_RE = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)


def _repair_markup(text: str) -> str:
    """What libxml2 chokes on: control characters, a self-closing DOCTYPE or <html/>."""
    text = _INVALID_XML_CHARS_RE.sub("", text)
    if "doctype" in text[:50].lower():
        first, newline, rest = text.partition("\n")
        text = _DOCTYPE_TAG_RE.sub("", first, count=1) + newline + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = _FAULTY_HTML_RE.sub(r"\1>", text, count=1)
            break
    return text


def _parse_html(text: str) -> _Element | None:
    """The page as an lxml tree (what `lxml.html.fromstring` returns: the <html> element for a
    document, the fragment's element otherwise), or None when libxml2 finds nothing to parse."""
    text = _repair_markup(text)
    tree: _Element | None = None
    try:
        tree = lxml_html.fromstring(text, parser=_HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree = None
    except (etree.LxmlError, TypeError) as exc:
        logger.debug("lxml could not parse the page as text: %s", exc)
    if tree is None or len(tree) < 1:
        try:
            tree = lxml_html.fromstring(text.encode("utf-8", "surrogatepass"), parser=_HTML_PARSER)
        except (etree.LxmlError, ValueError, TypeError, UnicodeError) as exc:
            logger.debug("lxml could not parse the page as bytes: %s", exc)
    return tree


def _parse_fragment(markup: str) -> _Element | None:
    """The <body> of an HTML fragment (articleBody with markup), or None."""
    tree = _parse_html(f"<html><body>{markup}</body></html>")
    return _first(tree.getroottree().getroot(), "body") if tree is not None else None


def _empty_document() -> _Element:
    return lxml_html.document_fromstring("<html><body></body></html>")


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
    tree = _parse_html(text)
    # trafilatura rejects a parse of something that is not HTML at all (no "html" near the start
    # and fewer than two top-level elements); so does the body cascade below.
    html_like = tree is not None and ("html" in text[:50].lower() or len(tree) >= 2)
    root = tree.getroottree().getroot() if tree is not None else _empty_document()
    index = _BlockIndex(root)
    ld = _read_jsonld(root)
    meta = _MetaTags(root)
    page = _Page(root, url, hints, ld, meta, index, _site_names(ld, meta, root, outlet_name))

    title = page.title = _title(page)
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
    # trafilatura works on its own copy of the pristine tree; captions are read next because
    # _figure_captions detaches credit elements before the container scorer looks at the page.
    hinted = _body_from_hints(root, hints.body_selector, index) if hints.body_selector else None
    traf = _body_from_trafilatura(tree, url) if tree is not None and html_like and hinted is None else None
    captions, credits, caption_texts = _figure_captions(page)
    article.image_captions, article.image_credits = captions, credits

    dom = _body_from_dom(page) if hinted is None else None
    body = _choose_body(hinted, traf, dom, _body_from_jsonld(ld), lambda: _page_body(root, index))
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
