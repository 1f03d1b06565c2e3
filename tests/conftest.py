"""Shared fixtures.

PostgreSQL is always real: NEWSWATCH_TEST_DB_URL (CI sets it to the server on 127.0.0.1:5432),
else an embedded server (pgserver) started in a temporary directory. Each test session works in
its own freshly created database, dropped at the end.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# pgserver logs from an atexit hook after pytest closed its streams; keep that quiet.
logging.getLogger("pgserver").setLevel(logging.WARNING)

# Before anything imports Airflow or newswatch settings: keep every test away from the user's
# own data folder, Airflow home and database settings.
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="newswatch-tests-"))
os.environ["NEWSWATCH_DATA_DIR"] = str(_SESSION_TMP / "data")
os.environ.setdefault("AIRFLOW_HOME", str(_SESSION_TMP / "airflow"))
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "false"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parents[1] / "dags")
for _var in ("NEWSWATCH_DB_URL", "AIRFLOW_CONN_NEWS_DB", "NEWSWATCH_SOURCES_FILE", "NEWSWATCH_TASK_RETRIES"):
    os.environ.pop(_var, None)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def pg_server_dsn() -> Iterator[str]:
    """DSN of a PostgreSQL server we may create databases on."""
    explicit = os.environ.get("NEWSWATCH_TEST_DB_URL")
    if explicit:
        yield explicit
        return
    import pgserver

    server = pgserver.get_server(_SESSION_TMP / "pgdata", cleanup_mode="stop")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()


def make_database(server_dsn: str, label: str) -> str:
    from newswatch import db

    dsn = db.with_database(server_dsn, f"nw_test_{label}_{uuid.uuid4().hex[:8]}")
    db.ensure_database(dsn)
    return dsn


@pytest.fixture(scope="session")
def migrated_db(pg_server_dsn: str) -> Iterator[str]:
    """A fresh, migrated news database for the session (dropped afterwards)."""
    from newswatch import db

    dsn = make_database(pg_server_dsn, "session")
    db.migrate(dsn)
    try:
        yield dsn
    finally:
        db.drop_database(dsn)


@pytest.fixture
def fresh_db(pg_server_dsn: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database for one test, also set as NEWSWATCH_DB_URL."""
    from newswatch import db

    dsn = make_database(pg_server_dsn, "t")
    db.migrate(dsn)
    monkeypatch.setenv("NEWSWATCH_DB_URL", dsn)
    try:
        yield dsn
    finally:
        db.drop_database(dsn)
