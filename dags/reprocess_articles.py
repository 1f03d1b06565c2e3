"""
### reprocess_articles

Manual only. Re-runs extraction, cleaning, entities, quotes and loading for stored articles — from the raw archive, without fetching anything — after an extractor or
model upgrade, or to apply new per-outlet hints.

Params: `outlet` (an outlet id, or null for all), `since` / `until` (publication dates, ISO;
null = open-ended). Articles whose re-fetched text changed keep their earlier versions in
`core.article_versions`; re-processing the same fetch is not an edit and keeps none.
`load_staged` emits the `core.articles` Asset, so **update_reporting** refreshes stories and
the reporting views afterwards.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, task

# The one newswatch module DAG files import at parse time: standard library only.
from newswatch.dagdefs import DEFAULT_ARGS, articles_asset_uri

ARTICLES = Asset(articles_asset_uri())


def _date(value: str | None) -> pendulum.DateTime | None:
    return pendulum.parse(value) if value else None


@dag(
    dag_id="reprocess_articles",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newswatch", "reprocess"],
    doc_md=__doc__,
    params={
        "outlet": Param(None, type=["null", "string"], pattern="^[a-z0-9-]+$",
                        description="Outlet id to re-process; null for every outlet."),
        "since": Param(None, type=["null", "string"], format="date",
                       description="Articles published on or after this date (YYYY-MM-DD)."),
        "until": Param(None, type=["null", "string"], format="date",
                       description="Articles published before this date (YYYY-MM-DD)."),
    },
)
def reprocess_articles() -> None:
    @task
    def select_articles(**context: Any) -> int:
        from newswatch import jobs

        p = context["params"]
        return jobs.mark_for_reprocessing(context["run_id"], outlet_id=p["outlet"], since=_date(p["since"]),
                                          until=_date(p["until"]), params=p)

    @task
    def plan_batches(**context: Any) -> list[list[int]]:
        from newswatch import jobs

        return jobs.plan_batches(context["run_id"])

    @task(max_active_tis_per_dag=2)
    def process_batch(fetch_ids: list[int], **context: Any) -> dict[str, int]:
        from newswatch import jobs

        return jobs.process_batch(fetch_ids, context["run_id"])

    @task(trigger_rule="all_done", outlets=[ARTICLES])
    def load_staged(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        counts = jobs.load_staged(context["run_id"])
        context["outlet_events"][ARTICLES].extra = {"run_id": context["run_id"], **counts}
        return counts

    @task(trigger_rule="none_failed")
    def check_quality(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        return jobs.check_quality(context["run_id"])

    batches = plan_batches()
    select_articles() >> batches
    loaded = load_staged()
    process_batch.expand(fetch_ids=batches) >> loaded
    loaded >> check_quality()


reprocess_articles()
