"""The only module that talks to the network: a polite, bounded, guarded HTTP fetcher.

``Fetcher.fetch`` never raises for a per-URL problem; every attempt, good or bad, comes back as
a ``RawPage`` whose ``outcome`` (``models.FetchOutcome``) says what happened, so it can be
archived and counted. What every request gets:

* **Timeouts**: connect and read timeouts on every request, plus a total cap per ``fetch``
  (all redirect hops together) checked between reads while streaming the body. The total cap
  can be overshot by at most one read timeout (a single blocked ``recv``).
* **Size cap** on the *decoded* body: the body is read with urllib3's ``read1`` with
  ``decode_content=True``, which decompresses at most one chunk's worth at a time, and counted
  as it arrives; a gzip bomb is cut off at the cap, never inflated in memory. A declared
  ``Content-Length`` above the cap is refused before reading. Only gzip and deflate are
  accepted (brotli is not installed, so ``br`` is never advertised and refused if sent).
* **Content-type check** per purpose (articles must be HTML; feeds XML/JSON/text/gzip).
* **Redirects** followed by hand (at most ``max_redirects``); every hop is re-validated, passed
  through the address guard and checked against robots.txt.
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
  polite path; 4xx means "no rules", 5xx/429/timeouts mean "disallow everything" for the rest
  of the run. ``Crawl-delay`` raises the host's delay; one above ``MAX_CRAWL_DELAY_S`` makes
  the host unfetchable for us (we will not ignore it, and honouring it would stall a run).
  robots.txt fetches are recorded and handed over by ``drain_side_fetches`` for archiving.
* **Politeness**: per host, a minimum gap between request starts (the outlet's
  ``min_delay_s`` or ``NEWSWATCH_MIN_HOST_DELAY_S``, raised to the Crawl-delay) and at most N
  requests in flight (a semaphore per host, first outlet to touch the host sets N), within
  this process. An identifying User-Agent (``settings.user_agent()``).
* **TLS verification** always on; there is no switch to turn it off.

One ``Fetcher`` per run: the robots.txt cache and politeness state live as long as it does.

Known gaps: name resolution (``getaddrinfo``) is not covered by the timeouts, and each hop is
resolved twice (the pre-check, then the pinned connect); a host whose DNS hangs can stall one
fetch for the resolver's own timeout.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import ClassVar
from urllib.parse import SplitResult, urljoin, urlsplit

import idna
import requests
import urllib3.exceptions
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

# urllib3 (without the optional brotli/zstandard packages) decodes exactly these.
_SUPPORTED_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate", "identity"})
_ACCEPT_ENCODING = "gzip, deflate"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
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


def _make_session(allow_private: bool) -> requests.Session:
    session = requests.Session()
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
    if page.outcome == "http_error" and status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(note=f"robots.txt unavailable (HTTP {status}): no restrictions")
    if page.outcome in ("too_many_redirects", "invalid_url"):
        return RobotsRules(note=f"robots.txt unavailable ({page.outcome}): no restrictions")
    # 429 and 5xx, timeouts, connection errors, refused addresses: "unreachable".
    return RobotsRules(
        disallow_all=True, note=f"robots.txt unreachable ({page.outcome} {status or ''})".strip()
    )


# --- politeness ------------------------------------------------------------------------------


@dataclass
class _HostState:
    semaphore: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_start: float = float("-inf")


# --- per-fetch bookkeeping -------------------------------------------------------------------


class _Budget:
    """Network time left for one fetch() across all its hops (politeness waits excluded)."""

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


class Fetcher:
    """Polite, bounded, guarded HTTP fetching. Use as a context manager; share across threads.

    ``None`` for any limit means the value from ``settings``.
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
    ) -> None:
        self.user_agent = user_agent or settings.user_agent()
        self.max_bytes = max_bytes if max_bytes is not None else settings.max_response_bytes()
        self.max_redirects = max_redirects if max_redirects is not None else settings.max_redirects()
        self.connect_timeout = (
            connect_timeout if connect_timeout is not None else settings.connect_timeout_s()
        )
        self.read_timeout = read_timeout if read_timeout is not None else settings.read_timeout_s()
        self.total_timeout = total_timeout if total_timeout is not None else settings.total_timeout_s()
        # Two sessions so the connect-time guard knows the policy: pools are per session.
        self._strict_session = _make_session(allow_private=False)
        self._private_session = _make_session(allow_private=True)
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._robots_lock = threading.Lock()
        self._local = threading.local()

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

    def fetch(self, url: str, outlet: Outlet, *, purpose: str = "article") -> RawPage:
        """Fetch ``url`` for ``outlet``; never raises for per-URL problems.

        ``purpose`` is one of ``PURPOSES`` (article, homepage, feed, sitemap, robots) and
        selects the accepted content types. In the result, ``redirects`` lists every URL that
        answered with a redirect, in order (so ``final_url`` is where fetching stopped, whether
        or not it was contacted), and ``elapsed_ms`` is network time, politeness waits excluded.
        robots.txt fetches made on the way are available from ``drain_side_fetches()``.
        """
        if purpose not in _ACCEPTED_TYPES:
            raise ValueError(f"unknown purpose {purpose!r}; expected one of {', '.join(PURPOSES)}")
        fetched_at = datetime.now(UTC)
        budget = _Budget(self.total_timeout)
        try:
            page = self._fetch_chain(url, outlet, purpose, fetched_at, budget)
        except Exception as exc:  # a bug must not kill a whole run: record it as this URL's outcome
            log.exception("internal error fetching %s", url)
            page = RawPage(
                url=url, final_url=url, outcome="connection_error", status=None, headers={}, body=b"",
                fetched_at=fetched_at, elapsed_ms=int(budget.spent_s * 1000),
                error=f"internal error: {exc!r}",
            )  # fmt: skip
        log.debug("fetch %s %s -> %s %s", purpose, url, page.outcome, page.status)
        return page

    def drain_side_fetches(self) -> list[tuple[str, RawPage]]:
        """Return and forget the robots.txt fetches this *thread* made since the last call.

        Thread-local so that concurrent callers each get exactly the fetches their own
        ``fetch`` calls caused.
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

    # -- the redirect chain --

    def _fetch_chain(
        self, url: str, outlet: Outlet, purpose: str, fetched_at: datetime, budget: _Budget
    ) -> RawPage:
        redirects: list[str] = []
        current = url

        def page(hop: _Hop) -> RawPage:
            return RawPage(
                url=url, final_url=current, outcome=hop.outcome, status=hop.status, headers=hop.headers,
                body=hop.body, fetched_at=fetched_at, elapsed_ms=int(budget.spent_s * 1000),
                error=hop.error, redirects=tuple(redirects),
            )  # fmt: skip

        while True:
            refusal = self._refusal(current, outlet, purpose)
            if refusal is not None:
                return page(refusal)
            hop = self._request(current, outlet, purpose, budget)
            if hop.location is None:
                return page(hop)
            redirects.append(current)
            current = hop.location
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
        except (socket.gaierror, UnicodeError) as exc:
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
        side: list[tuple[str, RawPage]] = getattr(self._local, "side", [])
        side.append(("robots", robots_page))
        self._local.side = side
        rules = _rules_from_page(robots_page)
        if rules.note:
            log.info("robots %s: %s", origin, rules.note)
        return rules

    # -- one request --

    def _host_state(self, host: str, outlet: Outlet) -> _HostState:
        with self._hosts_lock:
            state = self._hosts.get(host)
            if state is None:
                limit = outlet.max_concurrency or settings.max_host_concurrency()
                state = _HostState(semaphore=threading.BoundedSemaphore(max(1, limit)))
                self._hosts[host] = state
            return state

    def _host_delay(self, url: str, outlet: Outlet, purpose: str) -> float:
        delay = outlet.min_delay_s if outlet.min_delay_s is not None else settings.min_host_delay_s()
        if purpose != "robots" and not outlet.robots_override_reason:
            crawl_delay = self.robots_rules(url, outlet).crawl_delay(self.user_agent)
            if crawl_delay is not None:
                delay = max(delay, crawl_delay)
        return max(0.0, delay)

    @contextmanager
    def _polite_slot(self, url: str, outlet: Outlet, purpose: str) -> Iterator[None]:
        """Hold one of the host's concurrency slots, starting no sooner than its delay allows."""
        host = _ascii_host(urlsplit(url)).lower()
        state = self._host_state(host, outlet)
        delay = self._host_delay(url, outlet, purpose)
        with state.semaphore:
            with state.lock:
                now = time.monotonic()
                start = max(now, state.last_start + delay)
                state.last_start = start  # reserve the slot before sleeping so others queue after
            if start > now:
                time.sleep(start - now)
            yield

    def _request(self, url: str, outlet: Outlet, purpose: str, budget: _Budget) -> _Hop:
        host = _ascii_host(urlsplit(url))
        session = self._private_session if self._allows_private(outlet, host) else self._strict_session
        headers = {
            "User-Agent": self.user_agent,
            "Accept": _ACCEPT_HEADERS[purpose],
            "Accept-Encoding": _ACCEPT_ENCODING,
        }
        with self._polite_slot(url, outlet, purpose), budget.running() as deadline:
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
                return self._read_response(response, url, purpose, deadline)
            finally:
                response.close()

    def _read_response(self, response: requests.Response, url: str, purpose: str, deadline: float) -> _Hop:
        status = response.status_code
        headers = {key.lower(): value for key, value in response.headers.items()}
        if status in _REDIRECT_STATUSES:
            location = headers.get("location", "").strip()
            if not location:
                return _Hop("http_error", status, headers, error=f"HTTP {status} without a Location header")
            # The outcome of a redirect hop is never reported: the chain continues at location.
            return _Hop("ok", status, headers, location=urljoin(url, location))
        if status == 304:
            return _Hop("not_modified", status, headers)
        if not 200 <= status < 300:
            body, _outcome, note = self._read_body(response, deadline, truncate=True)
            return _Hop(
                "http_error", status, headers, body, error=f"HTTP {status}" + (f"; {note}" if note else "")
            )
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
        body, outcome, note = self._read_body(response, deadline, truncate=purpose == "robots")
        return _Hop(outcome, status, headers, body if outcome == "ok" else b"", error=note)

    def _body_cap(self, truncate: bool) -> int:
        # Truncated bodies (robots.txt, error pages kept for the archive) stop at 512 KiB.
        return min(self.max_bytes, ROBOTS_MAX_BYTES) if truncate else self.max_bytes

    def _read_body(
        self, response: requests.Response, deadline: float, *, truncate: bool
    ) -> tuple[bytes, FetchOutcome, str | None]:
        """Stream the decoded body under the size cap and the deadline.

        Returns (body, outcome, note). With ``truncate`` (robots.txt, error pages) an oversized
        body is cut at the cap and still "ok"; otherwise it is ``too_large``.
        """
        cap = self._body_cap(truncate)
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > cap:
            return b"", "too_large", f"Content-Length {declared} exceeds the cap of {cap} bytes"
        raw = response.raw
        # read1 returns after one socket read, so the deadline is checked between reads
        # (read() would block until a whole chunk arrived from a slow-drip server).
        read: Callable[..., bytes] = getattr(raw, "read1", raw.read)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    return b"", "timeout", f"total time cap of {self.total_timeout:g}s reached while reading"
                chunk = read(_READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    if truncate:
                        chunks.append(chunk[: len(chunk) - (size - cap)])
                        return b"".join(chunks), "ok", f"body truncated at {cap} bytes"
                    return b"", "too_large", f"body exceeds the cap of {cap} bytes (after decompression)"
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError as exc:
            return b"", "timeout", f"read timeout: {exc}"
        except urllib3.exceptions.DecodeError as exc:
            return b"", "connection_error", f"cannot decode body: {exc}"
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return b"", "connection_error", f"connection broken while reading: {exc}"
        return b"".join(chunks), "ok", None


def _exception_hop(exc: requests.exceptions.RequestException) -> _Hop:
    """Map a requests exception raised before the body to an outcome."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return _Hop("timeout", error=f"connect timeout: {exc}")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return _Hop("timeout", error=f"read timeout: {exc}")
    if isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.MissingSchema
        | requests.exceptions.InvalidSchema,
    ):
        return _Hop("invalid_url", error=str(exc))
    if isinstance(exc, requests.exceptions.SSLError):
        return _Hop("connection_error", error=f"TLS error (verification is always on): {exc}")
    return _Hop("connection_error", error=f"{type(exc).__name__}: {exc}")
