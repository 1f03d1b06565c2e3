"""Story clustering quality: newswatch.stories against a title-Jaccard single-link peer.

Pairwise precision / recall / F1 (every pair of articles is a "same story?" decision) on the
team-written corpus tests/fixtures/stories/corpus.json.

The peer is the common first attempt at story grouping: Jaccard similarity of headline word
sets, single-link (union-find) over pairs above a threshold, within the same time window as
newswatch. It is given its *best* threshold on this very corpus, so the ratio flatters the peer.

    .venv/bin/python benchmarks/stories.py            # summary
    .venv/bin/python benchmarks/stories.py --sweep    # plus a threshold sweep for newswatch
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from unittest import mock

from newswatch import stories
from newswatch.stories import StoryDoc, assign_stories, clusters_of, pairwise_scores

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "stories" / "corpus.json"

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
