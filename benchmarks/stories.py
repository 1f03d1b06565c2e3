"""Story clustering quality: newswatch.stories against a title-Jaccard single-link peer.

Pairwise precision / recall / F1 (every pair of articles is a "same story?" decision) on the
team-written corpus tests/fixtures/stories/corpus.json.

The peer is the common first attempt at story grouping: Jaccard similarity of headline word
sets, single-link (union-find) over pairs above a threshold, within the same time window as
newswatch. It is given its *best* threshold on this very corpus, so the ratio flatters the peer.

Near-duplicates (syndicated wire copy) are scored on tests/fixtures/stories/syndication.json,
separately for its "tune" half (where the constants were chosen) and its "heldout" half. A
flagged article counts as correct only if its `duplicate_of` is the gold original. The peers
get the same frame as newswatch (articles in publication order, other outlets only, earliest
match is the original) and differ only in the text test: exact match of a hash of the
normalised body (lower-cased words, punctuation dropped), the common naive approach, and
Jaccard >= 0.8 on the same word 5-gram shingles, the rule newswatch used before.

    .venv/bin/python benchmarks/stories.py            # summary
    .venv/bin/python benchmarks/stories.py --sweep    # plus threshold sweeps for newswatch
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from unittest import mock

from newswatch import stories
from newswatch.stories import StoryDoc, assign_stories, clusters_of, pairwise_scores

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "stories"
CORPUS = FIXTURES / "corpus.json"
SYNDICATION = FIXTURES / "syndication.json"
SPLITS = ("tune", "heldout")
OLD_RULE_JACCARD = 0.8  # the near-duplicate rule newswatch.stories used before containment

_TITLE_STOP = frozenset("a an the of in on at to for from by as and or after over with is are be its".split())


def load_corpus(path: Path = CORPUS) -> tuple[list[StoryDoc], dict[int, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = [
        StoryDoc(
            article_id=a["article_id"],
            outlet_id=a["outlet_id"],
            published_at=datetime.fromisoformat(a["published_at"]) if a.get("published_at") else None,
            title=a["title"],
            body=a["body"],
            entity_keys=frozenset(a["entities"]),
        )
        for a in data["articles"]
    ]
    return docs, {a["article_id"]: a["story"] for a in data["articles"]}


def nightly_batches(docs: Sequence[StoryDoc], threshold: float) -> dict[int, str]:
    """Run assign_stories once per publication day, as the nightly DAG would."""
    by_day: dict[str, list[StoryDoc]] = defaultdict(list)
    for d in docs:
        by_day[d.published_at.date().isoformat() if d.published_at else "undated"].append(d)
    clustered: list[StoryDoc] = []
    next_story_id = 1
    for day in sorted(by_day):
        batch = by_day[day]
        story_ids: dict[str, int] = {}
        for a in assign_stories(batch, clustered, threshold=threshold):
            if a.story_key.startswith("new:"):
                if a.story_key not in story_ids:
                    story_ids[a.story_key] = next_story_id
                    next_story_id += 1
                sid = story_ids[a.story_key]
            else:
                sid = int(a.story_key)
            doc = next(d for d in batch if d.article_id == a.article_id)
            clustered.append(dataclasses.replace(doc, story_id=sid))
    return {d.article_id: str(d.story_id) for d in clustered}


def _title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in stories.tokenize_words(title) if w not in _TITLE_STOP)


def title_jaccard_single_link(
    docs: Sequence[StoryDoc], threshold: float, window_hours: int = stories.DEFAULT_WINDOW_HOURS
) -> dict[int, str]:
    """The peer: union-find over headline-word Jaccard >= threshold, within the time window."""
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    words = [_title_words(d.title) for d in docs]
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            ti, tj = docs[i].published_at, docs[j].published_at
            if ti and tj and abs((ti - tj).total_seconds()) > window_hours * 3600:
                continue
            union = words[i] | words[j]
            if union and len(words[i] & words[j]) / len(union) >= threshold:
                parent[find(i)] = find(j)
    return {d.article_id: str(find(i)) for i, d in enumerate(docs)}


def _line(name: str, scores: tuple[float, float, float]) -> str:
    p, r, f = scores
    return f"{name:<62} P={p:.3f} R={r:.3f} F1={f:.3f}"


# --------------------------------------------------------------------------- near-duplicates


def load_syndication(path: Path = SYNDICATION) -> tuple[list[StoryDoc], dict[int, dict[str, object]]]:
    """The syndication fixture as StoryDocs plus each article's gold fields (copy_of, split, kind, story)."""
    docs, _ = load_corpus(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    return docs, {a["article_id"]: a for a in data["articles"]}


def copy_scores(
    predicted: Mapping[int, int | None], gold: Mapping[int, int | None], ids: Sequence[int]
) -> tuple[float, float, float]:
    """P/R/F1 of the (copy, original) flag over `ids`: a flag is right only with the gold original."""
    flagged = [i for i in ids if predicted.get(i) is not None]
    copies = [i for i in ids if gold[i] is not None]
    right = sum(1 for i in flagged if predicted[i] == gold[i])
    precision = right / len(flagged) if flagged else 1.0
    recall = right / len(copies) if copies else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def flag_copies(
    docs: Sequence[StoryDoc], is_copy: Callable[[StoryDoc, StoryDoc], bool]
) -> dict[int, int | None]:
    """Peer frame: in publication order, the earliest earlier article of another outlet that `is_copy`."""
    ordered = sorted(docs, key=lambda d: (d.published_at is None, d.published_at or 0, d.article_id))
    result: dict[int, int | None] = {}
    for n, doc in enumerate(ordered):
        result[doc.article_id] = next(
            (e.article_id for e in ordered[:n] if e.outlet_id != doc.outlet_id and is_copy(doc, e)), None
        )
    return result


def _body_hash(doc: StoryDoc) -> str:
    return hashlib.sha1(" ".join(stories.tokenize_words(doc.body)).encode()).hexdigest()


def body_hash_peer(docs: Sequence[StoryDoc]) -> dict[int, int | None]:
    hashes = {d.article_id: _body_hash(d) for d in docs}
    return flag_copies(docs, lambda a, b: hashes[a.article_id] == hashes[b.article_id])


def jaccard_peer(docs: Sequence[StoryDoc], threshold: float = OLD_RULE_JACCARD) -> dict[int, int | None]:
    shingles = {d.article_id: stories.word_shingles(d.body) for d in docs}
    return flag_copies(
        docs, lambda a, b: stories.jaccard(shingles[a.article_id], shingles[b.article_id]) >= threshold
    )


def newswatch_copies(docs: Sequence[StoryDoc]) -> dict[int, int | None]:
    return {a.article_id: a.duplicate_of for a in assign_stories(docs, [])}


def _print_near_duplicates(sweep: bool) -> None:
    docs, gold_rows = load_syndication()
    gold = {i: row["copy_of"] for i, row in gold_rows.items()}
    ids_by_split = {s: [i for i in sorted(gold_rows) if gold_rows[i]["split"] == s] for s in SPLITS}
    print(
        f"near-duplicates: {len(docs)} articles, {sum(c is not None for c in gold.values())} gold copies "
        f"({SYNDICATION.name}; a flag counts only with the right original)"
    )
    rule = (
        f"containment >= {stories.NEAR_DUPLICATE_CONTAINMENT:.2f}, "
        f">= {stories.NEAR_DUPLICATE_MIN_SHARED} shared 5-grams"
    )
    runs = {
        f"newswatch.stories ({rule})": newswatch_copies(docs),
        "peer: exact match of the normalised body hash": body_hash_peer(docs),
        f"peer: Jaccard >= {OLD_RULE_JACCARD} on 5-gram shingles (previous rule)": jaccard_peer(docs),
    }
    f1: dict[tuple[str, str], float] = {}
    for split, ids in ids_by_split.items():
        n_copies = sum(gold[i] is not None for i in ids)
        print(f"  {split} half: {len(ids)} articles, {n_copies} gold copies")
        for name, predicted in runs.items():
            scores = copy_scores(predicted, gold, ids)
            f1[name, split] = scores[2]
            print("  " + _line(name, scores))
    ours, naive = next(iter(runs)), list(runs)[1]
    ratios = ", ".join(
        f"{split} {f1[ours, split] / f1[naive, split]:.2f}x" if f1[naive, split] else f"{split} inf"
        for split in SPLITS
    )
    print(f"ratio F1 newswatch.stories / body-hash near-duplicates: {ratios}")

    corpus_docs, corpus_gold = load_corpus()
    union_gold = {**corpus_gold, **{i: str(row["story"]) for i, row in gold_rows.items()}}
    union = [*corpus_docs, *docs]
    print(
        _line(
            f"newswatch.stories on both fixtures ({len(union)} articles, one batch)",
            pairwise_scores(clusters_of(assign_stories(union, [])), union_gold),
        )
    )
    print(
        _line(
            "newswatch.stories on both fixtures (nightly incremental)",
            pairwise_scores(nightly_batches(union, stories.DEFAULT_THRESHOLD), union_gold),
        )
    )

    if sweep:
        print("near-duplicate sweep (newswatch.stories, tune P/R | heldout P/R):")
        for min_shared in (0, 20, 40, 80, 160):
            for percent in range(20, 100, 10):
                with (
                    mock.patch.object(stories, "NEAR_DUPLICATE_CONTAINMENT", percent / 100),
                    mock.patch.object(stories, "NEAR_DUPLICATE_MIN_SHARED", min_shared),
                ):
                    predicted = newswatch_copies(docs)
                cells = " | ".join(
                    "P={:.3f} R={:.3f}".format(*copy_scores(predicted, gold, ids)[:2])
                    for ids in ids_by_split.values()
                )
                print(f"  containment {percent / 100:.2f} min shared {min_shared:>3}  {cells}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also print a threshold sweep for newswatch")
    args = parser.parse_args(argv)

    docs, gold = load_corpus()
    gold_pairs = sum(
        1 for i, a in enumerate(docs) for b in docs[i + 1 :] if gold[a.article_id] == gold[b.article_id]
    )
    print(
        f"corpus: {len(docs)} articles, {len({d.outlet_id for d in docs})} outlets, "
        f"{len(set(gold.values()))} gold stories, {gold_pairs} same-story pairs ({CORPUS.name})"
    )

    threshold = stories.DEFAULT_THRESHOLD
    ours = pairwise_scores(clusters_of(assign_stories(docs, [])), gold)
    print(
        _line(
            f"newswatch.stories (threshold {threshold:.2f}, {stories.DEFAULT_WINDOW_HOURS} h window, one batch)",
            ours,
        )
    )
    print(
        _line(
            "newswatch.stories (nightly incremental, one batch per day)",
            pairwise_scores(nightly_batches(docs, threshold), gold),
        )
    )
    with mock.patch.object(stories, "ENTITY_BOOST", 0.0):
        text_only = pairwise_scores(clusters_of(assign_stories(docs, [])), gold)
    print(_line("ablation: newswatch.stories text only (ENTITY_BOOST=0)", text_only))

    peer_best = max(
        ((t / 100, pairwise_scores(title_jaccard_single_link(docs, t / 100), gold)) for t in range(5, 96, 5)),
        key=lambda item: (item[1][2], -item[0]),
    )
    peer_threshold, peer = peer_best
    print(_line(f"peer: title-Jaccard single-link (best threshold {peer_threshold:.2f}, same window)", peer))
    ratio = ours[2] / peer[2] if peer[2] else float("inf")
    print(f"ratio F1 newswatch.stories / title-Jaccard single-link: {ratio:.2f}x")

    if args.sweep:
        print("threshold sweep (newswatch.stories, one batch):")
        for t in range(10, 41, 2):
            p, r, f = pairwise_scores(clusters_of(assign_stories(docs, [], threshold=t / 100)), gold)
            print(f"  threshold {t / 100:.2f}  P={p:.3f} R={r:.3f} F1={f:.3f}")

    _print_near_duplicates(args.sweep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
