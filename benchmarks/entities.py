"""Entity recognition and cross-document identity: newswatch against plain spaCy on the team's fixtures.

The fixtures are ``tests/fixtures/entities/NN_*.json``: short fictional news texts written by the
team (wire copy, machine-translated copy, captions and photo credits, one person spelled
differently by outlets in different countries), each with gold mentions (offsets, label, gold
entity id). ``identities.json`` names the gold entities and the near-miss pairs that must never
merge. Annotation rules: ``tests/fixtures/entities/README.md``.

What is compared, on the same texts, in the same process:

* newswatch: ``entities.extract_entities_batch`` (the pipeline's call: ``nlp.pipe`` plus the news
  rules and in-document resolution), then ``identity.match_entity`` over the corpus in file order
  with a growing table of known keys, fetched by ``candidate_block`` as the database does;
* plain spaCy: the same model package (``spacy.load``, default components) run with ``nlp.pipe``,
  ``doc.ents`` as mentions, and the lower-cased mention text as its cross-document identity.

Scores, over the labels the fixtures annotate (PERSON ORG GPE LOC NORP EVENT; other labels a
system outputs are ignored):

* mentions, strict: a predicted mention is correct when (start, end, label) equals a gold one;
* mentions, lenient: when it overlaps a gold mention of the same class (GPE, LOC and FAC count as
  one class "place");
* merges: over every pair of gold PERSON/ORG/GPE mentions in the corpus (within and across
  documents), are the two the same entity? Each gold mention takes the identity of the predicted
  mention at the same span, else of an overlapping one; a gold mention no prediction covers is a
  singleton. Pairwise precision = correct same-entity pairs / predicted same-entity pairs,
  recall = correct same-entity pairs / gold same-entity pairs. The near-miss pairs of
  ``identities.json`` violated are counted separately;
* roles (newswatch only): the role phrase attached to a person, against the gold role, casefolded.

Speed: words (whitespace tokens) per second of wall time for each system over the corpus repeated
``--repeat`` times (default 4), the best of ``--rounds`` runs (default 3), alternating. For
newswatch the Doc cache is cleared before each run and identity matching is included.

    .venv/bin/python benchmarks/entities.py             # summary
    .venv/bin/python benchmarks/entities.py --errors    # plus every newswatch miss and false alarm
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "entities"
EVAL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"})
MERGE_LABELS = frozenset({"PERSON", "ORG", "GPE"})
_CLASS = {"GPE": "place", "LOC": "place", "FAC": "place"}


@dataclass(frozen=True)
class Doc:
    doc_id: str
    split: str  # dev (the rules were developed on these) | heldout (written after the rules)
    text: str
    gold: list[dict[str, object]]
    roles: dict[str, str]


@dataclass(frozen=True)
class Predicted:
    start: int
    end: int
    label: str
    identity: str  # cross-document identity the system assigned
    role: str | None = None


def load_fixtures(folder: Path = FIXTURES) -> tuple[list[Doc], dict[str, object]]:
    docs = []
    for path in sorted(folder.glob("[0-9][0-9]_*.json")) + sorted(folder.glob("H[0-9][0-9]_*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        docs.append(
            Doc(raw["id"], raw.get("split", "dev"), raw["text"], raw["mentions"], raw.get("roles", {}))
        )
    identities = json.loads((folder / "identities.json").read_text(encoding="utf-8"))
    return docs, identities


# --------------------------------------------------------------------------- systems


def run_newswatch(texts: Sequence[str]) -> list[list[Predicted]]:
    from newswatch import entities
    from newswatch.identity import KnownEntity, candidate_block, match_entity

    all_mentions = entities.extract_entities_batch(list(texts))
    by_block: dict[str, list[KnownEntity]] = {}
    entity_of_key: dict[str, int] = {}
    next_id = 0
    out: list[list[Predicted]] = []
    for mentions in all_mentions:
        predicted = []
        for m in mentions:
            if m.entity_key not in entity_of_key:
                block = candidate_block(m.entity_key)
                match = match_entity(m.entity_key, m.label, m.name, by_block.get(block, []))
                if match.entity_id is None:
                    next_id += 1
                    entity_id = next_id
                else:
                    entity_id = match.entity_id
                entity_of_key[m.entity_key] = entity_id
                by_block.setdefault(block, []).append(KnownEntity(entity_id, m.entity_key, m.label, m.name))
            predicted.append(Predicted(m.start, m.end, m.label, f"nw:{entity_of_key[m.entity_key]}", m.role))
        out.append(predicted)
    return out


def plain_spacy_runner() -> Callable[[Sequence[str]], list[list[Predicted]]]:
    import spacy
    from newswatch import settings

    nlp = spacy.load(settings.spacy_model())

    def run(texts: Sequence[str]) -> list[list[Predicted]]:
        return [
            [Predicted(e.start_char, e.end_char, e.label_, "sp:" + e.text.casefold()) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=16)
        ]

    return run


def clear_newswatch_cache() -> None:
    from newswatch import entities

    entities._DOC_CACHE.clear()


# --------------------------------------------------------------------------- scoring


@dataclass
class PRF:
    tp: float = 0
    fp: float = 0
    fn: float = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _cls(label: str) -> str:
    return _CLASS.get(label, label)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score_mentions(docs: Sequence[Doc], predictions: Sequence[Sequence[Predicted]]) -> tuple[PRF, PRF]:
    strict, lenient = PRF(), PRF()
    for doc, predicted in zip(docs, predictions, strict=True):
        preds = [p for p in predicted if p.label in EVAL_LABELS]
        gold = {(int(g["start"]), int(g["end"]), str(g["label"])) for g in doc.gold}
        pred = {(p.start, p.end, p.label) for p in preds}
        strict.tp += len(gold & pred)
        strict.fp += len(pred - gold)
        strict.fn += len(gold - pred)
        lenient.tp += sum(
            any(_overlaps(s, e, gs, ge) and _cls(lab) == _cls(gl) for gs, ge, gl in gold)
            for s, e, lab in pred
        )
        lenient.fp += sum(
            not any(_overlaps(s, e, gs, ge) and _cls(lab) == _cls(gl) for gs, ge, gl in gold)
            for s, e, lab in pred
        )
        lenient.fn += sum(
            not any(_overlaps(s, e, gs, ge) and _cls(lab) == _cls(gl) for s, e, lab in pred)
            for gs, ge, gl in gold
        )
    return strict, lenient


def aligned_identities(
    docs: Sequence[Doc], predictions: Sequence[Sequence[Predicted]], labels: Iterable[str] = MERGE_LABELS
) -> list[tuple[str, str]]:
    """(gold entity, predicted identity) for every gold mention with one of `labels`."""
    wanted = frozenset(labels)
    pairs: list[tuple[str, str]] = []
    for doc, predicted in zip(docs, predictions, strict=True):
        for index, g in enumerate(doc.gold):
            if g["label"] not in wanted:
                continue
            start, end = int(g["start"]), int(g["end"])
            exact = [p for p in predicted if (p.start, p.end) == (start, end)]
            overlapping = [p for p in predicted if _overlaps(p.start, p.end, start, end)]
            chosen = (exact or overlapping or [None])[0]
            identity = chosen.identity if chosen else f"missed:{doc.doc_id}:{index}"
            pairs.append((str(g["entity"]), identity))
    return pairs


def score_merges(aligned: Sequence[tuple[str, str]]) -> PRF:
    result = PRF()
    for (gold_a, pred_a), (gold_b, pred_b) in combinations(aligned, 2):
        same_gold, same_pred = gold_a == gold_b, pred_a == pred_b
        result.tp += same_gold and same_pred
        result.fp += same_pred and not same_gold
        result.fn += same_gold and not same_pred
    return result


def near_miss_violations(aligned: Sequence[tuple[str, str]], must_not: Sequence[dict[str, str]]) -> list[str]:
    identities_of: dict[str, set[str]] = {}
    for gold, pred in aligned:
        identities_of.setdefault(gold, set()).add(pred)
    return [
        f"{pair['a']} ~ {pair['b']}"
        for pair in must_not
        if identities_of.get(pair["a"], set()) & identities_of.get(pair["b"], set())
    ]


def score_roles(
    docs: Sequence[Doc], predictions: Sequence[Sequence[Predicted]]
) -> tuple[int, int, list[str]]:
    correct, total, wrong = 0, 0, []
    for doc, predicted in zip(docs, predictions, strict=True):
        for entity, role in doc.roles.items():
            total += 1
            spans = [(int(g["start"]), int(g["end"])) for g in doc.gold if g["entity"] == entity]
            found = [p.role for p in predicted if (p.start, p.end) in spans and p.role]
            if found and found[0].casefold() == role.casefold():
                correct += 1
            else:
                wrong.append(
                    f"{doc.doc_id}: {entity}: expected {role!r}, got {found[0] if found else None!r}"
                )
    return correct, total, wrong


def words_per_second(run: Callable[[], object], words: int, rounds: int, before: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(rounds):
        before()
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return words / best


def split_scores(
    docs: Sequence[Doc], predictions: Sequence[Sequence[Predicted]], must_not: Sequence[dict[str, str]]
) -> dict[str, float | str]:
    strict, lenient = score_mentions(docs, predictions)
    aligned = aligned_identities(docs, predictions)
    merges = score_merges(aligned)
    people = score_merges(aligned_identities(docs, predictions, {"PERSON"}))
    golds = {gold for gold, _ in aligned}
    relevant = [p for p in must_not if p["a"] in golds and p["b"] in golds]
    roles_ok, roles_total, _ = score_roles(docs, predictions)
    has_roles = all(p.role is None for preds in predictions for p in preds) is False
    return {
        "strict precision": strict.precision,
        "strict recall": strict.recall,
        "strict F1": strict.f1,
        "lenient precision": lenient.precision,
        "lenient recall": lenient.recall,
        "lenient F1": lenient.f1,
        "merge precision": merges.precision,
        "merge recall": merges.recall,
        "merge F1": merges.f1,
        "person precision": people.precision,
        "person recall": people.recall,
        "violations": f"{len(near_miss_violations(aligned, relevant))}/{len(relevant)}",
        "roles": f"{roles_ok}/{roles_total}" if has_roles else "-",
    }


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


# --------------------------------------------------------------------------- report


def print_errors(docs: Sequence[Doc], predictions: Sequence[Sequence[Predicted]]) -> None:
    for doc, predicted in zip(docs, predictions, strict=True):
        gold = {(int(g["start"]), int(g["end"]), str(g["label"])): g for g in doc.gold}
        pred = {(p.start, p.end, p.label): p for p in predicted if p.label in EVAL_LABELS}
        missed = sorted(set(gold) - set(pred))
        extra = sorted(set(pred) - set(gold))
        if not missed and not extra:
            continue
        print(f"\n{doc.doc_id}")
        for s, e, label in missed:
            print(f"  missed  {label:7} {doc.text[s:e]!r} @{s}")
        for s, e, label in extra:
            print(f"  extra   {label:7} {doc.text[s:e]!r} @{s}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=4, help="corpus copies per timed run")
    parser.add_argument("--errors", action="store_true", help="list newswatch misses, false alarms, merges")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    from importlib.metadata import version

    from newswatch import entities, settings

    docs, identities = load_fixtures()
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    gold_mentions = sum(len(d.gold) for d in docs)
    must_not = identities["must_not_merge"]
    assert isinstance(must_not, list)

    entities.get_nlp()  # load both pipelines before any timing
    plain = plain_spacy_runner()

    nw_pred = run_newswatch(texts)  # the whole corpus in order: dev first, then held-out
    sp_pred = plain(texts)
    splits = {
        "dev": [i for i, d in enumerate(docs) if d.split == "dev"],
        "held-out": [i for i, d in enumerate(docs) if d.split != "dev"],
    }
    scores = {
        (name, system): split_scores([docs[i] for i in idx], [pred[i] for i in idx], must_not)
        for name, idx in splits.items()
        for system, pred in (("newswatch", nw_pred), ("spaCy", sp_pred))
    }

    corpus = texts * args.repeat
    timed_words = words * args.repeat
    nw_speed = sp_speed = 0.0
    for _ in range(args.rounds):  # alternate, best of `rounds` for each
        nw_speed = max(
            nw_speed, words_per_second(lambda: run_newswatch(corpus), timed_words, 1, clear_newswatch_cache)
        )
        sp_speed = max(sp_speed, words_per_second(lambda: plain(corpus), timed_words, 1, lambda: None))

    model = settings.spacy_model()
    counts = {name: (len(idx), sum(len(docs[i].gold) for i in idx)) for name, idx in splits.items()}
    print(
        f"entities benchmark: {len(docs)} fictional fixtures ({FIXTURES.relative_to(FIXTURES.parents[2])}), "
        f"{words} words, {gold_mentions} gold mentions"
    )
    print(
        f"  dev: {counts['dev'][0]} texts, {counts['dev'][1]} mentions (the rules were developed on these); "
        f"held-out: {counts['held-out'][0]} texts, {counts['held-out'][1]} mentions (written after the rules; "
        "a few generic fixes followed its first run, see the fixtures README)"
    )
    print(
        f"model: {model} {version(model)}, spaCy {version('spacy')}; labels scored: {' '.join(sorted(EVAL_LABELS))}"
    )
    print()
    columns = [(name, system) for name in splits for system in ("newswatch", "spaCy")]
    print(f"{'':40}" + "".join(f"{name + ' ' + system:>20}" for name, system in columns))

    def row(label: str, key: str) -> None:
        cells = []
        for column in columns:
            value = scores[column][key]
            cells.append(f"{value:>20.3f}" if isinstance(value, float) else f"{value:>20}")
        print(f"  {label:38}" + "".join(cells))

    print("mentions, strict (exact span + label)")
    for metric in ("precision", "recall", "F1"):
        row(metric, f"strict {metric}")
    print("mentions, lenient (overlap, GPE/LOC/FAC one class)")
    for metric in ("precision", "recall", "F1"):
        row(metric, f"lenient {metric}")
    print("merges, pairwise over gold PERSON/ORG/GPE mentions")
    for metric in ("precision", "recall", "F1"):
        row(metric, f"merge {metric}")
    row("PERSON only: precision", "person precision")
    row("PERSON only: recall", "person recall")
    row("near-miss pairs merged (must be 0)", "violations")
    whole = {
        system: near_miss_violations(aligned_identities(docs, pred), must_not)
        for system, pred in (("newswatch", nw_pred), ("spaCy", sp_pred))
    }
    print(
        f"  near-miss pairs merged over the whole corpus (also across splits): newswatch "
        f"{len(whole['newswatch'])}/{len(must_not)}, plain spaCy {len(whole['spaCy'])}/{len(must_not)}"
    )
    row("roles right", "roles")
    print(
        f"speed over all {len(docs)} texts, words per second (best of {args.rounds}, corpus x{args.repeat})"
    )
    print(f"  {'newswatch':38}{nw_speed:>20,.0f}")
    print(f"  {'plain spaCy':38}{sp_speed:>20,.0f}")
    print()
    for name in splits:
        nw, sp = scores[(name, "newswatch")], scores[(name, "spaCy")]
        print(
            f"ratio {name} strict mention F1, newswatch / plain spaCy: {ratio(nw['strict F1'], sp['strict F1'])}"
        )
        print(
            f"ratio {name} merge F1, newswatch / plain spaCy:          {ratio(nw['merge F1'], sp['merge F1'])}"
        )
    print(f"ratio speed, newswatch / plain spaCy:                  {ratio(nw_speed, sp_speed)}")

    nw_aligned = aligned_identities(docs, nw_pred)
    roles_wrong = score_roles(docs, nw_pred)[2]
    if args.errors:
        print("\nnewswatch mention errors (strict):")
        print_errors(docs, nw_pred)
        print("\nnear-miss pairs merged:", near_miss_violations(nw_aligned, must_not) or "none")
        print("\nroles wrong:")
        for line in roles_wrong:
            print("  " + line)
        print("\ngold entities split across predicted identities (newswatch):")
        by_gold: dict[str, set[str]] = {}
        for gold, pred in nw_aligned:
            by_gold.setdefault(gold, set()).add(pred)
        for gold, preds in sorted(by_gold.items()):
            if len(preds) > 1:
                print(f"  {gold}: {len(preds)} identities")
        print("\npredicted identities spanning several gold entities (newswatch):")
        by_pred: dict[str, set[str]] = {}
        for gold, pred in nw_aligned:
            by_pred.setdefault(pred, set()).add(gold)
        for pred, golds in sorted(by_pred.items()):
            if len(golds) > 1:
                print(f"  {pred}: {sorted(golds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
