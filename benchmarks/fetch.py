"""Fetch overhead: newswatch.http.Fetcher against a plain requests.Session.get on the same pages.

A loopback server (stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive, in a child process so that
``time.process_time`` measures the clients only) serves 200 distinct article-sized HTML pages
(30-60 KB, every third gzip-encoded) and a permissive robots.txt. Both clients fetch all 200
pages sequentially in this process:

* ``newswatch.http.Fetcher`` with politeness off (an allowlisted loopback outlet,
  ``min_delay_s=0``, ``max_concurrency=8``, robots.txt allowed): so what is measured is the
  guard (two resolutions per request), robots.txt check, host gate, streamed capped read and
  bookkeeping, not deliberate waiting. Its one robots.txt fetch per round is included.
* ``requests.Session().get(url, timeout=10)`` reading ``.content``: the usual first attempt
  (the named peer, first line of output).
* The same with ``session.trust_env = False`` (second line): a plain Session spends a good share
  of its CPU scanning the environment for proxy settings on every request, which the Fetcher
  never does; this stricter peer isolates what the guard, robots check, host gate and capped
  streaming cost over the bare transport.

Seven rounds after one untimed warm-up round each, rotating which client goes first, a fresh
Fetcher / Session per round; medians are reported. Both clients must return identical bodies.

    .venv/bin/python benchmarks/fetch.py
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGES = 200
ROUNDS = 7


def _page(n: int) -> bytes:
    """A deterministic, distinct, article-shaped page of 30-60 KB."""
    rng = random.Random(n)
    words = [
        "harbour", "council", "ferry", "minister", "strike", "budget", "storm", "quay", "vote",
        "said", "according", "to", "the", "of", "and", "on", "in", "residents", "officials",
    ]  # fmt: skip
    target = rng.randint(30_000, 60_000)
    parts = [f"<!doctype html><html><head><title>Story {n}</title></head><body><article>"]
    size = len(parts[0])
    while size < target:
        paragraph = "<p>" + " ".join(rng.choice(words) for _ in range(rng.randint(40, 90))) + ".</p>\n"
        parts.append(paragraph)
        size += len(paragraph)
    parts.append("</article></body></html>")
    return "".join(parts).encode("utf-8")


def serve() -> None:
    """Child process: serve the pages on 127.0.0.1:<random port>, print the port, run forever."""
    pages: dict[str, tuple[bytes, bool]] = {}
    for n in range(PAGES):
        body = _page(n)
        gzipped = n % 3 == 0
        pages[f"/news/{n}"] = (gzip.compress(body, 6) if gzipped else body, gzipped)
    robots = b"User-agent: *\nAllow: /\n"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real news sites do
        # Headers and body go out in separate writes; with Nagle on, the client's delayed ACK
        # would add ~40 ms to every response and both clients would measure only that.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            if self.path == "/robots.txt":
                body, gzipped, ctype = robots, False, "text/plain"
            elif self.path in pages:
                body, gzipped = pages[self.path]
                ctype = "text/html; charset=utf-8"
            else:
                body, gzipped, ctype = b"not found", False, "text/plain"
            self.send_response(200 if body != b"not found" else 404)
            self.send_header("Content-Type", ctype)
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


def _run_fetcher(urls: list[str], base: str) -> list[bytes]:
    from newswatch.http import Fetcher
    from newswatch.models import Outlet

    outlet = Outlet(
        id="bench", name="Bench", homepage=f"{base}/", allow_private_network=True,
        min_delay_s=0.0, max_concurrency=8,
    )  # fmt: skip
    bodies = []
    with Fetcher("newswatch-bench/1.0 (+https://example.invalid/bench)") as fetcher:
        for url in urls:
            page = fetcher.fetch(url, outlet, purpose="article")
            if not page.ok:
                raise SystemExit(f"Fetcher failed on {url}: {page.outcome} {page.error}")
            bodies.append(page.body)
        fetcher.drain_side_fetches()
    return bodies


def _run_requests(urls: list[str], base: str, *, trust_env: bool = True) -> list[bytes]:
    import requests

    bodies = []
    with requests.Session() as session:
        session.trust_env = trust_env
        for url in urls:
            response = session.get(url, timeout=10)
            response.raise_for_status()
            bodies.append(response.content)
    return bodies


def _measure(
    run: Callable[[list[str], str], list[bytes]], urls: list[str], base: str
) -> tuple[float, float, str]:
    wall, cpu = time.perf_counter(), time.process_time()
    bodies = run(urls, base)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    digest = hashlib.sha256(b"".join(hashlib.sha256(b).digest() for b in bodies)).hexdigest()
    return len(urls) / wall, cpu * 1000 / len(urls), digest


def main() -> int:
    if sys.argv[1:] == ["--serve"]:
        serve()
        return 0
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{int(server.stdout.readline())}"
        urls = [f"{base}/news/{n}" for n in range(PAGES)]
        clients: dict[str, Callable[[list[str], str], list[bytes]]] = {
            "newswatch.http.Fetcher": _run_fetcher,
            "requests.Session.get": _run_requests,
            "requests.Session.get (trust_env=False)": functools.partial(_run_requests, trust_env=False),
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in clients}
        digests: set[str] = set()
        for run in clients.values():  # warm-up: imports, first connections, caches
            digests.add(_measure(run, urls, base)[2])
        for round_no in range(ROUNDS):
            order = list(clients)[round_no % len(clients) :] + list(clients)[: round_no % len(clients)]
            for name in order:
                rate, cpu_ms, digest = _measure(clients[name], urls, base)
                results[name].append((rate, cpu_ms))
                digests.add(digest)
        if len(digests) != 1:
            print("the two clients returned different bodies", file=sys.stderr)
            return 1
    finally:
        server.terminate()
        server.wait(timeout=10)

    summary = {
        name: (statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in results.items()
    }
    ours = summary["newswatch.http.Fetcher"]
    for peer_name in list(clients)[1:]:
        peer = summary[peer_name]
        print(
            f"newswatch.http.Fetcher: {ours[0]:.0f} pages/s, {ours[1]:.2f} ms CPU/page | "
            f"{peer_name}: {peer[0]:.0f} pages/s, {peer[1]:.2f} ms CPU/page | "
            f"overhead ratio (CPU): {ours[1] / peer[1]:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
