"""A synthetic news database at scale, for benchmarks (issue 7: reporting at 1 million articles).

``generate(dsn)`` fills an empty, migrated database with fictional data shaped like a year of
the pipeline's output: outlets, feeds, every fetch attempt (feeds, robots.txt, articles, with
failures), articles with short bodies, entities with spelling variants, mentions, quotes,
stories with syndicated copies and quote groups. Nothing is fetched and nothing real is named:
names are built from syllables and word lists in this file.

Shape at the defaults (1,000,000 articles, 50 outlets, 365 days; each figure is a choice,
recorded in docs/choices.md):

* outlets publish Zipf-distributed volumes (exponent 0.9: the biggest ~34x the smallest); three
  are wire services whose copy others syndicate; two start mid-year and one stops early;
* stories are the unit of generation: half of them are single articles, the rest Pareto-sized
  (2 to ~500 articles) and spread over hours to days; a story starts on a day weighted by a
  weekly rhythm (weekends ~0.6) and a few news-spike days, at an hour weighted by a daily one
  (peak 07-16 UTC); its articles go to outlets in proportion to their size;
* entities: articles / 25 (40,000), PERSON 45 %, ORG 25 %, GPE/LOC/FAC 21 %, NORP, EVENT and
  others the rest; popularity within each type is Zipf-Mandelbrot, 1 / (rank + 3), so the most
  mentioned entity is in roughly a tenth of the articles, not a third; about a third of people
  and places have two or three spellings (transliteration pairs: Yermakov/Ermakov, -hrad/-grad,
  Oleksandr/Aleksandr from data/given_names.tsv) and each outlet has a house style that picks
  one, so reporting.name_variants_by_outlet_month has something to show;
* 10-20 mentions and 3-5 quotes per article; up to 45 % of the quotes of an article in a
  multi-article story come from the story's pool of shared quotes (direct or mixed, so the same
  quote is carried by several outlets, sometimes truncated, with quote_group set as the story
  step would set it), the others are its own (direct 50 %, indirect 35 %, mixed 15 %); overall
  57 % direct, 25 % indirect, 18 % mixed, 12 % unattributed;
* bodies are short (~1.1 KB, ~180 words): one sentence per mention and per quote and nothing
  else, so every mention, quote and speaker offset indexes the body exactly (the pipeline's
  quality checks hold) while the tables stay at ~8 GB; word_count counts these short bodies;
* raw.fetches holds, per article, its successful fetch (and ~3 % earlier failed attempts), ~1.5 %
  URLs that never gave an article (404, too large, robots ...), each feed fetched hourly (~24 %
  answered 304) and robots.txt daily, with a few outage days per outlet; bodies are not archived
  (body_sha256 NULL, body_bytes set), which keeps raw.bodies empty.

Heavy lifting: rows are produced by a streaming generator in this process and loaded with COPY
in chunks by a second thread (one transaction for the whole database: a failure leaves it
empty). As a superuser the load runs with foreign-key triggers off (session_replication_role =
replica, as pg_restore --disable-triggers does) and ``check_foreign_keys`` proves every key
afterwards; CHECK and NOT NULL constraints always apply. Sizes are in the docstring of
``generate``. Determinism: every random choice comes from ``random.Random``
instances seeded from (seed, purpose, id), every timestamp is derived from ``start``, never from
now(), so one seed gives the same rows on every run.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import logging
import math
import queue
import random
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import TypeVar

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from newswatch import db
from newswatch.errors import ConfigError, DataQualityError
from newswatch.extract import EXTRACTOR_VERSION
from newswatch.identity import candidate_block, entity_key

log = logging.getLogger(__name__)

Conn = psycopg2.extensions.connection
T = TypeVar("T")

# Articles per COPY round trip: ~400k mention rows, a few tens of MB of text.
CHUNK_ARTICLES = 25_000

OUTLET_ZIPF = 0.9
# Zipf-Mandelbrot popularity within a type, 1 / (rank + 3): the offset flattens the head so the
# most mentioned entity is in ~10 % of articles, not a third (a plain Zipf's head at 40k entities).
ENTITY_ZIPF = 1.0
ENTITY_ZIPF_OFFSET = 3
ARTICLES_PER_ENTITY = 25
SINGLETON_STORY_SHARE = 0.5
STORY_PARETO_ALPHA = 1.4
SHARED_QUOTE_SHARE = 0.45
WIRE_SYNDICATION_SHARE = 0.35

# --------------------------------------------------------------------------- vocabulary

_GIVEN_PLAIN = (
    "Anna Maria Elena Tomas Lena Ines Omar Amira Jonas Nadia Karim Leila Piotr Marta Hana Teresa "
    "Rafael Sofia Marek Ilse Jakob Noor Samir Clara Pavel Irina Viktor Zofia Emil Greta Nikola Daria "
    "Luca Mila Ahmed Yasmin Tariq Eva Anton Vera Filip Olga Sven Agnes Tobias Iris Milan Selma"
).split()
_SURNAME_STEMS = (
    "vol kor mal dan ser bel tar lis hor kra mel zar pol ros tem vas bor kal nor lev gri sav dor tkach "
    "yer kov mar pet stas yur kul ost rad shev lob zhur bil chor dub hrom kot lom moroz naz pid rud sok "
    "tyl vyn yav zel"
).split()
_SLAVIC_ENDINGS = ("enko", "chuk", "ov", "ev", "in", "yn", "sky", "ich", "iak", "uk", "ko", "ak")
_OTHER_SURNAMES = (
    "Haddad Nasser Farouk Hashemi Okafor Mensah Lindqvist Brandt Keller Moreau Duval Ferreira Santos "
    "Rossi Bianchi Novak Horvat Kowalski Nowak Jansen Visser Berg Dahl Quinn Walsh Tanaka Sato Kim Park "
    "Nguyen Tran Osei Abebe Costa Marin Lehner Vogel Fischer Laine Virtanen Aziz Rahman Malik Qureshi"
).split()
_PLACE_STEMS = (
    "vel kor zar mir dol har lut ros ost bel dorn sul tav ker vin lor mar nev pol sar tor ul var zem "
    "bral chern dub hol kras lyub nov pryl stav svit tern vysh"
).split()
_PLACE_ENDINGS = ("hrad", "iv", "opil", "ia", "sk", "ovo", "any", "mar", "ena", "ow", "itsa", "burg")
_PAPER_NOUNS = (
    "Courier Herald Ledger Tribune Post Observer Gazette Daily Times Chronicle Dispatch Monitor Review "
    "Record Sentinel Journal Bulletin Express Standard Mercury Beacon Examiner Register Star"
).split()
_WIRE_NOUNS = ("Press Agency", "News Wire", "Wire Service")
_ORG_ADJ = (
    "Northern Southern Eastern Western Central National United Federal Regional Coastal Free Green "
    "Democratic Independent Royal Continental Atlantic Baltic Alpine Grand"
).split()
_ORG_TOPIC = (
    "Grain Energy Water Rail Steel Shipping Farmers Teachers Miners Health Defence Labour Trade Mining "
    "Harbour Textile Forestry Fisheries Aviation Housing Telecom Insurance Credit Pension Science"
).split()
_ORG_KIND = (
    "Union Council Bank Party Institute Group Agency Authority Federation Alliance Holdings Company "
    "Commission Association Front Movement Centre Organisation Foundation Board"
).split()
_UK_US = {"Defence": "Defense", "Labour": "Labor", "Centre": "Center", "Organisation": "Organization",
          "Harbour": "Harbor"}
_NORP_ENDINGS = ("ian", "ese", "ish", "ite")
_EVENT_KIND = ("Summit", "Accord", "Floods", "Talks", "Conference", "Strike", "Referendum", "Games")
_FAC_KIND = ("Airport", "Bridge", "Dam", "Port", "Power Station", "Stadium")
_LOC_KIND = ("River", "Valley", "Basin", "Mountains", "Strait", "Plain")
_ROLES = (
    "foreign minister", "prime minister", "energy minister", "mayor", "spokesperson", "analyst",
    "chief executive", "governor", "party leader", "union leader", "economist", "prosecutor",
    "central bank governor", "defence minister", "health minister", "opposition leader",
)
_SECTIONS = ("World", "Politics", "Business", "Europe", "Economy", "Energy", "Climate", "Security",
             "Health", "Technology", "Opinion", "Regions")
_COUNTRIES = ("GB", "US", "DE", "FR", "UA", "PL", "IE", "CA", "AU", "NL", "AT", "CH", "SE", "LT",
              "IN", "ZA", "KE", "NG", "SG", "NZ")

_Q_VERB = (
    "review support reject delay expand protect finance rebuild reform investigate restore defend "
    "secure monitor negotiate publish cut raise extend suspend approve challenge replace question"
).split()
_Q_NOUN = (
    "budget agreement border harbour pipeline tariff ceasefire election reform grain shipment report "
    "inquiry plan deadline water power network bridge school hospital contract market currency vote "
    "strike ferry mine licence subsidy pension railway airport harvest treaty"
).split()
_Q_ADJ = (
    "new difficult fair urgent regional final national temporary clear serious unprecedented modest "
    "full independent complete fragile costly"
).split()
_Q_ADV = "quickly carefully fully again soon openly firmly".split()
_Q_TIME = ("next week", "this year", "before winter", "every day", "right now", "in january")
_STOP = {
    "PRON": ("we", "they", "i"), "AUX": ("will", "would"), "DET": ("the", "this", "our", "their"),
    "PREP": ("for", "in", "on", "with", "from", "by"), "CONJ": ("and", "but"),
}
_CONTENT = {"VERB": _Q_VERB, "NOUN": _Q_NOUN, "ADJ": _Q_ADJ, "ADV": _Q_ADV, "TIME": _Q_TIME}
# Word-class patterns; words of the _STOP classes are all in quotes.quote_key's stopword list, so
# the key is the content words in order (checked by tests/integration/test_synthetic.py).
_DIRECT_PATTERNS = (
    "PRON AUX VERB DET ADJ NOUN PREP DET NOUN CONJ PRON AUX VERB DET NOUN TIME",
    "PRON AUX VERB DET NOUN ADV CONJ PRON AUX VERB DET ADJ NOUN PREP NOUN",
    "DET NOUN AUX VERB DET ADJ NOUN TIME CONJ PRON AUX VERB DET NOUN PREP DET ADJ NOUN",
    "PRON AUX ADV VERB DET NOUN PREP DET ADJ NOUN CONJ VERB DET NOUN TIME",
)
_INDIRECT_PATTERNS = (
    "DET NOUN AUX VERB DET ADJ NOUN PREP NOUN TIME",
    "PRON AUX VERB DET NOUN CONJ VERB DET ADJ NOUN",
    "DET ADJ NOUN AUX VERB DET NOUN PREP DET NOUN",
)
_MIXED_PATTERNS = ("ADJ NOUN PREP DET NOUN", "DET ADJ NOUN", "ADJ CONJ ADJ NOUN PREP NOUN")

# Sentences around one mention: (prefix, suffix).
_MENTION_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "PERSON": (
        ("", " said the talks would resume next week."),
        ("Speaking on Tuesday, ", " declined to give a timetable."),
        ("The plan was first proposed by ", " in the spring."),
        ("", " has held the post since the last election."),
        ("Critics of ", " say the figures do not add up."),
        ("A spokesperson for ", " did not respond to a request for comment."),
        ("", " is expected to travel to the region later this month."),
        ("Supporters of ", " gathered outside the building on Friday."),
    ),
    "ORG": (
        ("", " published its annual figures on Monday."),
        ("A statement from ", " gave no further details."),
        ("", " has denied any wrongdoing."),
        ("Shares in companies linked to ", " fell sharply."),
        ("Officials at ", " said the review would take weeks."),
        ("The agreement still needs approval from ", "."),
    ),
    "PLACE": (
        ("Residents of ", " reported long queues at petrol stations."),
        ("Heavy rain was forecast for ", " over the weekend."),
        ("Talks are due to continue in ", " next week."),
        ("The road to ", " remained closed on Thursday."),
        ("Prices in ", " have risen by a fifth since January."),
        ("Delegations arrived in ", " late on Sunday."),
    ),
    "OTHER": (
        ("Observers pointed to ", " as a turning point."),
        ("", " was mentioned repeatedly during the session."),
        ("Little has been said in public about ", " so far."),
        ("The debate returned again and again to ", "."),
    ),
}
_ROLE_SUFFIXES = (" said the talks would resume next week.", " told reporters the decision was final.",
                  " called for calm.")
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# Quote sentences as token lists: "T" = quote text, "S" = speaker surface, anything else literal.
_QUOTE_TEMPLATES: dict[tuple[str, bool], tuple[tuple[tuple[str, ...], str], ...]] = {
    ("direct", True): (
        (("\u201c", "T", ",\u201d ", "S", " said."), "said"),
        (("S", " said: \u201c", "T", ".\u201d"), "said"),
        (("\u201c", "T", ",\u201d ", "S", " told reporters."), "told"),
        (("\u201c", "T", ",\u201d ", "S", " added."), "added"),
    ),
    ("mixed", True): (
        (("S", " described the situation as \u201c", "T", "\u201d."), "described"),
        (("S", " warned of \u201c", "T", "\u201d."), "warned"),
    ),
    ("indirect", True): (
        (("S", " said ", "T", "."), "said"),
        (("According to ", "S", ", ", "T", "."), "according to"),
        (("S", " told the paper that ", "T", "."), "told"),
    ),
    ("direct", False): (
        (("\u201c", "T", ",\u201d a source familiar with the matter said."), "said"),
        (("\u201c", "T", ",\u201d one official said on condition of anonymity."), "said"),
    ),
    ("mixed", False): ((("Officials spoke of \u201c", "T", "\u201d."), "spoke of"),),
    ("indirect", False): (
        (("Officials, who asked not to be named, said ", "T", "."), "said"),
        (("According to people briefed on the talks, ", "T", "."), "according to"),
    ),
}
_TITLE_TEMPLATES = (
    "{L} {noun} talks stall as {P} {verbs} {adj} terms",
    "{O} {verbs} {noun} after {L} {noun2} dispute",
    "{P} under pressure over {noun} in {L}",
    "What the {noun} deal means for {L}",
    "{L}: {O} to {verb} {noun} {noun2}",
    "{P} and {O} clash over {L} {noun}",
    "Live: {L} {noun} latest as {P} {verbs} {noun2}",
    "{Noun} crisis: {P} {verbs} {O}",
    "{O} warns {noun} plan could hit {L}",
    "Why {P} wants to {verb} the {noun} {noun2}",
)

_HOUR_WEIGHTS = (0.3, 0.2, 0.2, 0.25, 0.4, 0.7, 1.0, 1.3, 1.5, 1.5, 1.45, 1.4, 1.35, 1.3, 1.3, 1.25, 1.2,
                 1.1, 1.0, 0.9, 0.8, 0.7, 0.55, 0.4)
_WEEKDAY_WEIGHTS = (1.0, 1.05, 1.05, 1.0, 0.95, 0.6, 0.55)  # Monday first


# --------------------------------------------------------------------------- model


@dataclass
class _Outlet:
    idx: int
    outlet_id: str
    name: str
    host: str
    country: str
    weight: float
    style: int
    is_wire: bool
    paywall_rate: float
    byline_rate: float
    speed: float
    active_from: int
    active_until: int
    authors: list[str]
    feeds: list[tuple[int, str, str]] = field(default_factory=list)  # (feed_id, url, kind)
    outage_days: frozenset[int] = frozenset()


@dataclass
class _Entity:
    entity_id: int
    type: str
    names: list[str]  # full spellings; index = variant
    shorts: list[str]  # later-mention form per variant
    keys: list[str]  # entity key per variant
    role: str | None


@dataclass
class _StoryQuote:
    text: str
    words: list[str]
    key: str
    kind: str
    speaker: int  # entity id, 0 = unattributed


@dataclass
class _StoryDetail:
    topic: dict[str, str]
    pool: list[_StoryQuote]
    pool_cum: list[float]


_STOPWORDS = frozenset(w for words in _STOP.values() for w in words)


def _make_quote(words: list[str], kind: str, speaker: int) -> _StoryQuote:
    """Quote text from lower-case words; its key is what quotes.quote_key gives for it: the first
    12 words outside the stopword list (every _STOP word is in that list, no content word is)."""
    text = " ".join(words)
    if kind == "direct":
        text = (text[0].upper() + text[1:]).replace(" i ", " I ")
    key = " ".join([w for w in words if w not in _STOPWORDS][:12])
    return _StoryQuote(text, words, key, kind, speaker)


def _rng(seed: int, purpose: int, ident: int) -> random.Random:
    return random.Random((seed * 1_000_003 + purpose) * 4_294_967_311 + ident)


# Fast stand-ins for Random.randint / choice / randrange (which cost ~1 us each in CPython).
def _ri(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _ch(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _rr(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _cumulative(weights: Iterable[float]) -> list[float]:
    out: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cum: Sequence[float]) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


# --------------------------------------------------------------------------- COPY helpers


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _arr(items: Iterable[object]) -> str:
    # Our strings never contain quotes or backslashes (built from the lists above).
    return "{" + ",".join(f'"{x}"' for x in items) + "}"


class _Clock:
    """Epoch seconds -> 'YYYY-MM-DD HH:MM:SS+00' quickly (day strings cached)."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def day(self, sec: float) -> str:
        d = int(sec // 86400)
        s = self._days.get(d)
        if s is None:
            s = self._days[d] = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=d)).strftime("%Y-%m-%d")
        return s

    def ts(self, sec: float) -> str:
        s = int(sec)
        rem = s % 86400
        return f"{self.day(s)} {rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}+00"


# --------------------------------------------------------------------------- names


def _given_name_groups() -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    text = resources.files("newswatch").joinpath("data/given_names.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("variant\t"):
            continue
        variant, canonical, _kind = line.split("\t")[:3]
        groups.setdefault(canonical, [canonical]).append(variant)
    return [g for g in groups.values() if all(n.isascii() for n in g)]


def _slavic_surname(rng: random.Random) -> list[str]:
    """A surname and its romanisation variants (Yermakov / Ermakov, Voloshyn / Voloshin)."""
    stem = rng.choice(_SURNAME_STEMS) + rng.choice(_SURNAME_STEMS)
    ending = rng.choice(_SLAVIC_ENDINGS)
    base = (stem + ending).capitalize()
    variants = [base]
    if base.startswith("Ye"):
        variants.append("E" + base[2:])
    elif base.startswith("E"):
        variants.append("Ye" + base[1:])
    if "kh" in base:
        variants.append(base.replace("kh", "h"))
    if base.endswith("yn"):
        variants.append(base[:-2] + "in")
    elif base.endswith("sky"):
        variants.append(base[:-3] + "skiy")
    elif base.endswith("ov") and rng.random() < 0.4:
        variants.append(base[:-2] + "off")
    elif base.endswith("ev"):
        variants.append(base[:-2] + "yev")
    if "zh" in base and len(variants) < 3:
        variants.append(base.replace("zh", "j"))
    return variants[:3]


def _person_names(rng: random.Random, given_groups: list[list[str]]) -> tuple[list[str], list[str]]:
    r = rng.random()
    if r < 0.55:
        surnames = _slavic_surname(rng)
        if rng.random() < 0.45:
            group = rng.choice(given_groups)
            givens = [group[0], *rng.sample(group[1:], min(len(group) - 1, 1))]
        else:
            givens = [rng.choice(_GIVEN_PLAIN)]
    else:
        surname = rng.choice(_OTHER_SURNAMES)
        if rng.random() < 0.5:
            surname += rng.choice(("", "i", "a", "er", "son"))
        surnames = [surname]
        if surname.startswith(("Haddad", "Hashemi", "Nasser")) and rng.random() < 0.6:
            surnames.append("al-" + surname)
        givens = [rng.choice(_GIVEN_PLAIN)]
    names, shorts = [], []
    for i in range(max(len(givens), len(surnames))):
        names.append(f"{givens[min(i, len(givens) - 1)]} {surnames[min(i, len(surnames) - 1)]}")
        shorts.append(surnames[min(i, len(surnames) - 1)])
    return names, shorts


def _place_names(rng: random.Random) -> list[str]:
    stem = rng.choice(_PLACE_STEMS) + rng.choice(("", "o", "y", "a", "e")) + rng.choice(_PLACE_STEMS)
    ending = rng.choice(_PLACE_ENDINGS)
    base = (stem + ending).capitalize()
    variants = [base]
    for a, b in (("hrad", "grad"), ("opil", "opol"), ("iv", "ov"), ("itsa", "itza"), ("ia", "iya")):
        if base.endswith(a):
            variants.append(base[: -len(a)] + b)
            break
    if "y" in base[1:-1] and len(variants) < 3 and rng.random() < 0.5:
        variants.append(base[0] + base[1:].replace("y", "i"))
    return variants


def _org_names(rng: random.Random) -> tuple[list[str], list[str]]:
    first = rng.choice(_ORG_ADJ) if rng.random() < 0.5 else _place_names(rng)[0]
    words = [first, rng.choice(_ORG_TOPIC), rng.choice(_ORG_KIND)]
    if rng.random() < 0.15:
        words = ["Ministry", "of", rng.choice(_ORG_TOPIC)]
    name = " ".join(words)
    variants = [name]
    us = " ".join(_UK_US.get(w, w) for w in words)
    if us != name:
        variants.append(us)
    acronym = "".join(w[0] for w in words if w[0].isupper())
    shorts = [acronym if len(acronym) >= 3 and words[0] != "Ministry" else v for v in variants]
    return variants, shorts


def _make_entities(seed: int, count: int, given_groups: list[list[str]]) -> list[_Entity]:
    """Entities in popularity order (entity_id 1 is the most mentioned of its type's leaders)."""
    rng = _rng(seed, 11, 0)
    types = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART")
    type_cum = _cumulative((45, 25, 15, 5, 1, 4, 3, 1, 0.5, 0.5))
    taken: set[str] = set()
    out: list[_Entity] = []
    while len(out) < count:
        etype = types[_pick(rng, type_cum)]
        shorts: list[str]
        if etype == "PERSON":
            names, shorts = _person_names(rng, given_groups)
        elif etype == "ORG":
            names, shorts = _org_names(rng)
        elif etype == "GPE":
            names = _place_names(rng)
            shorts = list(names)
        elif etype == "LOC":
            names = [f"{p} {rng.choice(_LOC_KIND)}" for p in _place_names(rng)[:1]]
            shorts = list(names)
        elif etype == "FAC":
            place = _place_names(rng)[0]
            names = [f"{place} {rng.choice(_FAC_KIND)}"]
            shorts = list(names)
        elif etype == "NORP":
            names = [(rng.choice(_PLACE_STEMS) + rng.choice(_PLACE_STEMS) + rng.choice(_NORP_ENDINGS)).capitalize()]
            shorts = list(names)
        elif etype == "EVENT":
            names = [f"{_place_names(rng)[0]} {rng.choice(_EVENT_KIND)}"]
            shorts = list(names)
        else:
            base = _place_names(rng)[0]
            kind = {"PRODUCT": "X" + str(rng.randint(2, 9)), "LAW": "Act", "WORK_OF_ART": "Chronicles"}[etype]
            names = [f"{base} {kind}"]
            shorts = list(names)
        keys = [entity_key(n, etype) for n in names]
        if keys[0] in taken:
            continue
        # A variant whose key another entity already uses would merge two entities: drop it.
        keep = [0] + [i for i in range(1, len(names)) if keys[i] == keys[0] or keys[i] not in taken]
        names, shorts, keys = [names[i] for i in keep], [shorts[i] for i in keep], [keys[i] for i in keep]
        taken.update(keys)
        role = rng.choice(_ROLES) if etype == "PERSON" and rng.random() < 0.5 else None
        out.append(_Entity(len(out) + 1, etype, names, shorts, keys, role))
    return out


# --------------------------------------------------------------------------- outlets


def _make_outlets(seed: int, count: int, days: int, given_groups: list[list[str]]) -> list[_Outlet]:
    rng = _rng(seed, 21, 0)
    width = max(2, len(str(count)))
    weights = [1.0 / (k + 1) ** OUTLET_ZIPF for k in range(count)]
    wires = {0, 2, 5} if count >= 8 else {0}
    used_names: set[str] = set()
    outlets: list[_Outlet] = []
    for k in range(count):
        while True:
            place = _place_names(rng)[0]
            if k in wires:
                name = f"{place} {rng.choice(_WIRE_NOUNS)}"
            else:
                name = f"The {place} {rng.choice(_PAPER_NOUNS)}" if rng.random() < 0.4 else f"{place} {rng.choice(_PAPER_NOUNS)}"
            if name not in used_names:
                used_names.add(name)
                break
        outlet_id = f"synth-{k + 1:0{width}d}"
        staff = max(4, int(4 + weights[k] * 250))
        authors = [_person_names(rng, given_groups)[0][0] for _ in range(staff)]
        active_from, active_until = 0, days
        if count >= 6:
            if k == count // 2:
                active_from = int(days * 0.3)
            elif k == count - 2:
                active_from = int(days * 0.55)
            elif k == count // 3:
                active_until = int(days * 0.85)
        outage = frozenset(rng.randrange(days) for _ in range(rng.choice((0, 1, 1, 2, 3))))
        outlets.append(
            _Outlet(
                idx=k, outlet_id=outlet_id, name=name, host=f"{outlet_id}.example", country=rng.choice(_COUNTRIES),
                weight=weights[k], style=rng.randrange(3), is_wire=k in wires,
                paywall_rate=0.0 if rng.random() < 0.7 else rng.uniform(0.1, 0.6),
                byline_rate=rng.uniform(0.3, 0.6) if k in wires else rng.uniform(0.7, 0.97),
                speed=rng.uniform(0.6, 2.0), active_from=active_from, active_until=active_until,
                authors=authors, outage_days=outage,
            )
        )
    feed_id = 0
    for o in outlets:
        kinds = [("rss", "feeds/all.xml")]
        if o.weight > 0.05 or rng.random() < 0.5:
            kinds.append(("atom", f"feeds/{rng.choice(_SECTIONS).lower()}.atom"))
        if rng.random() < 0.4:
            kinds.append(("news_sitemap", "sitemap-news.xml"))
        for kind, path in kinds:
            feed_id += 1
            o.feeds.append((feed_id, f"https://{o.host}/{path}", kind))
    return outlets


# --------------------------------------------------------------------------- the generator


class _Generator:
    def __init__(self, conn: Conn, *, articles: int, outlets: int, days: int, seed: int, start: date,
                 progress: Callable[[str], None]) -> None:
        self.conn = conn
        self.n_articles = articles
        self.n_outlets = outlets
        self.days = days
        self.seed = seed
        self.start_sec = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
        self.end_sec = self.start_sec + days * 86400
        self.progress = progress
        self.clock = _Clock()
        self.counts: dict[str, int] = {}
        self.given_groups = _given_name_groups()
        self.story_article_cols = self._story_article_columns()

    # ----------------------------------------------------------------- helpers

    def _story_article_columns(self) -> set[str]:
        with self.conn.cursor() as cur:
            cur.execute(
                """SELECT column_name FROM information_schema.columns
                   WHERE table_schema = 'core' AND table_name = 'story_articles'"""
            )
            return {r[0] for r in cur.fetchall()}

    def _copy(self, table: str, columns: Sequence[str], buf: io.StringIO) -> None:
        buf.seek(0)
        with self.conn.cursor() as cur:
            cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf, size=1 << 20)

    # One writer thread runs the COPYs of chunk n while this thread builds chunk n + 1 (psycopg2
    # releases the GIL while the server works), so generation costs max(Python, server), not the sum.
    def _start_writer(self) -> None:
        self._jobs: queue.Queue[list[tuple[str, Sequence[str], io.StringIO]] | None] = queue.Queue(maxsize=2)
        self._writer_error: BaseException | None = None

        def work() -> None:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                if self._writer_error is not None:
                    continue  # drain; the main thread raises it
                try:
                    for table, columns, buf in job:
                        self._copy(table, columns, buf)
                except BaseException as exc:  # handed over to the main thread, which re-raises it
                    self._writer_error = exc

        self._writer = threading.Thread(target=work, name="synthetic-copy", daemon=True)
        self._writer.start()

    def _stop_writer(self) -> None:
        self._jobs.put(None)
        self._writer.join()
        if self._writer_error is not None:
            raise self._writer_error

    def _run_id(self, sec: float) -> str:
        return f"scheduled__{self.clock.day(sec)}T00:00:00+00:00"

    # ----------------------------------------------------------------- phase A: plan

    def plan(self) -> None:
        rng = _rng(self.seed, 31, 0)
        self.outlets = _make_outlets(self.seed, self.n_outlets, self.days, self.given_groups)
        self.outlet_cum = _cumulative(o.weight for o in self.outlets)
        n_entities = max(300, self.n_articles // ARTICLES_PER_ENTITY)
        self.entities = _make_entities(self.seed, n_entities, self.given_groups)
        by_type: dict[str, list[int]] = {}
        for e in self.entities:
            by_type.setdefault(e.type, []).append(e.entity_id)
        self.type_ids = {
            "PERSON": by_type.get("PERSON", []),
            "ORG": by_type.get("ORG", []),
            "PLACE": sorted(by_type.get("GPE", []) + by_type.get("LOC", []) + by_type.get("FAC", [])),
            "ANY": [e.entity_id for e in self.entities],
        }
        self.type_cum = {t: _cumulative(1.0 / (r + 1 + ENTITY_ZIPF_OFFSET) ** ENTITY_ZIPF for r in range(len(ids)))
                         for t, ids in self.type_ids.items()}

        day_weights = []
        start_weekday = datetime.fromtimestamp(self.start_sec, UTC).weekday()
        for d in range(self.days):
            w = _WEEKDAY_WEIGHTS[(start_weekday + d) % 7] * (1 + 0.1 * math.sin(2 * math.pi * d / 365))
            if rng.random() < 0.03:
                w *= 1.6  # a news-spike day
            day_weights.append(w)
        day_cum = _cumulative(day_weights)
        hour_cum = _cumulative(_HOUR_WEIGHTS)
        size_cap = max(30, self.n_articles // 2000)

        ts = array("d")
        story_of = array("l")
        outlet_of = array("h")
        rank_of = array("l")
        dup = bytearray()
        cores: list[tuple[int, ...]] = []
        story_sizes = array("l")
        remaining = self.n_articles
        while remaining > 0:
            if rng.random() < SINGLETON_STORY_SHARE:
                size = 1
            else:
                size = min(size_cap, 2 + int(2.5 * (rng.paretovariate(STORY_PARETO_ALPHA) - 1)))
            size = min(size, remaining)
            remaining -= size
            story = len(story_sizes)
            story_sizes.append(size)
            day = _pick(rng, day_cum)
            t0 = self.start_sec + day * 86400 + _pick(rng, hour_cum) * 3600 + _rr(rng, 3600)
            t0 = min(t0, self.end_sec - 3600)
            core = [self._zipf(rng, "PERSON"), self._zipf(rng, "PLACE"), self._zipf(rng, "ORG")]
            core += [self._zipf(rng, "ANY") for _ in range(_ri(rng, 0, 2))]
            cores.append(tuple(dict.fromkeys(c for c in core if c)))
            mean_lag_h = 1.5 + 0.15 * size
            founder_outlet = -1
            for r in range(size):
                if r == 0:
                    t = t0
                else:
                    lag = rng.expovariate(1.0 / mean_lag_h) * 3600
                    if rng.random() < 0.1:
                        lag += rng.expovariate(1.0 / 48) * 3600  # a follow-up days later
                    t = t0 + 60 + lag
                is_dup = False
                o = self._outlet_at(rng, t)
                if r > 0 and o != founder_outlet:
                    share = WIRE_SYNDICATION_SHARE if self.outlets[founder_outlet].is_wire else 0.01
                    if rng.random() < share:
                        is_dup = True
                        t = t0 + rng.uniform(300, 7200)
                if t >= self.end_sec - 60:
                    t = t0 + 60 + (self.end_sec - 120 - t0) * rng.random()
                if r == 0:
                    founder_outlet = o
                ts.append(t)
                story_of.append(story)
                outlet_of.append(o)
                rank_of.append(r)
                dup.append(1 if is_dup else 0)
        self.story_sizes = story_sizes
        self.story_cores = cores
        # article_id follows publication time, as ids do when the pipeline loads day by day.
        self.order = sorted(range(self.n_articles), key=lambda i: (ts[i], story_of[i], rank_of[i]))
        self.ts, self.story_of, self.outlet_of, self.rank_of, self.dup = ts, story_of, outlet_of, rank_of, dup

    def _zipf(self, rng: random.Random, kind: str) -> int:
        ids = self.type_ids[kind]
        if not ids:
            return 0
        return ids[min(len(ids) - 1, _pick(rng, self.type_cum[kind]))]

    def _outlet_at(self, rng: random.Random, t: float) -> int:
        day = int((t - self.start_sec) // 86400)
        for _ in range(20):
            o = min(len(self.outlets) - 1, _pick(rng, self.outlet_cum))
            out = self.outlets[o]
            if out.active_from <= day < out.active_until:
                return o
        return 0

    # ----------------------------------------------------------------- phase B: static tables

    def load_static(self) -> None:
        start_ts = self.clock.ts(self.start_sec)
        buf = io.StringIO()
        for o in self.outlets:
            config = (
                f'{{"synthetic": true, "wire": {str(o.is_wire).lower()}, "size_weight": {o.weight:.4f}, '
                f'"house_style": {o.style}}}'
            )
            buf.write("\t".join((o.outlet_id, o.name, f"https://{o.host}/", o.country, "en", "f", config,
                                 start_ts, start_ts)) + "\n")
        self._copy("core.outlets", ("outlet_id", "name", "homepage", "country", "language",
                                    "allow_private_network", "config", "first_synced_at", "synced_at"), buf)
        buf = io.StringIO()
        for o in self.outlets:
            for feed_id, url, kind in o.feeds:
                buf.write(f"{feed_id}\t{o.outlet_id}\t{url}\t{kind}\tt\t{start_ts}\n")
        self._copy("core.feeds", ("feed_id", "outlet_id", "url", "kind", "active", "synced_at"), buf)
        buf = io.StringIO()
        keys = io.StringIO()
        n_keys = 0
        key_rng = _rng(self.seed, 41, 0)
        for e in self.entities:
            buf.write(f"{e.entity_id}\t{e.keys[0]}\t{e.type}\t{e.names[0]}\t{start_ts}\n")
            seen: set[str] = set()
            for i, k in enumerate(e.keys):
                if k in seen:
                    continue
                seen.add(k)
                method, confidence = ("new", 1.0) if i == 0 else ("fuzzy", round(key_rng.uniform(0.8, 0.97), 3))
                keys.write(f"{k}\t{e.entity_id}\t{candidate_block(k)}\t{e.names[i]}\t{method}\t{confidence}\t{start_ts}\n")
                n_keys += 1
        self._copy("core.entities", ("entity_id", "entity_key", "entity_type", "canonical_name", "first_seen_at"), buf)
        self._copy("core.entity_keys", ("entity_key", "entity_id", "block", "display_name", "method", "confidence",
                                        "matched_at"), keys)
        self.counts.update({"core.outlets": len(self.outlets), "core.feeds": sum(len(o.feeds) for o in self.outlets),
                            "core.entity_keys": n_keys})

    # ----------------------------------------------------------------- phase C: the stream

    _FETCH_COLS = ("fetch_id", "run_id", "outlet_id", "purpose", "url", "final_url", "url_hash", "outcome", "status",
                   "error", "headers", "body_bytes", "content_type", "redirects", "elapsed_ms", "fetched_at",
                   "processed_at", "process_outcome")
    _ARTICLE_COLS = ("article_id", "url_hash", "url", "canonical_url", "outlet_id", "fetch_id", "title", "subtitle",
                     "authors", "published_at", "published_source", "modified_at", "modified_source", "language",
                     "section", "tags", "is_paywalled", "body", "paragraph_kinds", "image_captions", "image_credits",
                     "word_count", "body_hash", "extraction_method", "extractor_version", "run_id", "first_loaded_at",
                     "loaded_at")
    _MENTION_COLS = ("mention_id", "article_id", "entity_id", "entity_key", "start_offset", "end_offset", "surface",
                     "resolved_name", "label", "role")
    _QUOTE_COLS = ("quote_id", "article_id", "start_offset", "end_offset", "quote_text", "kind", "speaker_name",
                   "speaker_entity_id", "speaker_key", "speaker_start", "speaker_end", "cue", "confidence",
                   "quote_key", "quote_group")

    def stream(self) -> None:
        self.fetch_id = 0
        self.mention_id = 0
        self.quote_id = 0
        self.fetch_rng = _rng(self.seed, 51, 0)
        self.feed_last: dict[int, tuple[float, str, int | None]] = {}
        self.runs: dict[str, list[float]] = {}  # run_id -> [first, last, articles, fetches]
        self.alias_stats: dict[tuple[int, str], list[float]] = {}  # -> [mentions, first_seen]
        self.story_founder = array("l", bytes(8 * len(self.story_sizes)))
        self.story_title: dict[int, str] = {}
        self.story_last: dict[int, tuple[float, float]] = {}  # story -> (last published, last loaded)
        self.story_first: dict[int, tuple[float, float]] = {}
        self.story_members: dict[int, list[int]] = {}
        self.story_left = array("l", self.story_sizes)
        self.story_details: dict[int, _StoryDetail] = {}
        self.founder_cache: dict[int, tuple[str, int]] = {}
        self.sa_buf = io.StringIO()
        counts = {"raw.fetches": 0, "core.articles": 0, "core.mentions": 0, "core.quotes": 0,
                  "core.story_articles": 0, "story_articles.near_duplicate": 0}
        bufs = self._new_bufs()
        t_start = time.monotonic()
        self._start_writer()
        try:
            self._stream_articles(bufs, counts, t_start)
        finally:
            self._stop_writer()
        counts["raw.fetches"] = self.fetch_id
        counts["core.mentions"] = self.mention_id
        counts["core.quotes"] = self.quote_id
        self.counts.update(counts)

    def _stream_articles(self, bufs: dict[str, io.StringIO], counts: dict[str, int], t_start: float) -> None:
        next_day = 0
        for pos, i in enumerate(self.order):
            article_id = pos + 1
            t = self.ts[i]
            day = int((t - self.start_sec) // 86400)
            while next_day <= day:
                self._feed_fetches(next_day, bufs["fetches"])
                next_day += 1
            self._article(article_id, i, bufs, counts)
            if article_id % CHUNK_ARTICLES == 0:
                self._flush(bufs)
                bufs = self._new_bufs()
                rate = article_id / (time.monotonic() - t_start)
                self.progress(f"{article_id:,} / {self.n_articles:,} articles ({rate:,.0f}/s)")
        while next_day < self.days:
            self._feed_fetches(next_day, bufs["fetches"])
            next_day += 1
        self._flush(bufs)

    def _new_bufs(self) -> dict[str, io.StringIO]:
        return {k: io.StringIO() for k in ("fetches", "articles", "mentions", "quotes")}

    def _flush(self, bufs: dict[str, io.StringIO]) -> None:
        if self._writer_error is not None:
            raise self._writer_error
        self._jobs.put([
            ("raw.fetches", self._FETCH_COLS, bufs["fetches"]),
            ("core.articles", self._ARTICLE_COLS, bufs["articles"]),
            ("core.mentions", self._MENTION_COLS, bufs["mentions"]),
            ("core.quotes", self._QUOTE_COLS, bufs["quotes"]),
        ])

    def _count_run(self, run_id: str, sec: float, article: bool) -> None:
        stats = self.runs.get(run_id)
        if stats is None:
            stats = self.runs[run_id] = [sec, sec, 0, 0]
        stats[0] = min(stats[0], sec)
        stats[1] = max(stats[1], sec)
        stats[2 if article else 3] += 1

    def _fetch_row(self, buf: io.StringIO, outlet: _Outlet, purpose: str, url: str, outcome: str, sec: float,
                   processed: float | None = None, final_url: str | None = None) -> int:
        rng = self.fetch_rng
        self.fetch_id += 1
        status = {"ok": 200, "not_modified": 304}.get(outcome)
        error = "\\N"
        elapsed = int(rng.lognormvariate(math.log(180 * outlet.speed), 0.6))
        body_bytes = 0
        content_type = "\\N"
        headers = "{}"
        if outcome == "ok":
            body_bytes = _ri(rng, 30_000, 140_000) if purpose == "article" else _ri(rng, 2_000, 200_000)
            content_type = {"article": "text/html; charset=utf-8", "robots": "text/plain"}.get(purpose, "application/rss+xml")
            headers = f'{{"content-type": "{content_type}", "etag": "W-{self.fetch_id:x}"}}'
        elif outcome == "not_modified":
            elapsed = int(elapsed * 0.5)
        elif outcome == "http_5xx":
            status = _ch(rng, (500, 502, 503, 504))
            error = f"HTTP {status}"
        elif outcome == "http_4xx":
            status = _ch(rng, (403, 404, 404, 410, 429))
            error = f"HTTP {status}"
        elif outcome == "timeout":
            elapsed = 20_000 + _ri(rng, 0, 400)
            error = "read timed out after 20 s"
        elif outcome == "connection_error":
            elapsed = _ri(rng, 20, 3000)
            error = "connection reset by peer"
        elif outcome == "too_large":
            status = 200
            error = "body larger than the 10 MB cap"
        elif outcome == "bad_content_type":
            status = 200
            error = "content type application/pdf is not a page"
            content_type = "application/pdf"
        elif outcome == "robots_disallowed":
            elapsed = 0
            error = "disallowed by robots.txt"
        run_id = self._run_id(sec)
        self._count_run(run_id, sec, False)
        processed_at = self.clock.ts(processed) if processed is not None else "\\N"
        process_outcome = "loaded" if processed is not None else "\\N"
        final = final_url or url
        redirects = "{}" if final == url else _arr([final])
        buf.write(
            f"{self.fetch_id}\t{run_id}\t{outlet.outlet_id}\t{purpose}\t{url}\t{final}\t"
            f"{hashlib.sha256(url.encode()).hexdigest()}\t{outcome}\t{status if status is not None else chr(92) + 'N'}\t"
            f"{error}\t{headers}\t{body_bytes}\t{content_type}\t{redirects}\t{elapsed}\t{self.clock.ts(sec)}\t"
            f"{processed_at}\t{process_outcome}\n"
        )
        return self.fetch_id

    def _feed_fetches(self, day: int, buf: io.StringIO) -> None:
        rng = self.fetch_rng
        base = self.start_sec + day * 86400
        for o in self.outlets:
            if not o.active_from <= day < o.active_until:
                continue
            outage = day in o.outage_days
            self._fetch_row(buf, o, "robots", f"https://{o.host}/robots.txt",
                            "ok" if rng.random() < 0.98 else "timeout", base + 60 + o.idx)
            for feed_id, url, _kind in o.feeds:
                for hour in range(24):
                    sec = base + hour * 3600 + 120 + (feed_id * 37) % 1500 + _rr(rng, 60)
                    r = rng.random()
                    if outage and r < 0.6:
                        outcome = _ch(rng, ("http_5xx", "timeout", "connection_error"))
                    elif r < 0.72:
                        outcome = "ok"
                    elif r < 0.96:
                        outcome = "not_modified"
                    elif r < 0.975:
                        outcome = "http_5xx"
                    elif r < 0.99:
                        outcome = "timeout"
                    elif r < 0.995:
                        outcome = "connection_error"
                    else:
                        outcome = "http_4xx"
                    self._fetch_row(buf, o, "feed", url, outcome, sec)
                    items = _ri(rng, 20, 100) if outcome == "ok" else None
                    self.feed_last[feed_id] = (sec, outcome, items)

    # ----------------------------------------------------------------- one article

    def _story_detail(self, story: int) -> _StoryDetail:
        detail = self.story_details.get(story)
        if detail is not None:
            return detail
        rng = _rng(self.seed, 61, story)
        topic = {"noun": _ch(rng, _Q_NOUN), "noun2": _ch(rng, _Q_NOUN), "verb": _ch(rng, _Q_VERB),
                 "adj": _ch(rng, _Q_ADJ)}
        size = self.story_sizes[story]
        core = self.story_cores[story]
        pool: list[_StoryQuote] = []
        if size > 1:
            for _ in range(min(8, 1 + size // 4)):
                r = rng.random()
                if r < 0.5 and core:
                    speaker = core[0]
                elif r < 0.95:
                    speaker = self._zipf(rng, "PERSON")
                else:
                    speaker = 0
                kind = "direct" if rng.random() < 0.75 else "mixed"
                pool.append(self._quote_text(rng, kind, speaker))
        detail = _StoryDetail(topic, pool, _cumulative(1.0 / (k + 1) for k in range(len(pool))))
        self.story_details[story] = detail
        return detail

    @staticmethod
    def _quote_text(rng: random.Random, kind: str, speaker: int) -> _StoryQuote:
        patterns = {"direct": _DIRECT_PATTERNS, "indirect": _INDIRECT_PATTERNS, "mixed": _MIXED_PATTERNS}[kind]
        words: list[str] = []
        for cls in _ch(rng, patterns).split():
            words.extend((_ch(rng, _STOP[cls]) if cls in _STOP else _ch(rng, _CONTENT[cls])).split())
        return _make_quote(words, kind, speaker)

    def _article(self, article_id: int, i: int, bufs: dict[str, io.StringIO], counts: dict[str, int]) -> None:
        story = self.story_of[i]
        outlet = self.outlets[self.outlet_of[i]]
        t = self.ts[i]
        is_dup = bool(self.dup[i]) and self.story_founder[story] != 0
        if self.rank_of[i] == 0 or self.story_founder[story] == 0:
            self.story_founder[story] = article_id
        founder = self.story_founder[story]
        content_id = founder if is_dup else article_id
        detail = self._story_detail(story)
        crng = _rng(self.seed, 71, content_id)  # what is written (shared by syndicated copies)
        srng = _rng(self.seed, 72, article_id)  # how this outlet writes it (spelling, bylines, fetch)

        body, mentions, quotes, paragraphs = self._content(crng, srng, story, detail, outlet, article_id)
        title = self._title(crng, detail, story, outlet)
        if is_dup and founder in self.founder_cache:
            title = self.founder_cache[founder][0]

        # Fetch: the article is announced by a feed, fetched minutes later, processed, loaded.
        fetched = t + min(12 * 3600, srng.lognormvariate(math.log(25 * 60), 0.8))
        processed = fetched + srng.uniform(120, 1500)
        day = int((fetched - self.start_sec) // 86400)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        url = f"https://{outlet.host}/{self.clock.day(t).replace('-', '/')}/{slug}-{article_id}"
        fbuf = bufs["fetches"]
        fail_p = 0.5 if day in outlet.outage_days else 0.03
        if srng.random() < fail_p:
            outcome = _ch(srng, ("timeout", "timeout", "http_5xx", "http_5xx", "connection_error", "http_4xx"))
            self._fetch_row(fbuf, outlet, "article", url, outcome, fetched - srng.uniform(600, 3600))
        if srng.random() < 0.015:
            bad = _ch(srng, ("http_4xx", "http_4xx", "http_4xx", "too_large", "bad_content_type",
                               "robots_disallowed", "timeout"))
            self._fetch_row(fbuf, outlet, "article", f"https://{outlet.host}/gone/{article_id}", bad,
                            fetched - srng.uniform(0, 900))
        final_url = None
        if srng.random() < 0.05:
            final_url, url = url, f"https://{outlet.host}/a/{article_id}"
        fetch_id = self._fetch_row(fbuf, outlet, "article", url, "ok", fetched, processed, final_url)
        canonical = final_url or url
        run_id = self._run_id(fetched)
        self._count_run(run_id, processed, True)

        authors: list[str] = []
        if srng.random() < outlet.byline_rate and not is_dup:
            authors = [_ch(srng, outlet.authors)]
            if srng.random() < 0.15:
                authors.append(_ch(srng, outlet.authors))
        section = _SECTIONS[_rr(crng, len(_SECTIONS))]
        place = self.entities[self.story_cores[story][1] - 1].names[0] if len(self.story_cores[story]) > 1 else ""
        tags = [section.lower()] + ([place] if place else [])
        subtitle = "\\N"
        if srng.random() < 0.6:
            subtitle = f"The {detail.topic['noun']} dispute enters a new phase as officials weigh their options."
        modified, modified_source = "\\N", "\\N"
        if srng.random() < 0.25:
            modified = self.clock.ts(t + srng.expovariate(1 / 10800))
            modified_source = "jsonld"
        published_source = ("jsonld", "jsonld", "jsonld", "meta", "meta", "time", "feed")[_rr(srng, 7)]
        method = ("hints", "hints", "trafilatura", "jsonld")[_rr(srng, 4)]
        n_images = _ch(srng, (0, 1, 1, 2))
        captions = [f"A view of {place or 'the city'} on {self.clock.day(t)}." for _ in range(n_images)]
        credits = [f"Photo: {outlet.name}" for _ in range(n_images)]
        paywalled = "t" if srng.random() < outlet.paywall_rate else "f"
        loaded = self.clock.ts(processed)
        bufs["articles"].write(
            "\t".join((
                str(article_id), hashlib.sha256(canonical.encode()).hexdigest(), url if not final_url else final_url,
                canonical, outlet.outlet_id, str(fetch_id), title, subtitle, _arr(authors), self.clock.ts(t),
                published_source, modified, modified_source, "en", section, _arr(tags), paywalled, _esc(body),
                _arr(["p"] * paragraphs), _arr(captions), _arr(credits), str(len(body.split())),
                hashlib.sha256(body.encode()).hexdigest(), method, EXTRACTOR_VERSION, run_id, loaded, loaded,
            )) + "\n"
        )

        mbuf = bufs["mentions"]
        for entity, variant, start, end, surface, label, role in mentions:
            self.mention_id += 1
            name = entity.names[variant]
            mbuf.write(f"{self.mention_id}\t{article_id}\t{entity.entity_id}\t{entity.keys[variant]}\t{start}\t{end}\t"
                       f"{surface}\t{name}\t{label}\t{role or chr(92) + 'N'}\n")
            stat = self.alias_stats.get((entity.entity_id, name))
            if stat is None:
                self.alias_stats[(entity.entity_id, name)] = [1, t]
            else:
                stat[0] += 1
                if t < stat[1]:
                    stat[1] = t
        qbuf = bufs["quotes"]
        for q in quotes:
            self.quote_id += 1
            qbuf.write(f"{self.quote_id}\t{article_id}\t" + "\t".join(q) + "\n")

        # Story membership, as the story step records it.
        members = self.story_members.setdefault(story, [])
        if article_id == founder:
            reason, score, linked, shared = "founded", 1.0, [], []
            self.founder_cache[founder] = (title, outlet.idx)
            self.story_title[story] = title
            self.story_first[story] = (t, processed)
        elif is_dup:
            reason, score, linked = "near_duplicate", round(srng.uniform(0.93, 1.0), 3), [founder]
            shared = [self.entities[e - 1].keys[0] for e in self.story_cores[story][:3]]
            counts["story_articles.near_duplicate"] += 1
        else:
            reason, score = "similar", round(srng.uniform(0.22, 0.9), 3)
            linked = sorted(srng.sample(members, min(len(members), _ri(srng, 1, 3))))
            core = self.story_cores[story]
            shared = [self.entities[e - 1].keys[0] for e in core[: max(1, _ri(srng, 1, len(core)))]]
        if len(members) < 50:
            members.append(article_id)
        last = self.story_last.get(story)
        self.story_last[story] = (max(t, last[0]), max(processed, last[1])) if last else (t, processed)
        cols = [str(article_id), str(story + 1), str(score), _arr(shared), "t" if reason == "near_duplicate" else "f",
                str(founder) if reason == "near_duplicate" else "\\N", loaded]
        if "join_reason" in self.story_article_cols:
            cols.append(reason)
        if "linked_article_ids" in self.story_article_cols:
            cols.append("{" + ",".join(map(str, linked)) + "}")
        self.sa_buf.write("\t".join(cols) + "\n")
        counts["core.articles"] += 1
        counts["core.story_articles"] += 1
        self.story_left[story] -= 1
        if self.story_left[story] == 0:
            self.story_details.pop(story, None)
            self.story_members.pop(story, None)
            self.founder_cache.pop(founder, None)

    def _title(self, crng: random.Random, detail: _StoryDetail, story: int, outlet: _Outlet) -> str:
        core = self.story_cores[story]
        ents = [self.entities[e - 1] for e in core]
        person = next((e for e in ents if e.type == "PERSON"), None)
        place = next((e for e in ents if e.type in _PLACE_TYPES), None)
        org = next((e for e in ents if e.type == "ORG"), None)
        style = outlet.style
        topic = detail.topic
        verb = topic["verb"]
        values = {
            "P": person.shorts[style % len(person.shorts)] if person else "Officials",
            "L": place.names[style % len(place.names)] if place else "Region",
            "O": org.shorts[style % len(org.shorts)] if org else "Government",
            "noun": topic["noun"], "noun2": topic["noun2"], "Noun": topic["noun"].capitalize(),
            "verb": verb, "verbs": verb + ("es" if verb.endswith(("sh", "ch", "s")) else "s"),
            "adj": topic["adj"],
        }
        return _TITLE_TEMPLATES[_rr(crng, len(_TITLE_TEMPLATES))].format(**values)

    def _variant(self, srng: random.Random, outlet: _Outlet, entity: _Entity) -> int:
        n = len(entity.names)
        if n == 1:
            return 0
        # House style: each outlet prefers one transliteration; writers sometimes deviate.
        return outlet.style % n if srng.random() < 0.88 else _rr(srng, n)

    def _content(
        self, crng: random.Random, srng: random.Random, story: int, detail: _StoryDetail, outlet: _Outlet,
        article_id: int,
    ) -> tuple[str, list[tuple], list[tuple[str, ...]], int]:
        entities = self.entities
        core = self.story_cores[story]
        slots = [core[0]] + [e for e in core[1:] if crng.random() < 0.85]
        for _ in range(_ri(crng, 1, 4)):
            e = self._zipf(crng, "ANY")
            if e and e not in slots:
                slots.append(e)
        seq = list(slots)
        occ_cum = _cumulative(1.0 / (k + 1) for k in range(len(slots)))
        for _ in range(max(0, _ri(crng, 8, 16) - len(slots))):
            seq.insert(_ri(crng, 1, len(seq)), slots[_pick(crng, occ_cum)])
        # Quotes: from the story's shared pool, or the article's own.
        persons = [e for e in slots if entities[e - 1].type == "PERSON"]
        orgs = [e for e in slots if entities[e - 1].type == "ORG"]
        segments: list[tuple[str, object]] = [("m", e) for e in seq]
        used_pool: set[int] = set()
        for _ in range(_ri(crng, 3, 5)):
            quote: _StoryQuote | None = None
            if detail.pool and crng.random() < SHARED_QUOTE_SHARE:
                k = _pick(crng, detail.pool_cum)
                if k not in used_pool:
                    used_pool.add(k)
                    quote = detail.pool[k]
                    group = quote.key
                    if srng.random() < 0.25 and len(quote.words) > 6:  # this outlet trims the quote
                        quote = _make_quote(quote.words[: -_ri(srng, 2, 3)], quote.kind, quote.speaker)
            if quote is None:
                r = crng.random()
                kind = "direct" if r < 0.5 else ("indirect" if r < 0.85 else "mixed")
                s = crng.random()
                if s < 0.8:
                    speaker = _ch(crng, persons) if persons and crng.random() < 0.6 else self._zipf(crng, "PERSON")
                elif s < 0.85:
                    speaker = _ch(crng, orgs) if orgs else self._zipf(crng, "ORG")
                else:
                    speaker = 0
                quote = self._quote_text(crng, kind, speaker)
                group = quote.key
            segments.insert(_ri(crng, min(2, len(segments)), len(segments)), ("q", (quote, group)))

        # Write the body, recording every span's offsets as we go.
        pieces: list[str] = []
        pos = 0
        mentions: list[tuple] = []
        quotes: list[tuple[str, ...]] = []
        seen: set[int] = set()
        variants: dict[int, int] = {}
        paragraph_left = _ri(crng, 2, 4)
        paragraphs = 1
        first = True
        for kind, payload in segments:
            if not first:
                if paragraph_left == 0:
                    pieces.append("\n\n")
                    pos += 2
                    paragraphs += 1
                    paragraph_left = _ri(crng, 2, 4)
                else:
                    pieces.append(" ")
                    pos += 1
            first = False
            paragraph_left -= 1
            if kind == "m":
                entity = entities[int(payload) - 1]  # type: ignore[call-overload]
                variant = variants.get(entity.entity_id)
                if variant is None:
                    variant = variants[entity.entity_id] = self._variant(srng, outlet, entity)
                full = entity.entity_id not in seen
                seen.add(entity.entity_id)
                surface = entity.names[variant] if full or entity.type != "PERSON" and crng.random() < 0.5 \
                    else entity.shorts[variant]
                role = None
                if entity.type == "PERSON" and full and entity.role and crng.random() < 0.6:
                    role = entity.role
                    prefix, suffix = "", f", the {role}," + _ROLE_SUFFIXES[_rr(crng, len(_ROLE_SUFFIXES))]
                else:
                    group_name = entity.type if entity.type in ("PERSON", "ORG") else (
                        "PLACE" if entity.type in _PLACE_TYPES else "OTHER")
                    templates = _MENTION_TEMPLATES[group_name]
                    prefix, suffix = templates[_rr(crng, len(templates))]
                start = pos + len(prefix)
                sentence = prefix + surface + suffix
                pieces.append(sentence)
                pos += len(sentence)
                mentions.append((entity, variant, start, start + len(surface), surface, entity.type, role))
            else:
                quote, group = payload  # type: ignore[misc]
                attributed = quote.speaker != 0
                templates = _QUOTE_TEMPLATES[(quote.kind, attributed)]
                tokens, cue = templates[_rr(crng, len(templates))]
                q_start = s_start = s_end = -1
                speaker_entity = entities[quote.speaker - 1] if attributed else None
                surface = ""
                variant = 0
                if speaker_entity is not None:
                    variant = variants.get(speaker_entity.entity_id, -1)
                    if variant < 0:
                        variant = variants[speaker_entity.entity_id] = self._variant(srng, outlet, speaker_entity)
                    full = speaker_entity.entity_id not in seen
                    seen.add(speaker_entity.entity_id)
                    surface = speaker_entity.names[variant] if full else speaker_entity.shorts[variant]
                for token in tokens:
                    if token == "T":
                        q_start = pos
                        text = quote.text
                    elif token == "S":
                        s_start = pos
                        text = surface
                        s_end = pos + len(surface)
                    else:
                        text = token
                    pieces.append(text)
                    pos += len(text)
                if speaker_entity is not None:
                    mentions.append((speaker_entity, variant, s_start, s_end, surface, speaker_entity.type, None))
                base_conf = {"direct": 0.92, "mixed": 0.8, "indirect": 0.68}[quote.kind]
                confidence = round(min(0.99, max(0.3, base_conf + srng.uniform(-0.08, 0.06) - (0 if attributed else 0.2))), 3)
                quotes.append((
                    str(q_start), str(q_start + len(quote.text)), quote.text, quote.kind,
                    speaker_entity.names[variant] if speaker_entity else "\\N",
                    str(speaker_entity.entity_id) if speaker_entity else "\\N",
                    speaker_entity.keys[variant] if speaker_entity else "\\N",
                    str(s_start) if speaker_entity else "\\N", str(s_end) if speaker_entity else "\\N",
                    cue, str(confidence), quote.key,
                    group if quote.kind in ("direct", "mixed") else "\\N",
                ))
        return "".join(pieces), mentions, quotes, paragraphs

    # ----------------------------------------------------------------- phase D: what needs the whole stream

    def finish(self) -> None:
        clock = self.clock
        buf = io.StringIO()
        for story in range(len(self.story_sizes)):
            first_pub, first_loaded = self.story_first[story]
            last_pub, last_loaded = self.story_last[story]
            buf.write(f"{story + 1}\t{self.story_title[story]}\t{clock.ts(first_pub)}\t{clock.ts(last_pub)}\t"
                      f"{clock.ts(first_loaded)}\t{clock.ts(last_loaded)}\n")
        self._copy("core.stories", ("story_id", "title", "first_published_at", "last_published_at", "created_at",
                                    "updated_at"), buf)
        cols = ["article_id", "story_id", "score", "shared_entities", "is_near_duplicate", "duplicate_of_article_id",
                "assigned_at"]
        cols += [c for c in ("join_reason", "linked_article_ids") if c in self.story_article_cols]
        self._copy("core.story_articles", cols, self.sa_buf)
        self.sa_buf = io.StringIO()

        buf = io.StringIO()
        best: dict[int, tuple[float, str]] = {}
        first_seen: dict[int, float] = {}
        for (entity_id, alias), (n, first) in sorted(self.alias_stats.items()):
            buf.write(f"{entity_id}\t{alias}\t{int(n)}\t{clock.ts(first)}\n")
            if entity_id not in best or n > best[entity_id][0]:
                best[entity_id] = (n, alias)
            first_seen[entity_id] = min(first, first_seen.get(entity_id, first))
        self._copy("core.entity_aliases", ("entity_id", "alias", "mentions", "first_seen_at"), buf)
        buf = io.StringIO()
        for entity_id, (_n, alias) in sorted(best.items()):
            buf.write(f"{entity_id}\t{alias}\t{clock.ts(first_seen[entity_id])}\n")
        with self.conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE synth_entity_names (entity_id bigint, name text, first_seen timestamptz)"
                        " ON COMMIT DROP")
            self._copy("synth_entity_names", ("entity_id", "name", "first_seen"), buf)
            # The display name is the most used spelling, as refresh_canonical_names keeps it.
            cur.execute("""UPDATE core.entities e SET canonical_name = s.name, first_seen_at = s.first_seen
                           FROM synth_entity_names s WHERE s.entity_id = e.entity_id""")
            # Entities are created when first seen: none without a mention. (Foreign-key triggers
            # back on, so the delete cascades to entity_keys and would fail on a referenced row.)
            cur.execute("SET LOCAL session_replication_role = origin")
            cur.execute("""DELETE FROM core.entities e WHERE NOT EXISTS
                           (SELECT 1 FROM synth_entity_names s WHERE s.entity_id = e.entity_id)""")
            self.counts["core.entities"] = len(best)
            self.counts["core.entity_aliases"] = len(self.alias_stats)
            cur.execute("SELECT count(*) FROM core.entity_keys")
            self.counts["core.entity_keys"] = int(cur.fetchone()[0])

            buf = io.StringIO()
            for feed_id, (sec, outcome, items) in sorted(self.feed_last.items()):
                buf.write(f"{feed_id}\t{clock.ts(sec)}\t{outcome}\t{items if items is not None else chr(92) + 'N'}\n")
            cur.execute("CREATE TEMP TABLE synth_feed_last (feed_id bigint, at timestamptz, outcome text, items int)"
                        " ON COMMIT DROP")
            self._copy("synth_feed_last", ("feed_id", "at", "outcome", "items"), buf)
            cur.execute("""UPDATE core.feeds f SET last_fetched_at = s.at, last_outcome = s.outcome,
                               last_item_count = s.items FROM synth_feed_last s WHERE s.feed_id = f.feed_id""")

            buf = io.StringIO()
            for run_id, (first, last, n_articles, n_fetches) in sorted(self.runs.items()):
                counts = f'{{"fetch": {{"attempts": {int(n_fetches)}}}, "load": {{"articles": {int(n_articles)}}}}}'
                buf.write(f"{run_id}\tairflow\t{{\"synthetic\": true}}\t{clock.ts(first)}\t{clock.ts(last)}\t{counts}\n")
            self._copy("core.pipeline_runs", ("run_id", "trigger", "params", "started_at", "finished_at", "counts"), buf)
            self.counts["core.pipeline_runs"] = len(self.runs)
            self.counts["core.stories"] = len(self.story_sizes)

            # Explicit ids were loaded: move every sequence past them.
            for table, column in (("core.feeds", "feed_id"), ("raw.fetches", "fetch_id"),
                                  ("core.articles", "article_id"), ("core.entities", "entity_id"),
                                  ("core.mentions", "mention_id"), ("core.quotes", "quote_id"),
                                  ("core.stories", "story_id")):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), coalesce((SELECT max({column}) FROM {table}), 1))",
                    (table, column),
                )


def _is_superuser(conn: Conn) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cur.fetchone()
    return bool(row and row[0])


def check_foreign_keys(conn: Conn) -> dict[str, int]:
    """Rows violating each single-column foreign key of schemas core and raw (anti-joins).

    The bulk load runs with foreign-key triggers off when it can (as pg_restore
    --disable-triggers does: per-row checks would double the load time), so this proves the
    constraints hold afterwards; an empty dict means they all do."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT c.conname, c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
               FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
               JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
               WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
                 AND c.connamespace IN ('core'::regnamespace, 'raw'::regnamespace)
               ORDER BY 1"""
        )
        violations: dict[str, int] = {}
        for name, child, column, parent, parent_column in cur.fetchall():
            query = sql.SQL(
                "SELECT count(*) FROM {child} x WHERE x.{col} IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM {parent} p WHERE p.{pcol} = x.{col})"
            ).format(child=sql.SQL(child), col=sql.Identifier(column), parent=sql.SQL(parent),
                     pcol=sql.Identifier(parent_column))
            cur.execute(query)
            bad = int(cur.fetchone()[0])
            if bad:
                violations[f"{name} ({child}.{column} -> {parent})"] = bad
    return violations


def _check_empty(conn: Conn) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('core.articles') IS NOT NULL")
        if not cur.fetchone()[0]:
            return
        busy = []
        for table in ("core.articles", "core.outlets", "core.entities", "core.stories", "raw.fetches"):
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cur.fetchone()[0]:
                busy.append(table)
    if busy:
        raise ConfigError(
            f"refusing to generate synthetic data into a database that already has data ({', '.join(busy)}); "
            "use an empty database (e.g. `createdb newswatch_bench`)"
        )


def generate(
    dsn: str,
    *,
    articles: int = 1_000_000,
    outlets: int = 50,
    days: int = 365,
    seed: int = 7,
    start: date = date(2025, 1, 1),
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Fill an empty newswatch database with synthetic data; return the row counts per table.

    Migrates the database first (idempotent). Refuses a database whose core tables hold rows.
    At the defaults (measured): 2.0 million fetches, 1 million articles, 40,000 entities, 15.5
    million mentions, 4.0 million quotes, 245,000 stories; 8 GB of tables and indexes (the
    reporting views add 6 GB once refreshed); ~6 minutes on two cores.
    """
    if articles < 1 or outlets < 1 or days < 1:
        raise ConfigError("articles, outlets and days must be positive")
    say = progress or (lambda _msg: None)
    conn = db.connect(dsn)
    try:
        _check_empty(conn)
    finally:
        conn.close()
    db.migrate(dsn)
    conn = db.connect(dsn)
    started = time.monotonic()
    try:
        _check_empty(conn)
        triggers_off = _is_superuser(conn)
        with conn.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cur.execute("SET LOCAL work_mem = '64MB'")
            if triggers_off:
                cur.execute("SET LOCAL session_replication_role = replica")
        gen = _Generator(conn, articles=articles, outlets=outlets, days=days, seed=seed, start=start, progress=say)
        gen.plan()
        say(f"planned {articles:,} articles in {len(gen.story_sizes):,} stories, {len(gen.entities):,} entities "
            f"({time.monotonic() - started:.0f} s)")
        gen.load_static()
        gen.stream()
        gen.finish()
        if triggers_off:
            violations = check_foreign_keys(conn)
            if violations:
                raise DataQualityError(f"synthetic data breaks foreign keys: {violations}")
        conn.commit()
        say(f"loaded in {time.monotonic() - started:.0f} s; analysing")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()
    counts = dict(sorted(gen.counts.items()))
    log.info("synthetic database: %s in %.0f s", counts, time.monotonic() - started)
    return counts
