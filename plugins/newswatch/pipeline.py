"""Composition of the pure steps for a batch of fetched pages.

    raw page bytes ─► extract ─► clean ─► entities (one nlp.pipe over the batch) ─► quotes

No I/O here: the caller (jobs.py) reads pages from the raw archive and stages the result.
Per-page failures come back as `PageFailure` records, never as exceptions, so one bad page
cannot sink its batch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from newswatch import clean, entities, extract, quotes, urls
from newswatch.boilerplate import learn_boilerplate
from newswatch.models import Article, Mention, Outlet, ProcessedArticle, Quote

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchedPage:
    """An archived article response, as read back from raw.fetches."""

    fetch_id: int
    outlet_id: str
    url: str
    final_url: str
    body: bytes
    content_type: str | None


@dataclass(frozen=True)
class PageFailure:
    fetch_id: int
    outlet_id: str
    url: str
    stage: str  # extract | entities | quotes
    error_type: str
    message: str


def choose_canonical_url(article: Article, final_url: str) -> str:
    """The page's own rel=canonical wins when it stays on the same site; a canonical pointing
    at another host (syndication partners, CDNs) would merge different outlets' copies."""
    fetched = urls.canonicalize_url(final_url)
    declared = article.canonical_url
    if not declared:
        return fetched
    try:
        candidate = urls.canonicalize_url(declared, base=final_url)
    except ValueError:
        return fetched
    return candidate if urls.host_key(candidate) == urls.host_key(fetched) else fetched


def _extract(page: FetchedPage, outlet: Outlet | None) -> Article:
    hints = outlet.hints if outlet else None
    name = outlet.name if outlet else None  # never an author; alone on a line, an editorial insertion
    return extract.extract_article(
        page.body, url=page.final_url, hints=hints, content_type=page.content_type, outlet_name=name
    )


def _clean(article: Article, outlet: Outlet | None, boilerplate_hashes: frozenset[str]) -> Article:
    drop = outlet.hints.drop_phrases if outlet and outlet.hints else ()
    return clean.clean_article(
        article, drop_phrases=drop, boilerplate_hashes=boilerplate_hashes, outlet_name=outlet.name if outlet else None
    )


def _outlet_boilerplate(
    extracted: list[tuple[FetchedPage, Article]], history: Mapping[str, Sequence[str]]
) -> dict[str, frozenset[str]]:
    """Per outlet: lines repeated across its recent stored articles and this batch."""
    by_outlet: dict[str, list[list[str]]] = {}
    for outlet_id, bodies in history.items():
        by_outlet.setdefault(outlet_id, []).extend(body.split("\n\n") for body in bodies)
    for page, article in extracted:
        by_outlet.setdefault(page.outlet_id, []).append(article.paragraphs)
    return {outlet_id: learn_boilerplate(articles) for outlet_id, articles in by_outlet.items()}


def process_pages(
    pages: list[FetchedPage],
    outlets: dict[str, Outlet],
    history: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[ProcessedArticle], list[PageFailure]]:
    """Extract, clean, find entities and quotes for a batch of pages.

    `history` gives, per outlet, the bodies of its recent stored articles, from which (with the
    batch itself) the outlet's repeated boilerplate lines are learned."""
    extracted: list[tuple[FetchedPage, Article]] = []
    failures: list[PageFailure] = []
    for page in pages:
        try:
            extracted.append((page, _extract(page, outlets.get(page.outlet_id))))
        except (ValueError, LookupError, TypeError) as exc:  # parser bugs on hostile markup
            failures.append(PageFailure(page.fetch_id, page.outlet_id, page.url, "extract", "extract_error", repr(exc)))
    boilerplate = _outlet_boilerplate(extracted, history or {})
    done: list[tuple[FetchedPage, Article]] = []
    for page, raw_article in extracted:
        outlet = outlets.get(page.outlet_id)
        article = _clean(raw_article, outlet, boilerplate.get(page.outlet_id, frozenset()))
        if not article.paragraphs:
            failures.append(
                PageFailure(page.fetch_id, page.outlet_id, page.url, "extract", "empty_body", "no article text found")
            )
            continue
        done.append((page, article))

    bodies = [article.body for _, article in done]
    all_mentions = entities.extract_entities_batch(bodies)
    processed: list[ProcessedArticle] = []
    for (page, article), mentions in zip(done, all_mentions, strict=True):
        canonical = choose_canonical_url(article, page.final_url)
        processed.append(
            ProcessedArticle(
                url=page.final_url,
                canonical_url=canonical,
                url_hash=urls.url_hash(canonical),
                outlet_id=page.outlet_id,
                raw_fetch_id=page.fetch_id,
                article=article,
                mentions=list(mentions),
                quotes=quotes.extract_quotes(article.body, mentions=mentions),
            )
        )
    return processed, failures


# --------------------------------------------------------------------------- staging payloads


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_payload(item: ProcessedArticle) -> dict[str, Any]:
    """JSON-able form of a ProcessedArticle for staging.processed_articles."""
    art = item.article
    return {
        "url": item.url,
        "canonical_url": item.canonical_url,
        "url_hash": item.url_hash,
        "outlet_id": item.outlet_id,
        "raw_fetch_id": item.raw_fetch_id,
        "article": {**art.to_json(), "paragraphs": list(art.paragraphs)},
        "mentions": [asdict(m) for m in item.mentions],
        "quotes": [asdict(q) for q in item.quotes],
    }


def from_payload(payload: dict[str, Any]) -> ProcessedArticle:
    a = payload["article"]
    article = Article(
        title=a["title"],
        subtitle=a["subtitle"],
        authors=list(a["authors"]),
        published_at=_parse_dt(a["published_at"]),
        published_source=a["published_source"],
        modified_at=_parse_dt(a["modified_at"]),
        modified_source=a["modified_source"],
        language=a["language"],
        section=a["section"],
        tags=list(a["tags"]),
        canonical_url=a["canonical_url"],
        image_captions=list(a["image_captions"]),
        image_credits=list(a["image_credits"]),
        is_paywalled=bool(a["is_paywalled"]),
        paragraphs=list(a["paragraphs"]),
        paragraph_kinds=list(a["paragraph_kinds"]),
        method=a["method"],
        extractor_version=a["extractor_version"],
    )
    return ProcessedArticle(
        url=payload["url"],
        canonical_url=payload["canonical_url"],
        url_hash=payload["url_hash"],
        outlet_id=payload["outlet_id"],
        raw_fetch_id=payload["raw_fetch_id"],
        article=article,
        mentions=[Mention(**m) for m in payload["mentions"]],
        quotes=[Quote(**q) for q in payload["quotes"]],
    )
