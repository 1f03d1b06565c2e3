"""Tests for newswatch.extract: fixture pages (metadata and raw body) plus focused unit tests.

Each ``tests/fixtures/pages/NN_name.html`` has a ``NN_name.expected.json`` listing only the fields it
asserts; see tests/fixtures/pages/README.md for the keys.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from newswatch.clean import clean_article
from newswatch.extract import (
    EXTRACTOR_VERSION,
    clean_author_names,
    date_from_url,
    decode_html,
    extract_article,
    parse_date,
)
from newswatch.models import Article, ExtractionHints

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FIXTURES = sorted(PAGES.glob("*.html"))
METADATA_FIELDS = (
    "title", "subtitle", "authors", "published_at", "published_source", "modified_at", "modified_source",
    "language", "section", "tags", "canonical_url", "is_paywalled", "method",
)  # fmt: skip


def load_fixture(path: Path) -> tuple[bytes, dict[str, Any]]:
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
    return path.read_bytes(), expected


def extract_fixture(path: Path) -> tuple[Article, dict[str, Any]]:
    data, expected = load_fixture(path)
    hints = ExtractionHints(**expected["hints"]) if "hints" in expected else None
    article = extract_article(data, expected.get("url"), hints, content_type=expected.get("content_type"))
    return article, expected


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


LONG_PARAS = "".join(
    f"<p>Paragraph {n} of the story reports what the council decided and why residents objected to it.</p>"
    for n in range(1, 5)
)


# ------------------------------------------------------------------------------------------
# Fixture pages
# ------------------------------------------------------------------------------------------


def test_there_are_enough_fixture_pages() -> None:
    assert len(FIXTURES) >= 10


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_metadata(path: Path) -> None:
    article, expected = extract_fixture(path)
    actual = article.to_json()
    for name in METADATA_FIELDS:
        if name in expected:
            assert actual[name] == expected[name], name
    assert article.extractor_version == EXTRACTOR_VERSION


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_raw_body(path: Path) -> None:
    article, expected = extract_fixture(path)
    assert article.method not in ("", "empty")
    assert len(article.paragraphs) == len(article.paragraph_kinds)
    assert all(p and "\n\n" not in p and p == p.strip() for p in article.paragraphs)
    for text in expected.get("body_contains", []):
        assert text in article.body
    for text in expected.get("extract_body_not_contains", []):
        assert text not in article.body


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_dates_are_utc_aware(path: Path) -> None:
    article, _ = extract_fixture(path)
    for value in (article.published_at, article.modified_at):
        assert value is None or value.utcoffset() is not None


def test_figure_caption_and_credit_kept_out_of_body() -> None:
    article, _ = extract_fixture(PAGES / "01_jsonld_graph.html")
    assert article.image_captions == ["Workers gather at the north gate before the vote."]
    assert article.image_credits == ["Photo: Linnea Holt/Harbour Ledger"]
    assert "Linnea Holt" not in article.body


def test_subheads_are_marked_h() -> None:
    article, _ = extract_fixture(PAGES / "01_jsonld_graph.html")
    kinds = dict(zip(article.paragraphs, article.paragraph_kinds, strict=True))
    assert kinds["Shipping lines warn of delays"] == "h"
    assert kinds["He declined to comment further."] == "p"


def test_mismatched_quote_marks_are_kept_as_published() -> None:
    article, _ = extract_fixture(PAGES / "10_wire_captions_insertions.html")
    assert "the whole balance in the region, ”the minister said." in article.body
    assert '"It is unacceptable for us to undo what has been built' in article.body


# ------------------------------------------------------------------------------------------
# Decoding
# ------------------------------------------------------------------------------------------

TEXT = "<p>Café “quoted” — naïve résumé €5</p>"


@pytest.mark.parametrize(
    ("data", "content_type", "encoding"),
    [
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None, "utf-8"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), None, "utf-16-le"),
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        (TEXT.encode("cp1252"), "text/html; charset=ISO-8859-1", "cp1252"),  # WHATWG: latin-1 means cp1252
        (b'<meta charset="windows-1252">' + TEXT.encode("cp1252"), None, "cp1252"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">' + TEXT.encode("cp1252"), None,
         "cp1252"),
        (TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),  # mislabelled UTF-8
        (b'<meta charset="utf-8">' + TEXT.encode("cp1252"), None, "cp1252"),  # false declaration, detected
        (TEXT.encode("cp1252"), None, "cp1252"),  # undeclared: not charset_normalizer's cp1250 guess
        (TEXT.encode("utf-8"), None, "utf-8"),
    ],
)  # fmt: skip
def test_decode_html(data: bytes, content_type: str | None, encoding: str) -> None:
    text, used = decode_html(data, content_type)
    assert used == encoding
    assert "Café “quoted” — naïve résumé €5" in text


def test_decode_html_repairs_mojibake_and_drops_nul() -> None:
    text, _ = decode_html("<p>\x00â€œHiâ€\x9d, said JosÃ©.</p>".encode())
    assert text == "<p>“Hi”, said José.</p>"


def test_content_type_keyword_reaches_decoder() -> None:
    data = page(body="<article>" + LONG_PARAS + "<p>“Zoë’s café”, she said.</p></article>").encode("cp1252")
    data = data.replace(b'<meta charset="utf-8">', b"")
    article = extract_article(data, content_type="text/html; charset=windows-1252")
    assert "“Zoë’s café”, she said." in article.paragraphs


# ------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "value", "assumed"),
    [
        ("2026-03-14T09:30:00+01:00", utc(2026, 3, 14, 8, 30), False),
        ("2026-03-14T09:30:00Z", utc(2026, 3, 14, 9, 30), False),
        ("2026-03-14T09:30:00.000+0000", utc(2026, 3, 14, 9, 30), False),
        ("2026-03-14", utc(2026, 3, 14), True),
        ("2026-03-14T09:30:00", utc(2026, 3, 14, 9, 30), True),
        ("Published 14 March 2026, 09:30 GMT", utc(2026, 3, 14, 9, 30), False),
        ("March 14, 2026", utc(2026, 3, 14), True),
        ("Sat, 14 Mar 2026 09:30:00 +0000", utc(2026, 3, 14, 9, 30), False),
        ("April 2, 2026 2:45 p.m.", utc(2026, 4, 2, 14, 45), True),
        ("March 14, 2026 at 9:30 a.m. EDT", utc(2026, 3, 14, 13, 30), False),
        ("09:30 BST, 14 March 2026", utc(2026, 3, 14, 8, 30), False),
        ("14.03.2026 18:05 MSK", utc(2026, 3, 14, 15, 5), False),
        ("14th of March 2026", utc(2026, 3, 14), True),
        ("Updated: 3 Sept 2025 at 23:59 UTC+2", utc(2025, 9, 3, 21, 59), False),
    ],
)
def test_parse_date(text: str, value: datetime, assumed: bool) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed.value == value
    assert parsed.value.tzinfo is UTC
    assert parsed.tz_assumed is assumed


@pytest.mark.parametrize(
    "text", ["", "nonsense", "31 February 2026", "1 June", "0000-00-00", "9999-99-99", "1850-01-01"]
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://x.example/2026/03/14/slug", utc(2026, 3, 14)),
        ("https://x.example/world/2026/3/4/", utc(2026, 3, 4)),
        ("https://x.example/uk/2026/mar/14/slug", utc(2026, 3, 14)),
        ("https://x.example/news/2026-03-14-slug", utc(2026, 3, 14)),
        ("https://x.example/news/2026/03/slug", None),
        ("https://x.example/item/20260314", None),
        ("https://x.example/2026/13/40/slug", None),
        (None, None),
    ],
)
def test_date_from_url(url: str | None, value: datetime | None) -> None:
    parsed = date_from_url(url)
    assert (parsed.value if parsed else None) == value
    assert parsed is None or parsed.tz_assumed


def test_published_arbitration_prefers_jsonld_then_meta_then_time_then_text_then_url() -> None:
    ld = '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-01-01T10:00:00Z"}</script>'
    meta = '<meta property="article:published_time" content="2026-01-02T10:00:00Z">'
    time = '<time datetime="2026-01-03T10:00:00Z">3 January</time>'
    text = "<div class='date'>Published 4 January 2026, 10:00 GMT</div>"
    url = "https://x.example/2026/01/05/story"

    def published(head: str, body: str) -> tuple[str | None, str | None]:
        article = extract_article(page(head, body + "<article>" + LONG_PARAS + "</article>"), url)
        return (
            article.published_at.date().isoformat() if article.published_at else None
        ), article.published_source

    assert published(ld + meta, time + text) == ("2026-01-01", "jsonld")
    assert published(meta, time + text) == ("2026-01-02", "meta")
    assert published("", time + text) == ("2026-01-03", "time")
    assert published("", text) == ("2026-01-04", "text")
    assert published("", "") == ("2026-01-05", "url")


def test_modified_date_is_never_used_as_published() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","dateModified":"2026-02-02T10:00:00Z"}</script>'
        '<meta property="og:updated_time" content="2026-02-03T10:00:00Z">'
    )
    body = (
        '<p class="updated">Updated 4 February 2026</p><time class="updated" datetime="2026-02-05T10:00:00Z">x</time>'
        "<article>" + LONG_PARAS + "</article>"
    )
    article = extract_article(page(head, body), "https://x.example/story")
    assert article.published_at is None and article.published_source is None
    assert article.modified_at == utc(2026, 2, 2, 10) and article.modified_source == "jsonld"


def test_hint_date_selector_wins() -> None:
    head = '<meta property="article:published_time" content="2026-01-02T10:00:00Z">'
    body = '<span class="real-date">7 January 2026 08:00 GMT</span><article>' + LONG_PARAS + "</article>"
    article = extract_article(page(head, body), hints=ExtractionHints(date_selector=".real-date"))
    assert article.published_at == utc(2026, 1, 7, 8)


# ------------------------------------------------------------------------------------------
# Authors, title, language, canonical, paywall
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["By Jane Doe"], ["Jane Doe"]),
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Ana Lima, Ben Okoro and Chloé Martin"], ["Ana Lima", "Ben Okoro", "Chloé Martin"]),
        (["BY JANE DOE, POLITICAL EDITOR"], ["Jane Doe"]),
        (["Jane Doe, Staff Reporter"], ["Jane Doe"]),
        (["Senior Correspondent Jane Doe"], ["Jane Doe"]),
        (["Jane Doe in Kyiv"], ["Jane Doe"]),
        (["Jane Doe for The Daily Example"], ["Jane Doe"]),
        (["Jane Doe Email the author"], ["Jane Doe"]),
        (["Jane Doe jane.doe@example.com @janedoe"], ["Jane Doe"]),
        (["By Jane Doe | 14 March 2026, 09:30 GMT"], ["Jane Doe"]),
        (["Jane Doe Published March 14, 2026"], ["Jane Doe"]),
        (["Reuters"], []),
        (["Jane Doe / Reuters"], ["Jane Doe"]),
        (["Example Times"], []),
        (["Staff"], []),
        (["By Jane Doe with additional reporting by John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane Doe", "jane doe", "Jane  Doe"], ["Jane Doe"]),
        (["Seán Ó Briain & Zoë D'Arcy"], ["Seán Ó Briain", "Zoë D'Arcy"]),
        (["https://example.test/people/jane"], []),
        (["Jane Head"], ["Jane Head"]),  # a surname that is also a role word survives
        # Catalogue-style creators (Dublin Core): one "Surname, Given" per value.
        (["Halvorsen, Astrid"], ["Astrid Halvorsen"]),
        (["Solberg, Greta", "Rahman, Malik"], ["Greta Solberg", "Malik Rahman"]),
        (["van der Berg, Anna M."], ["Anna M. van der Berg"]),
        (["Ana Lima, Ben Okoro"], ["Ana Lima", "Ben Okoro"]),  # two full names stay two authors
        (["Doe, Staff"], ["Doe"]),  # a role word is not a given name
        # A section label after a pipe is not a person; a full name after one is.
        (["By Jane Doe | Business | Email the author"], ["Jane Doe"]),
        (["By Jane Doe | World News"], ["Jane Doe"]),
        (["Jane Doe | John Roe"], ["Jane Doe", "John Roe"]),
        # Outlet names, with or without "The", are never authors.
        (["By Jane Doe, The Example Times"], ["Jane Doe"]),
    ],
)
def test_clean_author_names(raw: list[str], names: list[str]) -> None:
    assert clean_author_names(raw, outlet_names=["Example Times"]) == names


def test_outlet_name_from_sources_or_title_is_not_an_author() -> None:
    body = "<article><h1>Tram line approved</h1><p>By Ana Lima, Valley Post</p>" + LONG_PARAS + "</article>"
    configured = extract_article(page(body=body), outlet_name="Valley Post")
    assert configured.authors == ["Ana Lima"]
    # Without the configured name, the <title> around the headline names the outlet.
    titled = extract_article(page("<title>Valley Post - Tram line approved</title>", body))
    assert titled.authors == ["Ana Lima"]
    alone = page(body="<article><h1>H</h1><p>By Valley Post</p>" + LONG_PARAS + "</article>")
    assert extract_article(alone, outlet_name="The Valley Post").authors == []


def test_one_word_section_label_in_byline_is_not_an_author() -> None:
    head = '<meta property="article:section" content="Business">'
    body = "<article><h1>H</h1><p>By Ana Lima, Business</p>" + LONG_PARAS + "</article>"
    assert extract_article(page(head, body)).authors == ["Ana Lima"]


def test_author_organisations_in_jsonld_are_not_people() -> None:
    ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",'
        '"author":[{"@type":"Organization","name":"Wire Desk Ltd"},{"@type":"Person","name":"Ola Nordmann"}]}'
        "</script>"
    )
    assert extract_article(page(ld, "<article>" + LONG_PARAS + "</article>")).authors == ["Ola Nordmann"]


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ("<title>Bridge reopens after repairs | The Example Post</title>", "", "Bridge reopens after repairs"),
        ("<title>Bridge reopens after repairs - Example Post</title>", "", "Bridge reopens after repairs"),
        ("<title>Example Post | Bridge reopens after repairs</title>"
         '<meta property="og:site_name" content="Example Post">', "", "Bridge reopens after repairs"),
        ('<meta property="og:title" content="Bridge reopens | Example Post">'
         '<meta property="og:site_name" content="Example Post">', "", "Bridge reopens"),
        ("<title>Site | Other</title>", "<h1>The real headline</h1>", "The real headline"),
    ],
)  # fmt: skip
def test_title(head: str, body: str, title: str) -> None:
    assert extract_article(page(head, body + "<article>" + LONG_PARAS + "</article>")).title == title


@pytest.mark.parametrize(
    ("html", "language"),
    [
        (page(lang="en-gb"), "en-GB"),
        (
            '<html><head><meta property="og:locale" content="en_US"></head><body><p>x</p></body></html>',
            "en-US",
        ),
        (
            '<html><head><meta http-equiv="content-language" content="de"></head><body><p>x</p></body></html>',
            "de",
        ),
        ('<html lang="{{ lang }}"><body><p>x</p></body></html>', None),
    ],
)
def test_language(html: str, language: str | None) -> None:
    assert extract_article(html).language == language


@pytest.mark.parametrize(
    ("head", "canonical"),
    [
        ('<link rel="canonical" href="/a/b">', "https://site.example/a/b"),
        ('<link rel="canonical" href="javascript:void(0)"><meta property="og:url" content="https://site.example/og">',
         "https://site.example/og"),
        ("", None),
    ],
)  # fmt: skip
def test_canonical_url(head: str, canonical: str | None) -> None:
    article = extract_article(
        page(head, "<article>" + LONG_PARAS + "</article>"), "https://site.example/x/y?utm=1"
    )
    assert article.canonical_url == canonical


def test_paywall_marker_needs_text_not_just_a_class() -> None:
    hidden_shell = '<div class="paywall" hidden></div>'
    prompt = '<div class="paywall-box"><p>Subscribe to continue reading this story.</p></div>'
    assert not extract_article(page(body="<article>" + LONG_PARAS + hidden_shell + "</article>")).is_paywalled
    assert extract_article(page(body="<article>" + LONG_PARAS + prompt + "</article>")).is_paywalled


# ------------------------------------------------------------------------------------------
# Section
# ------------------------------------------------------------------------------------------

NAV = (
    '<nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/news/city/">City</a>'
    ' <a href="/sport/">Sport</a> <a href="/en/">English</a> <a href="/2026/">2026</a></nav>'
)


def test_section_from_structured_data_wins() -> None:
    head = '<meta property="article:section" content="Politics">'
    body = NAV + '<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/x/">Farm</a></li></ol>'
    article = extract_article(
        page(head, body + "<article>" + LONG_PARAS + "</article>"), "https://x.example/news/a"
    )
    assert article.section == "Politics"


def test_section_from_breadcrumbs() -> None:
    crumbs = (
        '<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/lindvik/">Lindvik</a></li>'
        "<li><a href='/lindvik/story'>Floods hit the old harbour</a></li></ol>"
    )
    body = crumbs + "<article><h1>Floods hit the old harbour</h1>" + LONG_PARAS + "</article>"
    assert extract_article(page(body=body), "https://x.example/articles/story").section == "Lindvik"
    ld = (
        '<script type="application/ld+json">{"@type":"BreadcrumbList","itemListElement":['
        '{"@type":"ListItem","position":2,"name":"Markets"},{"@type":"ListItem","position":1,"name":"Home"}]}'
        "</script>"
    )
    assert extract_article(page(ld, "<article>" + LONG_PARAS + "</article>")).section == "Markets"


def test_section_from_a_kicker_label() -> None:
    body = NAV + '<div class="story"><div class="kt-rubric">Economy</div><h1>H</h1>' + LONG_PARAS + "</div>"
    assert extract_article(page(body=body), "https://x.example/en/2026/03/10/123-h.html").section == "Economy"


def test_section_from_the_deepest_linked_folder_of_the_url() -> None:
    body = NAV + "<article>" + LONG_PARAS + "</article>"
    assert extract_article(page(body=body), "https://x.example/news/city/tram-4411.html").section == "City"
    assert extract_article(page(body=body), "https://x.example/news/tram-4411.html").section == "News"
    # "Home" (the root), a language edition and a date archive are not sections; other hosts neither.
    assert extract_article(page(body=body), "https://x.example/en/2026/tram.html").section is None
    elsewhere = (
        '<nav><a href="https://other.example/sport/">Sport</a></nav><article>' + LONG_PARAS + "</article>"
    )
    assert extract_article(page(body=elsewhere), "https://x.example/sport/match.html").section is None


# ------------------------------------------------------------------------------------------
# Body selection
# ------------------------------------------------------------------------------------------


def test_hints_body_selector_wins_and_bad_selector_falls_back() -> None:
    body = "<article>" + LONG_PARAS + '</article><div class="odd"><p>Only in the odd container.</p></div>'
    hinted = extract_article(page(body=body), hints=ExtractionHints(body_selector="div.odd"))
    assert hinted.method == "hints" and hinted.paragraphs == ["Only in the odd container."]
    broken = extract_article(page(body=body), hints=ExtractionHints(body_selector="div[[["))
    assert broken.method in ("trafilatura", "trafilatura+container", "fallback-paragraphs")
    assert any("Paragraph 1" in p for p in broken.paragraphs)


def test_gallery_list_without_caption_class_is_left_for_clean() -> None:
    body = (
        "<article>" + LONG_PARAS + '<ul class="pics"><li>Rescue teams at the quay</li><li>Reuters</li>'
        "<li>© Ana Petru</li></ul><p>After the storm the harbour reopened on Tuesday morning.</p></article>"
    )
    article = extract_article(page(body=body))
    assert "• Reuters" in article.paragraphs  # extract marks list items; clean decides
    cleaned = clean_article(article)
    assert "Reuters" not in cleaned.body
    assert cleaned.image_credits == ["Reuters", "© Ana Petru"]
    assert cleaned.image_captions == ["Rescue teams at the quay"]


def test_article_container_preferred_when_trafilatura_adds_only_stray_lines() -> None:
    # A table layout: a sidebar box beside the story and a rubric and standfirst above its text.
    sidebar = (
        '<td class="left"><div class="box"><b>City weather</b><br>Cloudy, -4 / -9</div>'
        '<div class="box"><b>Advertise with us</b><br>Call 0800 220 221</div></td>'
    )
    story = (
        '<td><div class="story"><div class="rubric">Economy</div><h1>Tram line approved</h1>'
        '<div class="lead">Council votes 31 to 12 for the western extension</div>'
        '<div id="article-text">' + LONG_PARAS + "<h2>What happens next</h2>"
        "<p>Construction is expected to start in the spring and to take about three years.</p></div></div></td>"
    )
    html = page("<title>Tram line approved</title>", f"<table><tr>{sidebar}{story}</tr></table>")
    article = extract_article(html, "https://x.example/news/tram.html")
    assert article.paragraphs[0].startswith("Paragraph 1")
    assert not any("weather" in p or "Advertise" in p or p == "Economy" for p in article.paragraphs)
    assert not any(p.startswith("Council votes") for p in article.paragraphs)
    heads = [p for p, k in zip(article.paragraphs, article.paragraph_kinds, strict=True) if k == "h"]
    assert "What happens next" in heads


def test_paragraph_parent_used_when_no_container_is_recognised() -> None:
    body = (
        '<div class="kt-article"><div class="kt-rubric">Society</div><h1>Metro line opens</h1>'
        '<div class="kt-lead">The line links the left bank with the centre</div>'
        '<div class="kt-text">' + LONG_PARAS + "</div>"
        '<div class="kt-author">Author: Ana Lima</div></div>'
    )
    article = extract_article(page(body=body), "https://x.example/en/2026/03/12/1-metro.html")
    assert [p[:11] for p in article.paragraphs] == [
        "Paragraph 1",
        "Paragraph 2",
        "Paragraph 3",
        "Paragraph 4",
    ]
    assert article.section == "Society"


def test_photo_credit_list_and_caption_then_name_lines() -> None:
    body = (
        '<div class="kt-text">' + LONG_PARAS + '<ul class="photo-credit"><li>Photo: Valley Post</li>'
        "<li>Rescuers before departure, Velgrad</li></ul>"
        '<p class="caption-line">• Flooded streets in the old town</p>'
        '<p class="caption-line">• National Emergency Service</p>'
        "<p>The river is expected to fall again by Monday, forecasters said.</p></div>"
    )
    article = extract_article(page(body=body))
    assert article.image_credits == ["Photo: Valley Post", "National Emergency Service"]
    assert article.image_captions == ["Rescuers before departure, Velgrad", "Flooded streets in the old town"]
    assert not any("Velgrad" in p or "Emergency" in p or "Flooded" in p for p in article.paragraphs)


def test_jsonld_article_body_used_when_page_shows_a_teaser() -> None:
    full = "\\n\\n".join(
        f"Full paragraph {n} with enough words to count as real prose here." for n in range(12)
    )
    ld = f'<script type="application/ld+json">{{"@type":"NewsArticle","articleBody":"{full}"}}</script>'
    article = extract_article(
        page(ld, "<article><p>Full paragraph 0 with enough words to count.</p></article>")
    )
    assert article.method == "jsonld-articleBody"
    assert len(article.paragraphs) == 12


# ------------------------------------------------------------------------------------------
# Garbage never raises
# ------------------------------------------------------------------------------------------

GARBAGE: list[Any] = [
    b"",
    "",
    b"\x00" * 64,
    b"\xff\xfe",
    "<",
    "<html><body><p>trunc",
    "<script type='application/ld+json'>{{{{[[[</script>",
    "<script type='application/ld+json'>" + "[" * 3000 + "</script>",
    "<meta charset='x-no-such-charset'><p>hello</p>",
    "<time datetime='9999-99-99'>x</time><meta property='article:published_time' content='0000'>",
    bytes(range(256)) * 8,
    None,
    12345,
]


@pytest.mark.parametrize("data", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_input_never_raises(data: Any) -> None:
    article = extract_article(data)
    assert isinstance(article, Article)
    assert article.extractor_version == EXTRACTOR_VERSION
    if not article.paragraphs:
        assert article.method == "empty"
    clean_article(article)


def test_empty_input_gives_empty_method() -> None:
    article = extract_article(b"")
    assert article.method == "empty" and article.paragraphs == [] and article.paragraph_kinds == []


def test_random_bytes_and_truncated_fixtures_never_raise() -> None:
    rng = random.Random(20260314)
    inputs = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))) for _ in range(30)]
    for path in FIXTURES:
        data = path.read_bytes()
        inputs += [data[:cut] for cut in rng.sample(range(1, len(data)), 4)]
    for data in inputs:
        article = extract_article(data, "https://x.example/2026/01/02/y")
        assert len(article.paragraphs) == len(article.paragraph_kinds)


def test_deeply_nested_page_is_handled() -> None:
    html = (
        "<html><body>" + "<div>" * 3000 + "<p>Deep paragraph text that is long enough.</p>" + "</div>" * 3000
    )
    article = extract_article(html + "</body></html>")
    assert isinstance(article, Article)


def test_dates_in_related_boxes_and_body_sentences_are_ignored() -> None:
    body = (
        '<div class="related-stories"><p>Harbour dredging begins</p><p>2 January 2026</p>'
        '<time datetime="2026-01-02T08:00:00Z">2 Jan</time></div>'
        "<article>" + LONG_PARAS + "<p>The vote took place on 3 March 2026 in the old hall.</p></article>"
    )
    article = extract_article(page(body=body), "https://x.example/news/story")
    assert article.published_at is None
    assert article.published_source is None


def test_byline_and_dateline_are_not_body_paragraphs() -> None:
    body = (
        "<article><h1>Heading</h1><p>By Ana Lima</p><p>Published 4 January 2026, 10:00 GMT</p>"
        + LONG_PARAS
        + "</article>"
    )
    article = extract_article(page(body=body))
    assert article.authors == ["Ana Lima"]
    assert article.published_source == "text"
    assert not any(p.startswith(("By Ana", "Published")) for p in article.paragraphs)
