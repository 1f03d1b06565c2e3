"""Entity mentions in one article body: NER, news-specific fixes, in-document resolution, keys.

``extract_entities(text)`` runs spaCy's small English pipeline (loaded once per process; batches go
through ``extract_entities_batch`` / ``nlp.pipe``) plus two EntityRulers, then repairs the model's
systematic misses on wire and machine-translated copy:

* outlet, agency and institution names ("Reuters", "RT", "The Times", "Verkhovna Rada", "G7") and
  the organisation aliases are ORG, via a ruler *before* the model; place spellings from the alias
  seeds ("Kiev", "Kharkov") fill gaps via a ruler *after* it, so "Bank of Russia" stays whole;
* sentences never run across a line break (captions and subheads otherwise join the next one);
* spans are trimmed at line breaks, bullets, a leading "the", a possessive "'s", a trailing score;
* titles and leading role nouns glued into a PERSON span ("Prime Minister X", "Mr. X",
  "Striker X") are stripped and kept as a role;
* a span that swallowed a neighbour is split: "Poland Volodymyr X", "The Times that Sergey X",
  "Kharkiv and Odesa", "the Lithuanian Foreign Ministry Gabrielyus X", translated "the director of
  Atomstroi Yuri X";
* "<Title> First Last" (also translated chains: "Minister of Defence of Ukraine X") and
  "<Name>, an expert at …" make a PERSON even when the model said ORG or nothing; two adjacent
  one-word spans are one name; an unknown first name tagged NORP joins the surname after it;
* gazetteers fix labels: countries/capitals and alias places are GPE, nationality adjectives are
  NORP ("Moldovan" tagged PERSON), "the company X" / "the outlet X" make X an ORG, "<Club> <City>"
  is an ORG, an upper-case dateline place ("VILNIUS (BNS) –") is a GPE;
* names inside photo-credit lines ("© Name", "Photo: Name/Agency") and wire sign-offs ("(Reporting
  by …; Editing by …)") are dropped, and so are title fragments ("Defence" in "Defence Minister");
* a bare surname (or a full name) the model labelled ORG/GPE/…, or missed, after the full name
  appeared anywhere in the text is relabelled (or added as) PERSON; a caption's bare surname grows
  into that full name.

Then each PERSON mention gets ``name`` = the full name it refers to in this document (a surname
before or after the full name, in any transliteration variant; other spellings of the full name —
a cognate given name, an initial — via ``identity.match_entity``) and ``role`` = the role phrase the
article attached to that person ("foreign minister", "expert at the X Center"). An organisation's
bracketed acronym ("(IAEA)") and short form ("the Commission") take the full name.

``entity_key(name, label)`` is the cross-document key and lives in ``newswatch.identity`` with the
matcher that links new keys to known entities; it is re-exported here.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newswatch import settings
from newswatch.identity import (  # key functions re-exported: they were first defined here
    Alias,
    KnownEntity,
    canonical_alias,
    entity_key,
    fold_transliteration,
    load_aliases,
    match_entity,
    normalise_name,
    strip_diacritics,
)
from newswatch.models import Mention

log = logging.getLogger(__name__)

# Labels worth storing; numbers and dates are not "people and places" for this project.
KEPT_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)

# News outlets, wire agencies and photo agencies. en_core_web_sm tags short ones as GPE/PERSON
# ("RT" came out as GPE, "Reuters" as PERSON on real wire copy), so the ruler claims them first.
OUTLET_NAMES: tuple[str, ...] = (
    "Reuters",
    "REUTERS",
    "AFP",
    "Agence France-Presse",
    "AP",
    "Associated Press",
    "The Associated Press",
    "RT",
    "RT DE",
    "TASS",
    "ITAR-TASS",
    "RIA Novosti",
    "RIA",
    "Interfax",
    "Interfax-Ukraine",
    "Sputnik",
    "Xinhua",
    "Kyodo",
    "Yonhap",
    "Anadolu",
    "EFE",
    "ANSA",
    "dpa",
    "DPA",
    "PAP",
    "BNS",
    "LETA",
    "UNIAN",
    "Ukrinform",
    "BBC",
    "CNN",
    "NHK",
    "Al Jazeera",
    "Deutsche Welle",
    "DW",
    "France 24",
    "Euronews",
    "Bloomberg",
    "Politico",
    "Axios",
    "The Times",
    "The Sunday Times",
    "Financial Times",
    "The Financial Times",
    "The Guardian",
    "The Observer",
    "The Telegraph",
    "The Independent",
    "The Economist",
    "The New York Times",
    "The Washington Post",
    "The Wall Street Journal",
    "Le Monde",
    "Le Figaro",
    "Der Spiegel",
    "Die Welt",
    "Bild",
    "Kommersant",
    "Izvestia",
    "Vedomosti",
    "Getty Images",
    "Shutterstock",
    "Alamy",
    "EPA",
    "EPA-EFE",
    "ZUMA Press",
    "Global Look Press",
)
# Institutions often quoted by metonymy ("the Kremlin said"); the small model misses some.
INSTITUTION_NAMES: tuple[str, ...] = (
    "Kremlin",
    "White House",
    "Pentagon",
    "Downing Street",
    "Elysee Palace",
    # Parliaments and groupings the small model tags LOC/GPE ("Verkhovna Rada" came out LOC, "G7" GPE).
    "Verkhovna Rada",
    "State Duma",
    "Bundestag",
    "Sejm",
    "Seimas",
    "Saeima",
    "Riigikogu",
    "G7",
    "G-7",
    "G8",
    "G20",
    "G-20",
)

# Countries and capitals the small model mislabels (it tagged "Slovakia" ORG and "Bratislava"
# PERSON in a real article). Used only to relabel a span whose whole text is one of these, and to
# split "Poland Volodymyr X"-style spans. First-name-like places are excluded on purpose.
_PLACE_NAMES_TEXT = """
Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan Bahrain
Bangladesh Belarus Belgium Benin Bhutan Bolivia Botswana Brazil Brunei Bulgaria Burundi Cambodia
Cameroon Canada Chile China Colombia Comoros Congo Croatia Cuba Cyprus Czechia Denmark Djibouti
Ecuador Egypt Eritrea Estonia Eswatini Ethiopia Fiji Finland France Gabon Gambia Germany Ghana Greece
Guatemala Guinea Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq Ireland Italy Jamaica
Japan Kazakhstan Kenya Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho Liberia Libya
Liechtenstein Lithuania Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta Mauritania
Mauritius Mexico Moldova Monaco Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nepal
Netherlands Nicaragua Niger Nigeria Norway Oman Pakistan Palestine Panama Paraguay Peru Philippines
Poland Portugal Qatar Romania Russia Rwanda Senegal Serbia Singapore Slovakia Slovenia Somalia Spain
Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Togo Tunisia Turkmenistan
Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam Yemen Zambia Zimbabwe Amsterdam Ankara Athens
Baghdad Baku Beijing Beirut Belgrade Berlin Bern Bratislava Brussels Bucharest Budapest Cairo
Chisinau Copenhagen Damascus Dublin Helsinki Islamabad Jerusalem Kabul Kyiv Lisbon Ljubljana London
Luxembourg Madrid Minsk Moscow Nicosia Oslo Ottawa Podgorica Prague Pristina Riga Rome Sarajevo
Skopje Sofia Stockholm Tallinn Tbilisi Tehran Tirana Tokyo Valletta Vienna Vilnius Warsaw Yerevan
Zagreb Kharkiv Odesa Lviv Donetsk Luhansk Crimea Sevastopol Mariupol Kherson Dnipro
"""
_MULTIWORD_PLACES = (
    "United States",
    "United Kingdom",
    "Saudi Arabia",
    "South Africa",
    "South Korea",
    "North Korea",
    "New Zealand",
    "Sri Lanka",
    "Costa Rica",
    "El Salvador",
    "Bosnia and Herzegovina",
    "North Macedonia",
    "San Marino",
    "Vatican City",
    "Black Sea",
    "Baltic Sea",
)
PLACE_NAMES = frozenset(_PLACE_NAMES_TEXT.split()) | frozenset(_MULTIWORD_PLACES)
_PLACE_NAME_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(p) for p in sorted(PLACE_NAMES, key=len, reverse=True))
    + r")(?![\w-])"
)

# Nationality and group adjectives. The small model tags a lone "Moldovan" PERSON or "Ukrainian"
# GPE, and a first name it does not know ("Inese") NORP; this list tells the two apart.
_DEMONYMS_TEXT = """
Afghan Albanian Algerian American Andorran Angolan Argentine Argentinian Armenian Australian Austrian
Azerbaijani Bahraini Bangladeshi Belarusian Belorussian Byelorussian Belgian Bolivian Bosnian
Brazilian British Bulgarian Cambodian Cameroonian Canadian Chilean Chinese Colombian Congolese
Croatian Cuban Cypriot Czech Danish Dutch Ecuadorian Egyptian Emirati English Eritrean Estonian
Ethiopian Filipino Finnish French Georgian German Ghanaian Greek Guatemalan Haitian Hungarian
Icelandic Indian Indonesian Iranian Iraqi Irish Israeli Italian Ivorian Jamaican Japanese Jordanian
Kazakh Kazakhstani Kenyan Korean Kosovan Kosovar Kuwaiti Kyrgyz Laotian Latvian Lebanese Liberian
Libyan Lithuanian Macedonian Malaysian Maltese Mexican Moldovan Moldavian Mongolian Montenegrin
Moroccan Nepalese Nigerian Norwegian Omani Pakistani Palestinian Panamanian Peruvian Polish
Portuguese Qatari Romanian Russian Rwandan Saudi Scottish Senegalese Serbian Singaporean Slovak
Slovakian Slovenian Slovene Somali Spanish Sudanese Swedish Swiss Syrian Taiwanese Tajik Thai
Tunisian Turkish Turkmen Ugandan Ukrainian Uzbek Venezuelan Vietnamese Welsh Yemeni Zimbabwean
African Arab Asian Baltic Balkan European Nordic Scandinavian Soviet Western Crimean Chechen Tatar
Kurdish Jewish Muslim Christian Catholic Orthodox Sunni Shia Shiite
"""
DEMONYMS = frozenset(_DEMONYMS_TEXT.split()) | frozenset(
    w + "s" for w in _DEMONYMS_TEXT.split() if w.endswith(("an", "i"))
)

# Lower-case nouns that, right before a name, say the name is an organisation: "the state nuclear
# company |Atomstroi|" (tagged PERSON), "the grid operator |Ukrenerhomerezha|" (tagged GPE).
_ORG_NOUN_BEFORE_RE = re.compile(
    r"(?<![\w-])(?:company|firm|operator|outlet|newspaper|daily|broadcaster|channel|agency|bank|group|"
    r"party|bloc|movement|think[- ]tank|insurer|carrier|airline|manufacturer|producer|publisher|website|"
    r"portal|magazine|holding|conglomerate|watchdog|regulator|utility|organi[sz]ation)\s+$"
)
# Ministry domains: "Defence" alone in "Defence Minister X" is part of a title, not an ORG mention.
_TITLE_DOMAIN_WORDS = frozenset(
    "Defence Defense Foreign Interior Finance Economy Health Justice Energy State Education Agriculture "
    "Culture Transport Infrastructure Trade Environment".split()
)
# Words that look like a name in Title Case but are parts of organisation names.
_NON_NAME_WORDS = frozenset(
    "affairs relations development security defence defense foreign internal external trade energy health "
    "justice finance economy economic policy studies research strategy strategic".split()
)
# A wire dateline at the start of a line: "BRUSSELS, March 4 (Reuters) - ", "VILNIUS (BNS) – ",
# "ODESA – ". Upper-case place only; the model tagged such datelines ORG or nothing.
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,2})"
    r"(?:,[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?(?:[ \t]+\([^)\n]{1,40}\))?[ \t]+[–—-]{1,2}[ \t]",
    re.MULTILINE,
)

# Words that mark an organisation, so a "Firstname Lastname"-looking tail is not made a PERSON.
_ORG_WORDS = frozenset(
    "ministry center centre institute university council committee agency party bank company group "
    "corporation office department union association foundation fund service army court commission "
    "organization organisation alliance federation news times post journal press forum conference "
    "summit assembly parliament academy school college club command forces media network bloc movement "
    "coalition authority orchestra board bureau directorate administration inspectorate guard police railway "
    "railways museum theatre theater hospital society trust chamber exchange studio cooperative choir "
    "ensemble league airport producers workers farmers employers inc ltd llc plc corp".split()
)

# Role vocabulary. Heads are nouns that name a person's function; modifiers narrow them.
_ROLE_HEADS = (
    r"political scientist|political analyst|secretary[- ]general|secretary of state|press secretary|"
    r"minister|president|premier|chancellor|spokesman|spokeswoman|spokesperson|secretary|ambassador|"
    r"envoy|diplomat|general|senator|governor|mayor|chairman|chairwoman|chairperson|director|expert|"
    r"analyst|researcher|professor|economist|commander|leader|king|queen|pope|lawmaker|official|"
    r"adviser|advisor|judge|prosecutor|historian|scholar|correspondent|journalist|head|ceo|colonel|"
    r"admiral|representative|politician|activist|lawyer|"
    # Ordinary people quoted in news copy ("Natalia Petrova, a teacher, said").
    r"teacher|doctor|nurse|student|farmer|resident|worker|engineer|pensioner|businessman|businesswoman|"
    r"entrepreneur|owner|driver|soldier|volunteer|priest|coach|captain|manager|councillor|councilor"
)
_ROLE_MODIFIERS = (
    r"(?:(?:first|deputy|vice|acting|former|chief|senior|foreign|defen[cs]e|interior|finance|economy|"
    r"economic|health|justice|energy|prime|state|press|presidential|military|leading|independent|"
    r"government|opposition|party|regional|national)[\s-]+)*"
)
_ROLE_PHRASE = rf"{_ROLE_MODIFIERS}(?:{_ROLE_HEADS})"
# "Lithuanian Foreign Minister |Name|", "said President |Name|"
_PRENOMINAL_ROLE_RE = re.compile(rf"(?<![\w-])(?P<role>{_ROLE_PHRASE})\s+$", re.IGNORECASE)
_ROLE_TAIL = r"(?P<tail>\s+(?:at|of|for|with|in|from|to)\s+[^,;:\n]+?)?"
# "|Name|, an expert at the Z Center," / "|Name|, director of the Y,"
_APPOSITIVE_AFTER_RE = re.compile(
    rf"^\s*,\s+(?:(?:an?|the)\s+)?(?P<role>(?:[A-Z][\w-]+\s+)?{_ROLE_PHRASE}){_ROLE_TAIL}\s*(?:,|;|\)|\.(?:\s|$)|$)",
    re.IGNORECASE,
)
# Machine-translation word order, no comma: "the mayor of Velgrad |Name|",
# "Minister of Internal Affairs |Name|".
_ROLE_OF_BEFORE_RE = re.compile(
    rf"(?<![\w-])(?P<role>{_ROLE_PHRASE})(?P<tail>\s+of\s+(?:the\s+)?(?:[\w-]+\s+){{1,4}}?)$", re.IGNORECASE
)
# "the spokesman for the Foreign Ministry, |Name|", "Ukraine's deputy defence minister, |Name|"
_APPOSITIVE_BEFORE_RE = re.compile(
    rf"(?<![\w-])(?:the|an?|[A-Z][\w-]*['’]s)\s+(?P<role>(?-i:[a-z][\w-]+\s+)?{_ROLE_PHRASE}){_ROLE_TAIL}\s*,\s*$",
    re.IGNORECASE,
)

# Titles and honorifics the model sometimes glues into a PERSON span. An optional nationality
# word may precede a title ("Slovak Prime Minister"), never an honorific.
_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Messrs)\.?"
_TITLE = (
    r"(?:(?:First\s+)?(?:Deputy\s+|Vice\s+|Acting\s+|Former\s+)?"
    r"(?:(?:Foreign|Defen[cs]e|Interior|Finance|Economy|Health|Justice|Energy|Prime)\s+)?Minister|"
    r"(?:Vice\s+)?President|Chancellor|Premier|Senator|Sen\.|Rep\.|Governor|Gov\.|General|Gen\.|Colonel|"
    r"Col\.|Admiral|Ambassador|Secretary(?:\s+of\s+State|[- ]General)?|Mayor|King|Queen|Pope|Prince|"
    r"Princess|Spokesman|Spokeswoman|Spokesperson|Professor|Judge|Chairman|Chairwoman)"
)
# Titles that reliably precede a person's name, for finding names the model missed entirely
# ("Latvian Foreign Minister Ivars Kalnietis" came out with no entity at all).
_NAME_AFTER_TITLE_RE = re.compile(
    r"(?<![\w-])(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?|(?:(?:Deputy|Vice)\s+)?(?:(?:Foreign|Defen[cs]e|Interior|Finance|"
    r"Economy|Health|Justice|Energy|Prime)\s+)?Minister|(?:Vice\s+)?President|Chancellor|Senator|Ambassador|"
    r"Mayor|Governor)[ \t]+(?P<of>of[ \t]+(?:the[ \t]+)?"
    # Translated title chains: "Minister of Defence of Ukraine |Name|", "of Foreign Affairs of Russia |Name|"
    r"(?:(?:[A-Z][\w-]+[ \t]+)+(?:of|and|for)[ \t]+(?:the[ \t]+)?){0,3}"
    r"(?=(?:[A-Z][\w-]+[ \t]+){3}))?"
    r"(?P<name>[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){0,5})"
)
_NOT_NAME_WORDS = frozenset(
    "The Of And For In On At January February March April May June July August September October "
    "November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
# The bare title is tried before "<Nationality> <Title>" so "Prime" is never taken for a nationality.
_LEADING_TITLE_RE = re.compile(
    rf"^(?:(?P<hon>{_HONORIFIC})\s+|(?P<title>{_TITLE})\s+|[A-Z][\w-]+\s+(?P<ntitle>{_TITLE})\s+)"
)

_LEADING_ROLE_NOUN_RE = re.compile(
    r"^(?P<role>(?:Economist|Analyst|Expert|Researcher|Historian|Professor|Journalist|Correspondent|Lawyer|"
    r"Activist|Lawmaker|Diplomat|Veteran|Striker|Midfielder|Defender|Goalkeeper|Forward|Winger|Coach|"
    r"Captain|Manager|Singer|Actor|Actress|Writer|Author|Director|Artist|Conductor|Businessman|"
    r"Businesswoman|Entrepreneur|Teacher|Doctor|Farmer|Pensioner|Resident|Volunteer))\s+"
)

# Lines that credit a photo rather than report anything.
_CREDIT_LINE_RE = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|photo(?:graph)?s?\s*(?:by\b|:)|image\s*(?:by\b|:)|picture\s*(?:by\b|:)|"
    r"credits?\s*:|foto\s*:|source\s*:|"
    # Wire sign-offs: "(Reporting by X; Editing by Y)", "Additional reporting by Z".
    r"\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|translated)\s+by\b)",
    re.IGNORECASE,
)
_INLINE_CREDIT_RE = re.compile(r"(?:\b(?:Photo|Image|Picture|Credit)s?\s*:|©)[^\n)]*", re.IGNORECASE)
_PLACE_CONTEXT_RE = re.compile(
    r"\b(?:town|city|village|region|province|district|port|capital|oblast|settlement)\s+of\s+$", re.IGNORECASE
)
# Words that cannot sit inside a name: their presence means the model swallowed two mentions.
_SWALLOW_WORDS = frozenset({"that", "who", "which", "whom", "whose", "said", "says", "told", "when", "while"})
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_EDGE_JUNK = " \t\r\n•·*-–—,;:!?\"'“”‘’«»„()[]{}|/"

_CURATED_ID = "newswatch-curated"
_DOC_CACHE_SIZE = 64


@dataclass
class _Span:
    """A candidate mention while the fix-up rules run (mutable, unlike Mention)."""

    start: int
    end: int
    label: str
    curated: bool = False  # from the ruler's lists: keep label and a leading "The"
    role: str | None = None


# --------------------------------------------------------------------------- model loading

_PARAGRAPH_COMPONENT = "newswatch_paragraph_breaks"
_PLACE_RULER = "newswatch_place_ruler"


@Language.component(_PARAGRAPH_COMPONENT)
def _mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    The parser otherwise runs sentences across paragraphs, gluing captions and subheads onto
    the next sentence ("Mastering the European military theater\n\nExperts believe …" became
    one sentence whose subject was the subhead).
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


def get_nlp() -> Language:
    """The shared pipeline for the configured model (loaded on first use, once per process)."""
    return _load_pipeline(settings.spacy_model())


@functools.lru_cache(maxsize=2)
def _load_pipeline(model_name: str) -> Language:
    # Every trained component stays on: NER needs tok2vec; quotes.py needs the parser (sentences,
    # subjects, clausal complements), the tagger and the lemmatizer (reporting-verb lemmas), and
    # reuses this Doc through `parse()`. Measured with en_core_web_sm 3.8 on a 9k-character wire
    # article (2 CPUs): ~240 ms without the parser, ~340 ms with it. One full parse shared by both
    # stages is cheaper than an NER-only pass here plus a second full parse in quotes.
    nlp = spacy.load(model_name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(_PARAGRAPH_COMPONENT, before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": False})
    ruler.add_patterns(_ruler_patterns())  # type: ignore[attr-defined]
    # Place variants from the alias seeds go *after* the model and only fill gaps: claimed before
    # it, "Russia" and "Kyiv" cut "Bank of Russia" and "Kyiv Institute of Trade" into pieces.
    places = nlp.add_pipe("entity_ruler", name=_PLACE_RULER, after="ner", config={"overwrite_ents": False})
    places.add_patterns(_place_patterns())  # type: ignore[attr-defined]
    log.info("loaded spaCy pipeline %s (%s)", model_name, ", ".join(nlp.pipe_names))
    return nlp


def _ruler_patterns() -> list[dict[str, object]]:
    patterns: list[dict[str, object]] = []
    org_aliases = tuple(form for a in load_aliases() if a.cls == "ORG" for form in (a.variant, a.canonical))
    for name in dict.fromkeys(OUTLET_NAMES + INSTITUTION_NAMES + org_aliases):
        patterns.append({"label": "ORG", "pattern": name, "id": _CURATED_ID})
        if name.startswith("The "):
            patterns.append({"label": "ORG", "pattern": "the " + name[4:], "id": _CURATED_ID})
    return patterns


def _place_patterns() -> list[dict[str, object]]:
    return [{"label": "GPE", "pattern": form} for form in sorted(_alias_place_forms())]


@functools.lru_cache(maxsize=1)
def _alias_place_forms() -> frozenset[str]:
    """Every spelling of a place in the alias seeds ("Kiev", "Kyiv", "Kharkov", ...)."""
    return frozenset(form for a in load_aliases() if a.cls == "LOC" for form in (a.variant, a.canonical))


def _is_known_place(surface: str) -> bool:
    return surface in PLACE_NAMES or surface in _alias_place_forms()


# --------------------------------------------------------------------------- public API


def parse(text: str) -> Doc:
    """The spaCy Doc for `text`, reusing a recent parse of the same text.

    entities and quotes both need the parse; the pipeline runs entities for a batch first, then
    quotes per article, so a small per-process cache of recent Docs saves a second parse.
    """
    cached = _DOC_CACHE.get(text)
    if cached is not None:
        _DOC_CACHE.move_to_end(text)
        return cached
    doc = get_nlp()(text)
    _remember(text, doc)
    return doc


def extract_entities(text: str) -> list[Mention]:
    """Entity mentions in `text`, in order, with offsets into `text`."""
    return mentions_from_doc(text, parse(text))


def extract_entities_batch(texts: Sequence[str], batch_size: int = 16) -> list[list[Mention]]:
    """`extract_entities` for many texts, using `nlp.pipe` batching."""
    results: list[list[Mention]] = []
    capacity = max(_DOC_CACHE_SIZE, len(texts))  # keep the whole batch for quotes.py
    for text, doc in zip(texts, get_nlp().pipe(texts, batch_size=batch_size), strict=True):
        _remember(text, doc, capacity)
        results.append(mentions_from_doc(text, doc))
    log.debug("extracted entities from %d texts", len(texts))
    return results


def mentions_from_doc(text: str, doc: Doc) -> list[Mention]:
    """Apply the fix-up rules and in-document resolution to a parsed Doc."""
    spans = _initial_spans(doc)
    spans = [s for s in (_clean_edges(text, s) for s in spans) if s is not None]
    spans = _merge_adjacent_words(text, spans)
    spans = _merge_first_name_into_person(text, spans)
    spans = _split_swallowed(text, spans)
    spans = _split_org_before_person(text, spans)
    spans = [s for s in (_strip_person_title(text, s) for s in spans) if s is not None]
    spans = _add_titled_people(text, spans)
    spans = _add_appositive_people(text, spans)
    spans = _relabel_by_context(text, spans)
    spans = _add_untagged_places(text, spans)
    spans = _add_datelines(text, spans)
    spans = _add_untagged_demonyms(text, spans)
    spans = _relabel_consistently(text, spans)
    spans = _drop_credit_spans(text, spans)
    spans = _drop_title_fragments(text, spans)
    spans = _relabel_surnames(text, spans)
    spans = _add_untagged_surnames(text, spans)
    spans = _merge_first_name_into_person(text, spans)
    spans = _extend_surnames_leftward(text, spans)
    return resolve_in_document(text, [_span_to_mention(text, s) for s in spans])


_DOC_CACHE: OrderedDict[str, Doc] = OrderedDict()


def _remember(text: str, doc: Doc, capacity: int = _DOC_CACHE_SIZE) -> None:
    # The tok2vec tensor is ~2/3 of a Doc's memory (about 1 MB for a 9k-character article) and
    # nothing downstream reads it once the pipeline has run.
    doc.tensor = doc.tensor[:0].copy()  # a copy, so the full array can be freed
    _DOC_CACHE[text] = doc
    _DOC_CACHE.move_to_end(text)
    while len(_DOC_CACHE) > capacity:
        _DOC_CACHE.popitem(last=False)


# --------------------------------------------------------------------------- span fix-ups


def _initial_spans(doc: Doc) -> list[_Span]:
    return [
        _Span(ent.start_char, ent.end_char, ent.label_, curated=ent.ent_id_ == _CURATED_ID)
        for ent in doc.ents
        if ent.label_ in KEPT_LABELS
    ]


def _clean_edges(text: str, span: _Span) -> _Span | None:
    """Cut at a line break, strip bullets/quotes/punctuation, a leading "the", a possessive."""
    start, end = span.start, span.end
    piece = text[start:end]
    if "\n" in piece:
        # Keep the line with the most letters ("Rukla\n\n  •" -> "Rukla").
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", piece)]
        best = max(lines, key=lambda se: sum(ch.isalpha() for ch in piece[se[0] : se[1]]), default=None)
        if best is None:
            return None
        start, end = start + best[0], start + best[1]
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    possessive = _POSSESSIVE_RE.search(text[start:end])
    if possessive:
        end = start + possessive.start()
    score = re.search(r"\s+\d+[-–:]\d+$", text[start:end])  # "Shakhtar Donetsk 2-1"
    if score and span.label != "EVENT":
        end = start + score.start()
    # A lower-case "the" is never part of a name; a capital "The" is, for curated outlet names.
    leading = re.match(r"the\s+" if span.curated else r"(?:the|The)\s+", text[start:end])
    if leading and end - start > leading.end():
        start += leading.end()
    if end <= start or not any(ch.isalpha() for ch in text[start:end]):
        return None
    return replace(span, start=start, end=end)


def _words(text: str, span: _Span) -> list[re.Match[str]]:
    return list(re.finditer(r"\S+", text[span.start : span.end]))


def _looks_like_person_name(words: Sequence[str]) -> bool:
    return (
        1 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not any(w.casefold().strip(".,") in _ORG_WORDS for w in words)
    )


def _split_swallowed(text: str, spans: list[_Span]) -> list[_Span]:
    """Split spans that swallowed a neighbour: "<Place> First Last", "<ORG> that First Last"."""
    out: list[_Span] = []
    for span in spans:
        out.extend(_split_one(text, span))
    return out


_PLACE_LIST_RE = re.compile(r"^(?P<a>.+?)(?P<sep>,\s+|\s+and\s+|\s*&\s*)(?P<b>.+)$")


def _split_one(text: str, span: _Span) -> list[_Span]:
    if span.curated:
        return [span]
    # "Kharkiv and Odesa" tagged as one ORG: two known places joined.
    listed = _PLACE_LIST_RE.match(text[span.start : span.end])
    if listed and _is_known_place(listed.group("a")) and _is_known_place(listed.group("b")):
        return [
            _Span(span.start, span.start + listed.end("a"), "GPE"),
            _Span(span.start + listed.start("b"), span.end, "GPE"),
        ]
    words = _words(text, span)
    for i, word in enumerate(words[1:], start=1):
        if word.group().casefold() in _SWALLOW_WORDS:
            head = _Span(span.start, span.start + words[i - 1].end(), span.label)
            tail = [w.group() for w in words[i + 1 :]]
            parts = [head]
            if len(tail) >= 2 and _looks_like_person_name(tail):
                parts.append(_Span(span.start + words[i + 1].start(), span.end, "PERSON"))
            return parts
    if span.label in ("ORG", "PERSON") and len(words) >= 3 and words[0].group() in PLACE_NAMES:
        rest = [w.group() for w in words[1:]]
        if _looks_like_person_name(rest):
            return [
                _Span(span.start, span.start + words[0].end(), "GPE"),
                _Span(span.start + words[1].start(), span.end, "PERSON"),
            ]
    if span.label == "ORG":
        return _split_trailing_person(text, span, words)
    return [span]


def _split_trailing_person(text: str, span: _Span, words: Sequence[re.Match[str]]) -> list[_Span]:
    """ "Minister of Agriculture Bogdan Rusu" / "Riverside district Olena Marchuk" tagged ORG.

    Machine-translated word order puts the name straight after the role or place; the model
    then reads the whole run as one organisation. The last two capitalised words become the
    PERSON when the run starts with a title or a lower-case word sits right before them.
    """
    if len(words) < 3:
        return [span]
    tail = [w.group() for w in words[-2:]]
    before = words[-3].group()
    starts_with_title = _LEADING_TITLE_RE.match(text[span.start : span.end] + " ") is not None
    if (
        not _looks_like_person_name(tail)
        or any(w in PLACE_NAMES for w in tail)
        or any(w.casefold() in _NON_NAME_WORDS for w in tail)
    ):
        return [span]
    # "the Lithuanian Foreign Ministry Gabrielyus Varnas": an organisation noun ends the head.
    after_org_word = before.casefold() in _ORG_WORDS
    if not (
        starts_with_title
        or after_org_word
        or (before.islower() and before not in ("of", "the", "and", "for"))
    ):
        return [span]
    person = _Span(span.start + words[-2].start(), span.end, "PERSON")
    if starts_with_title:
        return [person]  # the title is a role, found again by find_role
    return [_Span(span.start, span.start + words[-3].end(), span.label), person]


def _strip_person_title(text: str, span: _Span) -> _Span | None:
    """Drop glued titles/honorifics from a PERSON span, keeping a title as the role."""
    if span.label != "PERSON":
        return span
    while True:
        # Match on a slice: a "^"-anchored pattern never matches at pos > 0 of the full text.
        match = _LEADING_TITLE_RE.match(text[span.start : span.end])
        if not match or span.start + match.end() >= span.end:
            break
        title = match.group("title") or match.group("ntitle")
        span = replace(
            span,
            start=span.start + match.end(),
            role=span.role or (" ".join(title.split()).casefold() if title else None),
        )
    # "Striker Vadym Krasnov", "Economist Ivan Popkov": a sentence-initial role noun glued on.
    noun = _LEADING_ROLE_NOUN_RE.match(text[span.start : span.end])
    if noun and len(text[span.start + noun.end() : span.end].split()) >= 2:
        span = replace(span, start=span.start + noun.end(), role=span.role or noun.group("role").casefold())
    return span if any(ch.isalpha() for ch in text[span.start : span.end]) else None


def _add_titled_people(text: str, spans: list[_Span]) -> list[_Span]:
    """Add a PERSON for "<Title> First Last" the model missed or mislabelled."""
    out = list(spans)
    for match in _NAME_AFTER_TITLE_RE.finditer(text):
        found = _titled_name(match)
        if found is None:
            continue
        out = _replace_with_person(out, *found)
    return out


_CAPITALISED_RUN_RE = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2}(?=,)")


def _add_appositive_people(text: str, spans: list[_Span]) -> list[_Span]:
    """Add a PERSON for "First Last, <role> of/at …," when the model tagged nothing there.

    The small model misses unfamiliar names even with an apposition that says who they are
    ("Alexei Podgornov, head of the Institute for Defence Studies, admitted …").
    """
    out = list(spans)
    for match in _CAPITALISED_RUN_RE.finditer(text):
        words = match.group().split()
        if (
            words[0] in _NOT_NAME_WORDS
            or any(w in PLACE_NAMES for w in words)
            or not _looks_like_person_name(words)
            or not _APPOSITIVE_AFTER_RE.match(text[match.end() : match.end() + 200])
        ):
            continue
        out = _replace_with_person(out, match.start(), match.end())
    return out


def _replace_with_person(spans: list[_Span], start: int, end: int) -> list[_Span]:
    """Put a PERSON at [start, end) unless it would cut a PERSON or curated span or stick out of one.

    Non-person spans the model put inside the name ("Efremov" tagged ORG) give way.
    """
    overlapping = [s for s in spans if s.start < end and start < s.end]
    if any(s.label == "PERSON" or s.curated or not (start <= s.start and s.end <= end) for s in overlapping):
        return spans
    kept = [s for s in spans if s not in overlapping]
    return sorted([*kept, _Span(start, end, "PERSON")], key=lambda s: s.start)


def _titled_name(match: re.Match[str]) -> tuple[int, int] | None:
    """Offsets of the name in a title match, or None when the words do not look like a name."""
    name = match.group("name")
    words = name.split()
    # "Minister of Internal Affairs Iurii Kovalenko": after "of <Org>" the name is the last two
    # words (most names in wire copy are two words); otherwise at most three words.
    words = words[-2:] if match.group("of") else words[:3]
    if words:
        words[-1] = _POSSESSIVE_RE.sub("", words[-1])
    while words and (words[-1] in _NOT_NAME_WORDS or words[-1].casefold() in _ORG_WORDS):
        words.pop()
    if (
        not words
        or words[0] in _NOT_NAME_WORDS
        or words[0] in PLACE_NAMES
        or not _looks_like_person_name(words)
    ):
        return None
    joined = " ".join(words)
    offset = name.rfind(joined) if match.group("of") else name.find(joined)
    if offset == -1:
        return None  # irregular spacing inside the name: leave it to the model
    start = match.start("name") + offset
    return start, start + len(joined)


def _merge_adjacent_words(text: str, spans: list[_Span]) -> list[_Span]:
    """ "|Natalia| |Petrova|" tagged as two GPEs: two one-word spans of one label, one space
    apart, neither a known place or nationality, are one mention (labels are fixed later)."""
    out: list[_Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.label == span.label
            and span.label in ("GPE", "LOC", "NORP", "ORG", "PERSON")
            and not (previous.curated or span.curated)
            and text[previous.end : span.start] == " "
        ):
            first, second = text[previous.start : previous.end], text[span.start : span.end]
            if (
                " " not in first + second
                and not any(_is_known_place(w) or w in DEMONYMS for w in (first, second))
                and _looks_like_person_name([first, second])
            ):
                out[-1] = _Span(previous.start, span.end, span.label)
                continue
        out.append(span)
    return out


def _merge_first_name_into_person(text: str, spans: list[_Span]) -> list[_Span]:
    """ "Inese Kalnina": an unknown first name tagged NORP right before a PERSON joins it."""
    out: list[_Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.label == "NORP"
            and span.label == "PERSON"
            and text[previous.end : span.start] == " "
            and text[previous.start : previous.end] not in DEMONYMS
            and _looks_like_person_name(text[previous.start : span.end].split())
        ):
            out[-1] = _Span(previous.start, span.end, "PERSON")
            continue
        out.append(span)
    return out


# "the general director of |Atomstroi Yuri Markov|": translated word order glues the organisation
# (or place) the role belongs to onto the name.
_ROLE_OF_END_RE = re.compile(rf"(?<![\w-]){_ROLE_PHRASE}\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_ROLE_OF_NEAR_END_RE = re.compile(
    rf"(?<![\w-]){_ROLE_PHRASE}\s+of\s+(?:the\s+)?(?:[\w-]+\s+){{0,4}}$", re.IGNORECASE
)


def _split_org_before_person(text: str, spans: list[_Span]) -> list[_Span]:
    """Split "<Org> First Last" after "<role> of" into the organisation and the person."""
    out: list[_Span] = []
    for span in spans:
        words = _words(text, span)
        before = text[max(0, span.start - 80) : span.start].split("\n")[-1]
        tail = [w.group() for w in words[-2:]]
        head = text[span.start : span.start + words[-3].end()] if len(words) >= 3 else ""
        if (
            span.curated
            or span.label not in ("PERSON", "ORG")
            or len(words) < 3
            or not _ROLE_OF_END_RE.search(before)
            or not _looks_like_person_name(tail)
            or any(w.casefold() in _NON_NAME_WORDS or w in PLACE_NAMES for w in tail)
            or _LEADING_TITLE_RE.match(text[span.start : span.end] + " ")
        ):
            out.append(span)
            continue
        head_label = "GPE" if _is_known_place(head) else "ORG"
        out.append(_Span(span.start, span.start + words[-3].end(), head_label))
        out.append(_Span(span.start + words[-2].start(), span.end, "PERSON"))
    return out


def _add_datelines(text: str, spans: list[_Span]) -> list[_Span]:
    """The upper-case place of a wire dateline is a GPE ("VILNIUS (BNS) –", "KYIV, June 2 (AP) —")."""
    curated = {n.casefold() for n in OUTLET_NAMES + INSTITUTION_NAMES}
    org_aliases = {a.variant.casefold() for a in load_aliases() if a.cls == "ORG"}
    out = list(spans)
    for match in _DATELINE_RE.finditer(text):
        place = match.group("place")
        if place.casefold() in curated or place.casefold() in org_aliases or len(place) < 3:
            continue
        start, end = match.start("place"), match.end("place")
        overlapping = [s for s in out if s.start < end and start < s.end]
        # A model span running from the place across the dash ("LVIV – City") gives way too.
        if any(
            s.curated or not (start <= s.start and (s.end <= end or s.start == start)) for s in overlapping
        ):
            continue
        out = [s for s in out if s not in overlapping] + [_Span(start, end, "GPE")]
    return sorted(out, key=lambda s: s.start)


def _drop_title_fragments(text: str, spans: list[_Span]) -> list[_Span]:
    """Drop "Defence" in "Defence Minister X" and "State" in "Secretary of State": titles, not ORGs."""
    out: list[_Span] = []
    for span in spans:
        surface = text[span.start : span.end]
        words = surface.split()
        after = text[span.end : span.end + 12]
        if span.label == "ORG" and not span.curated and surface in _TITLE_DOMAIN_WORDS:
            before = text[max(0, span.start - 20) : span.start]
            if re.match(r"\s+Ministers?\b", after) or re.search(r"Secretary\s+of\s+(?:the\s+)?$", before):
                continue
        if (
            not span.curated
            and span.label in ("PERSON", "ORG")
            and len(words) == 2
            and words[0] in DEMONYMS
            and words[1] in _TITLE_DOMAIN_WORDS
            and re.match(r"\s+Ministers?\b", after)
        ):
            # "|Moldovan Energy| Minister Victor Rusnac": the nationality is a NORP, the rest a title.
            out.append(_Span(span.start, span.start + len(words[0]), "NORP"))
            continue
        out.append(span)
    return out


def _relabel_by_context(text: str, spans: list[_Span]) -> list[_Span]:
    """Fix labels the local context makes certain: known places, "town of X", "Minister X"."""
    out: list[_Span] = []
    for span in spans:
        surface = text[span.start : span.end]
        before = text[max(0, span.start - 80) : span.start]
        person_shaped = _looks_like_person_name(surface.split())
        if span.curated:
            pass
        elif surface in DEMONYMS and span.label in ("PERSON", "GPE", "ORG", "LOC"):
            span = replace(span, label="NORP")  # "Moldovan President X": "Moldovan" tagged PERSON
        elif (
            span.label in ("PERSON", "GPE", "LOC", "NORP", "PRODUCT", "FAC", "WORK_OF_ART")
            and _ORG_NOUN_BEFORE_RE.search(before)
            and not _is_known_place(surface)
            # "the Governor of the central bank |Martin Vogt|": translated order, the noun ends a role.
            and not (len(surface.split()) >= 2 and person_shaped and _ROLE_OF_NEAR_END_RE.search(before))
        ):
            span = replace(span, label="ORG")  # "the state nuclear company Atomstroi"
        elif (
            span.label in ("LOC", "GPE", "FAC")
            and len(surface.split()) > 1
            and surface.split()[-1].casefold() in _ORG_WORDS
            and not _is_known_place(surface)
        ):
            span = replace(span, label="ORG")  # "Renewal Bloc" tagged LOC
        elif (
            span.label == "PERSON"
            and len(surface.split()) == 2
            and _is_known_place(surface.split()[1])
            and not _is_known_place(surface.split()[0])
            and not _has_person_context(text, span, before)
        ):
            span = replace(span, label="ORG")  # "Dynamo Kyiv", "Shakhtar Donetsk": clubs, not people
        elif span.label == "PERSON" and not person_shaped and len(surface.split()) > 1:
            span = replace(span, label="ORG")  # "Policy Forum" tagged PERSON
        elif _is_known_place(surface):
            # Before the person-context rule: "the President of the United States, Mr. Biden".
            if span.label in ("ORG", "PERSON", "NORP", "PRODUCT", "LOC"):
                span = replace(span, label="LOC" if surface.endswith(" Sea") else "GPE")
        elif span.label != "PERSON" and person_shaped and _has_person_context(text, span, before):
            span = replace(span, label="PERSON")
        elif span.label in ("ORG", "PERSON", "PRODUCT") and _PLACE_CONTEXT_RE.search(before):
            span = replace(span, label="GPE")
        elif span.label == "ORG" and " " not in surface and re.search(r"(?<![\w-])near\s+$", before):
            span = replace(span, label="GPE")  # "exercises near Brest": nobody is near an organisation
        out.append(span)
    return out


def _has_person_context(text: str, span: _Span, before: str) -> bool:
    """A title or honorific right before, or a role apposition around, marks a person."""
    before = before.split("\n")[-1]
    if _PRENOMINAL_ROLE_RE.search(before) or re.search(rf"{_HONORIFIC}\s+$", before):
        return True
    # Apposition needs two name words: "NATO, the alliance's head office" is not a person.
    return len(text[span.start : span.end].split()) >= 2 and find_role(text, span.start, span.end) is not None


def _add_untagged_places(text: str, spans: list[_Span]) -> list[_Span]:
    """Add GPE spans for gazetteer countries/capitals the model left untagged.

    The model misses capitals standing alone in short subheads ("Bratislava against").
    Matching is exact and case-sensitive on capitalised names, outside every existing span.
    """
    covered = [(s.start, s.end) for s in spans]
    span_starts = {s.start for s in spans}
    added: list[_Span] = []
    for match in _PLACE_NAME_RE.finditer(text):
        # "Sofia Lindqvist": a capitalised word right after makes the place a first name, unless
        # that word starts a mention of its own ("Defence of Ukraine |Aleksandr Voloshin|").
        following = re.match(r"[ \t]+(?=[A-Z][a-z])", text[match.end() : match.end() + 3])
        if following and match.end() + following.end() not in span_starts:
            continue
        if not any(a < match.end() and match.start() < b for a, b in covered):
            label = "LOC" if match.group().endswith(" Sea") else "GPE"
            added.append(_Span(match.start(), match.end(), label))
    return sorted(spans + added, key=lambda s: s.start) if added else spans


_DEMONYM_RE = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(DEMONYMS, key=len, reverse=True)) + r")(?![\w-])")


def _add_untagged_demonyms(text: str, spans: list[_Span]) -> list[_Span]:
    """Add NORP spans for nationality adjectives outside every mention.

    The model skips some right after a dateline ("VILNIUS (BNS) – Lithuanian Foreign Minister").
    """
    covered = [(s.start, s.end) for s in spans]
    added = [
        _Span(m.start(), m.end(), "NORP")
        for m in _DEMONYM_RE.finditer(text)
        if not any(a < m.end() and m.start() < b for a, b in covered)
    ]
    return sorted(spans + added, key=lambda s: s.start) if added else spans


def _extend_surnames_leftward(text: str, spans: list[_Span]) -> list[_Span]:
    """ "• Gabrielius |Varnas|": a surname span preceded by the rest of a full name found elsewhere
    in the text becomes the full name (the model tags only the surname in short captions)."""
    full_names = {
        text[s.start : s.end]
        for s in spans
        if s.label == "PERSON" and len(text[s.start : s.end].split()) >= 2
    }
    starts = {s.start for s in spans}
    out: list[_Span] = []
    for span in spans:
        surface = text[span.start : span.end]
        if span.label == "PERSON" and " " not in surface:
            for name in full_names:
                head = name[: -len(surface)]
                if (
                    name.endswith(" " + surface)
                    and text[max(0, span.start - len(head)) : span.start] == head
                    and span.start - len(head) not in starts
                    and (span.start - len(head) == 0 or not text[span.start - len(head) - 1].isalnum())
                ):
                    span = replace(span, start=span.start - len(head))
                    break
        out.append(span)
    return out


def _relabel_consistently(text: str, spans: list[_Span]) -> list[_Span]:
    """A one-word PERSON/ORG span whose text the model labelled GPE/LOC elsewhere is that place.

    On real copy the model tagged "Rukla" GPE after "the town of", then PERSON in a caption.
    """
    places = {text[s.start : s.end] for s in spans if s.label in ("GPE", "LOC")}
    person_words = {w for s in spans if s.label == "PERSON" for w in text[s.start : s.end].split()[:-1]}
    out: list[_Span] = []
    for span in spans:
        surface = text[span.start : span.end]
        if (
            span.label in ("PERSON", "ORG")
            and not span.curated
            and " " not in surface
            and surface in places
            and surface not in person_words
        ):
            span = replace(span, label="GPE")
        out.append(span)
    return out


def _credit_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of photo-credit lines and inline credits."""
    curated = {n.casefold() for n in OUTLET_NAMES}
    ranges: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        body = line.group().strip(" \t•·*-–—")
        if not body:
            continue
        words = body.split()
        is_credit = (
            _CREDIT_LINE_RE.match(body) is not None
            or body.casefold() in curated
            or (
                len(words) <= 8
                and "/" in body
                and any(p.strip().casefold() in curated for p in body.split("/"))
            )
        )
        if is_credit:
            ranges.append((line.start(), line.end()))
    ranges.extend((m.start(), m.end()) for m in _INLINE_CREDIT_RE.finditer(text))
    return ranges


def _drop_credit_spans(text: str, spans: list[_Span]) -> list[_Span]:
    ranges = _credit_ranges(text)
    return [
        s
        for s in spans
        if not any(a <= s.start and s.end <= b for a, b in ranges) and not _is_bullet_org_line(text, s)
    ]


def _is_bullet_org_line(text: str, span: _Span) -> bool:
    """A bulleted caption line that is nothing but one organisation name is a picture credit."""
    if span.label != "ORG":
        return False
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    stripped = line.strip()
    return stripped[:1] in "•·*" and stripped[1:].strip() == text[span.start : span.end]


def _surname_index(text: str, spans: Iterable[_Span]) -> set[tuple[str, ...]]:
    """Folded word-suffixes of every multi-word PERSON name ("landsbergis", ...)."""
    suffixes: set[tuple[str, ...]] = set()
    for span in spans:
        if span.label != "PERSON":
            continue
        folded = _folded_words(text[span.start : span.end])
        for i in range(1, len(folded)):
            suffixes.add(tuple(folded[i:]))
    return suffixes


def _folded_words(name: str) -> list[str]:
    return [fold_transliteration(w) for w in normalise_name(name).split()]


def _relabel_surnames(text: str, spans: list[_Span]) -> list[_Span]:
    """A non-PERSON span that is the surname of a full PERSON name in this text is that person.

    The small model labels bare surnames ORG/GPE after it has tagged the full name PERSON
    ("Landsbergis" -> ORG, "Zakharova" -> ORG on real wire copy).
    """
    suffixes = _surname_index(text, spans)
    # The whole name counts too: a second "Olena Shevchuk" after a quote came out WORK_OF_ART.
    full_names = {tuple(_folded_words(text[s.start : s.end])) for s in spans if s.label == "PERSON"}
    out: list[_Span] = []
    for span in spans:
        surface = text[span.start : span.end]
        folded = tuple(_folded_words(surface))
        if (
            span.label in ("ORG", "GPE", "LOC", "NORP", "PRODUCT", "FAC", "WORK_OF_ART", "EVENT", "LAW")
            and not span.curated
            and surface not in PLACE_NAMES
            and (folded in suffixes or (len(folded) >= 2 and folded in full_names))
        ):
            span = replace(span, label="PERSON")
        out.append(span)
    return out


def _add_untagged_surnames(text: str, spans: list[_Span]) -> list[_Span]:
    """Add PERSON spans for later bare occurrences of a known surname the model did not tag.

    The small model misses surnames in odd positions (sentence-final after a glued quote mark:
    ``hands, ”Podberezkin summed up``); only the exact spelling of a multi-word name's last word
    is searched, case-sensitively, so common words are not turned into people.
    """
    surnames = {
        text[s.start : s.end].split()[-1]
        for s in spans
        if s.label == "PERSON" and len(text[s.start : s.end].split()) >= 2
    }
    covered = [(s.start, s.end) for s in spans]
    added: list[_Span] = []
    for surname in surnames:
        if len(surname) < 4 or not surname[:1].isupper():
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            if not any(a < match.end() and match.start() < b for a, b in covered):
                added.append(_Span(match.start(), match.end(), "PERSON"))
                covered.append((match.start(), match.end()))
    if added:
        log.debug("added %d untagged surname mentions", len(added))
    return spans + added


# --------------------------------------------------------------------------- resolution and roles


def resolve_in_document(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Resolve mentions within one document: full names for surnames, one role per person, keys.

    `mentions` need only offsets and labels (and optionally a role found while stripping a glued
    title); `name`, `entity_key` and `role` are recomputed.
    """
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    names = _resolve_person_names(ordered)
    names.update(_resolve_org_names(text, ordered))
    roles = _person_roles(text, ordered, names)
    resolved: list[Mention] = []
    for index, mention in enumerate(ordered):
        name = names.get(index, mention.text)
        key = entity_key(name, mention.label)
        role = roles.get(key) if mention.label == "PERSON" else None
        resolved.append(replace(mention, name=name, entity_key=key, role=role))
    return resolved


# Head nouns an article uses alone for an organisation it named in full ("the Commission" after
# "the European Commission"). Media words (Times, Post) are left out: "the Times" is its own paper.
_ORG_SHORT_FORM_HEADS = frozenset(
    "commission council ministry committee agency parliament assembly court bank institute university "
    "centre center alliance union federation party bloc fund service company corporation".split()
)
_ACRONYM_SKIP_WORDS = frozenset("of for the and on in at to de".split())


def _resolve_org_names(text: str, mentions: Sequence[Mention]) -> dict[int, str]:
    """Map index -> full organisation name for short forms and bracketed acronyms in this text.

    "International Atomic Energy Agency (IAEA) … IAEA inspectors" and "European Commission …
    Commission spokeswoman": the later mentions take the full name (and so its key).
    """
    long_names = [
        (i, m.text) for i, m in enumerate(mentions) if m.label == "ORG" and len(m.text.split()) >= 2
    ]
    acronyms: dict[str, str] = {}
    for i, name in long_names:
        after = re.match(r"\s*\(\s*([A-Z][A-Z0-9&-]{1,9})\s*\)", text[mentions[i].end : mentions[i].end + 16])
        if after and after.group(1).replace("-", "") == _initials(name):
            acronyms[after.group(1)] = name
    names: dict[int, str] = {}
    for index, mention in enumerate(mentions):
        if mention.label not in ("ORG", "GPE", "NORP", "PERSON") or " " in mention.text:
            continue
        if mention.text in acronyms:
            names[index] = acronyms[mention.text]
        elif mention.label == "ORG" and mention.text.casefold() in _ORG_SHORT_FORM_HEADS:
            candidates = [(i, name) for i, name in long_names if name.split()[-1] == mention.text]
            if candidates:
                names[index] = _nearest_candidate(index, candidates)
    return names


def _initials(name: str) -> str:
    words = re.split(r"[\s-]+", name)
    return "".join(w[0].upper() for w in words if w and w.casefold() not in _ACRONYM_SKIP_WORDS)


def _span_to_mention(text: str, span: _Span) -> Mention:
    surface = text[span.start : span.end]
    return Mention(span.start, span.end, surface, span.label, surface, "", span.role)


def _resolve_person_names(mentions: Sequence[Mention]) -> dict[int, str]:
    """Map index -> full name for PERSON mentions (a full name keeps its first spelling)."""
    first_spelling = _unify_full_names(mentions)
    full: list[tuple[int, list[str], str]] = []  # (index, folded words, first spelling of that person)
    for index, mention in enumerate(mentions):
        if mention.label == "PERSON" and len(mention.text.split()) >= 2:
            full.append(
                (index, _folded_words(mention.text), first_spelling[entity_key(mention.text, "PERSON")])
            )
    names: dict[int, str] = {}
    for index, mention in enumerate(mentions):
        if mention.label != "PERSON":
            continue
        folded = _folded_words(mention.text)
        if len(folded) >= 2:
            names[index] = first_spelling[entity_key(mention.text, "PERSON")]
            continue
        # A surname (in any romanisation) that ends a full name seen anywhere in the document.
        candidates = [
            (i, name)
            for i, words, name in full
            if len(words) > len(folded) and words[-len(folded) :] == folded
        ]
        if candidates:
            names[index] = _nearest_candidate(index, candidates)
    return names


def _unify_full_names(mentions: Sequence[Mention]) -> dict[str, str]:
    """Person key -> the display name of the person it refers to in this document.

    Spellings with different keys are one person when ``identity.match_entity`` says so (a
    cognate given name, "Volodymyr"/"Vladimir"; an initial, "A. Voloshyn"; a looser surname
    fold). Names with a full given name come first, in text order, so an initial attaches to
    the full name rather than founding the person; the first full spelling is the display name.
    """
    multi = [m.text for m in mentions if m.label == "PERSON" and len(m.text.split()) >= 2]
    ordered = sorted(multi, key=lambda t: _has_initial_given_name(t))  # stable: text order kept
    display: dict[str, str] = {}
    known: list[KnownEntity] = []
    names_by_id: list[str] = []
    for surface in ordered:
        key = entity_key(surface, "PERSON")
        if key in display:
            continue
        match = match_entity(key, "PERSON", surface, known)
        if match.entity_id is None:
            names_by_id.append(surface)
            entity_id = len(names_by_id) - 1
        else:
            entity_id = match.entity_id
        known.append(KnownEntity(entity_id, key, "PERSON", names_by_id[entity_id]))
        display[key] = names_by_id[entity_id]
    return display


def _has_initial_given_name(name: str) -> bool:
    words = normalise_name(name).split()
    return bool(words) and len(words[0]) == 1


def _nearest_candidate(index: int, candidates: Sequence[tuple[int, str]]) -> str:
    """Prefer the closest full name before the surname, else the closest one after it."""
    before = [c for c in candidates if c[0] < index]
    if before:
        return max(before)[1]
    return min(candidates)[1]


def _person_roles(text: str, mentions: Sequence[Mention], names: dict[int, str]) -> dict[str, str]:
    """First role phrase the article attached to each person, keyed by the person's entity key."""
    roles: dict[str, str] = {}
    for index, mention in enumerate(mentions):
        if mention.label != "PERSON":
            continue
        key = entity_key(names.get(index, mention.text), "PERSON")
        if key in roles:
            continue
        role = mention.role or find_role(text, mention.start, mention.end)
        if role:
            roles[key] = role
    return roles


def find_role(text: str, start: int, end: int) -> str | None:
    """Role phrase attached to the mention at [start, end): prenominal title or apposition."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    # "the President of the United States, Mr. Biden": the honorific sits between role and name.
    before = re.sub(rf"{_HONORIFIC}\s+$", "", text[line_start:start])
    after = text[end : line_end if line_end != -1 else len(text)]
    match = _APPOSITIVE_AFTER_RE.match(after)
    if match:
        return _format_role(match.group("role"), match.group("tail"), drop_nationality=True)
    match = _APPOSITIVE_BEFORE_RE.search(before)
    if match:
        return _format_role(match.group("role"), match.group("tail"))
    match = _PRENOMINAL_ROLE_RE.search(before)
    if match:
        return _format_role(match.group("role"), None)
    match = _ROLE_OF_BEFORE_RE.search(before)
    if match:
        return _format_role(match.group("role"), match.group("tail"))
    return None


def _format_role(role: str, tail: str | None, drop_nationality: bool = False) -> str:
    """Lower-case the role head ("Foreign Minister" -> "foreign minister"), keep the tail as written."""
    words = role.split()
    if (
        drop_nationality
        and len(words) > 1
        and words[0][:1].isupper()
        and not re.fullmatch(rf"{_ROLE_MODIFIERS}(?:{_ROLE_HEADS})?\s*", words[0] + " ", re.I)
    ):
        words = words[1:]  # ", the Valdorian foreign minister," -> "foreign minister"
    head = " ".join(words).casefold()
    return f"{head} {' '.join(tail.split())}" if tail else head


# Kept for callers of the names this module had before newswatch.identity existed.
_load_aliases = load_aliases
__all__ = [
    "KEPT_LABELS",
    "OUTLET_NAMES",
    "PLACE_NAMES",
    "Alias",
    "canonical_alias",
    "entity_key",
    "extract_entities",
    "extract_entities_batch",
    "find_role",
    "fold_transliteration",
    "get_nlp",
    "mentions_from_doc",
    "parse",
    "resolve_in_document",
    "strip_diacritics",
]
