"""Fault injection: newswatch.http.Fetcher (and feeds.parse_feed) against a misbehaving server.

A loopback server (stdlib ThreadingHTTPServer on 127.0.0.1:<random port>) plays every bad
server we know: slow drips, stalls, flaky 5xx, 429s, redirect loops, redirects to other hosts
and to the cloud metadata address, endless and bomb bodies, corrupt compression, lying
charsets and content types, robots.txt rules, conditional GETs and hostile feeds. Handlers that
must break HTTP write raw bytes to the socket.

Every case asserts the recorded outcome, a generous wall-time bound (behaviour, not speed), and
that a normal fetch through the same Fetcher still works afterwards: one bad URL never spoils
the rest of the run. No test sends a packet beyond loopback: ``_no_foreign_connects`` fails the
test if anything else is dialled (which is also how the guard cases prove they refused *before*
connecting).
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3.util.connection
from newswatch.feeds import ParsedFeed, discover_outlet, parse_feed
from newswatch.http import Fetcher
from newswatch.models import Feed, Outlet, RawPage

TEST_UA = "newswatch-test/1.0 (+https://example.invalid/newswatch)"
MIB = 1024 * 1024
CAP = 5 * MIB  # the production default (settings.max_response_bytes)
ARTICLE = (
    b"<!doctype html><html><head><title>Quay reopens</title></head><body><p>Ferries run.</p></body></html>"
)

Handler = Callable[[BaseHTTPRequestHandler], None]


# --- the fault server ------------------------------------------------------------------------


@dataclass
class Hit:
    path: str
    at: float  # time.monotonic() when the request line arrived
    headers: dict[str, str]
    client_port: int  # one per TCP connection: tells keep-alive reuse apart from new connections


@dataclass
class FaultServer:
    """Threaded stdlib server with per-path handlers; records every request it sees."""

    host: str = "127.0.0.1"
    protocol: str = "HTTP/1.0"  # HTTP/1.1 for keep-alive (handlers must then send Content-Length)
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    bytes_sent: dict[str, int] = field(default_factory=dict)

    def start(self) -> FaultServer:
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = owner.protocol
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 - stdlib naming
                headers = {k.lower(): v for k, v in self.headers.items()}
                with owner.lock:
                    owner.hits.append(Hit(self.path, time.monotonic(), headers, self.client_address[1]))
                handler = owner.routes.get(self.path) or not_found
                try:
                    handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher hung up on purpose (size cap, timeout): expected

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return  # keep test output quiet

        self.httpd = ThreadingHTTPServer((self.host, 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes stalled handlers
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}{path}"

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.path == path)

    def times(self, path: str) -> list[float]:
        return [hit.at for hit in self.hits if hit.path == path]


def respond(
    status: int = 200,
    body: bytes = b"",
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Handler:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        if content_type:
            request.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one repeats."""
    calls = iter(range(10**6))

    def handler(request: BaseHTTPRequestHandler) -> None:
        n = next(calls)
        handlers[min(n, len(handlers) - 1)](request)

    return handler


def raw_head(request: BaseHTTPRequestHandler, lines: list[str]) -> None:
    """Write a status line and headers by hand (no Content-Length unless given)."""
    request.wfile.write(("\r\n".join(["HTTP/1.1 200 OK", *lines]) + "\r\n\r\n").encode("latin-1"))
    request.wfile.flush()


not_found = respond(404, b"<h1>Not found</h1>")


def gzip_bytes(chunks: Iterator[bytes] | list[bytes]) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    return b"".join(compressor.compress(chunk) for chunk in chunks) + compressor.flush()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer().start()
    srv.routes["/robots.txt"] = respond(404, b"", "text/plain")
    srv.routes["/ok"] = respond(200, ARTICLE)
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _no_foreign_connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail loudly if the fetcher ever dials anything but loopback; record what it dials."""
    dialled: list[str] = []
    real = urllib3.util.connection.create_connection

    def guarded(address: tuple[str, int], *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        dialled.append(address[0])
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"test tried to connect to {address[0]}")
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(urllib3.util.connection, "create_connection", guarded)
    return dialled


def make_outlet(server: FaultServer, **overrides: object) -> Outlet:
    values: dict[str, object] = {
        "id": "loopback-courier",
        "name": "Loopback Courier",
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
        TEST_UA, max_bytes=CAP, connect_timeout=1.0, read_timeout=0.5, total_timeout=2.0,
        retries=2, backoff_base_s=0.01, backoff_max_s=0.05, max_retry_after_s=5.0,
    ) as f:  # fmt: skip
        yield f


@contextmanager
def within(seconds: float) -> Iterator[None]:
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"took {elapsed:.2f}s, bound {seconds}s"


def still_works(server: FaultServer, fetcher: Fetcher, outlet: Outlet | None = None) -> None:
    """The rest of the run is unaffected: a normal page through the same Fetcher is fine."""
    fetcher.drain_side_fetches()
    page = fetcher.fetch(server.url("/ok"), outlet or make_outlet(server))
    assert page.outcome == "ok", page.error
    assert page.body == ARTICLE


def attempts(fetcher: Fetcher, purpose: str = "article") -> list[RawPage]:
    """The earlier attempts of retried fetches handed over for archiving (robots.txt excluded)."""
    return [page for p, page in fetcher.drain_side_fetches() if p == purpose]


# --- slow and stalled servers ----------------------------------------------------------------


def test_slow_drip_is_stopped_by_the_total_cap_and_not_retried(server: FaultServer, fetcher: Fetcher) -> None:
    """One byte every 100 ms: each read is within the read timeout, only the total cap helps."""

    def drip(request: BaseHTTPRequestHandler) -> None:
        raw_head(request, ["Content-Type: text/html", "Content-Length: 1000"])
        for _ in range(1000):
            if server.stopping.wait(0.1):
                return
            request.wfile.write(b"x")
            request.wfile.flush()

    server.routes["/drip"] = drip
    with within(5.0):
        page = fetcher.fetch(server.url("/drip"), make_outlet(server))
    assert page.outcome == "timeout"
    assert "total time cap" in (page.error or "")
    assert page.body == b""
    assert server.count("/drip") == 1  # the budget is spent: a retry would be pointless
    assert attempts(fetcher) == []
    still_works(server, fetcher)


def test_stall_after_headers_is_a_read_timeout_retried_then_given_up(
    server: FaultServer, fetcher: Fetcher
) -> None:
    def stall(request: BaseHTTPRequestHandler) -> None:
        raw_head(request, ["Content-Type: text/html", "Content-Length: 5000"])
        request.wfile.write(b"<p>")
        server.stopping.wait(10)

    server.routes["/stall"] = stall
    with within(5.0):
        page = fetcher.fetch(server.url("/stall"), make_outlet(server))
    assert page.outcome == "timeout"
    assert "read timeout" in (page.error or "")
    assert "gave up after 3 attempts" in (page.error or "")
    assert server.count("/stall") == 3
    earlier = attempts(fetcher)
    assert [p.outcome for p in earlier] == ["timeout", "timeout"]
    assert all("retried after" in (p.error or "") for p in earlier)
    still_works(server, fetcher)


# --- retries ---------------------------------------------------------------------------------


def test_500_then_200_is_retried_and_both_attempts_are_reported(
    server: FaultServer, fetcher: Fetcher
) -> None:
    server.routes["/flaky"] = sequence(respond(500, b"<p>oops</p>"), respond(200, ARTICLE))
    with within(5.0):
        page = fetcher.fetch(server.url("/flaky"), make_outlet(server))
    assert page.outcome == "ok" and page.status == 200 and page.body == ARTICLE
    assert page.error is None
    earlier = attempts(fetcher)
    assert [(p.outcome, p.status, p.body) for p in earlier] == [("http_5xx", 500, b"<p>oops</p>")]
    assert earlier[0].url == page.url
    assert earlier[0].fetched_at <= page.fetched_at
    assert "attempt 1 of 3" in (earlier[0].error or "")
    assert server.count("/flaky") == 2
    still_works(server, fetcher)


def test_persistent_503_gives_up_after_all_attempts(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/down"] = respond(503, b"<p>maintenance</p>")
    with within(5.0):
        page = fetcher.fetch(server.url("/down"), make_outlet(server))
    assert (page.outcome, page.status) == ("http_5xx", 503)
    assert "gave up after 3 attempts" in (page.error or "")
    assert [p.status for p in attempts(fetcher)] == [503, 503]
    assert server.count("/down") == 3
    still_works(server, fetcher)


@pytest.mark.parametrize("status", [403, 404, 410, 501])
def test_permanent_errors_are_not_retried(server: FaultServer, fetcher: Fetcher, status: int) -> None:
    server.routes["/nope"] = respond(status, b"<p>no</p>")
    page = fetcher.fetch(server.url("/nope"), make_outlet(server))
    assert page.outcome == ("http_4xx" if status < 500 else "http_5xx")
    assert server.count("/nope") == 1
    assert attempts(fetcher) == []
    still_works(server, fetcher)


def test_429_with_retry_after_1_is_honoured(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/busy"] = sequence(
        respond(429, b"slow down", "text/plain", {"Retry-After": "1"}), respond(200, ARTICLE)
    )
    with within(5.0):
        page = fetcher.fetch(server.url("/busy"), make_outlet(server))
    assert page.outcome == "ok"
    first, second = server.times("/busy")
    assert second - first >= 0.95  # the server's 1 s, not our 10 ms backoff
    assert [(p.outcome, p.status) for p in attempts(fetcher)] == [("http_4xx", 429)]
    still_works(server, fetcher)


def test_429_with_retry_after_3600_is_not_waited_for(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/busy"] = respond(429, b"come back tomorrow", "text/plain", {"Retry-After": "3600"})
    with within(2.0):
        page = fetcher.fetch(server.url("/busy"), make_outlet(server))
    assert (page.outcome, page.status) == ("http_4xx", 429)
    assert "Retry-After 3600s exceeds our limit" in (page.error or "")
    assert page.headers["retry-after"] == "3600"  # kept for whoever schedules the next run
    assert server.count("/busy") == 1
    assert attempts(fetcher) == []
    still_works(server, fetcher)


# --- redirects and the address guard ---------------------------------------------------------


@pytest.mark.parametrize("chain", [["/a", "/b"], ["/self"]], ids=["a-b-a", "self"])
def test_redirect_loop(server: FaultServer, fetcher: Fetcher, chain: list[str]) -> None:
    for here, there in zip(chain, chain[1:] + chain[:1], strict=True):
        server.routes[here] = respond(302, b"", headers={"Location": there})
    with within(5.0):
        page = fetcher.fetch(server.url(chain[0]), make_outlet(server))
    assert page.outcome == "redirect_loop"
    assert page.redirects == tuple(server.url(p) for p in chain)
    assert page.final_url == server.url(chain[0])
    assert page.status == 302
    assert [server.count(p) for p in chain] == [1] * len(chain)  # detected, not re-fetched
    assert attempts(fetcher) == []
    still_works(server, fetcher)


def test_redirect_to_another_loopback_host_is_refused(
    server: FaultServer, fetcher: Fetcher, _no_foreign_connects: list[str]
) -> None:
    """The private-network allowance covers the outlet's own hosts only, not 127.0.0.2."""
    other = FaultServer(host="127.0.0.2").start()
    try:
        other.routes["/internal"] = respond(200, ARTICLE)
        target = other.url("/internal")
        server.routes["/go"] = respond(302, b"", headers={"Location": target})
        with within(5.0):
            page = fetcher.fetch(server.url("/go"), make_outlet(server))
    finally:
        other.stop()
    assert page.outcome == "blocked_address"
    assert "loopback" in (page.error or "")
    assert page.final_url == target and page.status is None
    assert other.hits == []  # not even its robots.txt
    assert "127.0.0.2" not in _no_foreign_connects
    still_works(server, fetcher)


def test_redirect_to_cloud_metadata_is_refused_without_connecting(
    server: FaultServer, fetcher: Fetcher, _no_foreign_connects: list[str]
) -> None:
    target = "http://169.254.169.254/latest/meta-data"
    server.routes["/go"] = respond(302, b"", headers={"Location": target})
    with within(5.0):
        page = fetcher.fetch(server.url("/go"), make_outlet(server))
    assert page.outcome == "blocked_address"
    assert "link-local" in (page.error or "")
    assert page.final_url == target and page.status is None
    assert set(_no_foreign_connects) == {"127.0.0.1"}
    assert attempts(fetcher) == []  # a refusal is never retried
    still_works(server, fetcher)


def test_redirect_with_a_dripping_body_is_not_waited_for(server: FaultServer, fetcher: Fetcher) -> None:
    def drip_redirect(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"HTTP/1.0 302 Found\r\nLocation: /ok\r\nContent-Type: text/html\r\n\r\n")
        for _ in range(100):
            if server.stopping.wait(0.1):
                return
            request.wfile.write(b"m")

    server.routes["/moved"] = drip_redirect
    with within(1.5):
        page = fetcher.fetch(server.url("/moved"), make_outlet(server))
    assert page.outcome == "ok" and page.final_url == server.url("/ok")


def test_redirect_with_a_gzip_bomb_body_is_never_read(
    server: FaultServer, fetcher: Fetcher, gzip_bomb: bytes
) -> None:
    """requests reads redirect bodies whole even with allow_redirects=False; we must not let it."""
    server.routes["/moved"] = respond(302, gzip_bomb, headers={"Location": "/ok", "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with within(5.0):
            page = fetcher.fetch(server.url("/moved"), make_outlet(server))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page.outcome == "ok" and page.final_url == server.url("/ok")
    assert peak < 20 * 1000 * 1000, f"peak {peak / 1e6:.1f} MB"


def test_connections_are_reused_across_redirects_and_304s(fetcher: Fetcher) -> None:
    """Keep-alive survives small redirect bodies and 304s; a big redirect body closes instead."""
    srv = FaultServer(protocol="HTTP/1.1").start()
    try:
        srv.routes["/robots.txt"] = respond(404, b"none", "text/plain")
        srv.routes["/ok"] = respond(200, ARTICLE)
        srv.routes["/old"] = respond(301, b"<a href=/story>moved</a>", headers={"Location": "/story"})
        srv.routes["/story"] = sequence(respond(200, ARTICLE, headers={"ETag": '"s1"'}), respond(304, b""))
        srv.routes["/old-big"] = respond(301, b"x" * MIB, headers={"Location": "/ok"})
        outlet = make_outlet(srv)
        assert fetcher.fetch(srv.url("/old"), outlet).outcome == "ok"
        assert fetcher.fetch(srv.url("/story"), outlet, etag='"s1"').outcome == "not_modified"
        assert fetcher.fetch(srv.url("/ok"), outlet).outcome == "ok"
        assert len({hit.client_port for hit in srv.hits}) == 1, [(h.path, h.client_port) for h in srv.hits]
        assert fetcher.fetch(srv.url("/old-big"), outlet).outcome == "ok"
        ports = [hit.client_port for hit in srv.hits]
        assert ports[-1] != ports[-2]  # the 1 MiB redirect body was not read: new connection after
    finally:
        srv.stop()


# --- size caps -------------------------------------------------------------------------------


def _endless(server: FaultServer, total: int, declare: bool) -> Handler:
    chunk = b"<p>" + b"x" * (64 * 1024 - 3)  # reused: the server itself must stay small in memory

    def handler(request: BaseHTTPRequestHandler) -> None:
        lines = ["Content-Type: text/html"] + ([f"Content-Length: {total}"] if declare else [])
        raw_head(request, lines)
        sent = 0
        try:
            while sent < total and not server.stopping.is_set():
                request.wfile.write(chunk)
                sent += len(chunk)
        finally:
            server.bytes_sent[request.path] = sent

    return handler


def test_50_mib_body_is_cut_at_the_cap_with_bounded_memory(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/huge"] = _endless(server, 50 * MIB, declare=False)
    tracemalloc.start()
    try:
        with within(5.0):
            page = fetcher.fetch(server.url("/huge"), make_outlet(server))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page.outcome == "too_large"
    assert page.body == b""
    assert peak < 20 * 1000 * 1000, f"peak {peak / 1e6:.1f} MB"
    assert server.count("/huge") == 1  # never retried
    deadline = time.monotonic() + 2
    while "/huge" not in server.bytes_sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.bytes_sent["/huge"] < 20 * MIB  # we hung up; the server did not send it all
    still_works(server, fetcher)


def test_50_mib_declared_body_is_refused_before_reading(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/huge"] = _endless(server, 50 * MIB, declare=True)
    with within(5.0):
        page = fetcher.fetch(server.url("/huge"), make_outlet(server))
    assert page.outcome == "too_large"
    assert "Content-Length" in (page.error or "")
    still_works(server, fetcher)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """200 MiB of zeros in ~200 KiB of gzip."""
    zeros = b"\0" * MIB
    return gzip_bytes(zeros for _ in range(200))


@pytest.mark.parametrize("layers", [1, 2])
def test_gzip_bomb_is_cut_after_decompression(
    server: FaultServer, fetcher: Fetcher, gzip_bomb: bytes, layers: int
) -> None:
    body = gzip_bomb if layers == 1 else gzip_bytes([gzip_bomb])
    assert len(body) < CAP  # the wire size alone passes the cap
    encoding = ", ".join(["gzip"] * layers)
    server.routes["/bomb"] = respond(200, body, headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with within(5.0):
            page = fetcher.fetch(server.url("/bomb"), make_outlet(server))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page.outcome == "too_large"
    assert "after decompression" in (page.error or "")
    assert peak < 20 * 1000 * 1000, f"peak {peak / 1e6:.1f} MB"
    still_works(server, fetcher)


def test_brotli_bomb_is_cut_after_decompression(server: FaultServer, fetcher: Fetcher) -> None:
    import brotli

    body = brotli.compress(b"\0" * (64 * MIB), quality=5)
    assert len(body) < CAP
    server.routes["/br-bomb"] = respond(200, body, headers={"Content-Encoding": "br"})
    tracemalloc.start()
    try:
        with within(5.0):
            page = fetcher.fetch(server.url("/br-bomb"), make_outlet(server))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page.outcome == "too_large"
    assert "after decompression" in (page.error or "")
    assert peak < 40 * 1000 * 1000, f"peak {peak / 1e6:.1f} MB"
    still_works(server, fetcher)


# --- corrupt encodings, lying charsets and content types --------------------------------------


def _corrupt_bodies() -> dict[str, tuple[str, bytes]]:
    good = gzip_bytes([ARTICLE * 50])
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF
    deflated = zlib.compress(ARTICLE * 50)
    return {
        "garbage": ("gzip", b"this is not gzip at all, just text"),
        "plain html labelled gzip": ("gzip", ARTICLE),
        "flipped byte": ("gzip", bytes(flipped)),
        "truncated": ("gzip", good[: len(good) // 2]),
        "bad deflate": ("deflate", b"\x78\x9c" + b"\xff" * 40),
        "truncated deflate": ("deflate", deflated[: len(deflated) // 2]),
    }


@pytest.mark.parametrize("case", list(_corrupt_bodies()))
def test_corrupt_content_encoding_is_decode_error(server: FaultServer, fetcher: Fetcher, case: str) -> None:
    encoding, body = _corrupt_bodies()[case]
    server.routes["/corrupt"] = respond(200, body, headers={"Content-Encoding": encoding})
    with within(5.0):
        page = fetcher.fetch(server.url("/corrupt"), make_outlet(server))
    assert page.outcome == "decode_error", (page.outcome, page.error)
    assert page.body == b""
    assert server.count("/corrupt") == 1  # the server will send the same bytes again
    still_works(server, fetcher)


def test_good_gzip_and_deflate_still_decode(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/gz"] = respond(200, gzip_bytes([ARTICLE]), headers={"Content-Encoding": "gzip"})
    server.routes["/zz"] = respond(200, zlib.compress(ARTICLE), headers={"Content-Encoding": "deflate"})
    assert fetcher.fetch(server.url("/gz"), make_outlet(server)).body == ARTICLE
    assert fetcher.fetch(server.url("/zz"), make_outlet(server)).body == ARTICLE


CP1252_BODY = "<html><body><p>Caf\u00e9 owner said \u201cno\u201d.</p></body></html>".encode("cp1252")
SJIS_BODY = "<html><body><p>\u6771\u4eac\u306e\u30cb\u30e5\u30fc\u30b9</p></body></html>".encode("shift_jis")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=utf-8", CP1252_BODY),  # wrong: the bytes are windows-1252
        ("text/html", SJIS_BODY),  # missing
        ("text/html; charset=x-no-such-charset", CP1252_BODY),  # unknown
        ("text/html; charset=utf-8", b"<p>\xff\xfe\xc3(</p>"),  # not valid in any UTF
    ],
    ids=["wrong-charset", "missing-charset", "unknown-charset", "invalid-bytes"],
)
def test_charsets_are_not_our_business_bytes_are_kept_exactly(
    server: FaultServer, fetcher: Fetcher, content_type: str, body: bytes
) -> None:
    server.routes["/page"] = respond(200, body, content_type)
    page = fetcher.fetch(server.url("/page"), make_outlet(server))
    assert page.outcome == "ok"
    assert page.body == body  # decoding is extract's job, with the header as one witness
    assert page.headers["content-type"] == content_type
    still_works(server, fetcher)


def test_html_served_as_octet_stream(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/page"] = respond(200, ARTICLE, "application/octet-stream")
    page = fetcher.fetch(server.url("/page"), make_outlet(server), purpose="article")
    assert page.outcome == "bad_content_type"
    assert "application/octet-stream" in (page.error or "")
    assert page.body == b""
    # The same type is fine for a sitemap (sitemap.xml.gz is commonly served that way).
    assert fetcher.fetch(server.url("/page"), make_outlet(server), purpose="sitemap").outcome == "ok"
    still_works(server, fetcher)


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_disallow_and_crawl_delay(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.4\n", "text/plain"
    )
    for n in range(3):
        server.routes[f"/public/{n}"] = respond(200, ARTICLE)
    server.routes["/private/x"] = respond(200, ARTICLE)
    outlet = make_outlet(server, min_delay_s=0.0)
    with within(5.0):
        outcomes = [fetcher.fetch(server.url(f"/public/{n}"), outlet).outcome for n in range(3)]
        blocked = fetcher.fetch(server.url("/private/x"), outlet)
    assert outcomes == ["ok", "ok", "ok"]
    assert blocked.outcome == "robots_disallowed"
    assert server.count("/private/x") == 0
    starts = [hit.at for hit in server.hits if hit.path.startswith("/public/")]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.38, gaps  # Crawl-delay 0.4 beats min_delay_s 0
    assert server.count("/robots.txt") == 1
    side = fetcher.drain_side_fetches()
    assert [(purpose, page.outcome) for purpose, page in side] == [("robots", "ok")]


# --- conditional GET -------------------------------------------------------------------------


def test_etag_and_last_modified_round_trip(server: FaultServer, fetcher: Fetcher) -> None:
    etag, modified = '"v1-7f3a"', "Wed, 05 Jun 2024 10:00:00 GMT"

    def conditional(request: BaseHTTPRequestHandler) -> None:
        validators = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.end_headers()
        else:
            respond(200, ARTICLE, headers=validators)(request)

    server.routes["/story"] = conditional
    outlet = make_outlet(server)
    first = fetcher.fetch(server.url("/story"), outlet)
    assert first.outcome == "ok" and first.body == ARTICLE
    stored = (first.headers["etag"], first.headers["last-modified"])
    assert stored == (etag, modified)

    again = fetcher.fetch(server.url("/story"), outlet, etag=stored[0], last_modified=stored[1])
    assert (again.outcome, again.status, again.body) == ("not_modified", 304, b"")
    assert again.headers["etag"] == etag
    sent = [hit.headers for hit in server.hits if hit.path == "/story"]
    assert "if-none-match" not in sent[0] and "if-modified-since" not in sent[0]
    assert (sent[1]["if-none-match"], sent[1]["if-modified-since"]) == (etag, modified)

    stale = fetcher.fetch(server.url("/story"), outlet, etag='"v0-old"')
    assert stale.outcome == "ok" and stale.body == ARTICLE  # changed: the full page again
    still_works(server, fetcher)


def test_unsendable_validators_are_dropped_not_injected(server: FaultServer, fetcher: Fetcher) -> None:
    server.routes["/story"] = respond(200, ARTICLE)
    page = fetcher.fetch(server.url("/story"), make_outlet(server), etag='"a"\r\nX-Injected: 1')
    assert page.outcome == "ok"
    sent = next(hit.headers for hit in server.hits if hit.path == "/story")
    assert "x-injected" not in sent and "if-none-match" not in sent


# --- hostile feeds and sitemaps --------------------------------------------------------------

RSS_OK = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Courier</title>
<item><title>Quay reopens</title><link>https://courier.example/news/quay</link>
<pubDate>Wed, 05 Jun 2024 10:00:00 GMT</pubDate></item>
</channel></rss>"""
RSS_MALFORMED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Courier</title>
<item><title>Fish & chips</title><link>https://courier.example/news/fish</link></item>
<item><title>Unclosed <b>bold</title><link>https://courier.example/news/bold</link></item>
</channel>"""
RSS_TRUNCATED = RSS_OK[: RSS_OK.index(b"<pubDate>") + 12]
SITEMAP_TRUNCATED = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://courier.example/news/one</loc></url>
<url><loc>https://courier.example/news/tw"""


def _laughs(root_open: str, inner: str, root_close: str, doctype: str, *, one_line: bool = False) -> bytes:
    """The classic "billion laughs": 10 levels of 10x entity references (10^9 'lol's).

    ``one_line`` puts the prolog on a single line. feedparser strips unsafe entity declarations
    only where they start a line (its regex is ``^\\s*<!ENTITY`` with MULTILINE), so this layout
    reaches expat intact.
    """
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    sep = "" if one_line else "\n"
    prolog = f'<?xml version="1.0"?>{sep}<!DOCTYPE {doctype} [{sep}{sep.join(entities)}{sep}]>{sep}'
    return f"{prolog}{root_open}{inner}{root_close}".encode()


def _laughs_rss(one_line: bool = False) -> bytes:
    return _laughs(
        '<rss version="2.0"><channel><title>&lol9;</title>',
        "<item><title>&lol9;</title><link>https://courier.example/news/lol</link></item>",
        "</channel></rss>",
        "rss",
        one_line=one_line,
    )


def _laughs_atom(one_line: bool = False) -> bytes:
    return _laughs(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title>',
        '<entry><title>&lol9;</title><link href="https://courier.example/news/lol"/></entry>',
        "</feed>",
        "feed",
        one_line=one_line,
    )


def _laughs_sitemap(one_line: bool = False) -> bytes:
    return _laughs(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        "<url><loc>https://courier.example/&lol9;</loc></url>",
        "</urlset>",
        "urlset",
        one_line=one_line,
    )


def _fetch_and_parse(
    server: FaultServer, fetcher: Fetcher, body: bytes, purpose: str
) -> tuple[ParsedFeed, float, int]:
    """Serve ``body``, fetch it as a feed/sitemap, parse it; return (parsed, seconds, peak bytes)."""
    server.routes["/doc.xml"] = respond(200, body, "application/xml")
    page = fetcher.fetch(server.url("/doc.xml"), make_outlet(server), purpose=purpose)
    assert page.outcome == "ok" and page.body == body
    tracemalloc.start()
    try:
        started = time.monotonic()
        parsed = parse_feed(page.body, page.final_url, "loopback-courier")
        seconds = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return parsed, seconds, peak


@pytest.mark.parametrize(
    ("body", "purpose", "error_word", "max_items"),
    [
        (RSS_MALFORMED, "feed", "malformed", 2),
        (RSS_TRUNCATED, "feed", "malformed", 1),
        (SITEMAP_TRUNCATED, "sitemap", "malformed", 2),
        (_laughs_sitemap(), "sitemap", "malformed", 0),
        (_laughs_sitemap(one_line=True), "sitemap", "malformed", 0),
        (_laughs_rss(), "feed", "malformed", 1),
        (_laughs_atom(), "feed", "malformed", 1),
    ],
    ids=[
        "malformed-rss",
        "truncated-rss",
        "truncated-sitemap",
        "billion-laughs-sitemap",
        "billion-laughs-sitemap-one-line",
        "billion-laughs-rss-multiline",
        "billion-laughs-atom-multiline",
    ],  # fmt: skip
)
def test_hostile_feed_documents_give_an_error_and_bounded_items(
    server: FaultServer, fetcher: Fetcher, body: bytes, purpose: str, error_word: str, max_items: int
) -> None:
    parsed, seconds, peak = _fetch_and_parse(server, fetcher, body, purpose)
    assert parsed.error and error_word in parsed.error
    assert len(parsed.items) <= max_items
    # Nothing expanded: no URL or title carries the 3-billion-character payload (or any of it).
    assert all(len(item.url) < 200 and len(item.title or "") < 200 for item in parsed.items)
    assert seconds < 2.0
    assert peak < 20 * 1000 * 1000, f"peak {peak / 1e6:.1f} MB"
    still_works(server, fetcher)


@pytest.mark.parametrize(
    "body", [_laughs_rss(one_line=True), _laughs_atom(one_line=True)], ids=["rss-one-line", "atom-one-line"]
)
def test_billion_laughs_feed_is_not_expanded(server: FaultServer, fetcher: Fetcher, body: bytes) -> None:
    parsed, seconds, peak = _fetch_and_parse(server, fetcher, body, "feed")
    assert parsed.error is not None or len(parsed.items) <= 1
    assert all(len(item.title or "") < 1000 for item in parsed.items)
    assert peak < 20 * 1000 * 1000, f"peak {peak / 1e6:.1f} MB"
    assert seconds < 2.0


def test_discovery_survives_hostile_feeds(server: FaultServer, fetcher: Fetcher) -> None:
    """One outlet, four feeds: the good one's items arrive; the others are recorded errors."""
    server.routes["/good.xml"] = respond(200, RSS_OK, "application/rss+xml")
    server.routes["/truncated.xml"] = respond(200, RSS_TRUNCATED, "application/rss+xml")
    server.routes["/laughs-sitemap.xml"] = respond(200, _laughs_sitemap(), "application/xml")
    server.routes["/flaky.xml"] = sequence(
        respond(503, b"busy", "text/plain"), respond(200, RSS_OK, "text/xml")
    )
    outlet = make_outlet(
        server,
        feeds=(
            Feed(server.url("/truncated.xml"), "rss"),
            Feed(server.url("/laughs-sitemap.xml"), "sitemap"),
            Feed(server.url("/flaky.xml"), "rss"),
            Feed(server.url("/good.xml"), "rss"),
        ),
    )
    with within(5.0):
        found = discover_outlet(outlet, fetcher, max_items=10)
    assert "https://courier.example/news/quay" in [item.url for item in found.items]
    assert any("truncated.xml" in e and "malformed" in e for e in found.errors)
    assert any("laughs-sitemap.xml" in e and "malformed" in e for e in found.errors)
    # The flaky feed's 503 attempt is archived too (drained by discovery as a side fetch).
    assert [(purpose, page.outcome) for purpose, page in found.fetches if "flaky" in page.url] == [
        ("feed", "http_5xx"),
        ("feed", "ok"),
    ]
    still_works(server, fetcher, outlet)
