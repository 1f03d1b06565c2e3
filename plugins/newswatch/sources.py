"""The sources file: which outlets we follow, through which feeds, under which fetch policy.

Format (YAML; every key below is the complete list of keys allowed at its level)::

    outlets:
      - id: harbour-herald            # required; [a-z0-9-]+ (no leading/trailing "-"), unique
        name: The Harbour Herald      # required
        homepage: https://example.org/   # required; http(s)
        country: GB                   # optional; ISO 3166-1 alpha-2, upper case (quote "NO"!)
        language: en                  # optional; BCP 47-ish: en, pt-BR
        allow_private_network: false  # optional; true only for loopback demo/tests
        politeness:                   # optional; defaults come from settings.py
          min_delay_s: 1.0            #   seconds between request starts on one host (>= 0)
          max_concurrency: 2          #   simultaneous requests on one host (1..16)
        robots:                       # optional; robots.txt is obeyed by default
          obey: false                 #   false REQUIRES a reason, which is stored with fetches
          reason: "Licensed reuse agreement of 2024-03-01"
        feeds:                        # required; at least one
          - url: https://example.org/rss.xml
            kind: rss                 # rss | atom | jsonfeed | sitemap | news_sitemap | auto
        extraction:                   # optional per-outlet extraction hints
          body_selector: "div.story-body"
          byline_selector: ".byline"
          date_selector: "time.published"
          drop_phrases: ["Sign up for our morning briefing"]

``parse_sources`` validates the whole document before returning anything and raises one
``SourcesError`` listing every problem (unknown keys at every level, wrong types, missing or
non-http(s) URLs, duplicate ids, the same feed URL twice, unknown feed kinds, ``obey: false``
without a reason, duplicate YAML keys), each naming the outlet, its line and the key.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

import yaml

from newswatch import settings
from newswatch.errors import SourcesError
from newswatch.models import ExtractionHints, Feed, FeedKind, Outlet
from newswatch.urls import canonicalize_url

log = logging.getLogger(__name__)

FEED_KINDS: tuple[str, ...] = get_args(FeedKind)

_TOP_KEYS = frozenset({"outlets"})
_OUTLET_KEYS = frozenset(
    {
        "id", "name", "homepage", "country", "language", "allow_private_network", "politeness",
        "robots", "feeds", "extraction",
    }
)  # fmt: skip
_REQUIRED_OUTLET_KEYS = ("id", "name", "homepage", "feeds")
_FEED_KEYS = frozenset({"url", "kind"})
_POLITENESS_KEYS = frozenset({"min_delay_s", "max_concurrency"})
_ROBOTS_KEYS = frozenset({"obey", "reason"})
_EXTRACTION_KEYS = frozenset({"body_selector", "byline_selector", "date_selector", "drop_phrases"})

_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
_LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# Sanity bounds, not policy: a 10-minute gap or 16 parallel requests per host are already far
# beyond anything a news site needs; larger values are almost certainly typos.
_MAX_MIN_DELAY_S = 600.0
_MAX_CONCURRENCY = 16


# --- YAML loading: line numbers and duplicate-key detection ---------------------------------


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers the line it started on, for error messages."""

    line: int = 0


class _SourcesLoader(yaml.SafeLoader):
    """SafeLoader that records duplicate keys (PyYAML silently keeps the last one)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if not isinstance(key, str | int | float | bool):
                continue  # unhashable/complex keys are rejected later as unknown keys
            if key in seen:
                self.duplicate_keys.append(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_located_mapping(loader: _SourcesLoader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    data = _Mapping()
    data.line = node.start_mark.line + 1
    yield data  # two-step construction, as SafeConstructor does, so recursive nodes work
    data.update(loader.construct_mapping(node))


_SourcesLoader.add_constructor("tag:yaml.org,2002:map", _construct_located_mapping)


def _load_yaml(text: str, origin: str) -> Any:
    loader = _SourcesLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise SourcesError([f"{origin}: not valid YAML: {exc}"]) from exc
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    if loader.duplicate_keys:
        raise SourcesError(f"{origin}: {problem}" for problem in loader.duplicate_keys)
    return document


# --- validation helpers ----------------------------------------------------------------------


@dataclass
class _Problems:
    """Collects messages prefixed with where they were found."""

    origin: str
    messages: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{self.origin}: {where}: {message}")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        # The "Norway problem": YAML 1.1 reads unquoted NO/YES/ON/OFF as booleans.
        return f"boolean {value} (YAML reads unquoted yes/no/on/off as booleans; quote the value)"
    return f"{type(value).__name__} {value!r}"


def _check_keys(mapping: dict[Any, Any], allowed: frozenset[str], where: str, problems: _Problems) -> None:
    for key in mapping:
        if key in allowed:
            continue
        hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; allowed: {', '.join(sorted(allowed))}"
        problems.add(where, f"unknown key {key!r}{suggestion}")


def _get_str(
    mapping: dict[Any, Any], key: str, where: str, problems: _Problems, *, required: bool = False
) -> str | None:
    if key not in mapping or mapping[key] is None:
        if required:
            problems.add(where, f"{key}: required")
        return None
    value = mapping[key]
    if not isinstance(value, str) or not value.strip():
        problems.add(where, f"{key}: expected a non-empty string, got {_describe(value)}")
        return None
    return value.strip()


def _get_url(
    mapping: dict[Any, Any], key: str, where: str, problems: _Problems, *, required: bool = False
) -> str | None:
    value = _get_str(mapping, key, where, problems, required=required)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        problems.add(where, f"{key}: {value!r} is not an absolute http(s) URL")
        return None
    try:
        canonicalize_url(value)
    except ValueError as exc:
        problems.add(where, f"{key}: {exc}")
        return None
    return value


def _get_bool(mapping: dict[Any, Any], key: str, where: str, problems: _Problems) -> bool | None:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        problems.add(where, f"{key}: expected true or false, got {_describe(value)}")
        return None
    return value


def _get_number(
    mapping: dict[Any, Any],
    key: str,
    where: str,
    problems: _Problems,
    *,
    integer: bool,
    low: float,
    high: float,
) -> float | int | None:
    value = mapping.get(key)
    if value is None:
        return None
    wanted: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, wanted):
        kind = "an integer" if integer else "a number"
        problems.add(where, f"{key}: expected {kind}, got {_describe(value)}")
        return None
    if not low <= value <= high:
        problems.add(where, f"{key}: {value} is outside {low:g}..{high:g}")
        return None
    return value


def _get_mapping(mapping: dict[Any, Any], key: str, where: str, problems: _Problems) -> dict[Any, Any] | None:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add(where, f"{key}: expected a mapping, got {_describe(value)}")
        return None
    return value


# --- one outlet ------------------------------------------------------------------------------


def _outlet_label(raw: dict[Any, Any], index: int) -> str:
    line = getattr(raw, "line", 0)
    at = f" (line {line})" if line else ""
    ident = raw.get("id")
    if isinstance(ident, str) and ident:
        return f"outlet {ident!r}{at}"
    return f"outlet #{index + 1}{at}"


def _parse_feeds(raw: dict[Any, Any], where: str, problems: _Problems) -> tuple[Feed, ...]:
    value = raw.get("feeds")
    if value is None:
        return ()  # "required" is reported with the other required keys
    if not isinstance(value, list) or not value:
        problems.add(where, f"feeds: expected a non-empty list, got {_describe(value)}")
        return ()
    feeds: list[Feed] = []
    for position, entry in enumerate(value):
        at = f"{where}: feeds[{position}]"
        if not isinstance(entry, dict):
            problems.add(at, f"expected a mapping with url and kind, got {_describe(entry)}")
            continue
        _check_keys(entry, _FEED_KEYS, at, problems)
        url = _get_url(entry, "url", at, problems, required=True)
        kind = entry.get("kind", "auto")
        if kind not in FEED_KINDS:
            problems.add(at, f"kind: {kind!r} is not one of {', '.join(FEED_KINDS)}")
            continue
        if url is not None:
            feeds.append(Feed(url=url, kind=kind))
    return tuple(feeds)


def _parse_robots(raw: dict[Any, Any], where: str, problems: _Problems) -> str | None:
    """Return the override reason when robots.txt is not to be obeyed, else None."""
    robots = _get_mapping(raw, "robots", where, problems)
    if robots is None:
        return None
    at = f"{where}: robots"
    _check_keys(robots, _ROBOTS_KEYS, at, problems)
    obey = _get_bool(robots, "obey", at, problems)
    reason = _get_str(robots, "reason", at, problems)
    if obey is None and "obey" not in robots:
        problems.add(at, "obey: required (true or false)")
    if obey is False and reason is None and "reason" not in robots:
        problems.add(at, "obey is false, so a reason is required (it is recorded with every fetch)")
    if obey is True and reason is not None:
        problems.add(at, "reason: only meaningful with obey: false; remove it or set obey: false")
    return reason if obey is False else None


def _parse_politeness(
    raw: dict[Any, Any], where: str, problems: _Problems
) -> tuple[float | None, int | None]:
    politeness = _get_mapping(raw, "politeness", where, problems)
    if politeness is None:
        return None, None
    at = f"{where}: politeness"
    _check_keys(politeness, _POLITENESS_KEYS, at, problems)
    delay = _get_number(politeness, "min_delay_s", at, problems, integer=False, low=0, high=_MAX_MIN_DELAY_S)
    concurrency = _get_number(
        politeness, "max_concurrency", at, problems, integer=True, low=1, high=_MAX_CONCURRENCY
    )
    return (
        float(delay) if delay is not None else None,
        int(concurrency) if concurrency is not None else None,
    )


def _parse_extraction(raw: dict[Any, Any], where: str, problems: _Problems) -> ExtractionHints | None:
    extraction = _get_mapping(raw, "extraction", where, problems)
    if extraction is None:
        return None
    at = f"{where}: extraction"
    _check_keys(extraction, _EXTRACTION_KEYS, at, problems)
    phrases: list[str] = []
    raw_phrases = extraction.get("drop_phrases")
    if raw_phrases is not None:
        if not isinstance(raw_phrases, list):
            problems.add(at, f"drop_phrases: expected a list of strings, got {_describe(raw_phrases)}")
        for position, phrase in enumerate(raw_phrases if isinstance(raw_phrases, list) else ()):
            if isinstance(phrase, str) and phrase.strip():
                phrases.append(phrase.strip())
            else:
                problems.add(
                    at, f"drop_phrases[{position}]: expected a non-empty string, got {_describe(phrase)}"
                )
    return ExtractionHints(
        body_selector=_get_str(extraction, "body_selector", at, problems),
        byline_selector=_get_str(extraction, "byline_selector", at, problems),
        date_selector=_get_str(extraction, "date_selector", at, problems),
        drop_phrases=tuple(phrases),
    )


def _check_pattern(
    value: str | None, pattern: re.Pattern[str], key: str, expectation: str, where: str, problems: _Problems
) -> str | None:
    if value is not None and not pattern.match(value):
        problems.add(where, f"{key}: {value!r} is not {expectation}")
        return None
    return value


def _parse_outlet(raw: Any, index: int, problems: _Problems) -> Outlet | None:
    if not isinstance(raw, dict):
        problems.add(f"outlet #{index + 1}", f"expected a mapping, got {_describe(raw)}")
        return None
    where = _outlet_label(raw, index)
    before = len(problems.messages)
    _check_keys(raw, _OUTLET_KEYS, where, problems)
    for key in _REQUIRED_OUTLET_KEYS:
        if raw.get(key) is None:
            problems.add(where, f"{key}: required")
    ident = raw.get("id")
    if ident is not None and (not isinstance(ident, str) or not _ID_PATTERN.match(ident)):
        problems.add(where, f"id: {ident!r} must match [a-z0-9-]+ (lower case, no leading/trailing '-')")
    name = _get_str(raw, "name", where, problems)
    homepage = _get_url(raw, "homepage", where, problems)
    country = _check_pattern(
        _get_str(raw, "country", where, problems), _COUNTRY_PATTERN, "country",
        "two upper-case letters (ISO 3166-1 alpha-2)", where, problems,
    )  # fmt: skip
    language = _check_pattern(
        _get_str(raw, "language", where, problems), _LANGUAGE_PATTERN, "language",
        "a language tag such as en or pt-BR", where, problems,
    )  # fmt: skip
    allow_private = _get_bool(raw, "allow_private_network", where, problems)
    min_delay, concurrency = _parse_politeness(raw, where, problems)
    robots_reason = _parse_robots(raw, where, problems)
    feeds = _parse_feeds(raw, where, problems)
    hints = _parse_extraction(raw, where, problems)
    if len(problems.messages) > before or name is None or homepage is None:
        return None
    return Outlet(
        id=ident,
        name=name,
        homepage=homepage,
        country=country,
        language=language,
        feeds=feeds,
        min_delay_s=min_delay,
        max_concurrency=concurrency,
        allow_private_network=bool(allow_private),
        robots_override_reason=robots_reason,
        hints=hints,
    )


# --- cross-outlet checks ---------------------------------------------------------------------


def _check_duplicates(raws: list[Any], problems: _Problems) -> None:
    """Duplicate outlet ids, and one feed URL (canonically) listed twice anywhere."""
    first_id: dict[str, str] = {}
    first_feed: dict[str, str] = {}
    for index, raw in enumerate(raws):
        if not isinstance(raw, dict):
            continue
        where = _outlet_label(raw, index)
        ident = raw.get("id")
        if isinstance(ident, str):
            if ident in first_id:
                problems.add(where, f"id: duplicate of {first_id[ident]}")
            else:
                first_id[ident] = where
        feeds = raw.get("feeds")
        for position, entry in enumerate(feeds if isinstance(feeds, list) else ()):
            url = entry.get("url") if isinstance(entry, dict) else None
            key = _canonical_or_none(url)
            if key is None:
                continue
            here = f"{where}: feeds[{position}]"
            if key in first_feed:
                problems.add(here, f"url: {url!r} is already listed at {first_feed[key]}")
            else:
                first_feed[key] = here


def _canonical_or_none(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return canonicalize_url(url.strip())
    except ValueError:
        return None  # already reported by the per-feed check


# --- public API ------------------------------------------------------------------------------


def parse_sources(text: str, origin: str = "<string>") -> list[Outlet]:
    """Validate a sources document and return its outlets in file order.

    Raises ``SourcesError`` listing every problem found; never returns a partial list.
    """
    document = _load_yaml(text, origin)
    problems = _Problems(origin)
    if not isinstance(document, dict):
        raise SourcesError(
            [f"{origin}: expected a mapping with an 'outlets' list, got {_describe(document)}"]
        )
    _check_keys(document, _TOP_KEYS, "top level", problems)
    raws = document.get("outlets")
    if not isinstance(raws, list) or not raws:
        problems.add("outlets", f"expected a non-empty list of outlets, got {_describe(raws)}")
        raws = []
    outlets = [_parse_outlet(raw, index, problems) for index, raw in enumerate(raws)]
    _check_duplicates(raws, problems)
    if problems.messages:
        raise SourcesError(problems.messages)
    valid = [outlet for outlet in outlets if outlet is not None]
    log.info("sources %s: %d outlets, %d feeds", origin, len(valid), sum(len(o.feeds) for o in valid))
    return valid


def load_sources(path: str | Path | None = None) -> list[Outlet]:
    """Read and validate the sources file (default: ``settings.sources_file()``)."""
    source_path = Path(path) if path is not None else settings.sources_file()
    try:
        text = source_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError([f"{source_path}: cannot read: {exc}"]) from exc
    return parse_sources(text, origin=str(source_path))


def outlets_by_id(outlets: Iterable[Outlet]) -> dict[str, Outlet]:
    """Index outlets by id (ids are unique after ``parse_sources``)."""
    return {outlet.id: outlet for outlet in outlets}
