"""Cross-document identity: one key per name, and matching a new key to the entities already known.

Two stages, so that what is certain and what is a judgement stay apart:

1. ``entity_key(name, label)`` is deterministic: a label-class prefix plus a name normalised for
   case, diacritics, punctuation, a leading "the" and (for people) honorifics, mapped through the
   curated alias seed list (``data/aliases.tsv``: Kiev -> Kyiv), and for people and places folded
   so that romanisations of one Cyrillic/Baltic spelling coincide (``fold_transliteration``:
   Yermakov/Ermakov, Zelenskyy/Zelensky/Zelenskiy, Fyodor/Fedor). Given names written another way
   in the same language (Alexander/Aleksandr, ``data/given_names.tsv`` "spelling" rows) are folded
   too. Only rules that did not merge any near-miss pair we could think of go here: a key merge is
   silent and has no confidence.

2. ``match_entity(key, label, name, known, overrides)`` decides which known entity a key that was
   not seen before belongs to: analysts' overrides first (they always win), then the exact key,
   then a conservative fuzzy stage restricted to the same type, with a confidence:

   * people: the same surname after a looser fold (w/v, ou/u, sz/sh, -off/-ov, io/e: 0.95), or a
     close one (Jaro-Winkler >= 0.92 on folded forms with the same consonant skeleton, the same
     last letter - so Ivanov/Ivanova never match - and length >= 5: the score), AND compatible
     given names: equal (1.0), cognate in ``data/given_names.tsv`` (Oleksandr/Aleksandr: 0.9), an
     initial (A. Voloshyn: 0.8) or a near-identical spelling (Jaro-Winkler >= 0.9 with the same
     last letter, so Maria/Mario never match); a patronymic on one side only costs 0.95. With
     cognate given names (Volodymyr/Vladimir) the surnames may also differ by Ukrainian h for
     Russian g (Hrytsenko/Gritsenko: 0.9). Confidences multiply; below 0.75 nothing merges. A
     single-word (surname-only) key never merges with a multi-word one: "Petrova" in one article
     and "Anna Petrova" in another may be different people. An entity any of whose keys has the
     same surname but an incompatible given name is not a candidate (so "A. Voloshin" cannot glue
     Anna and Aleksandr together);
   * organisations and places: near-identical keys only: one word of five letters or more differs
     by one edit (substitution, insertion, deletion, swap), with the same first letter and
     Jaro-Winkler >= 0.9 on that word (the score), same first three letters and digits overall:
     Defence/Defense, Centre/Center, Organisation/Organization; alias seeds act through the key;
   * other types (NORP, EVENT, ...): exact keys only.

   Two candidate entities scoring within 0.05 of each other make the key ambiguous: it founds a new
   entity rather than guessing.

``candidate_block(key)`` is the blocking key the database indexes: every pair ``match_entity`` can
merge fuzzily shares a block, so fetching the rows of one block is enough.

Pure: no spaCy, no database. ``newswatch.entities`` re-exports the key functions.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

# Label -> key class. GPE, LOC and FAC share a class: outlets disagree on which one a place is.
KEY_PREFIX: Mapping[str, str] = MappingProxyType(
    {
        "PERSON": "PER",
        "ORG": "ORG",
        "GPE": "LOC",
        "LOC": "LOC",
        "FAC": "LOC",
        "NORP": "NORP",
        "EVENT": "EVT",
        "WORK_OF_ART": "WORK",
        "LAW": "LAW",
        "PRODUCT": "PROD",
        "LANGUAGE": "LANG",
    }
)
_ALIAS_CLASS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "NORP": "NORP"}
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=s)['’])$")
HONORIFIC_WORDS = frozenset(
    "mr mrs ms miss mx dr prof sir dame president minister prime foreign chancellor senator sen rep "
    "governor gov general gen ambassador mayor".split()
)

# Fuzzy-stage thresholds. Chosen on the near-miss pairs in tests/unit/test_identity.py:
# Maria/Mario score 0.92 (kept apart by the last-letter rule, not the threshold), Ermakov/Ermolov
# 0.86, Popov/Popkov 0.93 (kept apart by the consonant skeleton).
MIN_CONFIDENCE = 0.75
AMBIGUITY_MARGIN = 0.05
SURNAME_SIMILARITY = 0.92
GIVEN_NAME_SIMILARITY = 0.9
PLACE_ORG_SIMILARITY = 0.9  # on the one differing word, after the one-edit rule
CONFIDENCE = MappingProxyType(
    {
        "exact": 1.0,
        "surname-loose": 0.95,  # Peskow/Peskov, Szewczenko/Shevchenko
        "given-cognate": 0.9,  # Oleksandr/Aleksandr
        "given-loose": 0.9,
        "given-initial": 0.8,  # A. Voloshyn
        "patronymic": 0.95,  # Sergei Viktorovich Ermakov / Sergei Ermakov
        "single-loose": 0.9,  # surname-only keys, looser fold
        "surname-cognate": 0.9,  # Hrytsenko/Gritsenko, only with cognate given names
    }
)
_NO_OVERRIDES: Mapping[str, int | None] = MappingProxyType({})


# --------------------------------------------------------------------------- normalisation


# Letters NFKD does not decompose into a base letter plus a mark (Polish ł, Danish ø, German ß,
# Turkish dotless ı, ...): without these "Łukasz Wróbel" and "Lukasz Wrobel" would differ.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
    }
)


def strip_diacritics(text: str) -> str:
    """Remove accents and marks ("Wróbel" -> "Wrobel", "Łódź" -> "Lodz"); not length-preserving."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(text: str) -> str:
    """Casefold, strip diacritics and punctuation, collapse spaces, drop a leading "the"."""
    text = strip_diacritics(text).casefold()
    text = re.sub(r"['’`]", "", text)  # "d'Ivoire" -> "divoire", "O'Brien" -> "obrien"
    text = re.sub(r"[^\w\s]|_", " ", text)
    text = " ".join(text.split())
    return text[4:] if text.startswith("the ") else text


def fold_transliteration(word: str) -> str:
    """Fold one lower-case ASCII word so common romanisations of the same name coincide.

    Rules, in order (chosen to merge Cyrillic/Baltic romanisation variants, and nothing that
    changes a name's gendered ending -a/-o):
    x -> ks; word-initial ye/je -> e, ju/iu -> yu, ja/ia -> ya, io -> yo; shch -> sh; dzh, zh -> j;
    kh -> h; tch -> ch; ts, tz -> c; yo between consonants -> e (Russian ё: Fyodor/Fedor,
    Pyotr/Petr, Semyon/Semen, Khrustalyov/Khrustalev); ye/je after a vowel -> e; ij before a
    vowel -> i (Marija/Maria); any other non-initial y -> i; final ij -> i, final aj/ej -> ai/ei
    in words of five letters or more (Sergej/Sergei; not "Raj"); doubled letters collapsed (so
    -skiy/-skii/-sky/-skyy all end -ski).

    Not here, because each merged a real near-miss pair: io -> e (Marion/Maren), w -> v
    (Wang/Vang), ou -> u (Houston/Huston), h -> g (Harris/Garris). The first three are in the
    fuzzy stage (``loose_fold``) where a confidence is recorded and given names must agree.
    """
    w = word.replace("x", "ks")
    for old, new in (
        ("ye", "e"),
        ("je", "e"),
        ("ju", "yu"),
        ("iu", "yu"),
        ("ja", "ya"),
        ("ia", "ya"),
        ("io", "yo"),
    ):
        if w.startswith(old) and len(w) > 2:
            w = new + w[len(old) :]
            break
    for old, new in (
        ("shch", "sh"),
        ("dzh", "j"),
        ("zh", "j"),
        ("kh", "h"),
        ("tch", "ch"),
        ("ts", "c"),
        ("tz", "c"),
    ):
        w = w.replace(old, new)
    w = re.sub(r"(?<=[bcdfghklmnprstvz])yo(?=[bcdfghjklmnprstvz])", "e", w)
    w = re.sub(r"(?<=[aeiou])[yj]e", "e", w)
    w = re.sub(r"(?<=.)ij(?=[aeiou])", "i", w)
    w = w[:1] + w[1:].replace("y", "i")
    w = re.sub(r"ij$", "i", w)
    if len(w) >= 5:
        w = re.sub(r"(?<=[ae])j$", "i", w)
    return re.sub(r"(.)\1+", r"\1", w)


def loose_fold(folded: str) -> str:
    """A looser fold of an already folded word, for the fuzzy stage only (never for keys).

    w -> v (German/Polish romanisation: Peskow, Tschaikowsky), sz -> sh, cz -> ch (Polish:
    Szewczenko), sch -> sh (German), ou -> u (French: Oulianov), ph -> f, ck -> k, final -of -> -ov
    (Smirnoff), doubled letters collapsed again.
    """
    w = folded
    for old, new in (
        ("sch", "sh"),
        ("sz", "sh"),
        ("cz", "ch"),
        ("w", "v"),
        ("ou", "u"),
        ("ph", "f"),
        ("ck", "k"),
    ):
        w = w.replace(old, new)
    w = re.sub(r"of$", "ov", w)
    return re.sub(r"(.)\1+", r"\1", w)


def consonant_skeleton(word: str) -> str:
    """The word without vowels (a e i o u y): variants differing only in vowels share it."""
    return re.sub(r"[aeiouy]", "", word)


# --------------------------------------------------------------------------- curated data


@dataclass(frozen=True)
class Alias:
    variant: str
    canonical: str
    cls: str  # LOC, ORG, NORP or PER


def _read_tsv(name: str, header: str) -> list[list[str]]:
    raw = resources.files("newswatch").joinpath(f"data/{name}").read_text(encoding="utf-8")
    rows: list[list[str]] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith(header + "\t"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3:
            raise ValueError(f"{name}: expected 3 tab-separated columns, got {line!r}")
        rows.append(parts)
    return rows


@functools.lru_cache(maxsize=1)
def load_aliases() -> tuple[Alias, ...]:
    """The curated alias seed list (Kiev -> Kyiv, AFP -> Agence France-Presse, ...)."""
    return tuple(Alias(*row) for row in _read_tsv("aliases.tsv", "variant"))


@functools.lru_cache(maxsize=1)
def _alias_index() -> dict[tuple[str, str], str]:
    return {(a.cls, normalise_name(a.variant)): a.canonical for a in load_aliases()}


def canonical_alias(name: str, label: str) -> str:
    """The curated canonical form of `name` for this label ("Kiev" -> "Kyiv"), or `name`."""
    cls = _ALIAS_CLASS.get(KEY_PREFIX.get(label, ""), "")
    return _alias_index().get((cls, normalise_name(name)), name)


@dataclass(frozen=True)
class GivenNameVariant:
    variant: str
    canonical: str
    kind: str  # spelling | cognate


@functools.lru_cache(maxsize=1)
def load_given_names() -> tuple[GivenNameVariant, ...]:
    """The curated given-name variant table (``data/given_names.tsv``)."""
    rows = tuple(GivenNameVariant(*row) for row in _read_tsv("given_names.tsv", "variant"))
    for row in rows:
        if row.kind not in ("spelling", "cognate"):
            raise ValueError(f"given_names.tsv: unknown kind {row.kind!r} for {row.variant!r}")
    return rows


def _fold_word(word: str) -> str:
    return fold_transliteration(normalise_name(word))


@functools.lru_cache(maxsize=1)
def _given_name_index() -> tuple[dict[str, str], dict[str, str]]:
    """(spelling fold -> canonical fold, any fold -> group fold) over the given-name table."""
    spelling: dict[str, str] = {}
    group: dict[str, str] = {}
    for row in load_given_names():
        variant, canonical = _fold_word(row.variant), _fold_word(row.canonical)
        if row.kind == "spelling":
            spelling[variant] = canonical
        group[variant] = canonical
    # A cognate of a spelling variant ("Oleksandr" ~ "Aleksandr" ~ "Alexander") shares its group.
    return spelling, {k: spelling.get(v, v) for k, v in group.items()}


def fold_given_name(folded: str) -> str:
    """Map a folded given name to the folded canonical of its "spelling" row (alexander -> aleksandr)."""
    return _given_name_index()[0].get(folded, folded)


def given_name_group(folded: str) -> str:
    """The cognate group of a folded given name (oleksandr, aleksandr, alyaksandr -> aleksandr)."""
    folded = fold_given_name(folded)
    return _given_name_index()[1].get(folded, folded)


# --------------------------------------------------------------------------- keys


def entity_key(name: str, label: str) -> str:
    """Cross-document key: "<CLASS>:<normalised name>", e.g. "PER:sergei ermakov", "LOC:kiv".

    Applies the curated alias table first, then casefolds, strips diacritics and punctuation;
    PERSON keys drop honorifics and titles and map given-name spellings (Alexander -> aleksandr);
    PERSON/GPE/LOC/FAC keys are transliteration-folded.
    """
    prefix = KEY_PREFIX.get(label, label[:4].upper() or "ENT")
    canonical = canonical_alias(_POSSESSIVE_RE.sub("", name.strip()), label)
    words = normalise_name(canonical).split()
    if label == "PERSON":
        words = [w for w in words if w not in HONORIFIC_WORDS] or words
    if prefix in ("PER", "LOC"):
        words = [fold_transliteration(w) for w in words]
    if prefix == "PER" and len(words) >= 2:
        words = [fold_given_name(w) for w in words[:-1]] + words[-1:]
    return f"{prefix}:{' '.join(words)}"


def key_class(key: str) -> str:
    """The class prefix of a key ("PER", "ORG", "LOC", ...)."""
    return key.split(":", 1)[0]


def _key_body(key: str) -> str:
    return key.split(":", 1)[1] if ":" in key else key


def candidate_block(key: str) -> str:
    """Blocking key: every key ``match_entity`` can merge fuzzily with `key` shares this block.

    People: class + the consonant skeleton of the loosely folded surname, h read as g
    ("PER:vlshn" for Voloshyn, Voloshin, A. Voloshyn). Organisations and places: class + the first three letters
    (the fuzzy stage requires them equal). Other classes: the key itself (exact matches only).
    """
    cls, body = key_class(key), _key_body(key)
    words = body.split()
    if cls == "PER" and words:
        # h -> g as well, so Ukrainian/Russian pairs (Hrytsenko/Gritsenko) share a block.
        surname = loose_fold(words[-1]).replace("h", "g")
        return f"PER:{consonant_skeleton(surname) or surname}"
    if cls in ("ORG", "LOC"):
        return f"{cls}:{body[:3]}"
    return key


# --------------------------------------------------------------------------- similarity


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity in [0, 1] (Winkler 1990: common prefix up to 4, boost above 0.7)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_matched = [False] * len(a)
    b_matched = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_matched[j] and b[j] == ch:
                a_matched[i] = b_matched[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_seq = [ch for ch, m in zip(a, a_matched, strict=True) if m]
    b_seq = [ch for ch, m in zip(b, b_matched, strict=True) if m]
    transpositions = sum(x != y for x, y in zip(a_seq, b_seq, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    if jaro <= 0.7:
        return jaro
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class KnownEntity:
    """One known key of a canonical entity (an entity with several keys has several rows)."""

    entity_id: int
    entity_key: str
    label: str
    name: str  # canonical display name


@dataclass(frozen=True)
class Match:
    entity_id: int | None  # None: found a new entity (or, for override-split, the key's own)
    method: str  # exact | fuzzy | override-merge | override-split | new
    confidence: float  # of the decision; for "new", 1 - the best rejected candidate's score


def match_entity(
    key: str,
    label: str,
    name: str,
    known: Sequence[KnownEntity],
    overrides: Mapping[str, int | None] = _NO_OVERRIDES,
) -> Match:
    """Which known entity `key` (with its label and display name) belongs to.

    `known` holds the candidate rows (e.g. one ``candidate_block``); pass every key of a candidate
    entity so a conflicting key can veto it. `overrides` maps a key to an entity id (analyst merge)
    or None (analyst split: this key stands alone, never merged; the caller creates or reuses the
    entity keyed by it). Keys in `overrides` with None are also never merged *into*.
    """
    if key in overrides:
        target = overrides[key]
        return Match(target, "override-merge" if target is not None else "override-split", 1.0)
    exact = sorted(k.entity_id for k in known if k.entity_key == key)
    if exact:
        return Match(exact[0], "exact", CONFIDENCE["exact"])
    cls = key_class(key)
    if cls not in ("PER", "ORG", "LOC"):
        return Match(None, "new", 1.0)
    rows_by_entity: dict[int, list[KnownEntity]] = {}
    for row in known:
        if key_class(row.entity_key) != cls:
            continue
        if row.entity_key in overrides and overrides[row.entity_key] is None:
            continue  # an analyst split this key off: nothing merges into it
        rows_by_entity.setdefault(row.entity_id, []).append(row)
    scores: dict[int, float] = {}
    for entity_id, rows in rows_by_entity.items():
        score = _entity_score(key, name, rows) if cls == "PER" else _place_org_score(key, rows)
        if score is not None:
            scores[entity_id] = score
    if not scores:
        return Match(None, "new", 1.0)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best_id, best = ranked[0]
    ambiguous = len(ranked) > 1 and ranked[1][1] >= best - AMBIGUITY_MARGIN
    if best < MIN_CONFIDENCE or ambiguous:
        return Match(None, "new", round(1.0 - best, 3))
    return Match(best_id, "fuzzy", round(best, 3))


# People ---------------------------------------------------------------------


@dataclass(frozen=True)
class _PersonName:
    tokens: tuple[str, ...]  # folded key words
    display_given: str  # first word of the display name, normalised but not folded

    @property
    def surname(self) -> str:
        return self.tokens[-1]

    @property
    def given(self) -> str:
        return self.tokens[0]


def _person(key: str, name: str) -> _PersonName:
    display = [w for w in normalise_name(name).split() if w not in HONORIFIC_WORDS]
    return _PersonName(tuple(_key_body(key).split()), display[0] if display else "")


_CONFLICT = -1.0


def _entity_score(key: str, name: str, rows: Sequence[KnownEntity]) -> float | None:
    """Best score of `key` against an entity's rows; None if unrelated or vetoed by a conflict."""
    new = _person(key, name)
    best: float | None = None
    for row in rows:
        score = _person_pair_score(new, _person(row.entity_key, row.name))
        if score == _CONFLICT:
            return None
        if score is not None and (best is None or score > best):
            best = score
    return best


def _person_pair_score(a: _PersonName, b: _PersonName) -> float | None:
    """Confidence that two person names are one person; None if unrelated, _CONFLICT if the
    surnames agree but the given names do not (two people sharing a surname)."""
    if not a.tokens or not b.tokens:
        return None
    if len(a.tokens) == 1 or len(b.tokens) == 1:
        if len(a.tokens) != len(b.tokens):
            return None  # a surname alone is ambiguous across documents
        surname = surname_similarity(a.surname, b.surname)
        return None if surname is None else min(surname, CONFIDENCE["single-loose"])
    given = given_name_similarity(a.given, b.given, a.display_given, b.display_given)
    surname = surname_similarity(a.surname, b.surname)
    if surname is None and given == CONFIDENCE["given-cognate"]:
        # Cognate given names (Volodymyr/Vladimir) mark a Ukrainian/Russian pair of romanisations,
        # where Ukrainian h stands for Russian g: Hrytsenko/Gritsenko.
        surname = ukrainian_russian_surname_similarity(a.surname, b.surname)
    if surname is None:
        return None
    middle = _middle_similarity(a.tokens[1:-1], b.tokens[1:-1])
    if given is None or middle is None:
        return _CONFLICT
    return surname * given * middle


def surname_similarity(a: str, b: str) -> float | None:
    """Similarity of two folded surnames, or None when they are not variants of one surname."""
    if a == b:
        return 1.0
    la, lb = loose_fold(a), loose_fold(b)
    if la == lb or _YO_AS_IO_RE.sub("e", la) == _YO_AS_IO_RE.sub("e", lb):
        return CONFIDENCE["surname-loose"]
    if (
        min(len(la), len(lb)) < 5
        or abs(len(la) - len(lb)) > 2
        or la[-1] != lb[-1]  # gendered endings: Ivanov/Ivanova, Kalnietis/Kalniete
        or consonant_skeleton(la) != consonant_skeleton(lb)  # Popov/Popkov, Ermakov/Ermolov
    ):
        return None
    score = jaro_winkler(la, lb)
    return score if score >= SURNAME_SIMILARITY else None


def ukrainian_russian_surname_similarity(a: str, b: str) -> float | None:
    """Surnames equal once Ukrainian h is read as Russian g (Hrytsenko/Gritsenko), else None.

    Only used when the given names are cognates: on its own h/g merges Harris/Garris.
    """
    if loose_fold(a).replace("h", "g") == loose_fold(b).replace("h", "g"):
        return CONFIDENCE["surname-cognate"]
    return None


# Russian ё written "io" (French-style: Podberiozkin/Podberezkin). Surnames only: among given names
# it merged Marion/Maren; the given-name table lists Fiodor, Artiom and Semion instead.
_YO_AS_IO_RE = re.compile(r"(?<=[bcdfghklmnprstvz])io(?=[bcdfghjklmnprstvz])")


def given_name_similarity(a: str, b: str, display_a: str = "", display_b: str = "") -> float | None:
    """Similarity of two folded given names, or None when they are different names."""
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        initial, full, display_full = (a, b, display_b) if len(a) == 1 else (b, a, display_a)
        if len(full) == 1:
            return None  # two different initials
        # "A. Voloshin" (Russian Aleksandr) for "Oleksandr Voloshyn": the cognate's initial counts.
        if (
            full.startswith(initial)
            or display_full.startswith(initial)
            or given_name_group(full).startswith(initial)
        ):
            return CONFIDENCE["given-initial"]
        return None
    if given_name_group(a) == given_name_group(b):
        return CONFIDENCE["given-cognate"]
    la, lb = loose_fold(a), loose_fold(b)
    if la == lb:
        return CONFIDENCE["given-loose"]
    if la[-1] != lb[-1] or consonant_skeleton(la) != consonant_skeleton(lb):
        return None  # Maria/Mario, Anna/Anne, Alexander/Alexandra
    score = jaro_winkler(la, lb)
    return score if score >= GIVEN_NAME_SIMILARITY else None


_PATRONYMIC_RE = re.compile(r"(?:ovich|evich|ovna|evna|ichna|ich)$")


def _middle_similarity(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Middle names: equal or initials of each other; one side may add a patronymic only."""
    if tuple(a) == tuple(b):
        return 1.0
    if not a or not b:
        extra = a or b
        return CONFIDENCE["patronymic"] if all(_PATRONYMIC_RE.search(w) for w in extra) else None
    if len(a) != len(b):
        return None
    score = 1.0
    for x, y in zip(a, b, strict=True):
        pair = given_name_similarity(x, y)
        if pair is None:
            return None
        score *= pair
    return score


# Organisations and places ------------------------------------------------------


def _place_org_score(key: str, rows: Sequence[KnownEntity]) -> float | None:
    scores = [s for s in (place_org_similarity(key, row.entity_key) for row in rows) if s is not None]
    return max(scores) if scores else None


def place_org_similarity(key_a: str, key_b: str) -> float | None:
    """Near-identical organisation or place keys (Ministry of Defence/Defense), else None."""
    a, b = _key_body(key_a), _key_body(key_b)
    if a == b:
        return 1.0
    if a[:3] != b[:3] or re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return None
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return None
    differing = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    if len(differing) != 1:
        return None
    x, y = differing[0]
    if (
        min(len(x), len(y)) < 5
        or x[0] != y[0]  # Bank of Russia / Bank of Prussia
        or not _one_edit_apart(x, y)  # Slovakia/Slovenia, Austria/Australia
        or (len(x) != len(y) and x[-1] != y[-1])  # Dominica/Dominican
    ):
        return None
    # The other words are identical, so the differing word carries the evidence (a whole-key
    # score hides one changed word in a long name).
    score = jaro_winkler(x, y)
    return score if score >= PLACE_ORG_SIMILARITY else None


def _one_edit_apart(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours (Defence/Defense, Centre/Center)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
