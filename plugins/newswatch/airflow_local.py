"""Run a DAG of this project through a real, throw-away Airflow: SQLite metadata in a temporary
AIRFLOW_HOME, `airflow db migrate`, then `airflow dags test` (the whole DAG, in one process, no
scheduler). Used by `newswatch demo` and the integration tests.
"""

from __future__ import annotations

import json
import logging
import os
import re
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
