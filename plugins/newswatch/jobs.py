"""Run-level units shared by the Airflow DAG tasks and the CLI. Each returns a dict of counts
(small, JSON-able: it travels through XCom) and keeps payloads in PostgreSQL.

ingest_articles:
    list_outlets ─► discover_and_fetch (per outlet) ─► plan_batches ─► process_batch (per batch)
                ─► load_staged ─► check_quality
update_reporting (scheduled on the core.articles Asset that load_staged emits):
    update_stories ─► refresh_reporting ─► check_quality(scope="reporting")

`run_pipeline` chains both for `newswatch run`, exactly as the two DAGs do.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newswatch import db, feeds, settings, sources, store, urls
from newswatch.errors import DataQualityError, OutletFailureError, PermanentError
from newswatch.http import Fetcher
from newswatch.models import Outlet
from newswatch.pipeline import from_payload, process_pages, to_payload
from newswatch.politeness import PgHostGate

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def load_outlets(sources_file: str | Path | None = None) -> list[Outlet]:
    return sources.load_sources(Path(sources_file) if sources_file else settings.sources_file())


def _outlet(outlet_id: str, sources_file: str | Path | None) -> Outlet:
    for outlet in load_outlets(sources_file):
        if outlet.id == outlet_id:
            return outlet
    raise PermanentError(f"outlet {outlet_id!r} is not in the sources file")


def new_run_id(prefix: str = "cli") -> str:
    return f"{prefix}__{datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}"


# --------------------------------------------------------------------------- stages


def list_outlets(
    run_id: str,
    *,
    sources_file: str | Path | None = None,
    only: Sequence[str] | None = None,
    params: dict[str, Any] | None = None,
    trigger: str = "airflow",
    dry_run: bool = False,
) -> list[str]:
    """Validate the sources file, sync it to the database, and return the outlet ids to run."""
    outlets = load_outlets(sources_file)
    known = {o.id for o in outlets}
    unknown = sorted(set(only or ()) - known)
    if unknown:
        raise PermanentError(f"unknown outlet ids: {', '.join(unknown)}")
    selected = [o.id for o in outlets if not only or o.id in only]
    if not dry_run:
        with db.transaction() as conn:
            store.sync_outlets(conn, outlets)
            store.start_run(conn, run_id, trigger, params or {})
    log.info("run %s: %d outlets selected of %d", run_id, len(selected), len(outlets))
    return selected


def _fetcher(dry_run: bool) -> tuple[Fetcher, PgHostGate | None]:
    """A Fetcher whose per-host limits are shared through PostgreSQL (across Airflow workers)."""
    retry = {"retries": settings.fetch_retries(), "backoff_base_s": settings.backoff_base_s()}
    if dry_run or not settings.shared_politeness():
        return Fetcher(**retry), None
    gate = PgHostGate()
    return Fetcher(host_gate=gate, **retry), gate


def discover_and_fetch(
    outlet_id: str,
    run_id: str,
    *,
    max_articles: int | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    sources_file: str | Path | None = None,
    progress: Progress = _noop,
) -> dict[str, int]:
    """Read the outlet's feeds, remember new URLs, fetch the ones not stored yet (and re-fetch the
    ones a feed says changed), archive every attempt. Raises OutletFailureError — after storing
    everything — when the share of failed fetches passes the configured threshold."""
    outlet = _outlet(outlet_id, sources_file)
    limit = max_articles if max_articles is not None else settings.max_articles_per_outlet()
    counts = {"feed_fetches": 0, "feed_errors": 0, "discovered": 0, "new_urls": 0, "fetched_ok": 0,
              "not_modified": 0, "refetched": 0, "fetch_failed": 0}
    fetcher, gate = _fetcher(dry_run)
    try:
        with fetcher:
            _discover(outlet, fetcher, run_id, limit, since, dry_run, counts)
            if not dry_run:
                _fetch_articles(outlet, fetcher, run_id, limit, since, counts, progress)
    finally:
        if gate is not None:
            gate.close()
    if dry_run:
        log.info("dry run %s: %s", outlet_id, counts)
        return counts
    with db.transaction() as conn:
        store.record_run_counts(conn, run_id, "fetch", counts)
    log.info("outlet %s: %s", outlet_id, counts)
    _check_failure_rate(outlet_id, counts)
    return counts


def _discover(
    outlet: Outlet, fetcher: Fetcher, run_id: str, limit: int, since: datetime | None, dry_run: bool,
    counts: dict[str, int],
) -> None:
    validators: dict[str, tuple[str | None, str | None]] = {}
    if not dry_run:
        hashes = {f.url: _safe_hash(f.url) for f in outlet.feeds}
        with db.transaction() as conn:
            by_hash = store.validators_for(conn, list(hashes.values()))
        validators = {url: by_hash[h] for url, h in hashes.items() if h in by_hash}
    found = feeds.discover_outlet(outlet, fetcher, max_items=limit, since=since, validators=validators)
    counts["feed_fetches"] = len(found.fetches)
    counts["feed_errors"] = len(found.errors)
    counts["discovered"] = len(found.items)
    if dry_run:
        return
    with db.transaction() as conn:
        for purpose, page in found.fetches:
            store.archive_fetch(conn, run_id, outlet.id, purpose, page, _safe_hash(page.url))
            if purpose in ("feed", "sitemap"):
                store.update_feed_status(conn, page.url, page.outcome, None)
        for message in found.errors:
            store.record_error(conn, run_id, "discover", "feed_error", message, outlet.id)
        hashed = [(urls.url_hash(item.url), item) for item in found.items]
        counts["new_urls"] = store.upsert_discovered(conn, hashed)


def _fetch_articles(
    outlet: Outlet, fetcher: Fetcher, run_id: str, limit: int, since: datetime | None,
    counts: dict[str, int], progress: Progress,
) -> None:
    with db.transaction() as conn:
        todo = store.urls_to_fetch(conn, outlet.id, limit, since, settings.refetch_window_days())
        validators = store.validators_for(conn, [h for h, _, refetch in todo if refetch])
    for n, (url_hash, url, is_refetch) in enumerate(todo, 1):
        etag, last_modified = validators.get(url_hash, (None, None))
        page = fetcher.fetch(url, outlet, purpose="article", etag=etag, last_modified=last_modified)
        with db.transaction() as conn:
            # robots.txt reads and earlier attempts of a retried request are attempts too.
            for purpose, side in fetcher.drain_side_fetches():
                store.archive_fetch(conn, run_id, outlet.id, purpose, side, _safe_hash(side.url))
            fetch_id = store.archive_fetch(conn, run_id, outlet.id, "article", page, url_hash)
            store.mark_url_fetched(conn, url_hash, fetch_id, page.outcome)
        if page.outcome == "not_modified":
            counts["not_modified"] += 1
        elif page.ok:
            counts["refetched" if is_refetch else "fetched_ok"] += 1
        else:
            counts["fetch_failed"] += 1
        progress(f"fetch {outlet.id} {n}/{len(todo)} {page.outcome}")


def _check_failure_rate(outlet_id: str, counts: dict[str, int]) -> None:
    attempts = counts["fetched_ok"] + counts["refetched"] + counts["not_modified"] + counts["fetch_failed"]
    if attempts < settings.outlet_failure_min_attempts():
        return
    rate = counts["fetch_failed"] / attempts
    if rate > settings.outlet_failure_threshold():
        # One greppable line for whoever watches the task logs; the attempts are already stored.
        log.error("ALERT outlet=%s failed %d of %d article fetches (%.0f%% > %.0f%% threshold)",
                  outlet_id, counts["fetch_failed"], attempts, rate * 100, settings.outlet_failure_threshold() * 100)
        raise OutletFailureError(
            f"outlet {outlet_id}: {counts['fetch_failed']} of {attempts} article fetches failed "
            f"({rate:.0%} > {settings.outlet_failure_threshold():.0%}); see raw.fetches"
        )


def _safe_hash(url: str) -> str:
    try:
        return urls.url_hash(url)
    except ValueError:
        # Unparsable URLs are still archived (as a failed attempt); hash the raw text.
        return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def plan_batches(run_id: str, batch_size: int | None = None) -> list[list[int]]:
    """Split the archived pages awaiting processing into batches of fetch ids (small, for XCom)."""
    size = batch_size or settings.batch_size()
    with db.transaction() as conn:
        ids = store.unprocessed_fetch_ids(conn)
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    log.info("run %s: %d pages to process in %d batches", run_id, len(ids), len(batches))
    return batches


def process_batch(
    fetch_ids: Sequence[int], run_id: str, *, sources_file: str | Path | None = None
) -> dict[str, int]:
    """Extract, clean, find entities and quotes for one batch; stage the results in PostgreSQL."""
    outlets = {o.id: o for o in load_outlets(sources_file)}
    with db.transaction() as conn:
        pages = store.read_fetched_pages(conn, fetch_ids)
        hashes = store.fetch_url_hashes(conn, fetch_ids)
        feed_dates = store.feed_dates_for(conn, list(hashes.values()))
        history = {o: store.recent_outlet_bodies(conn, o) for o in sorted({p.outlet_id for p in pages})}
    processed, failures = process_pages(pages, outlets, history)
    payloads = []
    for item in processed:
        feed_date = feed_dates.get(hashes.get(item.raw_fetch_id or -1, ""))
        if item.article.published_at is None and feed_date is not None:
            # The page gave no date: the feed's date is the next best witness, and says so.
            item = replace(item, article=replace(item.article, published_at=feed_date, published_source="feed"))
        payloads.append((item.raw_fetch_id or 0, to_payload(item)))
    with db.transaction() as conn:
        store.stage_processed(conn, run_id, payloads, failures)
        counts = {
            "pages": len(pages),
            "staged": len(payloads),
            "failed": len(failures),
            "mentions": sum(len(p.mentions) for p in processed),
            "quotes": sum(len(p.quotes) for p in processed),
        }
        store.record_run_counts(conn, run_id, "process", counts)
    log.info("run %s batch of %d: %s", run_id, len(fetch_ids), counts)
    return counts


def load_staged(run_id: str, batch_size: int | None = None) -> dict[str, int]:
    """Move staged articles into core tables: one transaction per batch, upserts by natural key."""
    size = batch_size or settings.batch_size()
    counts = {"articles_inserted": 0, "articles_updated": 0, "mentions": 0, "quotes": 0, "batches": 0}
    while True:
        with db.transaction() as conn:
            claimed = store.claim_staged(conn, size)
            if not claimed:
                break
            items = [from_payload(p) for _, p in claimed]
            names: dict[str, tuple[str, str]] = {}
            for item in items:
                for m in item.mentions:
                    names.setdefault(m.entity_key, (m.label, m.name))
            entity_ids = store.ensure_entities(conn, names)
            for item in items:
                article_id, inserted = store.upsert_article(conn, item, run_id)
                store.replace_article_children(conn, article_id, item, entity_ids)
                counts["articles_inserted" if inserted else "articles_updated"] += 1
                counts["mentions"] += len(item.mentions)
                counts["quotes"] += len(item.quotes)
            store.finish_staged(conn, [fid for fid, _ in claimed])
            counts["batches"] += 1
    with db.transaction() as conn:
        store.record_run_counts(conn, run_id, "load", counts)
    log.info("run %s load: %s", run_id, counts)
    return counts


def update_stories(run_id: str) -> dict[str, int]:
    """Apply analysts' entity corrections, then place every article not in a story yet.

    Incremental: new articles join existing stories (or found new ones) by comparison with the
    clustered articles near them in time; nothing already clustered moves. Also groups the
    quotes of touched stories (shared quotes across outlets).
    """
    from newswatch.stories import StoryDoc, assign_stories

    with db.transaction() as conn:
        store.lock_story_assignment(conn)  # one assigner at a time (a DAG run and a CLI run, say)
        store.backfill_entity_blocks(conn)
        identity = store.apply_entity_overrides(conn)  # analysts' corrections win on every run
        renamed = store.refresh_canonical_names(conn, run_id)
        new_rows, existing_rows = store.story_inputs(conn, settings.story_window_hours())
        to_doc = lambda r: StoryDoc(  # noqa: E731 - a one-line adapter
            article_id=r["article_id"], outlet_id=r["outlet_id"], published_at=r["published_at"],
            title=r["title"], body=r["body"], entity_keys=r["entity_keys"], story_id=r["story_id"],
        )
        assignments = assign_stories(
            [to_doc(r) for r in new_rows], [to_doc(r) for r in existing_rows],
            window_hours=settings.story_window_hours(),
        )
        titles = {r["article_id"]: r["title"] for r in new_rows}
        story_ids: dict[str, int] = {}
        rows = []
        for a in assignments:
            if a.story_key.startswith("new:"):
                if a.story_key not in story_ids:
                    story_ids[a.story_key] = store.create_story(conn, titles.get(a.article_id, ""))
                sid = story_ids[a.story_key]
            else:
                sid = int(a.story_key)
            rows.append(store.StoryMembership(
                article_id=a.article_id, story_id=sid, score=a.score, shared_entities=list(a.shared_entities),
                is_near_duplicate=a.is_near_duplicate, duplicate_of=a.duplicate_of, join_reason=a.join_reason,
                linked_article_ids=list(a.linked_article_ids),
            ))
        store.assign_story_articles(conn, rows)
        grouped = store.assign_quote_groups(conn)
        counts = {"articles_assigned": len(rows), "new_stories": len(story_ids),
                  "near_duplicates": sum(1 for a in assignments if a.is_near_duplicate),
                  "entities_renamed": renamed, "quotes_grouped": grouped, **identity}
        store.record_run_counts(conn, run_id, "stories", counts)
    log.info("run %s stories: %s", run_id, counts)
    return counts


def refresh_reporting(run_id: str) -> dict[str, int]:
    """Refresh every materialised reporting view (newswatch.reporting); rows per view."""
    from newswatch import reporting

    conn = db.connect()
    try:
        results = reporting.refresh(conn, run_id=run_id)  # commits after each view
    finally:
        conn.close()
    counts = {r.view.split(".", 1)[1]: r.rows for r in results}
    with db.transaction() as conn:
        store.record_run_counts(conn, run_id, "reporting",
                                {"views_refreshed": len(results),
                                 "seconds": round(sum(r.seconds for r in results), 3)})
    log.info("run %s reporting refreshed: %s", run_id, counts)
    return counts


def check_quality(run_id: str, scope: str = "ingest") -> dict[str, int]:
    """Fail the run (DataQualityError) when a data invariant is broken.

    scope "ingest" checks what loading guarantees (store.QUALITY_CHECKS), "reporting" what
    update_reporting guarantees (store.REPORTING_CHECKS: stories, reporting views).
    """
    checks = {"ingest": store.QUALITY_CHECKS, "reporting": store.REPORTING_CHECKS}[scope]
    with db.transaction() as conn:
        failed = store.run_quality_checks(conn, run_id, checks)
        counts = store.table_counts(conn)
        store.record_run_counts(conn, run_id, f"quality_{scope}", {"failed_checks": len(failed)}, finished=True)
    if failed:
        details = "; ".join(f"{name}: e.g. {ids}" for name, ids in failed.items())
        raise DataQualityError(f"{len(failed)} data-quality check(s) failed: {details}")
    log.info("run %s %s quality ok; rows: %s", run_id, scope, counts)
    return {"checks_passed": len(checks), **{k.split(".")[1]: v for k, v in counts.items()}}


def mark_for_reprocessing(
    run_id: str, *, outlet_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
    params: dict[str, Any] | None = None, trigger: str = "airflow",
) -> int:
    """Queue stored articles (by outlet and/or publication-date range) for extraction and
    everything downstream again, from the raw archive — nothing is fetched."""
    with db.transaction() as conn:
        store.start_run(conn, run_id, trigger, params or {})
        count = store.mark_for_reprocessing(conn, outlet_id, since, until)
        store.record_run_counts(conn, run_id, "reprocess", {"queued": count})
    log.info("run %s: %d archived pages queued for re-processing", run_id, count)
    return count


def reprocess(
    *, outlet_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
    sources_file: str | Path | None = None, progress: Progress = _noop, run_id: str | None = None,
) -> dict[str, Any]:
    """The `reprocess_articles` DAG's task graph, in this process (`newswatch reprocess`)."""
    run_id = run_id or new_run_id("reprocess")
    params = {"outlet": outlet_id, "since": since.isoformat() if since else None,
              "until": until.isoformat() if until else None}
    summary: dict[str, Any] = {"run_id": run_id}
    summary["queued"] = mark_for_reprocessing(run_id, outlet_id=outlet_id, since=since, until=until,
                                              params=params, trigger="cli")
    _process_load_report(run_id, sources_file, progress, summary)
    return summary


def _process_load_report(
    run_id: str, sources_file: str | Path | None, progress: Progress, summary: dict[str, Any]
) -> None:
    batches = plan_batches(run_id)
    totals: dict[str, int] = {}
    for i, batch in enumerate(batches, 1):
        progress(f"[process {i}/{len(batches)}] {len(batch)} pages")
        for key, value in process_batch(batch, run_id, sources_file=sources_file).items():
            totals[key] = totals.get(key, 0) + value
    summary["process"] = totals
    progress("[load]")
    summary["load"] = load_staged(run_id)
    progress("[quality]")
    summary["quality"] = check_quality(run_id)
    summary.update(update_reporting(run_id, progress))


def update_reporting(run_id: str, progress: Progress = _noop) -> dict[str, Any]:
    """The `update_reporting` DAG's task graph, in this process."""
    progress("[stories]")
    out: dict[str, Any] = {"stories": update_stories(run_id)}
    progress("[reporting]")
    out["reporting"] = refresh_reporting(run_id)
    out["quality_reporting"] = check_quality(run_id, scope="reporting")
    return out


# --------------------------------------------------------------------------- the whole run (CLI)


def run_pipeline(
    *,
    sources_file: str | Path | None = None,
    only: Sequence[str] | None = None,
    max_articles: int | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    progress: Progress = _noop,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The DAG's task graph, run in this process. Per-outlet failures are recorded, not raised."""
    run_id = run_id or new_run_id()
    params = {"outlets": list(only or []), "max_articles": max_articles,
              "since": since.isoformat() if since else None, "dry_run": dry_run}
    outlet_ids = list_outlets(run_id, sources_file=sources_file, only=only, params=params, trigger="cli",
                              dry_run=dry_run)
    summary: dict[str, Any] = {"run_id": run_id, "outlets": {}, "failed_outlets": {}}
    for i, outlet_id in enumerate(outlet_ids, 1):
        progress(f"[discover+fetch {i}/{len(outlet_ids)}] {outlet_id}")
        try:
            summary["outlets"][outlet_id] = discover_and_fetch(
                outlet_id, run_id, max_articles=max_articles, since=since, dry_run=dry_run,
                sources_file=sources_file, progress=progress,
            )
        except (PermanentError, OutletFailureError, OSError) as exc:  # one outlet's failure never stops the others
            log.error("outlet %s failed: %s", outlet_id, exc)
            summary["failed_outlets"][outlet_id] = str(exc)
    if dry_run:
        return summary
    _process_load_report(run_id, sources_file, progress, summary)
    return summary
