"""newswatch.synthetic at small scale: the generated data keeps the pipeline's invariants, one seed
gives one database, and benchmarks/reporting.py's question set runs on it (correctness only: no
assertion here is about wall-clock time)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import psycopg2
import pytest
from newswatch import db, store, synthetic
from newswatch.errors import ConfigError
from newswatch.quotes import quote_key

pytestmark = pytest.mark.integration

SMALL = {"articles": 3000, "outlets": 6, "days": 60}
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "reporting.py"


def _benchmark_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_reporting", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _one(cur: psycopg2.extensions.cursor, query: str, args: tuple = ()) -> object:
    cur.execute(query, args)
    return cur.fetchone()[0]


def _digest(dsn: str) -> dict[str, str]:
    """md5 of the generated rows that matter, per table (ids included: they are generated too)."""
    queries = {
        "outlets": "SELECT md5(string_agg(concat_ws('|', outlet_id, name, country, config::text), ',' ORDER BY outlet_id)) FROM core.outlets",
        "fetches": "SELECT md5(string_agg(concat_ws('|', fetch_id, outlet_id, purpose, url, outcome, status, elapsed_ms, fetched_at), ',' ORDER BY fetch_id)) FROM raw.fetches",
        "articles": "SELECT md5(string_agg(concat_ws('|', article_id, outlet_id, fetch_id, title, published_at, body_hash, authors::text), ',' ORDER BY article_id)) FROM core.articles",
        "entities": "SELECT md5(string_agg(concat_ws('|', entity_id, entity_key, canonical_name, first_seen_at), ',' ORDER BY entity_id)) FROM core.entities",
        "mentions": "SELECT md5(string_agg(concat_ws('|', mention_id, article_id, entity_id, start_offset, surface, role), ',' ORDER BY mention_id)) FROM core.mentions",
        "quotes": "SELECT md5(string_agg(concat_ws('|', quote_id, article_id, quote_text, kind, speaker_entity_id, quote_group), ',' ORDER BY quote_id)) FROM core.quotes",
        "stories": "SELECT md5(string_agg(concat_ws('|', story_id, title, first_published_at, last_published_at), ',' ORDER BY story_id)) FROM core.stories",
        "story_articles": "SELECT md5(string_agg(concat_ws('|', article_id, story_id, score, shared_entities::text, duplicate_of_article_id), ',' ORDER BY article_id)) FROM core.story_articles",
    }
    with db.transaction(dsn) as conn, conn.cursor() as cur:
        return {name: str(_one(cur, q)) for name, q in queries.items()}


def test_synthetic_data_keeps_the_pipelines_invariants_and_feeds_every_reporting_query(fresh_db: str) -> None:
    counts = synthetic.generate(fresh_db, **SMALL)
    assert counts["core.articles"] == 3000
    assert counts["core.outlets"] == 6

    with db.transaction(fresh_db) as conn, conn.cursor() as cur:
        # The returned counts are the rows in the tables.
        for table in ("core.articles", "core.mentions", "core.quotes", "core.stories", "core.story_articles",
                      "raw.fetches", "core.entities", "core.entity_aliases"):
            assert _one(cur, f"SELECT count(*) FROM {table}") == counts[table], table

        # Every article has an outlet, a successful fetch of its own outlet, a story, and a date in range.
        assert _one(cur, """SELECT count(*) FROM core.articles a LEFT JOIN raw.fetches f USING (fetch_id)
                            WHERE f.outcome IS DISTINCT FROM 'ok' OR f.purpose <> 'article'
                               OR f.outlet_id <> a.outlet_id""") == 0
        assert _one(cur, """SELECT count(*) FROM core.articles a WHERE NOT EXISTS
                            (SELECT 1 FROM core.story_articles s WHERE s.article_id = a.article_id)""") == 0
        lo, hi = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC)
        cur.execute("SELECT min(published_at), max(published_at) FROM core.articles")
        first, last = cur.fetchone()
        assert lo <= first and last < hi
        assert _one(cur, "SELECT count(DISTINCT outlet_id) FROM core.articles") == 6

        # Every foreign key holds (the load runs with FK triggers off when it may).
        assert synthetic.check_foreign_keys(conn) == {}
        # The pipeline's own quality checks hold: offsets index the body, speakers point at a span.
        for name, query in store.QUALITY_CHECKS.items():
            if "%(run_id)s" not in query:
                cur.execute(query)
                assert cur.fetchall() == [], name
        # quote_key is what the pipeline computes for the text.
        cur.execute("SELECT quote_text, quote_key FROM core.quotes")
        mismatched = [(t, k) for t, k in cur.fetchall() if quote_key(t) != k]
        assert mismatched == []

        # Shape: 10-20 mentions and 3-5 quotes per article on average / each, Zipf-ish outlet sizes.
        per_article = _one(cur, "SELECT count(*)::float / (SELECT count(*) FROM core.articles) FROM core.mentions")
        assert 10 <= per_article <= 20
        cur.execute("SELECT min(n), max(n) FROM (SELECT count(*) n FROM core.quotes GROUP BY article_id) x")
        assert cur.fetchone() == (3, 5)
        assert _one(cur, "SELECT count(*) FROM core.articles a WHERE NOT EXISTS "
                         "(SELECT 1 FROM core.quotes q WHERE q.article_id = a.article_id)") == 0
        cur.execute("SELECT count(*) FROM core.articles GROUP BY outlet_id ORDER BY 1 DESC")
        sizes = [r[0] for r in cur.fetchall()]
        assert sizes[0] > 3 * sizes[-1]
        cur.execute("SELECT kind, count(*) FROM core.quotes GROUP BY kind")
        assert set(dict(cur.fetchall())) == {"direct", "indirect", "mixed"}
        assert _one(cur, "SELECT count(*) FROM core.quotes WHERE speaker_entity_id IS NULL") > 0
        assert _one(cur, """SELECT count(*) FROM core.quotes q JOIN core.entities e ON e.entity_id = q.speaker_entity_id
                            WHERE e.entity_type NOT IN ('PERSON', 'ORG')""") == 0
        cur.execute("SELECT entity_type FROM core.entities GROUP BY 1 HAVING count(*) >= 10")
        assert {"PERSON", "ORG", "GPE"} <= {r[0] for r in cur.fetchall()}

        # Name variants: entities with several spellings, and outlets preferring different ones.
        assert _one(cur, "SELECT count(*) FROM (SELECT entity_id FROM core.entity_aliases GROUP BY 1 HAVING count(*) > 1) x") >= 10
        assert _one(cur, """
            WITH pref AS (
                SELECT DISTINCT ON (m.entity_id, a.outlet_id) m.entity_id, a.outlet_id, m.resolved_name
                FROM core.mentions m JOIN core.articles a USING (article_id)
                GROUP BY m.entity_id, a.outlet_id, m.resolved_name
                ORDER BY m.entity_id, a.outlet_id, count(*) DESC, m.resolved_name)
            SELECT count(*) FROM (SELECT entity_id FROM pref GROUP BY 1 HAVING count(DISTINCT resolved_name) > 1) x""") > 0
        assert _one(cur, "SELECT count(*) FROM core.entity_keys WHERE method = 'fuzzy'") > 0

        # Stories: most articles in multi-outlet stories, some singletons, founders first.
        cur.execute("""SELECT sum(n) FILTER (WHERE outlets > 1)::float / sum(n), count(*) FILTER (WHERE n = 1)
                       FROM (SELECT story_id, count(*) n, count(DISTINCT a.outlet_id) outlets
                             FROM core.story_articles JOIN core.articles a USING (article_id) GROUP BY 1) x""")
        multi_share, singletons = cur.fetchone()
        assert multi_share > 0.5 and singletons > 0
        assert _one(cur, """SELECT count(*) FROM core.stories s WHERE s.first_published_at <> (
                                SELECT min(a.published_at) FROM core.story_articles sa JOIN core.articles a USING (article_id)
                                WHERE sa.story_id = s.story_id)
                            OR s.title <> (SELECT a.title FROM core.story_articles sa JOIN core.articles a USING (article_id)
                                           WHERE sa.story_id = s.story_id ORDER BY a.published_at, a.article_id LIMIT 1)""") == 0
        # Syndicated copies: of an earlier article of another outlet in the same story.
        assert _one(cur, "SELECT count(*) FROM core.story_articles WHERE is_near_duplicate") > 0
        assert _one(cur, """SELECT count(*) FROM core.story_articles sa
                            JOIN core.articles a USING (article_id)
                            JOIN core.articles o ON o.article_id = sa.duplicate_of_article_id
                            JOIN core.story_articles so ON so.article_id = o.article_id
                            WHERE sa.is_near_duplicate AND (so.story_id <> sa.story_id OR o.outlet_id = a.outlet_id
                                                           OR o.published_at >= a.published_at)""") == 0
        assert _one(cur, "SELECT count(*) FROM core.story_articles WHERE is_near_duplicate <> (duplicate_of_article_id IS NOT NULL)") == 0
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'core' AND table_name = 'story_articles'")
        if "join_reason" in {r[0] for r in cur.fetchall()}:
            assert _one(cur, "SELECT count(*) FROM core.story_articles WHERE join_reason = 'founded'") == counts["core.stories"]
            assert _one(cur, "SELECT count(*) FROM core.story_articles WHERE (join_reason = 'near_duplicate') <> is_near_duplicate") == 0
        # Shared quotes: the same quote group carried by two or more outlets in a story.
        assert _one(cur, """SELECT count(*) FROM (
                                SELECT q.quote_group, sa.story_id FROM core.quotes q
                                JOIN core.story_articles sa USING (article_id) JOIN core.articles a USING (article_id)
                                WHERE q.quote_group IS NOT NULL GROUP BY 1, 2 HAVING count(DISTINCT a.outlet_id) >= 2) x""") > 20
        assert _one(cur, "SELECT count(*) FROM core.quotes WHERE (quote_group IS NULL) <> (kind = 'indirect')") == 0

        # Fetch log: failures, 304s and timeouts are rows too.
        cur.execute("SELECT DISTINCT outcome FROM raw.fetches")
        assert {"ok", "not_modified", "timeout", "http_5xx", "http_4xx"} <= {r[0] for r in cur.fetchall()}
        assert _one(cur, "SELECT count(DISTINCT purpose) FROM raw.fetches") == 3

        # Sequences were moved past the explicit ids.
        assert _one(cur, "SELECT nextval(pg_get_serial_sequence('core.articles', 'article_id'))") > 3000

    # The benchmark's question set runs on it and the plain peers give the same answers.
    bench = _benchmark_module()
    conn = db.connect(fresh_db)
    try:
        refreshed = bench.refresh_reporting(conn)
        outlet, month = bench.choose_outlet_and_month(conn, 7)
        results = bench.run_queries(conn, outlet, month, runs=1, plain=True, timeout_s=60)
        relations = bench.relations(conn)
    finally:
        conn.close()
    materialised = {r.name for r in relations if r.kind == "m"}
    assert {name for name, _s, _rows in refreshed} == materialised
    assert {r["relation"] for r in results} == {r.name for r in relations}
    assert outlet.startswith("synth-")
    for r in results:
        ours, peer = r["ours"], r["peer"]
        assert ours.median_ms is not None, r["relation"]
        if r["relation"] in bench.QUERIES:
            assert r["written"], f"{r['relation']}: the written question no longer matches its columns"
        if r["relation"] in materialised:
            assert peer is not None and peer.median_ms is not None, r["relation"]
            assert peer.rows == ours.rows, r["relation"]
    by_name = {r["relation"]: r for r in results}
    for name in ("articles_by_outlet_day", "entity_mentions_by_outlet_day", "story_coverage", "story_articles",
                 "name_variants_by_outlet_month", "quotes_by_speaker_outlet"):
        if name in by_name:
            assert by_name[name]["ours"].rows > 0, name


def test_one_seed_gives_one_database(fresh_db: str, pg_server_dsn: str) -> None:
    from tests.conftest import make_database

    small = {"articles": 400, "outlets": 4, "days": 20}
    synthetic.generate(fresh_db, **small)
    same = make_database(pg_server_dsn, "synth")
    other = make_database(pg_server_dsn, "synth")
    try:
        synthetic.generate(same, **small)
        synthetic.generate(other, seed=8, **small)
        assert _digest(same) == _digest(fresh_db)
        differs = _digest(other)
        assert differs["articles"] != _digest(fresh_db)["articles"]
    finally:
        db.drop_database(same)
        db.drop_database(other)


def test_refuses_a_database_that_has_data(fresh_db: str) -> None:
    synthetic.generate(fresh_db, articles=50, outlets=2, days=3)
    with pytest.raises(ConfigError, match="already has data"):
        synthetic.generate(fresh_db, articles=50, outlets=2, days=3)
