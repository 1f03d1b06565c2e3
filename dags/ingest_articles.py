"""
### ingest_articles

Nightly (02:00 UTC) ingestion of every outlet in the sources file:

1. **list_outlets** – validate the sources file, sync outlets/feeds into `core`, pick the outlets to run;
2. **discover_and_fetch** – one mapped task per outlet: read its feeds and sitemaps, remember new
   URLs, fetch the pages not stored yet (politely, with the private-address guard and robots.txt),
   archive every attempt in `raw.fetches`; one outlet's failure never fails the others;
3. **plan_batches** – split the archived pages awaiting processing into batches of ids;
4. **process_batch** – one mapped task per batch: extract, clean, entities, quotes → `staging`;
5. **load_staged** – upsert into `core` by natural key, one transaction per batch;
6. **check_quality** – fail the run when a data invariant is broken.

`load_staged` emits the `core.articles` Asset (its event's extra carries the counts), which
schedules **update_reporting**: stories, then the materialised reporting views.

Manual triggers take params: `outlets` (ids; empty = all), `max_articles_per_outlet`, `since`
(ISO date: skip feed items published before it) and `dry_run` (discover only, write nothing).
XCom carries ids and counts only; payloads live in PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, task
from airflow.sdk.exceptions import AirflowSkipException

# The one newswatch module DAG files import at parse time: standard library only.
from newswatch.dagdefs import DEFAULT_ARGS, FETCH_POOL, articles_asset_uri

ARTICLES = Asset(articles_asset_uri())


def _since(params: dict) -> pendulum.DateTime | None:
    return pendulum.parse(params["since"]) if params.get("since") else None


@dag(
    dag_id="ingest_articles",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=6),
    tags=["newswatch", "ingest"],
    doc_md=__doc__,
    params={
        "outlets": Param([], type="array", items={"type": "string", "pattern": "^[a-z0-9-]+$"},
                         description="Outlet ids to run; empty means every outlet in the sources file."),
        "max_articles_per_outlet": Param(200, type="integer", minimum=1, maximum=5000,
                                         description="Most article pages fetched per outlet in this run."),
        "since": Param(None, type=["null", "string"], format="date",
                       description="Skip feed items published before this date (YYYY-MM-DD)."),
        "dry_run": Param(False, type="boolean", description="Discover only: fetch feeds, write nothing."),
    },
)
def ingest_articles() -> None:
    @task
    def list_outlets(**context: Any) -> list[str]:
        from newswatch import jobs

        params, run_id = context["params"], context["run_id"]
        return jobs.list_outlets(run_id, only=params["outlets"] or None, params=params, dry_run=params["dry_run"])

    # Fetch slots overall come from the Airflow pool (created by `airflow-init` in docker-compose);
    # what reaches each host is limited by newswatch.politeness across workers.
    @task(pool=FETCH_POOL, max_active_tis_per_dag=8)
    def discover_and_fetch(outlet_id: str, **context: Any) -> dict[str, int]:
        from newswatch import jobs

        params, run_id = context["params"], context["run_id"]
        return jobs.discover_and_fetch(outlet_id, run_id, max_articles=params["max_articles_per_outlet"],
                                       since=_since(params), dry_run=params["dry_run"])

    @task(trigger_rule="all_done")
    def plan_batches(**context: Any) -> list[list[int]]:
        from newswatch import jobs

        params, run_id = context["params"], context["run_id"]
        return [] if params["dry_run"] else jobs.plan_batches(run_id)

    @task(max_active_tis_per_dag=2)
    def process_batch(fetch_ids: list[int], **context: Any) -> dict[str, int]:
        from newswatch import jobs

        return jobs.process_batch(fetch_ids, context["run_id"])

    @task(trigger_rule="all_done", outlets=[ARTICLES])
    def load_staged(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        params, run_id = context["params"], context["run_id"]
        if params["dry_run"]:
            raise AirflowSkipException("dry run: nothing to load")  # a skipped task emits no Asset event
        counts = jobs.load_staged(run_id)
        context["outlet_events"][ARTICLES].extra = {"run_id": run_id, **counts}
        return counts

    @task(trigger_rule="none_failed")
    def check_quality(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        params, run_id = context["params"], context["run_id"]
        return {} if params["dry_run"] else jobs.check_quality(run_id)

    fetched = discover_and_fetch.expand(outlet_id=list_outlets())
    batches = plan_batches()
    fetched >> batches
    loaded = load_staged()
    process_batch.expand(fetch_ids=batches) >> loaded
    loaded >> check_quality()


ingest_articles()
