"""Where the database is: NEWSWATCH_DB_URL, then the Airflow connection, then embedded."""

from __future__ import annotations

import json

import pytest
from newswatch import db


def test_explicit_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_DB_URL", "postgres://u:p@db.example:5432/news")
    monkeypatch.setenv("AIRFLOW_CONN_NEWS_DB", "postgresql://other@elsewhere/x")
    resolved = db.resolve_dsn()
    assert resolved.source == "NEWSWATCH_DB_URL"
    assert resolved.dsn == "postgresql://u:p@db.example:5432/news"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgresql://news:s3cret@news-db:5432/news", "postgresql://news:s3cret@news-db:5432/news"),
        ("postgres://news@news-db/news", "postgresql://news@news-db/news"),
        ("postgresql+psycopg2://news@h:5433/n", "postgresql://news@h:5433/n"),
        (json.dumps({"conn_type": "postgres", "login": "news", "password": "p@ss/word", "host": "h",
                     "port": 5432, "schema": "news"}), "postgresql://news:p%40ss%2Fword@h:5432/news"),
    ],
)
def test_airflow_connection_forms(monkeypatch: pytest.MonkeyPatch, raw: str, expected: str) -> None:
    monkeypatch.delenv("NEWSWATCH_DB_URL", raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_NEWS_DB", raw)
    resolved = db.resolve_dsn()
    assert resolved.source == "airflow:news_db"
    assert resolved.dsn == expected


def test_connection_id_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWATCH_DB_URL", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_NEWS_DB", raising=False)
    monkeypatch.setenv("NEWSWATCH_AIRFLOW_CONN_ID", "warehouse")
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", "postgresql://w@wh/w")
    assert db.resolve_dsn().dsn == "postgresql://w@wh/w"


def test_embedded_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWATCH_DB_URL", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_NEWS_DB", raising=False)
    monkeypatch.setattr(db, "start_embedded_server", lambda: "postgresql://postgres:@/postgres?host=/tmp/x")
    resolved = db.resolve_dsn()
    assert resolved.source == "embedded"


def test_redact_hides_passwords() -> None:
    assert db.redact("postgresql://u:secret@h/d") == "postgresql://u:***@h/d"
    assert db.redact("host=h password=secret dbname=d") == "host=h password=*** dbname=d"


def test_with_database_keeps_server_and_query() -> None:
    assert db.with_database("postgresql://postgres:@/postgres?host=/tmp/pg", "demo") == (
        "postgresql://postgres:@/demo?host=/tmp/pg"
    )
