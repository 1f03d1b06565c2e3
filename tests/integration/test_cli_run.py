"""`newswatch run` (the pipeline without Airflow) against the demo outlets and a real PostgreSQL:
same job functions as the DAG, idempotent re-runs, and re-processing the raw archive changes
nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from newswatch import db, jobs, store
from newswatch.cli import main
from newswatch.demo_server import DemoServer, write_demo_sources

pytestmark = pytest.mark.integration

DERIVED = ["core.articles", "core.entities", "core.mentions", "core.quotes", "core.stories", "core.story_articles"]


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with DemoServer() as server:
        yield write_demo_sources(server.base_url, tmp_path_factory.mktemp("src") / "sources.yaml")


def _counts() -> dict[str, int]:
    with db.transaction() as conn:
        return store.table_counts(conn)


def test_cli_run_twice_then_reprocess(fresh_db: str, demo_sources: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--sources", str(demo_sources), "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["load"]["articles_inserted"] == 46
    assert summary["failed_outlets"] == {}
    first = _counts()

    assert main(["run", "--sources", str(demo_sources), "--quiet"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["load"]["articles_inserted"] == 0
    assert {t: _counts()[t] for t in DERIVED} == {t: first[t] for t in DERIVED}

    # Re-process everything from the raw archive: upserts and child replacement keep the rows.
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("UPDATE raw.fetches SET processed_at = NULL WHERE purpose = 'article' AND outcome = 'ok'")
    run_id = jobs.new_run_id("reprocess")
    for batch in jobs.plan_batches(run_id, batch_size=10):
        jobs.process_batch(batch, run_id, sources_file=demo_sources)
    loaded = jobs.load_staged(run_id, batch_size=10)
    assert loaded["articles_inserted"] == 0 and loaded["articles_updated"] == 46
    assert loaded["batches"] == 5
    jobs.check_quality(run_id)
    assert jobs.update_reporting(run_id)["stories"]["articles_assigned"] == 0  # reloaded, not new
    assert {t: _counts()[t] for t in DERIVED} == {t: first[t] for t in DERIVED}


def test_dry_run_writes_nothing(fresh_db: str, demo_sources: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--sources", str(demo_sources), "--dry-run", "--quiet", "--outlet", "harbour-herald"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["outlets"]["harbour-herald"]["discovered"] > 0
    counts = _counts()
    assert counts["raw.fetches"] == 0 and counts["core.articles"] == 0


def test_max_articles_and_outlet_filter(fresh_db: str, demo_sources: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--sources", str(demo_sources), "--outlet", "korsena-today", "--max-articles", "3",
                 "--quiet"]) == 0
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("SELECT DISTINCT outlet_id FROM core.articles")
        assert [r[0] for r in cur.fetchall()] == ["korsena-today"]
        cur.execute("SELECT count(*) FROM core.articles")
        assert cur.fetchone()[0] == 3


def test_unknown_outlet_is_a_clear_error(fresh_db: str, demo_sources: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--sources", str(demo_sources), "--outlet", "no-such-outlet", "--quiet"]) == 2
    assert "no-such-outlet" in capsys.readouterr().err
