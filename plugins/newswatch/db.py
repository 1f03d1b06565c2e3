"""Connections to the news database and the migrations runner.

Where the database is, in order of precedence:

1. ``NEWSWATCH_DB_URL`` (any libpq URI or key=value DSN);
2. the Airflow connection ``news_db`` — from ``AIRFLOW_CONN_NEWS_DB`` (URI or JSON form),
   or, inside a running Airflow task, from Airflow's own connection store;
3. an embedded PostgreSQL 16 (the ``pgserver`` package) started on demand in
   ``<data dir>/pgdata`` and left running for later commands (``newswatch db stop`` stops it).

Connections are always psycopg2 connections built by us, never ``PostgresHook.get_conn()``,
which can hand back a psycopg 3 connection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from newswatch import settings
from newswatch.errors import ConfigError, RetryableError

log = logging.getLogger(__name__)

MIGRATIONS_TABLE = "public.newswatch_schema_migrations"
# Which definition (sha256 of its file) each reporting relation was built from: a materialised
# view is rebuilt (dropped, created, populated) only when its file changed.
VIEW_DEFINITIONS_TABLE = "public.newswatch_view_definitions"
# sql/views/NNN_<schema>.<name>.sql defines one relation; other files (grants) run every time.
_VIEW_FILE_RE = re.compile(r"^\d+_(?P<schema>[a-z_]+)\.(?P<name>[a-z0-9_]+)$")
# Arbitrary constant: serialises concurrent `db migrate` runs (e.g. two compose services).
_MIGRATE_LOCK_ID = 727_001


def sql_dir() -> Path:
    """The project's `sql/` folder (editable install: next to `plugins/`)."""
    override = os.environ.get("NEWSWATCH_SQL_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "sql"


# --------------------------------------------------------------------------- DSN resolution


@dataclass(frozen=True)
class ResolvedDsn:
    dsn: str
    source: str  # "NEWSWATCH_DB_URL" | "airflow:<conn_id>" | "embedded"


def _normalise_uri(uri: str) -> str:
    # Airflow and SQLAlchemy spell the scheme in several ways; libpq knows two.
    return re.sub(r"^(postgres|postgresql)(\+\w+)?://", "postgresql://", uri)


def _dsn_from_airflow_json(raw: str) -> str:
    data = json.loads(raw)
    user = quote(str(data.get("login") or ""), safe="")
    password = quote(str(data.get("password") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = data.get("host") or "localhost"
    port = f":{data['port']}" if data.get("port") else ""
    schema = data.get("schema") or "postgres"
    return f"postgresql://{auth}{host}{port}/{schema}"


def _dsn_from_airflow_env(conn_id: str) -> str | None:
    raw = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if not raw:
        return None
    raw = raw.strip()
    if raw.startswith("{"):
        return _dsn_from_airflow_json(raw)
    return _normalise_uri(raw)


def _dsn_from_airflow_store(conn_id: str) -> str | None:
    """Only inside a running Airflow task: ask Airflow's connection store."""
    if "AIRFLOW_CTX_DAG_ID" not in os.environ:
        return None
    try:
        from airflow.sdk import BaseHook
        from airflow.sdk.exceptions import AirflowRuntimeError
    except ImportError:
        return None
    try:
        conn = BaseHook.get_connection(conn_id)
    except AirflowRuntimeError:
        return None
    return _dsn_from_airflow_json(
        json.dumps(
            {
                "login": conn.login,
                "password": conn.password,
                "host": conn.host,
                "port": conn.port,
                "schema": conn.schema,
            }
        )
    )


def embedded_pgdata() -> Path:
    return settings.data_dir() / "pgdata"


def start_embedded_server() -> str:
    """Start (or reuse) the embedded PostgreSQL and return its DSN."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import pgserver  # heavy import, only when the embedded server is actually wanted

    pgdata = embedded_pgdata()
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: keep the server running after this process exits, so the
    # CLI, Airflow tasks and a BI tool can share it; `newswatch db stop` stops it.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    return str(server.get_uri())


def stop_embedded_server() -> bool:
    pgdata = embedded_pgdata()
    if not (pgdata / "postmaster.pid").exists():
        return False
    import pgserver

    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    server.cleanup()
    return True


def resolve_dsn() -> ResolvedDsn:
    explicit = settings.db_url()
    if explicit:
        return ResolvedDsn(_normalise_uri(explicit) if "://" in explicit else explicit, "NEWSWATCH_DB_URL")
    conn_id = settings.airflow_conn_id()
    from_airflow = _dsn_from_airflow_env(conn_id) or _dsn_from_airflow_store(conn_id)
    if from_airflow:
        return ResolvedDsn(from_airflow, f"airflow:{conn_id}")
    return ResolvedDsn(start_embedded_server(), "embedded")


def redact(dsn: str) -> str:
    """DSN without its password, for logs and messages."""
    if "://" not in dsn:
        return re.sub(r"password=\S+", "password=***", dsn)
    parts = urlsplit(dsn)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return dsn


def with_database(dsn: str, dbname: str) -> str:
    """The same server, another database."""
    if "://" in dsn:
        parts = urlsplit(dsn)
        return urlunsplit(parts._replace(path="/" + dbname))
    return re.sub(r"dbname=\S+", "", dsn).strip() + f" dbname={dbname}"


# --------------------------------------------------------------------------- connections


def connect(dsn: str | None = None) -> psycopg2.extensions.connection:
    target = dsn or resolve_dsn().dsn
    try:
        conn = psycopg2.connect(target, application_name="newswatch", connect_timeout=10)
    except psycopg2.OperationalError as exc:
        raise RetryableError(f"cannot connect to the news database {redact(target)}: {exc}") from exc
    return conn


@contextmanager
def transaction(dsn: str | None = None) -> Iterator[psycopg2.extensions.connection]:
    """One connection, one transaction: committed on success, rolled back on error."""
    conn = connect(dsn)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def ensure_database(dsn: str) -> None:
    """CREATE DATABASE for the DSN's database if it is missing (needs CREATEDB)."""
    dbname = psycopg2.extensions.parse_dsn(dsn).get("dbname") if "://" not in dsn else urlsplit(dsn).path.lstrip("/")
    if not dbname:
        raise ConfigError(f"no database name in {redact(dsn)}")
    admin = psycopg2.connect(with_database(dsn, "postgres"), connect_timeout=10)
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    finally:
        admin.close()


def drop_database(dsn: str) -> None:
    dbname = urlsplit(dsn).path.lstrip("/") if "://" in dsn else psycopg2.extensions.parse_dsn(dsn)["dbname"]
    admin = psycopg2.connect(with_database(dsn, "postgres"), connect_timeout=10)
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    finally:
        admin.close()


# --------------------------------------------------------------------------- migrations


@dataclass(frozen=True)
class MigrationReport:
    applied: list[str]
    already: int
    views: int
    rebuilt: list[str] = field(default_factory=list)


def _migration_files() -> list[Path]:
    files = sorted((sql_dir() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    versions = [f.name[:4] for f in files]
    if len(set(versions)) != len(versions):
        raise ConfigError(f"duplicate migration numbers in {sql_dir() / 'migrations'}")
    return files


def _view_files() -> list[Path]:
    return sorted((sql_dir() / "views").glob("*.sql"))


def _has_extension(cur: psycopg2.extensions.cursor, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", (name,))
    return cur.fetchone() is not None


def migrate(dsn: str | None = None) -> MigrationReport:
    """Apply pending migrations (each in its own transaction), then re-apply every view.

    Idempotent: applied migrations are recorded by file name in MIGRATIONS_TABLE.
    """
    conn = connect(dsn)
    applied: list[str] = []
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (_MIGRATE_LOCK_ID,))
            cur.execute(
                f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
                        version text PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            cur.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")
            done = {row[0] for row in cur.fetchall()}
            # Optional extensions: used only when the server ships them (pgserver does not).
            for ext in ("pg_trgm", "unaccent"):
                if _has_extension(cur, ext):
                    cur.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
        for path in _migration_files():
            version = path.name[:4]
            if version in done:
                continue
            conn.autocommit = False
            with conn, conn.cursor() as cur:
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute(
                    f"INSERT INTO {MIGRATIONS_TABLE} (version, name) VALUES (%s, %s)",
                    (version, path.stem),
                )
            applied.append(path.stem)
            log.info("applied migration %s", path.stem)
        views = _view_files()
        rebuilt = _apply_views(conn, views)
        _configure_bi_role(conn)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATE_LOCK_ID,))
    finally:
        conn.close()
    return MigrationReport(applied=applied, already=len(_migration_files()) - len(applied), views=len(views),
                           rebuilt=rebuilt)


def _apply_views(conn: psycopg2.extensions.connection, paths: list[Path]) -> list[str]:
    """Create or rebuild the reporting relations whose definition file changed; return their names.

    Each relation is built in its own transaction: dropped whatever it is now (plain or
    materialised view, dependants cascade), then created from its file. Unchanged relations
    are left alone, so a deploy does not recompute a year of aggregates for nothing. Relations
    whose file was removed are dropped. Files that define no relation run every time.
    """
    conn.autocommit = False
    with conn, conn.cursor() as cur:
        cur.execute(
            f"""CREATE TABLE IF NOT EXISTS {VIEW_DEFINITIONS_TABLE} (
                    relation text PRIMARY KEY,
                    sha256 text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        cur.execute(f"SELECT relation, sha256 FROM {VIEW_DEFINITIONS_TABLE}")
        recorded = dict(cur.fetchall())
    defined: set[str] = set()
    rebuilt: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        match = _VIEW_FILE_RE.match(path.stem)
        with conn, conn.cursor() as cur:
            if match is None:
                cur.execute(text)
                continue
            relation = f"{match['schema']}.{match['name']}"
            defined.add(relation)
            digest = hashlib.sha256(text.encode()).hexdigest()
            if recorded.get(relation) == digest and _relation_kind(cur, relation) is not None:
                continue
            _drop_relation(cur, relation)
            cur.execute(text)
            cur.execute(
                f"""INSERT INTO {VIEW_DEFINITIONS_TABLE} (relation, sha256) VALUES (%s, %s)
                    ON CONFLICT (relation) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()""",
                (relation, digest),
            )
        rebuilt.append(relation)
        log.info("built %s", relation)
    for relation in sorted(set(recorded) - defined):
        with conn, conn.cursor() as cur:
            _drop_relation(cur, relation)
            cur.execute(f"DELETE FROM {VIEW_DEFINITIONS_TABLE} WHERE relation = %s", (relation,))
        log.info("dropped %s (its definition file is gone)", relation)
    return rebuilt


def _relation_kind(cur: psycopg2.extensions.cursor, relation: str) -> str | None:
    cur.execute("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(%s)", (relation,))
    row = cur.fetchone()
    return row[0] if row else None


def _drop_relation(cur: psycopg2.extensions.cursor, relation: str) -> None:
    kind = _relation_kind(cur, relation)
    statement = {"v": "DROP VIEW {} CASCADE", "m": "DROP MATERIALIZED VIEW {} CASCADE"}.get(kind or "")
    if statement:
        schema, name = relation.split(".", 1)
        cur.execute(sql.SQL(statement).format(sql.Identifier(schema, name)))


def _configure_bi_role(conn: psycopg2.extensions.connection) -> None:
    """Give the BI role its password from configuration (never from the migrations)."""
    password = settings.bi_password()
    if not password:
        return
    with conn, conn.cursor() as cur:
        cur.execute(sql.SQL("ALTER ROLE newswatch_bi WITH LOGIN PASSWORD {}").format(sql.Literal(password)))
