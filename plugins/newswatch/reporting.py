"""The reporting layer: refreshing the materialised views analysts and BI tools read.

The views themselves are SQL (`sql/views/`, built by `newswatch db migrate`); this module only
keeps them current. Every materialised view in the `reporting` schema is refreshed, each in its
own transaction, CONCURRENTLY when it is already populated (readers keep the previous contents
instead of waiting; every view has the unique index that requires), plainly otherwise, then
VACUUM ANALYZEd: a freshly refreshed view has no planner statistics and no visibility map until
autovacuum gets to it, and the covering indexes answer BI queries without touching the heap only
once the visibility map is set (story_coverage: ~4 ms instead of ~0.5 s at 1M articles). Each
refresh is logged in `core.reporting_refreshes`, which BI users see as `reporting.freshness`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import psycopg2.extensions
from psycopg2 import sql

log = logging.getLogger(__name__)

SCHEMA = "reporting"


@dataclass(frozen=True)
class RefreshResult:
    view: str  # schema-qualified
    seconds: float
    rows: int
    concurrently: bool


def materialized_views(conn: psycopg2.extensions.connection) -> list[tuple[str, bool]]:
    """(name, populated) of every materialised view in the reporting schema, by name."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT c.relname, c.relispopulated FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relkind = 'm' ORDER BY c.relname""",
            (SCHEMA,),
        )
        return [(name, populated) for name, populated in cur.fetchall()]


def refresh(
    conn: psycopg2.extensions.connection, *, run_id: str | None = None, concurrently: bool = True
) -> list[RefreshResult]:
    """Refresh every materialised reporting view; commit after each. Returns what was done.

    `conn` must not be inside an open transaction the caller still needs: this commits.
    """
    conn.commit()
    results = []
    for name, populated in materialized_views(conn):
        use_concurrently = concurrently and populated
        statement = "REFRESH MATERIALIZED VIEW CONCURRENTLY {}" if use_concurrently else "REFRESH MATERIALIZED VIEW {}"
        started = time.perf_counter()
        with conn, conn.cursor() as cur:
            cur.execute(sql.SQL(statement).format(sql.Identifier(SCHEMA, name)))
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(SCHEMA, name)))
            rows = int(cur.fetchone()[0])
            seconds = time.perf_counter() - started
            cur.execute(
                """INSERT INTO core.reporting_refreshes (view_name, run_id, seconds, row_count, was_concurrent)
                   VALUES (%s, %s, %s, %s, %s)""",
                (f"{SCHEMA}.{name}", run_id, seconds, rows, use_concurrently),
            )
        _vacuum_analyze(conn, name)
        results.append(RefreshResult(f"{SCHEMA}.{name}", round(seconds, 3), rows, use_concurrently))
        log.info("refreshed %s.%s: %d rows in %.2f s%s", SCHEMA, name, rows, seconds,
                 " (concurrently)" if use_concurrently else "")
    return results


def _vacuum_analyze(conn: psycopg2.extensions.connection, name: str) -> None:
    """VACUUM cannot run inside a transaction: briefly switch the connection to autocommit."""
    previous = conn.autocommit
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(SCHEMA, name)))
    finally:
        conn.autocommit = previous


def describe(conn: psycopg2.extensions.connection) -> str:
    """A Markdown data dictionary of the reporting schema, from the catalogue's COMMENT ONs (what
    BI tools show), so docs/reporting.md never drifts from the database."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT c.relname, c.relkind::text, obj_description(c.oid, 'pg_class')
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relkind IN ('v', 'm') ORDER BY c.relname""",
            (SCHEMA,),
        )
        relations = cur.fetchall()
        cur.execute(
            """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               WHERE n.nspname = %s AND c.relkind IN ('v', 'm') ORDER BY c.relname, a.attnum""",
            (SCHEMA,),
        )
        columns: dict[str, list[tuple[str, str, str]]] = {}
        for rel, name, type_, comment in cur.fetchall():
            columns.setdefault(rel, []).append((name, type_, comment or ""))
    lines = [
        "# The reporting schema",
        "",
        "Generated by `newswatch reporting describe` from the database's own `COMMENT ON`s (the",
        "descriptions Metabase, Superset and Tableau show); a test fails when this file is stale.",
        "Materialised views are refreshed after every load by the `update_reporting` DAG;",
        "`reporting.freshness` says when. Read them as the `newswatch_bi` role. Every relation has",
        "`outlet_id` and, where time applies, a `month` (first day, UTC) to filter on; typical questions",
        "(one per relation, as SQL) are the `QUERIES` of `benchmarks/reporting.py`.",
        "",
    ]
    for rel, kind, comment in relations:
        lines += [f"## reporting.{rel}", "", f"*{'materialised view' if kind == 'm' else 'view'}* — {comment or ''}",
                  "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{name}` | {type_} | {text.replace('|', '/')} |" for name, type_, text in columns.get(rel, [])]
        lines.append("")
    return "\n".join(lines)
