"""URL canonicalisation, hashing and host keys (pure; no I/O).

One article reaches us under many spellings: with campaign parameters from a newsletter, as an
AMP page from a search carousel, with a ``#comments`` fragment, with ``HTTPS://WWW.Example.org:443``
capitals and ports. ``canonicalize_url`` folds these into one string so ``url_hash`` can serve as
the article's natural key.

The canonical form is a *key*, not a promise that the URL is fetchable: AMP removal in
particular is a heuristic (``/story/amp`` -> ``/story``) that is right for the common CMS layouts
and harmless when wrong, because we always fetch the URL the outlet announced.

Rules, in order:

1. resolve against ``base`` (when given); only ``http``/``https`` are accepted;
2. scheme and host lower-cased, host IDNA-encoded (UTS #46), trailing dot dropped, userinfo
   dropped, default ports (80/443) dropped, an ``amp.`` host prefix dropped;
3. percent-encoding normalised (unreserved characters decoded, hex upper-cased, unsafe
   characters encoded), dot segments removed, duplicate slashes collapsed, ``/amp/`` segments and
   ``.amp``/``/amp`` suffixes removed, trailing slash removed except for the root;
4. tracking parameters (``utm_*``, ``fbclid``, ...) and AMP switches (``amp=1``,
   ``outputType=amp``) removed, remaining parameters sorted;
5. fragment dropped.
"""

from __future__ import annotations

import hashlib
import ipaddress
import posixpath
import re
from urllib.parse import SplitResult, unquote_plus, urljoin, urlsplit, urlunsplit

import idna

_ALLOWED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Exact parameter names (compared lower-cased) that only identify a campaign, a click or a
# share, never the resource. Sources: Google/Meta/Microsoft click ids, Mailchimp, HubSpot,
# Marketo, comScore (ns_*), AT Internet (xtor, at_*), and the share parameters news sites add
# themselves (Guardian CMP, NYT smid, MSN ocid, Instagram igshid).
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "wbraid",
        "gbraid", "li_fat_id", "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "hsctatracking",
        "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "ito", "_ga", "_gl", "igshid",
        "ocid", "smid", "smtyp", "s_cid", "s_kwcid", "xtor", "wt.mc_id", "wt_mc", "sr_share",
        "__twitter_impression", "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid", "spm",
    }
)  # fmt: skip
# Prefixes (lower-cased): Google Analytics campaign tags, AT Internet (BBC's at_medium,
# at_campaign, at_link_origin, ...), comScore ns_mchannel/ns_source/ns_campaign.
_TRACKING_PREFIXES = ("utm_", "at_", "ns_")

_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters to percent-encode: everything outside RFC 3986 pchar (plus "/" in paths; plus "?"
# in queries, where "&", "=" and "+" carry structure and so stay as written). "%" is kept:
# _normalize_escapes has already made every "%" the start of a valid escape.
_PATH_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]")
_QUERY_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~!$'()*,;:@/?&=+%]")
_HOSTNAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
_DUPLICATE_SLASHES = re.compile(r"/{2,}")


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical form of ``url`` (see the module docstring for the rules).

    Raises ``ValueError`` for anything that is not an absolute http(s) URL after resolution
    against ``base``, or whose host or port cannot be parsed.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("empty URL")
    absolute = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(absolute)
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = _canonical_host(parts.hostname, url)
    port = _explicit_port(parts, scheme, url)
    netloc = f"{host}:{port}" if port is not None else host
    path = _canonical_path(parts.path)
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_hash(url: str) -> str:
    """SHA-256 hex digest of the canonical form: the natural key of an article URL."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()


def host_key(url: str) -> str:
    """The host used to group URLs by site: lower-cased, IDNA, without a leading ``www.``."""
    host = urlsplit(canonicalize_url(url)).hostname or ""
    return host[4:] if host.startswith("www.") else host


def _canonical_host(hostname: str | None, original: str) -> str:
    if not hostname:
        raise ValueError(f"URL has no host: {original!r}")
    if ":" in hostname:  # IPv6 literal (urlsplit already removed the brackets)
        try:
            return f"[{ipaddress.IPv6Address(hostname.split('%', 1)[0]).compressed}]"
        except ValueError as exc:
            raise ValueError(f"bad IPv6 host in {original!r}") from exc
    host = hostname.rstrip(".").lower()
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise ValueError(f"bad international host in {original!r}: {exc}") from exc
    if not _HOSTNAME.match(host):
        raise ValueError(f"bad host in {original!r}")
    # amp.example.org serves the AMP rendering of example.org's articles.
    if host.startswith("amp.") and host.count(".") >= 2:
        host = host[4:]
    return host


def _explicit_port(parts: SplitResult, scheme: str, original: str) -> int | None:
    try:
        port = parts.port  # raises ValueError on junk such as ":80a" or ":99999"
    except ValueError as exc:
        raise ValueError(f"bad port in {original!r}") from exc
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return None
    return int(port)


def _fix_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else f"%{match.group(1).upper()}"


def _escape_char(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group(0).encode("utf-8"))


def _normalize_escapes(component: str, unsafe: re.Pattern[str]) -> str:
    """Decode escaped unreserved characters, upper-case other escapes, escape unsafe chars."""
    if "%" in component:
        component = _LONE_PERCENT.sub("%25", component)
        component = _PERCENT_ESCAPE.sub(_fix_escape, component)
    return unsafe.sub(_escape_char, component)


def _canonical_path(path: str) -> str:
    path = _normalize_escapes(path or "/", _PATH_UNSAFE)
    if not path.startswith("/"):
        path = "/" + path
    path = _DUPLICATE_SLASHES.sub("/", path)
    if "/." in path:  # only then can there be dot segments; normpath would also eat "/"s
        trailing = path.endswith("/")
        path = posixpath.normpath(path) + ("/" if trailing else "")
    path = _strip_amp_path(path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _strip_amp_path(path: str) -> str:
    """Remove the AMP markers CMSs put in paths: /amp/x, /x/amp, /x.amp, /x.amp.html."""
    segments = [seg for seg in path.split("/") if seg.lower() != "amp"]
    last = segments[-1] if segments else ""
    lowered = last.lower()
    if lowered.endswith(".amp.html"):
        segments[-1] = last[: -len(".amp.html")] + ".html"
    elif lowered.endswith(".amp") and len(last) > len(".amp"):
        segments[-1] = last[: -len(".amp")]
    stripped = "/".join(segments)
    return stripped if stripped.startswith("/") else "/" + stripped


def _is_dropped_param(raw_key: str, raw_value: str) -> bool:
    key = unquote_plus(raw_key).strip().lower()
    if key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES):
        return True
    if key == "amp":  # ?amp, ?amp=1, ?amp=true all switch a page to its AMP rendering
        return True
    return key == "outputtype" and unquote_plus(raw_value).strip().lower() == "amp"


def _canonical_query(query: str) -> str:
    # Parsed by hand rather than with parse_qsl so "?flag" stays "?flag" (not "?flag=") and
    # "+" versus "%20" is kept as written: servers are entitled to treat them differently.
    kept: list[tuple[str, str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if _is_dropped_param(key, value):
            continue
        kept.append((_normalize_escapes(key, _QUERY_UNSAFE), sep, _normalize_escapes(value, _QUERY_UNSAFE)))
    kept.sort(key=lambda kv: (kv[0], kv[2]))
    return "&".join(f"{key}{sep}{value}" for key, sep, value in kept)
