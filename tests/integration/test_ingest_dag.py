"""End to end through a real Airflow run: `airflow dags test ingest_articles` against the
bundled demo outlets served on loopback, loading into a real PostgreSQL — twice, to prove the
second run adds nothing. After each, the load step's Asset event must have queued
`update_reporting` in Airflow's own metadata, which then runs (as the scheduler would)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from newswatch import db, store
from newswatch.airflow_local import (
    DagTestResult,
    asset_events,
    prepare_airflow_home,
    queued_by_assets,
    run_dag_test,
)
from newswatch.demo_server import DemoServer, demo_corpus_dir, write_demo_sources

from tests.conftest import make_database

pytestmark = pytest.mark.integration

CORE_TABLES = ["core.outlets", "core.feeds", "core.articles", "core.entities", "core.mentions", "core.quotes",
               "core.stories", "core.story_articles", "core.discovered_urls", "core.entity_aliases"]


@dataclass
class TwoRuns:
    dsn: str
    first: DagTestResult
    second: DagTestResult
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    article_fetches_second_run: int
    env: dict[str, str]
    airflow_home: Path
    queued_after_first: list[str]
    reporting_runs: list[DagTestResult]


def _expected() -> dict:
    return json.loads((demo_corpus_dir() / "expected.json").read_text())


@pytest.fixture(scope="module")
def two_runs(pg_server_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    dsn = make_database(pg_server_dsn, "dag")
    db.migrate(dsn)
    tmp = tmp_path_factory.mktemp("dag")
    try:
        with DemoServer() as server:
            sources = write_demo_sources(server.base_url, tmp / "sources.yaml")
            env = {"NEWSWATCH_DB_URL": dsn, "NEWSWATCH_SOURCES_FILE": str(sources)}
            home = prepare_airflow_home(tmp / "airflow")  # DAGs created unpaused: Asset events queue runs
            first = run_dag_test("ingest_articles", env=env, airflow_home=home)
            queued = queued_by_assets(home)
            reporting = [run_dag_test("update_reporting", env=env, airflow_home=home)]
            with db.transaction(dsn) as conn:
                after_first = store.table_counts(conn)
            second = run_dag_test("ingest_articles", env=env, airflow_home=home)
            reporting.append(run_dag_test("update_reporting", env=env, airflow_home=home))
            with db.transaction(dsn) as conn, conn.cursor() as cur:
                after_second = store.table_counts(conn)
                cur.execute(
                    """SELECT count(*) FROM raw.fetches f WHERE purpose = 'article' AND outcome = 'ok'
                       AND run_id = (SELECT run_id FROM core.pipeline_runs ORDER BY started_at DESC LIMIT 1)"""
                )
                second_fetches = cur.fetchone()[0]
        yield TwoRuns(dsn, first, second, after_first, after_second, second_fetches, env, home, queued, reporting)
    finally:
        db.drop_database(dsn)


def _query(dsn: str, sql: str, args: tuple = ()) -> list[tuple]:
    with db.transaction(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def test_both_runs_succeed(two_runs: TwoRuns) -> None:
    assert two_runs.first.ok, two_runs.first.log_tail()
    assert two_runs.second.ok, two_runs.second.log_tail()


def test_articles_loaded_from_every_outlet(two_runs: TwoRuns) -> None:
    expected = _expected()
    articles = expected["articles"] if isinstance(expected, dict) and "articles" in expected else expected
    outlets = {a["outlet_id"] for a in articles}
    loaded = dict(_query(two_runs.dsn, "SELECT outlet_id, count(*) FROM core.articles GROUP BY outlet_id"))
    assert set(loaded) == outlets
    assert sum(loaded.values()) == len(articles)


def test_entities_and_quotes_with_speakers(two_runs: TwoRuns) -> None:
    counts = two_runs.counts_after_first
    assert counts["core.entities"] > 50
    assert counts["core.mentions"] > counts["core.entities"]
    assert counts["core.quotes"] > 50
    attributed = _query(two_runs.dsn, "SELECT count(*) FROM core.quotes WHERE speaker_entity_id IS NOT NULL")[0][0]
    assert attributed >= counts["core.quotes"] * 0.5


def test_expected_speakers_are_found(two_runs: TwoRuns) -> None:
    expected = _expected()
    articles = expected["articles"] if isinstance(expected, dict) and "articles" in expected else expected
    wanted = [(a["url_path"], q["speaker"], q["text_contains"]) for a in articles for q in a.get("quotes", [])]
    rows = _query(
        two_runs.dsn,
        """SELECT a.url, coalesce(q.speaker_name, ''), q.quote_text FROM core.quotes q
           JOIN core.articles a USING (article_id)""",
    )
    found = 0
    for path, speaker, fragment in wanted:
        surname = speaker.split()[-1].lower()
        if any(url.endswith(path) and fragment.lower() in text.lower() and surname in name.lower()
               for url, name, text in rows):
            found += 1
    # The bar for the walking skeleton; the quotes issue raises it with its own gold set.
    assert found >= 0.6 * len(wanted), f"{found}/{len(wanted)} expected quotes attributed"


def test_failures_are_recorded_as_data(two_runs: TwoRuns) -> None:
    outcomes = dict(_query(two_runs.dsn, "SELECT outcome, count(*) FROM raw.fetches GROUP BY outcome"))
    assert outcomes.get("http_4xx", 0) >= 1 and outcomes.get("http_5xx", 0) >= 1  # the demo 404 and 500
    errors = _query(two_runs.dsn, "SELECT stage, error_type FROM core.processing_errors")
    assert any(stage == "discover" for stage, _ in errors)  # the malformed feed


def test_second_run_adds_no_duplicates(two_runs: TwoRuns) -> None:
    for table in CORE_TABLES:
        assert two_runs.counts_after_second[table] == two_runs.counts_after_first[table], table
    assert two_runs.article_fetches_second_run == 0
    dupes = _query(two_runs.dsn, "SELECT canonical_url FROM core.articles GROUP BY 1 HAVING count(*) > 1")
    assert dupes == []


def test_stories_span_outlets(two_runs: TwoRuns) -> None:
    multi = _query(
        two_runs.dsn,
        "SELECT story_id FROM reporting.story_coverage WHERE covered GROUP BY story_id HAVING count(*) >= 3",
    )
    assert len(multi) >= 6


def test_run_counts_recorded(two_runs: TwoRuns) -> None:
    rows = _query(two_runs.dsn, "SELECT trigger, counts FROM core.pipeline_runs ORDER BY started_at")
    ingest = [counts for _, counts in rows if "load" in counts]
    reporting = [counts for _, counts in rows if "stories" in counts]
    assert len(ingest) == 2 and len(reporting) == 2
    assert ingest[0]["load"]["articles_inserted"] > 0
    assert ingest[1]["quality_ingest"]["failed_checks"] == 0
    assert reporting[0]["stories"]["articles_assigned"] == two_runs.counts_after_first["core.articles"]
    assert reporting[1]["stories"]["articles_assigned"] == 0  # nothing new: nothing re-clustered
    assert all(c["quality_reporting"]["failed_checks"] == 0 for c in reporting)


def test_load_emits_the_asset_that_schedules_update_reporting(two_runs: TwoRuns) -> None:
    assert two_runs.queued_after_first == ["update_reporting"]
    events = asset_events(two_runs.airflow_home)
    uri, source, extra = events[0]
    assert uri.startswith("postgres://") and uri.endswith("/core/articles")
    assert source == "ingest_articles" and extra["articles_inserted"] == two_runs.counts_after_first["core.articles"]
    assert all(r.ok for r in two_runs.reporting_runs), two_runs.reporting_runs[0].log_tail()


def test_every_article_has_a_story_and_a_reason(two_runs: TwoRuns) -> None:
    rows = _query(two_runs.dsn, """SELECT join_reason, count(*), bool_and(cardinality(linked_article_ids) > 0)
                                   FROM core.story_articles GROUP BY 1""")
    by_reason = {reason: (n, linked) for reason, n, linked in rows}
    assert sum(n for n, _ in by_reason.values()) == two_runs.counts_after_second["core.articles"]
    assert by_reason["founded"][0] == two_runs.counts_after_second["core.stories"]
    assert by_reason["similar"][1]  # every joiner names the members it matched
    missing = _query(two_runs.dsn, """SELECT count(*) FROM core.articles a
                                      WHERE NOT EXISTS (SELECT 1 FROM reporting.story_articles r
                                                        WHERE r.article_id = a.article_id)""")
    assert missing == [(0,)]


def test_reporting_views_were_refreshed_and_say_so(two_runs: TwoRuns) -> None:
    fresh = dict(_query(two_runs.dsn, "SELECT view_name, row_count FROM reporting.freshness"))
    assert fresh["reporting.story_coverage"] > 0
    assert fresh["reporting.articles_by_outlet_day"] > 0
    views = _query(two_runs.dsn, "SELECT count(*) FROM pg_matviews WHERE schemaname = 'reporting'")[0][0]
    assert len(fresh) == views


def test_log_mentions_no_page_bodies(two_runs: TwoRuns) -> None:
    text = Path(two_runs.first.log_path).read_text(errors="replace")
    assert "<html" not in text.lower()


def test_reprocess_dag_rebuilds_from_the_archive(two_runs: TwoRuns) -> None:
    """`reprocess_articles` re-extracts one outlet from raw.fetches: same rows, nothing fetched."""
    fetches_before = _query(two_runs.dsn, "SELECT count(*) FROM raw.fetches")[0][0]
    result = run_dag_test("reprocess_articles", conf={"outlet": "harbour-herald"}, env=two_runs.env,
                          airflow_home=two_runs.airflow_home)
    assert result.ok, result.log_tail()
    with db.transaction(two_runs.dsn) as conn:
        after = store.table_counts(conn)
    for table in CORE_TABLES:
        assert after[table] == two_runs.counts_after_second[table], table
    assert _query(two_runs.dsn, "SELECT count(*) FROM raw.fetches")[0][0] == fetches_before
    runs = _query(two_runs.dsn, "SELECT counts FROM core.pipeline_runs WHERE run_id LIKE %s", ("manual__%",))
    queued = [c["reprocess"]["queued"] for (c,) in runs if "reprocess" in c]
    assert queued and queued[-1] == 9  # the Harbour Herald's articles
    events = asset_events(two_runs.airflow_home)
    assert events[-1][1] == "reprocess_articles"  # reloading emits the Asset too
    assert events[-1][2]["articles_updated"] == 9
    # What the scheduler starts next: reloaded quotes are grouped again, nothing re-clustered.
    after = run_dag_test("update_reporting", env=two_runs.env, airflow_home=two_runs.airflow_home)
    assert after.ok, after.log_tail()
    assert _query(two_runs.dsn, "SELECT count(*) FROM core.quotes WHERE quote_group IS NULL AND kind <> 'indirect'") == [(0,)]
    assert _query(two_runs.dsn, "SELECT count(*) FROM core.article_versions")[0][0] == 0  # not an edit


def test_shared_quotes_view_finds_quotes_carried_by_several_outlets(two_runs: TwoRuns) -> None:
    rows = _query(two_runs.dsn, "SELECT outlets_carrying, carried_by, omitted_by FROM reporting.shared_quotes")
    assert rows, "the demo corpus carries 16 quotes in several outlets"
    for carrying, carried_by, omitted_by in rows:
        assert carrying == len(carried_by) >= 2
        assert not set(carried_by) & set(omitted_by)


def test_quotes_carried_by_several_outlets_are_grouped(two_runs: TwoRuns) -> None:
    """The demo corpus annotates 16 quotes that several outlets carry, some truncated or re-worded."""
    shared: dict[str, list[tuple[str, str]]] = {}
    for article in _expected()["articles"]:
        for q in article.get("quotes", []):
            if q.get("shared_id"):
                shared.setdefault(q["shared_id"], []).append((article["outlet_id"], q["text_contains"].lower()))
    rows = _query(two_runs.dsn, """SELECT a.outlet_id, lower(q.quote_text), q.quote_group FROM core.quotes q
                                   JOIN core.articles a USING (article_id)""")
    grouped = 0
    for copies in shared.values():
        groups = {next((g for o, t, g in rows if o == outlet and fragment in t), None) for outlet, fragment in copies}
        grouped += len(groups) == 1 and None not in groups
    assert len(shared) == 16
    assert grouped >= 8, f"{grouped}/16 shared quotes grouped"


def test_dry_run_loads_nothing_and_emits_no_asset_event(two_runs: TwoRuns) -> None:
    events_before = len(asset_events(two_runs.airflow_home))
    with db.transaction(two_runs.dsn) as conn:
        before = store.table_counts(conn)
    result = run_dag_test("ingest_articles", conf={"outlets": ["harbour-herald"], "dry_run": True},
                          env=two_runs.env, airflow_home=two_runs.airflow_home)
    assert result.ok, result.log_tail()
    assert len(asset_events(two_runs.airflow_home)) == events_before  # load_staged skipped
    with db.transaction(two_runs.dsn) as conn:
        assert store.table_counts(conn) == before


def test_stories_match_the_demo_corpus_events(two_runs: TwoRuns) -> None:
    """Held-out check of story grouping through the whole pipeline (real NER, real extraction):
    the demo corpus labels 31 of its 46 articles with 8 events, none of it used for tuning.
    Measured when written: pairwise P=0.896 R=0.915 (one event split in two, two pairs merged)."""
    from urllib.parse import urlsplit

    from newswatch.stories import pairwise_scores

    gold_by_path = {a["url_path"]: a["event_id"] or f"single:{i}" for i, a in enumerate(_expected()["articles"])}
    predicted: dict[int, str] = {}
    gold: dict[int, str] = {}
    rows = _query(two_runs.dsn, """SELECT a.article_id, a.url, a.canonical_url, sa.story_id
                                   FROM core.articles a JOIN core.story_articles sa USING (article_id)""")
    for article_id, url, canonical, story_id in rows:
        path = urlsplit(url).path if urlsplit(url).path in gold_by_path else urlsplit(canonical).path
        predicted[article_id], gold[article_id] = str(story_id), gold_by_path[path]
    precision, recall, _ = pairwise_scores(predicted, gold)
    assert len(predicted) == 46
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)
