"""DAG integrity: the files import, and ingest_articles has the schedule, retries, params and
task graph the runbook promises. (Runs in-process; no metadata database needed.)"""

from __future__ import annotations

from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert "ingest_articles" in dagbag.dags


def test_every_dag_id_matches_its_file(dagbag) -> None:
    for dag_id, dag in dagbag.dags.items():
        assert Path(dag.fileloc).stem == dag_id
        assert dag.doc_md, f"{dag_id} has no doc_md"
        assert dag.tags, f"{dag_id} has no tags"


def test_ingest_schedule_and_retries(dagbag) -> None:
    dag = dagbag.dags["ingest_articles"]
    assert dag.timetable.expression == "0 2 * * *"
    assert str(dag.timetable.timezone) in ("UTC", "Timezone('UTC')")
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert {"newswatch", "ingest"} <= set(dag.tags)
    for task in dag.tasks:
        assert task.retries == 2
        assert task.retry_exponential_backoff
        assert task.retry_delay.total_seconds() > 0


def test_ingest_task_graph(dagbag) -> None:
    dag = dagbag.dags["ingest_articles"]
    ids = {t.task_id for t in dag.tasks}
    assert ids == {"list_outlets", "discover_and_fetch", "plan_batches", "process_batch", "load_staged",
                   "refresh_reporting", "check_quality"}
    assert "discover_and_fetch" in dag.get_task("list_outlets").downstream_task_ids
    assert "plan_batches" in dag.get_task("discover_and_fetch").downstream_task_ids
    # One outlet's failure must not stop processing of the others.
    assert dag.get_task("plan_batches").trigger_rule == "all_done"
    assert dag.get_task("load_staged").trigger_rule == "all_done"
    assert dag.get_task("check_quality").upstream_task_ids == {"refresh_reporting"}


def test_ingest_params_are_validated(dagbag) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    dag = dagbag.dags["ingest_articles"]
    assert dag.params.validate() == {
        "outlets": [], "max_articles_per_outlet": 200, "since": None, "dry_run": False,
    }
    good = {"outlets": ["dw-english"], "since": "2026-03-01", "max_articles_per_outlet": 5, "dry_run": True}
    for name, value in good.items():
        assert dag.params.get_param(name).resolve(value) == value
    bad = [("max_articles_per_outlet", 0), ("outlets", ["Not An Id"]), ("dry_run", "yes"), ("since", "soon")]
    for name, value in bad:
        with pytest.raises(ParamValidationError):
            dag.params.get_param(name).resolve(value)


def test_dag_files_do_no_work_at_import() -> None:
    source = (DAGS / "ingest_articles.py").read_text()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all("newswatch" not in line for line in top_level), "import newswatch inside tasks only"


def test_reprocess_dag_is_manual_with_validated_params(dagbag) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    dag = dagbag.dags["reprocess_articles"]
    assert dag.timetable.__class__.__name__ == "NullTimetable"
    assert dag.params.validate() == {"outlet": None, "since": None, "until": None}
    assert dag.params.get_param("outlet").resolve("dw-english") == "dw-english"
    with pytest.raises(ParamValidationError):
        dag.params.get_param("since").resolve("last week")
    ids = {t.task_id for t in dag.tasks}
    assert {"select_articles", "plan_batches", "process_batch", "load_staged", "check_quality"} <= ids
