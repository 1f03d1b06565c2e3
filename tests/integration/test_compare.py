"""`newswatch compare` on a small fictional week written straight into the core tables, read back
through the refreshed reporting layer: coverage, lag, most-quoted people, quotes some outlets left
out, spellings that differ (Jermakov vs Yermakov), the terminal report, the CLI and the HTML file.

The week (all times UTC, period 2026-03-09 to 2026-03-15):

    story                       Valdoria Wire   Baltic Courier     Lakeside Gazette     Kestrel Times
    S0 water tariffs (03-05)    first           +2 h               (not yet publishing) (not yet)
    S1 port strike  (03-10)     08:00 first     10:30 (+2.5 h) x2  12:00 wire copy +4 h (not yet)
    S2 lighthouse   (03-11)     -               09:00 exclusive    -                    (not yet)
    S3 ferry        (03-12)     -               09:00 (+2 h)       07:00 first          (not yet)

Kestrel Times starts publishing on 03-14, so it is shown as not publishing for every story.
Valdoria Wire publishes again on 03-20, after the period (it stays "active" through it).
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pytest
from newswatch import db, settings
from newswatch.cli import main
from newswatch.compare import (
    Comparison,
    build_comparison,
    name_words,
    render_html,
    render_text,
    variant_words,
)
from newswatch.errors import PermanentError

pytestmark = pytest.mark.integration

SINCE, UNTIL = date(2026, 3, 9), date(2026, 3, 16)

OUTLETS = [
    ("valdoria-wire", "Valdoria Wire", "VA"),
    ("baltic-courier", "Baltic Courier", "KS"),
    ("lakeside-gazette", "Lakeside Gazette", "KS"),
    ("kestrel-times", "Kestrel Times", "VA"),
]

# entity key -> (type, canonical name)
ENTITIES = {
    "PER:yermakov": ("PERSON", "Pavel Yermakov"),
    "PER:strand": ("PERSON", "Ilse Strand"),
    "PER:holm": ("PERSON", "Mira Holm"),
    "PER:lind": ("PERSON", "Anders Lind"),
    "GPE:saltmere": ("GPE", "Saltmere"),
}

PORT_QUOTE = "We will not let the port stand still for a single day"
PLAN_QUOTE = "The automation plan was never put to the workers"
FERRY_QUOTE = "She handled the swell like a dream"


@dataclass
class Quoted:
    text: str
    speaker: str | None  # entity key; None: unattributed
    group: str
    kind: str = "direct"


@dataclass
class Doc:
    key: str
    outlet: str
    at: datetime
    title: str
    paragraphs: list[str]
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (surface, entity key) in body order
    quotes: list[Quoted] = field(default_factory=list)
    story: str | None = None
    copy_of: str | None = None  # syndicated copy of another Doc


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


DOCS = [
    Doc("w0", "valdoria-wire", _at(5, 6), "Water tariffs to rise in Saltmere",
        ["Water bills in Saltmere will rise by four per cent, Pavel Yermakov announced.",
         "“Nobody likes paying more for water,” Yermakov said."],
        [("Saltmere", "GPE:saltmere"), ("Pavel Yermakov", "PER:yermakov"), ("Yermakov", "PER:yermakov")],
        [Quoted("Nobody likes paying more for water", "PER:yermakov", "water-paying-more")], story="S0"),
    Doc("b0", "baltic-courier", _at(5, 8), "Saltmere water bills go up",
        ["Households in Saltmere face higher water bills from April."],
        [("Saltmere", "GPE:saltmere")], story="S0"),
    Doc("w1", "valdoria-wire", _at(10, 8), "Minister Yermakov meets striking dockers at Saltmere port",
        ["Transport minister Pavel Yermakov met striking dockers in Saltmere on Tuesday.",
         f"“{PORT_QUOTE},” Yermakov told reporters.",
         f"Union leader Ilse Strand was unimpressed: “{PLAN_QUOTE}.”",
         "“We just want answers,” said one docker.",
         "Yermakov is expected to return on Monday."],
        [("Pavel Yermakov", "PER:yermakov"), ("Saltmere", "GPE:saltmere"), ("Yermakov", "PER:yermakov"),
         ("Ilse Strand", "PER:strand"), ("Yermakov", "PER:yermakov")],
        [Quoted(PORT_QUOTE, "PER:yermakov", "port-stand-still"), Quoted(PLAN_QUOTE, "PER:strand", "automation-plan"),
         Quoted("We just want answers", None, "just-want-answers")], story="S1"),
    Doc("b1", "baltic-courier", _at(10, 10, 30), "Jermakov promises dockers the port will not stop",
        ["Minister Pavel Jermakov visited the Saltmere docks as the strike entered its second day.",
         f"“{PORT_QUOTE},” Jermakov said, before union leader Ilse Strand replied: “{PLAN_QUOTE}.”",
         "Strand said the union would meet again on Thursday. Jermakov left by car."],
        [("Pavel Jermakov", "PER:yermakov"), ("Saltmere", "GPE:saltmere"), ("Jermakov", "PER:yermakov"),
         ("Ilse Strand", "PER:strand"), ("Strand", "PER:strand"), ("Jermakov", "PER:yermakov")],
        [Quoted(PORT_QUOTE, "PER:yermakov", "port-stand-still"), Quoted(PLAN_QUOTE, "PER:strand", "automation-plan")],
        story="S1"),
    # The short wire version Lakeside Gazette runs: it keeps the union's words, not the minister's.
    Doc("l1", "lakeside-gazette", _at(10, 12), "Minister Yermakov meets striking dockers at Saltmere port",
        ["Transport minister Pavel Yermakov met striking dockers in Saltmere on Tuesday.",
         f"Union leader Ilse Strand was unimpressed: “{PLAN_QUOTE}.”",
         "Yermakov is expected to return on Monday."],
        [("Pavel Yermakov", "PER:yermakov"), ("Saltmere", "GPE:saltmere"), ("Ilse Strand", "PER:strand"),
         ("Yermakov", "PER:yermakov")],
        [Quoted(PLAN_QUOTE, "PER:strand", "automation-plan")], story="S1", copy_of="w1"),
    Doc("b1b", "baltic-courier", _at(11, 15), "Strike talks to resume on Monday",
        ["Jermakov said the talks would resume on Monday."],
        [("Jermakov", "PER:yermakov")],
        [Quoted("the talks would resume on Monday", "PER:yermakov", "talks-resume", kind="indirect")], story="S1"),
    Doc("b2", "baltic-courier", _at(11, 9), "Saltmere Point lighthouse opens as a museum",
        ["Curator Mira Holm opened the doors of the lighthouse museum.",
         "“The keepers' logbooks are the real treasure,” Holm said."],
        [("Mira Holm", "PER:holm"), ("Holm", "PER:holm")],
        [Quoted("The keepers' logbooks are the real treasure", "PER:holm", "logbooks-treasure")], story="S2"),
    Doc("l3", "lakeside-gazette", _at(12, 7), "Electric ferry Aurora completes maiden crossing",
        [f"Captain Anders Lind brought the Aurora into Saltmere at dawn. “{FERRY_QUOTE},” Lind said."],
        [("Anders Lind", "PER:lind"), ("Saltmere", "GPE:saltmere"), ("Lind", "PER:lind")],
        [Quoted(FERRY_QUOTE, "PER:lind", "swell-dream")], story="S3"),
    Doc("b3", "baltic-courier", _at(12, 9), "Aurora ferry's first crossing a success",
        [f"“{FERRY_QUOTE},” captain Anders Lind said of the Aurora's first crossing."],
        [("Anders Lind", "PER:lind")],
        [Quoted(FERRY_QUOTE, "PER:lind", "swell-dream")], story="S3"),
    Doc("k1", "kestrel-times", _at(14, 10), "Kestrel Times launches its harbour desk",
        ["Today we start covering the harbour towns."]),
    Doc("w4", "valdoria-wire", _at(20, 9), "Spring ferry timetable published",
        ["The spring timetable adds two crossings a day."]),
]

STORY_TITLES = {
    "S0": "Water tariffs to rise in Saltmere",
    "S1": "Minister Yermakov meets striking dockers at Saltmere port",
    "S2": "Saltmere Point lighthouse opens as a museum",
    "S3": "Electric ferry Aurora completes maiden crossing",
}


def _insert_outlets(cur: psycopg2.extensions.cursor) -> None:
    for outlet_id, name, country in OUTLETS:
        cur.execute("INSERT INTO core.outlets (outlet_id, name, homepage, country, language) "
                    "VALUES (%s, %s, %s, %s, 'en')", (outlet_id, name, f"https://{outlet_id}.example/", country))


def _insert_entities(cur: psycopg2.extensions.cursor) -> dict[str, int]:
    ids = {}
    for key, (entity_type, name) in ENTITIES.items():
        cur.execute("INSERT INTO core.entities (entity_key, entity_type, canonical_name) VALUES (%s, %s, %s) "
                    "RETURNING entity_id", (key, entity_type, name))
        ids[key] = cur.fetchone()[0]
    return ids


def _insert_article(cur: psycopg2.extensions.cursor, doc: Doc, entity_ids: dict[str, int]) -> int:
    body = "\n\n".join(doc.paragraphs)
    url = f"https://{doc.outlet}.example/2026/03/{doc.key}"
    cur.execute(
        """INSERT INTO core.articles (url_hash, url, canonical_url, outlet_id, title, published_at, language,
                                      body, paragraph_kinds, word_count, body_hash, extraction_method,
                                      extractor_version, run_id, authors)
           VALUES (%s, %s, %s, %s, %s, %s, 'en', %s, %s, %s, md5(%s), 'test', 'test', 'test-run', %s)
           RETURNING article_id""",
        (f"hash-{doc.key}", url, url, doc.outlet, doc.title, doc.at, body, ["p"] * len(doc.paragraphs),
         len(body.split()), body, ["Staff"]),
    )
    article_id = cur.fetchone()[0]
    cursor = 0
    for surface, key in doc.mentions:  # in body order, so "Yermakov" is not found inside "Pavel Yermakov"
        start = body.index(surface, cursor)
        cursor = start + len(surface)
        entity_type, name = ENTITIES[key]
        cur.execute(
            """INSERT INTO core.mentions (article_id, entity_id, start_offset, end_offset, surface, resolved_name,
                                          label, entity_key)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
            (article_id, entity_ids[key], start, cursor, surface, name, entity_type, key),
        )
    for q in doc.quotes:
        start = body.index(q.text)
        speaker = ENTITIES[q.speaker][1] if q.speaker else None
        cur.execute(
            """INSERT INTO core.quotes (article_id, start_offset, end_offset, quote_text, kind, speaker_name,
                                        speaker_entity_id, confidence, quote_key, speaker_key, quote_group)
               VALUES (%s, %s, %s, %s, %s, %s, %s, 0.9, %s, %s, %s)""",
            (article_id, start, start + len(q.text), q.text, q.kind, speaker,
             entity_ids[q.speaker] if q.speaker else None, f"{doc.key}:{q.group}", q.speaker, q.group),
        )
    return article_id


def _insert_stories(cur: psycopg2.extensions.cursor, article_ids: dict[str, int]) -> None:
    for story, title in STORY_TITLES.items():
        members = [d for d in DOCS if d.story == story]
        cur.execute("INSERT INTO core.stories (title, first_published_at, last_published_at) VALUES (%s, %s, %s) "
                    "RETURNING story_id", (title, min(d.at for d in members), max(d.at for d in members)))
        story_id = cur.fetchone()[0]
        for n, d in enumerate(sorted(members, key=lambda d: d.at)):
            reason = "founded" if n == 0 else ("near_duplicate" if d.copy_of else "similar")
            original = article_ids[d.copy_of] if d.copy_of else None
            cur.execute(
                """INSERT INTO core.story_articles (article_id, story_id, score, shared_entities, is_near_duplicate,
                                                    duplicate_of_article_id, join_reason, linked_article_ids)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                (article_ids[d.key], story_id, 1.0 if n == 0 else 0.6, ["GPE:saltmere"], d.copy_of is not None,
                 original, reason, [original] if original else []),
            )


def refresh_reporting(conn: psycopg2.extensions.connection) -> None:
    """The reporting layer is materialised: refresh it the way the pipeline does."""
    try:
        from newswatch import reporting
    except ImportError:  # before newswatch.reporting existed
        reporting = None
    if reporting is not None and hasattr(reporting, "refresh"):
        reporting.refresh(conn)
        conn.commit()
        return
    with conn.cursor() as cur:
        cur.execute("SELECT schemaname, matviewname FROM pg_matviews WHERE schemaname = 'reporting'")
        for schema, name in cur.fetchall():
            cur.execute(f'REFRESH MATERIALIZED VIEW "{schema}"."{name}"')
    conn.commit()


def load_compare_dataset(dsn: str) -> None:
    """Write the fictional week into a migrated database and refresh the reporting layer."""
    conn = db.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            _insert_outlets(cur)
            entity_ids = _insert_entities(cur)
            article_ids = {d.key: _insert_article(cur, d, entity_ids) for d in DOCS}
            _insert_stories(cur, article_ids)
        refresh_reporting(conn)
    finally:
        conn.close()


@pytest.fixture
def week(fresh_db: str) -> str:
    load_compare_dataset(fresh_db)
    return fresh_db


def _compare(dsn: str, **kwargs: object) -> Comparison:
    with db.transaction(dsn) as conn:
        return build_comparison(conn, since=SINCE, until=UNTIL, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the comparison


def test_outlets_and_summary(week: str) -> None:
    cmp = _compare(week)
    assert [o.outlet_id for o in cmp.outlets] == ["baltic-courier", "kestrel-times", "lakeside-gazette",
                                                  "valdoria-wire"]  # by name
    got = {s.outlet_id: (s.articles, s.stories_covered, s.stories_independent, s.stories_syndicated_only,
                         s.exclusives, s.shared_stories, s.first_to_publish, s.median_lag_hours, s.p75_lag_hours,
                         s.lags_hours)
           for s in cmp.summaries}
    assert got == {
        "baltic-courier": (4, 3, 3, 0, 1, 2, 0, 2.25, 2.375, (2.0, 2.5)),
        "kestrel-times": (1, 0, 0, 0, 0, 0, 0, None, None, ()),
        "lakeside-gazette": (2, 2, 1, 1, 0, 2, 1, 2.0, 3.0, (0.0, 4.0)),
        "valdoria-wire": (1, 1, 1, 0, 0, 1, 1, 0.0, 0.0, (0.0,)),
    }
    assert not cmp.is_empty and cmp.shared_story_count == 2
    assert cmp.refreshed_at is not None  # from reporting.freshness: how current the views are


def test_coverage_matrix(week: str) -> None:
    cmp = _compare(week)
    assert [s.title for s in cmp.stories] == [STORY_TITLES["S1"], STORY_TITLES["S2"], STORY_TITLES["S3"]]
    assert [s.outlets_covering for s in cmp.stories] == [3, 1, 2]
    states = [[(c.state, c.lag_hours, c.article_count) for c in s.cells] for s in cmp.stories]
    assert states == [
        [("independent", 2.5, 2), ("inactive", None, 0), ("syndicated", 4.0, 1), ("independent", 0.0, 1)],
        [("independent", 0.0, 1), ("inactive", None, 0), ("missing", None, 0), ("missing", None, 0)],
        [("independent", 2.0, 1), ("inactive", None, 0), ("independent", 0.0, 1), ("missing", None, 0)],
    ]
    wire_copy = cmp.stories[0].cells[2]
    assert wire_copy.syndicated_article_count == 1
    assert wire_copy.first_published_at == _at(10, 12)
    assert cmp.stories[0].first_published_at == _at(10, 8)


def test_most_quoted_counts_whole_months(week: str) -> None:
    cmp = _compare(week, top=2)
    assert cmp.months == (date(2026, 3, 1), date(2026, 3, 1))
    got = {oq.outlet_id: (oq.total_quotes, [(p.speaker, p.quotes, round(p.share, 4)) for p in oq.people])
           for oq in cmp.most_quoted}
    assert got == {
        # Yermakov's water quote of 03-05 counts: quotes are published per month. The anonymous
        # docker counts in the total, never as a person.
        "valdoria-wire": (4, [("Pavel Yermakov", 2, 0.5), ("Ilse Strand", 1, 0.25)]),
        "baltic-courier": (5, [("Pavel Yermakov", 2, 0.4), ("Anders Lind", 1, 0.2)]),
        "lakeside-gazette": (2, [("Anders Lind", 1, 0.5), ("Ilse Strand", 1, 0.5)]),
        "kestrel-times": (0, []),
    }


def test_shared_quotes_and_omissions(week: str) -> None:
    cmp = _compare(week)
    got = [(q.quote_text, q.speaker, q.story_title, q.carried_by, q.omitted_by) for q in cmp.shared_quotes]
    assert got == [
        (PLAN_QUOTE, "Ilse Strand", STORY_TITLES["S1"], ("valdoria-wire", "baltic-courier", "lakeside-gazette"), ()),
        # The wire copy dropped the minister's words; not covering a story (S3, Valdoria) is no omission.
        (PORT_QUOTE, "Pavel Yermakov", STORY_TITLES["S1"], ("valdoria-wire", "baltic-courier"),
         ("lakeside-gazette",)),
        (FERRY_QUOTE, "Anders Lind", STORY_TITLES["S3"], ("lakeside-gazette", "baltic-courier"), ()),
    ]


def test_name_variants(week: str) -> None:
    cmp = _compare(week)
    got = [(v.entity_name, v.variant_words,
            [(o.outlet_id, [(s.text, s.mentions) for s in o.spellings]) for o in v.by_outlet])
           for v in cmp.name_variants]
    assert got == [
        ("Pavel Yermakov", ("jermakov", "yermakov"), [
            ("baltic-courier", [("Jermakov", 3), ("Pavel Jermakov", 1)]),
            ("lakeside-gazette", [("Pavel Yermakov", 1), ("Yermakov", 1)]),
            # Valdoria's 03-05 article counts too (per month).
            ("valdoria-wire", [("Yermakov", 3), ("Pavel Yermakov", 2)]),
        ]),
        # Same surname everywhere: listed for reference (most mentioned first), not flagged.
        ("Ilse Strand", (), [("baltic-courier", [("Ilse Strand", 1), ("Strand", 1)]),
                                ("lakeside-gazette", [("Ilse Strand", 1)]),
                                ("valdoria-wire", [("Ilse Strand", 1)])]),
        ("Anders Lind", (), [("baltic-courier", [("Anders Lind", 1)]),
                                ("lakeside-gazette", [("Anders Lind", 1), ("Lind", 1)])]),
    ]


def test_variant_words() -> None:
    assert name_words("P. Yermakov’s") == name_words("YERMAKOV") == {"yermakov"}
    words = [name_words("Pavel Yermakov") | name_words("Yermakov"), name_words("Yermakov")]
    assert variant_words(words) == set()  # a first name left out is not another spelling
    assert variant_words([name_words("Kiev"), name_words("Kyiv"), name_words("Kyiv")]) == {"kiev", "kyiv"}
    assert variant_words([name_words("Yuri Kovalenko"), name_words("Iurii Kovalenko")]) == {"iurii", "yuri"}
    assert variant_words([name_words("Velgrad"), name_words("VELGRAD")]) == set()


def test_outlet_filter_keeps_stories_any_selected_outlet_covered(week: str) -> None:
    cmp = _compare(week, outlets=["valdoria-wire", "kestrel-times"])
    assert [o.outlet_id for o in cmp.outlets] == ["valdoria-wire", "kestrel-times"]  # as asked
    assert [s.title for s in cmp.stories] == [STORY_TITLES["S1"]]
    assert [c.state for c in cmp.stories[0].cells] == ["independent", "inactive"]
    assert cmp.stories[0].outlets_covering == 3  # still counts every outlet
    assert [oq.outlet_id for oq in cmp.most_quoted] == ["valdoria-wire", "kestrel-times"]
    assert cmp.name_variants == ()  # one outlet mentions people: nothing to compare

    lakeside = _compare(week, outlets=["lakeside-gazette"])
    assert [s.title for s in lakeside.stories] == [STORY_TITLES["S1"], STORY_TITLES["S3"]]
    assert [q.quote_text for q in lakeside.shared_quotes] == [PLAN_QUOTE, PORT_QUOTE, FERRY_QUOTE]


def test_bad_arguments_raise(week: str) -> None:
    with pytest.raises(PermanentError, match="no-such-outlet"):
        _compare(week, outlets=["no-such-outlet"])
    with db.transaction(week) as conn, pytest.raises(PermanentError, match="must be after"):
        build_comparison(conn, since=UNTIL, until=SINCE)


def test_empty_period(week: str) -> None:
    with db.transaction(week) as conn:
        cmp = build_comparison(conn, since=date(2027, 1, 1), until=date(2027, 2, 1))
    assert cmp.is_empty and cmp.stories == () and cmp.outlets == ()
    assert "No articles in this period" in render_text(cmp)
    page = render_html(cmp)
    assert_well_formed(page)
    assert "No articles in this period" in page


# --------------------------------------------------------------------------- text report


def test_render_text(week: str) -> None:
    text = render_text(_compare(week))
    assert text.startswith("Outlet comparison, 2026-03-09 to 2026-03-15 (UTC, both days included)\n")
    assert "3 stories first published in the period, 2 of them covered by several outlets." in text
    assert "UTC from the reporting views, last refreshed " in text
    lines = text.splitlines()
    baltic = next(line for line in lines if "Baltic Courier (baltic-courier)" in line)
    assert baltic.split() == ["A", "Baltic", "Courier", "(baltic-courier)", "4", "3", "3", "0", "1", "0/2",
                              "2.2", "h", "2.4", "h"]
    # Matrix: one row per shared story, one column per outlet (A..D), marks and lags.
    port = next(line for line in lines if line.lstrip().startswith("03-10 08:00"))
    assert "● +2.5h" in port and "○ +4.0h" in port and "● first" in port
    ferry = next(line for line in lines if line.lstrip().startswith("03-12 07:00"))
    assert "● +2.0h" in ferry and "● first" in ferry and "·" in ferry
    assert not any(line.lstrip().startswith("03-11 09:00") for line in lines)  # exclusive: not in the matrix
    # Columns line up: every matrix row is as wide as its header.
    header = next(line for line in lines if line.lstrip().startswith("first published"))
    assert header.split()[-4:] == ["A", "B", "C", "D"]
    assert "Pavel Yermakov" in text and "   2   40%  Pavel Yermakov" in text
    assert f"“{PORT_QUOTE}” — Pavel Yermakov" in text
    assert "carried by valdoria-wire, baltic-courier; omitted by lakeside-gazette" in text
    assert PLAN_QUOTE not in text.split("Shared quotes some outlets left out")[1]  # nobody left it out
    variants = text.split("Names the outlets spell differently (1;")[1]
    assert "baltic-courier    Jermakov ×3, Pavel Jermakov ×1" in variants
    assert "Ilse Strand" not in variants


# --------------------------------------------------------------------------- HTML report

# HTML void elements. SVG has none: inside <svg> a <rect> without "/>" stays open and swallows its
# following siblings (the browser then draws none of them), so SVG shapes must be self-closed.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _StrictParser(html.parser.HTMLParser):
    """Every element closed in order: HTML void elements aside, an element ends at its end tag or "/>"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: dict[str, int] = {}
        self.ids: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs.extend(attrs)
        self.ids.extend(v for k, v in attrs if k == "id" and v)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def assert_well_formed(page: str) -> _StrictParser:
    assert page.startswith("<!DOCTYPE html>")
    parser = _StrictParser()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert_self_contained(page)
    return parser


def assert_self_contained(page: str) -> None:
    lowered = page.lower()
    for needle in ("http:", "https:", "//", "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
                   "@font-face", "href=\"http", "xlink:href"):
        assert needle not in lowered, needle
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(h.startswith("#") for h in hrefs), hrefs


def test_render_html(week: str) -> None:
    page = render_html(_compare(week))
    parser = assert_well_formed(page)
    assert {"summary", "coverage", "quoted", "lag", "shared-quotes", "names"} <= set(parser.ids)
    assert parser.tags["svg"] == 5  # matrix, a bar chart per outlet with quotes (3 of 4), lag chart
    assert parser.tags["table"] == 3  # summary, shared quotes, name variants
    # Coverage cells: 3 stories x 4 outlets, coloured by kind, lag in the tooltip.
    assert page.count('class="cell independent"') == 5
    assert page.count('class="cell syndicated"') == 1
    assert page.count('class="cell missing"') == 3
    assert page.count('class="cell inactive"') == 3
    assert "Lakeside Gazette: covered with syndicated copy only, 4.0 h after the first outlet" in page
    assert "Valdoria Wire: covered independently, first to publish" in page
    assert "Jermakov" in page and "spelled differently" in page
    assert 'class="chip omitted" title="Lakeside Gazette">lakeside-gazette<' in page


def test_render_html_escapes_data(week: str) -> None:
    with db.transaction(week) as conn, conn.cursor() as cur:
        cur.execute("UPDATE core.stories SET title = %s WHERE title = %s",
                    ('<script>alert("x")</script> & “Dockers”', STORY_TITLES["S1"]))
        cur.execute("UPDATE core.outlets SET name = 'Baltic <b>Courier</b>' WHERE outlet_id = 'baltic-courier'")
    conn = db.connect(week)
    try:
        refresh_reporting(conn)
    finally:
        conn.close()
    page = render_html(_compare(week))
    assert_well_formed(page)
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; “Dockers”" in page
    assert "Baltic &lt;b&gt;Courier&lt;/b&gt;" in page


# --------------------------------------------------------------------------- the CLI


def test_cli_compare_writes_report(week: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "out" / "week.html"
    assert main(["compare", "--since", "2026-03-09", "--until", "2026-03-16", "--html", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Outlet comparison, 2026-03-09 to 2026-03-15")
    assert out.rstrip().endswith(f"HTML report: {target}")
    assert_well_formed(target.read_text(encoding="utf-8"))


def test_cli_compare_default_path_and_filters(week: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["compare", "--since", "2026-03-09", "--until", "2026-03-16", "--outlet", "lakeside-gazette",
                 "--outlet", "baltic-courier", "--top", "1"]) == 0
    out = capsys.readouterr().out
    default = settings.data_dir() / "reports" / "compare_2026-03-09_2026-03-16.html"
    assert default.is_file() and str(default) in out
    assert "Kestrel Times" not in out and "Valdoria Wire" not in out
    assert "Most-quoted people per outlet (top 1;" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "2026-13-01"], "--since"),
        (["--since", "yesterday"], "--since"),
        (["--since", "2026-03-09", "--until", "2026-03-01"], "must be after"),
        (["--since", "2026-03-09", "--outlet", "no-such-outlet"], "no-such-outlet"),
        (["--since", "2026-03-09", "--top", "0"], "--top"),
    ],
)
def test_cli_compare_bad_arguments(week: str, argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["compare", *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_compare_needs_since(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compare"])
    assert exc.value.code == 2
    assert "--since" in capsys.readouterr().err
