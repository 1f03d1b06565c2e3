"""`newswatch demo`: the main job end to end on embedded defaults.

1. find a PostgreSQL (NEWSWATCH_DB_URL, the Airflow connection, else the embedded server) and
   (re)create a separate `newswatch_demo` database on it, so the demo never mixes its fictional
   outlets with real data;
2. serve the bundled demo corpus from a loopback HTTP server;
3. run the real `ingest_articles` DAG through Airflow (`airflow dags test`, SQLite metadata in a
   temporary AIRFLOW_HOME, DAGs created unpaused) — Airflow queues `update_reporting` when the
   load step emits the `core.articles` Asset;
4. run `update_reporting` (what the scheduler would start from that queue): stories, then the
   materialised reporting views;
5. print the cross-outlet summary from the reporting views.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newswatch import db, report, store
from newswatch.airflow_local import prepare_airflow_home, queued_by_assets, run_dag_test
from newswatch.demo_server import DemoServer, write_demo_sources

log = logging.getLogger(__name__)

DEMO_DATABASE = "newswatch_demo"


@dataclass
class DemoResult:
    dsn: str
    dsn_source: str
    dag_state: str
    seconds: float
    counts: dict[str, int]
    summary: str
    log_path: Path


def run_demo(say: Callable[[str], None] = print, fresh: bool = True) -> DemoResult:
    started = time.monotonic()
    resolved = db.resolve_dsn()
    dsn = db.with_database(resolved.dsn, DEMO_DATABASE)
    say(f"• database: {db.redact(dsn)} (server from {resolved.source})")
    if fresh:
        db.drop_database(dsn)
    db.ensure_database(dsn)
    report_ = db.migrate(dsn)
    say(f"• schema: {len(report_.applied)} migrations applied, {len(report_.rebuilt)} reporting relations built")
    with tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp, DemoServer() as server:
        sources_path = write_demo_sources(server.base_url, Path(tmp) / "sources.yaml")
        say(f"• demo outlets served at {server.base_url}")
        env = {"NEWSWATCH_DB_URL": dsn, "NEWSWATCH_SOURCES_FILE": str(sources_path)}
        home = prepare_airflow_home(Path(tmp) / "airflow")
        log_copy = Path(tempfile.gettempdir()) / "newswatch-demo-airflow.log"
        say("• running DAG ingest_articles through Airflow (airflow dags test) ...")
        result = run_dag_test("ingest_articles", env=env, airflow_home=home)
        log_copy.write_text(result.log_path.read_text(errors="replace"))
        say(f"• DAG run state: {result.state} (Airflow log: {log_copy})")
        if not result.ok:
            raise RuntimeError(f"ingest_articles did not succeed (state={result.state}); see {log_copy}")
        queued = queued_by_assets(home)
        say(f"• Airflow queued by the core.articles Asset event: {', '.join(queued) or 'nothing'}")
        if "update_reporting" not in queued:
            raise RuntimeError("the load step's Asset event did not queue update_reporting")
        say("• running DAG update_reporting (stories, reporting views) ...")
        result = run_dag_test("update_reporting", env=env, airflow_home=home)
        with log_copy.open("a") as fh:
            fh.write(result.log_path.read_text(errors="replace"))
        say(f"• DAG run state: {result.state}")
        if not result.ok:
            raise RuntimeError(f"update_reporting did not succeed (state={result.state}); see {log_copy}")
    with db.transaction(dsn) as conn:
        counts = store.table_counts(conn)
        summary = report.summary_text(conn)
    return DemoResult(dsn, resolved.source, result.state, time.monotonic() - started, counts, summary, log_copy)
