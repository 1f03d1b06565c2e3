"""Migrations against a real PostgreSQL: idempotent, documented, and the BI role is read-only."""

from __future__ import annotations

import psycopg2
import pytest
from newswatch import db

pytestmark = pytest.mark.integration


def test_migrate_is_idempotent(pg_server_dsn: str) -> None:
    from tests.conftest import make_database

    dsn = make_database(pg_server_dsn, "mig")
    try:
        first = db.migrate(dsn)
        second = db.migrate(dsn)
        assert first.applied and not second.applied
        assert second.already == len(first.applied)
        with db.transaction(dsn) as conn, conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {db.MIGRATIONS_TABLE}")
            assert cur.fetchone()[0] == len(first.applied)
    finally:
        db.drop_database(dsn)


def test_schemas_are_separate(migrated_db: str) -> None:
    with db.transaction(migrated_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace")
        names = {r[0] for r in cur.fetchall()}
    assert {"raw", "core", "reporting", "staging"} <= names


def test_every_table_view_and_column_has_a_comment(migrated_db: str) -> None:
    with db.transaction(migrated_db) as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname IN ('raw', 'core', 'staging', 'reporting') AND c.relkind IN ('r', 'v', 'm', 'p')
                 AND obj_description(c.oid, 'pg_class') IS NULL"""
        )
        undocumented_tables = [r[0] for r in cur.fetchall()]
        cur.execute(
            """SELECT n.nspname || '.' || c.relname || '.' || a.attname
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname IN ('raw', 'core', 'staging', 'reporting') AND c.relkind IN ('r', 'v', 'm', 'p')
                 AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL"""
        )
        undocumented_columns = [r[0] for r in cur.fetchall()]
    assert undocumented_tables == []
    assert undocumented_columns == []


def test_reporting_views_exist(migrated_db: str) -> None:
    expected = {
        "articles_by_outlet_day", "fetch_health_by_outlet_day", "entity_mentions_by_outlet_day",
        "quotes_by_speaker_outlet", "story_coverage", "name_variants_by_outlet_month", "shared_quotes",
        "quotes_by_speaker_outlet_month", "shared_quotes_by_outlet", "story_articles", "freshness", "outlets",
    }
    with db.transaction(migrated_db) as conn, conn.cursor() as cur:
        cur.execute("""SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'reporting' AND c.relkind IN ('v', 'm')""")
        assert expected <= {r[0] for r in cur.fetchall()}
        for view in sorted(expected):
            cur.execute(f"SELECT * FROM reporting.{view} LIMIT 1")  # every view runs


def test_bi_role_reads_reporting_only(migrated_db: str) -> None:
    with db.transaction(migrated_db) as conn, conn.cursor() as cur:
        cur.execute("SET ROLE newswatch_bi")
        cur.execute("SELECT count(*) FROM reporting.articles_by_outlet_day")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("SELECT count(*) FROM core.articles")


def test_bi_password_comes_from_configuration(migrated_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_BI_PASSWORD", "from-config-only")
    db.migrate(migrated_db)
    with db.transaction(migrated_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'newswatch_bi'")
        assert cur.fetchone()[0] is True
    sql_text = " ".join(p.read_text() for p in (db.sql_dir()).rglob("*.sql"))
    assert "from-config-only" not in sql_text and "PASSWORD '" not in sql_text
