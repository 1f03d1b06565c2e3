"""The records that travel between pipeline stages.

Every stage is a function from one of these to another; nothing here does I/O.
Offsets (`start`, `end`) are always character offsets into the *clean body*
(`Article.body`), half-open like Python slices: ``body[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

FeedKind = Literal["rss", "atom", "jsonfeed", "sitemap", "news_sitemap", "auto"]
ParagraphKind = Literal["p", "h"]  # body paragraph, or subhead kept as its own paragraph
QuoteKind = Literal["direct", "mixed", "indirect"]

# Fetch outcomes are data: every attempt is archived with one of these.
FetchOutcome = Literal[
    "ok",  # 2xx with an acceptable body
    "not_modified",  # 304 to a conditional GET
    "http_4xx",  # client error status (404, 410, 403 ...)
    "http_5xx",  # server error status (after retries)
    "timeout",  # connect/read timeout or the total-time cap
    "connection_error",
    "too_large",  # size cap hit (before or after decompression)
    "bad_content_type",
    "too_many_redirects",
    "redirect_loop",
    "blocked_address",  # private/loopback/link-local target refused
    "robots_disallowed",
    "invalid_url",
    "decode_error",  # body could not be decoded (corrupt content-encoding)
]


@dataclass(frozen=True)
class ExtractionHints:
    """Optional per-outlet overrides from the sources file."""

    body_selector: str | None = None
    byline_selector: str | None = None
    date_selector: str | None = None
    drop_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    url: str
    kind: FeedKind = "auto"


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    homepage: str
    country: str | None = None
    language: str | None = None
    feeds: tuple[Feed, ...] = ()
    # Fetch policy overrides (None = global default from settings).
    min_delay_s: float | None = None
    max_concurrency: int | None = None
    # Loopback/private targets are refused unless the outlet is allowlisted (demo, tests).
    allow_private_network: bool = False
    # robots.txt is obeyed unless this states why not (recorded in the database).
    robots_override_reason: str | None = None
    hints: ExtractionHints | None = None


@dataclass(frozen=True)
class FeedItem:
    """One article URL announced by a feed or sitemap."""

    url: str
    outlet_id: str
    feed_url: str
    title: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class RawPage:
    """One HTTP attempt, successful or not, as archived in raw.fetches."""

    url: str  # the URL asked for
    final_url: str  # after redirects (== url when none)
    outcome: FetchOutcome
    status: int | None
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    elapsed_ms: int
    error: str | None = None
    redirects: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


@dataclass
class Article:
    """What extraction produces from one page (then cleaned in place of `body`)."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    published_source: str | None = None  # jsonld | meta | time | url | text | feed
    modified_at: datetime | None = None
    modified_source: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    image_captions: list[str] = field(default_factory=list)
    image_credits: list[str] = field(default_factory=list)
    is_paywalled: bool = False
    # Paragraphs in order; body == "\n\n".join(paragraphs).
    paragraphs: list[str] = field(default_factory=list)
    paragraph_kinds: list[ParagraphKind] = field(default_factory=list)
    method: str = ""
    extractor_version: str = ""

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_json(self) -> dict[str, Any]:
        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "authors": list(self.authors),
            "published_at": iso(self.published_at),
            "published_source": self.published_source,
            "modified_at": iso(self.modified_at),
            "modified_source": self.modified_source,
            "language": self.language,
            "section": self.section,
            "tags": list(self.tags),
            "canonical_url": self.canonical_url,
            "image_captions": list(self.image_captions),
            "image_credits": list(self.image_credits),
            "is_paywalled": self.is_paywalled,
            "body": self.body,
            "paragraph_kinds": list(self.paragraph_kinds),
            "method": self.method,
            "extractor_version": self.extractor_version,
        }


@dataclass(frozen=True)
class Mention:
    """One entity mention in the clean body."""

    start: int
    end: int
    text: str  # surface form exactly as published: body[start:end]
    label: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    name: str  # in-document resolved name ("Landsbergis" -> "Gabrielyus Landsbergis")
    entity_key: str  # cross-document key (normalised, transliteration-folded)
    role: str | None = None  # "foreign minister", "spokesman for the Foreign Ministry", ...


@dataclass(frozen=True)
class Quote:
    start: int  # quoted content, without the quote marks
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None  # canonical in-document name, or None when nobody is attributable
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None  # reporting verb or phrase ("said", "according to")
    confidence: float
    speaker_key: str | None = None  # cross-document entity key of the speaker, when a person/org


@dataclass
class ProcessedArticle:
    """Everything the pipeline derives from one raw page, ready to load."""

    url: str
    canonical_url: str
    url_hash: str
    outlet_id: str
    raw_fetch_id: int | None
    article: Article
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
