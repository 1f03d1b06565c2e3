"""A loopback HTTP server for the bundled demo corpus (``demo_corpus/site``).

Five fictional outlets with their feeds, served the way real news sites are served: correct
content types, ``robots.txt``, ETag/Last-Modified with conditional requests, gzip when asked for,
301 for directory URLs without a trailing slash, and a few deliberately hostile endpoints
(a 500, a 404, a 301 short link, a page whose HTTP charset is wrong, a malformed feed, a page
that robots.txt disallows). ``demo_corpus/expected.json`` lists them under ``hostile``.

Files may contain the placeholder ``${base_url}``; it is replaced with this server's own address
when served, so canonical links and feed items are absolute, as on a real site.

    with DemoServer() as server:
        sources = write_demo_sources(server.base_url, tmp / "sources.yaml")

Run by hand: ``python -m newswatch.demo_server [--port 8765]``. Request logging goes to stderr
only when NEWSWATCH_DEMO_SERVER_LOG=1.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import ipaddress
import json
import os
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["DemoServer", "demo_corpus_dir", "write_demo_sources"]

PLACEHOLDER = "${base_url}"
# Every file in the corpus is dated to the demo week; one fixed validator keeps responses stable.
LAST_MODIFIED = "Sun, 15 Mar 2026 19:00:00 GMT"
GZIP_MIN_BYTES = 1024

_TYPES_BY_SUFFIX = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
}


def demo_corpus_dir() -> Path:
    """The bundled corpus: ``site/``, ``sources.yaml``, ``expected.json``, ``routes.json``."""
    return Path(__file__).resolve().parent / "demo_corpus"


def write_demo_sources(base_url: str, path: Path) -> Path:
    """Render ``demo_corpus/sources.yaml`` for a server at ``base_url`` and write it to ``path``."""
    template = (demo_corpus_dir() / "sources.yaml").read_text(encoding="utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template.replace(PLACEHOLDER, base_url.rstrip("/")), encoding="utf-8")
    return path


def _logging_enabled() -> bool:
    return os.environ.get("NEWSWATCH_DEMO_SERVER_LOG") == "1"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_textual(content_type: str) -> bool:
    ct = content_type.split(";", 1)[0].strip()
    return ct.startswith("text/") or ct.endswith(("xml", "json")) or ct == "image/svg+xml"


class _Site:
    """The static tree plus the special routes generated alongside it (routes.json)."""

    def __init__(self, corpus: Path) -> None:
        self.root = (corpus / "site").resolve()
        routes = json.loads((corpus / "routes.json").read_text(encoding="utf-8"))
        self.redirects: dict[str, str] = routes.get("redirects", {})
        self.errors: dict[str, int] = {k: int(v) for k, v in routes.get("errors", {}).items()}
        self.header_charsets: dict[str, str] = routes.get("header_charsets", {})
        self.content_types: dict[str, str] = routes.get("content_types", {})

    def locate(self, path: str) -> tuple[str, Path | None]:
        """('file', file) | ('slash', None) for a directory asked without '/' | ('missing', None)."""
        if "\x00" in path or any(part in ("..", ".") for part in path.split("/")):
            return "missing", None
        candidate = (self.root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root):
            return "missing", None
        if candidate.is_dir():
            if not path.endswith("/"):
                return "slash", None
            candidate = candidate / "index.html"
        elif not candidate.exists() and not candidate.suffix:
            candidate = candidate.with_name(candidate.name + ".html")
        if candidate.is_file():
            return "file", candidate
        return "missing", None

    def content_type(self, path: str, file: Path) -> str:
        if path in self.content_types:
            return self.content_types[path]
        if path in self.header_charsets:
            return f"text/html; charset={self.header_charsets[path]}"
        return _TYPES_BY_SUFFIX.get(file.suffix, "application/octet-stream")


class _Handler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer
    server_version = "newswatch-demo/0.1"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 15  # idle keep-alive connections are dropped after this

    def log_message(self, format: str, *args: Any) -> None:
        if _logging_enabled():
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    # ------------------------------------------------------------------------------------

    def _serve(self, with_body: bool) -> None:
        site = self.server.site
        path = unquote(urlsplit(self.path).path) or "/"
        if path in site.errors:
            status = site.errors[path]
            self._send_simple(status, f"{status} {HTTPStatus(status).phrase}", with_body)
            return
        if path in site.redirects:
            self._send_redirect(site.redirects[path], with_body)
            return
        kind, file = site.locate(path)
        if kind == "slash":
            self._send_redirect(path + "/", with_body)
            return
        if file is None:
            self._send_simple(404, "404 Not Found: no such page on this demo site", with_body)
            return
        body = file.read_bytes().replace(PLACEHOLDER.encode(), self.server.base_url.encode())
        content_type = site.content_type(path, file)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": content_type,
            "Last-Modified": LAST_MODIFIED,
            "ETag": etag,
            "Cache-Control": "public, max-age=60",
        }
        if self._not_modified(etag):
            self.send_response(304)
            for name, value in headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if _is_textual(content_type):
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in self.headers.get("Accept-Encoding", "") and len(body) >= GZIP_MIN_BYTES:
                body = gzip.compress(body, mtime=0)
                headers["Content-Encoding"] = "gzip"
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _not_modified(self, etag: str) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        return self.headers.get("If-Modified-Since", "").strip() == LAST_MODIFIED

    def _send_redirect(self, target: str, with_body: bool) -> None:
        location = self.server.base_url + target
        body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'.encode()
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _send_simple(self, status: int, message: str, with_body: bool) -> None:
        body = f"<!DOCTYPE html><html><head><title>{message}</title></head><body><h1>{message}</h1></body></html>"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(data)


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for clients holding keep-alive connections
    site: _Site
    base_url: str

    def handle_error(self, request: Any, client_address: Any) -> None:
        if _logging_enabled():
            super().handle_error(request, client_address)


class _DemoHTTPServer6(_DemoHTTPServer):
    address_family = socket.AF_INET6


class DemoServer:
    """The demo corpus on a loopback address, served from a daemon thread.

    ``port=0`` picks a free ephemeral port; ``base_url`` is set once started.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not _is_loopback(host):
            raise ValueError(f"the demo server only binds loopback addresses, not {host!r}")
        self.host = host
        self.port = port
        self.base_url = ""
        self._httpd: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        cls = _DemoHTTPServer6 if ":" in self.host else _DemoHTTPServer
        httpd = cls((self.host, self.port), _Handler)
        httpd.site = _Site(demo_corpus_dir())
        self.port = int(httpd.server_address[1])
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{host}:{self.port}"
        httpd.base_url = self.base_url
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
            name=f"newswatch-demo-server:{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def url(self, path: str) -> str:
        """Absolute URL for a site path such as ``/harbour-herald/rss.xml``."""
        return self.base_url + path

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the newswatch demo corpus on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sources", type=Path, help="also write the rendered sources.yaml here")
    args = parser.parse_args(argv)
    server = DemoServer(args.host, args.port).start()
    print(f"demo corpus at {server.base_url}/ (Ctrl-C to stop)", flush=True)
    if args.sources:
        print(f"sources written to {write_demo_sources(server.base_url, args.sources)}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
