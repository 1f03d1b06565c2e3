"""Body extraction quality and speed: newswatch against trafilatura on real news pages.

The pages are the article-extraction development set kept *outside* the repository, in
``../shared/benchmarks/extraction/`` next to the repo root (override with the environment variable
``NEWSWATCH_EXTRACTION_BENCH_DIR``): one folder per page holding ``page.html.gz`` (the page as
published) and ``expected.json`` (``url`` and the annotated ``body``). The HTML is third-party
content used only to measure; nothing from it belongs in the repository.

What is compared, page by page:

* newswatch: the body as the pipeline stores it, ``clean_article(extract_article(html, url=url)).body``
  (paragraphs and subheads joined by blank lines), from the page's bytes;
* trafilatura, from the same bytes, twice: ``trafilatura.extract(html, url=url)`` with its default
  settings, and the same with ``include_comments=False`` — the setting the benchmark's own runner
  uses, which is what its published trafilatura figure (shingle F1 0.960) was measured with:
  reader comments are not article body. The ratios are given against both; the second is the
  reference (it scores higher at the same speed).

Scores (as the set's README defines them, so the figures compare with published ones):

* token F1: multiset overlap of lower-cased whitespace tokens, precision / recall / F1 per page,
  averaged over pages (an empty or failed extraction scores 0 on its page);
* shingle F1: case-sensitive 4-word shingles over ``\\w+`` tokens; per page the true-positive,
  false-positive and false-negative weights are normalised to sum to 1; precision is averaged over
  pages with a non-empty prediction, recall over all pages, F1 is the harmonic mean of the means.

Speed is pages per CPU-second (``time.process_time``) of each extractor over the whole set, both
in this one process, in alternating order, the better of ``--rounds`` runs (default 2) each.
Decompression and file reading are outside the timed region.

    .venv/bin/python benchmarks/extraction.py                 # summary
    .venv/bin/python benchmarks/extraction.py --failures 15   # plus the 15 worst newswatch pages
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "NEWSWATCH_EXTRACTION_BENCH_DIR"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction"
SHINGLE_N = 4
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Case:
    case_id: str
    url: str | None
    html: bytes
    expected: str


def bench_dir() -> Path:
    return Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else DEFAULT_DIR


def load_cases(root: Path) -> list[Case]:
    cases: list[Case] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        page, expected = folder / "page.html.gz", folder / "expected.json"
        if not (page.is_file() and expected.is_file()):
            continue
        meta = json.loads(expected.read_text(encoding="utf-8"))
        cases.append(
            Case(folder.name, meta.get("url"), gzip.decompress(page.read_bytes()), meta.get("body") or "")
        )
    return cases


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


def token_prf(expected: str, predicted: str) -> tuple[float, float, float]:
    """Precision, recall, F1 of lower-cased whitespace tokens (multiset overlap) for one page."""
    truth, pred = Counter(expected.lower().split()), Counter(predicted.lower().split())
    common = sum((truth & pred).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(pred.values()), common / sum(truth.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def shingles(text: str, n: int = SHINGLE_N) -> Counter[str]:
    """Case-sensitive n-word shingles over ``\\w+`` tokens; a text shorter than n words is one shingle."""
    tokens = _WORD_RE.findall(text or "")
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def shingle_weights(expected: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) shingle weights of one page, normalised to sum to 1 (all 0 when both are empty)."""
    truth, pred = shingles(expected), shingles(predicted)
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Scores:
    shingle_precision: float
    shingle_recall: float
    shingle_f1: float
    token_f1: float
    per_page_shingle_f1: dict[str, float]


def score(cases: Sequence[Case], predictions: Sequence[str]) -> Scores:
    precisions: list[float] = []
    recalls: list[float] = []
    token_f1s: list[float] = []
    per_page: dict[str, float] = {}
    for case, predicted in zip(cases, predictions, strict=True):
        tp, fp, fn = shingle_weights(case.expected, predicted)
        page_p = tp / (tp + fp) if tp + fp else None
        page_r = tp / (tp + fn) if tp + fn else 0.0
        if page_p is not None:  # precision: pages with a non-empty prediction only
            precisions.append(page_p)
        recalls.append(page_r)
        per_page[case.case_id] = 2 * page_p * page_r / (page_p + page_r) if page_p and page_r else 0.0
        token_f1s.append(token_prf(case.expected, predicted)[2])
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, sum(token_f1s) / len(token_f1s) if token_f1s else 0.0, per_page)


# --------------------------------------------------------------------------------------------
# Extractors
# --------------------------------------------------------------------------------------------


def _newswatch() -> tuple[str, Callable[[Case], str]]:
    from newswatch.clean import clean_article
    from newswatch.extract import EXTRACTOR_VERSION, extract_article

    def run(case: Case) -> str:
        return clean_article(extract_article(case.html, url=case.url)).body

    return f"newswatch.extract {EXTRACTOR_VERSION}", run


def _trafilatura(**options: bool) -> tuple[str, Callable[[Case], str]]:
    import trafilatura

    def run(case: Case) -> str:
        return trafilatura.extract(case.html, url=case.url, **options) or ""

    settings = ", ".join(f"{k}={v}" for k, v in options.items()) or "defaults"
    return f"trafilatura {trafilatura.__version__} ({settings})", run


def _run(extract: Callable[[Case], str], cases: Sequence[Case]) -> tuple[list[str], float]:
    outputs: list[str] = []
    start = time.process_time()
    for case in cases:
        try:
            outputs.append(extract(case) or "")
        except Exception as exc:  # a crash scores 0 on its page, it does not end the benchmark
            print(f"  ! {case.case_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            outputs.append("")
    return outputs, time.process_time() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--failures", type=int, default=0, metavar="N", help="list the N worst newswatch pages"
    )
    parser.add_argument("--rounds", type=int, default=2, help="timed runs per extractor (best is kept)")
    parser.add_argument("--only", choices=("newswatch", "trafilatura"), help="run one extractor (kind) only")
    args = parser.parse_args(argv)

    root = bench_dir()
    if not root.is_dir():
        print(
            f"extraction benchmark data not found at {root}\n"
            f"(expected ../shared/benchmarks/extraction/ next to the repository, or set {ENV_VAR})",
            file=sys.stderr,
        )
        return 2
    cases = load_cases(root)
    if not cases:
        print(f"no cases (page.html.gz + expected.json) under {root}", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # extractors log per-page warnings; keep the report readable

    extractors = [_trafilatura(), _trafilatura(include_comments=False), _newswatch()]
    if args.only:
        extractors = [e for e in extractors if e[0].startswith(args.only)]
    outputs: dict[str, list[str]] = {}
    best: dict[str, float] = {}
    for round_no in range(max(1, args.rounds)):
        order = extractors if round_no % 2 == 0 else extractors[::-1]
        for label, extract in order:
            produced, seconds = _run(extract, cases)
            outputs.setdefault(label, produced)
            best[label] = min(best.get(label, float("inf")), seconds)

    print(f"pages: {len(cases)}")
    results: dict[str, tuple[Scores, float]] = {}
    ratio_labels = {
        label: f"ratio newswatch/trafilatura {label[label.index('(') :]}:"
        for label, _ in extractors
        if label.startswith("trafilatura")
    }
    width = max(len(text) for text in [*(f"{label}:" for label, _ in extractors), *ratio_labels.values()]) + 1
    for label, _ in extractors:
        scores = score(cases, outputs[label])
        speed = len(cases) / best[label] if best[label] > 0 else float("inf")
        results[label] = (scores, speed)
        print(
            f"{label + ':':<{width}} shingle F1 {scores.shingle_f1:.3f}  token F1 {scores.token_f1:.3f}"
            f"  pages/CPU-s {speed:.1f}   (shingle P {scores.shingle_precision:.3f} R {scores.shingle_recall:.3f})"
        )
    newswatch = next((results[label] for label in results if label.startswith("newswatch")), None)
    peers = [label for label in results if label.startswith("trafilatura")]
    if newswatch is not None:
        nw, nw_speed = newswatch
        for label in reversed(peers):
            traf, traf_speed = results[label]
            print(
                f"{ratio_labels[label]:<{width}} shingle F1 {nw.shingle_f1 / traf.shingle_f1:.3f}"
                f"  speed {nw_speed / traf_speed:.3f}"
            )
    if args.failures > 0:
        label = next(label for label, _ in extractors if label.startswith("newswatch"))
        if label in results:
            worst = sorted(results[label][0].per_page_shingle_f1.items(), key=lambda kv: kv[1])[
                : args.failures
            ]
            print(f"worst {len(worst)} pages for newswatch (case id, shingle F1):")
            for case_id, f1 in worst:
                print(f"  {case_id}  {f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
