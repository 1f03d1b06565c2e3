"""DAG integrity: the files import, and ingest_articles has the schedule, retries, params and
task graph the runbook promises. (Runs in-process; no metadata database needed.)"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"


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
                   "check_quality"}
    assert "discover_and_fetch" in dag.get_task("list_outlets").downstream_task_ids
    assert "plan_batches" in dag.get_task("discover_and_fetch").downstream_task_ids
    # One outlet's failure must not stop processing of the others.
    assert dag.get_task("plan_batches").trigger_rule == "all_done"
    assert dag.get_task("load_staged").trigger_rule == "all_done"
    assert dag.get_task("check_quality").upstream_task_ids == {"load_staged"}


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


@pytest.mark.parametrize("dag_file", sorted(p.name for p in DAGS.glob("*.py")))
def test_dag_files_do_no_work_at_import(dag_file: str) -> None:
    source = (DAGS / dag_file).read_text()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    newswatch_imports = [line for line in top_level if "newswatch" in line]
    assert all(line.startswith("from newswatch.dagdefs import ") for line in newswatch_imports), (
        "import newswatch inside tasks only (newswatch.dagdefs, standard library only, is the exception)"
    )


def test_dagdefs_imports_only_the_standard_library() -> None:
    import ast
    import sys

    tree = ast.parse((REPO / "plugins" / "newswatch" / "dagdefs.py").read_text())
    modules = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    modules |= {node.module.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def _asset_uris(assets) -> set[str]:
    return {a.uri for a in assets}


def test_load_steps_emit_the_articles_asset_and_update_reporting_is_scheduled_on_it(dagbag) -> None:
    from urllib.parse import urlsplit

    consumer = dagbag.dags["update_reporting"]
    scheduled_on = _asset_uris(consumer.timetable.asset_condition.objects)
    assert len(scheduled_on) == 1
    (uri,) = scheduled_on
    parts = urlsplit(uri)
    assert parts.scheme == "postgres" and parts.port  # postgres://host:port/database/schema/table
    assert parts.path.split("/")[2:] == ["core", "articles"]
    for producer in ("ingest_articles", "reprocess_articles"):
        assert _asset_uris(dagbag.dags[producer].get_task("load_staged").outlets) == {uri}


def test_update_reporting_task_graph(dagbag) -> None:
    dag = dagbag.dags["update_reporting"]
    assert {t.task_id for t in dag.tasks} == {"update_stories", "refresh_reporting", "check_quality"}
    assert dag.get_task("refresh_reporting").upstream_task_ids == {"update_stories"}
    assert dag.get_task("check_quality").upstream_task_ids == {"refresh_reporting"}
    assert dag.max_active_runs == 1 and dag.catchup is False
    for task in dag.tasks:
        assert task.retries == 2


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
