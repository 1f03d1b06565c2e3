"""The only module that talks to the network: a polite, bounded, guarded, retrying HTTP fetcher.

``Fetcher.fetch`` never raises for a per-URL problem; every attempt, good or bad, comes back as
a ``RawPage`` whose ``outcome`` (``models.FetchOutcome``) says what happened, so it can be
archived and counted. What every request gets:

* **Timeouts**: connect and read timeouts on every request, plus a total cap per ``fetch``
  (all redirect hops and all retry attempts together; retry sleeps and politeness waits are
  not counted) checked between reads while streaming the body. The total cap can be overshot
  by at most one read timeout (a single blocked ``recv``).
* **Retries** with exponential backoff and full jitter (``uniform(0, min(backoff_max_s,
  backoff_base_s * 2**n))``) for connect/read timeouts, connection errors, 408, 429 and 5xx
  (except 501 and 505, which say "this will never work"). A ``Retry-After`` (seconds or
  HTTP-date) replaces the backoff; one longer than ``max_retry_after_s`` is not waited for: the
  attempt is returned as is and its ``error`` says so. Never retried: other 4xx, refused
  addresses, robots.txt refusals, size and content-type refusals, decode errors, redirect
  problems, TLS failures, a spent total-time cap. The whole redirect chain is retried (from
  the URL asked for), so every attempt is a complete, self-describing ``RawPage``. Earlier
  attempts are handed over by ``drain_side_fetches`` (so every attempt is archived); the last
  one is the return value. Retry sleeps hold no per-host slot.
* **Size cap** on the *decoded* body: the body is read with urllib3's ``read1`` with
  ``decode_content=True``, which decompresses at most one chunk's worth at a time, and counted
  as it arrives; a gzip bomb is cut off at the cap, never inflated in memory. A declared
  ``Content-Length`` above the cap is refused before reading. The codings urllib3 can decode
  here are advertised and accepted (gzip and deflate; br/zstd only when their optional
  packages are installed); anything else is refused (``bad_content_type``). A corrupt or
  truncated compressed stream is ``decode_error``.
* **Content-type check** per purpose (articles must be HTML; feeds XML/JSON/text/gzip).
* **Redirects** followed by hand (at most ``max_redirects``); every hop is re-validated, passed
  through the address guard and checked against robots.txt. A redirect back to a URL already
  visited in the chain is ``redirect_loop`` (distinct from ``too_many_redirects``).
* **Conditional GET**: ``etag`` / ``last_modified`` (as stored from an earlier ``RawPage``'s
  ``etag`` / ``last-modified`` headers) are sent as If-None-Match / If-Modified-Since; a 304 is
  ``not_modified`` with an empty body.
* **Private-address guard**: the host is resolved and refused when any address is loopback,
  private, link-local (169.254.0.0/16, the cloud metadata service), multicast, reserved or
  unspecified, IPv4 or IPv6 (IPv4-mapped, 6to4, Teredo and NAT64 forms included), *before*
  connecting. ``Outlet.allow_private_network`` relaxes this for loopback/private addresses, and
  only for the hosts named in that outlet's homepage and feeds, never for link-local,
  multicast, reserved or unspecified addresses.

  DNS rebinding: a check followed by a separate connect could see two different DNS answers.
  We close that gap by checking again *inside* urllib3's connection set-up and connecting to
  the very address that passed the check (the TLS handshake still uses the host name, so
  certificate verification is unchanged). Proxies are disabled (``trust_env = False``): through
  a proxy the guard would be checking the proxy's address, not the target's.
* **robots.txt** (RFC 9309, parsed by protego) obeyed unless the outlet states a
  ``robots_override_reason``. Fetched once per origin per Fetcher, through the same guarded,
  polite, retrying path; 4xx means "no rules", 5xx/429/timeouts mean "disallow everything" for
  the rest of the run. ``Crawl-delay`` raises the host's delay; one above ``MAX_CRAWL_DELAY_S``
  makes the host unfetchable for us (we will not ignore it, and honouring it would stall a
  run). robots.txt fetches are recorded and handed over by ``drain_side_fetches``.
* **Politeness**: every request (robots.txt, each redirect hop, each retry) passes through a
  ``HostGate``: per host, a minimum gap between request starts (the outlet's ``min_delay_s`` or
  ``NEWSWATCH_MIN_HOST_DELAY_S``, raised to the Crawl-delay) and at most N requests in flight.
  The default ``LocalHostGate`` holds these limits within this process; a gate shared between
  processes (e.g. backed by PostgreSQL) can be passed in. An identifying User-Agent
  (``settings.user_agent()``).
* **TLS verification** always on; there is no switch to turn it off.

One ``Fetcher`` per run: the robots.txt cache and (with the local gate) politeness state live
as long as it does.

Known gaps: name resolution (``getaddrinfo``) is not covered by the timeouts, and each hop is
resolved twice (the pre-check, then the pinned connect); a host whose DNS hangs can stall one
fetch for the resolver's own timeout. Worst-case wall time of one ``fetch`` is the total cap
plus ``retries`` sleeps (each at most ``max(backoff_max_s, max_retry_after_s)``) plus
politeness waits.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import ClassVar, Protocol
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit

import idna
import requests
import urllib3.exceptions
import urllib3.response
import urllib3.util.request
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from newswatch import settings
from newswatch.models import FetchOutcome, Outlet, RawPage

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Media types accepted per purpose (None: anything). A missing Content-Type is accepted and
# left to the parser to sniff.
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset(
    {
        "application/xml", "text/xml", "application/json", "text/plain", "application/gzip",
        "application/x-gzip",
        # sitemap.xml.gz is very often served as a generic binary; parse_feed sniffs the bytes.
        "application/octet-stream",
    }
)  # fmt: skip
_ACCEPTED_TYPES: dict[str, frozenset[str] | None] = {
    "article": _HTML_TYPES,
    "homepage": _HTML_TYPES,
    "feed": _FEED_TYPES,
    "sitemap": _FEED_TYPES,
    "robots": None,  # robots.txt is often mislabelled text/html; protego copes
}
_ACCEPT_HEADERS = {
    "article": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "homepage": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/feed+json,"
    "application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.1",
    "sitemap": "application/xml,text/xml;q=0.9,application/gzip;q=0.8,*/*;q=0.1",
    "robots": "text/plain,*/*;q=0.1",
}
PURPOSES: tuple[str, ...] = tuple(_ACCEPTED_TYPES)

# What urllib3 can decode in this environment: "gzip,deflate", plus "br" / "zstd" when the
# optional brotli / zstandard packages are installed. We advertise and accept exactly these,
# so a corrupt stream in any of them surfaces as urllib3's DecodeError (-> decode_error).
_DECODABLE = tuple(c.strip() for c in urllib3.util.request.ACCEPT_ENCODING.split(",") if c.strip())
ACCEPT_ENCODING = ", ".join(_DECODABLE)
_SUPPORTED_ENCODINGS = frozenset({*_DECODABLE, "x-gzip", "identity"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# 408 and 429 are "try again later"; 5xx are server trouble, except 501 Not Implemented and
# 505 HTTP Version Not Supported, which will not change on a retry.
_RETRY_STATUSES = frozenset({408, 429}) | (frozenset(range(500, 600)) - {501, 505})
_READ_CHUNK = 64 * 1024
# RFC 9309 2.5: crawlers must parse at least 500 KiB of robots.txt; more may be ignored.
ROBOTS_MAX_BYTES = 512 * 1024
# A Crawl-delay above this would stall a run (one page per minute); we stop fetching instead.
MAX_CRAWL_DELAY_S = 60.0
# Address classes refused even for outlets that allow private networks.
_ALWAYS_BLOCKED = frozenset({"link-local", "multicast", "reserved", "unspecified"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


# --- address guard ---------------------------------------------------------------------------


class BlockedAddressError(Exception):
    """Raised inside urllib3's connect when the resolved address fails the guard.

    Deliberately not an OSError, so urllib3 neither retries nor wraps it; ``fetch`` turns it
    into the ``blocked_address`` outcome. It never escapes ``fetch``.
    """


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to, if any (mapped, 6to4, Teredo, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # (server, client): the client is where traffic goes
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_block_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public unicast address (None when it is)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = address_block_reason(embedded)
            return f"{reason} (embedded in {address})" if reason else None
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_loopback:
        return "loopback"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:  # e.g. 100.64.0.0/10 carrier-grade NAT, documentation ranges
        return "non-global"
    return None


def is_refused(address: IPAddress, *, allow_private: bool) -> str | None:
    """The reason ``address`` must not be contacted under the given policy, else None."""
    reason = address_block_reason(address)
    if reason is None:
        return None
    if allow_private and reason.split(" ", 1)[0] not in _ALWAYS_BLOCKED:
        return None
    return reason


def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing if ANY of them is refused.

    Refusing on any bad answer (not just the first) stops a name that resolves to both a
    public and a private address from being used to reach the private one.
    Raises ``socket.gaierror`` when resolution fails, ``BlockedAddressError`` when refused.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        literal = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        address = ipaddress.ip_address(literal)
        reason = is_refused(address, allow_private=allow_private)
        if reason:
            raise BlockedAddressError(f"{host} resolves to {address} ({reason})")
        if literal not in addresses:
            addresses.append(literal)
    if not addresses:
        raise socket.gaierror(f"no addresses for {host}")
    return addresses


def _connect_checked(
    conn: HTTPConnection, connect: Callable[[], socket.socket], allow_private: bool
) -> socket.socket:
    """Resolve + check, then connect to a checked address (closes the DNS-rebinding gap)."""
    host = conn._dns_host  # urllib3's resolution name; .host (used for SNI/Host) is untouched
    try:
        addresses = resolve_checked(host, conn.port or 0, allow_private=allow_private)
    except socket.gaierror as exc:
        raise urllib3.exceptions.NameResolutionError(host, conn, exc) from exc
    last_error: Exception | None = None
    for address in addresses:
        conn._dns_host = address
        try:
            return connect()
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as exc:
            last_error = exc  # try the next address, like socket.create_connection does
        finally:
            conn._dns_host = host
    assert last_error is not None  # addresses is never empty
    raise last_error


class _GuardedHTTPConnection(HTTPConnection):
    allow_private: ClassVar[bool] = False

    def _new_conn(self) -> socket.socket:
        return _connect_checked(self, super()._new_conn, self.allow_private)


class _GuardedHTTPSConnection(HTTPSConnection):
    allow_private: ClassVar[bool] = False

    def _new_conn(self) -> socket.socket:
        return _connect_checked(self, super()._new_conn, self.allow_private)


class _PrivateOkHTTPConnection(_GuardedHTTPConnection):
    allow_private = True


class _PrivateOkHTTPSConnection(_GuardedHTTPSConnection):
    allow_private = True


def _pool_classes(allow_private: bool) -> dict[str, type[HTTPConnectionPool]]:
    http_conn = _PrivateOkHTTPConnection if allow_private else _GuardedHTTPConnection
    https_conn = _PrivateOkHTTPSConnection if allow_private else _GuardedHTTPSConnection
    http_pool = type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    return {"http": http_pool, "https": https_pool}


class _GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections run the address guard at connect time."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        super().__init__(pool_connections=20, pool_maxsize=10, max_retries=0)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **kwargs: object) -> None:
        super().init_poolmanager(connections, maxsize, block, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._allow_private)


class _ManualRedirectSession(requests.Session):
    """A Session that never touches a redirect response's body.

    Even with ``allow_redirects=False``, ``Session.send`` calls ``resolve_redirects`` to
    precompute ``Response.next``, and that reads the whole redirect body into memory
    (``resp.content``) with no size cap, no total deadline and full decompression: a 302 with
    an endless or gzip-bomb body would bypass every limit here. We follow redirects by hand
    and never use ``Response.next``, so there is nothing to resolve.
    """

    def resolve_redirects(self, *args: object, **kwargs: object) -> Iterator[requests.Response]:  # type: ignore[override]
        return iter(())


def _make_session(allow_private: bool) -> requests.Session:
    session = _ManualRedirectSession()
    session.trust_env = False  # no proxies/netrc from the environment (see module docstring)
    session.verify = True
    adapter = _GuardedAdapter(allow_private)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- robots.txt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt means for us."""

    parser: Protego | None = None
    disallow_all: bool = False
    note: str = ""

    def can_fetch(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        return self.parser.crawl_delay(user_agent) if self.parser is not None else None


def _rules_from_page(page: RawPage) -> RobotsRules:
    """RFC 9309 2.3.1: 2xx parse; 4xx "unavailable" = allow all; 5xx/unreachable = disallow all."""
    if page.outcome == "ok":
        text = page.body.decode("utf-8", errors="replace")
        try:
            return RobotsRules(parser=Protego.parse(text))
        except Exception as exc:  # protego is lenient; if it still fails, treat lines as invalid
            log.warning("unparsable robots.txt at %s (%r); treating as no rules", page.final_url, exc)
            return RobotsRules(note=f"unparsable robots.txt: {exc!r}")
    status = page.status
    # 408 and 429 are "come back later", i.e. unreachable, not "unavailable".
    if page.outcome == "http_4xx" and status not in (408, 429):
        return RobotsRules(note=f"robots.txt unavailable (HTTP {status}): no restrictions")
    # RFC 9309 2.3.1.2: beyond five redirects a crawler may assume robots.txt is unavailable.
    if page.outcome in ("too_many_redirects", "redirect_loop", "invalid_url"):
        return RobotsRules(note=f"robots.txt unavailable ({page.outcome}): no restrictions")
    # 429 and 5xx, timeouts, connection errors, refused addresses, corrupt bodies: "unreachable".
    return RobotsRules(
        disallow_all=True, note=f"robots.txt unreachable ({page.outcome} {status or ''})".strip()
    )


# --- politeness ------------------------------------------------------------------------------


class HostGate(Protocol):
    """Per-host politeness: where a request may start, and how many may run at once.

    ``slot`` blocks until a request to ``host`` may start, then holds the slot while the
    request runs (connect to the end of the body read) and frees it on exit, exceptions
    included. A request may start when fewer than ``max_concurrency`` requests to ``host`` are
    in flight and at least ``min_delay_s`` has passed since the previous request to ``host``
    *started*. ``host`` is the lower-case ASCII (IDNA) host name, without port.
    ``min_delay_s`` may differ between calls (a robots.txt Crawl-delay raises it once known).
    Implementations must be thread-safe; their scope (one process, or every worker sharing a
    database) is theirs to choose. The Fetcher never sleeps for retries inside a slot, and never
    asks for a slot while holding one (robots.txt is fetched before the page's slot is
    requested), so a gate with a concurrency of 1 cannot deadlock it.
    """

    def slot(self, host: str, min_delay_s: float, max_concurrency: int) -> AbstractContextManager[None]: ...


@dataclass
class _HostState:
    semaphore: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_start: float = float("-inf")


class LocalHostGate:
    """``HostGate`` within this process: a semaphore and a start-time reservation per host.

    The first caller to touch a host sets its concurrency limit (one outlet per host in
    practice). Start times are reserved before sleeping, so concurrent callers queue in order.
    One instance may be shared by several Fetchers.
    """

    def __init__(self) -> None:
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def _state(self, host: str, max_concurrency: int) -> _HostState:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = _HostState(semaphore=threading.BoundedSemaphore(max(1, max_concurrency)))
                self._hosts[host] = state
            return state

    @contextmanager
    def slot(self, host: str, min_delay_s: float, max_concurrency: int) -> Iterator[None]:
        state = self._state(host, max_concurrency)
        with state.semaphore:
            with state.lock:
                now = time.monotonic()
                start = max(now, state.last_start + max(0.0, min_delay_s))
                state.last_start = start  # reserve the slot before sleeping so others queue after
            if start > now:
                time.sleep(start - now)
            yield


# --- per-fetch bookkeeping -------------------------------------------------------------------


class _Budget:
    """Network time left for one fetch() across all its hops and attempts (waits excluded)."""

    def __init__(self, total_s: float) -> None:
        self.total_s = total_s
        self.spent_s = 0.0

    def remaining(self) -> float:
        return self.total_s - self.spent_s

    @contextmanager
    def running(self) -> Iterator[float]:
        """Yield the monotonic deadline for this hop, and charge the time spent to the budget."""
        started = time.monotonic()
        try:
            yield started + self.remaining()
        finally:
            self.spent_s += time.monotonic() - started


@dataclass
class _Hop:
    """The result of one request: a final page, or a redirect to follow."""

    outcome: FetchOutcome
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    location: str | None = None  # set when the response is a redirect to follow
    retryable: bool = False  # a transient failure: worth another attempt after a pause
    retry_after: float | None = None  # seconds the server asked us to wait (Retry-After)


# A retry whose total-time budget is nearly spent would only produce an instant "timeout".
_MIN_RETRY_BUDGET_S = 0.1


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP-date); None if unusable.

    A date in the past means 0. An absurdly long number is infinity (never waited for).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and text.isascii():
        return float(text) if len(text) <= 12 else float("inf")
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # RFC 9110 HTTP-dates are GMT
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _header_value_ok(value: str) -> bool:
    """Can ``value`` be sent as a header value (no control characters, latin-1)?"""
    if any((ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F for ch in value):
        return False
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from stored validators; unusable ones are dropped."""
    headers: dict[str, str] = {}
    for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
        if value is None or not value.strip():
            continue
        if not _header_value_ok(value.strip()):
            log.warning("dropping an unsendable %s validator %r", name, value)
            continue
        headers[name] = value.strip()
    return headers


def _status_outcome(status: int) -> FetchOutcome:
    """4xx is the client's problem; anything else unusable (5xx, an unfollowable 3xx such as
    300 or a redirect without Location, 1xx, >= 600) is the server's."""
    return "http_4xx" if 400 <= status < 500 else "http_5xx"


def _with_note(page: RawPage, note: str | None) -> RawPage:
    if not note:
        return page
    return replace(page, error=f"{page.error}; {note}" if page.error else note)


def _media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _type_accepted(media_type: str, purpose: str) -> bool:
    accepted = _ACCEPTED_TYPES[purpose]
    if accepted is None or not media_type:
        return True
    if accepted is _FEED_TYPES and (media_type.endswith("+xml") or media_type.endswith("+json")):
        return True  # application/rss+xml, application/atom+xml, application/feed+json, ...
    return media_type in accepted


def _unsupported_encoding(headers: dict[str, str]) -> str | None:
    codings = [c.strip().lower() for c in headers.get("content-encoding", "").split(",") if c.strip()]
    bad = [c for c in codings if c not in _SUPPORTED_ENCODINGS]
    return ", ".join(bad) if bad else None


def _truncated_stream(raw: object) -> str | None:
    """Why a fully read compressed body is incomplete (None when complete or unknowable).

    zlib does not complain when a gzip/deflate stream simply stops; it only never reaches its
    end marker. urllib3 does not check that, so we look at its decoder (private attributes,
    read defensively: if they change, this check quietly does nothing).
    """
    tell = getattr(raw, "tell", None)
    if tell is None or not tell():
        return None  # nothing on the wire (an empty body is not a truncated stream)
    decoder = getattr(raw, "_decoder", None)
    zobj = getattr(decoder, "_obj", None)
    if zobj is None or getattr(zobj, "eof", True):
        return None
    gzip_decoder = getattr(urllib3.response, "GzipDecoder", None)
    deflate_decoder = getattr(urllib3.response, "DeflateDecoder", None)
    if gzip_decoder is not None and isinstance(decoder, gzip_decoder):
        # Later members of a multi-member gzip may be followed by tolerated garbage; only a
        # first member that never ended is certainly truncated.
        if getattr(decoder, "_state", None) == 0:  # GzipDecoderState.FIRST_MEMBER
            return "gzip stream ends before its end marker (truncated)"
    elif deflate_decoder is not None and isinstance(decoder, deflate_decoder):
        if not getattr(decoder, "_first_try", True):
            return "deflate stream ends before its end marker (truncated)"
    return None


def _ascii_host(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if host and not host.isascii():
        host = idna.encode(host, uts46=True).decode("ascii")
    return host


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched at all (None when it is a usable http(s) URL)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a junk port
        host = _ascii_host(parts)
    except (ValueError, idna.IDNAError) as exc:
        return f"unparsable URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported scheme {parts.scheme!r}"
    if not host:
        return "URL has no host"
    return None


def _origin(parts: SplitResult) -> str:
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{_ascii_host(parts).lower()}:{port}"


def _outlet_hosts(outlet: Outlet) -> frozenset[str]:
    """Hosts named in the sources file for this outlet (where a private allowance applies)."""
    hosts: set[str] = set()
    for url in (outlet.homepage, *(feed.url for feed in outlet.feeds)):
        try:
            hosts.add(_ascii_host(urlsplit(url)).lower())
        except (ValueError, idna.IDNAError):
            continue  # sources validation already rejects these
    return frozenset(hosts)


def _chain_key(url: str) -> str:
    """What counts as "the same URL" for redirect-loop detection (the fragment is never sent)."""
    return urldefrag(url)[0]


class Fetcher:
    """Polite, bounded, guarded, retrying HTTP fetching. Use as a context manager; share across
    threads.

    ``None`` for any limit means the value from ``settings``. ``retries`` is the number of
    extra attempts after a transient failure (0 disables retrying); the n-th retry waits
    ``uniform(0, min(backoff_max_s, backoff_base_s * 2**(n-1)))`` seconds, or the server's
    Retry-After when it sends one no longer than ``max_retry_after_s``. ``host_gate`` enforces
    per-host politeness (default: a ``LocalHostGate`` private to this Fetcher).
    """

    def __init__(
        self,
        user_agent: str | None = None,
        *,
        max_bytes: int | None = None,
        max_redirects: int | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        total_timeout: float | None = None,
        retries: int = 2,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 30.0,
        max_retry_after_s: float = 120.0,
        host_gate: HostGate | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError(f"retries must be >= 0, got {retries}")
        if min(backoff_base_s, backoff_max_s, max_retry_after_s) < 0:
            raise ValueError("backoff_base_s, backoff_max_s and max_retry_after_s must be >= 0")
        self.user_agent = user_agent or settings.user_agent()
        self.max_bytes = max_bytes if max_bytes is not None else settings.max_response_bytes()
        self.max_redirects = max_redirects if max_redirects is not None else settings.max_redirects()
        self.connect_timeout = (
            connect_timeout if connect_timeout is not None else settings.connect_timeout_s()
        )
        self.read_timeout = read_timeout if read_timeout is not None else settings.read_timeout_s()
        self.total_timeout = total_timeout if total_timeout is not None else settings.total_timeout_s()
        self.retries = retries
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.max_retry_after_s = max_retry_after_s
        self.host_gate: HostGate = host_gate if host_gate is not None else LocalHostGate()
        # Two sessions so the connect-time guard knows the policy: pools are per session.
        self._strict_session = _make_session(allow_private=False)
        self._private_session = _make_session(allow_private=True)
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._robots_lock = threading.Lock()
        self._local = threading.local()
        self._random = random.Random()

    # -- lifecycle --

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._strict_session.close()
        self._private_session.close()

    # -- public API --

    def fetch(
        self,
        url: str,
        outlet: Outlet,
        *,
        purpose: str = "article",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> RawPage:
        """Fetch ``url`` for ``outlet``; never raises for per-URL problems.

        ``purpose`` is one of ``PURPOSES`` (article, homepage, feed, sitemap, robots) and
        selects the accepted content types. ``etag`` / ``last_modified`` (the ``etag`` and
        ``last-modified`` headers of an earlier ``RawPage``) make it a conditional GET; a 304
        comes back as ``not_modified`` with an empty body.

        The result is the last attempt. In it, ``redirects`` lists every URL that answered with
        a redirect, in order (so ``final_url`` is where fetching stopped, whether or not it was
        contacted), ``elapsed_ms`` is that attempt's network time (politeness waits and retry
        sleeps excluded) and ``fetched_at`` its start. Earlier (failed) attempts of a retried
        fetch, and robots.txt fetches made on the way, are available from
        ``drain_side_fetches()``.
        """
        if purpose not in _ACCEPTED_TYPES:
            raise ValueError(f"unknown purpose {purpose!r}; expected one of {', '.join(PURPOSES)}")
        conditional = _conditional_headers(etag, last_modified)
        budget = _Budget(self.total_timeout)
        attempts = self.retries + 1
        attempt = 1
        while True:
            page, hop = self._attempt(url, outlet, purpose, conditional, budget)
            delay, note = self._retry_delay(hop, attempt, attempts, budget)
            if delay is None:
                if note is None and attempt > 1 and page.outcome not in ("ok", "not_modified"):
                    note = f"attempt {attempt} of {attempts}"
                page = _with_note(page, note)
                log.debug("fetch %s %s -> %s %s", purpose, url, page.outcome, page.status)
                return page
            log.info(
                "fetch %s %s: %s %s on attempt %d of %d; retrying in %.2fs",
                purpose, url, page.outcome, page.status or "", attempt, attempts, delay,
            )  # fmt: skip
            self._add_side_fetch(
                purpose, _with_note(page, f"attempt {attempt} of {attempts}, retried after {delay:.2f}s")
            )
            time.sleep(delay)  # outside any host slot: a waiting retry blocks nobody
            attempt += 1

    def drain_side_fetches(self) -> list[tuple[str, RawPage]]:
        """Return and forget the side fetches this *thread* made since the last call.

        Side fetches are robots.txt reads (purpose "robots") and the earlier, failed attempts of
        retried fetches (with the purpose of the fetch), in the order they were made. Archive
        them with the page ``fetch`` returned. Thread-local so that concurrent callers each get
        exactly the fetches their own ``fetch`` calls caused.
        """
        pending: list[tuple[str, RawPage]] = getattr(self._local, "side", [])
        self._local.side = []
        return pending

    def robots_rules(self, url: str, outlet: Outlet) -> RobotsRules:
        """The robots.txt rules for ``url``'s origin (fetched on first use, then cached)."""
        parts = urlsplit(url)
        origin = _origin(parts)
        with self._robots_lock:
            cached = self._robots.get(origin)
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        if cached is not None:
            return cached
        with origin_lock:  # one fetch per origin even when several threads ask at once
            cached = self._robots.get(origin)
            if cached is None:
                cached = self._load_robots(origin, outlet)
                with self._robots_lock:
                    self._robots[origin] = cached
        return cached

    # -- retries --

    def _add_side_fetch(self, purpose: str, page: RawPage) -> None:
        side: list[tuple[str, RawPage]] = getattr(self._local, "side", [])
        side.append((purpose, page))
        self._local.side = side

    def _retry_delay(
        self, hop: _Hop, attempt: int, attempts: int, budget: _Budget
    ) -> tuple[float | None, str | None]:
        """(seconds to wait before the next attempt, or None to stop; a note for the page)."""
        if not hop.retryable:
            return None, None
        if attempt >= attempts:
            return None, (f"gave up after {attempts} attempts" if attempts > 1 else None)
        if budget.remaining() < _MIN_RETRY_BUDGET_S:
            return None, f"not retried: the total time cap of {self.total_timeout:g}s is spent"
        if hop.retry_after is not None:
            if hop.retry_after > self.max_retry_after_s:
                return None, (
                    f"not retried: Retry-After {hop.retry_after:g}s exceeds our limit of "
                    f"{self.max_retry_after_s:g}s"
                )
            return hop.retry_after, None
        # "Full jitter": spreads retries from many workers instead of synchronising them.
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1))
        return self._random.uniform(0.0, ceiling), None

    def _attempt(
        self, url: str, outlet: Outlet, purpose: str, conditional: dict[str, str], budget: _Budget
    ) -> tuple[RawPage, _Hop]:
        fetched_at = datetime.now(UTC)
        spent_before = budget.spent_s
        try:
            return self._fetch_chain(url, outlet, purpose, conditional, fetched_at, budget, spent_before)
        except Exception as exc:  # a bug must not kill a whole run: record it as this URL's outcome
            log.exception("internal error fetching %s", url)
            hop = _Hop("connection_error", error=f"internal error: {exc!r}")
            page = RawPage(
                url=url, final_url=url, outcome=hop.outcome, status=None, headers={}, body=b"",
                fetched_at=fetched_at, elapsed_ms=int((budget.spent_s - spent_before) * 1000),
                error=hop.error,
            )  # fmt: skip
            return page, hop

    # -- the redirect chain --

    def _fetch_chain(
        self,
        url: str,
        outlet: Outlet,
        purpose: str,
        conditional: dict[str, str],
        fetched_at: datetime,
        budget: _Budget,
        spent_before: float,
    ) -> tuple[RawPage, _Hop]:
        redirects: list[str] = []
        visited = {_chain_key(url)}
        current = url

        def page(hop: _Hop) -> tuple[RawPage, _Hop]:
            raw_page = RawPage(
                url=url, final_url=current, outcome=hop.outcome, status=hop.status, headers=hop.headers,
                body=hop.body, fetched_at=fetched_at, elapsed_ms=int((budget.spent_s - spent_before) * 1000),
                error=hop.error, redirects=tuple(redirects),
            )  # fmt: skip
            return raw_page, hop

        while True:
            refusal = self._refusal(current, outlet, purpose)
            if refusal is not None:
                return page(refusal)
            hop = self._request(current, outlet, purpose, conditional, budget)
            if hop.location is None:
                return page(hop)
            redirects.append(current)
            current = hop.location
            if _chain_key(current) in visited:
                return page(
                    _Hop(
                        "redirect_loop", hop.status, hop.headers,
                        error=f"redirect back to {current}, already visited in this chain",
                    )
                )  # fmt: skip
            visited.add(_chain_key(current))
            if len(redirects) > self.max_redirects:
                return page(_Hop("too_many_redirects", error=f"more than {self.max_redirects} redirects"))

    def _refusal(self, url: str, outlet: Outlet, purpose: str) -> _Hop | None:
        """Checks before any byte is sent to ``url``: syntax, address guard, robots.txt."""
        problem = _url_problem(url)
        if problem:
            return _Hop("invalid_url", error=problem)
        parts = urlsplit(url)
        host = _ascii_host(parts)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            resolve_checked(host, port, allow_private=self._allows_private(outlet, host))
        except BlockedAddressError as exc:
            return _Hop("blocked_address", error=str(exc))
        except socket.gaierror as exc:
            # EAI_AGAIN is a temporary resolver failure; "no such name" will not change.
            return _Hop(
                "connection_error",
                error=f"cannot resolve {host}: {exc}",
                retryable=exc.errno == socket.EAI_AGAIN,
            )
        except UnicodeError as exc:
            return _Hop("connection_error", error=f"cannot resolve {host}: {exc}")
        if purpose == "robots" or outlet.robots_override_reason:
            return None
        rules = self.robots_rules(url, outlet)
        if not rules.can_fetch(url, self.user_agent):
            reason = rules.note or "disallowed by robots.txt"
            return _Hop("robots_disallowed", error=reason)
        delay = rules.crawl_delay(self.user_agent)
        if delay is not None and delay > MAX_CRAWL_DELAY_S:
            return _Hop(
                "robots_disallowed",
                error=f"Crawl-delay {delay:g}s exceeds our limit of {MAX_CRAWL_DELAY_S:g}s",
            )
        return None

    @staticmethod
    def _allows_private(outlet: Outlet, host: str) -> bool:
        return outlet.allow_private_network and host.lower() in _outlet_hosts(outlet)

    def _load_robots(self, origin: str, outlet: Outlet) -> RobotsRules:
        robots_url = f"{origin}/robots.txt"
        robots_page = self.fetch(robots_url, outlet, purpose="robots")
        self._add_side_fetch("robots", robots_page)
        rules = _rules_from_page(robots_page)
        if rules.note:
            log.info("robots %s: %s", origin, rules.note)
        return rules

    # -- one request --

    def _host_delay(self, url: str, outlet: Outlet, purpose: str) -> float:
        delay = outlet.min_delay_s if outlet.min_delay_s is not None else settings.min_host_delay_s()
        if purpose != "robots" and not outlet.robots_override_reason:
            crawl_delay = self.robots_rules(url, outlet).crawl_delay(self.user_agent)
            if crawl_delay is not None:
                delay = max(delay, crawl_delay)
        return max(0.0, delay)

    def _request(
        self, url: str, outlet: Outlet, purpose: str, conditional: dict[str, str], budget: _Budget
    ) -> _Hop:
        host = _ascii_host(urlsplit(url)).lower()
        session = self._private_session if self._allows_private(outlet, host) else self._strict_session
        headers = {
            "User-Agent": self.user_agent,
            "Accept": _ACCEPT_HEADERS[purpose],
            "Accept-Encoding": ACCEPT_ENCODING,
            **conditional,
        }
        delay = self._host_delay(url, outlet, purpose)
        concurrency = max(1, outlet.max_concurrency or settings.max_host_concurrency())
        with self.host_gate.slot(host, delay, concurrency), budget.running() as deadline:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _Hop("timeout", error=f"total time cap of {self.total_timeout:g}s reached")
            timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
            try:
                response = session.get(
                    url, headers=headers, timeout=timeout, allow_redirects=False, stream=True
                )
            except BlockedAddressError as exc:
                return _Hop("blocked_address", error=f"refused at connect: {exc}")
            except requests.exceptions.RequestException as exc:
                return _exception_hop(exc)
            try:
                hop = self._read_response(response, url, purpose, deadline)
                if hop.location is not None or hop.outcome == "not_modified":
                    _drain_small_body(response, deadline)
                return hop
            finally:
                # A body read to its end has already given the connection back to the pool
                # (keep-alive); otherwise this closes it, so no unread bytes are ever reused.
                response.close()

    def _read_response(self, response: requests.Response, url: str, purpose: str, deadline: float) -> _Hop:
        status = response.status_code
        headers = {key.lower(): value for key, value in response.headers.items()}
        if status in _REDIRECT_STATUSES:
            location = headers.get("location", "").strip()
            if not location:
                return _Hop("http_5xx", status, headers, error=f"HTTP {status} without a Location header")
            # The outcome of a redirect hop is never reported: the chain continues at location.
            return _Hop("ok", status, headers, location=urljoin(url, location))
        if status == 304:
            return _Hop("not_modified", status, headers)
        if not 200 <= status < 300:
            body, _outcome, note, _retryable = self._read_body(response, deadline, truncate=True)
            retryable = status in _RETRY_STATUSES
            return _Hop(
                _status_outcome(status), status, headers, body,
                error=f"HTTP {status}" + (f"; {note}" if note else ""),
                retryable=retryable,
                retry_after=parse_retry_after(headers.get("retry-after")) if retryable else None,
            )  # fmt: skip
        unsupported = _unsupported_encoding(headers)
        if unsupported:
            return _Hop(
                "bad_content_type", status, headers, error=f"unsupported Content-Encoding: {unsupported}"
            )
        media_type = _media_type(headers)
        if not _type_accepted(media_type, purpose):
            return _Hop(
                "bad_content_type", status, headers, error=f"{media_type!r} is not acceptable for {purpose}"
            )
        body, outcome, note, retryable = self._read_body(response, deadline, truncate=purpose == "robots")
        return _Hop(
            outcome, status, headers, body if outcome == "ok" else b"", error=note, retryable=retryable
        )

    def _body_cap(self, truncate: bool) -> int:
        # Truncated bodies (robots.txt, error pages kept for the archive) stop at 512 KiB.
        return min(self.max_bytes, ROBOTS_MAX_BYTES) if truncate else self.max_bytes

    def _read_body(
        self, response: requests.Response, deadline: float, *, truncate: bool
    ) -> tuple[bytes, FetchOutcome, str | None, bool]:
        """Stream the decoded body under the size cap and the deadline.

        Returns (body, outcome, note, retryable). With ``truncate`` (robots.txt, error pages) an
        oversized body is cut at the cap and still "ok"; otherwise it is ``too_large``.
        """
        cap = self._body_cap(truncate)
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > cap:
            return b"", "too_large", f"Content-Length {declared} exceeds the cap of {cap} bytes", False
        raw = response.raw
        # read1 returns after one socket read, so the deadline is checked between reads
        # (read() would block until a whole chunk arrived from a slow-drip server).
        read: Callable[..., bytes] = getattr(raw, "read1", raw.read)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    note = f"total time cap of {self.total_timeout:g}s reached while reading"
                    return b"", "timeout", note, False
                chunk = read(_READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    if truncate:
                        chunks.append(chunk[: len(chunk) - (size - cap)])
                        return b"".join(chunks), "ok", f"body truncated at {cap} bytes", False
                    note = f"body exceeds the cap of {cap} bytes (after decompression)"
                    return b"", "too_large", note, False
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError as exc:
            return b"", "timeout", f"read timeout: {exc}", True
        except urllib3.exceptions.DecodeError as exc:
            return b"", "decode_error", f"cannot decode body: {exc}", False
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return b"", "connection_error", f"connection broken while reading: {exc}", True
        truncated = _truncated_stream(raw)
        if truncated:
            return b"", "decode_error", f"cannot decode body: {truncated}", False
        return b"".join(chunks), "ok", None, False


# Bodies of redirects and 304s are read and dropped when small and quick (a declared
# Content-Length up to this size, within _DRAIN_MAX_S), so the connection can be reused
# (conditional feed polls are mostly 304s); otherwise the connection is closed instead.
_DRAIN_MAX_BYTES = 16 * 1024
_DRAIN_MAX_S = 1.0


def _drain_small_body(response: requests.Response, deadline: float) -> None:
    """Read and discard a small unused body so keep-alive survives; never for long."""
    declared = response.headers.get("content-length", "")
    if response.status_code != 304 and not (declared.isdigit() and int(declared) <= _DRAIN_MAX_BYTES):
        return  # unknown length (read-until-close or chunked) or big: closing is cheaper
    raw = response.raw
    read: Callable[..., bytes] = getattr(raw, "read1", raw.read)
    stop = min(deadline, time.monotonic() + _DRAIN_MAX_S)
    drained = 0
    try:
        while drained <= _DRAIN_MAX_BYTES and time.monotonic() < stop:
            chunk = read(_DRAIN_MAX_BYTES, decode_content=False)
            if not chunk:
                return
            drained += len(chunk)
    except (urllib3.exceptions.HTTPError, OSError):
        return  # the caller closes the connection anyway


def _exception_hop(exc: requests.exceptions.RequestException) -> _Hop:
    """Map a requests exception raised before the body to an outcome."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return _Hop("timeout", error=f"connect timeout: {exc}", retryable=True)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return _Hop("timeout", error=f"read timeout: {exc}", retryable=True)
    if isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.MissingSchema
        | requests.exceptions.InvalidSchema,
    ):
        return _Hop("invalid_url", error=str(exc))
    if isinstance(exc, requests.exceptions.SSLError):
        # A certificate problem will not fix itself in a second.
        return _Hop("connection_error", error=f"TLS error (verification is always on): {exc}")
    # Refused, reset, unreachable: worth another try. Anything else (a malformed response,
    # an invalid header) is not.
    retryable = isinstance(exc, requests.exceptions.ConnectionError)
    return _Hop("connection_error", error=f"{type(exc).__name__}: {exc}", retryable=retryable)
