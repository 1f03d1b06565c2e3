"""Reporting at scale: every reporting relation's typical BI query on a synthetic year (issue 7).

Target: each query under 500 ms warm on 1 million articles from 50 outlets over a year
(newswatch.synthetic: ~15 million mentions, ~4 million quotes, ~270,000 stories).

1. The database (default ``newswatch_bench`` on the server of NEWSWATCH_TEST_DB_URL, else
   postgresql://postgres@127.0.0.1:5432) is created, migrated and filled with
   ``newswatch.synthetic.generate`` when it is missing or has no articles (``--regenerate``
   drops and rebuilds it).
2. Every materialised view of schema ``reporting`` is refreshed by ``newswatch.reporting.refresh``
   (plainly, or ``--concurrently`` as the nightly DAG does once populated), which VACUUM ANALYZEs
   each view after refreshing it; timed per view.
3. Each relation of schema ``reporting`` (materialised or plain) gets the question a Metabase
   user would ask of it: filtered by one outlet and one month (outlet only where there is no
   month), aggregated, ordered and limited as a dashboard card would. The outlet is a mid-size
   one and the month a busy one, drawn with ``--seed``. Warm timing: one untimed run, then the
   median of ``--runs`` (5) runs, wall time on the client including fetching the rows.
4. The named peer, side by side: the same question against a plain view with the same
   definition (``bench_plain.<name>``, created from ``pg_matviews.definition``) — what the
   reporting layer was before it was materialised — under a statement_timeout (``--timeout``,
   120 s). A peer slower than 5 s warm is timed once instead of ``--runs`` times.

Prints one line per relation (materialised ms, plain ms, ratio, PASS/FAIL against 500 ms), then
the database size, the biggest relations and the row counts of the main tables. Exits 1 when any
reporting query takes 500 ms or more.

    .venv/bin/python benchmarks/reporting.py                      # 1M articles (generates ~10 min once)
    .venv/bin/python benchmarks/reporting.py --articles 100000 --dsn postgresql://.../nw_small
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from newswatch import db, synthetic
from psycopg2 import sql

TARGET_MS = 500.0
PLAIN_SCHEMA = "bench_plain"
MAIN_TABLES = ("core.outlets", "core.feeds", "raw.fetches", "core.articles", "core.entities", "core.entity_aliases",
               "core.entity_keys", "core.mentions", "core.quotes", "core.stories", "core.story_articles")

# One representative question per relation. Parameters: %(outlet)s (text), %(month)s (date: first
# day of the month), %(month_end)s (first day of the next month).
QUERIES: dict[str, str] = {
    # "How much did this outlet publish each day of the month?"
    "articles_by_outlet_day": """
        SELECT day, articles, words, articles_with_byline, paywalled_articles, syndicated_articles
        FROM reporting.articles_by_outlet_day
        WHERE outlet_id = %(outlet)s AND month = %(month)s
        ORDER BY day""",
    # "How healthy was fetching this outlet this month, by purpose?"
    "fetch_health_by_outlet_day": """
        SELECT purpose, sum(attempts) AS attempts, sum(ok) AS ok, sum(not_modified) AS not_modified,
               sum(http_4xx + http_5xx) AS http_errors, sum(network_errors) AS network_errors,
               round(1 - sum(ok + not_modified + robots_disallowed)::numeric / sum(attempts), 4) AS failure_rate,
               max(p95_elapsed_ms) AS worst_p95_ms, sum(bytes) AS bytes
        FROM reporting.fetch_health_by_outlet_day
        WHERE outlet_id = %(outlet)s AND month = %(month)s
        GROUP BY purpose ORDER BY attempts DESC""",
    # "Whom and what did this outlet write about most this month?"
    "entity_mentions_by_outlet_day": """
        SELECT entity_id, entity_name, entity_type, sum(mentions) AS mentions, sum(articles) AS articles
        FROM reporting.entity_mentions_by_outlet_day
        WHERE outlet_id = %(outlet)s AND month = %(month)s
        GROUP BY entity_id, entity_name, entity_type
        ORDER BY mentions DESC LIMIT 20""",
    # "Whom does this outlet quote most (all time)?"
    "quotes_by_speaker_outlet": """
        SELECT speaker, quotes, direct_quotes, indirect_quotes, articles, share_of_outlet_quotes, last_quoted_at
        FROM reporting.quotes_by_speaker_outlet
        WHERE outlet_id = %(outlet)s
        ORDER BY quotes DESC LIMIT 20""",
    # "Whom did this outlet quote most this month?"
    "quotes_by_speaker_outlet_month": """
        SELECT speaker, quotes, direct_quotes, indirect_quotes, mixed_quotes, articles, share_of_outlet_quotes
        FROM reporting.quotes_by_speaker_outlet_month
        WHERE outlet_id = %(outlet)s AND month = %(month)s
        ORDER BY quotes DESC LIMIT 20""",
    # "Of the month's stories, how many did this outlet cover, independently, and how late?"
    "story_coverage": """
        SELECT count(*) AS stories,
               count(*) FILTER (WHERE covered) AS covered,
               count(*) FILTER (WHERE independent) AS independent,
               sum(syndicated_article_count) AS syndicated_articles,
               round(avg(lag_hours) FILTER (WHERE covered), 2) AS mean_lag_hours,
               count(*) FILTER (WHERE NOT covered AND outlets_covering >= 10) AS missed_big_stories
        FROM reporting.story_coverage
        WHERE outlet_id = %(outlet)s AND month = %(month)s""",
    # "Which widely carried quotes of the month did this outlet leave out?"
    "shared_quotes": """
        SELECT story_title, speaker, quote_text, outlets_carrying, carried_by_names, first_published_at
        FROM reporting.shared_quotes
        WHERE month = %(month)s AND omitted_by @> ARRAY[%(outlet)s]::text[]
        ORDER BY outlets_carrying DESC, first_published_at LIMIT 50""",
    # "Per speaker: shared quotes this outlet carried and omitted this month."
    "shared_quotes_by_outlet": """
        SELECT speaker, count(*) FILTER (WHERE carried) AS carried, count(*) FILTER (WHERE NOT carried) AS omitted,
               max(outlets_carrying) AS most_outlets
        FROM reporting.shared_quotes_by_outlet
        WHERE outlet_id = %(outlet)s AND month = %(month)s
        GROUP BY speaker ORDER BY count(*) DESC LIMIT 20""",
    # "Which names does this outlet spell in more than one way this month?"
    "name_variants_by_outlet_month": """
        SELECT entity_name, entity_type, spelling, mentions, articles, share_of_entity_mentions
        FROM reporting.name_variants_by_outlet_month
        WHERE outlet_id = %(outlet)s AND month = %(month)s AND share_of_entity_mentions < 1
        ORDER BY mentions DESC LIMIT 100""",
    # "This outlet's articles in the month's stories, newest first, with why they joined."
    "story_articles": """
        SELECT story_id, story_title, title, published_at, join_reason, score, is_near_duplicate
        FROM reporting.story_articles
        WHERE outlet_id = %(outlet)s AND month = %(month)s
        ORDER BY published_at DESC LIMIT 100""",
    # "How old is each materialised view?" (no outlet, no month)
    "freshness": """
        SELECT view_name, refreshed_at, seconds, row_count FROM reporting.freshness ORDER BY view_name""",
}


@dataclass(frozen=True)
class Relation:
    name: str
    kind: str  # 'm' materialised view, 'v' plain view
    columns: tuple[str, ...]


@dataclass
class Timing:
    median_ms: float | None  # None: timed out
    runs: int
    rows: int


def default_dsn() -> str:
    server = os.environ.get("NEWSWATCH_TEST_DB_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    return db.with_database(server, "newswatch_bench")


def article_count(dsn: str) -> int:
    conn = db.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('core.articles') IS NOT NULL")
            if not cur.fetchone()[0]:
                return 0
            cur.execute("SELECT count(*) FROM core.articles")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def relations(conn: psycopg2.extensions.connection) -> list[Relation]:
    """Every materialised and plain view of schema reporting, in creation (dependency) order."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT c.relname, c.relkind::text,
                      array_agg(a.attname::text ORDER BY a.attnum)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               WHERE n.nspname = 'reporting' AND c.relkind IN ('m', 'v')
               GROUP BY c.oid, c.relname, c.relkind ORDER BY c.oid"""
        )
        return [Relation(name, kind, tuple(cols)) for name, kind, cols in cur.fetchall()]


def refresh_reporting(
    conn: psycopg2.extensions.connection, *, concurrently: bool = False
) -> list[tuple[str, float, int]]:
    """newswatch.reporting.refresh (which VACUUM ANALYZEs each view after refreshing it):
    (name, seconds of the REFRESH alone, rows) per view."""
    from newswatch import reporting

    return [(r.view.split(".", 1)[-1], r.seconds, r.rows)
            for r in reporting.refresh(conn, run_id="benchmarks/reporting.py", concurrently=concurrently)]


def create_plain_peers(conn: psycopg2.extensions.connection) -> list[str]:
    """bench_plain.<name>: a plain view per materialised one, same definition; references to other
    materialised reporting views point at their plain peers, so nothing precomputed is read."""
    with conn, conn.cursor() as cur:
        cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(PLAIN_SCHEMA)))
        cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(PLAIN_SCHEMA)))
        cur.execute(
            """SELECT m.matviewname, m.definition FROM pg_matviews m
               JOIN pg_class c ON c.relname = m.matviewname
               JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = m.schemaname
               WHERE m.schemaname = 'reporting' ORDER BY c.oid"""
        )
        views = cur.fetchall()
        names = [name for name, _ in views]
        for name, definition in views:
            for other in names:
                definition = re.sub(rf"\breporting\.{other}\b", f"{PLAIN_SCHEMA}.{other}", definition)
            cur.execute(
                sql.SQL("CREATE VIEW {} AS ").format(sql.Identifier(PLAIN_SCHEMA, name))
                + sql.SQL(definition.rstrip().rstrip(";"))  # type: ignore[arg-type]
            )
    return names


def generic_query(rel: Relation) -> str:
    """For a relation without a written question: filter by what it has, first 100 rows."""
    where = []
    if "outlet_id" in rel.columns:
        where.append("outlet_id = %(outlet)s")
    if "month" in rel.columns:
        where.append("month = %(month)s")
    elif "day" in rel.columns:
        where.append("day >= %(month)s AND day < %(month_end)s")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT * FROM reporting.{rel.name}{clause} LIMIT 100"


def query_for(rel: Relation) -> tuple[str, bool]:
    """(query, written): the written question when its columns exist, else the generic one."""
    query = QUERIES.get(rel.name)
    return (query, True) if query else (generic_query(rel), False)


def choose_outlet_and_month(conn: psycopg2.extensions.connection, seed: int) -> tuple[str, date]:
    """A mid-size outlet (middle third by articles) and one of the three busiest months (by articles),
    drawn with `seed`."""
    rng = random.Random(seed)
    with conn.cursor() as cur:
        cur.execute("SELECT outlet_id FROM core.articles GROUP BY outlet_id ORDER BY count(*) DESC, outlet_id")
        outlets = [r[0] for r in cur.fetchall()]
        third = len(outlets) // 3
        outlet = rng.choice(outlets[third: len(outlets) - third] or outlets)
        cur.execute(
            """SELECT date_trunc('month', published_at AT TIME ZONE 'UTC')::date AS month
               FROM core.articles WHERE published_at IS NOT NULL GROUP BY 1
               ORDER BY count(*) DESC, 1 LIMIT 3"""
        )
        months = [r[0] for r in cur.fetchall()]
    return outlet, rng.choice(months)


def params_for(outlet: str, month: date) -> dict[str, object]:
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {"outlet": outlet, "month": month, "month_end": month_end}


def time_query(
    conn: psycopg2.extensions.connection, query: str, params: dict[str, object], runs: int,
    timeout_ms: int | None = None, slow_ms: float | None = None,
) -> Timing:
    """Warm once, then the median of `runs` (1 when the warm run took longer than `slow_ms`)."""
    if not conn.autocommit:
        conn.commit()  # end the catalogue reads' transaction before switching to autocommit
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET statement_timeout = %s", (timeout_ms or 0,))

        def once() -> tuple[float, int]:
            started = time.perf_counter()
            cur.execute(query, params)
            rows = len(cur.fetchall())
            return (time.perf_counter() - started) * 1000, rows

        try:
            warm_ms, rows = once()
            if slow_ms is not None and warm_ms > slow_ms:
                runs = 1
            samples = [once()[0] for _ in range(runs)]
        except psycopg2.errors.QueryCanceled:
            return Timing(None, 0, 0)
        finally:
            cur.execute("SET statement_timeout = 0")
    return Timing(statistics.median(samples), runs, rows)


def run_queries(
    conn: psycopg2.extensions.connection, outlet: str, month: date, *, runs: int = 5, plain: bool = True,
    timeout_s: float = 120.0,
) -> list[dict[str, object]]:
    """Time every reporting relation's question (and its plain peer); one dict per relation."""
    params = params_for(outlet, month)
    rels = relations(conn)
    peers = set(create_plain_peers(conn)) if plain else set()
    results = []
    for rel in rels:
        query, written = query_for(rel)
        try:
            ours = time_query(conn, query, params, runs)
        except (psycopg2.errors.UndefinedColumn, psycopg2.errors.UndefinedFunction):
            # The relation's columns changed under the written question: ask the generic one.
            query, written = generic_query(rel), False
            ours = time_query(conn, query, params, runs)
        peer: Timing | None = None
        if rel.name in peers:
            peer_query = re.sub(rf"\breporting\.{rel.name}\b", f"{PLAIN_SCHEMA}.{rel.name}", query)
            peer = time_query(conn, peer_query, params, runs, timeout_ms=int(timeout_s * 1000), slow_ms=5000)
        results.append({"relation": rel.name, "kind": rel.kind, "written": written, "ours": ours, "peer": peer,
                        "query": query})
    return results


def _ms(t: Timing | None, timeout_s: float) -> str:
    if t is None:
        return "-"
    if t.median_ms is None:
        return f"timeout (>{timeout_s:.0f} s)"
    return f"{t.median_ms:,.1f} ms" + (f" (n={t.runs})" if t.runs == 1 else "")


def report_sizes(conn: psycopg2.extensions.connection) -> None:
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), pg_database_size(current_database())")
        pretty, size = cur.fetchone()
        print(f"database size: {pretty} ({size:,} bytes)")
        cur.execute(
            """SELECT n.nspname || '.' || c.relname, c.relkind::text, pg_size_pretty(pg_total_relation_size(c.oid)),
                      pg_size_pretty(pg_indexes_size(c.oid))
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'm') AND n.nspname IN ('raw', 'core', 'reporting', 'staging')
               ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 15"""
        )
        print("biggest relations (total, of which indexes):")
        for name, kind, total, indexes in cur.fetchall():
            print(f"  {name:<45} {'matview' if kind == 'm' else 'table':<8} {total:>10}  (indexes {indexes})")
        print("rows:")
        for table in MAIN_TABLES:
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.SQL(table)))
            print(f"  {table:<24} {cur.fetchone()[0]:>12,}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=None, help="benchmark database (default: newswatch_bench on the test server)")
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7, help="generator seed, and the draw of outlet and month")
    parser.add_argument("--regenerate", action="store_true", help="drop and rebuild the database first")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query after the warm-up run")
    parser.add_argument("--timeout", type=float, default=120.0, help="statement timeout of the plain peer, seconds")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-view peer")
    parser.add_argument("--no-refresh", action="store_true", help="query the views as they are")
    parser.add_argument("--concurrently", action="store_true",
                        help="refresh CONCURRENTLY, as the nightly DAG does on populated views (slower)")
    args = parser.parse_args(argv)

    dsn = args.dsn or default_dsn()
    print(f"database: {db.redact(dsn)}")
    if args.regenerate:
        db.drop_database(dsn)
    db.ensure_database(dsn)
    db.migrate(dsn)
    generated_s: float | None = None
    if article_count(dsn) == 0:
        print(f"generating {args.articles:,} articles, {args.outlets} outlets, {args.days} days, seed {args.seed} ...",
              flush=True)
        started = time.perf_counter()
        counts = synthetic.generate(dsn, articles=args.articles, outlets=args.outlets, days=args.days, seed=args.seed,
                                    progress=lambda m: print(f"  {m}", flush=True))
        generated_s = time.perf_counter() - started
        print(f"generated in {generated_s:,.0f} s: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
    else:
        print(f"using the existing data ({article_count(dsn):,} articles); --regenerate to rebuild")

    conn = db.connect(dsn)
    try:
        if not args.no_refresh:
            started = time.perf_counter()
            done = refresh_reporting(conn, concurrently=args.concurrently)
            total = time.perf_counter() - started
            how = "REFRESH MATERIALIZED VIEW CONCURRENTLY" if args.concurrently else "REFRESH MATERIALIZED VIEW"
            print(f"refresh ({how}, then VACUUM ANALYZE): {total:,.1f} s in all; per view, the REFRESH alone:")
            for name, seconds, rows in done:
                print(f"  reporting.{name:<36} {seconds:>8.1f} s {rows:>12,} rows")
        outlet, month = choose_outlet_and_month(conn, args.seed)
        print(f"typical BI queries: outlet {outlet} (mid-size), month {month:%Y-%m} (busy), warm, median of "
              f"{args.runs}; peer: the same query on a plain view of the same definition ({PLAIN_SCHEMA}.*)")
        results = run_queries(conn, outlet, month, runs=args.runs, plain=not args.no_plain, timeout_s=args.timeout)
        failed = []
        for r in results:
            ours: Timing = r["ours"]  # type: ignore[assignment]
            peer: Timing | None = r["peer"]  # type: ignore[assignment]
            assert ours.median_ms is not None
            ok = ours.median_ms < TARGET_MS
            if not ok:
                failed.append(r["relation"])
            if peer is None:
                ratio = "-"
            elif peer.median_ms is None:
                ratio = f">{args.timeout * 1000 / max(ours.median_ms, 0.001):,.0f}x"
            else:
                ratio = f"{peer.median_ms / max(ours.median_ms, 0.001):,.0f}x"
            kind = "matview" if r["kind"] == "m" else "view"
            note = "" if r["written"] else "  [generic query]"
            print(f"reporting.{r['relation']:<32} {kind:<7} {_ms(ours, args.timeout):>12} | plain view: "
                  f"{_ms(peer, args.timeout):>22} | ratio {ratio:>8} | {'PASS' if ok else 'FAIL'} "
                  f"(< {TARGET_MS:.0f} ms, {ours.rows} rows){note}")
        report_sizes(conn)
        if generated_s is not None:
            print(f"generation time: {generated_s:,.0f} s")
    finally:
        conn.close()
    if failed:
        print(f"FAIL: {', '.join(failed)} at or above {TARGET_MS:.0f} ms", file=sys.stderr)
        return 1
    print(f"PASS: every reporting query under {TARGET_MS:.0f} ms warm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
