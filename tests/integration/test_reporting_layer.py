"""The reporting layer in a real PostgreSQL: materialised views built only when their definition
changes, refreshed without blocking readers, logged for BI users, readable by the BI role."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg2
import pytest
from newswatch import db, reporting

from tests.conftest import make_database

pytestmark = pytest.mark.integration


def _relkinds(dsn: str) -> dict[str, str]:
    with db.transaction(dsn) as conn, conn.cursor() as cur:
        cur.execute("""SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'reporting' AND c.relkind IN ('v', 'm')""")
        return dict(cur.fetchall())


def test_every_reporting_relation_but_freshness_is_materialised(migrated_db: str) -> None:
    kinds = _relkinds(migrated_db)
    assert kinds.pop("freshness") == "v"
    assert len(kinds) >= 10 and set(kinds.values()) == {"m"}


def test_views_are_rebuilt_only_when_their_file_changes(
    pg_server_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql_copy = tmp_path / "sql"
    shutil.copytree(db.sql_dir(), sql_copy)
    monkeypatch.setenv("NEWSWATCH_SQL_DIR", str(sql_copy))
    dsn = make_database(pg_server_dsn, "views")
    try:
        first = db.migrate(dsn)
        assert "reporting.story_coverage" in first.rebuilt and len(first.rebuilt) == first.views - 1  # not grants
        assert db.migrate(dsn).rebuilt == []

        edited = sql_copy / "views" / "010_reporting.articles_by_outlet_day.sql"
        edited.write_text(edited.read_text() + "\n-- an edit\n")
        assert db.migrate(dsn).rebuilt == ["reporting.articles_by_outlet_day"]

        (sql_copy / "views" / "090_reporting.freshness.sql").unlink()
        db.migrate(dsn)
        assert "freshness" not in _relkinds(dsn)
    finally:
        db.drop_database(dsn)


def test_a_plain_view_from_an_older_release_becomes_materialised(pg_server_dsn: str) -> None:
    dsn = make_database(pg_server_dsn, "upgrade")
    try:
        db.migrate(dsn)
        with db.transaction(dsn) as conn, conn.cursor() as cur:  # what releases before 0013 left behind
            cur.execute("DROP MATERIALIZED VIEW reporting.story_coverage")
            cur.execute("CREATE VIEW reporting.story_coverage AS SELECT 1 AS story_id")
            cur.execute(f"DELETE FROM {db.VIEW_DEFINITIONS_TABLE}")
        db.migrate(dsn)
        assert _relkinds(dsn)["story_coverage"] == "m"
    finally:
        db.drop_database(dsn)


def test_refresh_is_concurrent_once_populated_and_logged(migrated_db: str) -> None:
    conn = db.connect(migrated_db)
    try:
        first = reporting.refresh(conn, run_id="test-refresh")
        again = reporting.refresh(conn, run_id="test-refresh")
        assert {r.view for r in first} == {r.view for r in again}
        assert all(r.concurrently for r in again)  # every view has the unique index that needs
        assert not reporting.refresh(conn, concurrently=False)[0].concurrently
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), count(DISTINCT view_name) FROM reporting.freshness")
            assert cur.fetchone() == (len(first), len(first))
    finally:
        conn.close()


def test_bi_role_reads_every_reporting_relation_and_nothing_else(migrated_db: str) -> None:
    with db.transaction(migrated_db) as conn, conn.cursor() as cur:
        cur.execute("SET ROLE newswatch_bi")
        for name in _relkinds(migrated_db):
            cur.execute(f"SELECT * FROM reporting.{name} LIMIT 1")  # names come from the catalogue
        for table in ("core.reporting_refreshes", "raw.fetches", "staging.processed_articles"):
            cur.execute("SAVEPOINT s")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(f"SELECT 1 FROM {table} LIMIT 1")
            cur.execute("ROLLBACK TO SAVEPOINT s")
        cur.execute("SAVEPOINT s")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("REFRESH MATERIALIZED VIEW reporting.story_coverage")
        cur.execute("ROLLBACK TO SAVEPOINT s")


def test_reporting_commands(fresh_db: str, capsys: pytest.CaptureFixture) -> None:
    from newswatch.cli import main

    assert main(["reporting", "status"]) == 0
    assert "never been refreshed" in capsys.readouterr().out
    assert main(["reporting", "refresh", "--blocking"]) == 0
    refreshed = capsys.readouterr().out
    assert "reporting.story_coverage" in refreshed and "(concurrently)" not in refreshed
    assert main(["reporting", "update"]) == 0
    update = json.loads(capsys.readouterr().out)
    assert update["stories"]["articles_assigned"] == 0 and update["quality_reporting"]["checks_passed"] >= 5
    assert main(["reporting", "status"]) == 0
    assert "reporting.shared_quotes" in capsys.readouterr().out


def test_story_assignment_is_serialised(fresh_db: str) -> None:
    """A second assigner waits for the first one's transaction instead of clustering the same articles."""
    from newswatch import store

    first = db.connect(fresh_db)
    second = db.connect(fresh_db)

    def second_can_lock() -> bool:
        with second.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_xact_lock(727002)")  # store._STORY_LOCK_ID
            locked = cur.fetchone()[0]
        second.rollback()
        return locked

    try:
        store.lock_story_assignment(first)
        assert not second_can_lock()
        first.rollback()  # the lock is transaction-scoped
        assert second_can_lock()
    finally:
        first.close()
        second.close()


def test_the_data_dictionary_in_docs_is_current(migrated_db: str) -> None:
    """docs/reporting.md is `newswatch reporting describe`: regenerate it when a view changes."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "reporting.md"
    with db.transaction(migrated_db) as conn:
        current = reporting.describe(conn)
    assert docs.read_text(encoding="utf-8").rstrip("\n") == current.rstrip("\n"), (
        "docs/reporting.md is stale: run `newswatch reporting describe > docs/reporting.md`"
    )
