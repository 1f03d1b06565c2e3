"""Tests for newswatch.clean: fixture pages through extract → clean, plus focused unit tests.

The paragraph lists below are fictional but reproduce what machine-translated wire copy looks like
after extraction: gallery widgets flattened into bullet lines, editor's glosses splitting a quoted
sentence across three paragraphs, quotes whose closing mark does not match the opening one.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import ftfy
import pytest
from newswatch import clean
from newswatch.clean import (
    CleanResult,
    clean_article,
    clean_paragraphs,
    is_boilerplate_line,
    is_caption_then_credit,
    is_credit_line,
    is_credit_name,
    normalise_text,
    paragraph_hash,
    repair_mojibake,
    split_caption_credit,
)
from newswatch.extract import extract_article
from newswatch.models import Article, ExtractionHints

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FIXTURES = sorted(PAGES.glob("*.html"))


def clean_fixture(path: Path) -> tuple[Article, dict[str, Any]]:
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
    hints = ExtractionHints(**expected["hints"]) if "hints" in expected else None
    article = extract_article(
        path.read_bytes(), expected.get("url"), hints, content_type=expected.get("content_type")
    )
    return clean_article(article, drop_phrases=expected.get("drop_phrases", [])), expected


# ------------------------------------------------------------------------------------------
# Fixture pages through extract → clean
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_clean_body(path: Path) -> None:
    article, expected = clean_fixture(path)
    for text in expected.get("body_contains", []) + expected.get("clean_body_contains", []):
        assert text in article.paragraphs  # whole paragraphs, not fragments
    for text in expected.get("body_not_contains", []):
        assert text not in article.body
    for text in expected.get("captions_contains", []):
        assert text in article.image_captions
    for text in expected.get("credits_contains", []):
        assert text in article.image_credits
    headings = [p for p, k in zip(article.paragraphs, article.paragraph_kinds, strict=True) if k == "h"]
    for text in expected.get("subheads", []):
        assert text in headings
    assert len(article.paragraphs) == len(article.paragraph_kinds)


def test_wire_fixture_keeps_multi_paragraph_quote_separate() -> None:
    article, _ = clean_fixture(PAGES / "10_wire_captions_insertions.html")
    first = article.paragraphs.index(
        "“Everything indicates that the pressure will continue, and we must prepare for this."
    )
    assert article.paragraphs[first + 1].startswith("It is also possible that the aim")


# ------------------------------------------------------------------------------------------
# Normalisation, mojibake, hashing
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("â€œWe will stay,â€\x9d she said.", "“We will stay,” she said."),
        ("â€œWe will stay,â€\ufffd she said.", "“We will stay,” she said."),
        ("Itâ€™s the ministerâ€™s call â€” not ours", "It’s the minister’s call — not ours"),
        ("CafÃ© in ZÃ¼rich costs â‚¬4", "Café in Zürich costs €4"),
        ("It’s café".encode().decode("cp1252").encode().decode("cp1252"), "It’s café"),  # mis-decoded twice
        ("Â© 2026", "© 2026"),
    ],
)
def test_repair_mojibake(broken: str, fixed: str) -> None:
    assert repair_mojibake(broken) == fixed


@pytest.mark.parametrize(
    "good",
    [
        "“Fine” text with ‘quotes’ — and … ellipsis",
        "voilà\u00a0» déjà vu",  # E0 A0 BB would decode to U+083B; must stay French
        "Ångström, Ñandú, Ærø, ß",
        "Москва, Αθήνα, 東京",
        "",
    ],
)
def test_repair_mojibake_leaves_good_text_alone(good: str) -> None:
    assert repair_mojibake(good) == good


def test_repair_mojibake_in_a_long_minified_page() -> None:
    markup = '<div class="x">' + "<span>filler text</span>" * 3000  # one long mostly-ASCII line
    page = (
        markup
        + "<p>Itâ€™s the ministerâ€™s call</p>"
        + markup
        + "\n<p>“Fine” déjà vu</p>\n"
        + "ascii\x01line\n"
    )
    repaired = repair_mojibake(page)
    assert "<p>It’s the minister’s call</p>" in repaired
    assert repaired.endswith("\n<p>“Fine” déjà vu</p>\nascii\x01line\n")  # good and ASCII lines untouched
    assert repaired.count("<span>filler text</span>") == 6000


def test_mojibake_scan_sees_what_a_scan_of_the_whole_text_sees() -> None:
    """`_non_ascii_parts` keeps ftfy's verdict: the badness regex matches the kept parts exactly
    when it matches the text (pieces of mojibake and of good accented text, spaced randomly)."""
    rng = random.Random(7)
    pieces = [
        "â€œ",
        "Ã©",
        "Â ",
        " Ã ",
        "Ð¡Ð»",
        "вЂ",
        "œ.",
        "voilà\u00a0»",
        "déjà",
        "Москва",
        "東京",
        "’",
        "—",
    ]
    for _ in range(300):
        text = "".join(
            rng.choice(pieces) if rng.random() < 0.3 else rng.choice(["a", " ", ".", "\n", "ab cd", "x" * 61])
            for _ in range(rng.randint(1, 200))
        )
        joined = "\n".join(line for line in text.splitlines() if not line.isascii())
        assert ftfy.badness.badness(clean._non_ascii_parts(joined)) == ftfy.badness.badness(joined), repr(
            text
        )


def test_normalise_text_whitespace_and_invisibles_but_not_quotes() -> None:
    raw = "  “Hello”\u00a0\u00a0world\t\u200bagain\u00ad,\n\n 'he'  said\u2009\"ok\"  "
    assert normalise_text(raw) == "“Hello” world again, 'he' said \"ok\""
    assert normalise_text("e\u0301") == "é"  # NFC


def test_paragraph_hash_ignores_case_whitespace_and_digits() -> None:
    assert paragraph_hash("© 2025  The Example Post") == paragraph_hash("© 2026 the example\u00a0post")
    assert paragraph_hash("Sign up now") != paragraph_hash("Sign up later")
    assert len(paragraph_hash("x")) == 40


# ------------------------------------------------------------------------------------------
# Line classifiers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Reuters", "• Reuters", "  • © Mandel Example", "© REUTERS / Ana Petru", "Photo: Jane Roe/Getty Images",
        "(Photo by Jane Roe)", "AP Photo/Jane Roe", "Jane Roe / AFP", "Legion-Media", "Picture: Handout",
        "Photograph: Ben Okoro for the Example", "Copyright 2026 Jane Roe", "Getty Images",
    ],
)  # fmt: skip
def test_is_credit_line(line: str) -> None:
    assert is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Reuters reported that the talks had stalled.",
        "The photo by the river was taken in 1998, the museum said, and has never been shown before.",
        "German soldiers at the base",
        "He said: “Photo opportunities are not policy.”",
        "",
    ],
)
def test_is_not_credit_line(line: str) -> None:
    assert not is_credit_line(line)


def test_split_caption_credit() -> None:
    assert split_caption_credit("Troops on parade. Photo: Jane Roe/Reuters") == (
        "Troops on parade.",
        "Photo: Jane Roe/Reuters",
    )
    assert split_caption_credit("Troops on parade (Photo by Jane Roe)") == (
        "Troops on parade",
        "Photo by Jane Roe",
    )
    assert split_caption_credit("Troops on parade") == ("Troops on parade", None)
    assert split_caption_credit("© Jane Roe") == ("", "© Jane Roe")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Advertisement", "advertisement"),
        ("Share this article", "share"),
        ("Share on Facebook Share on X Email", "share"),
        ("Share this article on Facebook, X or by email", "share"),
        ("Read more: Minister resigns over leak", "read_more"),
        ("READ MORE", "read_more"),
        ("Sign up for our morning newsletter", "newsletter"),
        ("Get the best stories sent straight to your inbox with our free newsletter", "newsletter"),
        ("Follow us on Telegram", "follow"),
        ("We use cookies to improve your experience. Accept all cookies", "cookie"),
        ("Subscribe to continue reading", "subscribe"),
        ("Listen to this article", "audio"),
    ],
)
def test_is_boilerplate_line(line: str, reason: str) -> None:
    assert is_boilerplate_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The council will share the cost of the new bridge with the regional government.",
        "Readers who signed up for the newsletter in 2019 received a letter explaining the breach, "
        "and the regulator said it would follow the case closely over the next year before deciding on a fine "
        "that could reach four per cent of turnover.",
        "Follow-up inspections found no further problems.",
        "“Read more books,” the minister told pupils.",
    ],
)
def test_is_not_boilerplate_line(line: str) -> None:
    assert is_boilerplate_line(line) is None


# ------------------------------------------------------------------------------------------
# Captions and credits inside the text
# ------------------------------------------------------------------------------------------

GALLERY = [
    "The mayor said the new line would open in spring.",
    "  • Mayor Ilse Varga at the depot",
    "  • Reuters",
    "  • © Tomas Ferrant",
    "Construction began in 2024.",
]


def test_bullet_run_with_credit_becomes_captions_and_credits() -> None:
    result = clean_paragraphs(GALLERY)
    assert result.paragraphs == [GALLERY[0], GALLERY[-1]]
    assert result.captions == ["Mayor Ilse Varga at the depot"]
    assert result.credits == ["Reuters", "© Tomas Ferrant"]
    assert [reason for _, reason in result.removed] == ["caption", "credit", "credit"]


def test_bullet_list_without_credit_is_kept() -> None:
    paragraphs = ["The plan has three parts:", "• new trams", "• longer platforms", "• a night service"]
    assert clean_paragraphs(paragraphs).paragraphs == paragraphs


def test_caption_line_directly_before_a_credit_is_a_caption() -> None:
    result = clean_paragraphs(
        ["First sentence of the story.", "Soldiers at the border post", "© EXAMPLE / Ana Petru", "Next."]
    )
    assert result.paragraphs == ["First sentence of the story.", "Next."]
    assert result.captions == ["Soldiers at the border post"]


def test_bare_name_after_a_caption_bullet_is_its_credit() -> None:
    paragraphs = [
        "Rescue teams searched the estuary.",
        "• Flooded streets in the Old Harbour district",
        "• National Emergency Service",
        "The river fell overnight.",
    ]
    result = clean_paragraphs(paragraphs)
    assert result.paragraphs == [paragraphs[0], paragraphs[-1]]
    assert result.captions == ["Flooded streets in the Old Harbour district"]
    assert result.credits == ["National Emergency Service"]


def test_bullet_list_of_names_is_kept() -> None:
    paragraphs = ["Three firms bid:", "• Lindvik Mutual", "• Northbank", "• Harbour Works"]
    assert clean_paragraphs(paragraphs).paragraphs == paragraphs


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("National Emergency Service", True),
        ("• Jane Roe", True),
        ("Press Service of the Mayor", True),
        ("Kharivsk, night from 9 to 10 March", False),
        ("Flooded streets in the old town", False),
        ("The river fell overnight.", False),
        ("of Korsenia", False),
    ],
)
def test_is_credit_name(line: str, expected: bool) -> None:
    assert is_credit_name(line) is expected


def test_is_caption_then_credit() -> None:
    assert is_caption_then_credit("Boats in Quay Street on Saturday", "Greta Solberg")
    assert not is_caption_then_credit("Josef Kovac", "Olga Sandberg")  # two names: no caption
    assert not is_caption_then_credit("The bakery opened in 1926.", "Olga Sandberg")  # a sentence


def test_clean_article_appends_captions_and_credits_without_duplicates() -> None:
    article = Article(
        paragraphs=GALLERY, paragraph_kinds=["p"] * 5, image_credits=["Reuters"], title="  A\u00a0title "
    )
    cleaned = clean_article(article)
    assert cleaned.image_credits == ["Reuters", "© Tomas Ferrant"]
    assert cleaned.image_captions == ["Mayor Ilse Varga at the depot"]
    assert cleaned.title == "A title"
    assert article.paragraphs == GALLERY  # input untouched
    assert cleaned is not article


# ------------------------------------------------------------------------------------------
# Re-joining split sentences
# ------------------------------------------------------------------------------------------

INSERTION = [
    "Prime Minister Kasimir Olt said the treaty had to be respected.",
    '"It is unacceptable for us to undo what has been built (in the field of regional cooperation. -',
    "MW",
    ') over these more than 20 years," Olt said.',
    "He did not take questions.",
]


def test_editorial_insertion_is_rejoined_inline() -> None:
    result = clean_paragraphs(INSERTION)
    assert result.paragraphs[1] == (
        '"It is unacceptable for us to undo what has been built (in the field of regional cooperation. - MW) '
        'over these more than 20 years," Olt said.'
    )
    assert len(result.paragraphs) == 3
    assert result.offset_map[1].source_indices == (1, 2, 3)


@pytest.mark.parametrize("tag", ["RT", "VPA", "Ed.", "— Ed.", "Red."])
def test_insertion_tags(tag: str) -> None:
    paragraphs = [
        "“If you simply refuse (to the demands of the council. -",
        tag,
        "), there will be no dialogue,” he said.",
    ]
    result = clean_paragraphs(paragraphs)
    assert result.paragraphs == [
        f"“If you simply refuse (to the demands of the council. - {tag}), there will be no dialogue,” he said."
    ]


def test_insertion_tag_with_lowercase_continuation() -> None:
    result = clean_paragraphs(["The minister said the deal -", "VPA", "would be signed in May."])
    assert result.paragraphs == ["The minister said the deal - VPA would be signed in May."]


def test_outlet_name_insertion_between_dashes() -> None:
    paragraphs = [
        '"Our cooperation (in the field of energy and also -',
        "Valley Post",
        '- transport) does not depend on the political weather", he added.',
    ]
    joined = (
        '"Our cooperation (in the field of energy and also - Valley Post - transport) '
        'does not depend on the political weather", he added.'
    )
    assert clean_paragraphs(paragraphs, outlet_names=["The Valley Post"]).paragraphs == [joined]
    # Agency names are insertion tags too, however long.
    wire = [paragraphs[0], "Agence France-Presse", paragraphs[2]]
    assert clean_paragraphs(wire).paragraphs == [joined.replace("Valley Post", "Agence France-Presse")]


def test_outlet_name_alone_on_a_line_is_removed() -> None:
    paragraphs = ["The dam will be finished in 2027.", "Valley Post", "Work began in 2024."]
    result = clean_article(
        Article(paragraphs=paragraphs, paragraph_kinds=["p"] * 3), outlet_name="Valley Post"
    )
    assert result.paragraphs == [paragraphs[0], paragraphs[2]]
    assert result.image_credits == []  # an insertion, not a photo credit
    # Without the outlet's name the line is ordinary text.
    assert clean_paragraphs(paragraphs).paragraphs == paragraphs


def test_lowercase_continuation_is_merged_after_unfinished_paragraph() -> None:
    result = clean_paragraphs(["The delegation said that", "the talks would resume in April."])
    assert result.paragraphs == ["The delegation said that the talks would resume in April."]


def test_continuation_across_a_removed_photo_block() -> None:
    paragraphs = [
        "The delegation said that",
        "• Soldiers at a checkpoint",
        "• © Ana Petru",
        "the talks would resume.",
    ]
    result = clean_paragraphs(paragraphs)
    assert result.paragraphs == ["The delegation said that the talks would resume."]
    assert result.offset_map[0].source_indices == (0, 3)


def test_comma_inside_closing_quote_continues() -> None:
    result = clean_paragraphs(["“We will not move,”", "the mayor said."])
    assert result.paragraphs == ["“We will not move,” the mayor said."]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["The council met on Monday.", "then it adjourned."],  # finished sentence: not a split
        ["Lendra against", "neighbouring states agree."],  # kinds below make the first a heading
        ["“We believe there is a need to keep the current level of defence.", "And the only talks we want are about guarantees, ”the minister said."],
        ["“Everything indicates that the pressure is real", "“And we must prepare,” he said."],
        ["Sales rose", "eBay said on Tuesday."],  # mixed-case first word is a name, not a continuation
    ],
)  # fmt: skip
def test_no_merge(paragraphs: list[str]) -> None:
    kinds = ["h", "p"] if paragraphs[0] == "Lendra against" else None
    assert clean_paragraphs(paragraphs, kinds).paragraphs == paragraphs


# ------------------------------------------------------------------------------------------
# Boilerplate, drop phrases, hashes, duplicates
# ------------------------------------------------------------------------------------------

STORY = [
    "The bridge reopened on Monday after eight months of repairs.",
    "Advertisement",
    "Drivers welcomed the news. ©\u00a0Example Post Syndication 2026",
    "Read more: City budget approved",
    "Related stories",
    "Sign up for our newsletter",
]


def test_boilerplate_drop_phrases_and_hashes() -> None:
    boilerplate = {paragraph_hash("Drivers welcomed the news. © Example Post Syndication 2031")}
    result = clean_paragraphs(
        STORY + ["Contact the newsroom at tips@example.test"], None, ["contact the NEWSROOM"], boilerplate
    )
    assert result.paragraphs == [STORY[0]]
    reasons = dict(result.removed)
    assert reasons["Advertisement"] == "advertisement"
    assert reasons["Drivers welcomed the news. © Example Post Syndication 2026"] == "boilerplate_hash"
    assert reasons["Contact the newsroom at tips@example.test"] == "drop_phrase"
    assert reasons["Related stories"] == "read_more"


def test_duplicate_paragraph_and_orphan_heading_removed() -> None:
    para = "The committee will publish its findings before the summer recess, a spokesman said."
    result = clean_paragraphs([para, "Background", para, "More on this story"], ["p", "h", "p", "h"])
    assert result.paragraphs == [para]
    assert ("More on this story", "read_more") in result.removed or (
        "More on this story",
        "orphan_heading",
    ) in result.removed
    assert ("Background", "orphan_heading") in result.removed
    assert (para, "duplicate") in result.removed


def test_empty_and_whitespace_paragraphs_are_dropped() -> None:
    result = clean_paragraphs(["", "  \u00a0 ", "Text."])
    assert result.paragraphs == ["Text."]
    assert result.offset_map[0].source_indices == (2,)


# ------------------------------------------------------------------------------------------
# Offset map and kinds
# ------------------------------------------------------------------------------------------


def test_offset_map_points_back_to_input() -> None:
    paragraphs = ["Alpha  beta.", "Advertisement", "Heading", "Gamma delta."]
    result: CleanResult = clean_paragraphs(paragraphs, ["p", "p", "h", "p"])
    assert result.paragraphs == ["Alpha beta.", "Heading", "Gamma delta."]
    assert result.kinds == ["p", "h", "p"]
    source_body = "\n\n".join(paragraphs)
    clean_body = "\n\n".join(result.paragraphs)
    for origin, text in zip(result.offset_map, result.paragraphs, strict=True):
        assert clean_body[origin.clean_offset :].startswith(text)
        first_source = paragraphs[origin.source_indices[0]]
        assert source_body[origin.source_offset :].startswith(first_source)
    assert [o.source_indices for o in result.offset_map] == [(0,), (2,), (3,)]
    third = result.offset_map[2]
    assert result.origin_of(third.clean_offset + 3) == third
    assert result.origin_of(0) == result.offset_map[0]


def test_kinds_default_and_pad_to_p() -> None:
    assert clean_paragraphs(["A.", "B."]).kinds == ["p", "p"]
    assert clean_paragraphs(["Head", "A.", "B."], ["h"]).kinds == ["h", "p", "p"]


def test_clean_article_of_empty_article() -> None:
    cleaned = clean_article(Article(method="empty"))
    assert cleaned.paragraphs == [] and cleaned.paragraph_kinds == [] and cleaned.method == "empty"


@pytest.mark.parametrize(
    "line",
    [
        "Like many others on the island, she left for the mainland in 1998.",
        "Residents can sign up for flood alerts on the council website.",
        "The EU's new cookie policy takes effect in June, the commission said.",
        "The newsletter was sent to every inbox in the county.",
        "Find out more on the council's website, officials said.",
    ],
)
def test_news_sentences_that_look_like_boilerplate_are_kept(line: str) -> None:
    assert is_boilerplate_line(line) is None
