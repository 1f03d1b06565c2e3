"""Cross-document identity: keys, the fuzzy matcher, overrides, blocking, and the fixture corpus.

Pure tests (no spaCy): names are fictional; the variant sets and near misses are the ones the
entity fixtures (tests/fixtures/entities/) use, plus textbook cases.
"""

from __future__ import annotations

import importlib.util
import json
from itertools import combinations
from pathlib import Path

import pytest
from newswatch import identity
from newswatch.identity import (
    KnownEntity,
    Match,
    candidate_block,
    entity_key,
    fold_transliteration,
    jaro_winkler,
    match_entity,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "entities"


def per(name: str) -> str:
    return entity_key(name, "PERSON")


def known(*rows: tuple[int, str, str]) -> list[KnownEntity]:
    """(entity_id, name, label) -> KnownEntity rows keyed as the pipeline keys them."""
    return [KnownEntity(entity_id, entity_key(name, label), label, name) for entity_id, name, label in rows]


def match_person(name: str, rows: list[KnownEntity], overrides: dict[str, int | None] | None = None) -> Match:
    return match_entity(per(name), "PERSON", name, rows, overrides or {})


# --------------------------------------------------------------------------- Jaro-Winkler


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [  # Winkler's textbook pairs
        ("martha", "marhta", 0.961),
        ("dwayne", "duane", 0.840),
        ("dixon", "dicksonx", 0.813),
        ("same", "same", 1.0),
        ("abc", "xyz", 0.0),
        ("", "abc", 0.0),
    ],
)
def test_jaro_winkler_reference_values(a: str, b: str, expected: float) -> None:
    assert jaro_winkler(a, b) == pytest.approx(expected, abs=0.001)
    assert jaro_winkler(b, a) == pytest.approx(expected, abs=0.001)


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "variants",
    [
        ("Fyodor Lebedinsky", "Fedor Lebedinskiy", "Fiodor Lebedinskii", "Feodor Lebedinsky"),
        ("Aleksandr Voloshin", "Alexander Voloshyn", "Aleksander Voloshin"),
        ("Pyotr Semyonov", "Petr Semenov"),
        ("Dmitri Khrustalyov", "Dmitry Khrustalev"),
        ("Sergej", "Sergei", "Sergey"),
        ("Andrej Kovac", "Andrei Kovac", "Andrey Kovac"),
        ("Marija", "Maria", "Mariya"),
        ("Victor Rusnac", "Viktor Rusnac"),
        ("Yermolenko", "Ermolenko"),
        ("Voloshyn", "Voloshin"),
        ("Irina Zhdanova", "Irina Jdanova"),
        ("Yuliya Savchuk", "Iuliia Savchuk", "Yulia Savchuk", "Julia Savchuk"),
        ("Łukasz Wróbel", "Lukasz Wrobel", "ŁUKASZ WRÓBEL"),
        ("Gabrielius Varnas", "Gabrielyus Varnas"),
    ],
)
def test_romanisation_variants_share_a_key(variants: tuple[str, ...]) -> None:
    assert len({per(v) for v in variants}) == 1, {v: per(v) for v in variants}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Rules considered for the key and left out because they merge these:
        ("Marion", "Maren"),  # io -> e
        ("Wang", "Vang"),  # w -> v
        ("Houston", "Huston"),  # ou -> u
        ("Harris", "Garris"),  # h -> g
        ("Raj", "Rai"),  # final -aj only folded in longer words
        # Near misses of the fixtures:
        ("Maria Ferrante", "Mario Ferrante"),
        ("Alexander", "Alexandra"),
        ("Ivanov", "Ivanova"),
        ("Oleksandr Voloshyn", "Aleksandr Voloshin"),  # a cognate: fuzzy stage, not the key
        ("Mykola Tkachenko", "Nikolai Tkachenko"),
    ],
)
def test_risky_variants_are_not_folded_into_the_key(a: str, b: str) -> None:
    assert per(a) != per(b)


def test_given_name_spelling_applies_to_given_names_only() -> None:
    assert per("Alexander Voloshin") == "PER:aleksandr voloshin"
    assert per("Alexander") == "PER:aleksander"  # a lone word is a surname
    assert per("Ivan Alexander") == "PER:ivan aleksander"


def test_yo_between_consonants_folds_to_e() -> None:
    assert fold_transliteration("fyodor") == fold_transliteration("fedor")
    assert fold_transliteration("artyom") == fold_transliteration("artem")
    assert fold_transliteration("yolkin") != fold_transliteration("elkin")  # word-initial yo kept


def test_place_aliases_added_to_the_seed_list() -> None:
    for variant, canonical in [
        ("Energodar", "Enerhodar"),
        ("Chernigov", "Chernihiv"),
        ("Artemovsk", "Bakhmut"),
    ]:
        assert entity_key(variant, "GPE") == entity_key(canonical, "GPE")
    assert entity_key("IAEA", "ORG") == entity_key("International Atomic Energy Agency", "ORG")


def test_given_name_table_is_well_formed() -> None:
    rows = identity.load_given_names()
    assert len(rows) >= 30
    assert {r.kind for r in rows} == {"spelling", "cognate"}
    variants = [r.variant.casefold() for r in rows]
    assert len(variants) == len(set(variants))
    fold = identity._fold_word
    for row in rows:
        # A row whose forms already fold together is dead weight; keep the table to real variants.
        assert fold(row.variant) != fold(row.canonical), row
    canonicals = {fold(r.canonical) for r in rows}
    assert not any(fold(r.variant) in canonicals for r in rows), "no chains: a variant is never a canonical"


# --------------------------------------------------------------------------- matching: exact and overrides


def test_exact_key_matches_with_full_confidence() -> None:
    rows = known((7, "Sergei Yermolenko", "PERSON"))
    assert match_person("Sergey Ermolenko", rows) == Match(7, "exact", 1.0)


def test_no_candidates_founds_a_new_entity() -> None:
    assert match_person("Sergei Yermolenko", []) == Match(None, "new", 1.0)


def test_override_merge_wins_over_an_exact_match() -> None:
    rows = known((7, "Sergei Yermolenko", "PERSON"))
    found = match_person("Sergei Yermolenko", rows, {per("Sergei Yermolenko"): 42})
    assert found == Match(42, "override-merge", 1.0)


def test_override_split_wins_over_an_exact_or_fuzzy_match() -> None:
    rows = known((7, "Oleksandr Voloshyn", "PERSON"), (7, "Aleksandr Voloshin", "PERSON"))
    for name in ("Aleksandr Voloshin", "A. Voloshin"):
        assert match_person(name, rows, {per(name): None}) == Match(None, "override-split", 1.0)


def test_nothing_merges_into_a_key_an_analyst_split_off() -> None:
    rows = known((7, "Oleksandr Voloshyn", "PERSON"))
    assert match_person("Aleksandr Voloshin", rows).entity_id == 7
    assert match_person("Aleksandr Voloshin", rows, {per("Oleksandr Voloshyn"): None}).method == "new"


def test_overrides_survive_reruns_because_they_are_checked_first() -> None:
    rows = known((7, "Ivan Popov", "PERSON"), (9, "Ivan Popkov", "PERSON"))
    overrides: dict[str, int | None] = {per("Ivan Popkov"): 7}  # the analyst says: one person
    for _ in range(3):
        assert match_person("Ivan Popkov", rows, overrides) == Match(7, "override-merge", 1.0)


# --------------------------------------------------------------------------- matching: fuzzy people


@pytest.mark.parametrize(
    ("new", "existing", "method", "confidence"),
    [
        ("Aleksandr Voloshin", "Oleksandr Voloshyn", "fuzzy", 0.9),  # cognate given name
        ("Nikolai Tkachenko", "Mykola Tkachenko", "fuzzy", 0.9),
        ("Dmitry Bondar", "Dmytro Bondar", "fuzzy", 0.9),
        ("Vladimir Gritsenko", "Volodymyr Hrytsenko", "fuzzy", 0.81),  # cognate + Ukrainian h / Russian g
        ("A. Voloshin", "Aleksandr Voloshin", "fuzzy", 0.8),  # an initial
        ("O. Voloshyn", "Oleksandr Voloshyn", "fuzzy", 0.8),
        ("A. Voloshin", "Oleksandr Voloshyn", "fuzzy", 0.8),  # the cognate's initial
        ("Juri Markow", "Yuri Markov", "fuzzy", 0.95),  # German w for v
        ("Taras Szewczenko", "Taras Shevchenko", "fuzzy", 0.95),  # Polish sz/cz/w
        ("Dmitri Podberiozkin", "Dmitri Podberezkin", "fuzzy", 0.95),  # ё written io
        ("Sergei Orlov", "Sergei Viktorovich Orlov", "fuzzy", 0.95),  # patronymic
        ("Mikhail Gorbachov", "Mikhail Gorbachev", "fuzzy", 0.956),  # close surname: the JW score
    ],
)
def test_variants_merge_fuzzily_with_a_confidence(
    new: str, existing: str, method: str, confidence: float
) -> None:
    found = match_person(new, known((3, existing, "PERSON")))
    assert (found.entity_id, found.method) == (3, method)
    assert found.confidence == pytest.approx(confidence, abs=0.005)


@pytest.mark.parametrize(
    ("new", "existing"),
    [
        ("Mario Ferrante", "Maria Ferrante"),  # JW 0.92, kept apart by the last letter
        ("Olga Petrova", "Anna Petrova"),
        ("Mykhailo Tkachenko", "Mykola Tkachenko"),
        ("Oleh Shevchuk", "Olena Shevchuk"),
        ("Ivan Popkov", "Ivan Popov"),  # JW 0.96, kept apart by the consonant skeleton
        ("Ivan Ermolov", "Ivan Ermakov"),
        ("Dmytro Bondarenko", "Dmytro Bondar"),
        ("Taras Melnychuk", "Taras Melnyk"),
        ("Anna Ivanova", "Anna Ivanov"),
        ("Inese Kalniete", "Inese Kalnietis"),
        ("Ivan Kovalchenko", "Ivan Kovalenko"),
        ("George Bush", "George W. Bush"),  # a middle initial is not a patronymic
        ("Michael Orlov", "Mikhail Orlov"),  # English forms are not in the cognate table
        ("B. Voloshin", "Oleksandr Voloshyn"),
        ("Harris Smith", "Garris Smith"),
    ],
)
def test_near_misses_found_new_entities(new: str, existing: str) -> None:
    assert match_person(new, known((3, existing, "PERSON"))).method == "new"


def test_a_surname_alone_never_merges_with_a_full_name_across_documents() -> None:
    assert match_person("Petrova", known((3, "Anna Petrova", "PERSON"))).method == "new"
    assert match_person("Anna Petrova", known((3, "Petrova", "PERSON"))).method == "new"


def test_surname_only_keys_merge_with_each_other_on_a_looser_fold() -> None:
    found = match_person("Peskow", known((3, "Peskov", "PERSON")))
    assert (found.entity_id, found.method) == (3, "fuzzy")


def test_a_conflicting_key_vetoes_its_entity() -> None:
    # Entity 3 was built from "A. Voloshin" and "Aleksandr Voloshin": "Anna Voloshin" matches the
    # initial but conflicts with the full given name, so entity 3 is not a candidate.
    rows = known((3, "A. Voloshin", "PERSON"), (3, "Aleksandr Voloshin", "PERSON"))
    assert match_person("Anna Voloshin", rows).method == "new"


def test_ambiguous_candidates_found_a_new_entity_with_low_confidence() -> None:
    rows = known((3, "Anna Lind", "PERSON"), (4, "Aleksandra Lind", "PERSON"))
    found = match_person("A. Lind", rows)
    assert found.method == "new"
    assert found.entity_id is None
    assert found.confidence < 0.5  # "new", but not confidently new


def test_types_never_mix() -> None:
    rows = known((3, "Viktor Orlov", "PERSON"))
    assert match_entity(entity_key("Viktor Orlov", "ORG"), "ORG", "Viktor Orlov", rows).method == "new"
    places = known((5, "Georgia", "GPE"))
    assert match_entity(entity_key("Georgia", "PERSON"), "PERSON", "Georgia", places).method == "new"


def test_gpe_and_loc_share_a_class() -> None:
    rows = known((5, "Kyiv", "GPE"))
    assert match_entity(entity_key("Kiev", "LOC"), "LOC", "Kiev", rows) == Match(5, "exact", 1.0)


# --------------------------------------------------------------------------- matching: organisations and places


@pytest.mark.parametrize(
    ("new", "existing", "label"),
    [
        ("Center for Eastern Strategy", "Centre for Eastern Strategy", "ORG"),
        ("Ministry of Defense", "Ministry of Defence", "ORG"),
        ("Organisation for Security", "Organization for Security", "ORG"),
    ],
)
def test_near_identical_organisations_merge(new: str, existing: str, label: str) -> None:
    found = match_entity(entity_key(new, label), label, new, known((9, existing, label)))
    assert (found.entity_id, found.method) == (9, "fuzzy")
    assert 0.9 <= found.confidence < 1.0


@pytest.mark.parametrize(
    ("new", "existing", "label"),
    [
        ("Institute of World Politics", "Institute of World Economy", "ORG"),
        ("Gazprom Neft", "Gazprom", "ORG"),
        ("G8", "G7", "ORG"),
        ("Slovenia", "Slovakia", "GPE"),
        ("Australia", "Austria", "GPE"),
        ("Iraq", "Iran", "GPE"),
        ("Niger", "Nigeria", "GPE"),
        ("South Sudan", "Sudan", "GPE"),
        ("Dominican", "Dominica", "GPE"),
        ("Bank of Prussia", "Bank of Russia", "ORG"),
        ("Interfax-Ukraine", "Interfax", "ORG"),
    ],
)
def test_different_organisations_and_places_stay_apart(new: str, existing: str, label: str) -> None:
    assert match_entity(entity_key(new, label), label, new, known((9, existing, label))).method == "new"


def test_other_types_match_exactly_only() -> None:
    rows = known((9, "World War I", "EVENT"))
    assert match_entity(entity_key("World War II", "EVENT"), "EVENT", "World War II", rows).method == "new"


# --------------------------------------------------------------------------- blocking


MERGING_PAIRS = [
    ("PERSON", "Aleksandr Voloshin", "Oleksandr Voloshyn"),
    ("PERSON", "A. Voloshin", "Oleksandr Voloshyn"),
    ("PERSON", "Vladimir Gritsenko", "Volodymyr Hrytsenko"),
    ("PERSON", "Juri Markow", "Yuri Markov"),
    ("PERSON", "Taras Szewczenko", "Taras Shevchenko"),
    ("PERSON", "Dmitri Podberiozkin", "Dmitri Podberezkin"),
    ("PERSON", "Mikhail Gorbachov", "Mikhail Gorbachev"),
    ("PERSON", "Sergei Orlov", "Sergei Viktorovich Orlov"),
    ("ORG", "Center for Eastern Strategy", "Centre for Eastern Strategy"),
    ("ORG", "Ministry of Defense", "Ministry of Defence"),
]


@pytest.mark.parametrize(("label", "a", "b"), MERGING_PAIRS)
def test_every_fuzzy_merge_shares_a_block(label: str, a: str, b: str) -> None:
    assert candidate_block(entity_key(a, label)) == candidate_block(entity_key(b, label))
    assert match_entity(entity_key(a, label), label, a, known((1, b, label))).method == "fuzzy"


def test_blocks_are_coarser_than_keys_but_typed() -> None:
    assert candidate_block(per("Ivan Popov")) != candidate_block(per("Ivan Popkov"))
    assert candidate_block(per("Anna Petrova")) == candidate_block(per("Olga Petrova"))  # same surname
    assert candidate_block(entity_key("Petrova", "ORG")).startswith("ORG:")
    assert candidate_block(entity_key("Cold War", "EVENT")) == entity_key("Cold War", "EVENT")


# --------------------------------------------------------------------------- the fixture corpus


def _load_builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fixtures() -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*_*.json"))]


def test_fixture_files_agree_with_their_markup() -> None:
    builder = _load_builder()
    docs = _fixtures()
    assert sum(d["split"] == "dev" for d in docs) >= 20
    identities = json.loads((FIXTURES / "identities.json").read_text(encoding="utf-8"))
    for doc in docs:
        text, mentions = builder.parse_annotated(doc["annotated"])
        assert (doc["text"], doc["mentions"]) == (text, mentions), doc["id"]
        for m in mentions:
            assert text[m["start"] : m["end"]] == m["text"] == m["text"].strip()
            assert m["label"] in {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"}
            if m["label"] == "PERSON":
                assert m["entity"] in identities["entities"], m
    for pair in identities["must_not_merge"]:
        assert pair["a"] in identities["entities"] or pair["a"].startswith(("org:", "loc:"))


def _gold_people() -> dict[str, list[str]]:
    """Gold person id -> the multi-word spellings the fixtures use for them, in corpus order."""
    spellings: dict[str, list[str]] = {}
    for doc in _fixtures():
        for m in doc["mentions"]:
            if m["label"] == "PERSON" and len(str(m["text"]).split()) >= 2:
                forms = spellings.setdefault(str(m["entity"]), [])
                if m["text"] not in forms:
                    forms.append(str(m["text"]))
    return spellings


# Spellings the fixtures know newswatch cannot merge (the closing note reports them).
KNOWN_MISSES = {"per:victor-rusnac"}  # Romanian Rusnac / Russian Rusnak: c/k is not folded


def test_fixture_variant_sets_merge_and_near_misses_do_not() -> None:
    """Feed every full-name spelling of the fixtures through match_entity in corpus order."""
    rows: list[KnownEntity] = []
    assigned: dict[str, int] = {}
    next_id = 0
    for forms in _gold_people().values():
        for form in forms:
            key = per(form)
            if key in assigned:
                continue
            found = match_person(
                form, [r for r in rows if candidate_block(r.entity_key) == candidate_block(key)]
            )
            if found.entity_id is None:
                next_id += 1
                assigned[key] = next_id
            else:
                assigned[key] = found.entity_id
            rows.append(KnownEntity(assigned[key], key, "PERSON", form))
    predicted = {gold: {assigned[per(f)] for f in forms} for gold, forms in _gold_people().items()}
    for gold, ids in predicted.items():
        if gold not in KNOWN_MISSES:
            assert len(ids) == 1, (gold, _gold_people()[gold])
    for a, b in combinations(predicted, 2):
        assert not predicted[a] & predicted[b], (a, b)
