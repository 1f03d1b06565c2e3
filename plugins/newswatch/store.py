"""Every SQL statement the pipeline runs. Callers own the transaction (`db.transaction()`):
one batch, one transaction. All statements are parameterised.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import psycopg2.extensions
from psycopg2.extras import Json, execute_values

from newswatch.models import FeedItem, Outlet, ProcessedArticle, RawPage
from newswatch.pipeline import FetchedPage, PageFailure

log = logging.getLogger(__name__)

Conn = psycopg2.extensions.connection

# A URL whose fetch failed is retried on later runs, up to this many attempts in all.
MAX_FETCH_ATTEMPTS = 3


# --------------------------------------------------------------------------- outlets and runs


def sync_outlets(conn: Conn, outlets: Sequence[Outlet]) -> int:
    """Upsert outlets and feeds from the sources file; feeds no longer listed become inactive."""
    with conn.cursor() as cur:
        for o in outlets:
            config = {
                "min_delay_s": o.min_delay_s,
                "max_concurrency": o.max_concurrency,
                "hints": asdict(o.hints) if o.hints else None,
            }
            cur.execute(
                """INSERT INTO core.outlets (outlet_id, name, homepage, country, language,
                                             allow_private_network, robots_override_reason, config)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (outlet_id) DO UPDATE SET
                     name = EXCLUDED.name, homepage = EXCLUDED.homepage, country = EXCLUDED.country,
                     language = EXCLUDED.language, allow_private_network = EXCLUDED.allow_private_network,
                     robots_override_reason = EXCLUDED.robots_override_reason, config = EXCLUDED.config,
                     synced_at = now()""",
                (o.id, o.name, o.homepage, o.country, o.language, o.allow_private_network,
                 o.robots_override_reason, Json(config)),
            )
            for feed in o.feeds:
                cur.execute(
                    """INSERT INTO core.feeds (outlet_id, url, kind) VALUES (%s, %s, %s)
                       ON CONFLICT (url) DO UPDATE SET outlet_id = EXCLUDED.outlet_id, kind = EXCLUDED.kind,
                         active = true, synced_at = now()""",
                    (o.id, feed.url, feed.kind),
                )
            cur.execute(
                "UPDATE core.feeds SET active = false WHERE outlet_id = %s AND NOT (url = ANY(%s))",
                (o.id, [f.url for f in o.feeds]),
            )
    return len(outlets)


def start_run(conn: Conn, run_id: str, trigger: str, params: dict[str, Any]) -> None:
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO core.pipeline_runs (run_id, trigger, params) VALUES (%s, %s, %s)
               ON CONFLICT (run_id) DO UPDATE SET params = EXCLUDED.params""",
            (run_id, trigger, Json(params)),
        )


def record_run_counts(conn: Conn, run_id: str, stage: str, counts: dict[str, Any], finished: bool = False) -> None:
    """Merge one stage's counts into the run row (stages of mapped tasks add up)."""
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO core.pipeline_runs (run_id, trigger) VALUES (%s, 'airflow')
               ON CONFLICT (run_id) DO NOTHING""",
            (run_id,),
        )
        cur.execute("SELECT counts FROM core.pipeline_runs WHERE run_id = %s FOR UPDATE", (run_id,))
        current = cur.fetchone()[0] or {}
        stage_counts = current.get(stage, {})
        for key, value in counts.items():
            if isinstance(value, int | float) and isinstance(stage_counts.get(key), int | float):
                stage_counts[key] += value
            else:
                stage_counts[key] = value
        current[stage] = stage_counts
        cur.execute(
            "UPDATE core.pipeline_runs SET counts = %s, finished_at = CASE WHEN %s THEN now() ELSE finished_at END"
            " WHERE run_id = %s",
            (Json(current), finished, run_id),
        )


def record_error(
    conn: Conn, run_id: str, stage: str, error_type: str, message: str,
    outlet_id: str | None = None, fetch_id: int | None = None, url: str | None = None,
) -> None:
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO core.processing_errors (run_id, outlet_id, fetch_id, url, stage, error_type, message)
               VALUES (%s, %s, %s, %s, %s, %s, %s)""",
            (run_id, outlet_id, fetch_id, url, stage, error_type, message[:2000]),
        )


# --------------------------------------------------------------------------- raw archive


def store_body(conn: Conn, body: bytes) -> str | None:
    """Keep a body once per distinct content (sha256 of the bytes), zlib-compressed."""
    if not body:
        return None
    digest = hashlib.sha256(body).hexdigest()
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO raw.bodies (sha256, compression, data, raw_bytes) VALUES (%s, 'zlib', %s, %s)
               ON CONFLICT (sha256) DO NOTHING""",
            (digest, psycopg2.Binary(zlib.compress(body, 6)), len(body)),
        )
    return digest


def _decompress(compression: str, data: bytes) -> bytes:
    return zlib.decompress(data) if compression == "zlib" else data


def archive_fetch(conn: Conn, run_id: str, outlet_id: str, purpose: str, page: RawPage, url_hash: str) -> int:
    """Store one HTTP attempt (any outcome) and its body; returns fetch_id."""
    digest = store_body(conn, page.body)
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO raw.fetches (run_id, outlet_id, purpose, url, final_url, url_hash, outcome, status,
                                        error, headers, body_sha256, body_bytes, content_type, redirects,
                                        elapsed_ms, fetched_at)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               RETURNING fetch_id""",
            (run_id, outlet_id, purpose, page.url, page.final_url, url_hash, page.outcome, page.status,
             page.error, Json(page.headers), digest, len(page.body), page.headers.get("content-type"),
             list(page.redirects), page.elapsed_ms, page.fetched_at),
        )
        fetch_id = int(cur.fetchone()[0])
    if page.outcome == "ok" and (page.headers.get("etag") or page.headers.get("last-modified")):
        save_validators(conn, url_hash, page.url, page.headers.get("etag"), page.headers.get("last-modified"))
    return fetch_id


def save_validators(conn: Conn, url_hash: str, url: str, etag: str | None, last_modified: str | None) -> None:
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO raw.url_validators (url_hash, url, etag, last_modified) VALUES (%s, %s, %s, %s)
               ON CONFLICT (url_hash) DO UPDATE SET url = EXCLUDED.url, etag = EXCLUDED.etag,
                 last_modified = EXCLUDED.last_modified, updated_at = now()""",
            (url_hash, url, etag, last_modified),
        )


def validators_for(conn: Conn, url_hashes: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    """url_hash -> (etag, last_modified) for conditional GETs."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT url_hash, etag, last_modified FROM raw.url_validators WHERE url_hash = ANY(%s)",
            (list(url_hashes),),
        )
        return {r[0]: (r[1], r[2]) for r in cur.fetchall()}


def update_feed_status(conn: Conn, feed_url: str, outcome: str, item_count: int | None) -> None:
    with conn.cursor() as cur:
        cur.execute(
            """UPDATE core.feeds SET last_fetched_at = now(), last_outcome = %s,
                 last_item_count = coalesce(%s, last_item_count) WHERE url = %s""",
            (outcome, item_count, feed_url),
        )


def upsert_discovered(conn: Conn, items: Iterable[tuple[str, FeedItem]]) -> int:
    """Remember announced URLs (url_hash, item); returns how many were new."""
    rows = [
        (h, it.url, it.outlet_id, it.feed_url, it.title, it.published_at, it.modified_at)
        for h, it in items
    ]
    if not rows:
        return 0
    with conn.cursor() as cur:
        result = execute_values(
            cur,
            """INSERT INTO core.discovered_urls (url_hash, url, outlet_id, feed_url, feed_title,
                                                 feed_published_at, feed_modified_at)
               VALUES %s
               ON CONFLICT (url_hash) DO UPDATE SET last_seen_at = now(),
                 feed_modified_at = coalesce(EXCLUDED.feed_modified_at, core.discovered_urls.feed_modified_at)
               RETURNING (xmax = 0)""",
            rows,
            fetch=True,
        )
    return sum(1 for (inserted,) in result if inserted)


def urls_to_fetch(
    conn: Conn, outlet_id: str, limit: int, since: datetime | None, refetch_window_days: int = 7
) -> list[tuple[str, str, bool]]:
    """(url_hash, url, is_refetch) to fetch now, newest announcements first:

    - announced URLs never fetched, or failed fewer than MAX_FETCH_ATTEMPTS times, whose article is
      not stored yet;
    - re-fetches: URLs fetched before whose feed/sitemap now claims a modification after our last
      fetch, while the article is at most `refetch_window_days` old (silent edits happen early).
    """
    with conn.cursor() as cur:
        cur.execute(
            """SELECT d.url_hash, d.url, d.state = 'fetched' AS is_refetch FROM core.discovered_urls d
               WHERE d.outlet_id = %(outlet)s
                 AND (
                   ((d.state = 'pending' OR (d.state = 'failed' AND d.attempts < %(max_attempts)s))
                    AND NOT EXISTS (SELECT 1 FROM core.articles a WHERE a.url_hash = d.url_hash))
                   OR (d.state = 'fetched' AND d.feed_modified_at > d.last_fetched_at
                       AND coalesce(d.feed_published_at, d.first_seen_at)
                           >= now() - make_interval(days => %(window)s))
                 )
                 AND (%(since)s::timestamptz IS NULL OR d.feed_published_at IS NULL
                      OR d.feed_published_at >= %(since)s)
               ORDER BY d.feed_published_at DESC NULLS LAST, d.first_seen_at
               LIMIT %(limit)s""",
            {"outlet": outlet_id, "max_attempts": MAX_FETCH_ATTEMPTS, "since": since, "limit": limit,
             "window": refetch_window_days},
        )
        return [(r[0], r[1], bool(r[2])) for r in cur.fetchall()]


def mark_url_fetched(conn: Conn, url_hash: str, fetch_id: int, outcome: str) -> None:
    """Record the attempt on the discovered URL. A 304 counts as a successful (re)fetch."""
    good = outcome in ("ok", "not_modified")
    with conn.cursor() as cur:
        cur.execute(
            """UPDATE core.discovered_urls
               SET state = CASE WHEN %s THEN 'fetched' WHEN state = 'fetched' THEN 'fetched' ELSE 'failed' END,
                   attempts = attempts + 1, last_fetch_id = %s,
                   last_fetched_at = CASE WHEN %s THEN now() ELSE last_fetched_at END
               WHERE url_hash = %s""",
            (good, fetch_id, good, url_hash),
        )


def unprocessed_fetch_ids(conn: Conn) -> list[int]:
    """Archived article pages waiting for processing (any run: a crashed run's pages are picked up)."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT fetch_id FROM raw.fetches
               WHERE processed_at IS NULL AND purpose = 'article' AND outcome = 'ok'
               ORDER BY fetch_id"""
        )
        return [r[0] for r in cur.fetchall()]


def read_fetched_pages(conn: Conn, fetch_ids: Sequence[int]) -> list[FetchedPage]:
    with conn.cursor() as cur:
        cur.execute(
            """SELECT f.fetch_id, f.outlet_id, f.url, f.final_url, b.compression, b.data, f.content_type
               FROM raw.fetches f LEFT JOIN raw.bodies b ON b.sha256 = f.body_sha256
               WHERE f.fetch_id = ANY(%s) ORDER BY f.fetch_id""",
            (list(fetch_ids),),
        )
        return [
            FetchedPage(r[0], r[1], r[2], r[3], _decompress(r[4], bytes(r[5])) if r[5] is not None else b"", r[6])
            for r in cur.fetchall()
        ]


def feed_dates_for(conn: Conn, url_hashes: Sequence[str]) -> dict[str, datetime]:
    """Publication dates the feeds gave, by discovered url_hash (fallback for pages without one)."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT url_hash, feed_published_at FROM core.discovered_urls
               WHERE url_hash = ANY(%s) AND feed_published_at IS NOT NULL""",
            (list(url_hashes),),
        )
        return {r[0]: r[1] for r in cur.fetchall()}


def fetch_url_hashes(conn: Conn, fetch_ids: Sequence[int]) -> dict[int, str]:
    with conn.cursor() as cur:
        cur.execute("SELECT fetch_id, url_hash FROM raw.fetches WHERE fetch_id = ANY(%s)", (list(fetch_ids),))
        return {r[0]: r[1] for r in cur.fetchall()}


def stage_processed(
    conn: Conn, run_id: str, payloads: Sequence[tuple[int, dict[str, Any]]], failures: Sequence[PageFailure]
) -> None:
    """Write a processed batch to staging and record its failures, marking every page handled."""
    with conn.cursor() as cur:
        if payloads:
            execute_values(
                cur,
                """INSERT INTO staging.processed_articles (fetch_id, run_id, payload) VALUES %s
                   ON CONFLICT (fetch_id) DO UPDATE SET payload = EXCLUDED.payload, run_id = EXCLUDED.run_id,
                     staged_at = now()""",
                [(fid, run_id, Json(p)) for fid, p in payloads],
            )
            cur.execute(
                "UPDATE raw.fetches SET processed_at = now(), process_outcome = 'staged' WHERE fetch_id = ANY(%s)",
                ([fid for fid, _ in payloads],),
            )
        for f in failures:
            record_error(conn, run_id, f.stage, f.error_type, f.message, f.outlet_id, f.fetch_id, f.url)
            cur.execute(
                "UPDATE raw.fetches SET processed_at = now(), process_outcome = %s WHERE fetch_id = %s",
                (f.error_type, f.fetch_id),
            )


def claim_staged(conn: Conn, limit: int) -> list[tuple[int, dict[str, Any]]]:
    """Lock up to `limit` staged articles for loading (skipping those another loader holds)."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT fetch_id, payload FROM staging.processed_articles
               ORDER BY fetch_id LIMIT %s FOR UPDATE SKIP LOCKED""",
            (limit,),
        )
        return [(r[0], r[1]) for r in cur.fetchall()]


# --------------------------------------------------------------------------- core loads


def _body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def upsert_article(conn: Conn, item: ProcessedArticle, run_id: str) -> tuple[int, bool]:
    """Insert or update one article by url_hash; returns (article_id, inserted)."""
    a = item.article
    body = a.body
    keep_previous_version(conn, item.url_hash, item.raw_fetch_id, _body_hash(body))
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO core.articles (url_hash, url, canonical_url, outlet_id, fetch_id, title, subtitle, authors,
                   published_at, published_source, modified_at, modified_source, language, section, tags,
                   is_paywalled, body, paragraph_kinds, image_captions, image_credits, word_count, body_hash,
                   extraction_method, extractor_version, run_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                       %s, %s, %s)
               ON CONFLICT (url_hash) DO UPDATE SET
                   url = EXCLUDED.url, canonical_url = EXCLUDED.canonical_url, fetch_id = EXCLUDED.fetch_id,
                   title = EXCLUDED.title, subtitle = EXCLUDED.subtitle, authors = EXCLUDED.authors,
                   published_at = EXCLUDED.published_at, published_source = EXCLUDED.published_source,
                   modified_at = EXCLUDED.modified_at, modified_source = EXCLUDED.modified_source,
                   language = EXCLUDED.language, section = EXCLUDED.section, tags = EXCLUDED.tags,
                   is_paywalled = EXCLUDED.is_paywalled, body = EXCLUDED.body,
                   paragraph_kinds = EXCLUDED.paragraph_kinds, image_captions = EXCLUDED.image_captions,
                   image_credits = EXCLUDED.image_credits, word_count = EXCLUDED.word_count,
                   body_hash = EXCLUDED.body_hash, extraction_method = EXCLUDED.extraction_method,
                   extractor_version = EXCLUDED.extractor_version, run_id = EXCLUDED.run_id, loaded_at = now()
               RETURNING article_id, (xmax = 0)""",
            (item.url_hash, item.url, item.canonical_url, item.outlet_id, item.raw_fetch_id, a.title, a.subtitle,
             a.authors, a.published_at, a.published_source, a.modified_at, a.modified_source, a.language,
             a.section, a.tags, a.is_paywalled, body, list(a.paragraph_kinds), a.image_captions, a.image_credits,
             len(body.split()), _body_hash(body), a.method, a.extractor_version, run_id),
        )
        article_id, inserted = cur.fetchone()
    return int(article_id), bool(inserted)


def keep_previous_version(conn: Conn, url_hash: str, new_fetch_id: int | None, new_body_hash: str) -> bool:
    """Before an article is overwritten by a *new fetch* with a different body, keep the old text.

    Re-processing the same fetch (a new extractor version) is not an edit and keeps no version."""
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO core.article_versions (article_id, fetch_id, title, body, body_hash, modified_at,
                                                 extractor_version, valid_from, replaced_by_fetch_id)
               SELECT article_id, fetch_id, title, body, body_hash, modified_at, extractor_version, loaded_at, %s
               FROM core.articles
               WHERE url_hash = %s AND body_hash <> %s AND fetch_id IS DISTINCT FROM %s""",
            (new_fetch_id, url_hash, new_body_hash, new_fetch_id),
        )
        return cur.rowcount > 0


def recent_outlet_bodies(conn: Conn, outlet_id: str, limit: int = 200) -> list[str]:
    """Bodies of the outlet's most recently loaded articles (to learn its repeated lines)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT body FROM core.articles WHERE outlet_id = %s ORDER BY loaded_at DESC LIMIT %s",
            (outlet_id, limit),
        )
        return [r[0] for r in cur.fetchall()]


def mark_for_reprocessing(
    conn: Conn, outlet_id: str | None, since: datetime | None, until: datetime | None
) -> int:
    """Queue the archived pages behind matching articles for processing again (no fetching).

    Articles match by outlet and by publication time (fetch time when the date is unknown)."""
    with conn.cursor() as cur:
        cur.execute(
            """UPDATE raw.fetches f SET processed_at = NULL, process_outcome = NULL
               FROM core.articles a
               WHERE a.fetch_id = f.fetch_id
                 AND (%(outlet)s::text IS NULL OR a.outlet_id = %(outlet)s)
                 AND (%(since)s::timestamptz IS NULL OR coalesce(a.published_at, f.fetched_at) >= %(since)s)
                 AND (%(until)s::timestamptz IS NULL OR coalesce(a.published_at, f.fetched_at) < %(until)s)""",
            {"outlet": outlet_id, "since": since, "until": until},
        )
        return cur.rowcount


def ensure_entities(conn: Conn, names: dict[str, tuple[str, str]]) -> dict[str, int]:
    """entity_key -> entity_id for every key in `names` (key -> (label, display name)).

    Keys seen before keep their entity. A new key is matched (newswatch.identity) against the
    known keys of its block — analysts' overrides first, then exact, then fuzzy with a
    confidence — and otherwise founds a new canonical entity. Every decision is a row in
    core.entity_keys."""
    from newswatch.identity import KnownEntity, candidate_block, match_entity

    if not names:
        return {}
    ids: dict[str, int] = {}
    with conn.cursor() as cur:
        cur.execute("SELECT entity_key, entity_id FROM core.entity_keys WHERE entity_key = ANY(%s)", (list(names),))
        ids.update({r[0]: int(r[1]) for r in cur.fetchall()})
        new_keys = sorted(k for k in names if k not in ids)
        if not new_keys:
            return ids
        blocks = {k: candidate_block(k) for k in new_keys}
        cur.execute(
            """SELECT k.entity_id, k.entity_key, e.entity_type, e.canonical_name, k.block
               FROM core.entity_keys k JOIN core.entities e USING (entity_id) WHERE k.block = ANY(%s)""",
            (sorted(set(blocks.values())),),
        )
        known_by_block: dict[str, list[KnownEntity]] = {}
        for entity_id, key, label, name, block in cur.fetchall():
            known_by_block.setdefault(block, []).append(KnownEntity(int(entity_id), key, label, name))
        # Overrides of the new keys and of their candidates (a key split off is never merged into).
        candidate_keys = [e.entity_key for known in known_by_block.values() for e in known]
        cur.execute(
            "SELECT entity_key, action, target_entity_id FROM core.entity_overrides WHERE entity_key = ANY(%s)",
            (new_keys + candidate_keys,),
        )
        overrides = {r[0]: (int(r[2]) if r[1] == "merge" else None) for r in cur.fetchall()}
        for key in new_keys:
            label, name = names[key]
            match = match_entity(key, label, name, known_by_block.get(blocks[key], []), overrides)
            entity_id = match.entity_id
            if entity_id is None:
                cur.execute(
                    """INSERT INTO core.entities (entity_key, entity_type, canonical_name) VALUES (%s, %s, %s)
                       ON CONFLICT (entity_key) DO UPDATE SET entity_key = EXCLUDED.entity_key
                       RETURNING entity_id""",
                    (key, label, name),
                )
                entity_id = int(cur.fetchone()[0])
            cur.execute(
                """INSERT INTO core.entity_keys (entity_key, entity_id, block, display_name, method, confidence)
                   VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (entity_key) DO NOTHING""",
                (key, entity_id, blocks[key], name, match.method, match.confidence),
            )
            ids[key] = entity_id
            # Later keys of this batch can match this one.
            known_by_block.setdefault(blocks[key], []).append(KnownEntity(entity_id, key, label, name))
    return ids


def backfill_entity_blocks(conn: Conn) -> int:
    """Rows migrated from before blocking (block = entity_key) get their real block."""
    from newswatch.identity import candidate_block

    with conn.cursor() as cur:
        cur.execute("SELECT entity_key FROM core.entity_keys WHERE block = entity_key")
        keys = [r[0] for r in cur.fetchall()]
        changed = [(candidate_block(k), k) for k in keys if candidate_block(k) != k]
        if changed:
            execute_values(
                cur,
                "UPDATE core.entity_keys k SET block = v.block FROM (VALUES %s) AS v(block, key) WHERE k.entity_key = v.key",
                changed,
            )
    return len(changed)


def apply_entity_overrides(conn: Conn) -> dict[str, int]:
    """Make core.entity_keys, mentions and quote speakers agree with the analysts' overrides."""
    with conn.cursor() as cur:
        cur.execute(
            """UPDATE core.entity_keys k SET entity_id = o.target_entity_id, method = 'override-merge',
                 confidence = 1, matched_at = now()
               FROM core.entity_overrides o
               WHERE o.entity_key = k.entity_key AND o.action = 'merge' AND k.entity_id <> o.target_entity_id"""
        )
        merged = cur.rowcount
        # A split key sharing its entity with other keys gets an entity of its own.
        cur.execute(
            """SELECT k.entity_key, e.entity_type, k.display_name FROM core.entity_keys k
               JOIN core.entity_overrides o ON o.entity_key = k.entity_key AND o.action = 'split'
               JOIN core.entities e ON e.entity_id = k.entity_id
               WHERE e.entity_key <> k.entity_key"""
        )
        split = 0
        for key, label, name in cur.fetchall():
            cur.execute(
                """INSERT INTO core.entities (entity_key, entity_type, canonical_name) VALUES (%s, %s, %s)
                   ON CONFLICT (entity_key) DO UPDATE SET entity_key = EXCLUDED.entity_key RETURNING entity_id""",
                (key, label, name),
            )
            new_id = cur.fetchone()[0]
            cur.execute(
                """UPDATE core.entity_keys SET entity_id = %s, method = 'override-split', confidence = 1,
                     matched_at = now() WHERE entity_key = %s""",
                (new_id, key),
            )
            split += 1
        cur.execute(
            """UPDATE core.mentions m SET entity_id = k.entity_id FROM core.entity_keys k
               WHERE m.entity_key = k.entity_key AND m.entity_id <> k.entity_id"""
        )
        mentions = cur.rowcount
        cur.execute(
            """UPDATE core.quotes q SET speaker_entity_id = k.entity_id FROM core.entity_keys k
               WHERE q.speaker_key = k.entity_key AND q.speaker_entity_id IS DISTINCT FROM k.entity_id"""
        )
        quotes = cur.rowcount
    return {"keys_merged": merged, "keys_split": split, "mentions_repointed": mentions, "quotes_repointed": quotes}


def replace_article_children(conn: Conn, article_id: int, item: ProcessedArticle, entity_ids: dict[str, int]) -> None:
    """Mentions and quotes are derived data: replace them whole on every (re)load."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM core.mentions WHERE article_id = %s", (article_id,))
        cur.execute("DELETE FROM core.quotes WHERE article_id = %s", (article_id,))
        if item.mentions:
            execute_values(
                cur,
                """INSERT INTO core.mentions (article_id, entity_id, entity_key, start_offset, end_offset, surface,
                                              resolved_name, label, role) VALUES %s""",
                [(article_id, entity_ids[m.entity_key], m.entity_key, m.start, m.end, m.text, m.name, m.label,
                  m.role) for m in item.mentions],
            )
            alias_counts: dict[tuple[int, str], int] = {}
            for m in item.mentions:
                key = (entity_ids[m.entity_key], m.name)
                alias_counts[key] = alias_counts.get(key, 0) + 1
            execute_values(
                cur,
                """INSERT INTO core.entity_aliases (entity_id, alias, mentions) VALUES %s
                   ON CONFLICT (entity_id, alias) DO UPDATE
                   SET mentions = greatest(core.entity_aliases.mentions, EXCLUDED.mentions)""",
                [(eid, alias, n) for (eid, alias), n in sorted(alias_counts.items())],
            )
        if item.quotes:
            from newswatch.quotes import quote_key

            execute_values(
                cur,
                """INSERT INTO core.quotes (article_id, start_offset, end_offset, quote_text, kind, speaker_name,
                       speaker_entity_id, speaker_key, speaker_start, speaker_end, cue, confidence, quote_key)
                   VALUES %s""",
                [(article_id, q.start, q.end, q.text, q.kind, q.speaker,
                  entity_ids.get(q.speaker_key) if q.speaker_key else None, q.speaker_key,
                  q.speaker_start, q.speaker_end, q.cue, q.confidence, quote_key(q.text))
                 for q in item.quotes],
            )


def finish_staged(conn: Conn, fetch_ids: Sequence[int]) -> None:
    with conn.cursor() as cur:
        cur.execute("DELETE FROM staging.processed_articles WHERE fetch_id = ANY(%s)", (list(fetch_ids),))
        cur.execute(
            "UPDATE raw.fetches SET process_outcome = 'loaded' WHERE fetch_id = ANY(%s)", (list(fetch_ids),)
        )


def refresh_canonical_names(conn: Conn, run_id: str) -> int:
    """An entity's display name is its most used resolved spelling (longest on ties), recomputed
    for the entities mentioned by articles this run loaded."""
    with conn.cursor() as cur:
        cur.execute(
            """WITH touched AS (
                   SELECT DISTINCT m.entity_id FROM core.mentions m JOIN core.articles a USING (article_id)
                   WHERE a.run_id = %s),
               ranked AS (
                   SELECT DISTINCT ON (m.entity_id) m.entity_id, m.resolved_name
                   FROM core.mentions m JOIN touched USING (entity_id)
                   GROUP BY m.entity_id, m.resolved_name
                   ORDER BY m.entity_id, count(*) DESC, length(m.resolved_name) DESC, m.resolved_name)
               UPDATE core.entities e SET canonical_name = r.resolved_name
               FROM ranked r WHERE e.entity_id = r.entity_id AND e.canonical_name <> r.resolved_name""",
            (run_id,),
        )
        return cur.rowcount


def add_entity_override(conn: Conn, entity_key: str, action: str, target_entity_id: int | None, note: str | None) -> None:
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO core.entity_overrides (entity_key, action, target_entity_id, note) VALUES (%s, %s, %s, %s)
               ON CONFLICT (entity_key) DO UPDATE SET action = EXCLUDED.action,
                 target_entity_id = EXCLUDED.target_entity_id, note = EXCLUDED.note, created_at = now()""",
            (entity_key, action, target_entity_id, note),
        )


# --------------------------------------------------------------------------- stories


def story_inputs(conn: Conn, window_hours: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(unassigned articles, assigned articles published within the window around them)."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT a.article_id, a.outlet_id, a.published_at, coalesce(a.title, ''), a.body, sa.story_id,
                      coalesce(array_agg(DISTINCT e.entity_key) FILTER (WHERE e.entity_key IS NOT NULL), '{}')
               FROM core.articles a
               LEFT JOIN core.story_articles sa USING (article_id)
               LEFT JOIN core.mentions m USING (article_id)
               LEFT JOIN core.entities e USING (entity_id)
               WHERE sa.article_id IS NULL
                  OR a.published_at >= (SELECT min(published_at) - make_interval(hours => %s)
                                        FROM core.articles x
                                        WHERE NOT EXISTS (SELECT 1 FROM core.story_articles y
                                                          WHERE y.article_id = x.article_id))
               GROUP BY a.article_id, sa.story_id
               ORDER BY a.published_at NULLS LAST, a.article_id""",
            (window_hours,),
        )
        rows = [
            {"article_id": r[0], "outlet_id": r[1], "published_at": r[2], "title": r[3], "body": r[4],
             "story_id": r[5], "entity_keys": frozenset(r[6])}
            for r in cur.fetchall()
        ]
    new = [r for r in rows if r["story_id"] is None]
    existing = [r for r in rows if r["story_id"] is not None]
    return new, existing


def create_story(conn: Conn, title: str) -> int:
    with conn.cursor() as cur:
        cur.execute("INSERT INTO core.stories (title) VALUES (%s) RETURNING story_id", (title or "(untitled)",))
        return int(cur.fetchone()[0])


# Arbitrary constant: serialises story assignment across processes (transaction-scoped).
_STORY_LOCK_ID = 727_002


def lock_story_assignment(conn: Conn) -> None:
    """Wait for any other story assignment to commit: two assigners would each found a story for
    the same new event."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_STORY_LOCK_ID,))


@dataclass(frozen=True)
class StoryMembership:
    """One row of core.story_articles: an article, its story, and why it joined."""

    article_id: int
    story_id: int
    score: float
    shared_entities: list[str]
    is_near_duplicate: bool
    duplicate_of: int | None
    join_reason: str
    linked_article_ids: list[int]


def assign_story_articles(conn: Conn, rows: Sequence[StoryMembership]) -> None:
    """Insert memberships (an article already in a story keeps it) and update story time spans."""
    if not rows:
        return
    with conn.cursor() as cur:
        execute_values(
            cur,
            """INSERT INTO core.story_articles (article_id, story_id, score, shared_entities, is_near_duplicate,
                                                duplicate_of_article_id, join_reason, linked_article_ids) VALUES %s
               ON CONFLICT (article_id) DO NOTHING""",
            [(r.article_id, r.story_id, r.score, r.shared_entities, r.is_near_duplicate, r.duplicate_of,
              r.join_reason, r.linked_article_ids) for r in rows],
            template="(%s, %s, %s, %s, %s, %s, %s, %s::bigint[])",
        )
        cur.execute(
            """UPDATE core.stories s SET first_published_at = x.first, last_published_at = x.last, updated_at = now()
               FROM (SELECT sa.story_id, min(a.published_at) AS first, max(a.published_at) AS last
                     FROM core.story_articles sa JOIN core.articles a USING (article_id)
                     WHERE sa.story_id = ANY(%s) GROUP BY sa.story_id) x
               WHERE s.story_id = x.story_id""",
            (sorted({r.story_id for r in rows}),),
        )


def assign_quote_groups(conn: Conn) -> int:
    """Group the quotes of every story that has ungrouped quotes (newswatch.quote_groups)."""
    from newswatch.quote_groups import StoryQuote, group_quotes

    with conn.cursor() as cur:
        cur.execute(
            """SELECT sa.story_id, q.quote_id, a.outlet_id, q.quote_text
               FROM core.quotes q JOIN core.articles a USING (article_id)
               JOIN core.story_articles sa USING (article_id)
               WHERE q.kind IN ('direct', 'mixed') AND sa.story_id IN (
                   SELECT sa2.story_id FROM core.quotes q2 JOIN core.story_articles sa2 USING (article_id)
                   WHERE q2.quote_group IS NULL AND q2.kind IN ('direct', 'mixed'))
               ORDER BY sa.story_id, a.published_at NULLS LAST, q.quote_id"""
        )
        by_story: dict[int, list[StoryQuote]] = {}
        for story_id, quote_id, outlet_id, text in cur.fetchall():
            by_story.setdefault(story_id, []).append(StoryQuote(quote_id, outlet_id, text))
        rows = [(group, quote_id) for quotes in by_story.values() for quote_id, group in group_quotes(quotes).items()]
        if rows:
            execute_values(
                cur, "UPDATE core.quotes q SET quote_group = v.g FROM (VALUES %s) AS v(g, id) WHERE q.quote_id = v.id",
                rows,
            )
    return len(rows)


# --------------------------------------------------------------------------- data quality


# Each check is a query returning offending rows; any row fails the run.
QUALITY_CHECKS: dict[str, str] = {
    "mention offsets match the body": """
        SELECT m.mention_id FROM core.mentions m JOIN core.articles a USING (article_id)
        WHERE m.end_offset > char_length(a.body)
           OR substr(a.body, m.start_offset + 1, m.end_offset - m.start_offset) <> m.surface
        LIMIT 5""",
    "quote offsets match the body": """
        SELECT q.quote_id FROM core.quotes q JOIN core.articles a USING (article_id)
        WHERE q.end_offset > char_length(a.body)
           OR substr(a.body, q.start_offset + 1, q.end_offset - q.start_offset) <> q.quote_text
        LIMIT 5""",
    "articles have a body": "SELECT article_id FROM core.articles WHERE btrim(body) = '' LIMIT 5",
    "every ok article fetch was processed": """
        SELECT fetch_id FROM raw.fetches
        WHERE purpose = 'article' AND outcome = 'ok' AND processed_at IS NULL
          AND run_id = %(run_id)s LIMIT 5""",
    "nothing left in staging": "SELECT fetch_id FROM staging.processed_articles WHERE run_id = %(run_id)s LIMIT 5",
    "attributed quotes point at a speaker span": """
        SELECT quote_id FROM core.quotes
        WHERE speaker_name IS NOT NULL AND (speaker_start IS NULL OR speaker_end IS NULL) LIMIT 5""",
}


# What update_reporting guarantees once it has run.
REPORTING_CHECKS: dict[str, str] = {
    "every article belongs to a story": """
        SELECT a.article_id FROM core.articles a
        WHERE NOT EXISTS (SELECT 1 FROM core.story_articles s WHERE s.article_id = a.article_id) LIMIT 5""",
    "near-duplicates copy an earlier article of another outlet in the same story": """
        SELECT sa.article_id FROM core.story_articles sa
        JOIN core.articles a USING (article_id)
        LEFT JOIN core.story_articles so ON so.article_id = sa.duplicate_of_article_id
        LEFT JOIN core.articles ao ON ao.article_id = sa.duplicate_of_article_id
        WHERE sa.is_near_duplicate
          AND sa.duplicate_of_article_id IS NOT NULL
          AND (so.story_id IS DISTINCT FROM sa.story_id OR ao.outlet_id = a.outlet_id)
        LIMIT 5""",
    "join reasons agree with the near-duplicate flag": """
        SELECT article_id FROM core.story_articles
        WHERE (join_reason = 'near_duplicate') <> is_near_duplicate LIMIT 5""",
    "no story has two founders": """
        SELECT story_id FROM core.story_articles GROUP BY story_id
        HAVING count(*) FILTER (WHERE join_reason = 'founded') > 1 LIMIT 5""",
    "reporting views are populated": """
        SELECT matviewname FROM pg_matviews WHERE schemaname = 'reporting' AND NOT ispopulated LIMIT 5""",
}


def run_quality_checks(conn: Conn, run_id: str, checks: dict[str, str] | None = None) -> dict[str, list[Any]]:
    """Name of each failed check -> sample of offending ids (empty dict = all good)."""
    failed: dict[str, list[Any]] = {}
    with conn.cursor() as cur:
        for name, query in (QUALITY_CHECKS if checks is None else checks).items():
            cur.execute(query, {"run_id": run_id})
            rows = cur.fetchall()
            if rows:
                failed[name] = [r[0] for r in rows]
    return failed


def table_counts(conn: Conn) -> dict[str, int]:
    tables = [
        "core.outlets", "core.feeds", "raw.fetches", "core.discovered_urls", "core.articles", "core.entities",
        "core.entity_aliases", "core.mentions", "core.quotes", "core.stories", "core.story_articles",
        "core.processing_errors",
    ]
    out: dict[str, int] = {}
    with conn.cursor() as cur:
        for t in tables:
            cur.execute(f"SELECT count(*) FROM {t}")  # table names are constants above
            out[t] = int(cur.fetchone()[0])
    return out


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=str, sort_keys=True)
