"""
### update_reporting

Runs whenever articles have been loaded: scheduled on the `core.articles` Asset that the load
step of `ingest_articles` and `reprocess_articles` emits (several loads between two runs are
handled by one run; it only looks at what is new).

1. **update_stories** – apply analysts' entity corrections, place every article not in a story
   yet (incrementally: new articles join existing stories or found new ones; nothing already
   clustered moves), record why each joined, flag syndicated copies, group shared quotes;
2. **refresh_reporting** – refresh every materialised view of the `reporting` schema (without
   blocking BI readers), logged in `reporting.freshness`;
3. **check_quality** – fail the run when a story or reporting invariant is broken.

Can also be triggered by hand, e.g. after `newswatch entities merge` to re-apply corrections.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, task

# The one newswatch module DAG files import at parse time: standard library only.
from newswatch.dagdefs import DEFAULT_ARGS, articles_asset_uri

ARTICLES = Asset(articles_asset_uri())


@dag(
    dag_id="update_reporting",
    schedule=[ARTICLES],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=3),
    tags=["newswatch", "reporting"],
    doc_md=__doc__,
)
def update_reporting() -> None:
    @task
    def update_stories(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        return jobs.update_stories(context["run_id"])

    @task
    def refresh_reporting(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        return jobs.refresh_reporting(context["run_id"])

    @task
    def check_quality(**context: Any) -> dict[str, int]:
        from newswatch import jobs

        return jobs.check_quality(context["run_id"], scope="reporting")

    update_stories() >> refresh_reporting() >> check_quality()


update_reporting()
