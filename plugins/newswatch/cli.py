"""`newswatch …` command line. Each subcommand is a thin shell over db.py / jobs.py / extract.py."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from newswatch import __version__


def _cmd_db(args: argparse.Namespace) -> int:
    from newswatch import db

    if args.db_command == "migrate":
        resolved = db.resolve_dsn()
        result = db.migrate(resolved.dsn)
        print(f"database {db.redact(resolved.dsn)} ({resolved.source})")
        print(f"applied {len(result.applied)} migration(s), {result.already} already applied, "
              f"{len(result.rebuilt)} reporting relation(s) built or rebuilt (new or changed definition)")
        for name in result.applied:
            print(f"  + {name}")
        for name in result.rebuilt:
            print(f"  ~ {name}")
    elif args.db_command == "url":
        resolved = db.resolve_dsn()
        print(resolved.dsn if args.show_password else db.redact(resolved.dsn))
    elif args.db_command == "stop":
        print("embedded server stopped" if db.stop_embedded_server() else "embedded server was not running")
    return 0


def _parse_date(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _cmd_run(args: argparse.Namespace) -> int:
    from newswatch import db, jobs

    if not args.dry_run:
        db.migrate()
    progress = (lambda msg: print(f"  {msg}", file=sys.stderr, flush=True)) if not args.quiet else (lambda _m: None)
    summary = jobs.run_pipeline(
        sources_file=args.sources, only=args.outlet or None, max_articles=args.max_articles,
        since=_parse_date(args.since) if args.since else None, dry_run=args.dry_run, progress=progress,
    )
    print(json.dumps(summary, indent=2, default=str))
    return 1 if summary["failed_outlets"] and not summary["outlets"] else 0


def _cmd_reprocess(args: argparse.Namespace) -> int:
    from newswatch import db, jobs

    db.migrate()
    progress = (lambda msg: print(f"  {msg}", file=sys.stderr, flush=True)) if not args.quiet else (lambda _m: None)
    summary = jobs.reprocess(
        outlet_id=args.outlet, since=_parse_date(args.since) if args.since else None,
        until=_parse_date(args.until) if args.until else None, sources_file=args.sources, progress=progress,
    )
    print(json.dumps(summary, indent=2, default=str))
    return 0


def _cmd_entities(args: argparse.Namespace) -> int:
    """Analysts' identity corrections: they are stored as overrides and win on every later run."""
    from newswatch import db, store

    with db.transaction() as conn:
        if args.entities_command == "merge":
            store.add_entity_override(conn, args.key, "merge", args.into, args.note)
        elif args.entities_command == "split":
            store.add_entity_override(conn, args.key, "split", None, args.note)
        counts = store.apply_entity_overrides(conn)
    print(json.dumps(counts))
    print("newswatch: the reporting views show this after their next refresh (the update_reporting DAG, "
          "or `newswatch reporting refresh`)", file=sys.stderr)
    return 0


def _cmd_reporting(args: argparse.Namespace) -> int:
    """The update_reporting DAG's work from the command line, or just its view refresh, or its log."""
    from newswatch import db, jobs, reporting

    if args.reporting_command == "update":
        print(json.dumps(jobs.update_reporting(jobs.new_run_id("reporting")), indent=2, default=str))
    elif args.reporting_command == "refresh":
        conn = db.connect()
        try:
            results = reporting.refresh(conn, run_id=jobs.new_run_id("refresh"), concurrently=not args.blocking)
        finally:
            conn.close()
        for r in results:
            print(f"{r.view:<45} {r.rows:>12,} rows {r.seconds:>8.2f} s{'  (concurrently)' if r.concurrently else ''}")
    elif args.reporting_command == "describe":
        with db.transaction() as conn:
            print(reporting.describe(conn))
    else:
        with db.transaction() as conn, conn.cursor() as cur:
            cur.execute("SELECT view_name, refreshed_at, row_count, seconds FROM reporting.freshness ORDER BY 1")
            rows = cur.fetchall()
        if not rows:
            print("the reporting views have never been refreshed")
        for view, at, count, seconds in rows:
            print(f"{view:<45} refreshed {at:%Y-%m-%d %H:%M:%S %Z}  {count:>12,} rows  {seconds:>8.2f} s")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from newswatch.demo import run_demo

    result = run_demo(fresh=not args.keep)
    print()
    print(result.summary)
    print()
    rows = ", ".join(f"{k.split('.')[1]}={v}" for k, v in result.counts.items())
    print(f"Loaded rows: {rows}")
    print(f"Demo finished in {result.seconds:.0f} s. Explore it: psql \"{result.dsn}\"  (schema reporting)")
    return 0


def _cmd_summary(_args: argparse.Namespace) -> int:
    import psycopg2.errors

    from newswatch import db, report

    with db.transaction() as conn:
        try:
            print(report.summary_text(conn))
        except psycopg2.errors.UndefinedTable:
            print("newswatch: this database has no newswatch schema yet; run `newswatch db migrate` "
                  "(or `newswatch demo`, which uses its own newswatch_demo database)", file=sys.stderr)
            return 2
    return 0


def _parse_day(value: str, flag: str) -> date:
    from newswatch.errors import PermanentError

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PermanentError(f"{flag}: expected a date as YYYY-MM-DD, got {value!r}") from None


def _cmd_compare(args: argparse.Namespace) -> int:
    """The period's comparison in the terminal, and the same as a self-contained HTML file."""
    import psycopg2.errors

    from newswatch import compare, db, settings

    since = _parse_day(args.since, "--since")
    until = _parse_day(args.until, "--until") if args.until else None
    with db.transaction() as conn:
        try:
            cmp = compare.build_comparison(conn, since=since, until=until, outlets=args.outlet, top=args.top)
        except psycopg2.errors.UndefinedTable:
            print("newswatch: this database has no reporting layer yet; run `newswatch db migrate`", file=sys.stderr)
            return 2
    name = f"compare_{since.isoformat()}_{until.isoformat() if until else 'now'}.html"
    target = Path(args.html) if args.html else settings.data_dir() / "reports" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(compare.render_html(cmp), encoding="utf-8")
    print(compare.render_text(cmp))
    print(f"HTML report: {target}")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from newswatch.extract import extract_article

    target: str = args.target
    if target.startswith(("http://", "https://")):
        from newswatch.http import Fetcher
        from newswatch.models import Outlet

        # An ad-hoc outlet: same guards as the pipeline (robots, private-address refusal).
        outlet = Outlet(id="adhoc", name="ad hoc", homepage=target)
        with Fetcher() as fetcher:
            page = fetcher.fetch(target, outlet, purpose="article")
        if not page.ok:
            print(json.dumps({"url": target, "outcome": page.outcome, "status": page.status, "error": page.error}))
            return 2
        article = extract_article(page.body, url=page.final_url, content_type=page.headers.get("content-type"))
    else:
        article = extract_article(Path(target).read_bytes(), url=args.url)
    if not args.raw:
        from newswatch.clean import clean_article

        article = clean_article(article)
    print(json.dumps(article.to_json(), indent=2, ensure_ascii=False))
    return 0


def _cmd_sources(args: argparse.Namespace) -> int:
    from newswatch import settings, sources

    path = Path(args.file) if args.file else settings.sources_file()
    outlets = sources.load_sources(path)
    print(f"{path}: {len(outlets)} outlets, {sum(len(o.feeds) for o in outlets)} feeds — valid")
    return 0


def _cmd_feeds(args: argparse.Namespace) -> int:
    """Propose feeds for a new outlet from its homepage and robots.txt."""
    from urllib.parse import urljoin

    import yaml

    from newswatch.feeds import autodiscover_feeds
    from newswatch.http import Fetcher
    from newswatch.models import Outlet
    from newswatch.urls import host_key

    outlet = Outlet(id="candidate", name="candidate", homepage=args.homepage,
                    allow_private_network=args.allow_private_network)
    with Fetcher() as fetcher:
        home = fetcher.fetch(args.homepage, outlet, purpose="homepage")
        robots = fetcher.fetch(urljoin(home.final_url or args.homepage, "/robots.txt"), outlet, purpose="robots")
    if not home.ok:
        print(f"newswatch: homepage {args.homepage}: {home.outcome} ({home.error or home.status})", file=sys.stderr)
        return 2
    robots_txt = robots.body.decode("utf-8", "replace") if robots.ok else None
    proposed = autodiscover_feeds(home.body, home.final_url, robots_txt)
    host = host_key(home.final_url)
    # A first guess at an id ("dw.com" -> "dw"); a bare IP address gives a placeholder.
    suggested = "new-outlet" if host.replace(".", "").isdigit() or ":" in host else host.split(".")[0]
    entry = {
        "id": suggested,
        "name": "TODO",
        "homepage": home.final_url,
        "country": "TODO",
        "language": "en",
        "feeds": [{"url": f.url, "kind": f.kind} for f in proposed],
    }
    print(f"# {len(proposed)} feed(s) proposed for {home.final_url}; review, then add to the sources file")
    print(yaml.safe_dump({"outlets": [entry]}, sort_keys=False, allow_unicode=True), end="")
    return 0 if proposed else 1


def _cmd_synth(args: argparse.Namespace) -> int:
    """Fill an empty database with a synthetic year of news (for benchmarks/reporting.py)."""
    from newswatch import db, synthetic

    db.ensure_database(args.dsn)
    progress = (lambda msg: print(f"  {msg}", file=sys.stderr, flush=True)) if not args.quiet else (lambda _m: None)
    counts = synthetic.generate(args.dsn, articles=args.articles, outlets=args.outlets, days=args.days,
                                seed=args.seed, progress=progress)
    print(json.dumps(counts, indent=2))
    return 0


def _cmd_metabase(args: argparse.Namespace) -> int:
    """Connect Metabase to the news database as newswatch_bi (compose's metabase-init service).

    Everything but the URL comes from the environment, as compose passes it: MB_ADMIN_EMAIL,
    MB_ADMIN_PASSWORD and NEWSWATCH_BI_PASSWORD are required; NEWS_DB_HOST, NEWS_DB_PORT and
    NEWS_DB_NAME default to the compose service (news-db:5432/news)."""
    import os

    from newswatch import metabase

    required = ("MB_ADMIN_EMAIL", "MB_ADMIN_PASSWORD", "NEWSWATCH_BI_PASSWORD")
    env = {name: os.environ.get(name, "") for name in required}
    missing = [name for name, value in env.items() if not value]
    if missing:
        print(f"newswatch: metabase connect needs {', '.join(missing)} in the environment "
              "(see .env.example)", file=sys.stderr)
        return 2
    host = os.environ.get("NEWS_DB_HOST") or "news-db"
    name = os.environ.get("NEWS_DB_NAME") or "news"
    port_text = os.environ.get("NEWS_DB_PORT") or "5432"
    if not port_text.isdigit():
        print(f"newswatch: NEWS_DB_PORT must be a port number, got {port_text!r}", file=sys.stderr)
        return 2
    print(f"waiting for Metabase at {args.url} (up to {args.timeout:.0f} s)", file=sys.stderr, flush=True)
    outcome = metabase.connect_metabase(
        args.url, admin_email=env["MB_ADMIN_EMAIL"], admin_password=env["MB_ADMIN_PASSWORD"],
        db_host=host, db_port=int(port_text), db_name=name, db_user=metabase.BI_ROLE,
        db_password=env["NEWSWATCH_BI_PASSWORD"], timeout_s=args.timeout,
    )
    print(f"metabase {args.url}: database newswatch ({metabase.BI_ROLE}@{host}:{port_text}/{name}, "
          f"schema {metabase.REPORTING_SCHEMA}) {outcome}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newswatch", description=__doc__)
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)

    p_db = sub.add_parser("db", help="database: migrate, url, stop")
    db_sub = p_db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("migrate", help="apply pending migrations and re-apply reporting views")
    p_url = db_sub.add_parser("url", help="print the resolved database URL")
    p_url.add_argument("--show-password", action="store_true")
    db_sub.add_parser("stop", help="stop the embedded PostgreSQL server")
    p_db.set_defaults(func=_cmd_db)

    p_run = sub.add_parser("run", help="run the whole pipeline once without Airflow")
    p_run.add_argument("--sources", help="sources file (default: NEWSWATCH_SOURCES_FILE or sources/outlets.yaml)")
    p_run.add_argument("--outlet", action="append", help="only this outlet id (repeatable)")
    p_run.add_argument("--max-articles", type=int, help="most article pages fetched per outlet")
    p_run.add_argument("--since", help="skip feed items published before this ISO date")
    p_run.add_argument("--dry-run", action="store_true", help="discover only; write nothing")
    p_run.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p_run.set_defaults(func=_cmd_run)

    p_re = sub.add_parser("reprocess", help="re-run extraction and everything downstream from the raw archive")
    p_re.add_argument("--outlet", help="only this outlet id")
    p_re.add_argument("--since", help="articles published on or after this ISO date")
    p_re.add_argument("--until", help="articles published before this ISO date")
    p_re.add_argument("--sources", help="sources file (for per-outlet extraction hints)")
    p_re.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p_re.set_defaults(func=_cmd_reprocess)

    p_ent = sub.add_parser("entities", help="correct entity identity (merges and splits that win on every run)")
    ent_sub = p_ent.add_subparsers(dest="entities_command", required=True)
    p_merge = ent_sub.add_parser("merge", help="the entity key KEY belongs to entity --into ID")
    p_merge.add_argument("key")
    p_merge.add_argument("--into", type=int, required=True, metavar="ENTITY_ID")
    p_merge.add_argument("--note")
    p_split = ent_sub.add_parser("split", help="the entity key KEY is an entity of its own, never merged")
    p_split.add_argument("key")
    p_split.add_argument("--note")
    ent_sub.add_parser("apply", help="re-apply all overrides to stored mentions and quotes")
    p_ent.set_defaults(func=_cmd_entities)

    p_rep = sub.add_parser("reporting", help="keep the reporting views current (what the update_reporting DAG does)")
    rep_sub = p_rep.add_subparsers(dest="reporting_command", required=True)
    rep_sub.add_parser("update", help="stories for new articles, then refresh the views, then the reporting checks")
    p_refresh = rep_sub.add_parser("refresh", help="refresh the materialised reporting views only")
    p_refresh.add_argument("--blocking", action="store_true",
                           help="plain REFRESH (faster; readers wait) instead of CONCURRENTLY")
    rep_sub.add_parser("status", help="when each view was last refreshed")
    rep_sub.add_parser("describe", help="the data dictionary of the reporting schema, as Markdown")
    p_rep.set_defaults(func=_cmd_reporting)

    p_demo = sub.add_parser("demo", help="run the ingest DAG through Airflow on the bundled demo outlets")
    p_demo.add_argument("--keep", action="store_true", help="keep the previous demo database instead of recreating it")
    p_demo.set_defaults(func=_cmd_demo)

    p_sum = sub.add_parser("summary", help="print the cross-outlet summary of the configured database")
    p_sum.set_defaults(func=_cmd_summary)

    p_cmp = sub.add_parser("compare", help="compare the outlets over a period: terminal report and an HTML file")
    p_cmp.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="first day of the period (UTC)")
    p_cmp.add_argument("--until", metavar="YYYY-MM-DD", help="day after the period (UTC); default: up to now")
    p_cmp.add_argument("--outlet", action="append", metavar="ID", help="only this outlet id (repeatable)")
    p_cmp.add_argument("--top", type=int, default=10, metavar="N", help="people listed per outlet (default 10)")
    p_cmp.add_argument("--html", metavar="PATH",
                       help="where to write the HTML report (default: <data dir>/reports/compare_<since>_<until>.html)")
    p_cmp.set_defaults(func=_cmd_compare)

    p_ex = sub.add_parser("extract", help="extract one page (file or URL) to JSON")
    p_ex.add_argument("target", metavar="PATH|URL")
    p_ex.add_argument("--url", help="page URL, when extracting a saved file")
    p_ex.add_argument("--raw", action="store_true", help="skip the cleaning step")
    p_ex.set_defaults(func=_cmd_extract)

    p_src = sub.add_parser("sources", help="validate a sources file")
    p_src.add_argument("file", nargs="?")
    p_src.set_defaults(func=_cmd_sources)
    p_feeds = sub.add_parser("feeds", help="feed autodiscovery for a new outlet")
    feeds_sub = p_feeds.add_subparsers(dest="feeds_command", required=True)
    p_disc = feeds_sub.add_parser("discover", help="propose feeds from a homepage and its robots.txt")
    p_disc.add_argument("homepage")
    p_disc.add_argument("--allow-private-network", action="store_true",
                        help="allow loopback/private addresses (testing against a local server only)")
    p_feeds.set_defaults(func=_cmd_feeds)

    # --dsn is required: never fill the configured news database with fiction by accident.
    p_syn = sub.add_parser("synth", help="fill an empty database with synthetic news at scale (benchmarks)")
    p_syn.add_argument("--dsn", required=True, help="target database (created if missing; must be empty)")
    p_syn.add_argument("--articles", type=int, default=1_000_000, help="articles (default 1,000,000)")
    p_syn.add_argument("--outlets", type=int, default=50, help="outlets (default 50)")
    p_syn.add_argument("--days", type=int, default=365, help="days from 2025-01-01 (default 365)")
    p_syn.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p_syn.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p_syn.set_defaults(func=_cmd_synth)

    p_mb = sub.add_parser("metabase", help="Metabase (docker compose --profile bi)")
    mb_sub = p_mb.add_subparsers(dest="metabase_command", required=True)
    p_mbc = mb_sub.add_parser(
        "connect", help="set Metabase up and connect it to the news database as newswatch_bi")
    p_mbc.add_argument("--url", default="http://metabase:3000",
                       help="Metabase base URL (default: the compose service)")
    p_mbc.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                       help="how long to wait for Metabase to become healthy (default 600)")
    p_mb.set_defaults(func=_cmd_metabase)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from newswatch.errors import NewswatchError

    try:
        return int(args.func(args))
    except NewswatchError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
