"""The bundled demo corpus and its loopback server: what `newswatch demo` and the integration
tests stand on. Everything here talks to a real DemoServer on 127.0.0.1 with `requests`."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import socket
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
import requests
import yaml
from newswatch.demo_server import DemoServer, demo_corpus_dir, write_demo_sources

EXPECTED = json.loads((demo_corpus_dir() / "expected.json").read_text(encoding="utf-8"))
ARTICLES: list[dict] = EXPECTED["articles"]
BY_PATH = {a["url_path"]: a for a in ARTICLES}
HOSTILE = {h["kind"]: h for h in EXPECTED["hostile"]}
NS = {"atom": "http://www.w3.org/2005/Atom", "sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
FEED_KINDS = {"rss", "atom", "jsonfeed", "sitemap", "news_sitemap", "auto"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as s:
        yield s


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="module")
def sources(server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = write_demo_sources(server.base_url, tmp_path_factory.mktemp("demo") / "sources.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def page_text(resp: requests.Response, encoding: str = "utf-8") -> str:
    return html.unescape(resp.content.decode(encoding))


def visible_text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


def feed_links(http: requests.Session, url: str, kind: str) -> list[str]:
    resp = http.get(url, timeout=10)
    resp.raise_for_status()
    if kind == "jsonfeed":
        return [item["url"] for item in resp.json()["items"]]
    root = ET.fromstring(resp.content)
    if kind == "rss":
        return [link.text.strip() for link in root.findall("./channel/item/link")]
    if kind == "atom":
        return [link.get("href") for link in root.findall("atom:entry/atom:link[@rel='alternate']", NS)]
    if root.tag == f"{{{NS['sm']}}}sitemapindex":
        links: list[str] = []
        for loc in root.findall("sm:sitemap/sm:loc", NS):
            links += feed_links(http, loc.text.strip(), kind)
        return links
    return [loc.text.strip() for loc in root.findall("sm:url/sm:loc", NS)]


def strip_tracking(url: str, base_url: str) -> str:
    """Site path of a feed link with utm_* parameters removed."""
    assert url.startswith(base_url + "/"), url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    return parts.path + ("?" + urlencode(query) if query else "")


def all_feed_paths(http: requests.Session, server: DemoServer, sources: dict) -> dict[str, list[str]]:
    """Feed URL -> site paths it links (tracking stripped, 301s followed); malformed feed skipped."""
    out: dict[str, list[str]] = {}
    for outlet in sources["outlets"]:
        for feed in outlet["feeds"]:
            if feed["url"].endswith(HOSTILE["malformed_feed"]["path"]):
                continue
            paths = []
            for link in feed_links(http, feed["url"], feed["kind"]):
                path = strip_tracking(link, server.base_url)
                resp = http.head(server.url(path), allow_redirects=False, timeout=10)
                if resp.status_code == 301:
                    path = urlsplit(resp.headers["Location"]).path
                paths.append(path)
            out[feed["url"]] = paths
    return out


# ---------------------------------------------------------------------------------------------
# The corpus itself


def test_corpus_size_and_coverage() -> None:
    outlets = {a["outlet_id"] for a in ARTICLES}
    assert len(ARTICLES) >= 45
    assert len(outlets) >= 4
    per_outlet = Counter(a["outlet_id"] for a in ARTICLES)
    assert all(n >= 8 for n in per_outlet.values()), per_outlet
    coverage: dict[str, set[str]] = defaultdict(set)
    for a in ARTICLES:
        if a["event_id"]:
            coverage[a["event_id"]].add(a["outlet_id"])
    assert len(coverage) >= 8
    assert all(len(o) >= 3 for o in coverage.values()), coverage
    assert {e["id"] for e in EXPECTED["events"]} == set(coverage)
    assert sum(1 for a in ARTICLES if a["event_id"] is None) >= 5  # outlet-only stories
    assert len(BY_PATH) == len(ARTICLES)


def test_article_records_are_complete() -> None:
    start, end = EXPECTED["week"]["start"], EXPECTED["week"]["end"]
    for a in ARTICLES:
        assert a["url_path"].startswith(f"/{a['outlet_id']}/"), a["url_path"]
        assert a["title"]
        published = datetime.fromisoformat(a["published_at"])
        assert published.tzinfo is not None
        assert start <= published.date().isoformat() <= end
        assert 4 <= a["paragraph_count"] <= 12
        assert len(a["quotes"]) >= 2, a["url_path"]
        for q in a["quotes"]:
            assert q["speaker"] and q["text_contains"] and q["kind"] in {"direct", "mixed", "indirect"}


def test_shared_quotes_and_spelling_variants_cross_outlets() -> None:
    shared: dict[str, set[str]] = defaultdict(set)
    for a in ARTICLES:
        for q in a["quotes"]:
            if "shared_id" in q:
                shared[q["shared_id"]].add(a["outlet_id"])
    assert len(shared) >= 8
    assert all(len(o) >= 2 for o in shared.values()), shared
    spellings: dict[str, set[str]] = defaultdict(set)
    for a in ARTICLES:
        for q in a["quotes"]:
            spellings[q["speaker_id"]].add(q["speaker"])
    varied = {pid for pid, names in spellings.items() if len(names) > 1}
    assert {"dmitri-yermolenko", "aleksandr-voloshyn", "yuri-kovalenko"} <= varied


def test_generated_output_is_current_and_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "newswatch_demo_build_corpus"
    spec = importlib.util.spec_from_file_location(name, demo_corpus_dir() / "build_corpus.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, build)  # dataclasses resolve annotations via sys.modules
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # keep __pycache__ out of the corpus folder
    spec.loader.exec_module(build)
    first, second = build.generate(), build.generate()
    assert first == second
    on_disk = build.existing_outputs(demo_corpus_dir())
    stale = sorted(set(first) ^ set(on_disk) | {k for k in first if on_disk.get(k) != first[k]})
    assert not stale, f"run build_corpus.py: {stale[:10]}"


# ---------------------------------------------------------------------------------------------
# The server


def test_server_binds_loopback_ephemeral_port(server: DemoServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
    assert server.port > 0
    with pytest.raises(ValueError):
        DemoServer(host="0.0.0.0")
    with pytest.raises(ValueError):
        DemoServer(host="192.168.1.10")


def test_start_stop_and_quiet_by_default(capfd: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWATCH_DEMO_SERVER_LOG", raising=False)
    with DemoServer() as s:
        port = s.port
        assert requests.get(s.url("/"), timeout=5).status_code == 200
        assert requests.get(s.url("/nope"), timeout=5).status_code == 404
    assert not s.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("path", "content_type"), [
    ("/harbour-herald/rss.xml", "application/rss+xml"),
    ("/marenburg-courier/atom.xml", "application/atom+xml"),
    ("/kharovsk-evening-post/news-sitemap.xml", "application/xml"),
    ("/northern-ledger/sitemap.xml", "application/xml"),
    ("/northern-ledger/sitemaps/articles-2026-03.xml", "application/xml"),
    ("/korsena-today/feed.json", "application/feed+json"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/harbour-herald/", "text/html; charset=utf-8"),
    ("/harbour-herald/2026/03/09/kharovsk-blackout-substation-fire.html", "text/html; charset=utf-8"),
    ("/northern-ledger/articles/2026/03/10/grid-bonds-slide-kharovsk-fire", "text/html; charset=utf-8"),
])
def test_content_types(server: DemoServer, http: requests.Session, path: str, content_type: str) -> None:
    resp = http.get(server.url(path), timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == content_type
    assert "${base_url}" not in resp.text
    assert server.base_url in resp.text or path.endswith("/")


def test_missing_paths_are_404(server: DemoServer, http: requests.Session) -> None:
    for path in ("/nope.html", "/harbour-herald/2026/03/09/nope.html", "/%2e%2e/%2e%2e/etc/passwd"):
        assert http.get(server.url(path), timeout=10).status_code == 404


def test_conditional_get_head_and_gzip(server: DemoServer, http: requests.Session) -> None:
    url = server.url("/harbour-herald/rss.xml")
    first = http.get(url, timeout=10)
    assert first.headers["Content-Encoding"] == "gzip"  # requests asks for gzip and decodes it
    again = http.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    since = http.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=10)
    assert since.status_code == 304
    head = http.head(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(first.content)


def test_directory_url_without_slash_redirects(server: DemoServer, http: requests.Session) -> None:
    resp = http.get(server.url("/harbour-herald"), allow_redirects=False, timeout=10)
    assert resp.status_code == 301
    assert resp.headers["Location"] == server.url("/harbour-herald/")


# ---------------------------------------------------------------------------------------------
# Articles against feeds and pages


def test_every_article_is_reachable_and_matches_expected(server: DemoServer, http: requests.Session) -> None:
    for a in ARTICLES:
        resp = http.get(server.url(a["url_path"]), allow_redirects=False, timeout=10)
        assert resp.status_code == 200, a["url_path"]
        assert resp.headers["Content-Type"].startswith("text/html")
        text = page_text(resp, "cp1252" if a["encoding"] == "windows-1252" else "utf-8")
        words = visible_text(text)
        assert html.unescape(a["title"]) in text, a["url_path"]
        for author in a["authors"]:
            assert author.lower() in words.lower(), (a["url_path"], author)
        for q in a["quotes"]:
            assert q["text_contains"] in words, (a["url_path"], q)
            assert q["speaker"] in words, (a["url_path"], q)
        for q in a["anonymous_quotes"]:
            assert q["text_contains"] in words, (a["url_path"], q)
        for noise in a["noise_paragraphs"]:
            assert noise in words, (a["url_path"], noise)
        for heading in a["subheads"]:
            assert f">{heading}</h2>" in text
        published = datetime.fromisoformat(a["published_at"])
        if a["outlet_id"] == "kharovsk-evening-post":
            shown = f"{published.day} {MONTHS[published.month - 1]} {published.year}, {published:%H:%M} GMT"
            assert shown in words, a["url_path"]
        else:
            assert a["published_at"] in text, a["url_path"]
        if "jsonld" in a["date_sources"]:
            assert '"@type": "NewsArticle"' in text or '"NewsArticle"' in text


def test_every_article_is_linked_from_exactly_one_feed_of_its_outlet(
    server: DemoServer, http: requests.Session, sources: dict
) -> None:
    feeds = all_feed_paths(http, server, sources)
    outlet_of_feed = {f["url"]: o["id"] for o in sources["outlets"] for f in o["feeds"]}
    linked_from: dict[str, set[str]] = defaultdict(set)
    for feed_url, paths in feeds.items():
        for path in paths:
            linked_from[path].add(feed_url)
    for a in ARTICLES:
        feeds_for = linked_from.get(a["url_path"], set())
        assert len(feeds_for) == 1, (a["url_path"], feeds_for)
        (feed_url,) = feeds_for
        assert outlet_of_feed[feed_url] == a["outlet_id"]
        assert feed_url == server.url(a["feed_url_path"])
    extra = set(linked_from) - set(BY_PATH)
    assert extra == {HOSTILE["http_500"]["path"], HOSTILE["http_404"]["path"],
                     HOSTILE["robots_disallowed"]["path"]}


def test_feed_links_carry_tracking_parameters_on_some_items(
    server: DemoServer, http: requests.Session, sources: dict
) -> None:
    raw = [link for o in sources["outlets"] for f in o["feeds"]
           if not f["url"].endswith(HOSTILE["malformed_feed"]["path"])
           for link in feed_links(http, f["url"], f["kind"])]
    tracked = [link for link in raw if "utm_source=" in link]
    assert len(tracked) >= 8
    assert {urlsplit(link).path.split("/")[1] for link in tracked} >= {"harbour-herald", "marenburg-courier",
                                                                      "korsena-today"}
    for a in ARTICLES:
        assert any(urlsplit(link).path + ("?" + urlsplit(link).query if urlsplit(link).query else "")
                   == a["feed_link"] for link in raw), a["feed_link"]


# ---------------------------------------------------------------------------------------------
# sources.yaml


def test_rendered_sources_yaml(server: DemoServer, sources: dict) -> None:
    outlets = sources["outlets"]
    assert len(outlets) == len(EXPECTED["outlets"]) >= 4
    ids = [o["id"] for o in outlets]
    assert len(set(ids)) == len(ids)
    with_hints = [o for o in outlets if "extraction" in o]
    assert len(with_hints) == 1
    for o in outlets:
        assert re.fullmatch(r"[a-z0-9-]+", o["id"])
        assert o["name"] and o["language"] == "en"
        assert re.fullmatch(r"[A-Z]{2}", o["country"])
        assert o["homepage"] == server.url(f"/{o['id']}/") or o["homepage"].startswith(server.url(f"/{o['id']}/"))
        assert o["allow_private_network"] is True
        assert o["politeness"]["min_delay_s"] == 0.0
        assert isinstance(o["politeness"]["max_concurrency"], int)
        assert o["feeds"]
        for feed in o["feeds"]:
            assert feed["kind"] in FEED_KINDS
            assert feed["url"].startswith(server.url(f"/{o['id']}/"))
    hints = with_hints[0]["extraction"]
    assert isinstance(hints["body_selector"], str) and hints["drop_phrases"]


def test_extraction_hints_match_that_outlets_pages(server: DemoServer, http: requests.Session,
                                                   sources: dict) -> None:
    outlet = next(o for o in sources["outlets"] if "extraction" in o)
    tag, _, cls = outlet["extraction"]["body_selector"].partition(".")
    pages = [http.get(server.url(a["url_path"]), timeout=10).text
             for a in ARTICLES if a["outlet_id"] == outlet["id"]]
    assert all(f'<{tag} class="{cls}">' in p for p in pages)
    for phrase in outlet["extraction"]["drop_phrases"]:
        assert sum(phrase in p for p in pages) >= 3


def test_every_listed_feed_is_served(server: DemoServer, http: requests.Session, sources: dict) -> None:
    for o in sources["outlets"]:
        for feed in o["feeds"]:
            assert http.get(feed["url"], timeout=10).status_code == 200, feed["url"]


# ---------------------------------------------------------------------------------------------
# Hostile endpoints


def test_http_500_and_404_items_in_a_feed(server: DemoServer, http: requests.Session, sources: dict) -> None:
    feeds = all_feed_paths(http, server, sources)
    for kind, status in (("http_500", 500), ("http_404", 404)):
        item = HOSTILE[kind]
        assert item["path"] in feeds[server.url(item["listed_in"])]
        assert http.get(server.url(item["path"]), timeout=10).status_code == status


def test_redirecting_feed_item(server: DemoServer, http: requests.Session) -> None:
    item = HOSTILE["redirect_301"]
    resp = http.get(server.url(item["path"]), allow_redirects=False, timeout=10)
    assert resp.status_code == 301
    assert resp.headers["Location"] == server.url(item["location"])
    assert item["location"] in BY_PATH
    followed = http.get(server.url(item["path"]), timeout=10)
    assert followed.status_code == 200 and followed.url == server.url(item["location"])
    assert f'<link rel="canonical" href="{server.url(item["location"])}">' in followed.text
    assert BY_PATH[item["location"]]["feed_link"] == item["path"]


def test_page_with_wrong_http_charset_is_windows_1252(server: DemoServer, http: requests.Session) -> None:
    item = HOSTILE["legacy_encoding"]
    resp = http.get(server.url(item["path"]), timeout=10)
    assert resp.headers["Content-Type"] == f"text/html; charset={item['header_charset']}"
    assert b'charset=windows-1252"' in resp.content
    with pytest.raises(UnicodeDecodeError):
        resp.content.decode("utf-8")
    text = resp.content.decode("cp1252")
    assert "Renée Duval" in text and "“I fell in love" in text
    assert "\x93" in resp.content.decode("latin-1")  # what a client trusting the header would see
    assert BY_PATH[item["path"]]["encoding"] == "windows-1252"


def test_malformed_feed(server: DemoServer, http: requests.Session, sources: dict) -> None:
    item = HOSTILE["malformed_feed"]
    urls = [f["url"] for o in sources["outlets"] for f in o["feeds"]]
    assert server.url(item["path"]) in urls
    assert len(urls) >= 6
    resp = http.get(server.url(item["path"]), timeout=10)
    assert resp.status_code == 200
    with pytest.raises(ET.ParseError):
        ET.fromstring(resp.content)


def test_robots_txt(server: DemoServer, http: requests.Session, sources: dict) -> None:
    resp = http.get(server.url("/robots.txt"), timeout=10)
    parser = RobotFileParser()
    parser.parse(resp.text.splitlines())
    agent = "newswatch/0.1"
    assert not parser.can_fetch(agent, server.url("/private/anything.html"))
    assert not parser.can_fetch(agent, server.url(HOSTILE["robots_disallowed"]["path"]))
    for a in ARTICLES:
        assert parser.can_fetch(agent, server.url(a["url_path"]))
    listed = all_feed_paths(http, server, sources)[server.url("/northern-ledger/sitemap.xml")]
    assert HOSTILE["robots_disallowed"]["path"] in listed


def test_duplicate_feed_entry(server: DemoServer, http: requests.Session) -> None:
    item = HOSTILE["duplicate_feed_entry"]
    links = feed_links(http, server.url(item["listed_in"]), "jsonfeed")
    paths = [strip_tracking(link, server.base_url) for link in links]
    assert paths.count(item["path"]) == 2
    assert sorted(urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "")
                  for link in links if urlsplit(link).path == item["path"]) == sorted(item["links"])


def test_write_demo_sources_substitutes_base_url(tmp_path: Path) -> None:
    out = write_demo_sources("http://127.0.0.1:9/", tmp_path / "nested" / "sources.yaml")
    text = out.read_text(encoding="utf-8")
    assert "${base_url}" not in text
    assert "http://127.0.0.1:9/harbour-herald/rss.xml" in text
    assert "//harbour-herald" not in text.replace("http://", "")
