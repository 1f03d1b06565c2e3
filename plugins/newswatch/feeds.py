"""Feeds and sitemaps: bytes -> FeedItem (pure), and per-outlet discovery over a fetcher.

``parse_feed`` never touches the network and never raises: malformed input gives a
``ParsedFeed`` whose ``error`` says what went wrong, with whatever items were read before it.

* RSS 0.9x/1.0/2.0 and Atom go through feedparser (lenient, date-normalising). Dates become
  timezone-aware UTC datetimes.
* JSON Feed 1.0/1.1 is read with ``json``.
* Sitemaps (``urlset``, ``sitemapindex``, Google News sitemaps) are *streamed* with
  ``lxml.etree.iterparse``, clearing each ``<url>`` after reading it, so a 50,000-URL sitemap
  never becomes a 50,000-node tree. Gzipped input (magic ``1f 8b``) is decompressed on the fly
  and refused beyond ``MAX_SITEMAP_BYTES`` decompressed (the sitemaps.org limit), which is what
  keeps a gzip bomb from filling memory.

The declared ``kind`` from the sources file is only a label: outlets mislabel feeds, so the
format is always sniffed from the bytes.

``discover_outlet`` walks an outlet's feeds through a fetcher (the only I/O here is delegated to
it), following sitemap indexes to a bounded depth and count with cycle detection.
``autodiscover_feeds`` proposes feeds for a new outlet from its homepage and robots.txt.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import logging
import re
import zlib
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO, Protocol
from urllib.parse import urljoin

import feedparser
from lxml import etree
from protego import Protego

from newswatch.models import Feed, FeedItem, FeedKind, Outlet, RawPage
from newswatch.urls import canonicalize_url

log = logging.getLogger(__name__)

# sitemaps.org: "no more than 50,000 URLs and must be no larger than 50MB (52,428,800 bytes)"
# uncompressed. We accept exactly that much and no more, per sitemap file.
MAX_SITEMAP_URLS = 50_000
MAX_SITEMAP_BYTES = 52_428_800
# JSON and RSS/Atom are parsed from memory; same ceiling after decompression.
MAX_FEED_BYTES = MAX_SITEMAP_BYTES
# Sitemap index recursion limits: news sites nest at most two levels (index -> monthly index ->
# urlset) in practice; 3 leaves a margin. 50 child sitemaps per outlet and run bounds the
# traffic one misconfigured index can cause (children are visited newest lastmod first).
MAX_SITEMAP_DEPTH = 3
MAX_CHILD_SITEMAPS = 50

_SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
_READ_CHUNK = 64 * 1024
# Strips the XML declaration, processing instructions, comments and DOCTYPE before the root tag.
_XML_PROLOGUE = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S | re.I)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_FEED_LINK_TYPES: dict[str, FeedKind] = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "jsonfeed",
}


@dataclass
class ParsedFeed:
    """The result of parsing one feed or sitemap document.

    ``kind`` is what was detected: rss, atom, jsonfeed, sitemap, news_sitemap, sitemap_index,
    or unknown. ``child_sitemaps`` (from a sitemap index) are absolute URLs, newest ``lastmod``
    first, undated ones after in document order. ``skipped`` counts entries without a usable
    http(s) URL.
    """

    items: list[FeedItem]
    child_sitemaps: list[str]
    kind: str
    error: str | None = None
    skipped: int = 0


@dataclass
class Discovery:
    """Everything discovery found for one outlet, including every fetch attempt as data."""

    items: list[FeedItem] = field(default_factory=list)
    fetches: list[tuple[str, RawPage]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class PageFetcher(Protocol):
    """What discovery needs from ``newswatch.http.Fetcher`` (kept structural for testing)."""

    def fetch(
        self, url: str, outlet: Outlet, *, purpose: str = "article", etag: str | None = None,
        last_modified: str | None = None,
    ) -> RawPage: ...

    def drain_side_fetches(self) -> list[tuple[str, RawPage]]: ...


class _TooLarge(Exception):
    """The decompressed document exceeded its cap."""


# --- input plumbing: gzip, caps, sniffing ------------------------------------------------------


class _CappedStream:
    """Read-only file-like view over a (possibly gzip) body that refuses to exceed ``cap`` bytes.

    ``head`` holds bytes already read for sniffing; they are replayed before the rest.
    """

    def __init__(self, source: BinaryIO, cap: int) -> None:
        self._source = source
        self._cap = cap
        self._produced = 0
        self._head = b""

    def peek_head(self, size: int) -> bytes:
        while len(self._head) < size:
            chunk = self._source.read(size - len(self._head))
            if not chunk:
                break
            self._head += chunk
        return self._head

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_READ_CHUNK), b""))
        if self._head:
            chunk, self._head = self._head[:size], self._head[size:]
        else:
            chunk = self._source.read(size)
        self._produced += len(chunk)
        if self._produced > self._cap:
            raise _TooLarge(f"document exceeds {self._cap} bytes after decompression")
        return chunk


def _open_body(data: bytes, cap: int) -> _CappedStream:
    raw: BinaryIO = io.BytesIO(data)
    if data[:2] == _GZIP_MAGIC:
        # GzipFile decompresses incrementally (read(n) yields at most n bytes), so the cap is
        # enforced before a bomb can expand in memory.
        raw = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    return _CappedStream(raw, cap)


def _sniff(head: bytes) -> str:
    """Return 'json', 'html', or the XML root element's local name (lower-cased)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        # latin-1 maps every byte to one char: ASCII markup survives whatever the real encoding.
        text = head.decode("latin-1")
    text = text.lstrip("\ufeffï»¿ \t\r\n")
    if text.startswith(("{", "[")):
        return "json"
    text = _XML_PROLOGUE.sub("", text).lstrip()
    match = _FIRST_TAG.match(text)
    if not match:
        return "unknown"
    return match.group(2).lower()


# --- dates -----------------------------------------------------------------------------------


def _parse_datetime(value: Any) -> datetime | None:
    """W3C datetime / RFC 3339 (sitemaps, JSON Feed), RFC 822 as a fallback; always UTC-aware."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None = None
    try:
        if len(text) == 4 and text.isdigit():  # W3C "YYYY"
            parsed = datetime(int(text), 1, 1)
        elif len(text) == 7 and text[4] == "-":  # W3C "YYYY-MM"
            parsed = datetime(int(text[:4]), int(text[5:7]), 1)
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # sitemaps without offset: UTC is the only guess
    return parsed.astimezone(UTC)


def _struct_to_datetime(value: Any) -> datetime | None:
    """feedparser's time.struct_time (already normalised to UTC) -> aware datetime."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


# --- item helpers ----------------------------------------------------------------------------


def _resolve_link(link: Any, base: str) -> tuple[str, str] | None:
    """(absolute URL, canonical key) for an http(s) link, or None when it is not one."""
    if not isinstance(link, str) or not link.strip():
        return None
    link = link.strip()
    # urljoin is costly on 50,000-URL sitemaps, where links are nearly always absolute already.
    absolute = link if link.startswith(("https://", "http://")) else urljoin(base, link)
    try:
        return absolute, canonicalize_url(absolute)
    except ValueError:
        return None


def _absolute_http_url(link: Any, base: str) -> str | None:
    resolved = _resolve_link(link, base)
    return resolved[0] if resolved else None


def _id_as_url(value: Any) -> str | None:
    """An item id used as its link only when it already is an absolute http(s) URL.

    Ids are opaque strings ("1", "tag:...", "urn:..."); resolving "1" against the feed URL
    would invent a page that does not exist.
    """
    if not isinstance(value, str) or not value.strip().lower().startswith(("http://", "https://")):
        return None
    return _absolute_http_url(value, value)


def _clean_title(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    title = " ".join(value.split())
    return title or None


def _item_date(item: FeedItem) -> datetime | None:
    return item.published_at or item.modified_at


def _merge_items(first: FeedItem, second: FeedItem) -> FeedItem:
    """Same article announced twice: keep the first, filling its gaps from the second."""
    return replace(
        first,
        title=first.title or second.title,
        published_at=first.published_at or second.published_at,
        modified_at=first.modified_at or second.modified_at,
    )


def dedupe_items(items: list[FeedItem]) -> list[FeedItem]:
    """Deduplicate by canonical URL, keeping first-seen order and merging missing fields."""
    by_key: dict[str, FeedItem] = {}
    for item in items:
        key = canonicalize_url(item.url)
        by_key[key] = _merge_items(by_key[key], item) if key in by_key else item
    return list(by_key.values())


# --- sitemaps (streamed) ---------------------------------------------------------------------


def _local(tag: Any) -> str:
    # Comments and processing instructions have non-string tags.
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child_text(element: Any) -> str | None:
    text = element.text
    return text.strip() if text and text.strip() else None


@dataclass
class _SitemapEntry:
    loc: str | None = None
    lastmod: datetime | None = None
    published: datetime | None = None
    title: str | None = None
    is_news: bool = False


def _read_entry(element: Any) -> _SitemapEntry:
    """Read one <url> or <sitemap>: only direct children, so image:loc/video:loc are ignored."""
    entry = _SitemapEntry()
    for child in element:
        name = _local(child.tag)
        if name == "loc" and entry.loc is None:
            entry.loc = _child_text(child)
        elif name == "lastmod":
            entry.lastmod = _parse_datetime(_child_text(child))
        elif name == "news":
            entry.is_news = True
            for news_child in child:
                news_name = _local(news_child.tag)
                if news_name == "publication_date":
                    entry.published = _parse_datetime(_child_text(news_child))
                elif news_name == "title":
                    entry.title = _clean_title(_child_text(news_child))
    return entry


def _iter_sitemap_entries(stream: _CappedStream) -> Iterator[tuple[str, _SitemapEntry]]:
    """Yield (root local name, entry) for each top-level <url>/<sitemap>, freeing as we go."""
    context = etree.iterparse(
        stream,
        events=("start", "end"),
        # Only these elements produce events ("{*}" = any or no namespace): a fraction of the
        # Python-level work of seeing every <loc> and <lastmod> go by.
        tag=("{*}urlset", "{*}sitemapindex", "{*}url", "{*}sitemap"),
        resolve_entities=False,  # no entity expansion games
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    root: Any = None
    for event, element in context:
        if root is None:
            root = element  # the first event is the start of the document element
            continue
        if event != "end" or element.getparent() is not root:
            continue
        yield _local(root.tag), _read_entry(element)
        # Free the subtree and the already-processed siblings: this is what bounds memory.
        element.clear(keep_tail=False)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def _parse_sitemap(stream: _CappedStream, feed_url: str, outlet_id: str, root: str) -> ParsedFeed:
    items: list[FeedItem] = []
    children: list[tuple[str, datetime | None]] = []
    seen: set[str] = set()
    skipped = 0
    error: str | None = None
    saw_news = False
    try:
        for root_name, entry in _iter_sitemap_entries(stream):
            resolved = _resolve_link(entry.loc, feed_url)
            if resolved is None:
                skipped += 1
                continue
            url, key = resolved
            if key in seen:
                continue
            seen.add(key)
            if root_name == "sitemapindex":
                children.append((url, entry.lastmod))
                continue
            if len(items) >= MAX_SITEMAP_URLS:
                error = f"more than {MAX_SITEMAP_URLS} URLs (the sitemaps.org limit); the rest ignored"
                break
            saw_news = saw_news or entry.is_news
            items.append(
                FeedItem(
                    url=url,
                    outlet_id=outlet_id,
                    feed_url=feed_url,
                    title=entry.title,
                    published_at=entry.published,
                    modified_at=entry.lastmod,
                )
            )
    except etree.XMLSyntaxError as exc:
        error = f"malformed sitemap XML: {exc}"
    kind = "sitemap_index" if root == "sitemapindex" else ("news_sitemap" if saw_news else "sitemap")
    return ParsedFeed(
        items=items, child_sitemaps=_order_children(children), kind=kind, error=error, skipped=skipped
    )


def _order_children(children: list[tuple[str, datetime | None]]) -> list[str]:
    """Newest lastmod first (the recent months are what a news crawl wants), undated after."""
    dated: list[tuple[str, datetime]] = [(url, when) for url, when in children if when is not None]
    dated.sort(key=lambda pair: pair[1], reverse=True)
    undated = [url for url, when in children if when is None]
    return [url for url, _ in dated] + undated


# --- RSS / Atom (feedparser) -----------------------------------------------------------------


def _feedparser_kind(version: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version.startswith("rss"):
        return "rss"
    return "unknown"


def _entry_to_item(entry: Any, kind: str, feed_url: str, outlet_id: str) -> FeedItem | None:
    url = _absolute_http_url(entry.get("link"), feed_url)
    if url is None and entry.get("guidislink"):
        url = _id_as_url(entry.get("id"))
    if url is None:
        return None
    # dict.get bypasses FeedParserDict's "updated falls back to published" aliasing.
    published = _struct_to_datetime(dict.get(entry, "published_parsed"))
    updated = _struct_to_datetime(dict.get(entry, "updated_parsed"))
    if kind == "rss" and published is None:
        # RSS 1.0 (and some 2.0 CMSs) only carry dc:date, which feedparser files as "updated";
        # in news feeds it is the publication date.
        published, updated = updated, None
    return FeedItem(
        url=url,
        outlet_id=outlet_id,
        feed_url=feed_url,
        title=_clean_title(entry.get("title")),
        published_at=published,
        modified_at=updated,
    )


def _parse_with_feedparser(data: bytes, feed_url: str, outlet_id: str) -> ParsedFeed:
    # Always a BytesIO: given a str or bytes, feedparser may treat it as a URL or a file path.
    parsed = feedparser.parse(
        io.BytesIO(data),
        # content-location is feedparser's base for relative links; application/xml lets the
        # XML declaration decide the encoding (text/xml would force us-ascii per RFC 3023).
        response_headers={"content-location": feed_url, "content-type": "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=True,
    )
    kind = _feedparser_kind(parsed.get("version") or "")
    skipped = 0
    items: list[FeedItem] = []
    for entry in parsed.entries:
        item = _entry_to_item(entry, kind, feed_url, outlet_id)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    error = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if not isinstance(exc, feedparser.CharacterEncodingOverride):  # benign: re-decoded fine
            error = f"malformed feed: {type(exc).__name__}: {exc}"
    if kind == "unknown" and not items and error is None:
        error = "not a recognised RSS or Atom feed"
    return ParsedFeed(items=dedupe_items(items), child_sitemaps=[], kind=kind, error=error, skipped=skipped)


# --- JSON Feed -------------------------------------------------------------------------------


def _parse_json_feed(data: bytes, feed_url: str, outlet_id: str) -> ParsedFeed:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFeed(items=[], child_sitemaps=[], kind="jsonfeed", error=f"malformed JSON: {exc}")
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown", error="JSON without an items list")
    version = document.get("version")
    if not (isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")):
        log.debug("JSON feed %s has no jsonfeed.org version; reading its items anyway", feed_url)
    items: list[FeedItem] = []
    skipped = 0
    for raw in document["items"]:
        raw = raw if isinstance(raw, dict) else {}
        # "url" is the permalink; "external_url" points at someone else's page, so it is not ours.
        url = _absolute_http_url(raw.get("url"), feed_url) or _id_as_url(raw.get("id"))
        if url is None:
            skipped += 1
            continue
        items.append(
            FeedItem(
                url=url,
                outlet_id=outlet_id,
                feed_url=feed_url,
                title=_clean_title(raw.get("title")),
                published_at=_parse_datetime(raw.get("date_published")),
                modified_at=_parse_datetime(raw.get("date_modified")),
            )
        )
    return ParsedFeed(items=dedupe_items(items), child_sitemaps=[], kind="jsonfeed", skipped=skipped)


# --- parse_feed ------------------------------------------------------------------------------


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def parse_feed(data: bytes, feed_url: str, outlet_id: str, kind: FeedKind = "auto") -> ParsedFeed:
    """Parse one feed or sitemap document; never raises (problems go to ``error``).

    ``feed_url`` is the URL the bytes came from (after redirects): the base for relative links.
    ``kind`` is the label from the sources file; the format is sniffed from the bytes anyway.
    """
    try:
        return _parse_feed(data, feed_url, outlet_id, kind)
    except _TooLarge as exc:
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown", error=str(exc))
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown", error=f"corrupt gzip data: {exc}")
    except Exception as exc:  # the contract is "never raises": record the failure, don't crash
        log.exception("unexpected error parsing feed %s", feed_url)
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown", error=f"parser failure: {exc!r}")


def _parse_feed(data: bytes, feed_url: str, outlet_id: str, kind: FeedKind) -> ParsedFeed:
    if not data:
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown", error="empty document")
    stream = _open_body(data, MAX_SITEMAP_BYTES)
    root = _sniff(stream.peek_head(_SNIFF_BYTES))
    if kind != "auto":
        log.debug("feed %s declared %s, sniffed root %r", feed_url, kind, root)
    if root in ("urlset", "sitemapindex"):
        return _parse_sitemap(stream, feed_url, outlet_id, root)
    body = stream.read()
    if _ENTITY_DECLARATION.search(body):
        # feedparser only neutralises <!ENTITY at the start of a line; a one-line prolog gets expanded
        # by expat ("billion laughs": seconds and gigabytes). No real feed needs its own entities.
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown",
                          error="malformed: the document declares its own XML entities (entity-expansion attack?); refused")
    if root == "json":
        return _parse_json_feed(body, feed_url, outlet_id)
    if root == "html":
        return ParsedFeed(items=[], child_sitemaps=[], kind="unknown", error="an HTML page, not a feed")
    return _parse_with_feedparser(body, feed_url, outlet_id)


# --- discovery -------------------------------------------------------------------------------


@dataclass
class _Crawl:
    """State of one outlet's discovery: what was fetched, seen and found."""

    outlet: Outlet
    fetcher: PageFetcher
    result: Discovery = field(default_factory=Discovery)
    found: list[FeedItem] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    queued: set[str] = field(default_factory=set)
    children_fetched: int = 0
    children_skipped: int = 0
    # feed URL -> (etag, last_modified) from the previous run, for conditional GETs
    validators: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def fetch_and_parse(self, url: str, purpose: str, kind: FeedKind) -> ParsedFeed | None:
        etag, last_modified = self.validators.get(url, (None, None))
        if etag or last_modified:
            page = self.fetcher.fetch(url, self.outlet, purpose=purpose, etag=etag, last_modified=last_modified)
        else:
            page = self.fetcher.fetch(url, self.outlet, purpose=purpose)
        # robots.txt fetches happen inside fetch(), before the page itself.
        self.result.fetches.extend(self.fetcher.drain_side_fetches())
        self.result.fetches.append((purpose, page))
        self._mark_visited(page.final_url)
        if page.outcome == "not_modified":
            return None  # nothing new since the last run; its items are already stored
        if not page.ok:
            self.result.errors.append(f"{purpose} {url}: {page.outcome}: {page.error or page.status}")
            return None
        parsed = parse_feed(page.body, page.final_url, self.outlet.id, kind)
        if parsed.error:
            self.result.errors.append(f"{purpose} {url}: {parsed.error}")
        return parsed

    def _mark_visited(self, url: str) -> None:
        with contextlib.suppress(ValueError):  # an unparsable final URL cannot recur either
            self.visited.add(canonicalize_url(url))

    def crawl(self, feed: Feed) -> None:
        """Breadth-first over one feed and, for a sitemap index, its children."""
        purpose = "sitemap" if feed.kind in ("sitemap", "news_sitemap") else "feed"
        queue: deque[tuple[str, int, str]] = deque([(feed.url, 0, purpose)])
        while queue:
            url, depth, purpose = queue.popleft()
            key = canonicalize_url(url)
            if key in self.visited:
                self.result.errors.append(f"{purpose} {url}: already visited (listed twice); skipped")
                continue
            self.visited.add(key)
            parsed = self.fetch_and_parse(url, purpose, feed.kind if depth == 0 else "auto")
            if parsed is None:
                continue
            self.found.extend(parsed.items)
            queue.extend(self._admit_children(url, parsed.child_sitemaps, depth + 1))

    def _admit_children(self, parent: str, children: list[str], depth: int) -> list[tuple[str, int, str]]:
        if children and depth > MAX_SITEMAP_DEPTH:
            self.result.errors.append(
                f"sitemap {parent}: {len(children)} child sitemaps beyond depth {MAX_SITEMAP_DEPTH}; skipped"
            )
            return []
        admitted: list[tuple[str, int, str]] = []
        for child in children:
            key = canonicalize_url(child)  # parse_feed only returns canonicalisable URLs
            if key in self.visited or key in self.queued:
                self.result.errors.append(f"sitemap {parent}: child {child} already visited (cycle); skipped")
                continue
            if self.children_fetched >= MAX_CHILD_SITEMAPS:
                self.children_skipped += 1
                continue
            self.children_fetched += 1
            self.queued.add(key)
            admitted.append((child, depth, "sitemap"))
        return admitted


def _select_items(items: list[FeedItem], max_items: int, since: datetime | None) -> list[FeedItem]:
    """Deduplicate, drop dated items older than ``since``, newest first, at most ``max_items``."""
    if max_items <= 0:
        return []
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    unique = dedupe_items(items)
    if since is not None:
        unique = [item for item in unique if (date := _item_date(item)) is None or date >= since]
    unique.sort(key=_newest_first)
    return unique[:max_items]


def _newest_first(item: FeedItem) -> tuple[int, float]:
    """Sort key: dated items newest first, then undated ones (stable sort keeps their order)."""
    date = _item_date(item)
    return (0, -date.timestamp()) if date is not None else (1, 0.0)


def discover_outlet(
    outlet: Outlet,
    fetcher: PageFetcher,
    max_items: int,
    since: datetime | None = None,
    validators: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> Discovery:
    """Fetch and parse every feed of ``outlet``; return the newest ``max_items`` unique items.

    Never raises for per-feed problems: they are in ``errors``, and every fetch attempt (feeds,
    sitemaps and the robots.txt fetches the fetcher made for them) is in ``fetches`` as
    ``(purpose, RawPage)`` for archiving.
    """
    crawl = _Crawl(outlet=outlet, fetcher=fetcher, validators=validators or {})
    for feed in outlet.feeds:
        crawl.crawl(feed)
    if crawl.children_skipped:
        crawl.result.errors.append(
            f"child sitemap limit ({MAX_CHILD_SITEMAPS}) reached; {crawl.children_skipped} not fetched"
        )
    crawl.result.items = _select_items(crawl.found, max_items, since)
    log.info(
        "discovered outlet=%s feeds=%d fetches=%d items=%d kept=%d errors=%d",
        outlet.id,
        len(outlet.feeds),
        len(crawl.result.fetches),
        len(crawl.found),
        len(crawl.result.items),
        len(crawl.result.errors),
    )
    return crawl.result


# --- autodiscovery ---------------------------------------------------------------------------


def _link_feeds(homepage_html: bytes, homepage_url: str) -> list[Feed]:
    try:
        document = etree.fromstring(homepage_html, etree.HTMLParser(no_network=True, recover=True))
    except (etree.XMLSyntaxError, ValueError):
        return []
    if document is None:
        return []
    base = homepage_url
    for base_element in document.iter("base"):
        href = base_element.get("href")
        if href:
            base = urljoin(homepage_url, href.strip())
            break
    feeds: list[Feed] = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = _FEED_LINK_TYPES.get((link.get("type") or "").strip().lower())
        if "alternate" not in rel or kind is None:
            continue
        title = (link.get("title") or "").lower()
        href = link.get("href") or ""
        if "comment" in title or "/comments/" in href:  # WordPress comment feeds: not articles
            continue
        url = _absolute_http_url(href, base)
        if url:
            feeds.append(Feed(url=url, kind=kind))
    return feeds


def _robots_sitemaps(robots_txt: str, homepage_url: str) -> list[Feed]:
    feeds: list[Feed] = []
    for sitemap in Protego.parse(robots_txt).sitemaps:
        url = _absolute_http_url(sitemap, homepage_url)
        if url:
            # Only a label (parse_feed sniffs the real format); "news" in the name is the
            # convention outlets use for their Google News sitemap.
            kind: FeedKind = "news_sitemap" if "news" in url.rsplit("/", 1)[-1].lower() else "sitemap"
            feeds.append(Feed(url=url, kind=kind))
    return feeds


def autodiscover_feeds(homepage_html: bytes, homepage_url: str, robots_txt: str | None) -> list[Feed]:
    """Propose feeds for an outlet: <link rel="alternate"> feeds, then robots.txt Sitemap: lines.

    Pure: the caller fetches the homepage and robots.txt. Results are deduplicated by
    canonical URL and are proposals for a human to put in the sources file.
    """
    candidates = _link_feeds(homepage_html, homepage_url)
    if robots_txt:
        candidates += _robots_sitemaps(robots_txt, homepage_url)
    unique: dict[str, Feed] = {}
    for feed in candidates:
        unique.setdefault(canonicalize_url(feed.url), feed)
    return list(unique.values())
