"""Discovery and fetching against a misbehaving loopback site, with a real PostgreSQL: every
attempt is a row, bodies are stored once, conditional GETs come back 304, a failing outlet fails
its own task (after storing everything) while the others carry on, and politeness holds across
processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from newswatch import db, jobs
from newswatch.errors import OutletFailureError
from newswatch.politeness import PgHostGate

pytestmark = pytest.mark.integration

ARTICLE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="2026-03-1{n}T09:00:00Z"></head>
<body><article><h1>{title}</h1>
<p>The harbour authority of Fictonia said on Tuesday that {n} new cranes would arrive in spring.</p>
<p>“We are ready for the ships,” said Mara Quell, the authority's director, at a briefing.</p>
</article></body></html>"""


class Site:
    """Two outlets on one loopback server: 'good' (mostly fine) and 'broken' (mostly failing)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.feed_modified = "Mon, 09 Mar 2026 10:00:00 GMT"
        self.edition = ""  # appended to every article: a silent edit when it changes
        self.lastmod = "2026-03-09T10:00:00Z"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                site.route(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()

    def send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path == "/robots.txt":
            return self.send(h, 200, b"User-agent: *\nDisallow: /good/private/\n", "text/plain")
        if path == "/good/sitemap.xml":
            if h.headers.get("If-Modified-Since") == self.feed_modified:
                return self.send(h, 304, b"", "application/xml")
            urls = [f"/good/a{n}.html" for n in range(1, 5)] + ["/good/missing.html", "/good/private/x.html",
                                                                   "/good/dup.html"]
            body = "".join(f"<url><loc>{self.base}{u}</loc><lastmod>{self.lastmod}</lastmod></url>" for u in urls)
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
            return self.send(h, 200, xml.encode(), "application/xml", {"Last-Modified": self.feed_modified})
        if path.startswith("/good/a") or path == "/good/dup.html":
            n = path[7] if path.startswith("/good/a") else "1"  # dup.html has a1's exact bytes
            etag = f'"a{n}{len(self.edition)}"'
            if h.headers.get("If-None-Match") == etag:
                return self.send(h, 304, b"", "text/html")
            body = ARTICLE.format(n=n, title=f"Cranes for Fictonia, part {n}").encode()
            if self.edition:  # worded differently per article, or it would be learned as boilerplate
                names = {"1": "Adler", "2": "Brook", "3": "Crane", "4": "Dune"}
                edit = f"<p>{self.edition} Ask {names.get(n, 'Adler')} for details.</p>"
                body = body.replace(b"</article>", edit.encode() + b"</article>")
            return self.send(h, 200, body, "text/html; charset=utf-8", {"ETag": etag})
        if path == "/broken/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base}/broken/p{n}.html</loc></url>" for n in range(6))
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return self.send(h, 200, xml.encode(), "application/xml")
        if path == "/broken/p0.html":
            return self.send(h, 200, ARTICLE.format(n=0, title="The one page that works").encode(), "text/html")
        if path.startswith("/broken/"):
            return self.send(h, 503, b"down for maintenance", "text/plain", {"Retry-After": "0"})
        return self.send(h, 404, b"not here", "text/plain")

    def sources(self, path: Path) -> Path:
        path.write_text(f"""outlets:
  - id: good
    name: Good Gazette
    homepage: {self.base}/good/
    country: FC
    language: en
    allow_private_network: true
    politeness: {{min_delay_s: 0.0, max_concurrency: 4}}
    feeds:
      - url: {self.base}/good/sitemap.xml
        kind: sitemap
  - id: broken
    name: Broken Bugle
    homepage: {self.base}/broken/
    country: FC
    language: en
    allow_private_network: true
    politeness: {{min_delay_s: 0.0, max_concurrency: 4}}
    feeds:
      - url: {self.base}/broken/sitemap.xml
        kind: sitemap
""")
        return path


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Site, Path]]:
    s = Site()
    try:
        yield s, s.sources(tmp_path / "sources.yaml")
    finally:
        s.close()


def _rows(sql: str, args: tuple = ()) -> list[tuple]:
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def test_every_attempt_recorded_and_bodies_stored_once(fresh_db: str, site: tuple[Site, Path]) -> None:
    s, sources = site
    run = jobs.new_run_id("t")
    jobs.list_outlets(run, sources_file=sources)
    counts = jobs.discover_and_fetch("good", run, sources_file=sources)
    assert counts["fetched_ok"] == 5 and counts["fetch_failed"] == 2  # 404 + robots-disallowed
    outcomes = dict(_rows("SELECT outcome, count(*) FROM raw.fetches WHERE purpose = 'article' GROUP BY 1"))
    assert outcomes == {"ok": 5, "http_4xx": 1, "robots_disallowed": 1}
    assert "/good/private/x.html" not in s.hits  # robots.txt obeyed: never requested
    # a1.html and dup.html carry identical bytes: one stored body
    shared = _rows("""SELECT count(DISTINCT body_sha256), count(*) FROM raw.fetches
                      WHERE url LIKE '%%/a1.html' OR url LIKE '%%/dup.html'""")
    assert shared == [(1, 2)]
    assert _rows("SELECT count(*) FROM raw.bodies WHERE compression = 'zlib'")[0][0] >= 5
    # the raw archive is enough to re-run extraction: a stored body reads back intact
    for batch in jobs.plan_batches(run):
        assert jobs.process_batch(batch, run, sources_file=sources)["staged"] == len(batch)


def test_second_run_is_conditional(fresh_db: str, site: tuple[Site, Path]) -> None:
    s, sources = site
    first = jobs.new_run_id("t")
    jobs.list_outlets(first, sources_file=sources)
    jobs.discover_and_fetch("good", first, sources_file=sources)
    hits_before = dict(s.hits)
    second = jobs.new_run_id("t")
    counts = jobs.discover_and_fetch("good", second, sources_file=sources)
    assert counts["fetched_ok"] == 0 and counts["refetched"] == 0
    feed = _rows("SELECT outcome, status FROM raw.fetches WHERE run_id = %s AND purpose = 'sitemap'", (second,))
    assert feed == [("not_modified", 304)]
    assert s.hits["/good/a2.html"] == hits_before["/good/a2.html"]  # not fetched again

    # The sitemap now says a2 changed after our fetch: re-fetched conditionally, 304 recorded.
    time.sleep(1.1)  # sitemap times have one-second resolution
    s.feed_modified = format_datetime(datetime.now(UTC), usegmt=True)
    s.lastmod = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    third = jobs.new_run_id("t")
    counts = jobs.discover_and_fetch("good", third, sources_file=sources)
    assert counts["not_modified"] >= 1
    statuses = _rows("SELECT DISTINCT outcome FROM raw.fetches WHERE run_id = %s AND purpose = 'article'", (third,))
    assert ("not_modified",) in statuses


def test_failing_outlet_fails_alone_after_storing_everything(
    fresh_db: str, site: tuple[Site, Path], caplog: pytest.LogCaptureFixture
) -> None:
    _s, sources = site
    run = jobs.new_run_id("t")
    jobs.list_outlets(run, sources_file=sources)
    with pytest.raises(OutletFailureError, match="broken"):
        jobs.discover_and_fetch("broken", run, sources_file=sources)
    assert any("ALERT outlet=broken" in r.getMessage() for r in caplog.records)
    stored = dict(_rows("""SELECT outcome, count(*) FROM raw.fetches
                           WHERE outlet_id = 'broken' AND purpose = 'article' GROUP BY 1"""))
    assert stored.get("ok") == 1 and stored.get("http_5xx", 0) >= 5  # every attempt kept, retries included

    # Through the whole run, the good outlet still loads.
    summary = jobs.run_pipeline(sources_file=sources)
    assert "broken" in summary["failed_outlets"]
    assert summary["outlets"]["good"]["fetched_ok"] == 5
    assert _rows("SELECT count(*) FROM core.articles WHERE outlet_id = 'good'")[0][0] >= 4


def test_host_politeness_is_shared_across_gates(fresh_db: str) -> None:
    """Two gates (two connections, as two Airflow workers would have) share one host's limits."""
    starts: list[float] = []
    inside = {"now": 0, "max": 0}
    lock = threading.Lock()

    def worker() -> None:
        with PgHostGate(fresh_db) as gate:
            for _ in range(3):
                with gate.slot("shared.example", min_delay_s=0.2, max_concurrency=1):
                    with lock:
                        starts.append(time.monotonic())
                        inside["now"] += 1
                        inside["max"] = max(inside["max"], inside["now"])
                    time.sleep(0.02)
                    with lock:
                        inside["now"] -= 1

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 6
    assert inside["max"] == 1
    assert min(gaps) >= 0.18  # the 0.2 s delay held between processes' requests


def test_silent_edit_keeps_the_previous_version(fresh_db: str, site: tuple[Site, Path]) -> None:
    s, sources = site
    first = jobs.run_pipeline(sources_file=sources, only=["good"])
    assert first["load"]["articles_inserted"] >= 4
    time.sleep(1.1)
    s.edition = "Correction: an earlier version of this article misstated the number of cranes."
    s.feed_modified = format_datetime(datetime.now(UTC), usegmt=True)
    s.lastmod = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    second = jobs.run_pipeline(sources_file=sources, only=["good"])
    assert second["outlets"]["good"]["refetched"] >= 4
    assert second["load"]["articles_inserted"] == 0 and second["load"]["articles_updated"] >= 4
    versions = _rows("""SELECT a.body LIKE '%%Correction%%', v.body LIKE '%%Correction%%', v.replaced_by_fetch_id = a.fetch_id
                        FROM core.article_versions v JOIN core.articles a USING (article_id)""")
    assert len(versions) >= 4
    assert all(row == (True, False, True) for row in versions)
