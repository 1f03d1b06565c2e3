"""How outlets covered the same period: `newswatch compare`.

`build_comparison` reads only the `reporting` relations (what a BI user sees) and returns frozen
dataclasses; `render_text` turns a `Comparison` into a terminal report and `render_html` (built in
`newswatch.compare_html`) into one self-contained HTML file with SVG charts.

The period is `[since, until)` in UTC. A story belongs to it when its first publication (by any
outlet) does. Quotes and spellings are only published per calendar month
(`quotes_by_speaker_outlet_month`, `name_variants_by_outlet_month`), so those two sections count the
whole months the period touches; both reports say so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from difflib import SequenceMatcher
from itertools import permutations
from typing import Any, Literal

import psycopg2.extensions
import psycopg2.extras

from newswatch.errors import PermanentError

CellState = Literal["independent", "syndicated", "missing", "inactive"]

# The HTML coverage matrix lists every story of the period up to this many rows (stories covered
# by several outlets first when it has to cut); a month of five outlets is about 150 stories.
MAX_MATRIX_ROWS = 200


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class OutletRef:
    outlet_id: str
    name: str


@dataclass(frozen=True)
class OutletSummary:
    outlet_id: str
    name: str
    articles: int  # published in the period
    stories_covered: int  # stories of the period with at least one article of the outlet
    stories_independent: int  # ... with at least one article that is not syndicated copy
    stories_syndicated_only: int  # ... carried only as syndicated copy
    exclusives: int  # stories no other outlet covered
    shared_stories: int  # covered stories that several outlets covered
    first_to_publish: int  # shared stories the outlet published first (ties count for each)
    median_lag_hours: float | None  # over shared stories covered, 0 when first
    p75_lag_hours: float | None
    lags_hours: tuple[float, ...]  # one per shared story covered, ascending


@dataclass(frozen=True)
class CoverageCell:
    outlet_id: str
    state: CellState  # inactive: the outlet was not publishing at the time (no row in the view)
    article_count: int
    syndicated_article_count: int
    first_published_at: datetime | None
    lag_hours: float | None


@dataclass(frozen=True)
class StoryCoverage:
    story_id: int
    title: str
    first_published_at: datetime
    outlets_covering: int  # all outlets, not only the selected ones
    cells: tuple[CoverageCell, ...]  # one per Comparison.outlets, same order


@dataclass(frozen=True)
class QuotedPerson:
    speaker_entity_id: int
    speaker: str
    quotes: int
    share: float  # of all the outlet's quotes in the months counted (0 to 1)


@dataclass(frozen=True)
class OutletQuotes:
    outlet_id: str
    total_quotes: int  # attributed or not
    people: tuple[QuotedPerson, ...]  # the top N, most quoted first


@dataclass(frozen=True)
class SharedQuote:
    quote_key: str
    story_id: int
    story_title: str
    speaker: str | None
    quote_text: str
    carried_by: tuple[str, ...]  # earliest first
    omitted_by: tuple[str, ...]  # covered the story without the quote
    first_published_at: datetime | None


@dataclass(frozen=True)
class Spelling:
    text: str
    mentions: int


@dataclass(frozen=True)
class OutletSpellings:
    outlet_id: str
    spellings: tuple[Spelling, ...]  # most used first


@dataclass(frozen=True)
class NameVariants:
    entity_id: int
    entity_name: str
    entity_type: str
    mentions: int
    by_outlet: tuple[OutletSpellings, ...]  # outlets that mention the entity, Comparison order
    variant_words: tuple[str, ...]  # case-folded words some outlets spell differently, sorted

    @property
    def differs(self) -> bool:
        """The outlets spell a word of the name differently (Jermakov vs Yermakov, Kiev vs Kyiv)."""
        return bool(self.variant_words)


@dataclass(frozen=True)
class Comparison:
    since: date
    until: date | None  # exclusive; None: up to now
    outlets: tuple[OutletRef, ...]
    summaries: tuple[OutletSummary, ...]  # same order as outlets
    stories: tuple[StoryCoverage, ...]  # chronological
    most_quoted: tuple[OutletQuotes, ...]  # same order as outlets
    shared_quotes: tuple[SharedQuote, ...]
    name_variants: tuple[NameVariants, ...]  # differing entities first
    months: tuple[date, date | None]  # calendar months counted for quotes and spellings
    top: int
    generated_at: datetime
    refreshed_at: datetime | None = None  # oldest last refresh of the reporting views, when logged

    @property
    def is_empty(self) -> bool:
        return not self.stories and not any(s.articles for s in self.summaries)

    @property
    def shared_story_count(self) -> int:
        return sum(1 for s in self.stories if s.outlets_covering > 1)

    def outlet_name(self, outlet_id: str) -> str:
        return next((o.name for o in self.outlets if o.outlet_id == outlet_id), outlet_id)


def build_comparison(
    conn: psycopg2.extensions.connection,
    *,
    since: date,
    until: date | None = None,
    outlets: Sequence[str] | None = None,
    top: int = 10,
) -> Comparison:
    """Compare the outlets over `[since, until)` from the reporting relations.

    `outlets` restricts the columns (and the per-outlet sections) to those ids, and the stories to
    those at least one of them covered; lags and "first" stay relative to every outlet.
    """
    if until is not None and until <= since:
        raise PermanentError(f"--until ({until}) must be after --since ({since})")
    if top < 1:
        raise PermanentError("--top must be at least 1")
    known = _known_outlets(conn)
    selected = _validate_outlets(outlets, known)
    articles = _articles_in_period(conn, since, until)
    coverage_rows = _coverage_rows(conn, since, until)

    if selected is None:
        ids = set(articles) | {r["outlet_id"] for r in coverage_rows}
        refs = sorted((OutletRef(i, known.get(i, i)) for i in ids), key=lambda o: (o.name.casefold(), o.outlet_id))
    else:
        refs = [OutletRef(i, known[i]) for i in selected]
    outlet_ids = [o.outlet_id for o in refs]

    stories = _stories(coverage_rows, outlet_ids, restrict=selected is not None)
    # Quotes and spellings are published per calendar month: every month overlapping [since, until).
    month_range = (since.replace(day=1), until)
    return Comparison(
        since=since,
        until=until,
        outlets=tuple(refs),
        summaries=tuple(_summarise(ref, articles.get(ref.outlet_id, 0), stories) for ref in refs),
        stories=stories,
        most_quoted=_most_quoted(conn, month_range, outlet_ids, top),
        shared_quotes=_shared_quotes(conn, stories, since),
        name_variants=_name_variants(conn, month_range, outlet_ids, top),
        months=(since.replace(day=1), _last_month(until)),
        top=top,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        refreshed_at=_refreshed_at(conn),
    )


# --------------------------------------------------------------------------- reading the views


def _rows(conn: psycopg2.extensions.connection, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(query, params)
        return [dict(r) for r in cur.fetchall()]


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), UTC)


def _last_month(until: date | None) -> date | None:
    return None if until is None else (until - timedelta(days=1)).replace(day=1)


def _refreshed_at(conn: psycopg2.extensions.connection) -> datetime | None:
    """When the stalest reporting view was last refreshed (reporting.freshness); None when unknown.
    Data loaded after that is not in the report yet."""
    rows = _rows(conn, "SELECT to_regclass('reporting.freshness') IS NOT NULL AS present", {})
    if not rows[0]["present"]:
        return None
    return _rows(conn, "SELECT min(refreshed_at) AS at FROM reporting.freshness", {})[0]["at"]


def _known_outlets(conn: psycopg2.extensions.connection) -> dict[str, str]:
    rows = _rows(conn, "SELECT DISTINCT outlet_id, outlet_name FROM reporting.articles_by_outlet_day", {})
    return {r["outlet_id"]: r["outlet_name"] for r in rows}


def _validate_outlets(outlets: Sequence[str] | None, known: dict[str, str]) -> list[str] | None:
    if not outlets:
        return None
    selected = list(dict.fromkeys(outlets))
    unknown = [o for o in selected if o not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none yet"
        raise PermanentError(f"unknown outlet id(s): {', '.join(unknown)} (outlets with articles: {listed})")
    return selected


def _articles_in_period(conn: psycopg2.extensions.connection, since: date, until: date | None) -> dict[str, int]:
    rows = _rows(
        conn,
        """SELECT outlet_id, sum(articles)::int AS articles
           FROM reporting.articles_by_outlet_day
           WHERE day >= %(since)s AND (%(until)s::date IS NULL OR day < %(until)s::date)
           GROUP BY outlet_id""",
        {"since": since, "until": until},
    )
    return {r["outlet_id"]: r["articles"] for r in rows}


def _coverage_rows(conn: psycopg2.extensions.connection, since: date, until: date | None) -> list[dict[str, Any]]:
    return _rows(
        conn,
        """SELECT story_id, story_title, story_first_published_at, outlet_id, covered, independent,
                  article_count, syndicated_article_count, first_published_at, lag_hours, outlets_covering
           FROM reporting.story_coverage
           WHERE month >= %(first_month)s  -- the story's first month: lets the month index prune
             AND story_first_published_at >= %(since)s
             AND (%(until)s::timestamptz IS NULL OR story_first_published_at < %(until)s::timestamptz)
           ORDER BY story_first_published_at, story_id, outlet_id""",
        {"since": _start_of(since), "until": _start_of(until), "first_month": since.replace(day=1)},
    )


def _cell(outlet_id: str, row: dict[str, Any] | None) -> CoverageCell:
    if row is None:
        return CoverageCell(outlet_id, "inactive", 0, 0, None, None)
    state: CellState = "missing"
    if row["covered"]:
        state = "independent" if row["independent"] else "syndicated"
    lag = row["lag_hours"]
    return CoverageCell(
        outlet_id=outlet_id,
        state=state,
        article_count=int(row["article_count"] or 0),
        syndicated_article_count=int(row["syndicated_article_count"] or 0),
        first_published_at=row["first_published_at"],
        lag_hours=None if lag is None or not row["covered"] else float(lag),
    )


def _stories(rows: list[dict[str, Any]], outlet_ids: list[str], *, restrict: bool) -> tuple[StoryCoverage, ...]:
    by_story: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        by_story[r["story_id"]][r["outlet_id"]] = r
    stories = []
    for story_id, per_outlet in by_story.items():
        cells = tuple(_cell(o, per_outlet.get(o)) for o in outlet_ids)
        if restrict and not any(c.state in ("independent", "syndicated") for c in cells):
            continue
        any_row = next(iter(per_outlet.values()))
        stories.append(
            StoryCoverage(
                story_id=story_id,
                title=any_row["story_title"],
                first_published_at=any_row["story_first_published_at"],
                outlets_covering=int(any_row["outlets_covering"]),
                cells=cells,
            )
        )
    return tuple(stories)  # rows arrive chronological, dicts keep insertion order


def _percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lower = math.floor(pos)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (pos - lower)


def _summarise(ref: OutletRef, articles: int, stories: tuple[StoryCoverage, ...]) -> OutletSummary:
    covered = [(s, c) for s in stories for c in s.cells
               if c.outlet_id == ref.outlet_id and c.state in ("independent", "syndicated")]
    # Lag and "first" only mean something where another outlet covered the story too: an
    # exclusive is trivially first, and counting it would flatter outlets with many exclusives.
    lags = sorted(c.lag_hours for s, c in covered if s.outlets_covering > 1 and c.lag_hours is not None)
    return OutletSummary(
        outlet_id=ref.outlet_id,
        name=ref.name,
        articles=articles,
        stories_covered=len(covered),
        stories_independent=sum(1 for _s, c in covered if c.state == "independent"),
        stories_syndicated_only=sum(1 for _s, c in covered if c.state == "syndicated"),
        exclusives=sum(1 for s, _c in covered if s.outlets_covering == 1),
        shared_stories=sum(1 for s, _c in covered if s.outlets_covering > 1),
        first_to_publish=sum(1 for lag in lags if lag <= 0),
        median_lag_hours=_percentile(lags, 0.5),
        p75_lag_hours=_percentile(lags, 0.75),
        lags_hours=tuple(lags),
    )


_MONTHS_FILTER = "month >= %(first)s AND (%(until)s::date IS NULL OR month < %(until)s::date)"


def _most_quoted(
    conn: psycopg2.extensions.connection, months: tuple[date, date | None], outlet_ids: list[str], top: int
) -> tuple[OutletQuotes, ...]:
    rows = _rows(
        conn,
        f"""SELECT outlet_id, speaker_entity_id, speaker, sum(quotes)::int AS quotes
            FROM reporting.quotes_by_speaker_outlet_month
            WHERE {_MONTHS_FILTER} AND outlet_id = ANY(%(outlets)s)
            GROUP BY outlet_id, speaker_entity_id, speaker""",
        {"first": months[0], "until": months[1], "outlets": outlet_ids},
    )
    totals: dict[str, int] = defaultdict(int)
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        totals[r["outlet_id"]] += r["quotes"]
        if r["speaker_entity_id"] is not None:  # "(unattributed)" and unresolved names are not people
            people[r["outlet_id"]].append(r)
    result = []
    for outlet_id in outlet_ids:
        ranked = sorted(people[outlet_id], key=lambda r: (-r["quotes"], r["speaker"]))[:top]
        total = totals[outlet_id]
        result.append(OutletQuotes(
            outlet_id=outlet_id,
            total_quotes=total,
            people=tuple(QuotedPerson(r["speaker_entity_id"], r["speaker"], r["quotes"], r["quotes"] / total)
                         for r in ranked),
        ))
    return tuple(result)


def _shared_quotes(
    conn: psycopg2.extensions.connection, stories: tuple[StoryCoverage, ...], since: date
) -> tuple[SharedQuote, ...]:
    order = {s.story_id: i for i, s in enumerate(stories)}
    rows = _rows(
        conn,
        # month: of the quote's first publication, never before its story's first month.
        """SELECT quote_key, story_id, story_title, speaker, quote_text, carried_by, omitted_by, first_published_at
           FROM reporting.shared_quotes WHERE month >= %(first_month)s AND story_id = ANY(%(stories)s)""",
        {"stories": list(order), "first_month": since.replace(day=1)},
    )
    quotes = [
        SharedQuote(
            quote_key=r["quote_key"], story_id=r["story_id"], story_title=r["story_title"], speaker=r["speaker"],
            quote_text=r["quote_text"], carried_by=tuple(r["carried_by"] or ()),
            omitted_by=tuple(r["omitted_by"] or ()), first_published_at=r["first_published_at"],
        )
        for r in rows
    ]
    far_future = datetime.max.replace(tzinfo=UTC)
    return tuple(sorted(quotes, key=lambda q: (order[q.story_id], q.first_published_at or far_future, q.quote_key)))


# How alike two words must be (difflib ratio) to count as spellings of one another: transliterations
# score 0.67 to 0.95 (Yuri/Iurii, Kiev/Kyiv 0.75, Jermakov/Yermakov 0.88), a first name against a
# surname of the same person below 0.35.
SPELLING_SIMILARITY = 0.6


def name_words(spelling: str) -> frozenset[str]:
    """The words of a spelling, case-folded, without possessives, punctuation or initials."""
    words = set()
    for raw in spelling.replace("\u2019", "'").split():
        word = raw.strip(".,;:!?()[]\"'“”‘").casefold()
        word = word[:-2] if word.endswith("'s") else word
        if len(word) > 1:  # "P." says nothing about how the outlet spells Pavel
            words.add(word)
    return frozenset(words)


def variant_words(word_sets: Sequence[frozenset[str]]) -> frozenset[str]:
    """Words one outlet uses where another uses a similar but different word (Jermakov/Yermakov).

    A word one outlet uses and another does not is no variant by itself: "Pavel Yermakov" in one
    outlet and only "Yermakov" in another is the same spelling. It takes a similar word in the other
    outlet's spellings to show a different transliteration.
    """
    variants: set[str] = set()
    for mine, theirs in permutations(word_sets, 2):
        for word in mine - theirs:
            similar = {w for w in theirs if SequenceMatcher(None, word, w).ratio() >= SPELLING_SIMILARITY}
            if similar:
                variants |= similar | {word}
    return frozenset(variants)


def _name_variants(
    conn: psycopg2.extensions.connection, months: tuple[date, date | None], outlet_ids: list[str], top: int
) -> tuple[NameVariants, ...]:
    rows = _rows(
        conn,
        f"""SELECT entity_id, entity_name, entity_type, outlet_id, spelling, sum(mentions)::int AS mentions
            FROM reporting.name_variants_by_outlet_month
            WHERE {_MONTHS_FILTER} AND outlet_id = ANY(%(outlets)s)
            GROUP BY entity_id, entity_name, entity_type, outlet_id, spelling""",
        {"first": months[0], "until": months[1], "outlets": outlet_ids},
    )
    entities: dict[int, tuple[str, str]] = {}
    spellings: dict[int, dict[str, list[Spelling]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        entities[r["entity_id"]] = (r["entity_name"], r["entity_type"])
        spellings[r["entity_id"]][r["outlet_id"]].append(Spelling(r["spelling"], r["mentions"]))

    candidates = []
    for entity_id, per_outlet in spellings.items():
        distinct = {sp.text for sps in per_outlet.values() for sp in sps}
        if len(per_outlet) < 2 or len(distinct) < 2:
            continue  # nothing to compare: one outlet, or one spelling everywhere
        by_outlet = tuple(
            OutletSpellings(o, tuple(sorted(per_outlet[o], key=lambda sp: (-sp.mentions, sp.text))))
            for o in outlet_ids if o in per_outlet
        )
        words = [frozenset().union(*(name_words(sp.text) for sp in os_.spellings)) for os_ in by_outlet]
        name, entity_type = entities[entity_id]
        mentions = sum(sp.mentions for os_ in by_outlet for sp in os_.spellings)
        candidates.append(NameVariants(entity_id, name, entity_type, mentions, by_outlet,
                                       tuple(sorted(variant_words(words)))))
    ranked = sorted(candidates, key=lambda v: (not v.differs, -v.mentions, v.entity_name))
    # Every entity the outlets spell differently, then a few agreeing ones for reference.
    differing = [v for v in ranked if v.differs]
    agreeing = [v for v in ranked if not v.differs][:top]
    return tuple(differing + agreeing)


# --------------------------------------------------------------------------- formatting helpers


def outlet_keys(cmp: Comparison) -> dict[str, str]:
    """Short column keys for the matrix: A, B, ..., Z, AA, AB, ..."""
    def key(i: int) -> str:
        letters = ""
        i += 1
        while i:
            i, rem = divmod(i - 1, 26)
            letters = chr(65 + rem) + letters
        return letters

    return {o.outlet_id: key(i) for i, o in enumerate(cmp.outlets)}


def format_hours(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours <= 0:
        return "0 h"
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def format_period(cmp: Comparison) -> str:
    if cmp.until is None:
        return f"since {cmp.since.isoformat()} (UTC)"
    last_day = cmp.until - timedelta(days=1)
    if last_day == cmp.since:
        return f"{cmp.since.isoformat()} (UTC)"
    return f"{cmp.since.isoformat()} to {last_day.isoformat()} (UTC, both days included)"


def format_months(cmp: Comparison) -> str:
    first, last = cmp.months
    if last is None:
        return f"{first:%Y-%m} onwards"
    return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} to {last:%Y-%m}"


def _utc(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if moment is None else moment.astimezone(UTC).strftime(fmt)


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_OPENING_QUOTES, _CLOSING_QUOTES = "\"'“‘„«", "\"'”’“»"


def bare_quote(text: str) -> str:
    """Quote text without one pair of enclosing quote marks (some extractions keep them), so the
    reports can add their own."""
    text = " ".join(text.split())
    if len(text) > 2 and text[0] in _OPENING_QUOTES and text[-1] in _CLOSING_QUOTES:
        return text[1:-1].strip()
    return text


def _lag_label(cell: CoverageCell) -> str:
    if cell.lag_hours is None:
        return ""
    return "first" if cell.lag_hours <= 0 else "+" + format_hours(cell.lag_hours).replace(" ", "")


# --------------------------------------------------------------------------- text report

_MARKS: dict[CellState, str] = {"independent": "●", "syndicated": "○", "missing": "·", "inactive": " "}


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], right: set[int], indent: str = "  ") -> list[str]:
    body = [list(map(str, r)) for r in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in body)) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return (indent + "  ".join(padded)).rstrip()

    return [line(header), *(line(r) for r in body)]


def _text_summary(cmp: Comparison, keys: dict[str, str]) -> list[str]:
    header = ["", "outlet", "articles", "stories", "indep.", "synd. only", "exclusive", "first",
              "median lag", "p75 lag"]
    rows = [
        [keys[s.outlet_id], f"{s.name} ({s.outlet_id})", str(s.articles), str(s.stories_covered),
         str(s.stories_independent), str(s.stories_syndicated_only), str(s.exclusives),
         f"{s.first_to_publish}/{s.shared_stories}", format_hours(s.median_lag_hours), format_hours(s.p75_lag_hours)]
        for s in cmp.summaries
    ]
    return [
        "Outlets",
        *_table(header, rows, right={2, 3, 4, 5, 6, 7, 8, 9}),
        "  first: shared stories published first / shared stories covered; lags are behind the first",
        "  outlet on each shared story (0 when first).",
    ]


def _text_matrix(cmp: Comparison, keys: dict[str, str]) -> list[str]:
    shared = [s for s in cmp.stories if s.outlets_covering > 1]
    lines = [f"Coverage of stories covered by several outlets ({len(shared)} of {len(cmp.stories)} stories)"]
    if not shared:
        return [*lines, "  none in this period"]
    header = ["first published", "story", *(keys[o.outlet_id] for o in cmp.outlets)]
    rows = [
        [_utc(s.first_published_at, "%m-%d %H:%M"), _shorten(s.title, 50),
         *(f"{_MARKS[c.state]} {_lag_label(c)}".rstrip() for c in s.cells)]
        for s in shared
    ]
    legend = "  ● independent  ○ syndicated copy only  · not covered  (blank: outlet not publishing then)"
    return [*lines, *_table(header, rows, right=set()), legend]


def _text_quotes(cmp: Comparison) -> list[str]:
    lines = [f"Most-quoted people per outlet (top {cmp.top}; quotes counted over {format_months(cmp)})"]
    for oq in cmp.most_quoted:
        lines.append(f"  {cmp.outlet_name(oq.outlet_id)} ({oq.total_quotes} quotes)")
        if not oq.people:
            lines.append("      no attributed quotes")
        lines.extend(f"    {p.quotes:>4}  {p.share:>4.0%}  {p.speaker}" for p in oq.people)
    return lines


def _text_omissions(cmp: Comparison) -> list[str]:
    omitted = [q for q in cmp.shared_quotes if q.omitted_by]
    lines = [f"Shared quotes some outlets left out ({len(omitted)} of {len(cmp.shared_quotes)} shared quotes)"]
    if not omitted:
        return [*lines, "  none"]
    for q in omitted:
        lines.append(f"  “{_shorten(bare_quote(q.quote_text), 90)}” — {q.speaker or 'unattributed'}")
        lines.append(f"      story: {_shorten(q.story_title, 60)}")
        lines.append(f"      carried by {', '.join(q.carried_by)}; omitted by {', '.join(q.omitted_by)}")
    return lines


def _text_variants(cmp: Comparison) -> list[str]:
    differing = [v for v in cmp.name_variants if v.differs]
    lines = [f"Names the outlets spell differently ({len(differing)}; counted over {format_months(cmp)})"]
    if not differing:
        return [*lines, "  none"]
    width = max(len(os_.outlet_id) for v in differing for os_ in v.by_outlet)
    for v in differing:
        lines.append(f"  {v.entity_name} ({v.entity_type}): {' / '.join(v.variant_words)}")
        for os_ in v.by_outlet:
            spelled = ", ".join(f"{sp.text} ×{sp.mentions}" for sp in os_.spellings)
            lines.append(f"      {os_.outlet_id:<{width}}  {spelled}")
    return lines


def _provenance(cmp: Comparison) -> str:
    refreshed = f", last refreshed {_utc(cmp.refreshed_at)} UTC" if cmp.refreshed_at else ""
    return f"Generated {_utc(cmp.generated_at)} UTC from the reporting views{refreshed}."


def render_text(cmp: Comparison) -> str:
    title = f"Outlet comparison, {format_period(cmp)}"
    if cmp.is_empty:
        return f"{title}\n\nNo articles in this period.\n"
    keys = outlet_keys(cmp)
    intro = (f"{len(cmp.stories)} stories first published in the period, "
             f"{cmp.shared_story_count} of them covered by several outlets.")
    sections = [
        [title, intro, _provenance(cmp)],
        _text_summary(cmp, keys),
        _text_matrix(cmp, keys),
        _text_quotes(cmp),
        _text_omissions(cmp),
        _text_variants(cmp),
    ]
    return "\n\n".join("\n".join(s) for s in sections) + "\n"


def render_html(cmp: Comparison) -> str:
    """One self-contained HTML page (newswatch.compare_html): inline CSS and SVG, no scripts."""
    from newswatch.compare_html import render_html as _render_html  # the page builder imports this module

    return _render_html(cmp)

