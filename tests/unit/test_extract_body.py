"""Body arbitration rules of newswatch.extract (trafilatura × article container), the CSS-hint
translation and the parse-once helpers. All pages here are small fictional documents."""

from __future__ import annotations

import logging
import random

import pytest
from lxml import html as lxml_html
from newswatch import extract
from newswatch.clean import clean_article
from newswatch.extract import _Body, extract_article
from newswatch.models import ExtractionHints, ParagraphKind

_WORDS = (
    "harbour council ferry timetable residents evening crossings mayor budget vote strike quay "
    "tram depot winter storm bridge repairs schools library opening hours fishermen market port "
    "tariffs museum festival river flood barrier engineers contract hospital nurses shifts"
).split()


def prose(n: int) -> str:
    """A sentence-shaped paragraph of well over 100 characters, its words distinct from prose(m)'s."""
    words = random.Random(n).sample(_WORDS, 14)
    return f"Item {n}: " + " ".join(words) + f", the {n}th report said on Tuesday."


def body(paragraphs: list[str], kinds: list[ParagraphKind] | None = None, *, strong: bool = False) -> _Body:
    return _Body(list(paragraphs), kinds or ["p"] * len(paragraphs), "test", strong)


def page(body_html: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{body_html}</body></html>'


# ------------------------------------------------------------------------------------------
# trafilatura × container
# ------------------------------------------------------------------------------------------


def test_merge_drops_trafilatura_paragraphs_outside_the_container() -> None:
    traf = body(["Most read today", "Ferry strike enters its third day", prose(1), prose(2), prose(3),
                 "Sign up for our morning newsletter.", "Thanks for signing up!"])  # fmt: skip
    dom = body([prose(1), prose(2), prose(3)], strong=True)
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None
    assert merged.paragraphs == [prose(1), prose(2), prose(3)]
    assert merged.method == "trafilatura"


def test_merge_adds_container_prose_trafilatura_dropped() -> None:
    traf = body([prose(1), prose(3)])  # trafilatura skipped paragraph 2 and stopped before 4
    dom = body([prose(1), prose(2), prose(3), prose(4)], strong=True)
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None
    assert merged.paragraphs == [prose(1), prose(2), prose(3), prose(4)]
    assert merged.method == "trafilatura+container"


def test_merge_stops_after_the_common_part_at_the_first_non_prose_line() -> None:
    traf = body([prose(1), prose(2)])
    dom = body(
        [prose(1), prose(2), prose(3), "More from the harbour", prose(4), prose(5)],
        ["p", "p", "p", "h", "p", "p"],
        strong=True,
    )
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None
    # Paragraph 3 continues the story; after the "More from…" heading come other stories' teasers.
    assert merged.paragraphs == [prose(1), prose(2), prose(3)]


def test_merge_adds_nothing_before_the_common_part() -> None:
    traf = body([prose(2), prose(3)])
    dom = body([prose(1), prose(2), prose(3)], strong=True)  # e.g. a teaser row inside the wrapper
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None and merged.paragraphs == [prose(2), prose(3)]


def test_merge_keeps_subheads_but_not_short_lines_or_link_lists_inside() -> None:
    traf = body([prose(1), prose(2), prose(3)])
    dom = body(
        [
            prose(1),
            "Advertisement",
            "What happens next",
            prose(2),
            "• Read more: ferry strike explained",
            prose(3),
        ],
        ["p", "p", "h", "p", "p", "p"],
        strong=True,
    )
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None
    assert merged.paragraphs == [prose(1), "What happens next", prose(2), prose(3)]
    assert merged.kinds == ["p", "h", "p", "p"]


def test_merge_does_not_add_text_already_kept() -> None:
    pull_quote = prose(2)[:-1] + "!"  # the same sentence again, as a pull quote
    traf = body([prose(1), prose(2), prose(3)])
    dom = body([prose(1), prose(2), pull_quote, prose(3)], strong=True)
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None and merged.paragraphs == [prose(1), prose(2), prose(3)]


def test_merge_does_not_add_link_dominated_prose() -> None:
    teaser = lxml_html.fragment_fromstring(f"<p><a href='/other'>{prose(9)}</a></p>")
    traf = body([prose(1), prose(2)])
    dom = _Body([prose(1), prose(9), prose(2)], ["p", "p", "p"], "test", True, [None, teaser, None])
    merged = extract._merge_with_container(traf, dom)
    assert merged is not None and merged.paragraphs == [prose(1), prose(2)]


def test_merge_gives_up_when_the_container_holds_little_of_trafilaturas_text() -> None:
    traf = body([prose(1), prose(2), prose(3)])
    dom = body([prose(3), prose(7), prose(8), prose(9)], strong=True)  # another article's container
    assert extract._merge_with_container(traf, dom) is None
    chosen = extract._choose_body(None, traf, dom, None, lambda: None)
    assert chosen is not None and chosen.paragraphs == traf.paragraphs  # trafilatura wins


def test_choose_drops_trafilatura_paragraphs_the_page_walk_files_as_boilerplate() -> None:
    traf = body([prose(1), prose(2), "Share this story on WhatsApp", prose(3)])
    page_body = body([prose(1), prose(2), prose(3)])  # no recognised container: the whole page
    chosen = extract._choose_body(None, traf, page_body, None, lambda: page_body)
    assert chosen is not None and chosen.paragraphs == [prose(1), prose(2), prose(3)]


def test_choose_keeps_trafilatura_when_the_page_walk_would_remove_most_of_it() -> None:
    traf = body([prose(1), prose(2), prose(3)])
    page_body = body([prose(1)])  # a layout the walk does not understand
    chosen = extract._choose_body(None, traf, page_body, None, lambda: page_body)
    assert chosen is not None and chosen.paragraphs == traf.paragraphs


def test_choose_uses_the_container_when_trafilatura_finds_nothing() -> None:
    dom = body([prose(1)], strong=True)
    assert extract._choose_body(None, None, dom, None, lambda: None) is dom
    assert extract._choose_body(None, body([]), dom, None, lambda: None) is dom


def test_link_density() -> None:
    element = lxml_html.fragment_fromstring("<p>Read <a href='/x'>the full report</a> here.</p>")
    assert extract._link_density(element, "Read the full report here.") == pytest.approx(15 / 26)
    assert extract._link_density(None, "loose text") == 0.0


def test_teaser_prose_after_the_story_stays_out_of_the_body() -> None:
    story = "".join(f"<p>{prose(n)}</p>" for n in range(1, 6))
    teasers = "".join(f"<p>{prose(n)}</p>" for n in range(20, 24))
    html = page(
        '<header><a href="/">The Harbour Ledger</a></header>'
        f'<article><h1>Ferry vote</h1><div class="article-body">{story}</div>'
        f"<h2>More from the harbour</h2>{teasers}</article>"
        "<footer>© The Harbour Ledger</footer>"
    )
    article = clean_article(extract_article(html, url="https://ledger.example/news/ferry-vote"))
    assert article.paragraphs == [prose(n) for n in range(1, 6)]


def test_html_in_jsonld_article_body_is_split_into_paragraphs() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry vote", '
        f'"articleBody": "<p>{prose(1)}</p><p>{prose(2)}</p><p>{prose(3)}</p><p>{prose(4)}</p>"}}</script>'
    )
    html = page("<article><p>Subscribe to read the full story.</p></article>", head=ld)
    article = extract_article(html, url="https://ledger.example/news/ferry-vote")
    assert article.method == "jsonld-articleBody"
    assert article.paragraphs == [prose(n) for n in range(1, 5)]


# ------------------------------------------------------------------------------------------
# Outlet hints: CSS selectors run as XPath
# ------------------------------------------------------------------------------------------

DOC = lxml_html.document_fromstring(
    "<html><body>"
    '<div id="main" class="story  story-body"><p class="lead">A</p><p>B</p><p class="ad x">C</p></div>'
    '<article data-kind="news-item"><h2>T</h2><p>D</p><span><p>E</p></span></article>'
    '<a rel="author nofollow" href="/by/jane">Jane</a><a rel="coauthor" href="/by/x">X</a>'
    "</body></html>"
)


def texts(selector: str) -> list[str]:
    return [e.text_content() for e in extract._select(DOC, selector)]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("div.story-body p", ["A", "B", "C"]),
        ("#main > p:first-child", ["A"]),
        ("#main p:last-child", ["C"]),
        ("#main p:nth-child(2)", ["B"]),
        ("#main p:not(.ad)", ["A", "B"]),
        (".story.story-body > .lead", ["A"]),
        ("h2 + p", ["D"]),
        ("p.lead ~ p", ["B", "C"]),
        ("article > p", ["D"]),
        ("article p", ["D", "E"]),
        ('[data-kind^="news"] h2', ["T"]),
        ("[data-kind$=item] span p", ["E"]),
        ("[data-kind*='s-i'] > h2", ["T"]),
        ('a[rel~="author"]', ["Jane"]),
        ("a[rel|=co]", []),
        ("P.lead, article h2", ["A", "T"]),
        ("*[class]", ["ABC", "A", "C"]),
    ],
)
def test_css_selectors(selector: str, expected: list[str]) -> None:
    assert texts(selector) == expected


@pytest.mark.parametrize("selector", ["div[[[", "p::before", "p:hover", "", ">", "a >"])
def test_unsupported_css_selectors_match_nothing_with_a_warning(
    selector: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="newswatch.extract"):
        assert texts(selector) == []
    assert "selector" in caplog.text


def test_hint_selector_with_descendant_combinator_picks_the_body() -> None:
    html = page(
        '<article><div class="story"><div class="text"><p>Only this.</p></div></div></article>'
        f"<section>{''.join(f'<p>{prose(n)}</p>' for n in range(3))}</section>"
    )
    article = extract_article(html, hints=ExtractionHints(body_selector="article .story > .text"))
    assert article.method == "hints" and article.paragraphs == ["Only this."]


# ------------------------------------------------------------------------------------------
# Parsing
# ------------------------------------------------------------------------------------------


def test_text_with_an_xml_encoding_declaration_is_parsed() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>' + page(
        f"<article><p>{prose(1)}</p><p>{prose(2)}</p></article>"
    )
    article = extract_article(html)
    assert prose(1) in article.paragraphs


@pytest.mark.parametrize("markup", ["   ", "\x00\x01\x02", "<", "<!-- only a comment -->", "plain words"])
def test_degenerate_markup_never_raises(markup: str) -> None:
    article = extract_article(markup)
    assert article.extractor_version == extract.EXTRACTOR_VERSION


def test_captions_are_still_read_before_the_container_scorer_sees_the_page() -> None:
    html = page(
        '<article><div class="article-body">'
        f"<p>{prose(1)}</p>"
        '<div class="image-caption">Ferries at the quay. <span class="credit">Photo: Ana Berg</span></div>'
        f"<p>{prose(2)}</p></div></article>"
    )
    article = extract_article(html)
    assert article.image_captions == ["Ferries at the quay."]
    assert article.image_credits == ["Photo: Ana Berg"]
    assert not any("Ana Berg" in p for p in article.paragraphs)
