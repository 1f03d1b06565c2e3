"""Run a DAG of this project through a real, throw-away Airflow: SQLite metadata in a temporary
AIRFLOW_HOME, `airflow db migrate`, then `airflow dags test` (the whole DAG, in one process, no
scheduler). Used by `newswatch demo` and the integration tests.

Asset scheduling is real too: these throw-away homes create DAGs unpaused, and `dags test`
serialises the whole DAG folder before it runs, so when a tested DAG's task emits an Asset event
Airflow itself queues the consumers (`asset_dag_run_queue`); `queued_by_assets` reads that queue,
and the caller runs what a scheduler would have started (Airflow queues runs only for unpaused
consumers).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_FINISHED = re.compile(r"DagRun Finished: dag_id=(\S+?),.*?state=(\w+)")


def project_dir() -> Path:
    return Path(__file__).resolve().parents[2]


def dags_dir() -> Path:
    return project_dir() / "dags"


def _airflow_bin() -> str:
    candidate = Path(sys.executable).parent / "airflow"
    return str(candidate) if candidate.exists() else "airflow"


@dataclass(frozen=True)
class DagTestResult:
    dag_id: str
    state: str  # success | failed | unknown
    returncode: int
    log_path: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.state == "success"

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def airflow_env(airflow_home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_dir()),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "false",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "PYTHONWARNINGS": "ignore",
            # Throw-away homes: DAGs start unpaused, so Asset events queue their consumers.
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
            # Throw-away runs: a failing task fails now instead of after minutes of retry backoff.
            "NEWSWATCH_TASK_RETRIES": os.environ.get("NEWSWATCH_TASK_RETRIES", "0"),
        }
    )
    env.update(extra or {})
    return env


def prepare_airflow_home(airflow_home: Path | None = None) -> Path:
    """Create (or reuse) an AIRFLOW_HOME with a migrated SQLite metadata database."""
    home = airflow_home or Path(tempfile.mkdtemp(prefix="newswatch-airflow-"))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "airflow.db").exists():
        out = subprocess.run(
            [_airflow_bin(), "db", "migrate"], env=airflow_env(home), capture_output=True, text=True, timeout=600
        )
        if out.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return home


def run_dag_test(
    dag_id: str,
    *,
    conf: dict | None = None,
    env: dict[str, str] | None = None,
    airflow_home: Path | None = None,
    timeout_s: int = 1800,
) -> DagTestResult:
    """`airflow dags test DAG_ID` with the given run conf and extra environment."""
    home = prepare_airflow_home(airflow_home)
    log_path = home / f"dags-test-{dag_id}-{os.getpid()}-{len(list(home.glob('dags-test-*')))}.log"
    cmd = [_airflow_bin(), "dags", "test", dag_id]
    if conf:
        cmd += ["--conf", json.dumps(conf)]
    with log_path.open("w") as fh:
        proc = subprocess.run(
            cmd, env=airflow_env(home, env), stdout=fh, stderr=subprocess.STDOUT, timeout=timeout_s, check=False
        )
    text = log_path.read_text(errors="replace")
    states = [m.group(2) for m in _FINISHED.finditer(text) if m.group(1) == dag_id]
    return DagTestResult(dag_id, states[-1] if states else "unknown", proc.returncode, log_path)


def queued_by_assets(airflow_home: Path) -> list[str]:
    """DAG ids Airflow has queued because an Asset they are scheduled on received an event."""
    with sqlite3.connect(airflow_home / "airflow.db") as conn:
        rows = conn.execute("SELECT DISTINCT target_dag_id FROM asset_dag_run_queue ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def asset_events(airflow_home: Path) -> list[tuple[str, str, dict]]:
    """(asset uri, source DAG id, extra) of every Asset event Airflow recorded, oldest first."""
    with sqlite3.connect(airflow_home / "airflow.db") as conn:
        rows = conn.execute(
            """SELECT a.uri, e.source_dag_id, e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id
               ORDER BY e.id"""
        ).fetchall()
    return [(uri, dag_id, json.loads(extra or "{}")) for uri, dag_id, extra in rows]
