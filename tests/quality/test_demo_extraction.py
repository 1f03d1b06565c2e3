"""Quality gate: extraction + cleaning against the demo corpus ground truth (``expected.json``).

Every demo article is read straight from ``demo_corpus/site/`` (no server: the file is located and
``${base_url}`` substituted the way `newswatch.demo_server` does it, with the Content-Type the
server would send), extracted and cleaned exactly as `newswatch.pipeline._extract_and_clean` does
(outlet hints, drop phrases and outlet name from the demo ``sources.yaml``), then compared field by
field. Each field is its own test; every failure message carries the accuracy of all fields so a
regression in one place is seen against the whole picture.

No network, no database, no spaCy: runs in a few seconds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from newswatch import clean, extract
from newswatch.demo_server import PLACEHOLDER, _Site, demo_corpus_dir
from newswatch.models import Article, Outlet
from newswatch.sources import outlets_by_id, parse_sources

BASE_URL = "http://127.0.0.1:8000"
CORPUS = demo_corpus_dir()
EXPECTED: dict[str, Any] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
ARTICLES: list[dict[str, Any]] = EXPECTED["articles"]
BULLET_RE = re.compile(r"^[•·▪●◦‣∙]\s*")

FIELDS = (
    "title",
    "authors",
    "published_at",
    "section",
    "is_paywalled",
    "paragraph_count",
    "subheads",
    "boilerplate_absent",
    "captions_absent",
    "captions_listed",
    "credits_listed",
    "split_sentences",
    "quotes",
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", BULLET_RE.sub("", text.strip())).strip().casefold()


def _outlets() -> dict[str, Outlet]:
    text = (CORPUS / "sources.yaml").read_text(encoding="utf-8").replace(PLACEHOLDER, BASE_URL)
    return outlets_by_id(parse_sources(text, origin="demo sources.yaml"))


def _extract_and_clean(body: bytes, url: str, content_type: str, outlet: Outlet) -> Article:
    """Mirror of `newswatch.pipeline._extract_and_clean` (not imported: pipeline pulls in spaCy)."""
    hints = outlet.hints
    article = extract.extract_article(
        body, url=url, hints=hints, content_type=content_type, outlet_name=outlet.name
    )
    drop = hints.drop_phrases if hints else ()
    return clean.clean_article(article, drop_phrases=drop, outlet_name=outlet.name)


def _load(site: _Site, url_path: str) -> tuple[bytes, str]:
    path = site.redirects.get(url_path, url_path)
    kind, file = site.locate(path)
    assert kind == "file" and file is not None, f"{url_path}: not served by the demo site ({kind})"
    body = file.read_bytes().replace(PLACEHOLDER.encode(), BASE_URL.encode())
    return body, site.content_type(path, file)


@dataclass
class Check:
    url_path: str
    failures: dict[str, str] = field(default_factory=dict)  # field -> what went wrong


def _check_article(exp: dict[str, Any], art: Article) -> Check:
    check = Check(exp["url_path"])
    fail = check.failures
    paragraphs = art.paragraphs
    folded_paras = [_norm(p) for p in paragraphs]
    body = art.body

    if art.title != exp["title"]:
        fail["title"] = f"{art.title!r} != {exp['title']!r}"
    if art.authors != exp["authors"]:
        fail["authors"] = f"{art.authors!r} != {exp['authors']!r}"
    want_pub = datetime.fromisoformat(exp["published_at"])
    if art.published_at is None or art.published_at != want_pub:
        got = art.published_at.isoformat() if art.published_at else None
        fail["published_at"] = f"{got} ({art.published_source}) != {want_pub.isoformat()}"
    if art.section != exp["section"]:
        fail["section"] = f"{art.section!r} != {exp['section']!r}"
    if art.is_paywalled != exp["is_paywalled"]:
        fail["is_paywalled"] = f"{art.is_paywalled} != {exp['is_paywalled']}"
    if exp.get("paragraph_count") is not None and len(paragraphs) != exp["paragraph_count"]:
        fail["paragraph_count"] = f"{len(paragraphs)} != {exp['paragraph_count']}: {paragraphs!r}"

    heads = {p for p, k in zip(paragraphs, art.paragraph_kinds, strict=True) if k == "h"}
    missing_heads = [h for h in exp["subheads"] if h not in heads]
    if missing_heads:
        fail["subheads"] = f"missing {missing_heads!r}; 'h' paragraphs are {sorted(heads)!r}"

    insertions = {_norm(s["insertion"]) for s in exp["split_sentences"]}
    captions_and_credits = {_norm(t) for t in [*exp["image_captions"], *exp["image_credits"]]}
    leaked: list[str] = []
    for noise in exp["noise_paragraphs"]:
        key = _norm(noise)
        if key in folded_paras:
            leaked.append(noise)
        elif key not in insertions and key not in captions_and_credits and key in body.casefold():
            # Promos, ads, "Read more" lines must not survive even glued to another paragraph.
            # (A bare insertion tag may remain inside its re-joined sentence; a credit such as an
            # organisation's name may legitimately occur in the story.)
            leaked.append(noise)
    if leaked:
        fail["boilerplate_absent"] = f"still in the body: {leaked!r}"

    # Captions must not survive even glued to a paragraph; a credit is only checked as a whole
    # paragraph, since an agency or a photographer may also be named in the story.
    in_body = [t for t in exp["image_captions"] if _norm(t) in body.casefold() or _norm(t) in folded_paras]
    in_body += [t for t in exp["image_credits"] if _norm(t) in folded_paras]
    if in_body:
        fail["captions_absent"] = f"caption/credit paragraphs in the body: {in_body!r}"
    # expected.json lists every caption and credit of the page: nothing missing, no junk added.
    for name, got, want in (
        ("captions_listed", art.image_captions, exp["image_captions"]),
        ("credits_listed", art.image_credits, exp["image_credits"]),
    ):
        if sorted(map(_norm, got)) != sorted(map(_norm, want)):
            fail[name] = f"{got!r} != {want!r}"

    broken: list[str] = []
    for split in exp["split_sentences"]:
        before = re.escape(split["before_ends_with"].strip())
        after = re.escape(split["after_starts_with"].strip())
        insertion = re.escape(split["insertion"].strip())
        joined = re.compile(rf"{before}\s*(?:{insertion}\s*)?{after}")
        if not any(joined.search(p) for p in paragraphs):
            broken.append(f"{split['before_ends_with']!r} + {split['after_starts_with']!r}")
    if broken:
        fail["split_sentences"] = f"not re-joined: {broken!r}"

    quotes = [*exp["quotes"], *exp["anonymous_quotes"]]
    missing_quotes = [
        q["text_contains"] for q in quotes if not any(q["text_contains"] in p for p in paragraphs)
    ]
    if missing_quotes:
        fail["quotes"] = f"not found in any paragraph: {missing_quotes!r}"
    return check


def run_checks() -> list[Check]:
    site = _Site(CORPUS)
    outlets = _outlets()
    results: list[Check] = []
    for exp in ARTICLES:
        body, content_type = _load(site, exp["url_path"])
        article = _extract_and_clean(
            body, BASE_URL + exp["url_path"], content_type, outlets[exp["outlet_id"]]
        )
        results.append(_check_article(exp, article))
    return results


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    return run_checks()


def accuracy_report(checks: list[Check]) -> str:
    total = len(checks)
    lines = [f"per-field accuracy over {total} demo articles:"]
    for name in FIELDS:
        ok = sum(1 for c in checks if name not in c.failures)
        lines.append(f"  {name:<20} {ok:>3}/{total}  {100 * ok / total:5.1f}%")
    perfect = sum(1 for c in checks if not c.failures)
    lines.append(f"  {'(all fields)':<20} {perfect:>3}/{total}  {100 * perfect / total:5.1f}%")
    return "\n".join(lines)


def test_corpus_is_complete() -> None:
    assert len(ARTICLES) == 46
    assert {a["outlet_id"] for a in ARTICLES} == set(_outlets())


@pytest.mark.parametrize("name", FIELDS)
def test_field_matches_ground_truth(checks: list[Check], name: str) -> None:
    failing = [c for c in checks if name in c.failures]
    details = "\n".join(f"  {c.url_path}: {c.failures[name]}" for c in failing)
    assert not failing, f"{name}: {len(failing)} article(s) wrong\n{details}\n\n{accuracy_report(checks)}"


if __name__ == "__main__":  # `python tests/quality/test_demo_extraction.py`: table and failures
    results = run_checks()
    for check in results:
        for name, message in check.failures.items():
            print(f"{check.url_path} [{name}] {message}")
    print(accuracy_report(results))
