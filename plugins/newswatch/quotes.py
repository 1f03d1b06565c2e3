"""Quotes in one article body: direct, mixed and indirect, each with its speaker resolved.

How ``extract_quotes`` works:

1. ``find_quote_segments`` pairs quote marks of every convention (“ ” ‘ ’ " ' « » „ “ ‚ ‘ ‹ › 「 」)
   by context, not by glyph, because machine translation mixes them (a straight mark opening, a
   curly one closing, a closing mark glued to the attribution: ``region, ”the minister said``).
   A quote left open at a paragraph end continues into the next paragraph when that paragraph
   starts with an opening mark (the print convention) or its first unpaired mark is a closing
   one (the wire-translation habit of opening once and closing once); otherwise it is dropped.
2. Each segment looks for its attribution after the closing mark (``…,” she said``,
   ``” - said the president``, ``,” Name, an expert at X, explained``) or before the opening
   mark (``Heger said: “…”``, ``according to X, “…”``). A segment with none inherits the speaker
   of the segment just before it when only that attribution stands between them
   (``“A,” she said. “B.”``) or when it is a whole paragraph continuing that quote; failing
   that, a quote opening a sentence takes a named speaker introduced by the sentence right
   before it (``Okonkwo described the talks as …¶“There were moments …”``), at lower confidence.
3. Reported speech comes from the dependency parse: a reporting verb with a clausal complement
   (``X said that …``, ``…, X said.``), an "as" clause (``As X noted, …``), a parenthetical
   (``…, he stressed, …``), ``according to X``, ``in his opinion``, ``expressed the opinion
   that``. Quote segments inside such a clause make it ``mixed``; on their own they are not
   reported again. A long quoted fragment in a sentence with a reporting or characterising verb
   (``called the plan “…”``) is ``mixed`` too.
4. Left-over segments: 1–3 words (scare quotes, nicknames) unless a full sentence, title-case
   strings (titles of works) and short unpunctuated whole paragraphs (subheads) are dropped;
   anything else is kept with ``speaker=None``.

Speakers. A named PERSON/ORG mention in the attribution is the speaker, including a name after a
role without a comma (machine-translation order: ``the mayor of Velgrad Nina Zelenko said``).
"he"/"she" resolve to the most recent person mentioned outside quotes, grammatical subjects
first (gender is checked only where an honorific or a gendered role word states it). A definite
role ("the minister", "the analyst") resolves to the most recent person in the last few
paragraphs whose article-given role is compatible (``ROLE_COMPATIBILITY``), failing that to the
most recent person with no stated role there. "the ministry"/"the newspaper"/"the service" resolve
to the most recent organisation with that noun (or ending in it: "State Emergency Service"); an
organisation noun with no such antecedent is an unnamed source. "it said" is the organisation that
is a subject earlier in the paragraph. A pronoun after an indefinite source introduced since its
candidate antecedent ("One resident said …. “…,” she said.") is that unnamed source. A clause
ending in a colon whose subject names a person (``the director was blunt: “…”``) attributes the
quote after it; "declined to say"/"did not say" report nothing. Indefinite or plural unnamed sources ("a senior NATO
diplomat", "informed sources"), and a definite role that refers back to one, give
``speaker=None`` with the cue kept. Nothing is attributed when none of this applies.

Offsets: ``speaker_start``/``speaker_end`` point at the words the attribution rests on in the text
(the name, "he", "the minister"), not at the antecedent; ``speaker`` and ``speaker_key`` carry the
resolved identity. They are None whenever ``speaker`` is None.

Confidence is a fixed score per way of finding the speaker (``_CONFIDENCE``: named 0.95 … none
0.4), times 0.85 for parse-based reported speech, 0.7 for an inherited attribution and 0.55 for
one borrowed from the previous sentence; 0.3 for a quote with no attribution at all.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newswatch import entities
from newswatch.models import Mention, Quote, QuoteKind

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- quote marks

DOUBLE_MARKS = frozenset('"“”„‟«»「」『』')
SINGLE_MARKS = frozenset("'‘’‚‛‹›")
_OPEN_ONLY = frozenset("„「『‚")  # low-9 and CJK openers never close anything
_CLOSE_ONLY = frozenset("」』")
_OPEN_BIAS = frozenset("“«‘‹‟‛")  # glyphs that open when context cannot tell
_OPENING_CONTEXT = frozenset("([{—–-/")
_CLOSING_CONTEXT = frozenset(".,;:!?)]}…—–-")
_SENTENCE_PUNCT = frozenset(",.!?…;")
# A quote longer than this many paragraphs is almost certainly a pairing error.
_MAX_QUOTE_PARAGRAPHS = 8


@dataclass(frozen=True)
class Segment:
    """Text between a pair of quote marks (possibly spanning paragraphs)."""

    open: int  # index of the opening mark
    close: int  # index of the closing mark
    start: int  # content start (after the mark and leading spaces)
    end: int  # content end (before trailing spaces/commas and the mark)


def find_quote_segments(text: str) -> list[Segment]:
    """Outermost quoted segments in `text`, in order (nested quotes are part of their parent)."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    segments: list[Segment] = []
    carried: int | None = None  # opening mark of a quote continuing from an earlier paragraph
    carried_paragraphs = 0
    for index, (line_start, line_end) in enumerate(lines):
        stack: list[int] = []
        first = _first_mark_index(text, line_start, line_end)
        if carried is not None:
            stack.append(carried)
            # Print convention: each continued paragraph re-opens; that mark is not a new quote.
            if first is not None and _mark_context(text, first) == "open" and text[first] in DOUBLE_MARKS:
                line_start = first + 1
        segments.extend(_pair_double_marks(text, line_start, line_end, stack))
        if not stack:
            segments.extend(_pair_single_marks(text, line_start, line_end))
        carried = None
        if stack and carried_paragraphs < _MAX_QUOTE_PARAGRAPHS and _quote_continues(text, lines, index):
            carried, carried_paragraphs = stack[0], carried_paragraphs + 1
        else:
            carried_paragraphs = 0
    return _outermost(segments)


def _outermost(segments: list[Segment]) -> list[Segment]:
    """Drop segments nested inside another (a single-quoted phrase inside a double-quoted one)."""
    ordered = sorted(segments, key=lambda s: (s.open, -s.close))
    kept: list[Segment] = []
    for segment in ordered:
        if kept and kept[-1].open <= segment.open and segment.close <= kept[-1].close:
            continue
        kept.append(segment)
    return kept


def _first_mark_index(text: str, start: int, end: int) -> int | None:
    for i in range(start, end):
        if not text[i].isspace() and text[i] not in "•·*":
            return i if text[i] in DOUBLE_MARKS else None
    return None


def _mark_context(text: str, i: int) -> str:
    """'open', 'close', 'either' (glued closer like ``, "Name said``) or 'none' for the mark at i."""
    char = text[i]
    if char in _OPEN_ONLY:
        return "open"
    if char in _CLOSE_ONLY:
        return "close"
    left = text[i - 1] if i > 0 else "\n"
    right = text[i + 1] if i + 1 < len(text) else "\n"
    left_open = left.isspace() or left in _OPENING_CONTEXT or left in DOUBLE_MARKS
    right_close = right.isspace() or right in _CLOSING_CONTEXT
    if left_open and not right_close:
        previous = text[:i].rstrip(" \t")[-1:]
        # `… region, ”the minister said`: a mark after sentence punctuation and a space closes.
        if left in " \t" and previous in _SENTENCE_PUNCT:
            return "either"
        return "open"
    if right_close and not left_open:
        return "close"
    if left_open and right_close:
        # A floating mark: « and “ open (French spacing: « Bonjour »), while ” » and a straight
        # mark close (`course, ” - said`, `1997 ".`).
        return "open" if char in _OPEN_BIAS else "close"
    if char in SINGLE_MARKS:
        return "none"  # an apostrophe inside a word
    return "open" if char in _OPEN_BIAS else "close"


def _make_segment(text: str, open_index: int, close_index: int) -> Segment | None:
    start, end = open_index + 1, close_index
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return Segment(open_index, close_index, start, end) if end > start else None


def _pair_double_marks(text: str, start: int, end: int, stack: list[int]) -> list[Segment]:
    """Pair double-family marks within one paragraph; `stack` carries unclosed openers out."""
    found: list[Segment] = []
    for i in range(start, end):
        if text[i] not in DOUBLE_MARKS:
            continue
        context = _mark_context(text, i)
        if not stack:
            if context in ("open", "either"):
                stack.append(i)
            continue  # an orphan closer (e.g. from a truncated quote) is ignored
        if context in ("close", "either"):
            opener = stack.pop()
            if not stack:
                segment = _make_segment(text, opener, i)
                if segment:
                    found.append(segment)
        elif context == "open":
            stack.append(i)  # nested quote with the same glyphs
    return found


def _pair_single_marks(text: str, start: int, end: int) -> list[Segment]:
    """Top-level single-mark quotes (British style, German ‚…‘), within one paragraph only.

    Apostrophes make single marks ambiguous, so a quote needs a clear opener (space before,
    letter after) and a clear closer (no space before, space or punctuation after).
    """
    found: list[Segment] = []
    opener: int | None = None
    for i in range(start, end):
        if text[i] not in SINGLE_MARKS:
            continue
        left = text[i - 1] if i > start else " "
        right = text[i + 1] if i + 1 < len(text) else "\n"
        clear_open = (left.isspace() or left in _OPENING_CONTEXT) and right.isalpha()
        clear_close = not left.isspace() and (right.isspace() or right in _CLOSING_CONTEXT)
        if opener is None:
            if clear_open and text[i] not in "’›":
                opener = i
        elif clear_close and _single_closes(text[opener], text[i]):
            segment = _make_segment(text, opener, i)
            if segment:
                found.append(segment)
            opener = None
    return found


def _single_closes(opening: str, closing: str) -> bool:
    """‘ and ‹ open in English, but ‘ closes German ‚…‘ quotes."""
    if closing == "‘":
        return opening == "‚"
    return closing not in "‚‹"


def _quote_continues(text: str, lines: Sequence[tuple[int, int]], index: int) -> bool:
    """Does a quote left open at the end of paragraph `index` continue into the next ones?"""
    for line_start, line_end in lines[index + 1 : index + 1 + _MAX_QUOTE_PARAGRAPHS]:
        first = _first_mark_index(text, line_start, line_end)
        if first is not None and _mark_context(text, first) == "open":
            return True
        unpaired = _unpaired_marks(text, line_start, line_end)
        if unpaired:
            return _mark_context(text, unpaired[0]) in ("close", "either")
    return False


def _unpaired_marks(text: str, start: int, end: int) -> list[int]:
    """Double marks of a paragraph left after removing pairs that open and close inside it."""
    stack: list[int] = []
    unpaired: list[int] = []
    for i in range(start, end):
        if text[i] not in DOUBLE_MARKS:
            continue
        context = _mark_context(text, i)
        if context == "open":
            stack.append(i)
        elif stack and context in ("close", "either"):
            stack.pop()
        else:
            unpaired.append(i)
    return sorted(unpaired + stack)


# --------------------------------------------------------------------------- cues

# Reporting verbs, every form a news sentence uses. Lemmas (for the parse) map to surface forms.
REPORTING_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("said", "says", "say", "saying"),
    "tell": ("told", "tells", "tell"),
    "add": ("added", "adds", "adding"),
    "stress": ("stressed", "stresses"),
    "note": ("noted", "notes"),
    "recall": ("recalled", "recalls"),
    "explain": ("explained", "explains"),
    "emphasise": ("emphasised", "emphasises"),
    "emphasize": ("emphasized", "emphasizes"),
    "admit": ("admitted", "admits"),
    "sum": ("summed up", "sums up"),
    "warn": ("warned", "warns"),
    "insist": ("insisted", "insists"),
    "state": ("stated", "states"),
    "declare": ("declared", "declares"),
    "argue": ("argued", "argues"),
    "claim": ("claimed", "claims"),
    "write": ("wrote", "writes"),
    "ask": ("asked", "asks"),
    "reply": ("replied", "replies"),
    "continue": ("continued", "continues"),
    "conclude": ("concluded", "concludes"),
    "point": ("pointed out", "points out"),
    "remark": ("remarked", "remarks"),
    "observe": ("observed", "observes"),
    "comment": ("commented", "comments"),
    "announce": ("announced", "announces"),
    "acknowledge": ("acknowledged", "acknowledges"),
    "confirm": ("confirmed", "confirms"),
    "underline": ("underlined", "underlines"),
    "underscore": ("underscored", "underscores"),
    "reiterate": ("reiterated", "reiterates"),
    "assure": ("assured", "assures"),
    "respond": ("responded", "responds"),
    "answer": ("answered", "answers"),
    "complain": ("complained", "complains"),
    "predict": ("predicted", "predicts"),
    "suggest": ("suggested", "suggests"),
    "believe": ("believes", "believed"),
    "think": ("thinks", "thought"),
    "report": ("reported", "reports"),
    "deny": ("denied", "denies"),
    "tweet": ("tweeted", "tweets"),
}
# Lemmas that need a particle to report speech ("point out", "sum up").
_PARTICLE_LEMMAS = {"point": "out", "sum": "up"}
# Verbs that report speech in a direct attribution but are too vague for an indirect quote.
# "deny" too: its complement is what the speaker says is false ("denied claims that X").
_DIRECT_ONLY_LEMMAS = frozenset({"ask", "continue", "answer", "respond", "deny"})
# "expressed the opinion/confidence that …"
_OPINION_NOUNS = frozenset(
    {"opinion", "confidence", "certainty", "hope", "view", "belief", "concern", "conviction", "regret"}
)
# Cues that introduce a quoted characterisation ("called it “a betrayal of trust”"), fragments only.
_FRAGMENT_LEMMAS = frozenset({"call", "describe", "dub", "brand", "label"})

_AUX = r"(?:(?:has|have|had|will|would|also|later|then|further|again|once|previously|earlier|repeatedly|was quoted as|is quoted as|went on)\s+)*"
_CUE_FORMS = sorted(
    {form for forms in REPORTING_VERBS.values() for form in forms} | {"saying"}, key=len, reverse=True
)
# Case-sensitive on purpose: "the United States said" must not match the noun "States".
_CUE_RE = r"(?:" + "|".join(re.escape(f) for f in _CUE_FORMS) + r")"
_CUE_AFTER_VERB_FIRST = re.compile(rf"^{_AUX}(?P<cue>{_CUE_RE})\b\s+(?P<spk>[^,.;:!?\n]{{1,80}})")
_CUE_SEARCH = re.compile(rf"\b{_AUX}(?P<cue>{_CUE_RE})\b")
_ACCORDING_TO_BEFORE = re.compile(r"\baccording to\s+(?P<spk>[^,:;.]{1,80}?)\s*[,:]\s*$", re.IGNORECASE)
_CUE_BEFORE = re.compile(rf"\b{_AUX}(?P<cue>{_CUE_RE})\b(?P<adjunct>[^.!?:;\"“”«»\n]{{0,60}}?)\s*[:,]\s*$")
# Sentence end inside an attribution; "Mr." and "U.S." are not ends.
_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<![A-Z])[.!?](?=\s|$)")

# --------------------------------------------------------------------------- speakers

# A role word in an attribution ("the minister") is compatible with a person's article-given role
# when that role contains one of these substrings. Keys are matched against the end of the phrase.
_EXPERTISH = (
    "expert",
    "analyst",
    "political scientist",
    "scientist",
    "researcher",
    "scholar",
    "professor",
    "director",
    "economist",
    "fellow",
    "observer",
    "historian",
    "head of",
)
ROLE_COMPATIBILITY: dict[str, tuple[str, ...]] = {
    "foreign minister": ("foreign minister", "foreign secretary", "minister of foreign affairs"),
    "defence minister": ("defence minister", "defense minister", "minister of defen"),
    "defense minister": ("defence minister", "defense minister", "minister of defen"),
    "prime minister": ("prime minister", "premier"),
    "premier": ("prime minister", "premier"),
    "minister": ("minister", "secretary of state"),
    "vice president": ("vice president", "vice-president"),
    "president": ("president",),
    "head of state": ("president", "king", "queen"),
    "chancellor": ("chancellor",),
    "diplomat": (
        "diplomat",
        "foreign minister",
        "ambassador",
        "envoy",
        "foreign secretary",
        "foreign ministry",
    ),
    "ambassador": ("ambassador", "envoy"),
    "envoy": ("envoy", "ambassador"),
    "spokesman": ("spokes", "press secretary"),
    "spokeswoman": ("spokes", "press secretary"),
    "spokesperson": ("spokes", "press secretary"),
    "expert": _EXPERTISH,
    "analyst": _EXPERTISH,
    "political scientist": _EXPERTISH,
    "political analyst": _EXPERTISH,
    "scientist": _EXPERTISH,
    "researcher": _EXPERTISH,
    "professor": _EXPERTISH,
    "economist": _EXPERTISH,
    "director": ("director", "head of"),
    "general": ("general", "commander"),
    "commander": ("commander", "general"),
    "senator": ("senator",),
    "governor": ("governor",),
    "mayor": ("mayor",),
    "official": ("official",),
    "leader": ("leader", "head of", "president", "prime minister", "chairman", "chairwoman"),
    "politician": ("politician", "senator", "lawmaker", "minister", "leader", "deputy"),
    "lawmaker": ("lawmaker", "deputy", "senator", "mp"),
}
_ROLE_WINDOW_PARAGRAPHS = 4
_PRONOUN_WINDOW_PARAGRAPHS = 6
# Organisation nouns and the mention text they resolve to; outlet nouns resolve to an outlet.
_ORG_NOUNS = frozenset(
    "ministry government kremlin company agency committee council office department embassy army "
    "military party court commission alliance bank police parliament cabinet administration hospital "
    "union authority firm operator association museum university school club port".split()
)
_OUTLET_NOUNS = frozenset(
    {"newspaper", "publication", "paper", "outlet", "broadcaster", "channel", "magazine", "daily", "tabloid"}
)
_INDEFINITE = frozenset(
    {"a", "an", "one", "some", "several", "two", "three", "many", "unnamed", "anonymous", "another"}
)
_ANONYMOUS_WORDS = frozenset({"source", "sources", "insider", "insiders", "anonymity"})
_ANONYMOUS_PLURALS = frozenset(
    "officials experts analysts diplomats sources observers critics lawmakers residents witnesses people "
    "politicians commentators insiders representatives officers".split()
)
_ANONYMOUS_PHRASES = (
    "not to be named",
    "declined to be named",
    "be identified",
    "condition of anonymity",
    "speaking anonymously",
)
# Words that make the following name an object, not the speaker.
_NOT_BEFORE_SPEAKER = frozenset(
    "with to by about for from against and of at on in citing quoting like than into onto over".split()
)
_HONORIFIC_RE = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame)\.?"
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_FEMALE_MARKERS = ("spokeswoman", "chairwoman", "queen", "princess", "businesswoman")
_MALE_MARKERS = ("spokesman", "chairman", "king", "prince", "businessman")

# Confidence by how the speaker was found; indirect quotes are discounted for parse errors.
_CONFIDENCE = {
    "named": 0.95,
    "org": 0.85,
    "anonymous": 0.85,
    "pronoun": 0.8,
    "role": 0.75,
    "weak": 0.55,
    "none": 0.4,
}
_INDIRECT_FACTOR = 0.85
_INHERITED_FACTOR = 0.7
_CONTEXT_FACTOR = 0.55
# Verbs that, ending the paragraph before a bare quote paragraph, introduce its speaker
# ("Okonkwo, speaking afterwards, described the talks as the hardest of her career.").
_INTRODUCING_LEMMAS = frozenset(REPORTING_VERBS) | _FRAGMENT_LEMMAS | {"speak"}


@dataclass(frozen=True)
class _Speaker:
    name: str | None
    key: str | None
    start: int | None
    end: int | None
    how: str  # named | org | pronoun | role | weak | anonymous | none

    @property
    def attributable(self) -> bool:
        return self.how != "none"


_NOBODY = _Speaker(None, None, None, None, "none")
_ANONYMOUS = _Speaker(None, None, None, None, "anonymous")


@dataclass(frozen=True)
class _Attribution:
    speaker: _Speaker
    cue: str
    cue_start: int
    end: int  # where the attribution text ends
    factor: float = 1.0  # confidence multiplier: < 1 when borrowed from the context


@dataclass
class _Context:
    text: str
    doc: Doc
    mentions: Sequence[Mention]
    segments: Sequence[Segment]
    paragraph_starts: list[int]

    def paragraph_of(self, offset: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, offset) - 1

    def in_segment(self, start: int, end: int | None = None) -> bool:
        end = start + 1 if end is None else end
        return any(s.open <= start and end <= s.close + 1 for s in self.segments)


# --------------------------------------------------------------------------- public API


def extract_quotes(text: str, mentions: Sequence[Mention] | None = None) -> list[Quote]:
    """Direct, mixed and indirect quotes in `text`, in order of their content start."""
    if mentions is None:
        mentions = entities.extract_entities(text)
    ctx = _Context(
        text=text,
        doc=entities.parse(text),
        mentions=sorted(mentions, key=lambda m: m.start),
        segments=find_quote_segments(text),
        paragraph_starts=[0] + [m.end() for m in re.finditer(r"\n+", text)],
    )
    attributions = _attribute_segments(ctx)
    used_cues = {a.cue_start for a in attributions.values()}
    found, absorbed = _indirect_quotes(ctx, used_cues, set(attributions))
    for index, segment in enumerate(ctx.segments):
        if index in absorbed:
            continue
        quote = _segment_quote(ctx, segment, attributions.get(index))
        if quote is not None:
            found.append(quote)
    found = _dedupe(found)
    log.debug("found %d quotes in %d quote-mark segments", len(found), len(ctx.segments))
    return found


def _dedupe(found: list[Quote]) -> list[Quote]:
    """Order by position; two fragments of one sentence yield the same mixed span once."""
    unique: dict[tuple[int, int], Quote] = {}
    for quote in sorted(found, key=lambda q: (q.start, q.end, -q.confidence)):
        unique.setdefault((quote.start, quote.end), quote)
    return list(unique.values())


_QUOTE_KEY_STOPWORDS = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been being it its this "
    "that these those we you they he she i our your their his her my me us them not no so if then than "
    "there here will would".split()
)
QUOTE_KEY_WORDS = 12


def quote_key(text: str) -> str:
    """Normalised key for matching one quote across outlets.

    Rule: strip diacritics, casefold, delete apostrophes (so "don't" == "dont"), turn every other
    punctuation mark and quote mark into a space, collapse whitespace; then keep the first
    ``QUOTE_KEY_WORDS`` (12) words that are not in a small English stopword list (all words if
    none survive). Outlets trim and re-punctuate the same quote differently, and translations
    vary in function words, so content words at the start are the most stable part.
    """
    norm = entities.strip_diacritics(text).casefold()
    norm = re.sub(r"['’`]", "", norm)
    norm = re.sub(r"[^\w\s]|_", " ", norm)
    words = norm.split()
    content = [w for w in words if w not in _QUOTE_KEY_STOPWORDS]
    return " ".join((content or words)[:QUOTE_KEY_WORDS])


# --------------------------------------------------------------------------- direct quotes


def _attribute_segments(ctx: _Context) -> dict[int, _Attribution]:
    """Attribution for every segment that has one in its own sentence, then inherited ones."""
    found: dict[int, _Attribution] = {}
    for index, segment in enumerate(ctx.segments):
        attribution = _attribution_after(ctx, segment) or _attribution_before(ctx, segment)
        if attribution is not None:
            found[index] = attribution
    for index, segment in enumerate(ctx.segments):
        if index in found or _is_subhead(ctx, segment):
            continue
        borrowed = (index > 0 and _inherited_attribution(ctx, segment, found.get(index - 1))) or (
            _introduced_by_previous_sentence(ctx, segment)
        )
        if borrowed:
            found[index] = borrowed
    return found


def _introduced_by_previous_sentence(ctx: _Context, segment: Segment) -> _Attribution | None:
    """A quote opening a sentence right after a sentence that introduces a named speaker.

    "Okonkwo described the talks as the hardest of her career.¶“There were moments …”" and
    "…, Mr Kovac said. "We only closed once …"" — the convention of letting the previous
    sentence (same or previous paragraph) name the speaker.
    """
    if not _starts_sentence(ctx, segment):
        return None
    previous_end = len(ctx.text[: segment.open].rstrip())
    if previous_end == 0:
        return None
    sentence = _sentence_at(ctx.doc, previous_end - 1)
    if (
        sentence is None
        or ctx.in_segment(sentence.start_char, sentence.end_char)
        or any(s.open >= sentence.start_char and s.open < sentence.end_char for s in ctx.segments)
    ):
        return None
    # The main verb first: "Okonkwo, speaking afterwards, described …" is introduced by "described".
    for token in sorted(sentence, key=lambda t: t.dep_ != "ROOT"):
        if token.lemma_.casefold() not in _INTRODUCING_LEMMAS or token.pos_ != "VERB":
            continue
        subject = _subject_core(token)
        if subject is None:
            continue
        speaker = _classify_phrase(ctx, subject[0], subject[1], anchor=subject[0])
        if speaker.name is not None:
            return _Attribution(speaker, token.text, token.idx, segment.open, factor=_CONTEXT_FACTOR)
    return None


def _paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, (len(text) if end == -1 else end)


def _starts_sentence(ctx: _Context, segment: Segment) -> bool:
    """Nothing but bullets/dashes, or a finished sentence, stands before the opening mark."""
    line_start, _ = _paragraph_bounds(ctx.text, segment.open)
    before = ctx.text[line_start : segment.open].rstrip()
    return not before.strip(" •·*-–—") or before[-1] in ".!?…" or before[-1] in DOUBLE_MARKS


def _attribution_after(ctx: _Context, segment: Segment) -> _Attribution | None:
    """``…,” she said`` / ``” - said the president`` / ``,” Name, an expert at X, explained``."""
    if not _starts_sentence(ctx, segment):
        return None  # a fragment mid-sentence belongs to that sentence's reported speech
    text = ctx.text
    _, line_end = _paragraph_bounds(text, segment.close)
    tail_start = segment.close + 1
    lead = re.match(r"[\s,;]*(?:[-–—]+\s*)?", text[tail_start:line_end])
    pos = tail_start + (lead.end() if lead else 0)
    sentence_end = _SENTENCE_END.search(text, pos, line_end)
    window_end = sentence_end.start() if sentence_end else line_end
    next_mark = _next_mark(text[pos:window_end])
    if next_mark == 0:
        return None
    if next_mark is not None:
        window_end = pos + next_mark  # "she said, adding that the deal “is not dead yet”"
    window = text[pos:window_end]
    if not window.strip():
        return None
    if text[segment.start : segment.end].rstrip()[-1:] == "." and window[:1].isupper():
        # “…end.” Then a new sentence: only a bare "Name said." still attributes.
        if len(window.split()) > 4:
            return None
    verb_first = _CUE_AFTER_VERB_FIRST.match(window)
    if verb_first:
        spk_start = pos + verb_first.start("spk")
        spk_end = window_end  # keep an apposition: "said the curator, Dr Jakob Morel"
        speaker = _classify_phrase(ctx, spk_start, spk_end, anchor=segment.open)
        return _Attribution(speaker, verb_first.group("cue"), pos + verb_first.start("cue"), window_end)
    cue = _CUE_SEARCH.search(window)
    if cue is None or cue.start() == 0 or len(window[: cue.start()].split()) > 20:
        return None
    speaker = _classify_phrase(ctx, pos, pos + cue.start(), anchor=segment.open)
    if _states_anonymity(window):  # "the diplomat said, speaking on condition of anonymity"
        speaker = _ANONYMOUS
    return _Attribution(speaker, cue.group("cue"), pos + cue.start("cue"), window_end)


def _states_anonymity(text: str) -> bool:
    lowered = text.casefold()
    return any(phrase in lowered for phrase in _ANONYMOUS_PHRASES)


def _next_mark(window: str) -> int | None:
    for i, ch in enumerate(window):
        if ch in DOUBLE_MARKS or ch in "‘‚‹":
            return i
    return None


def _attribution_before(ctx: _Context, segment: Segment) -> _Attribution | None:
    """``Heger said: “…”`` / ``She added, “…”`` / ``According to X, “…”``."""
    text = ctx.text
    line_start, _ = _paragraph_bounds(text, segment.open)
    head = text[line_start : segment.open]
    according = _ACCORDING_TO_BEFORE.search(head)
    if according:
        spk_start, spk_end = line_start + according.start("spk"), line_start + according.end("spk")
        speaker = _classify_phrase(ctx, spk_start, spk_end, anchor=segment.open)
        return _Attribution(speaker, "according to", line_start + according.start(), segment.open)
    cue = _CUE_BEFORE.search(head)
    if cue is None:
        return _colon_introduction(ctx, segment, line_start)
    cue_start = line_start + cue.start("cue")
    token = _token_at(ctx.doc, cue_start)
    subject = _subject_core(token) if token is not None else None
    if subject is None:
        # The parse found no subject (common around glued quote marks): use the words between
        # the last comma or sentence start and the verb ("In Oslo, she said: …" -> "she").
        clause_start = max(head.rfind(",", 0, cue.start()), head.rfind(". ", 0, cue.start())) + 1
        subject = (line_start + clause_start, cue_start)
    speaker = _classify_phrase(ctx, subject[0], subject[1], anchor=min(subject[0], segment.open))
    return _Attribution(speaker, cue.group("cue"), cue_start, segment.open)


def _colon_introduction(ctx: _Context, segment: Segment, line_start: int) -> _Attribution | None:
    """``Asked about the cost, the director was blunt: “…”`` — a clause ending in a colon whose
    subject names a person introduces that person's words, whatever its verb."""
    before = ctx.text[line_start : segment.open].rstrip()
    if not before.endswith(":") or _COLON_LABEL.search(before):
        return None
    colon = line_start + len(before) - 1
    token = _token_at(ctx.doc, colon)
    sentence = _sentence_at(ctx.doc, colon)
    if token is None or sentence is None:
        return None
    verbs = [t for t in sentence if line_start <= t.idx < colon and t.pos_ in ("VERB", "AUX")]
    for verb in reversed(verbs):
        subject = _subject_core(verb)
        if subject is None or subject[0] < line_start:
            continue
        speaker = _classify_phrase(ctx, subject[0], subject[1], anchor=subject[0])
        if speaker.attributable:
            return _Attribution(speaker, verb.text, verb.idx, segment.open, factor=_INHERITED_FACTOR)
        return None
    return None


# "Headline: “…”", "Title: “…”", "Slogan: “…”": a label, not a speaker.
_COLON_LABEL = re.compile(
    r"\b(?:headline|title|slogan|motto|caption|banner|sign|subject|read|reads|reading)\s*:$", re.I
)


def _inherited_attribution(
    ctx: _Context, segment: Segment, previous: _Attribution | None
) -> _Attribution | None:
    """“A,” she said. “B.” — and whole-paragraph continuations after an attributed quote."""
    if previous is None or not previous.speaker.attributable:
        return None
    text = ctx.text
    if previous.end > segment.open:
        return None
    between = text[previous.end : segment.open]
    same_paragraph = "\n" not in between
    line_start, _ = _paragraph_bounds(text, segment.open)
    next_paragraph = ctx.paragraph_of(segment.open) == ctx.paragraph_of(previous.end) + 1
    # “A,” she said. “B.” / “A,” she said, “B.” — but not "she said, adding that X “B”".
    resumes = _starts_sentence(ctx, segment) or text[: segment.open].rstrip()[-1:] in (",", ":")
    interrupted = same_paragraph and resumes and not between.strip(" .,;:-–—")
    continued = (
        next_paragraph and not between.strip(" .,;:\n") and not text[line_start : segment.open].strip(" •-–—")
    )
    if interrupted or continued:
        return _Attribution(
            previous.speaker, previous.cue, previous.cue_start, previous.end, factor=_INHERITED_FACTOR
        )
    return None


def _is_subhead(ctx: _Context, segment: Segment) -> bool:
    """A short, unpunctuated paragraph that is nothing but a quote is a headline, not speech."""
    line_start, line_end = _paragraph_bounds(ctx.text, segment.open)
    outside = ctx.text[line_start : segment.open] + ctx.text[segment.close + 1 : line_end]
    content = ctx.text[segment.start : segment.end]
    return (
        "\n" not in content
        and not outside.strip(" •·*.")
        and len(content.split()) <= 10
        and content.rstrip()[-1:] not in ".!?…"
    )


def _segment_quote(ctx: _Context, segment: Segment, attribution: _Attribution | None) -> Quote | None:
    """A Quote for a segment not absorbed by reported speech, or None for non-quotes."""
    content = ctx.text[segment.start : segment.end]
    words = content.split()
    if attribution is not None:
        return _make_quote(ctx, segment.start, segment.end, "direct", attribution, attribution.factor)
    if _is_subhead(ctx, segment) or _is_title_like(words):
        return None
    if len(words) <= 3 and not (_starts_sentence(ctx, segment) and content.rstrip()[-1:] in ".!?…"):
        return None  # scare quotes and nicknames; "We will win." on its own is still speech
    fragment = _fragment_quote(ctx, segment)
    if fragment is not None:
        return fragment
    if not _starts_sentence(ctx, segment):
        return None
    return _make_quote(ctx, segment.start, segment.end, "direct", None, 1.0)


def _is_title_like(words: Sequence[str]) -> bool:
    """Mostly capitalised words ("War and Peace", "The Road to Nowhere") name a work, not speech."""
    letters = [w for w in words if w[:1].isalpha()]
    capitalised = [w for w in letters if w[:1].isupper()]
    return len(words) <= 8 and len(letters) > 0 and len(capitalised) / len(letters) >= 0.6


def _fragment_quote(ctx: _Context, segment: Segment) -> Quote | None:
    """``She described the talks as “useful but far from finished”.`` -> a mixed quote."""
    sentence = _sentence_at(ctx.doc, segment.open)
    if sentence is None:
        return None
    # The nearest cue before the fragment wins ("she told reporters, adding that it “…”").
    for token in reversed([t for t in sentence if t.idx < segment.open]):
        lemma = token.lemma_.casefold()
        if lemma not in REPORTING_VERBS and lemma not in _FRAGMENT_LEMMAS:
            continue
        subject = _subject_core(token)
        if subject is None:
            continue
        speaker = _classify_phrase(ctx, subject[0], subject[1], anchor=subject[0])
        if not speaker.attributable:
            continue
        start = token.idx + len(token)
        end = _trim_end(ctx.text, start, sentence.end_char)
        start = _skip_space(ctx.text, start, end)
        if ctx.text.startswith("that ", start):
            start += len("that ")
        attribution = _Attribution(speaker, token.text, token.idx, end)
        return _make_quote(ctx, start, end, "mixed", attribution, _INDIRECT_FACTOR)
    return None


def _make_quote(
    ctx: _Context, start: int, end: int, kind: QuoteKind, attribution: _Attribution | None, factor: float
) -> Quote:
    speaker = attribution.speaker if attribution else _NOBODY
    confidence = _CONFIDENCE[speaker.how] * factor
    if attribution is None:
        confidence = 0.3  # a quote with no attribution at all
    return Quote(
        start=start,
        end=end,
        text=ctx.text[start:end],
        kind=kind,
        speaker=speaker.name,
        speaker_start=speaker.start if speaker.name else None,
        speaker_end=speaker.end if speaker.name else None,
        cue=attribution.cue if attribution else None,
        confidence=round(confidence, 2),
        speaker_key=speaker.key if speaker.name else None,
    )


# --------------------------------------------------------------------------- indirect quotes


def _indirect_quotes(
    ctx: _Context, used_cues: set[int], attributed: set[int]
) -> tuple[list[Quote], set[int]]:
    """Reported speech from the parse; returns the quotes and the segments they absorbed."""
    quotes: list[Quote] = []
    absorbed: set[int] = set()
    seen: set[tuple[int, int]] = set()
    for token in ctx.doc:
        if token.idx in used_cues or ctx.in_segment(token.idx):
            continue
        found = _reported_clause(ctx, token)
        if found is None:
            continue
        (start, end), cue, speaker_phrase = found
        if (start, end) in seen or len(ctx.text[start:end].split()) < 2:
            continue
        inside = [i for i, s in enumerate(ctx.segments) if start <= s.open and s.close < end]
        if any(i in attributed for i in inside) or _overlaps_segment_partly(ctx, start, end):
            continue
        speaker = _classify_phrase(
            ctx, speaker_phrase[0], speaker_phrase[1], anchor=min(speaker_phrase[0], start)
        )
        if not speaker.attributable:
            continue  # "it is believed that …": nobody to attribute, so not a quote for analysts
        seen.add((start, end))
        absorbed.update(inside)
        kind: QuoteKind = "mixed" if inside else "indirect"
        attribution = _Attribution(speaker, cue, token.idx, end)
        quotes.append(_make_quote(ctx, start, end, kind, attribution, _INDIRECT_FACTOR))
    return quotes, absorbed


def _overlaps_segment_partly(ctx: _Context, start: int, end: int) -> bool:
    """True when [start, end) cuts through a quote segment instead of containing it."""
    for s in ctx.segments:
        contains = start <= s.open and s.close < end
        disjoint = s.close < start or end <= s.open
        if not contains and not disjoint:
            return True
    return False


def _is_reporting_cue(token: Token) -> bool:
    lemma = token.lemma_.casefold()
    if lemma not in REPORTING_VERBS or lemma in _DIRECT_ONLY_LEMMAS or token.pos_ not in ("VERB", "AUX"):
        return False
    particle = _PARTICLE_LEMMAS.get(lemma)
    return particle is None or any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)


def _cue_text(token: Token) -> str:
    particles = [c.text for c in token.children if c.dep_ == "prt"]
    return " ".join([token.text, *particles])


def _reported_clause(ctx: _Context, token: Token) -> tuple[tuple[int, int], str, tuple[int, int]] | None:
    """(content span, cue, speaker phrase span) when `token` introduces reported speech."""
    if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
        return _according_to_clause(ctx, token)
    if token.lemma_.casefold() == "express":
        return _expressed_opinion_clause(ctx, token)
    if token.lower_ in _OPINION_NOUNS and token.dep_ == "pobj" and token.head.lower_ == "in":
        return _in_opinion_clause(ctx, token)
    if not _is_reporting_cue(token) or _is_negated_report(token):
        return None
    subject = _subject_core(token)
    if subject is None:
        return None
    content = _clausal_complement(ctx, token) or _as_clause(ctx, token) or _parenthetical(ctx, token)
    if content is None:
        return None
    return content, _cue_text(token), subject


_WITHHOLDING_LEMMAS = frozenset({"decline", "refuse", "fail", "not"})


def _is_negated_report(token: Token) -> bool:
    """ "did not say whether …", "declined to say how many …": nothing is reported."""
    if any(c.dep_ == "neg" for c in token.children):
        return True
    return token.dep_ == "xcomp" and token.head.lemma_.casefold() in _WITHHOLDING_LEMMAS


def _clausal_complement(ctx: _Context, token: Token) -> tuple[int, int] | None:
    """``X said that <clause>`` / ``<clause>, X said``: the ccomp subtree without "that"."""
    span = _complement_span(ctx, token)
    if span is None:
        return None
    start, end = span
    # A closing quote mark the parser hung on the main verb: `said that it could last “for months”.`
    for segment in ctx.segments:
        if start <= segment.open < end <= segment.close and not ctx.text[end : segment.close].strip(" .,;!?"):
            end = segment.close + 1
    return _dateline_free(ctx.text, start, end), end


_DATELINE = re.compile(r"[A-Z][A-Z .'-]{2,}(?:,[^\n—–]{0,40}?)?\s*(?:\([^)\n]{1,40}\)\s*)?[—–-]+\s+")


def _dateline_free(text: str, start: int, end: int) -> int:
    """Skip a wire dateline ("MARENBURG — ", "LINDVIK, March 12 (Wire) - ") opening the clause."""
    if start == 0 or text[start - 1] == "\n":
        match = _DATELINE.match(text, start, end)
        if match:
            return match.end()
    return start


def _complement_span(ctx: _Context, token: Token) -> tuple[int, int] | None:
    for child in token.children:
        if child.dep_ == "prep":
            # "said in a statement (on Monday) that <clause>" parsed as the noun's complement clause
            for noun in child.children:
                if noun.dep_ == "pobj" and noun.lower_ in _DOCUMENT_NOUNS:
                    for clause in noun.children:
                        if clause.dep_ in ("acl", "relcl") and any(
                            c.dep_ == "mark" and c.lower_ == "that" for c in clause.children
                        ):
                            tokens = [
                                t for t in clause.subtree if not (t.dep_ == "mark" and t.head == clause)
                            ]
                            return _span_of(ctx.text, tokens)
        if child.dep_ != "ccomp":
            continue
        nested = _nested_attribution(child)
        tokens = [
            t
            for t in child.subtree
            if t.i not in nested and not (t.dep_ == "mark" and t.lower_ == "that" and t.head == child)
        ]
        if not tokens:
            return None
        start, end = _span_of(ctx.text, tokens)
        lead = re.match(r"that\s+", ctx.text[start:end])  # "that" of a clause nested one level down
        return (start + lead.end() if lead else start), end
    return None


def _nested_attribution(clause_head: Token) -> set[int]:
    """Token indices of a reporting verb nested in a complement together with its subject.

    "No wonder X said that <A>, the political scientist recalled" parses with "recalled" inside
    the complement of "said"; the words ", the political scientist recalled" are not X's words.
    """
    drop: set[int] = set()
    for t in clause_head.subtree:
        if _is_reporting_cue(t) and any(c.dep_ == "ccomp" for c in t.children):
            subject = _subject_of(t)
            if subject is None or subject.i < t.i - 8:
                continue
            drop.add(t.i)
            drop.update(x.i for x in subject.subtree)
            drop.update(
                c.i for c in t.children if c.dep_ in ("punct", "aux", "advmod", "prt") and c.i > subject.i - 1
            )
    return drop


def _as_clause(ctx: _Context, token: Token) -> tuple[int, int] | None:
    """``As X noted, <clause>`` / ``As noted by X, <clause>``: the main clause after it."""
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children) or token.dep_ != "advcl":
        return None
    own = {t.i for t in token.subtree}
    rest = [t for t in token.head.subtree if t.i not in own and t.i > max(own)]
    return _span_of(ctx.text, rest) if rest else None


def _parenthetical(ctx: _Context, token: Token) -> tuple[int, int] | None:
    """``In this regard, he stressed, <clause>``: the clause after the parenthetical."""
    if token.dep_ != "parataxis":
        return None
    own = {t.i for t in token.subtree}
    rest = [t for t in token.head.subtree if t.i not in own and t.i > max(own)]
    return _span_of(ctx.text, rest) if len(rest) >= 3 else None


def _according_to_clause(ctx: _Context, token: Token) -> tuple[tuple[int, int], str, tuple[int, int]] | None:
    to = token.nbor()
    objects = [c for c in to.children if c.dep_ == "pobj"]
    if not objects:
        return None
    speaker = _phrase_span(_source_of_document(objects[0]))
    own = {t.i for t in token.subtree}
    rest = [t for t in token.head.subtree if t.i not in own]
    after = [t for t in rest if t.i > max(own)]
    before = [t for t in rest if t.i < min(own)]
    content_tokens = after if len(after) >= len(before) else before
    if not content_tokens:
        return None
    return _span_of(ctx.text, content_tokens), "according to", speaker


def _expressed_opinion_clause(
    ctx: _Context, token: Token
) -> tuple[tuple[int, int], str, tuple[int, int]] | None:
    """``X expressed the opinion/confidence that <clause>``."""
    subject = _subject_core(token)
    if subject is None:
        return None
    for obj in token.children:
        if obj.dep_ != "dobj" or obj.lemma_.casefold() not in _OPINION_NOUNS:
            continue
        # The "that" clause hangs off the noun or, in some parses, off the verb itself.
        clauses = [c for c in obj.children if c.dep_ in ("acl", "ccomp", "relcl")]
        clauses += [c for c in token.children if c.dep_ == "ccomp" and c.i > obj.i]
        for clause in clauses:
            if any(c.lower_ == "that" for c in clause.children):
                tokens = [t for t in clause.subtree if not (t.lower_ == "that" and t.head == clause)]
                return _span_of(ctx.text, tokens), f"{token.text} {_between(token, obj)}".strip(), subject
    return None


def _in_opinion_clause(ctx: _Context, token: Token) -> tuple[tuple[int, int], str, tuple[int, int]] | None:
    """``In his opinion, <clause>``: the owner of the opinion is the speaker."""
    owners = [c for c in token.children if c.dep_ == "poss"]
    prep = token.head
    if not owners or prep.head == prep:
        return None
    own = {t.i for t in prep.subtree}
    rest = [t for t in prep.head.subtree if t.i not in own and t.i > max(own)]
    if not rest:
        return None
    owner = owners[0]
    return (
        _span_of(ctx.text, rest),
        f"{prep.text} {owner.text} {token.text}",
        (owner.idx, owner.idx + len(owner)),
    )


def _between(first: Token, last: Token) -> str:
    return " ".join(t.text for t in first.doc[first.i + 1 : last.i + 1])


def _span_of(text: str, tokens: Sequence[Token]) -> tuple[int, int]:
    """Character span from the first to the last token, trimmed of edge punctuation."""
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    while start < end and text[start] in " ,;:-–—":
        start += 1
    return start, _trim_end(text, start, end)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.-–—"):
        end -= 1
    return end


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


# --------------------------------------------------------------------------- parse helpers


def _token_at(doc: Doc, offset: int) -> Token | None:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _sentence_at(doc: Doc, offset: int) -> Span | None:
    token = _token_at(doc, offset)
    return token.sent if token is not None else None


def _subject_of(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    for child in token.children:
        if child.dep_ == "agent":  # "as noted by X"
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    if token.head != token and (
        token.dep_ in ("conj", "xcomp") or (token.dep_ == "advcl" and token.tag_ == "VBG")
    ):
        return _subject_of(token.head)  # "He stressed X and added that Y", "she said, adding that Y"
    head = token.head
    if token.dep_ == "pcomp" and head.lower_ == "as" and head.head.lemma_.casefold() == "quote":
        return _subject_of(head.head)  # "X was quoted by the radio as saying that Y"
    if (
        token.dep_ == "acl"
        and head.pos_ in ("NOUN", "PROPN")
        and any(c.dep_ in ("dobj", "ccomp") for c in token.children)
    ):
        # "The festival's director, Jonas Ekberg, called the programme …" parsed as a reduced
        # relative clause: a verb with its own object is the clause's predicate, not a modifier.
        return head
    return None


# "a statement from the Kremlin", "a report by the ministry": the source is the speaker.
_DOCUMENT_NOUNS = frozenset({"statement", "report", "communique", "release", "letter", "post", "interview"})


def _source_of_document(head: Token) -> Token:
    if head.lemma_.casefold() in _DOCUMENT_NOUNS:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        return obj
    return head


def _subject_core(token: Token) -> tuple[int, int] | None:
    """The subject noun phrase of `token` without its prepositional, relative or possessive parts.

    Keeping only determiner/adjective/compound words stops "the wife of John Smith" or
    "Landsbergis' spokesman" from being read as John Smith or Landsbergis; an apposition naming
    the head ("the spokeswoman, Maria X, said") is followed to the name.
    """
    subject = _subject_of(token)
    if subject is None:
        return None
    if subject.lower_ in ("who", "which", "that") and token.dep_ == "relcl" and token.head != token:
        subject = token.head  # "midfielder Luca Petrov, who said he had dreamt …"
    subject = _source_of_document(subject)
    for child in subject.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return _phrase_span(child)
    return _phrase_span(subject)


_CORE_DEPS = frozenset(
    {"det", "amod", "compound", "nummod", "quantmod", "advmod", "nmod", "npadvmod", "punct"}
)


def _phrase_span(head: Token) -> tuple[int, int]:
    words = [head]
    frontier = [head]
    while frontier:
        current = frontier.pop()
        for child in current.children:
            if child.dep_ in _CORE_DEPS and child.i < head.i + 1 and child.text not in ",;":
                words.append(child)
                frontier.append(child)
    start = min(t.idx for t in words)
    end = max(t.idx + len(t) for t in words)
    return start, end


# --------------------------------------------------------------------------- speaker resolution


def _mentions_in(ctx: _Context, start: int, end: int) -> list[Mention]:
    return [m for m in ctx.mentions if m.start < end and m.end > start]


def _is_possessive(ctx: _Context, mention: Mention) -> bool:
    follow = ctx.text[mention.end : mention.end + 2]
    return follow.startswith(("'s", "’s", "' ", "’ "))


_PHRASE_BREAK = re.compile(
    r",|\s(?:in|at|for|of|during|on|to|with|from|after|before|while|when|who|which|speaking|citing)\s",
    re.IGNORECASE,
)


def _classify_phrase(ctx: _Context, start: int, end: int, anchor: int) -> _Speaker:
    """Who the attribution words at [start, end) name, resolved against the document.

    Only the phrase's core (up to the first comma or preposition) can name the speaker, plus an
    apposition right after a comma ("a spokeswoman for the ministry, Helena Strand,"), so that
    "the minister in an interview with The Times" is the minister, not The Times.
    """
    raw = ctx.text[start:end]
    phrase = raw.strip(" ,;:-–—\n")
    if not phrase:
        return _NOBODY
    offset = start + raw.find(phrase)
    words = [w.strip(",;:.'’").casefold() for w in phrase.split()]
    cut = _PHRASE_BREAK.search(phrase)
    core_end = offset + (cut.start() if cut else len(phrase))
    core_words = ctx.text[offset:core_end].casefold().split()
    person = _person_in_core(ctx, offset, core_end, offset + len(phrase))
    if person is not None:
        return _Speaker(person.name, person.entity_key, person.start, person.end, "named")
    if not core_words or _is_anonymous(words, phrase, core_words):
        return _ANONYMOUS if core_words else _NOBODY
    orgs = [
        m
        for m in _mentions_in(ctx, offset, core_end)
        if m.label in ("ORG", "GPE") and not _is_possessive(ctx, m)
    ]
    if orgs and orgs[0].start <= offset + 4:  # the phrase starts with it ("the Kremlin", "Moscow")
        org = orgs[0]
        return _Speaker(org.name, org.entity_key, org.start, org.end, "org")
    span = (offset, core_end)
    if core_words and core_words[0] in _PRONOUN_GENDER and len(core_words) == 1:
        return _resolve_pronoun(ctx, anchor, core_words[0], span)
    if core_words == ["it"]:
        return _resolve_it(ctx, anchor, span)
    if core_words[0] == "the" and len(core_words) >= 2:
        return _resolve_role(ctx, anchor, core_words[1:], span) or _resolve_org_noun(
            ctx, anchor, core_words[-1], span
        )
    return _NOBODY


def _person_in_core(ctx: _Context, core_start: int, core_end: int, phrase_end: int) -> Mention | None:
    """A PERSON named in the core, in an apposition after the core's comma, or closing a role.

    Machine translation drops the comma of the apposition ("the official representative of the
    ministry Lidia Horvat said"), so a name later in the phrase counts unless a preposition
    introduces it ("the minister in an interview with Helena Strand").
    """
    for mention in _mentions_in(ctx, core_start, core_end):
        if mention.label == "PERSON" and not _is_possessive(ctx, mention):
            return mention
    for mention in _mentions_in(ctx, core_end, phrase_end):
        words_before = ctx.text[core_start : mention.start].casefold().split()
        if (
            mention.label == "PERSON"
            and not _is_possessive(ctx, mention)
            and words_before
            and words_before[-1].strip(",") not in _NOT_BEFORE_SPEAKER
            and "," not in ctx.text[core_end : mention.start].rstrip(", ")
        ):
            return mention
    rest = ctx.text[core_end:phrase_end]
    if rest.startswith(","):
        # "the museum's curator, Dr Jakob Morel," — the apposition chunk up to the next comma.
        appos_start = core_end + 1
        appos_end = ctx.text.find(",", appos_start, phrase_end)
        appos_end = phrase_end if appos_end == -1 else appos_end
        chunk = ctx.text[appos_start:appos_end]
        for mention in _mentions_in(ctx, appos_start, appos_end):
            lead = ctx.text[appos_start : mention.start].strip()
            if (
                mention.label == "PERSON"
                and (not lead or re.fullmatch(_HONORIFIC_RE, lead))
                and chunk.strip()
            ):
                return mention
    return None


def _is_anonymous(words: Sequence[str], phrase: str, core_words: Sequence[str]) -> bool:
    """Indefinite ("a senior diplomat"), plural ("senior officials") or explicit unnamed sources."""
    lowered = phrase.casefold()
    return (
        core_words[0] in _INDEFINITE
        or any(w in _ANONYMOUS_WORDS for w in words)
        or any(p in lowered for p in _ANONYMOUS_PHRASES)
        or (
            core_words[0] not in ("the", "this", "that", "his", "her")
            and core_words[-1] in _ANONYMOUS_PLURALS
        )
    )


def _people_before(ctx: _Context, anchor: int, window: int | None) -> Iterator[Mention]:
    """PERSON mentions before `anchor`, most recent first, outside quotes, within `window` paragraphs."""
    anchor_paragraph = ctx.paragraph_of(anchor)
    for mention in reversed(ctx.mentions):
        if mention.label != "PERSON" or mention.end > anchor or ctx.in_segment(mention.start, mention.end):
            continue
        if window is not None and anchor_paragraph - ctx.paragraph_of(mention.start) > window:
            return
        yield mention


def _is_subject(ctx: _Context, mention: Mention) -> bool:
    """Is the mention the subject of its clause ("X said", "as noted by X", "X, an expert, said")?"""
    token = _token_at(ctx.doc, mention.end - 1)
    while token is not None and token.dep_ in ("compound", "flat", "appos") and token.head != token:
        token = token.head
    if token is None:
        return False
    if token.dep_ == "pobj" and token.head.dep_ == "agent":
        return True
    return token.dep_ in ("nsubj", "nsubjpass")


def _gender(ctx: _Context, key: str) -> str | None:
    """'f'/'m' when an honorific or a gendered role word in the article says so, else None."""
    for mention in ctx.mentions:
        if mention.entity_key != key:
            continue
        before = ctx.text[max(0, mention.start - 6) : mention.start]
        role = (mention.role or "").casefold()
        if re.search(r"\b(?:Mrs|Ms|Miss)\.?\s+$", before) or any(w in role for w in _FEMALE_MARKERS):
            return "f"
        if re.search(r"\bMr\.?\s+$", before) or any(w in role for w in _MALE_MARKERS):
            return "m"
    return None


def _resolve_pronoun(ctx: _Context, anchor: int, pronoun: str, span: tuple[int, int]) -> _Speaker:
    wanted = _PRONOUN_GENDER[pronoun]
    candidates = list(_people_before(ctx, anchor, _PRONOUN_WINDOW_PARAGRAPHS))
    # Grammatical subjects beat objects and possessives, recency breaks ties: in "Brenner said
    # the result would strengthen Strand. “…,” he said." the pronoun is Brenner.
    for mention in sorted(candidates, key=lambda m: (not _is_subject(ctx, m), _is_possessive(ctx, m))):
        if _gender(ctx, mention.entity_key) in (None, wanted):
            if _indefinite_speaker_between(ctx, mention.end, anchor):
                return _ANONYMOUS
            return _Speaker(mention.name, mention.entity_key, span[0], span[1], "pronoun")
    return _NOBODY


def _resolve_it(ctx: _Context, anchor: int, span: tuple[int, int]) -> _Speaker:
    """ "…, it said in a statement": the organisation that is the subject of this or the
    previous sentence (within the paragraph), most recent first; otherwise nobody."""
    paragraph = ctx.paragraph_of(span[0])
    limit = max(anchor, span[0])
    for mention in reversed(ctx.mentions):
        if mention.end > limit or ctx.in_segment(mention.start, mention.end):
            continue
        if ctx.paragraph_of(mention.start) != paragraph:
            break
        if mention.label == "ORG" and _is_subject(ctx, mention):
            return _Speaker(mention.name, mention.entity_key, span[0], span[1], "org")
    return _NOBODY


def _indefinite_speaker_between(ctx: _Context, start: int, anchor: int) -> bool:
    """ "One resident said she had lost everything. “…,” she said." — the pronoun is that resident.

    True when a reporting verb between `start` and `anchor` (outside quotes) has an indefinite
    subject naming nobody ("a witness", "one resident, a retired teacher,").
    """
    for token in ctx.doc:
        if token.idx < start or token.idx >= anchor or ctx.in_segment(token.idx, token.idx + 1):
            continue
        if not _is_reporting_cue(token):
            continue
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        first = subject.left_edge
        if first.lower_ not in ("a", "an", "one", "another") or first.idx < start:
            continue
        sub_end = subject.right_edge.idx + len(subject.right_edge)
        if not any(m.label == "PERSON" for m in _mentions_in(ctx, first.idx, sub_end)):
            return True
    return False


def _introduced_anonymously(ctx: _Context, anchor: int, head: str) -> bool:
    """ "the diplomat" right after "a senior diplomat involved in the talks said" is that source.

    An indefinite phrase that is a named person's apposition ("Tomas Brenner, a political
    scientist at X,") introduces that person, not an anonymous source.
    """
    paragraph = max(0, ctx.paragraph_of(anchor) - 1)
    start = ctx.paragraph_starts[paragraph]
    pattern = rf"\b(?:an?|one)\s+(?:[\w-]+\s+){{0,3}}{re.escape(head)}\b"
    for match in re.finditer(pattern, ctx.text[start:anchor], re.IGNORECASE):
        sentence = _sentence_at(ctx.doc, start + match.start())
        if sentence is None:
            continue
        named = [
            m
            for m in _mentions_in(ctx, sentence.start_char, sentence.end_char)
            if m.label == "PERSON" and head in (m.role or "").casefold()
        ]
        if not named:
            return True
    return False


def _role_key(words: Sequence[str]) -> str | None:
    """The ROLE_COMPATIBILITY key the phrase ends with ("lithuanian foreign minister" -> "foreign minister")."""
    phrase = " ".join(words)
    for key in sorted(ROLE_COMPATIBILITY, key=len, reverse=True):
        if phrase == key or phrase.endswith(" " + key):
            return key
    return None


# A compatible role containing one of these is still another office ("the minister" is not
# the prime minister, "the president" is not the vice president).
_ROLE_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "minister": ("prime minister",),
    "president": ("vice president", "vice-president"),
}


def _role_compatible(key: str, role: str | None) -> bool:
    if role is None:
        return False
    role = role.casefold()
    return any(part in role for part in ROLE_COMPATIBILITY[key]) and not any(
        part in role for part in _ROLE_EXCLUSIONS.get(key, ())
    )


def _resolve_role(ctx: _Context, anchor: int, words: Sequence[str], span: tuple[int, int]) -> _Speaker | None:
    """ "the minister" -> the person the article gave a compatible role, recent first."""
    key = _role_key(words)
    if key is None:
        return None
    if _introduced_anonymously(ctx, anchor, words[-1]):
        return _ANONYMOUS
    nearby = list(_people_before(ctx, anchor, _ROLE_WINDOW_PARAGRAPHS))
    passes: list[tuple[list[Mention], str]] = [
        ([m for m in nearby if _role_compatible(key, m.role) and not _is_possessive(ctx, m)], "role"),
        ([m for m in nearby if _role_compatible(key, m.role)], "role"),
        # The article may never state the role of a well-known figure ("the president" after
        # "Vladimir Putin noted"): take the most recent person with no stated role.
        ([m for m in nearby if m.role is None and not _is_possessive(ctx, m)], "weak"),
        ([m for m in _people_before(ctx, anchor, None) if _role_compatible(key, m.role)], "weak"),
    ]
    for candidates, how in passes:
        if candidates:
            best = candidates[0]
            return _Speaker(best.name, best.entity_key, span[0], span[1], how)
    return _NOBODY


def _resolve_org_noun(ctx: _Context, anchor: int, noun: str, span: tuple[int, int]) -> _Speaker:
    """ "the ministry" / "the newspaper" -> the most recent matching organisation mention."""
    outlets = {name.casefold() for name in entities.OUTLET_NAMES}
    # A trailing attribution may refer back into its own clause ("X closed, the hospital said").
    limit = max(anchor, span[0])
    for mention in reversed(ctx.mentions):
        if mention.end > limit or mention.label != "ORG" or ctx.in_segment(mention.start, mention.end):
            continue
        if noun in _OUTLET_NOUNS and mention.text.casefold() in outlets:
            return _Speaker(mention.name, mention.entity_key, span[0], span[1], "org")
        if noun in _ORG_NOUNS and noun in mention.text.casefold():
            return _Speaker(mention.name, mention.entity_key, span[0], span[1], "org")
        # A definite description by the name's head noun: "the service" after "State Emergency
        # Service", "the foundation" after "the Verlan Foundation".
        if len(noun) > 3 and mention.text.casefold().split()[-1:] == [noun]:
            return _Speaker(mention.name, mention.entity_key, span[0], span[1], "org")
    if noun in _ORG_NOUNS:
        return _ANONYMOUS  # "the city's culture department said …": a source, but not a named one
    return _NOBODY
