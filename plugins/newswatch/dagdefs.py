"""What the DAG files share at parse time: default task arguments, the fetch pool, and the
Airflow Asset newswatch publishes when articles are loaded.

`ingest_articles` and `reprocess_articles` declare the Asset as an outlet of their load step;
`update_reporting` is scheduled on it. Its URI follows the Postgres provider's scheme,
``postgres://host:port/database/schema/table``, naming the news database's `core.articles`.

Standard library only (a test enforces it): the DAG files import this at parse time (every
other newswatch import happens inside tasks), and the scheduler parses DAG files constantly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit


def _retries(environ: Mapping[str, str]) -> int:
    try:
        return max(0, int(environ.get("NEWSWATCH_TASK_RETRIES", "2")))
    except ValueError:
        return 2


# Every task retries twice with exponential backoff (2, 4 minutes; capped at 30).
# NEWSWATCH_TASK_RETRIES overrides the count (the demo and the tests run with 0: a broken task
# should fail in seconds there, not after six minutes of backoff).
DEFAULT_ARGS = {
    "owner": "newswatch",
    "retries": _retries(os.environ),
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}
# Airflow pool bounding concurrent fetch tasks (created by `airflow-init` in docker-compose.yml).
FETCH_POOL = "newswatch_fetch"

ARTICLES_TABLE = ("core", "articles")
_DEFAULT = ("localhost", 5432, "newswatch")


def _from_uri(uri: str) -> tuple[str, int, str] | None:
    parts = urlsplit(uri)
    if parts.scheme not in ("postgres", "postgresql"):
        return None
    query = parse_qs(parts.query)
    host = parts.hostname or ""
    if not host or host.startswith("/"):  # unix socket (e.g. the embedded server)
        host = "localhost"
    database = parts.path.lstrip("/") or query.get("dbname", [""])[0] or _DEFAULT[2]
    try:
        port = parts.port or _DEFAULT[1]
    except ValueError:
        port = _DEFAULT[1]
    return host.lower(), port, database


def _from_airflow_conn(value: str) -> tuple[str, int, str] | None:
    value = value.strip()
    if not value.startswith("{"):
        return _from_uri(value)
    try:
        conn = json.loads(value)
    except ValueError:
        return None
    host = str(conn.get("host") or _DEFAULT[0]).lower()
    # An Airflow Connection keeps the database name in "schema" (older) or "database".
    database = str(conn.get("schema") or conn.get("database") or _DEFAULT[2])
    try:
        port = int(conn.get("port") or _DEFAULT[1])
    except (TypeError, ValueError):
        port = _DEFAULT[1]
    return host, port, database


def articles_asset_uri(environ: Mapping[str, str] | None = None) -> str:
    """URI of the `core.articles` Asset for the configured news database.

    From NEWSWATCH_DB_URL, else the AIRFLOW_CONN_NEWS_DB environment connection, else
    ``postgres://localhost:5432/newswatch/core/articles``. Credentials and options never appear.
    """
    env = os.environ if environ is None else environ
    found = None
    if env.get("NEWSWATCH_DB_URL"):
        found = _from_uri(env["NEWSWATCH_DB_URL"])
    if found is None and env.get("AIRFLOW_CONN_NEWS_DB"):
        found = _from_airflow_conn(env["AIRFLOW_CONN_NEWS_DB"])
    host, port, database = found or _DEFAULT
    schema, table = ARTICLES_TABLE
    return f"postgres://{host}:{port}/{database}/{schema}/{table}"
