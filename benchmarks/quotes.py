"""Quote extraction: newswatch against textacy's ``direct_quotations`` on the team's gold fixtures.

Gold: ``tests/fixtures/quotes/*.json`` (fictional articles, built by ``build_gold.py`` there) plus
the shared sample article, whose text is read at run time from ``../shared/samples/`` relative to
the repository root and checked against the sha256 in ``shared_sample.annotations.json`` (the
annotations hold only offsets, kinds and speakers; skipped with a message when the file is absent).
Spans are the quoted content without marks (mixed/indirect: the reported clause).

Scoring, per article, then summed:

* matching: a predicted quote matches a gold one when their spans' character IoU is >= 0.5;
  one-to-one, greedily by best IoU;
* direct P/R/F1: gold direct quotes against predicted direct quotes;
* all-kinds P/R/F1: every gold quote against every prediction, kind ignored;
* a prediction overlapping a gold ``non_quotes`` span (scare quotes, titles, nicknames, headlines)
  is a false positive like any other unmatched prediction; an unmatched prediction of a kind the
  article's ``exhaustive_kinds`` does not list (the partially annotated demo-corpus articles) is
  not counted;
* speaker accuracy: over gold quotes matched in the all-kinds matching, the predicted speaker
  equals the gold one (``identity.entity_key(name, "PERSON")``, or casefolded text; None must
  equal None). For textacy, whose speaker is the attribution's tokens ("he", "Vogt"), a lenient
  figure also accepts the gold name's last word.

Groups: ``team`` (team-written, exhaustive), ``heldout`` (team-written after the extractor's last
tuning round, exhaustive), ``demo`` (converted demo corpus, partial), ``shared`` (the shared sample).

Speed: words (whitespace tokens) per second over the corpus, best of ``--rounds`` (default 3)
runs, each from a cold newswatch Doc cache; textacy's time includes its spaCy parse (same model).

    .venv/bin/python benchmarks/quotes.py            # summary
    .venv/bin/python benchmarks/quotes.py --errors   # plus every newswatch miss and false alarm
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "quotes"
SHARED = ROOT.parent / "shared" / "samples"
TEXTACY_PIN = "textacy==0.13.0"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    speaker: str | None


@dataclass
class Article:
    id: str
    text: str
    gold: list[Span]
    exhaustive: frozenset[str]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Score:
    direct: Counts
    all: Counts
    speaker_ok: int = 0
    speaker_ok_lenient: int = 0
    speaker_total: int = 0
    errors: list[str] | None = None


def load_articles(messages: list[str]) -> list[Article]:
    articles = []
    for path in sorted(FIXTURES.glob("*.json")):
        if path.name.endswith(".annotations.json"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        articles.append(_article(data["id"], data["text"], data))
    for path in sorted(FIXTURES.glob("*.annotations.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        source = SHARED / data["file"]
        if not source.exists():
            messages.append(f"shared sample {source} not found: skipped")
            continue
        raw = source.read_bytes()
        if hashlib.sha256(raw).hexdigest() != data["sha256"]:
            messages.append(f"shared sample {source} differs from the annotated file (sha256): skipped")
            continue
        articles.append(_article(f"shared:{data['file']}", raw.decode("utf-8"), data))
    return articles


def _article(article_id: str, text: str, data: dict) -> Article:
    gold = [Span(q["start"], q["end"], q["kind"], q["speaker"]) for q in data["quotes"]]
    kinds = frozenset(data.get("exhaustive_kinds", ["direct", "mixed", "indirect"]))
    return Article(article_id, text, gold, kinds)


def iou(a: Span, b: Span) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def match(gold: Sequence[Span], predicted: Sequence[Span]) -> list[tuple[int, int]]:
    pairs = sorted(
        ((iou(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for value, gi, pi in pairs:
        if value < 0.5:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    from newswatch.identity import entity_key

    if gold.casefold().strip() == predicted.casefold().strip():
        return True
    return entity_key(gold, "PERSON") == entity_key(predicted, "PERSON")


def _lenient_speaker(gold: str | None, predicted: str | None) -> bool:
    if same_speaker(gold, predicted):
        return True
    if gold is None or predicted is None:
        return False
    return predicted.casefold().split()[-1:] == gold.casefold().split()[-1:]


def score(articles: Sequence[Article], predictions: Sequence[list[Span]], errors: bool = False) -> Score:
    result = Score(Counts(), Counts(), errors=[] if errors else None)
    for article, predicted in zip(articles, predictions, strict=True):
        # direct
        gold_d = [g for g in article.gold if g.kind == "direct"]
        pred_d = [p for p in predicted if p.kind == "direct"]
        pairs = match(gold_d, pred_d)
        matched_p = {pi for _, pi in pairs}
        result.direct.tp += len(pairs)
        result.direct.fn += len(gold_d) - len(pairs)
        if "direct" in article.exhaustive:
            result.direct.fp += len(pred_d) - len(pairs)
        else:
            result.direct.fp += 0
        # all kinds
        pairs = match(article.gold, predicted)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        result.all.tp += len(pairs)
        result.all.fn += len(article.gold) - len(pairs)
        false_alarms = [
            p for pi, p in enumerate(predicted) if pi not in matched_p and p.kind in article.exhaustive
        ]
        result.all.fp += len(false_alarms)
        for gi, pi in pairs:
            g, p = article.gold[gi], predicted[pi]
            result.speaker_total += 1
            ok = same_speaker(g.speaker, p.speaker)
            result.speaker_ok += ok
            result.speaker_ok_lenient += _lenient_speaker(g.speaker, p.speaker)
            if result.errors is not None and not ok:
                result.errors.append(
                    f"{article.id}: SPEAKER gold={g.speaker!r} got={p.speaker!r} "
                    f"{article.text[g.start : g.end][:70]!r}"
                )
        if result.errors is not None:
            for gi, g in enumerate(article.gold):
                if gi not in matched_g:
                    result.errors.append(
                        f"{article.id}: MISS {g.kind} {g.speaker!r} {article.text[g.start : g.end][:80]!r}"
                    )
            for p in false_alarms:
                result.errors.append(
                    f"{article.id}: FALSE {p.kind} {p.speaker!r} {article.text[p.start : p.end][:80]!r}"
                )
    return result


# --------------------------------------------------------------------------- systems


def newswatch_runner() -> Callable[[Sequence[str]], list[list[Span]]]:
    from newswatch import entities
    from newswatch.quotes import extract_quotes

    def run(texts: Sequence[str]) -> list[list[Span]]:
        entities._DOC_CACHE.clear()
        return [[Span(q.start, q.end, q.kind, q.speaker) for q in extract_quotes(t)] for t in texts]

    return run


def textacy_runner(bailed: list[str]) -> Callable[[Sequence[str]], list[list[Span]]] | None:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    import spacy
    from newswatch import settings

    nlp = spacy.load(settings.spacy_model())

    def run(texts: Sequence[str]) -> list[list[Span]]:
        bailed.clear()
        out = []
        for index, doc in enumerate(nlp.pipe(texts, batch_size=16)):
            found = []
            try:
                for speaker, _cue, content in direct_quotations(doc):
                    # content runs from the opening to the closing mark: keep what lies between
                    first, last = doc[content.start], doc[content.end - 1]
                    start = first.idx + len(first.text) if first.is_quote else first.idx
                    end = last.idx if last.is_quote else content.end_char
                    while start < end and doc.text[start].isspace():
                        start += 1
                    while end > start and doc.text[end - 1] in " ,\n":
                        end -= 1
                    name = " ".join(t.text for t in speaker) if speaker else None
                    found.append(Span(start, end, "direct", name))
            except ValueError:
                bailed.append(str(index))  # odd number of quote marks: textacy refuses the document
            out.append(found)
        return out

    return run


def timed(run: Callable[[Sequence[str]], list[list[Span]]], texts: Sequence[str], rounds: int):
    best = float("inf")
    result: list[list[Span]] = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = run(texts)
        best = min(best, time.perf_counter() - started)
    return result, best


def report(name: str, result: Score, words: int, seconds: float, lenient: bool = False) -> dict[str, float]:
    dp, dr, df = result.direct.prf()
    ap, ar, af = result.all.prf()
    acc = result.speaker_ok / result.speaker_total if result.speaker_total else 0.0
    wps = words / seconds if seconds else 0.0
    print(f"{name}")
    print(
        f"  direct     P={dp:.3f} R={dr:.3f} F1={df:.3f}  (tp={result.direct.tp} fp={result.direct.fp} fn={result.direct.fn})"
    )
    print(
        f"  all kinds  P={ap:.3f} R={ar:.3f} F1={af:.3f}  (tp={result.all.tp} fp={result.all.fp} fn={result.all.fn})"
    )
    line = f"  speaker accuracy {acc:.3f} ({result.speaker_ok}/{result.speaker_total} matched)"
    if lenient:
        line += f"; lenient (surname) {result.speaker_ok_lenient / max(result.speaker_total, 1):.3f}"
    print(line)
    print(f"  speed      {wps:,.0f} words/s")
    return {"direct_f1": df, "all_f1": af, "speaker": acc, "wps": wps}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list newswatch misses and false alarms")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    messages: list[str] = []
    articles = load_articles(messages)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    kinds: dict[str, int] = {}
    for a in articles:
        for g in a.gold:
            kinds[g.kind] = kinds.get(g.kind, 0) + 1
    print(
        f"gold: {len(articles)} articles, {sum(kinds.values())} quotes {dict(sorted(kinds.items()))}, {words} words"
    )
    for message in messages:
        print(message)

    from newswatch import entities

    entities.get_nlp()
    nw_run = newswatch_runner()
    nw_pred, nw_time = timed(nw_run, texts, args.rounds)
    nw_score = score(articles, nw_pred, errors=args.errors)
    nw = report("newswatch", nw_score, words, nw_time)
    for group in ("team", "heldout", "demo", "shared"):
        chosen = [i for i, a in enumerate(articles) if a.id.split("-")[0].split(":")[0] == group]
        if not chosen:
            continue
        part = score([articles[i] for i in chosen], [nw_pred[i] for i in chosen])
        print(
            f"  {group:8s} ({len(chosen)} articles) direct F1={part.direct.prf()[2]:.3f} "
            f"all-kinds F1={part.all.prf()[2]:.3f} "
            f"speaker={part.speaker_ok / max(part.speaker_total, 1):.3f}"
        )

    bailed: list[str] = []
    tx_run = textacy_runner(bailed)
    if tx_run is None:
        print(f"textacy not installed: pip install {TEXTACY_PIN} to compare")
    else:
        tx_pred, tx_time = timed(tx_run, texts, args.rounds)
        tx = report(
            "textacy direct_quotations (direct only)", score(articles, tx_pred), words, tx_time, lenient=True
        )
        if bailed:
            print(f"  textacy refused {len(bailed)} of {len(texts)} articles (odd number of quote marks)")
        print("newswatch / textacy")
        print(
            f"  direct F1 {nw['direct_f1']:.3f} vs {tx['direct_f1']:.3f} (diff {nw['direct_f1'] - tx['direct_f1']:+.3f})"
        )
        print(
            f"  all-kinds F1 {nw['all_f1']:.3f} vs {tx['all_f1']:.3f} (diff {nw['all_f1'] - tx['all_f1']:+.3f})"
        )
        print(f"  speaker accuracy {nw['speaker']:.3f} vs {tx['speaker']:.3f}")
        ratio = nw["wps"] / tx["wps"] if tx["wps"] else float("inf")
        print(f"  speed ratio {ratio:.2f}x (newswatch words/s / textacy words/s)")
    if nw_score.errors:
        print("\nnewswatch errors:")
        for line in nw_score.errors:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
