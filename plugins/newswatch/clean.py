"""Text normalisation and boilerplate removal for extracted article bodies (pure, no I/O).

`clean_article` takes the `Article` produced by `newswatch.extract` and returns a new one whose
paragraphs are fit for entity and quote extraction:

1. every paragraph is mojibake-repaired, NFC-normalised and whitespace-collapsed (quote characters
   are kept exactly as published: a “curly” quote is never straightened, a stray ``"`` never curled);
2. editorial insertions that split a sentence across paragraphs are re-joined (see
   `_merge_insertions`);
3. photo captions and credits that leaked into the text ("• Reuters", "© Name", "Photo: …") are
   moved to `image_captions` / `image_credits`;
4. share / newsletter / "Read more" / cookie / advertisement lines, caller-supplied drop phrases, a
   line that is only the outlet's own name (``outlet_name``) and paragraphs whose `paragraph_hash`
   is known boilerplate are removed;
5. sentence continuations split by a removed block (or by the page layout) are re-joined.

Every removal is recorded in `CleanResult.removed` with a reason, and `CleanResult.offset_map` says
which input paragraph(s) each clean paragraph came from, so a downstream offset can be traced back to
the extracted text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import ftfy

from newswatch.models import Article, ParagraphKind

logger = logging.getLogger(__name__)

__all__ = [
    "CleanResult",
    "ParagraphOrigin",
    "clean_article",
    "clean_paragraphs",
    "is_boilerplate_line",
    "is_caption_then_credit",
    "is_credit_line",
    "is_credit_name",
    "normalise_text",
    "paragraph_hash",
    "repair_mojibake",
    "split_caption_credit",
    "strip_bullet",
]

# --------------------------------------------------------------------------------------------
# Mojibake repair
# --------------------------------------------------------------------------------------------
#
# The common failure is UTF-8 bytes decoded as windows-1252 (or latin-1): "“" (E2 80 9C) becomes
# "â€œ"; UTF-8 read as windows-1251/1250 and text mis-decoded twice happen too. ftfy repairs these
# line by line, including lines that mix correctly decoded characters with broken ones (a template
# in one encoding, a body pasted from another). The run-by-run repair below is the second pass: it
# catches short runs ftfy deliberately leaves alone, but only where the decoded run lands in a
# plausible Unicode block.


def _cp1252_byte_table() -> dict[str, int]:
    """Map each character a cp1252/latin-1 decoder can produce for bytes 0x80-0xFF back to the byte."""
    table: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252; decoders that fall back to
            # latin-1 leave the C1 control character, which is what we then see in the text.
            char = chr(byte)
        table[char] = byte
    return table


_BYTE_FOR_CHAR = _cp1252_byte_table()


def _char_class(lo: int, hi: int) -> str:
    chars = [c for c, b in _BYTE_FOR_CHAR.items() if lo <= b <= hi]
    return "[" + "".join(re.escape(c) for c in chars) + "]"


_CONT = _char_class(0x80, 0xBF)  # what UTF-8 continuation bytes look like after a cp1252 decode
_MOJIBAKE_RE = re.compile(
    f"{_char_class(0xC2, 0xDF)}{_CONT}"
    f"|{_char_class(0xE0, 0xEF)}{_CONT}{{2}}"
    f"|{_char_class(0xF0, 0xF4)}{_CONT}{{3}}"
)

# A decoded run is only accepted when it lands in a block that mojibake realistically comes from.
# This is what keeps legitimate text safe: French "voilà\u00a0»" is E0 A0 BB as bytes, a valid
# UTF-8 sequence for U+083B (Mandaic), which nobody writes in an English news page.
_PLAUSIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0080, 0x024F),  # Latin-1 supplement, Latin Extended-A/B
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x2BFF),  # punctuation, currency, letterlike, arrows, maths, symbols
    (0x3000, 0x9FFF),  # CJK punctuation and ideographs
    (0xAC00, 0xD7AF),  # Hangul
    (0xFF00, 0xFFEF),  # full-width forms
    (0x1F000, 0x1FAFF),  # emoji
)

# ftfy, restricted to undoing wrong decodings: everything else it can "fix" is a change to what the
# outlet published (curly quotes, "ﬁ" ligatures, full-width CJK forms, "&amp;" in HTML source,
# line breaks, control characters) and is either kept or left to `normalise_text`.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)

# Sequences whose last byte was lost (replaced by U+FFFD) but are unambiguous in practice: a
# right double quote is by far the most frequent character ending in the undefined byte 0x9D.
_MOJIBAKE_LOSSY = {"â€\ufffd": "\u201d"}


def _plausible(decoded: str) -> bool:
    return all(any(lo <= ord(ch) <= hi for lo, hi in _PLAUSIBLE_RANGES) for ch in decoded)


def _fix_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        decoded = bytes(_BYTE_FOR_CHAR[c] for c in run).decode("utf-8")
    except UnicodeDecodeError:
        return run
    return decoded if _plausible(decoded) else run


def _fix_runs(text: str) -> str:
    """The run-by-run UTF-8-as-windows-1252 repair, at most twice (text mis-decoded twice)."""
    for _ in range(2):
        if not _MOJIBAKE_RE.search(text):
            break
        repaired = _MOJIBAKE_RE.sub(_fix_run, text)
        if repaired == text:
            break
        text = repaired
    return text


# What `_has_mojibake` scans: the runs of non-ASCII characters, with two characters of context on
# each side, runs at most four ASCII characters apart kept together, one run per line. Every pattern
# of ftfy's badness regex needs a non-ASCII character and reaches at most two ASCII characters
# beyond the non-ASCII characters it matches (its character categories hold no ASCII), so it
# matches the runs joined by newlines exactly when it matches the whole text: each separator sits
# at least three ASCII characters from the nearest non-ASCII one. (The same holds for the
# windows-1252 sequences of `_MOJIBAKE_RE`, which are all non-ASCII.)
_NON_ASCII_SPAN_RE = re.compile(
    r"[\x00-\x7f]{0,2}[^\x00-\x7f]+(?:[\x00-\x7f]{1,4}[^\x00-\x7f]+)*[\x00-\x7f]{0,2}"
)
# The span regex is slow on long ASCII stretches, so the text is first cut into blocks of this many
# characters and only runs of blocks holding non-ASCII characters (with two characters of context,
# which are ASCII: the neighbouring blocks are) are searched.
_SCAN_BLOCK = 64


def _non_ascii_parts(text: str) -> str:
    regions: list[str] = []
    start = end = -1
    for i in range(0, len(text), _SCAN_BLOCK):
        if not text[i : i + _SCAN_BLOCK].isascii():
            if start < 0:
                start = i
            end = i + _SCAN_BLOCK
        elif start >= 0:
            regions.append(text[max(0, start - 2) : end + 2])
            start = -1
    if start >= 0:
        regions.append(text[max(0, start - 2) : end + 2])
    return "\n".join(m.group(0) for region in regions for m in _NON_ASCII_SPAN_RE.finditer(region))


def _has_mojibake(text: str) -> bool:
    # Only lines with non-ASCII characters can hold mojibake; skipping the rest keeps ftfy's
    # regex off the inline scripts and markup that make up most of a page. Within those lines only
    # the neighbourhood of non-ASCII characters is scanned (minified pages are one long line).
    text = _non_ascii_parts("\n".join(line for line in text.splitlines() if not line.isascii()))
    if ftfy.is_bad(text) or any(broken in text for broken in _MOJIBAKE_LOSSY):
        return True
    return any(_fix_run(m) != m.group(0) for m in _MOJIBAKE_RE.finditer(text))


def repair_mojibake(text: str) -> str:
    """Undo text decoded with the wrong code page upstream ("â€œ" → "“", "Ã©" → "é"); good text is kept.

    Only text that shows mojibake (ftfy's ``is_bad`` or a UTF-8-as-windows-1252 sequence that
    decodes to a plausible character) is touched: it goes through `ftfy.fix_text` with
    `_FTFY_CONFIG` (encoding repair only — quotes, ligatures, character widths, line breaks, HTML
    entities and control characters stay as they are; NFC), then through the run-by-run repair
    below for what ftfy leaves (it is cautious with short runs such as "Nguyá»…n"). Text mis-decoded
    twice (seen on syndicated copy) is repaired too. Correct text in any script is returned as is.
    """
    if not text or text.isascii() or not _has_mojibake(text):
        return text
    for broken, fixed in _MOJIBAKE_LOSSY.items():
        text = text.replace(broken, fixed)
    try:
        # ftfy fixes line by line and leaves ASCII lines as they are: only the others are passed
        # to it (a page of markup and scripts is mostly ASCII lines ftfy would scan for nothing).
        text = "\n".join(
            line if line.isascii() else ftfy.fix_text(line, _FTFY_CONFIG) for line in text.split("\n")
        )
    except Exception:  # ftfy is a heuristic library: never let it break ingestion
        logger.warning(
            "ftfy failed on %d characters; using the fallback repair only", len(text), exc_info=True
        )
    return _fix_runs(text)


# --------------------------------------------------------------------------------------------
# Normalisation and hashing
# --------------------------------------------------------------------------------------------

# Zero-width characters that carry no meaning in running text. ZWJ/ZWNJ (U+200D/U+200C) are kept
# because they change rendering in Persian, Indic scripts and emoji sequences.
_INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
# C0/C1 controls other than whitespace; C1 ones are what is left of undefined cp1252 bytes.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACE_RE = re.compile(r"\s+")  # with str patterns \s covers NBSP, thin spaces, tabs, line breaks


def normalise_text(text: str) -> str:
    """Repair mojibake, NFC-normalise, drop invisible characters and collapse whitespace.

    Quote characters and dashes are deliberately left as published.
    """
    text = repair_mojibake(text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


_DIGIT_RE = re.compile(r"\d")


def paragraph_hash(text: str) -> str:
    """A stable key for boilerplate detection across articles of one outlet.

    sha1 of the normalised, casefolded, whitespace-collapsed text with every digit replaced by
    "0", so "© 2025 Outlet" and "© 2026 Outlet" share a hash.
    """
    key = _DIGIT_RE.sub("0", normalise_text(text).casefold())
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Line classifiers: credits, captions, boilerplate
# --------------------------------------------------------------------------------------------

BULLETS = "•·▪●◦‣∙"
_BULLET_RE = re.compile(f"^[{BULLETS}]\\s*")

# Photo agencies and wire services whose bare name on a line is a picture credit. Casefolded.
AGENCY_NAMES = frozenset(
    {
        "reuters", "ap", "ap photo", "associated press", "afp", "afp photo", "agence france-presse",
        "getty", "getty images", "epa", "epa-efe", "efe", "dpa", "anadolu", "anadolu agency",
        "xinhua", "tass", "ria novosti", "sputnik", "interfax", "bloomberg", "pa", "pa media",
        "pa wire", "pa images", "shutterstock", "alamy", "legion-media", "global look press",
        "eyevine", "sipa", "sipa press", "zuma", "zuma press", "imago", "rex", "rex features",
        "rt", "upi", "ansa", "ukrinform", "unian", "kyodo", "yonhap", "aap", "ani", "pti",
        "wikimedia commons", "handout", "pool", "file photo", "social media", "nurphoto",
        "sopa images", "lightrocket", "nasa", "us army", "u.s. army", "kremlin.ru",
    }
)  # fmt: skip

_CREDIT_PREFIX_RE = re.compile(
    r"^(?:©|\(c\)\s|copyright\b"
    r"|(?:photo|photograph|picture|pic|image|illustration|video|graphic|credit)s?(?:\s+by)?\s*[:：]"
    r"|\(?(?:photo|photograph|picture|image)s?\s+by\s)",
    re.IGNORECASE,
)
_CREDIT_SUFFIX_RE = re.compile(
    r"(?:/|\bvia\s)\s*(?:getty images|afp|reuters|ap|epa|shutterstock|alamy|sipa|zuma)\)?\.?$",
    re.IGNORECASE,
)
# A caption that carries its credit at the end: "Troops on parade. Photo: Jane Roe/Reuters".
_TRAILING_CREDIT_RE = re.compile(
    r"\s*(?:[|(]\s*)?((?:©|(?:photo|photograph|picture|image|credit)s?(?:\s+by)?\s*[:：]"
    r"|(?:photo|photograph|picture|image)s?\s+by\s).+?)\)?\s*$",
    re.IGNORECASE,
)
_MAX_CREDIT_CHARS = 120
_MAX_CREDIT_WORDS = 12


def strip_bullet(text: str) -> str:
    """The line without a leading bullet character ("• Reuters" → "Reuters")."""
    return _BULLET_RE.sub("", text)


def _is_bulleted(text: str) -> bool:
    return bool(_BULLET_RE.match(text))


def is_credit_line(text: str) -> bool:
    """True for a line that is only a picture credit: "© Jane Roe", "Reuters", "Photo: X/Getty Images",
    "(Photo by X)", "REUTERS / Name Surname", optionally bullet-prefixed."""
    line = strip_bullet(text.strip()).strip()
    if not line or len(line) > _MAX_CREDIT_CHARS or len(line.split()) > _MAX_CREDIT_WORDS:
        return False
    if _CREDIT_PREFIX_RE.match(line):
        return True
    suffix = _CREDIT_SUFFIX_RE.search(line)
    if suffix and len(line[: suffix.start()].split()) <= 5:
        # "Jane Roe/Getty Images"; a longer lead-in is a caption carrying its credit.
        return True
    bare = line.strip("()[]. ").casefold()
    if bare in AGENCY_NAMES:
        return True
    # "REUTERS / Ints Kalnins", "AP Photo/Jane Roe", "Jane Roe / AFP"
    segments = [s.strip(" .").casefold() for s in re.split(r"\s*/\s*|\s+via\s+", bare) if s.strip()]
    return len(segments) > 1 and (segments[0] in AGENCY_NAMES or segments[-1] in AGENCY_NAMES)


def split_caption_credit(text: str) -> tuple[str, str | None]:
    """Split "Caption text. Photo: Jane Roe/Reuters" into ("Caption text.", "Photo: Jane Roe/Reuters")."""
    text = normalise_text(text)
    match = _TRAILING_CREDIT_RE.search(text)
    if match and match.start() > 0 and is_credit_line(match.group(1)):
        return text[: match.start()].rstrip(" |("), match.group(1).strip()
    if is_credit_line(text):
        return "", text
    return text, None


_NAME_PARTICLES = frozenset(
    {"of", "the", "and", "&", "for", "de", "del", "der", "den", "van", "von", "du", "da", "di", "la", "le", "y"}
)  # fmt: skip
_MAX_CREDIT_NAME_WORDS = 6


def is_credit_name(text: str) -> bool:
    """True for a bare name line ("National Emergency Service", "Jane Roe", "Kharovsk Philharmonic"):
    at most six capitalised words (particles such as "of", "the" allowed), no digits, no sentence
    punctuation. Only meaningful next to a caption: on its own such a line may be anything."""
    line = strip_bullet(text.strip()).strip()
    words = line.split()
    if (
        not words
        or len(words) > _MAX_CREDIT_NAME_WORDS
        or len(line) > 60
        or re.search(r"[\d.!?:;,\"“”«»]", line)
    ):
        return False
    if words[0].casefold() in _NAME_PARTICLES - {"the"}:
        return False
    return all(w[:1].isupper() or w.casefold() in _NAME_PARTICLES for w in words)


_BOILERPLATE_MAX_CHARS = 200
_SHARE_WORDS_RE = re.compile(
    r"\b(?:share|share this|share (?:this )?(?:article|story|page)|share (?:on|via)|tweet|email|e-mail|print"
    r"|copy link|link copied|whatsapp|facebook|twitter|x|linkedin|telegram|reddit|pinterest|vk|flipboard"
    r"|messenger|save(?: article)?|comments?|gift (?:this )?article)\b[:|•·]?",
    re.IGNORECASE,
)
_BOILERPLATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("advertisement", r"^(?:advertisement|advert|sponsored(?: content)?|ad|story continues below"
                          r"(?: advertisement)?|(?:article|story) continues (?:below|after)\b.*"
                          r"|scroll to continue.*)[.:]?$"),
        ("share", r"^share (?:this|the)(?: (?:article|story|page|post|link))?\b.{0,60}$"),
        ("share", r"^share (?:on|via|with)\b.{0,60}$"),
        ("read_more", r"^(?:(?:read|see) (?:more|also)|also read|more on this(?: story)?|related"
                      r"(?: articles?| stories| content| coverage)?|recommended|most read|watch)\b\s*[:|»>-]"),
        ("read_more", r"^(?:read|see) (?:more|also|the full story)\b.{0,80}$"),
        ("read_more", r"^(?:related(?: articles?| stories| content| coverage| topics)?|recommended"
                      r"(?: for you)?|most (?:read|popular|viewed)|more from .{1,40}|more on this(?: story)?"
                      r"|you may also like|trending|latest news)$"),
        # Newsletter/follow/cookie patterns are anchored or need second-person wording, so news
        # sentences such as "Residents can sign up for flood alerts", "Like many others on the
        # island, she left" or "The EU's new cookie policy takes effect" survive.
        ("newsletter", r"^(?:sign(?:ing)? (?:up|me up)|subscribe|register)\b.{0,100}\b(?:newsletters?|bulletin"
                       r"|briefing|inbox)\b"),
        ("newsletter", r"\b(?:newsletters?|briefing|bulletin)\b.*\b(?:sign up|subscribe (?:now|here|today)"
                       r"|your inbox|your email)\b"),
        ("newsletter", r"^(?:get|receive) (?:our|the) .{0,60}(?:newsletter|in your inbox|straight to your)"),
        ("subscribe", r"^subscribe\b.{0,120}$"),
        ("subscribe", r"^(?:to continue reading|continue reading with|already a subscriber|you have \d+ free"
                      r"|this (?:article|content) is (?:for|available to) (?:subscribers|members))"),
        ("follow", r"^(?:follow|join|find|like) (?:us|@\w+|(?:the|our) [\w' -]{1,40}) on (?:facebook|twitter|x"
                   r"|instagram|telegram|tiktok|youtube|linkedin|whatsapp|threads|bluesky|mastodon|social media"
                   r"|google news)\b.{0,80}$"),
        ("cookie", r"^(?:we use cookies|this (?:web)?site uses cookies|by (?:continuing|using) (?:to (?:browse|use) )?"
                   r"(?:this|our) (?:site|website)|(?:cookie|privacy) (?:settings|preferences|consent)$)"),
        ("cookie", r"^(?:accept|reject|manage)(?: all)? cookies\.?$"),
        ("app", r"^(?:download|get) (?:the|our) (?:free )?.{0,30}app\b"),
        ("audio", r"^listen to (?:this|the) (?:article|story)\b"),
        ("click_here", r"^(?:click|tap) here\b"),
    )
)  # fmt: skip


def is_boilerplate_line(text: str) -> str | None:
    """Return a removal reason ("share", "newsletter", "cookie", …) for a boilerplate line, else None.

    Only short lines are considered: a 300-character paragraph that mentions a newsletter is news.
    """
    line = strip_bullet(text.strip()).strip()
    if not line or len(line) > _BOILERPLATE_MAX_CHARS:
        return None
    # A line made only of share-widget words ("Share on Facebook Twitter Email").
    if not re.sub(r"[\s|•·:/,]+", "", _SHARE_WORDS_RE.sub("", line)) and re.search(r"\w", line):
        return "share"
    for reason, pattern in _BOILERPLATE_PATTERNS:
        if pattern.search(line):
            return reason
    return None


# --------------------------------------------------------------------------------------------
# Paragraph merging
# --------------------------------------------------------------------------------------------

# Sentence-final characters: a paragraph ending with one of these is complete. ")" is absent on
# purpose: "(…)" ending a paragraph with no full stop is usually a split, not a sentence end.
_TERMINAL_CHARS = ".!?…:;\"'”’»"
# `,”` / `,"` ends a quotation but not the sentence: `“We will stay,”` + `the minister said.`
_COMMA_QUOTE_RE = re.compile(r",[\"'”’»]$")
_DANGLING_DASH_RE = re.compile(r"(?:^|\s|\.)[-–—]$")
# The editorial insertion itself: an outlet name or abbreviation ("RT", "VPA", "Ed.", "— Ed.").
_INSERTION_TAG_RE = re.compile(r"^[-–—]?\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\.?$")
_LOWER_START_RE = re.compile(r"^[a-z\u00df-\u00ff]+\b")  # whole first word lower case: not "eBay"


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip()
    if not stripped:
        return True
    if _COMMA_QUOTE_RE.search(stripped):
        return False
    return stripped[-1] in _TERMINAL_CHARS


def _continues_previous(text: str) -> bool:
    return text.startswith(")") or bool(_LOWER_START_RE.match(text))


def _opens_insertion(text: str) -> bool:
    return text.count("(") > text.count(")") or bool(_DANGLING_DASH_RE.search(text.rstrip()))


def _is_insertion_tag(text: str, outlets: Collection[str] = ()) -> bool:
    if _name_key(text) in outlets or _name_key(text) in AGENCY_NAMES:
        return True
    return len(text) <= 30 and len(text.split()) <= 4 and bool(_INSERTION_TAG_RE.match(text))


# After an insertion that closed with a dash, the sentence resumes with one: "- transport) is …".
_DASH_CONTINUATION_RE = re.compile(r"^[-–—]\s*(?:\)|[a-z\u00df-\u00ff])")


def _resumes_after_insertion(text: str) -> bool:
    return _continues_previous(text) or bool(_DASH_CONTINUATION_RE.match(text))


def _name_key(text: str) -> str:
    """A bare name line reduced for comparison: bullet, dashes and brackets around it dropped,
    casefolded, without a leading "The" ("— The Harbour Herald." ~ "harbour herald")."""
    key = strip_bullet(text.strip()).strip(" -–—()[].").casefold()
    return key[4:] if key.startswith("the ") else key


def _outlet_keys(outlet_names: Iterable[str | None]) -> frozenset[str]:
    return frozenset(k for name in outlet_names if name and (k := _name_key(normalise_text(name))))


def _join(left: str, right: str) -> str:
    """Join two fragments of one sentence with a single space, none before a closing bracket."""
    if right[:1] in ").,;:!?":
        return left.rstrip() + right
    return f"{left.rstrip()} {right.lstrip()}"


@dataclass
class _Piece:
    """A paragraph being cleaned, with the input indices it was built from."""

    text: str
    kind: ParagraphKind
    sources: list[int]


def _merge(a: _Piece, b: _Piece, text: str) -> _Piece:
    return _Piece(text, a.kind, a.sources + b.sources)


def _merge_insertions(pieces: list[_Piece], outlets: Collection[str] = ()) -> list[_Piece]:
    """Re-join a sentence split by an editorial insertion into three paragraphs.

    Wire copy republished through machine translation often renders an editor's gloss as its own
    block::

        "It is unacceptable to erase what was achieved (in the field of unity. -
        RT
        ) over these years," he said.

    When a paragraph leaves a parenthesis open or ends with a dangling dash, the next one is a bare
    outlet name or abbreviation (or exactly the publishing outlet's or a news agency's name, however
    long) and the one after starts with ")", a lower-case word or a dash before either, the three
    are joined with single spaces and no space before ")": ``… (in the field of unity. - RT) over
    these years," he said.`` The insertion's own characters are kept as published, so quote
    detection sees one quotation and the gloss stays visible inside its parentheses.
    """
    out: list[_Piece] = []
    i = 0
    while i < len(pieces):
        if i + 2 < len(pieces):
            first, tag, rest = pieces[i], pieces[i + 1], pieces[i + 2]
            if (
                first.kind == tag.kind == rest.kind == "p"
                and _opens_insertion(first.text)
                and _is_insertion_tag(tag.text, outlets)
                and _resumes_after_insertion(rest.text)
            ):
                merged = _merge(first, tag, _join(first.text, tag.text))
                out.append(_merge(merged, rest, _join(merged.text, rest.text)))
                i += 3
                continue
        out.append(pieces[i])
        i += 1
    return out


def _merge_continuations(pieces: list[_Piece]) -> list[_Piece]:
    """Join a paragraph that starts with ")" or a lower-case word to an unfinished previous one.

    Headings are never merged, and neither is a paragraph opening with a quote mark: each paragraph
    of a multi-paragraph quotation legitimately opens with one and stays separate.
    """
    out: list[_Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == piece.kind == "p"
            and _continues_previous(piece.text)
            and not _ends_sentence(prev.text)
        ):
            out[-1] = _merge(prev, piece, _join(prev.text, piece.text))
        else:
            out.append(piece)
    return out


# --------------------------------------------------------------------------------------------
# Caption / credit blocks
# --------------------------------------------------------------------------------------------

_MAX_CAPTION_WORDS = 40


@dataclass
class _Removals:
    removed: list[tuple[str, str]] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)

    def drop(self, text: str, reason: str) -> None:
        self.removed.append((text, reason))
        if reason == "credit":
            self.credits.append(strip_bullet(text))
        elif reason == "caption":
            self.captions.append(strip_bullet(text))


def is_caption_then_credit(caption: str, name: str) -> bool:
    """A short descriptive line without a full stop, then a bare name: a photo caption and its credit."""
    return (
        not is_credit_name(caption)
        and len(caption.split()) <= _MAX_CAPTION_WORDS
        and not _ends_sentence(caption)
        and is_credit_name(name)
    )


def _caption_block_reasons(pieces: list[_Piece]) -> dict[int, str]:
    """Find caption/credit lines: returns {piece index: "caption" | "credit"}.

    * any credit-only line is a credit;
    * in a run of consecutive bullet-prefixed lines, a bare name (`is_credit_name`) right after a
      descriptive caption line is a credit;
    * a run of consecutive bullet-prefixed lines holding at least one credit is a photo block (the
      gallery widget rendered as a list): its other short lines are captions;
    * a short line without sentence punctuation directly before a credit line is its caption.
    A bullet run without a credit (a real list in the story) is kept.
    """
    reasons: dict[int, str] = {}
    for i, piece in enumerate(pieces):
        if piece.kind == "p" and is_credit_line(piece.text):
            reasons[i] = "credit"
    i = 0
    while i < len(pieces):
        if not _is_bulleted(pieces[i].text):
            i += 1
            continue
        j = i
        while j < len(pieces) and _is_bulleted(pieces[j].text):
            j += 1
        for k in range(i + 1, j):
            # "• Flooded streets in the Old Harbour" + "• National Emergency Service": a bare name
            # right after a descriptive caption line is that photo's credit.
            if (
                k not in reasons
                and k - 1 not in reasons
                and is_caption_then_credit(pieces[k - 1].text, pieces[k].text)
            ):
                reasons[k] = "credit"
        if any(k in reasons for k in range(i, j)):
            for k in range(i, j):
                if k not in reasons and len(pieces[k].text.split()) <= _MAX_CAPTION_WORDS:
                    reasons[k] = "caption"
        i = j
    for i, reason in list(reasons.items()):
        prev = i - 1
        if (
            reason == "credit"
            and prev >= 0
            and prev not in reasons
            and pieces[prev].kind == "p"
            and len(pieces[prev].text.split()) <= 25
            and not _ends_sentence(pieces[prev].text)
            and not _is_bulleted(pieces[prev].text)
        ):
            reasons[prev] = "caption"
    return reasons


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphOrigin:
    """Where one clean paragraph came from.

    `source_indices` are the input paragraphs merged into it (one, unless a split sentence was
    re-joined); `source_offset` is the character offset of the first of them in the input body
    (``"\\n\\n".join(input paragraphs)``); `clean_offset` is its offset in the clean body. Offsets
    *inside* a paragraph are not mapped one-to-one, because whitespace normalisation and merging can
    shift them by a few characters.
    """

    clean_index: int
    clean_offset: int
    source_indices: tuple[int, ...]
    source_offset: int


@dataclass
class CleanResult:
    paragraphs: list[str]
    kinds: list[ParagraphKind]
    removed: list[tuple[str, str]]  # (text as normalised, reason)
    offset_map: list[ParagraphOrigin]
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)

    def origin_of(self, clean_offset: int) -> ParagraphOrigin | None:
        """The origin of the clean paragraph containing character `clean_offset` of the clean body."""
        found: ParagraphOrigin | None = None
        for origin in self.offset_map:
            if origin.clean_offset > clean_offset:
                break
            found = origin
        return found


def _source_offsets(paragraphs: Sequence[str]) -> list[int]:
    offsets: list[int] = []
    pos = 0
    for text in paragraphs:
        offsets.append(pos)
        pos += len(text) + 2  # the "\n\n" separator of Article.body
    return offsets


def _drop_phrase_hit(text: str, phrases: Sequence[str]) -> bool:
    folded = text.casefold()
    return any(p in folded for p in phrases)


def _filter_pieces(
    pieces: list[_Piece],
    removals: _Removals,
    phrases: Sequence[str],
    boilerplate_hashes: Collection[str],
    outlets: Collection[str] = (),
) -> list[_Piece]:
    caption_reasons = _caption_block_reasons(pieces)
    kept: list[_Piece] = []
    seen: set[str] = set()
    for i, piece in enumerate(pieces):
        reason: str | None = caption_reasons.get(i)
        if reason is None and piece.kind == "p" and outlets and _name_key(piece.text) in outlets:
            # The outlet's own name alone on a line: an editorial tag or a logo's alt text, not news.
            reason = "insertion"
        if reason is None and phrases and _drop_phrase_hit(piece.text, phrases):
            reason = "drop_phrase"
        if reason is None and boilerplate_hashes and paragraph_hash(piece.text) in boilerplate_hashes:
            reason = "boilerplate_hash"
        if reason is None:
            reason = is_boilerplate_line(piece.text)
        if reason is None and piece.kind == "p" and len(piece.text) > 40:
            # Pull quotes and syndication widgets repeat a paragraph verbatim; keep the first.
            key = piece.text.casefold()
            reason = "duplicate" if key in seen else None
            seen.add(key)
        if reason is None:
            kept.append(piece)
        else:
            removals.drop(piece.text, reason)
    # A heading with nothing after it ("Related", "More on this") introduces removed boilerplate.
    while kept and kept[-1].kind == "h":
        removals.drop(kept.pop().text, "orphan_heading")
    return kept


def clean_paragraphs(
    paragraphs: Sequence[str],
    kinds: Sequence[ParagraphKind] | None = None,
    drop_phrases: Iterable[str] = (),
    boilerplate_hashes: Collection[str] = (),
    *,
    outlet_names: Iterable[str | None] = (),
) -> CleanResult:
    """Clean a list of paragraphs (see the module docstring for the steps, in order).

    `kinds` defaults to "p" for every paragraph (and is padded when shorter than `paragraphs`).
    `drop_phrases` remove any paragraph containing them (case-insensitive);
    `boilerplate_hashes` remove paragraphs whose `paragraph_hash` is in the collection;
    `outlet_names` are the publishing outlet's names: a paragraph that is exactly one of them is an
    editorial insertion (re-joined around, or removed), never body text.
    """
    outlets = _outlet_keys(outlet_names)
    kinds = list(kinds or [])
    pieces = [
        _Piece(normalise_text(text), kinds[i] if i < len(kinds) else "p", [i])
        for i, text in enumerate(paragraphs)
    ]
    removals = _Removals()
    nonempty = [p for p in pieces if p.text]
    pieces = _merge_insertions(nonempty, outlets)
    phrases = [normalise_text(p).casefold() for p in drop_phrases if p and p.strip()]
    pieces = _filter_pieces(pieces, removals, phrases, boilerplate_hashes, outlets)
    pieces = _merge_continuations(pieces)

    source_offsets = _source_offsets(paragraphs)
    offset_map: list[ParagraphOrigin] = []
    clean_pos = 0
    for index, piece in enumerate(pieces):
        offset_map.append(
            ParagraphOrigin(index, clean_pos, tuple(piece.sources), source_offsets[piece.sources[0]])
        )
        clean_pos += len(piece.text) + 2
    logger.debug(
        "cleaned %d paragraphs into %d (%d removed)", len(paragraphs), len(pieces), len(removals.removed)
    )
    return CleanResult(
        paragraphs=[p.text for p in pieces],
        kinds=[p.kind for p in pieces],
        removed=removals.removed,
        offset_map=offset_map,
        captions=removals.captions,
        credits=removals.credits,
    )


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def clean_article(
    article: Article,
    drop_phrases: Iterable[str] = (),
    boilerplate_hashes: Collection[str] = (),
    *,
    outlet_name: str | None = None,
) -> Article:
    """Return a copy of `article` with cleaned paragraphs and kinds.

    Captions and credits found in the body are appended (deduplicated) to `image_captions` /
    `image_credits`; title and subtitle get the same whitespace/mojibake normalisation. The input
    article is not modified. `outlet_name` is the publishing outlet's name from the sources file: a
    paragraph that is exactly that name is treated as an editorial insertion (see `clean_paragraphs`).
    """
    result = clean_paragraphs(
        article.paragraphs,
        article.paragraph_kinds,
        drop_phrases,
        boilerplate_hashes,
        outlet_names=[outlet_name],
    )
    return dataclasses.replace(
        article,
        title=normalise_text(article.title) or None if article.title else article.title,
        subtitle=normalise_text(article.subtitle) or None if article.subtitle else article.subtitle,
        paragraphs=result.paragraphs,
        paragraph_kinds=result.kinds,
        image_captions=_dedupe([*article.image_captions, *result.captions]),
        image_credits=_dedupe([*article.image_credits, *result.credits]),
        authors=list(article.authors),
        tags=list(article.tags),
    )
