"""Quality gate: quote extraction against the team's gold fixtures (``tests/fixtures/quotes``).

Scored exactly as ``benchmarks/quotes.py`` does (character IoU >= 0.5, one-to-one), on the
fictional gold articles plus the shared sample when ``../shared/samples/`` holds it. The floors sit
just under the measured figures (direct F1 1.000, all-kinds F1 0.963, speaker accuracy 0.938 on
53 articles / 275 quotes when written) and at or above the issue's targets (0.95 / 0.85 / 0.92).
Needs the spaCy model; runs in about ten seconds.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "quotes"


def _benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("benchmarks_quotes", ROOT / "benchmarks" / "quotes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCH = _benchmark()


@pytest.fixture(scope="module")
def run() -> tuple[list[Any], list[list[Any]]]:
    articles = BENCH.load_articles([])
    predictions = BENCH.newswatch_runner()([a.text for a in articles])
    return articles, predictions


def test_gold_fixtures_are_well_formed() -> None:
    files = [p for p in sorted(FIXTURES.glob("*.json")) if not p.name.endswith(".annotations.json")]
    total = 0
    kinds: set[str] = set()
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for q in data["quotes"]:
            assert 0 <= q["start"] < q["end"] <= len(data["text"]), (path.name, q)
            assert q["kind"] in ("direct", "mixed", "indirect")
            kinds.add(q["kind"])
            total += 1
        for start, end in data["non_quotes"]:
            assert 0 <= start < end <= len(data["text"])
    assert len(files) >= 30
    assert total >= 200
    assert kinds == {"direct", "mixed", "indirect"}


def test_direct_f1(run: tuple[list[Any], list[list[Any]]]) -> None:
    score = BENCH.score(*run)
    assert score.direct.prf()[2] >= 0.98, score.direct


def test_all_kinds_f1(run: tuple[list[Any], list[list[Any]]]) -> None:
    score = BENCH.score(*run)
    assert score.all.prf()[2] >= 0.94, score.all


def test_speaker_accuracy(run: tuple[list[Any], list[list[Any]]]) -> None:
    score = BENCH.score(*run)
    # 0.938 with the shared sample, 0.930 without it (CI copies of shared/ may be absent): the issue target.
    assert score.speaker_ok / score.speaker_total >= 0.92, (score.speaker_ok, score.speaker_total)


def test_non_quotes_are_not_reported(run: tuple[list[Any], list[list[Any]]]) -> None:
    """Scare quotes, titles of works, nicknames and headlines in quote marks are not quotes."""
    articles, predictions = run
    by_id = {a.id: p for a, p in zip(articles, predictions, strict=True)}
    reported = []
    for path in sorted(FIXTURES.glob("*.json")):
        if path.name.endswith(".annotations.json"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for start, end in data["non_quotes"]:
            for p in by_id.get(data["id"], []):
                if p.start <= start and end <= p.end and (p.end - p.start) < 2 * (end - start) + 10:
                    reported.append((data["id"], data["text"][start:end]))
    assert reported == []
