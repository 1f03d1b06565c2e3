"""The console script's surface: subcommands exist and `extract` prints the record as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newswatch.cli import build_parser, main

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.mark.parametrize(
    "argv",
    [["db", "migrate"], ["db", "url"], ["db", "stop"], ["run"], ["demo"], ["summary"], ["extract", "x.html"],
     ["sources"], ["reprocess", "--outlet", "x", "--since", "2026-03-01"], ["feeds", "discover", "https://x.example/"],
     ["entities", "merge", "PER:x", "--into", "3"], ["entities", "split", "PER:x"], ["entities", "apply"], ["compare", "--since", "2026-03-01"],
     ["synth", "--dsn", "postgresql://x/y"], ["metabase", "connect"],
     ["reporting", "update"], ["reporting", "refresh", "--blocking"], ["reporting", "status"], ["reporting", "describe"]],
)
def test_subcommands_parse(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).func


def test_extract_file_prints_json(capsys: pytest.CaptureFixture) -> None:
    page = sorted(PAGES.glob("*.html"))[0]
    assert main(["extract", str(page), "--url", "https://news.example/2026/03/14/story.html"]) == 0
    record = json.loads(capsys.readouterr().out)
    for key in ("title", "authors", "published_at", "published_source", "body", "extractor_version", "method"):
        assert key in record
    assert record["body"]


def test_extract_url_refuses_private_addresses(capsys: pytest.CaptureFixture) -> None:
    # The ad-hoc outlet is not allowlisted, so the guard refuses loopback before connecting.
    assert main(["extract", "http://127.0.0.1:9/never"]) == 2
    assert json.loads(capsys.readouterr().out)["outcome"] == "blocked_address"


def test_sources_validates_the_starter_file(capsys: pytest.CaptureFixture) -> None:
    assert main(["sources"]) == 0
    assert "valid" in capsys.readouterr().out


def test_sources_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("outlets:\n  - id: Bad Id\n    name: x\n")
    assert main(["sources", str(bad)]) == 2
    assert "Bad Id" in capsys.readouterr().err


def test_feeds_discover_proposes_link_and_robots_feeds(capsys: pytest.CaptureFixture) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import yaml

    pages = {
        "/": (b'<html><head><link rel="alternate" type="application/rss+xml" href="/world/rss.xml">'
              b'<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments/feed">'
              b"</head><body>Front page</body></html>", "text/html"),
        "/robots.txt": (b"User-agent: *\nAllow: /\nSitemap: /news-sitemap.xml\n", "text/plain"),
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:  # noqa: N802
            body, ctype = pages.get(self.path, (b"", "text/plain"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert main(["feeds", "discover", base + "/", "--allow-private-network"]) == 0
    finally:
        server.shutdown()
    proposal = yaml.safe_load(capsys.readouterr().out)["outlets"][0]
    assert {(f["url"], f["kind"]) for f in proposal["feeds"]} == {
        (base + "/world/rss.xml", "rss"), (base + "/news-sitemap.xml", "news_sitemap"),
    }


def test_feeds_discover_refuses_private_hosts_by_default(capsys: pytest.CaptureFixture) -> None:
    assert main(["feeds", "discover", "http://127.0.0.1:9/"]) == 2
    assert "blocked_address" in capsys.readouterr().err
