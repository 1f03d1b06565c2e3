"""newswatch.http.Fetcher against a loopback HTTP server started by the test.

No test sends a packet beyond 127.0.0.1: the autouse ``_no_foreign_connects`` fixture wraps
urllib3's connect and fails the test if anything else is dialled, which is also how the
private-address tests prove that refusal happens *before* connecting.
"""

from __future__ import annotations

import ipaddress
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3.util.connection
from newswatch.http import (
    ACCEPT_ENCODING,
    Fetcher,
    LocalHostGate,
    address_block_reason,
    is_refused,
    parse_retry_after,
)
from newswatch.models import Feed, Outlet

TEST_UA = "newswatch-test/1.0 (+https://example.invalid/newswatch)"

Handler = Callable[[BaseHTTPRequestHandler], None]


# --- loopback server -------------------------------------------------------------------------


@dataclass
class Hit:
    path: str
    at: float  # time.monotonic() when the request line arrived
    headers: dict[str, str]


@dataclass
class LoopbackServer:
    """A threaded stdlib HTTP server on 127.0.0.1:<random port> with per-path handlers."""

    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib naming
                with owner.lock:
                    owner.hits.append(
                        Hit(self.path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()})
                    )
                    owner.in_flight += 1
                    owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
                try:
                    handler = owner.routes.get(self.path) or owner.routes.get("*") or not_found
                    handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher hung up on purpose (size cap, timeout): expected
                finally:
                    with owner.lock:
                        owner.in_flight -= 1

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return  # keep test output quiet

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        # A short poll interval keeps shutdown() (and so each test's teardown) fast.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]


def respond(
    status: int = 200,
    body: bytes = b"",
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
    *,
    content_length: bool = True,
) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        if content_type:
            request.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        if content_length:
            request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


not_found = respond(404, b"<h1>Not found</h1>")
ARTICLE = b"<!doctype html><html><head><title>Harbour fire</title></head><body><p>Crews...</p></body></html>"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    srv.routes["/robots.txt"] = respond(404, b"", "text/plain")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _no_foreign_connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail loudly if the fetcher ever dials anything but loopback."""
    dialled: list[str] = []
    real = urllib3.util.connection.create_connection

    def guarded(address: tuple[str, int], *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        dialled.append(address[0])
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"test tried to connect to {address[0]}")
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(urllib3.util.connection, "create_connection", guarded)
    return dialled


def make_outlet(server: LoopbackServer, **overrides: object) -> Outlet:
    values: dict[str, object] = {
        "id": "loopback-gazette",
        "name": "Loopback Gazette",
        "homepage": server.url("/"),
        "feeds": (Feed(server.url("/feed.xml"), "rss"),),
        "allow_private_network": True,
        "min_delay_s": 0.0,
    }
    values.update(overrides)
    return Outlet(**values)  # type: ignore[arg-type]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(
        TEST_UA, max_bytes=1024 * 1024, connect_timeout=1.0, read_timeout=1.0, total_timeout=5.0,
        backoff_base_s=0.01, backoff_max_s=0.05,
    ) as f:  # fmt: skip
        yield f


# --- ordinary responses ----------------------------------------------------------------------


def test_ok_page_is_returned_with_lowercased_headers_and_identifying_request(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.routes["/news/harbour-fire"] = respond(200, ARTICLE, headers={"X-Story-Id": "42"})
    page = fetcher.fetch(server.url("/news/harbour-fire"), make_outlet(server))
    assert page.outcome == "ok" and page.ok
    assert page.status == 200
    assert page.body == ARTICLE
    assert page.final_url == page.url == server.url("/news/harbour-fire")
    assert page.redirects == ()
    assert page.headers["x-story-id"] == "42"
    assert all(key == key.lower() for key in page.headers)
    assert page.fetched_at.tzinfo is not None
    hit = next(h for h in server.hits if h.path == "/news/harbour-fire")
    assert hit.headers["user-agent"] == TEST_UA
    # Exactly what urllib3 can decode here: never br/zstd unless their packages are installed.
    assert hit.headers["accept-encoding"] == ACCEPT_ENCODING
    assert ACCEPT_ENCODING.startswith("gzip, deflate")


@pytest.mark.parametrize(
    ("status", "outcome"), [(404, "http_4xx"), (410, "http_4xx"), (500, "http_5xx"), (503, "http_5xx")]
)
def test_error_statuses_are_http_4xx_or_5xx_with_body_kept(
    server: LoopbackServer, fetcher: Fetcher, status: int, outcome: str
) -> None:
    server.routes["/gone"] = respond(status, b"<p>error page</p>")
    page = fetcher.fetch(server.url("/gone"), make_outlet(server))
    assert page.outcome == outcome
    assert page.status == status
    assert page.body == b"<p>error page</p>"
    assert str(status) in (page.error or "")


def test_not_modified(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/cached"] = respond(304, b"", content_length=False)
    assert fetcher.fetch(server.url("/cached"), make_outlet(server)).outcome == "not_modified"


def test_read_timeout_when_server_stalls(server: LoopbackServer) -> None:
    def stall(request: BaseHTTPRequestHandler) -> None:
        time.sleep(1.2)
        respond(200, ARTICLE)(request)

    server.routes["/slow"] = stall
    with Fetcher(TEST_UA, read_timeout=0.3, total_timeout=5.0, retries=0) as fetcher:
        started = time.monotonic()
        page = fetcher.fetch(server.url("/slow"), make_outlet(server))
    assert page.outcome == "timeout"
    assert "read timeout" in (page.error or "")
    assert time.monotonic() - started < 1.0


def test_total_time_cap_stops_a_slow_drip(server: LoopbackServer) -> None:
    """Each byte arrives within the read timeout, so only the total cap can stop this."""

    def drip(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        for _ in range(100):
            request.wfile.write(b"<p>")
            request.wfile.flush()
            time.sleep(0.05)

    server.routes["/drip"] = drip
    with Fetcher(TEST_UA, read_timeout=1.0, total_timeout=0.5) as fetcher:
        started = time.monotonic()
        page = fetcher.fetch(server.url("/drip"), make_outlet(server))
    assert page.outcome == "timeout"
    assert "total time cap" in (page.error or "")
    assert page.body == b""
    assert time.monotonic() - started < 1.5


# --- size caps -------------------------------------------------------------------------------


def test_declared_oversize_body_is_refused_without_reading(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/huge"] = respond(200, b"x" * (2 * 1024 * 1024))
    page = fetcher.fetch(server.url("/huge"), make_outlet(server))
    assert page.outcome == "too_large"
    assert "Content-Length" in (page.error or "")
    assert page.body == b""


def test_undeclared_oversize_body_is_cut_while_streaming(server: LoopbackServer, fetcher: Fetcher) -> None:
    # HTTP/1.0, no Content-Length: the body ends when the server closes the connection.
    server.routes["/endless"] = respond(200, b"<p>" * (1024 * 1024), content_length=False)
    page = fetcher.fetch(server.url("/endless"), make_outlet(server))
    assert page.outcome == "too_large"
    assert page.body == b""


def _gzip(data_chunks: Iterator[bytes]) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    return b"".join(compressor.compress(chunk) for chunk in data_chunks) + compressor.flush()


def test_gzip_body_is_decoded(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/gz"] = respond(200, _gzip(iter([ARTICLE])), headers={"Content-Encoding": "gzip"})
    page = fetcher.fetch(server.url("/gz"), make_outlet(server))
    assert page.outcome == "ok"
    assert page.body == ARTICLE


def test_gzip_bomb_is_cut_at_the_decoded_size_cap(server: LoopbackServer, fetcher: Fetcher) -> None:
    """64 MiB of HTML-ish zeros compresses to ~64 KiB: the cap must apply after decoding."""
    bomb = _gzip(b"\0" * (1024 * 1024) for _ in range(64))
    assert len(bomb) < 1024 * 1024 < fetcher.max_bytes + 1  # the wire size alone passes the cap
    server.routes["/bomb"] = respond(200, bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        page = fetcher.fetch(server.url("/bomb"), make_outlet(server))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page.outcome == "too_large"
    assert "after decompression" in (page.error or "")
    assert page.body == b""
    assert peak < 8 * fetcher.max_bytes  # never inflated the whole 64 MiB


# --- content types and encodings -------------------------------------------------------------


def test_article_must_be_html(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/report.pdf"] = respond(200, b"%PDF-1.7", "application/pdf")
    page = fetcher.fetch(server.url("/report.pdf"), make_outlet(server))
    assert page.outcome == "bad_content_type"
    assert "application/pdf" in (page.error or "")


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/rss+xml; charset=utf-8", "ok"),
        ("application/atom+xml", "ok"),
        ("application/feed+json", "ok"),
        ("text/xml", "ok"),
        ("application/x-gzip", "ok"),
        ("text/html", "bad_content_type"),
        ("image/png", "bad_content_type"),
    ],
)
def test_feed_content_types(
    server: LoopbackServer, fetcher: Fetcher, content_type: str, expected: str
) -> None:
    server.routes["/feed.xml"] = respond(200, b"<rss/>", content_type)
    page = fetcher.fetch(server.url("/feed.xml"), make_outlet(server), purpose="feed")
    assert page.outcome == expected


def test_unsupported_content_encoding_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    # brotli is installed (and advertised); an encoding we never asked for is still refused.
    server.routes["/x"] = respond(200, b"\x8b\x02\x80", headers={"Content-Encoding": "x-snappy"})
    page = fetcher.fetch(server.url("/x"), make_outlet(server))
    assert page.outcome == "bad_content_type"
    assert "x-snappy" in (page.error or "")


def test_brotli_bodies_are_decoded(server: LoopbackServer, fetcher: Fetcher) -> None:
    import brotli

    html = b"<html><body><p>Quellhaven harbour reopens.</p></body></html>"
    server.routes["/br"] = respond(200, brotli.compress(html), headers={"Content-Encoding": "br"})
    page = fetcher.fetch(server.url("/br"), make_outlet(server))
    assert page.outcome == "ok" and page.body == html


def test_unknown_purpose_is_a_programming_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    with pytest.raises(ValueError, match="purpose"):
        fetcher.fetch(server.url("/"), make_outlet(server), purpose="podcast")


@pytest.mark.parametrize("url", ["ftp://example.org/file", "http://", "not a url", "http://[::1/x"])
def test_invalid_urls(server: LoopbackServer, fetcher: Fetcher, url: str) -> None:
    page = fetcher.fetch(url, make_outlet(server))
    assert page.outcome == "invalid_url"
    assert server.hits == []


# --- redirects -------------------------------------------------------------------------------


def _redirect_chain(server: LoopbackServer, length: int) -> None:
    for step in range(length, 0, -1):
        server.routes[f"/r/{step}"] = respond(302, b"", headers={"Location": f"/r/{step - 1}"})
    server.routes["/r/0"] = respond(200, ARTICLE)


def test_redirect_chain_within_cap_is_followed(server: LoopbackServer) -> None:
    _redirect_chain(server, 3)
    with Fetcher(TEST_UA, max_redirects=3) as fetcher:
        page = fetcher.fetch(server.url("/r/3"), make_outlet(server))
    assert page.outcome == "ok"
    assert page.final_url == server.url("/r/0")
    assert page.redirects == (server.url("/r/3"), server.url("/r/2"), server.url("/r/1"))
    assert page.body == ARTICLE


def test_redirect_chain_over_cap(server: LoopbackServer) -> None:
    _redirect_chain(server, 6)
    with Fetcher(TEST_UA, max_redirects=3) as fetcher:
        page = fetcher.fetch(server.url("/r/6"), make_outlet(server))
    assert page.outcome == "too_many_redirects"
    assert len(page.redirects) == 4
    assert page.final_url == server.url("/r/2")  # where we stopped, not contacted
    assert "/r/2" not in server.paths()


@pytest.mark.parametrize(
    "target", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/x"]
)
def test_redirect_to_private_address_is_refused_before_connecting(
    server: LoopbackServer, fetcher: Fetcher, _no_foreign_connects: list[str], target: str
) -> None:
    """Outlet A may use its own loopback host, but a redirect elsewhere gets the full guard."""
    server.routes["/go"] = respond(302, b"", headers={"Location": target})
    page = fetcher.fetch(server.url("/go"), make_outlet(server))
    assert page.outcome == "blocked_address"
    assert page.final_url == target
    assert page.redirects == (server.url("/go"),)
    assert page.status is None  # never contacted
    assert all(ipaddress.ip_address(a).is_loopback for a in _no_foreign_connects)
    assert "::1" not in _no_foreign_connects


# --- private-address guard -------------------------------------------------------------------


def test_loopback_refused_for_an_outlet_that_is_not_allowlisted(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.routes["/"] = respond(200, ARTICLE)
    page = fetcher.fetch(server.url("/"), make_outlet(server, allow_private_network=False))
    assert page.outcome == "blocked_address"
    assert "loopback" in (page.error or "")
    assert server.hits == []  # not even robots.txt


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://localhost:9/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:a9fe:a9fe]/",  # 169.254.169.254, mapped
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[2002:7f00:1::1]/",  # 6to4 around 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
    ],
)
def test_private_and_special_addresses_are_refused(fetcher: Fetcher, url: str) -> None:
    outlet = Outlet(id="public-outlet", name="Public", homepage="https://news.example/")
    page = fetcher.fetch(url, outlet)
    assert page.outcome == "blocked_address", page.error
    assert page.status is None


def test_dns_rebinding_is_caught_at_connect_time(
    server: LoopbackServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First answer public (passes the pre-check), second answer loopback (at connect)."""
    import socket

    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1"])

    def rebinding(host: str, port: int, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if host == "rebind.example":
            return real_getaddrinfo(next(answers), port, *args, **kwargs)  # type: ignore[arg-type]
        return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = server.httpd.server_address[1]
    outlet = make_outlet(server, allow_private_network=False, robots_override_reason="test: no robots")
    page = fetcher.fetch(f"http://rebind.example:{port}/", outlet)
    assert page.outcome == "blocked_address"
    assert "refused at connect" in (page.error or "")
    assert server.hits == []


def test_allowlisted_outlet_still_cannot_reach_link_local(fetcher: Fetcher) -> None:
    outlet = Outlet(
        id="metadata", name="Metadata", homepage="http://169.254.169.254/", allow_private_network=True
    )
    page = fetcher.fetch("http://169.254.169.254/latest/meta-data/", outlet)
    assert page.outcome == "blocked_address"
    assert "link-local" in (page.error or "")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("169.254.169.254", "link-local"),
        ("240.0.0.1", "reserved"),
        ("::", "unspecified"),
        ("ff02::1", "multicast"),
    ],
)
def test_address_block_reason(address: str, reason: str | None) -> None:
    assert address_block_reason(ipaddress.ip_address(address)) == reason


def test_private_allowance_never_covers_always_blocked_classes() -> None:
    assert is_refused(ipaddress.ip_address("127.0.0.1"), allow_private=True) is None
    assert is_refused(ipaddress.ip_address("10.0.0.1"), allow_private=True) is None
    assert is_refused(ipaddress.ip_address("169.254.169.254"), allow_private=True) == "link-local"
    assert is_refused(ipaddress.ip_address("::ffff:169.254.169.254"), allow_private=True)


def test_tls_verification_is_on(fetcher: Fetcher) -> None:
    assert fetcher._strict_session.verify is True
    assert fetcher._private_session.verify is True


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_disallow_is_obeyed_and_fetched_once(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
    server.routes["/public/a"] = respond(200, ARTICLE)
    server.routes["/private/a"] = respond(200, ARTICLE)
    outlet = make_outlet(server)
    assert fetcher.fetch(server.url("/public/a"), outlet).outcome == "ok"
    blocked = fetcher.fetch(server.url("/private/a"), outlet)
    assert blocked.outcome == "robots_disallowed"
    assert "/private/a" not in server.paths()
    assert server.paths().count("/robots.txt") == 1
    side = fetcher.drain_side_fetches()
    assert [(purpose, page.outcome) for purpose, page in side] == [("robots", "ok")]
    assert fetcher.drain_side_fetches() == []


def test_robots_group_for_our_user_agent_wins(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nAllow: /\n\nUser-agent: newswatch-test\nDisallow: /\n", "text/plain"
    )
    page = fetcher.fetch(server.url("/story"), make_outlet(server))
    assert page.outcome == "robots_disallowed"


def test_robots_4xx_means_no_restrictions(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/story"] = respond(200, ARTICLE)
    assert fetcher.fetch(server.url("/story"), make_outlet(server)).outcome == "ok"


def test_robots_5xx_disallows_everything_for_the_run(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(503, b"busy", "text/plain")
    server.routes["/story"] = respond(200, ARTICLE)
    outlet = make_outlet(server)
    first = fetcher.fetch(server.url("/story"), outlet)
    second = fetcher.fetch(server.url("/story"), outlet)
    assert first.outcome == second.outcome == "robots_disallowed"
    assert "unreachable" in (first.error or "")
    # robots.txt itself was retried (503 is transient), then never asked for again this run.
    assert server.paths() == ["/robots.txt"] * (fetcher.retries + 1)
    side = fetcher.drain_side_fetches()
    assert [(purpose, page.outcome, page.status) for purpose, page in side] == [
        ("robots", "http_5xx", 503)
    ] * (fetcher.retries + 1)


def test_robots_override_with_reason_skips_robots(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /\n", "text/plain")
    server.routes["/story"] = respond(200, ARTICLE)
    outlet = make_outlet(server, robots_override_reason="Written permission from the publisher")
    assert fetcher.fetch(server.url("/story"), outlet).outcome == "ok"
    assert "/robots.txt" not in server.paths()


def _gaps(server: LoopbackServer, path: str) -> list[float]:
    times = [hit.at for hit in server.hits if hit.path == path]
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_crawl_delay_is_honoured(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nCrawl-delay: 0.3\n", "text/plain")
    server.routes["/story"] = respond(200, ARTICLE)
    outlet = make_outlet(server, min_delay_s=0.0)
    for _ in range(3):
        assert fetcher.fetch(server.url("/story"), outlet).outcome == "ok"
    gaps = _gaps(server, "/story")
    assert len(gaps) == 2 and min(gaps) >= 0.28, gaps


def test_excessive_crawl_delay_stops_fetching(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nCrawl-delay: 3600\n", "text/plain")
    page = fetcher.fetch(server.url("/story"), make_outlet(server))
    assert page.outcome == "robots_disallowed"
    assert "Crawl-delay" in (page.error or "")


# --- politeness ------------------------------------------------------------------------------


def test_per_host_minimum_delay_between_request_starts(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.routes["/story"] = respond(200, ARTICLE)
    outlet = make_outlet(server, min_delay_s=0.25)
    for _ in range(3):
        assert fetcher.fetch(server.url("/story"), outlet).outcome == "ok"
    gaps = _gaps(server, "/story")
    assert len(gaps) == 2 and min(gaps) >= 0.23, gaps
    assert max(gaps) < 1.0  # and no gratuitous waiting


def test_per_host_concurrency_limit_across_threads(server: LoopbackServer, fetcher: Fetcher) -> None:
    def slow(request: BaseHTTPRequestHandler) -> None:
        time.sleep(0.15)
        respond(200, ARTICLE)(request)

    server.routes["/slow"] = slow
    outlet = make_outlet(server, max_concurrency=1)
    fetcher.fetch(server.url("/robots-warmup"), outlet)  # robots.txt fetched before the race
    server.max_in_flight = 0
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(fetcher.fetch(server.url("/slow"), outlet).outcome))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert outcomes == ["ok", "ok", "ok"]
    assert server.max_in_flight == 1


# --- retries, Retry-After, host gates (API) --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 120 ", 120.0),
        ("99999999999999999999", float("inf")),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),  # RFC 9110: delay-seconds is an integer
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: go ahead
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date_in_the_future() -> None:
    from email.utils import format_datetime

    when = datetime.now(UTC) + timedelta(seconds=90)
    seconds = parse_retry_after(format_datetime(when, usegmt=True))
    assert seconds is not None and 85 <= seconds <= 91


@pytest.mark.parametrize(
    "kwargs", [{"retries": -1}, {"backoff_base_s": -0.1}, {"backoff_max_s": -1}, {"max_retry_after_s": -1}]
)
def test_retry_settings_are_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Fetcher(TEST_UA, **kwargs)  # type: ignore[arg-type]


def test_backoff_is_full_jitter_capped(server: LoopbackServer) -> None:
    """Retry n waits uniform(0, min(max, base * 2**(n-1))): measured on the gaps between attempts."""
    server.routes["/down"] = respond(503, b"down")
    with Fetcher(TEST_UA, retries=3, backoff_base_s=0.05, backoff_max_s=0.1) as fetcher:
        page = fetcher.fetch(server.url("/down"), make_outlet(server))
    assert page.outcome == "http_5xx" and "gave up after 4 attempts" in (page.error or "")
    gaps = _gaps(server, "/down")
    assert len(gaps) == 3
    assert all(gap < 0.1 + 0.1 for gap in gaps), gaps  # capped at backoff_max_s (+ request time)
    notes = [side.error or "" for purpose, side in fetcher.drain_side_fetches() if purpose == "article"]
    assert [n.split("; ")[-1].split(",")[0] for n in notes] == [
        "attempt 1 of 4", "attempt 2 of 4", "attempt 3 of 4"
    ]  # fmt: skip


def test_retries_zero_means_one_attempt(server: LoopbackServer) -> None:
    server.routes["/down"] = respond(503, b"down")
    with Fetcher(TEST_UA, retries=0) as fetcher:
        page = fetcher.fetch(server.url("/down"), make_outlet(server))
        assert [p for p, _ in fetcher.drain_side_fetches()] == ["robots"]
    assert page.outcome == "http_5xx" and page.error == "HTTP 503"
    assert server.paths().count("/down") == 1


@dataclass
class RecordingGate:
    """A HostGate that records every slot request and delegates to a LocalHostGate."""

    calls: list[tuple[str, float, int]] = field(default_factory=list)
    inner: LocalHostGate = field(default_factory=LocalHostGate)

    @contextmanager
    def slot(self, host: str, min_delay_s: float, max_concurrency: int) -> Iterator[None]:
        self.calls.append((host, min_delay_s, max_concurrency))
        with self.inner.slot(host, min_delay_s, max_concurrency):
            yield


def test_every_request_goes_through_the_host_gate(server: LoopbackServer) -> None:
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nCrawl-delay: 0.01\n", "text/plain")
    _redirect_chain(server, 2)
    server.routes["/flaky"] = _sequence(respond(500, b"x"), respond(200, ARTICLE))
    gate = RecordingGate()
    outlet = make_outlet(server, min_delay_s=0.0, max_concurrency=3)
    with Fetcher(TEST_UA, host_gate=gate, backoff_base_s=0.01) as fetcher:
        assert fetcher.host_gate is gate
        assert fetcher.fetch(server.url("/r/2"), outlet).outcome == "ok"
        assert fetcher.fetch(server.url("/flaky"), outlet).outcome == "ok"
    # robots.txt, /r/2, /r/1, /r/0, then /flaky twice: one slot per request, no more, no less.
    assert len(gate.calls) == len(server.hits) == 6
    assert {host for host, _, _ in gate.calls} == {"127.0.0.1"}
    assert gate.calls[0] == ("127.0.0.1", 0.0, 3)  # robots.txt itself: no Crawl-delay yet
    assert all(delay == 0.01 and limit == 3 for _, delay, limit in gate.calls[1:])


def test_default_gate_is_local_and_can_be_shared(server: LoopbackServer) -> None:
    server.routes["/story"] = respond(200, ARTICLE)
    outlet = make_outlet(server, min_delay_s=0.2)
    shared = LocalHostGate()
    with Fetcher(TEST_UA, host_gate=shared) as one, Fetcher(TEST_UA, host_gate=shared) as two:
        assert isinstance(Fetcher(TEST_UA).host_gate, LocalHostGate)
        one.fetch(server.url("/story"), outlet)
        two.fetch(server.url("/story"), outlet)  # a second Fetcher still waits its turn
    gaps = _gaps(server, "/story")
    assert len(gaps) == 1 and gaps[0] >= 0.18, gaps


def test_retry_sleep_does_not_hold_the_host_slot(server: LoopbackServer) -> None:
    """With one slot per host, a fetch waiting 1 s to retry must not block another fetch."""
    server.routes["/busy"] = _sequence(
        respond(503, b"busy", "text/plain", {"Retry-After": "1"}), respond(200, ARTICLE)
    )
    server.routes["/story"] = respond(200, ARTICLE)
    outlet = make_outlet(server, max_concurrency=1)
    with Fetcher(TEST_UA) as fetcher:
        fetcher.fetch(server.url("/warmup"), outlet)  # robots.txt fetched before the race
        done: dict[str, float] = {}

        def fetch_busy() -> None:
            assert fetcher.fetch(server.url("/busy"), outlet).outcome == "ok"
            done["busy"] = time.monotonic()

        started = time.monotonic()
        thread = threading.Thread(target=fetch_busy)
        thread.start()
        while server.paths().count("/busy") < 1:
            time.sleep(0.005)
        time.sleep(0.05)  # /busy is now sleeping until its retry
        assert fetcher.fetch(server.url("/story"), outlet).outcome == "ok"
        done["story"] = time.monotonic()
        thread.join(timeout=5)
    assert done["story"] - started < 0.6  # did not wait for the 1 s retry sleep
    assert done["busy"] - started >= 0.95


def _sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one repeats."""
    calls: list[int] = []

    def handler(request: BaseHTTPRequestHandler) -> None:
        calls.append(1)
        handlers[min(len(calls), len(handlers)) - 1](request)

    return handler
