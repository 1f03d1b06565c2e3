"""The embedded PostgreSQL (pgserver) starts on demand with no system install, and the schema
works on it (no contrib extensions there)."""

from __future__ import annotations

import pytest
from newswatch import db

pytestmark = pytest.mark.integration


def test_embedded_server_starts_and_migrates(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("NEWSWATCH_DB_URL", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_NEWS_DB", raising=False)
    monkeypatch.setenv("NEWSWATCH_DATA_DIR", str(tmp_path))
    resolved = db.resolve_dsn()
    try:
        assert resolved.source == "embedded"
        assert (tmp_path / "pgdata").is_dir()
        report = db.migrate(resolved.dsn)
        assert report.applied
        with db.transaction(resolved.dsn) as conn, conn.cursor() as cur:
            cur.execute("SHOW server_version")
            assert cur.fetchone()[0].startswith("16")
            cur.execute("SELECT count(*) FROM reporting.articles_by_outlet_day")
    finally:
        assert db.stop_embedded_server()
