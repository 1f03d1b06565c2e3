"""The HTML page of `newswatch compare`: one self-contained file (inline CSS, SVG charts drawn
here; no scripts, fonts, images or URLs, so it opens offline and can be mailed as is).

`render_html(cmp)` is the entry point; the data comes from `newswatch.compare.build_comparison`.
Every data string goes through `html.escape`.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from newswatch.compare import (
    MAX_MATRIX_ROWS,
    SPELLING_SIMILARITY,
    Comparison,
    CoverageCell,
    NameVariants,
    OutletQuotes,
    OutletSpellings,
    OutletSummary,
    StoryCoverage,
    _lag_label,
    _provenance,
    _shorten,
    _utc,
    bare_quote,
    format_hours,
    format_months,
    format_period,
    name_words,
    outlet_keys,
)

# --------------------------------------------------------------------------- HTML building blocks

esc = html.escape

# Colour-blind-safe pair (blue / orange) for the two kinds of coverage.
COLOURS = {
    "independent": "#2166ac",
    "syndicated": "#f4a340",
    "missing": "#eef0f3",
    "inactive": "#ffffff",
    "ink": "#1f2933",
    "muted": "#616e7c",
    "grid": "#d9dee4",
    "bar": "#2166ac",
    "dot": "#8795a1",
}

# A rough average glyph width of the system sans-serif fonts, as a fraction of the font size; used
# only to decide where a label must be shortened (full text stays in the tooltip).
_CHAR_EM = 0.56


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        attr = name.rstrip("_").replace("_", "-")
        parts.append(f' {attr}="{esc(_num(value) if isinstance(value, float) else str(value))}"')
    return "".join(parts)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def el(tag: str, *children: str, **attrs: object) -> str:
    """An element; children are markup already (escape data with esc), attrs are escaped here.
    A trailing underscore avoids Python keywords (class_="x"); other underscores become dashes."""
    return f"<{tag}{_attrs(attrs)}>{''.join(children)}</{tag}>"


def void(tag: str, **attrs: object) -> str:
    """An HTML void element (meta)."""
    return f"<{tag}{_attrs(attrs)}>"


def shape(tag: str, **attrs: object) -> str:
    """An empty SVG element (rect, line, circle). Inside <svg> the HTML parser only ends an element
    at "/>" or its end tag: a bare <rect> would swallow every following sibling."""
    return f"<{tag}{_attrs(attrs)}/>"


def svg_text(x: float, y: float, text: str, **attrs: object) -> str:
    return el("text", esc(text), x=float(x), y=float(y), **attrs)


def svg(width: float, height: float, *children: str, label: str) -> str:
    return el("svg", el("title", esc(label)), *children, width=float(width), height=float(height),
              viewBox=f"0 0 {_num(width)} {_num(height)}", role="img", aria_label=label, class_="chart")


def _fit(text: str, pixels: float, font_px: float) -> str:
    return _shorten(text, max(4, int(pixels / (font_px * _CHAR_EM))))


def section(anchor: str, heading: str, *body: str) -> str:
    return el("section", el("h2", esc(heading)), *body, id=anchor)


def note(text: str) -> str:
    return el("p", esc(text), class_="note")


def table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = (),
          row_classes: Sequence[str] | None = None) -> str:
    """Header cells are plain text; row cells are markup."""
    numeric = set(numeric)
    head = el("tr", *(el("th", esc(h), class_="num" if i in numeric else None) for i, h in enumerate(header)))
    body_rows = []
    for n, row in enumerate(rows):
        cells = (el("td", c, class_="num" if i in numeric else None) for i, c in enumerate(row))
        body_rows.append(el("tr", *cells, class_=(row_classes[n] or None) if row_classes else None))
    return el("table", el("thead", head), el("tbody", *body_rows))


def chip(text: str, kind: str = "") -> str:
    return el("span", esc(text), class_=f"chip {kind}".strip())


# --------------------------------------------------------------------------- HTML sections


def _html_header(cmp: Comparison) -> str:
    names = ", ".join(o.name for o in cmp.outlets) or "none"
    return el(
        "header",
        el("h1", "Outlet comparison"),
        el("p", esc(format_period(cmp)), class_="period"),
        el("p", esc(f"Outlets: {names}. {_provenance(cmp)}"), class_="note"),
    )


def _html_nav() -> str:
    links = [("summary", "Summary"), ("coverage", "Coverage"), ("quoted", "Most quoted"), ("lag", "Publication lag"),
             ("shared-quotes", "Shared quotes"), ("names", "Name variants")]
    return el("nav", *(el("a", esc(text), href=f"#{anchor}") for anchor, text in links))


def _stat(value: object, label: str) -> str:
    return el("div", el("div", esc(str(value)), class_="value"), el("div", esc(label), class_="label"), class_="stat")


def _html_summary(cmp: Comparison, keys: dict[str, str]) -> str:
    omitted = sum(1 for q in cmp.shared_quotes if q.omitted_by)
    stats = el(
        "div",
        _stat(sum(s.articles for s in cmp.summaries), "articles"),
        _stat(len(cmp.stories), "stories"),
        _stat(cmp.shared_story_count, "covered by several outlets"),
        _stat(len(cmp.shared_quotes), "shared quotes"),
        _stat(omitted, "shared quotes left out somewhere"),
        _stat(sum(1 for v in cmp.name_variants if v.differs), "names spelled differently"),
        class_="stats",
    )
    header = ["", "Outlet", "Articles", "Stories", "Independent", "Syndicated only", "Exclusive",
              "First on shared", "Median lag", "p75 lag"]
    rows = [
        [chip(keys[s.outlet_id], "key"), el("strong", esc(s.name)) + " " + el("span", esc(s.outlet_id), class_="id"),
         str(s.articles), str(s.stories_covered), str(s.stories_independent), str(s.stories_syndicated_only),
         str(s.exclusives), esc(f"{s.first_to_publish} of {s.shared_stories}" if s.shared_stories else "—"),
         esc(format_hours(s.median_lag_hours)), esc(format_hours(s.p75_lag_hours))]
        for s in cmp.summaries
    ]
    explain = note("Stories: first published in the period. Lags are measured behind the first outlet on each "
                   "story covered by several outlets (0 when first); exclusives are left out of lag and 'first'.")
    return section("summary", "Summary", stats, table(header, rows, numeric=set(range(2, 10))), explain)


def _cell_tooltip(cmp: Comparison, story: StoryCoverage, cell: CoverageCell) -> str:
    outlet = cmp.outlet_name(cell.outlet_id)
    if cell.state == "inactive":
        return f"{outlet}: not publishing at the time of this story"
    if cell.state == "missing":
        return f"{outlet}: did not cover “{story.title}”"
    if story.outlets_covering == 1:
        return f"{outlet}: the only outlet to cover it; {cell.article_count} article(s)"
    kind = "independently" if cell.state == "independent" else "with syndicated copy only"
    timing = "first to publish" if _lag_label(cell) == "first" else f"{format_hours(cell.lag_hours)} after the first outlet"
    copies = f" ({cell.syndicated_article_count} syndicated)" if cell.syndicated_article_count else ""
    return (f"{outlet}: covered {kind}, {timing}; {cell.article_count} article(s){copies}, "
            f"the first at {_utc(cell.first_published_at)} UTC")


def _matrix_groups(cmp: Comparison) -> tuple[list[tuple[str, list[StoryCoverage]]], int]:
    """Stories covered by several outlets first, then the rest; each chronological. When there are
    more than MAX_MATRIX_ROWS, the single-outlet stories are cut first."""
    shared = [s for s in cmp.stories if s.outlets_covering > 1][:MAX_MATRIX_ROWS]
    single = [s for s in cmp.stories if s.outlets_covering <= 1][: MAX_MATRIX_ROWS - len(shared)]
    groups = [(f"Covered by several outlets ({len(shared)})", shared),
              (f"Covered by one outlet ({len(single)})", single)]
    return [(label, rows) for label, rows in groups if rows], len(cmp.stories) - len(shared) - len(single)


# Width the matrix may take before the page scrolls sideways (main column minus the section padding).
_MATRIX_AVAILABLE_W = 1200.0


def coverage_svg(cmp: Comparison, groups: Sequence[tuple[str, Sequence[StoryCoverage]]]) -> str:
    """Stories (rows) x outlets (columns); cell colour = kind of coverage, text = lag."""
    date_w, cell_w, cell_h, group_h, gap, font = 104.0, 84.0, 28.0, 34.0, 3.0, 13.0
    longest = max((len(o.name) for o in cmp.outlets), default=4)
    angle = 35.0
    header_h = 24 + longest * font * _CHAR_EM * math.sin(math.radians(angle))
    right_pad = 10 + longest * font * _CHAR_EM * math.cos(math.radians(angle))
    grid_w = len(cmp.outlets) * cell_w
    # As wide as the longest title needs, within what the page leaves (titles are shortened to fit).
    longest_title = max((len(s.title) for _label, rows in groups for s in rows), default=10)
    wanted = longest_title * font * _CHAR_EM + 24
    title_w = max(240.0, min(wanted, 640.0, _MATRIX_AVAILABLE_W - date_w - grid_w - right_pad))
    left = date_w + title_w
    parts = [svg_text(0, header_h - 10, "published", class_="axis"),
             svg_text(date_w, header_h - 10, "story", class_="axis")]
    for j, outlet in enumerate(cmp.outlets):
        cx = left + j * cell_w + cell_w / 2
        y = header_h - 10
        parts.append(el("g", el("title", esc(f"{outlet.name} ({outlet.outlet_id})")),
                        svg_text(cx, y, outlet.name, transform=f"rotate(-{_num(angle)} {_num(cx)} {_num(y)})",
                                 class_="colhead")))
    y = header_h
    for label, stories in groups:
        parts.append(svg_text(0, y + group_h - 11, label, class_="group"))
        parts.append(shape("line", x1=0, y1=y + group_h - 4, x2=left + grid_w, y2=y + group_h - 4,
                           stroke=COLOURS["grid"]))
        y += group_h
        for story in stories:
            parts.append(_matrix_row_label(story, y, date_w, title_w, cell_h, font))
            for j, cell in enumerate(story.cells):
                parts.append(_matrix_cell(cmp, story, cell, left + j * cell_w, y, cell_w - gap, cell_h - gap))
            y += cell_h
    return svg(left + grid_w + right_pad, y + 8, *parts, label="Coverage matrix: stories by outlets")


def _matrix_row_label(story: StoryCoverage, y: float, date_w: float, title_w: float, cell_h: float,
                      font: float) -> str:
    baseline = y + cell_h / 2 + font * 0.35
    shown = _fit(story.title, title_w - 16, font)
    tooltip = f"{story.title} (covered by {story.outlets_covering} outlet(s))"
    return el("g", el("title", esc(tooltip)),
              svg_text(0, baseline, _utc(story.first_published_at, "%d %b %H:%M"), class_="muted"),
              svg_text(date_w, baseline, shown, class_="rowhead"))


def _cell_text(story: StoryCoverage, cell: CoverageCell) -> str:
    if cell.state == "missing":
        return "—"
    if cell.state == "inactive":
        return ""
    return "only" if story.outlets_covering == 1 else _lag_label(cell)


def _matrix_cell(cmp: Comparison, story: StoryCoverage, cell: CoverageCell, x: float, y: float,
                 w: float, h: float) -> str:
    stroke = COLOURS["grid"] if cell.state in ("missing", "inactive") else "none"
    dash = "3 3" if cell.state == "inactive" else None
    rect = shape("rect", x=x, y=y, width=w, height=h, rx=3, fill=COLOURS[cell.state], stroke=stroke,
                stroke_dasharray=dash, class_=f"cell {cell.state}")
    text = _cell_text(story, cell)
    label = svg_text(x + w / 2, y + h / 2 + 4.5, text, class_=f"celltext {cell.state}") if text else ""
    return el("g", el("title", esc(_cell_tooltip(cmp, story, cell))), rect, label)


def _legend() -> str:
    items = [("independent", "covered independently"), ("syndicated", "syndicated copy only"),
             ("missing", "not covered"), ("inactive", "outlet not publishing then")]
    return el("div", *(el("span", el("span", "", class_=f"swatch {kind}"), esc(text), class_="legend-item")
                       for kind, text in items), class_="legend")


def _html_coverage(cmp: Comparison) -> str:
    if not cmp.stories:
        return section("coverage", "Coverage matrix", note("No story was first published in this period."))
    groups, cut = _matrix_groups(cmp)
    body = [_legend(), el("div", coverage_svg(cmp, groups), class_="scroll"),
            note("Rows: stories by first publication (UTC). Cell text: delay behind the first outlet on the "
                 "story. Hover a cell or a title for details.")]
    if cut:
        body.append(note(f"{cut} stories covered by a single outlet are not shown (limit {MAX_MATRIX_ROWS} rows)."))
    return section("coverage", "Coverage matrix", *body)


def quoted_svg(oq: OutletQuotes, scale_max: int) -> str:
    """Horizontal bars, one per person; the scale is shared by every outlet's chart."""
    label_w, bar_w, value_w, row_h, font = 190.0, 250.0, 76.0, 24.0, 13.0
    height = len(oq.people) * row_h + 6
    parts = []
    for i, p in enumerate(oq.people):
        y = i * row_h + 3
        length = max(2.0, bar_w * p.quotes / scale_max)
        baseline = y + row_h / 2 + 1
        parts.append(el(
            "g", el("title", esc(f"{p.speaker}: {p.quotes} quote(s), {p.share:.0%} of the outlet's quotes")),
            svg_text(label_w - 8, baseline, _fit(p.speaker, label_w - 10, font), text_anchor="end", class_="rowhead"),
            shape("rect", x=label_w, y=y + 3, width=length, height=row_h - 8, rx=2, fill=COLOURS["bar"]),
            svg_text(label_w + length + 6, baseline, f"{p.quotes} ({p.share:.0%})", class_="value"),
        ))
    return svg(label_w + bar_w + value_w, height, *parts, label=f"Most-quoted people, {oq.outlet_id}")


def _html_quoted(cmp: Comparison) -> str:
    scale_max = max((p.quotes for oq in cmp.most_quoted for p in oq.people), default=1)
    cards = []
    for oq in cmp.most_quoted:
        heading = el("h3", esc(cmp.outlet_name(oq.outlet_id)), " ",
                     el("span", esc(f"{oq.total_quotes} quotes"), class_="id"))
        chart = quoted_svg(oq, scale_max) if oq.people else note("No attributed quotes.")
        cards.append(el("div", heading, chart, class_="card"))
    intro = note(f"Top {cmp.top} people by quotes per outlet, counted over {format_months(cmp)} (quotes are "
                 "published per calendar month); the share is of all the outlet's quotes. Bars share one scale.")
    return section("quoted", "Most-quoted people per outlet", intro, el("div", *cards, class_="cards"))


# Lag axis ticks (hours) and their labels. The scale is log(1 + hours): lags run from minutes to
# days, and on a linear axis one late outlier squeezes every median against zero.
_LAG_TICKS = ((0, "0"), (1, "1 h"), (3, "3 h"), (6, "6 h"), (12, "12 h"), (24, "1 d"), (48, "2 d"), (72, "3 d"),
              (168, "1 w"), (336, "2 w"), (720, "30 d"))


@dataclass(frozen=True)
class _LagScale:
    x0: float
    width: float
    max_hours: float

    def x(self, hours: float) -> float:
        return self.x0 + self.width * math.log1p(min(max(hours, 0.0), self.max_hours)) / math.log1p(self.max_hours)

    @classmethod
    def covering(cls, x0: float, width: float, lags: Iterable[float]) -> _LagScale:
        longest = max(lags, default=0.0)
        ends = [hours for hours, _label in _LAG_TICKS[1:] if hours >= longest]
        return cls(x0, width, float(ends[0]) if ends else longest)

    def ticks(self) -> list[tuple[float, str]]:
        return [(hours, label) for hours, label in _LAG_TICKS if hours <= self.max_hours]


def lag_svg(cmp: Comparison) -> str:
    """Per outlet: how often first on shared stories (bar), and the lag distribution (one grey dot per
    story, a filled dot at the median, a ring at the 75th percentile)."""
    name_w, first_w, gap, lag_w, text_w, row_h, top_h = 200.0, 170.0, 50.0, 460.0, 200.0, 38.0, 44.0
    summaries = cmp.summaries
    max_shared = max((s.shared_stories for s in summaries), default=1) or 1
    scale = _LagScale.covering(name_w + first_w + gap, lag_w, (lag for s in summaries for lag in s.lags_hours))
    height = top_h + len(summaries) * row_h + 6
    parts = [svg_text(name_w, 16, "first on shared stories", class_="axis"),
             svg_text(scale.x0, 16, "time behind the first outlet (log scale)", class_="axis")]
    for hours, label in scale.ticks():
        x = scale.x(hours)
        parts.append(shape("line", x1=x, y1=top_h - 8, x2=x, y2=height - 4, stroke=COLOURS["grid"]))
        parts.append(svg_text(x, top_h - 14, label, text_anchor="middle", class_="axis"))
    for i, s in enumerate(summaries):
        parts.append(_lag_row(s, top_h + i * row_h + row_h / 2, (name_w, first_w), max_shared, scale))
    return svg(scale.x0 + lag_w + text_w, height, *parts, label="Publication lag per outlet")


def _lag_row(s: OutletSummary, mid: float, geometry: tuple[float, float], max_shared: int, scale: _LagScale) -> str:
    name_w, first_w = geometry
    bar_w = first_w - 50
    parts = [
        svg_text(name_w - 10, mid + 4.5, _fit(s.name, name_w - 14, 13), text_anchor="end", class_="rowhead"),
        shape("rect", x=name_w, y=mid - 8, width=bar_w, height=16, fill=COLOURS["missing"], rx=2),
        shape("rect", x=name_w, y=mid - 8, width=bar_w * s.first_to_publish / max_shared, height=16,
              fill=COLOURS["bar"], rx=2),
        svg_text(name_w + bar_w + 6, mid + 4.5,
                 f"{s.first_to_publish} of {s.shared_stories}" if s.shared_stories else "—", class_="value"),
    ]
    if not s.lags_hours:
        parts.append(svg_text(scale.x0, mid + 4.5, "no story shared with another outlet", class_="muted"))
        return el("g", *parts)
    parts.extend(el("g", el("title", esc(f"one story: {format_hours(lag)} behind the first outlet")),
                    shape("circle", cx=scale.x(lag), cy=mid, r=4, fill=COLOURS["dot"], fill_opacity="0.6"))
                 for lag in s.lags_hours)
    median, p75 = s.median_lag_hours or 0.0, s.p75_lag_hours or 0.0
    parts.append(shape("line", x1=scale.x(median), y1=mid, x2=scale.x(p75), y2=mid, stroke=COLOURS["ink"],
                       stroke_width=2))
    parts.append(el("g", el("title", esc(f"median lag {format_hours(median)}")),
                    shape("circle", cx=scale.x(median), cy=mid, r=6.5, fill=COLOURS["ink"])))
    parts.append(el("g", el("title", esc(f"75th percentile {format_hours(p75)}")),
                    shape("circle", cx=scale.x(p75), cy=mid, r=6.5, fill="none", stroke=COLOURS["ink"],
                          stroke_width=2.5)))
    summary = f"median {format_hours(median)} · p75 {format_hours(p75)}"
    parts.append(svg_text(scale.x0 + scale.width + 16, mid + 4.5, summary, class_="value"))
    return el("g", *parts)


def _html_lag(cmp: Comparison) -> str:
    legend = el("div",
                el("span", el("span", "", class_="dot median"), "median", class_="legend-item"),
                el("span", el("span", "", class_="dot p75"), "75th percentile", class_="legend-item"),
                el("span", el("span", "", class_="dot story"), "one shared story", class_="legend-item"),
                class_="legend")
    intro = note("Only stories covered by several outlets count here; an outlet that published first has lag 0.")
    return section("lag", "Publication lag", intro, legend, el("div", lag_svg(cmp), class_="scroll"))


def _outlet_chips(cmp: Comparison, ids: Sequence[str], kind: str) -> str:
    return " ".join(el("span", esc(i), class_=f"chip {kind}", title=cmp.outlet_name(i)) for i in ids) or "—"


def _html_shared_quotes(cmp: Comparison) -> str:
    if not cmp.shared_quotes:
        return section("shared-quotes", "Shared quotes", note("No quote was carried by two or more outlets."))
    header = ["Quote", "Speaker", "Story", "Carried by (earliest first)", "Omitted by"]
    rows = [
        [el("q", esc(bare_quote(q.quote_text))), esc(q.speaker or "unattributed"), esc(q.story_title),
         _outlet_chips(cmp, q.carried_by, "carried"), _outlet_chips(cmp, q.omitted_by, "omitted")]
        for q in cmp.shared_quotes
    ]
    classes = ["omission" if q.omitted_by else "" for q in cmp.shared_quotes]
    intro = note("Quotes carried by at least two outlets in the same story; 'omitted by' lists outlets that covered "
                 "the story without carrying the quote.")
    return section("shared-quotes", "Shared quotes and who left them out", intro,
                   table(header, rows, row_classes=classes))


def _variant_tones(v: NameVariants) -> dict[str, int]:
    """Colour per variant word: within each group of similar words (Jermakov, Yermakov), tone 0 for
    the one most outlets use, tones 1-3 for the alternatives."""
    outlets_using: dict[str, int] = defaultdict(int)
    for os_ in v.by_outlet:
        for word in frozenset().union(*(name_words(sp.text) for sp in os_.spellings)):
            outlets_using[word] += 1
    groups: list[list[str]] = []
    for word in sorted(v.variant_words, key=lambda w: (-outlets_using[w], w)):
        group = next((g for g in groups if SequenceMatcher(None, g[0], word).ratio() >= SPELLING_SIMILARITY), None)
        if group is None:
            groups.append([word])
        else:
            group.append(word)
    return {word: min(rank, 3) for group in groups for rank, word in enumerate(group)}


def _marked_spelling(text: str, tones: dict[str, int]) -> str:
    """The spelling with its variant words coloured (one colour per word across the row)."""
    out = []
    for raw in text.split(" "):
        tone = tones.get(next(iter(name_words(raw)), ""))
        out.append(el("b", esc(raw), class_=f"tone{tone}") if tone is not None else esc(raw))
    return " ".join(out)


def _spelling_list(os_: OutletSpellings | None, tones: dict[str, int]) -> str:
    if os_ is None:
        return el("span", "—", class_="muted")
    return "".join(
        el("span", _marked_spelling(sp.text, tones), " ", el("span", esc(f"×{sp.mentions}"), class_="count"),
           class_="spelling")
        for sp in os_.spellings
    )


def _html_names(cmp: Comparison) -> str:
    if not cmp.name_variants:
        return section("names", "Name variants", note("No entity was mentioned with several spellings by several "
                                                      "outlets in these months."))
    header = ["Entity", *(o.name for o in cmp.outlets)]
    rows, classes = [], []
    for v in cmp.name_variants:
        per_outlet = {os_.outlet_id: os_ for os_ in v.by_outlet}
        tones = _variant_tones(v)
        badge = " " + chip("spelled differently", "differs") if v.differs else ""
        entity = el("strong", esc(v.entity_name)) + badge + el("div", esc(v.entity_type), class_="id")
        rows.append([entity, *(_spelling_list(per_outlet.get(o.outlet_id), tones) for o in cmp.outlets)])
        classes.append("differs" if v.differs else "")
    intro = note(f"Spellings per outlet with mention counts, over {format_months(cmp)}. Highlighted: entities the "
                 "outlets spell differently; in colour the words that differ: blue the form most outlets use, orange, "
                 "green or purple the alternatives. Below them, the most mentioned entities the outlets spell alike, "
                 "for reference.")
    return section("names", "Name variants", intro, el("div", table(header, rows, row_classes=classes), class_="scroll"))


CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: #1f2933;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.period { margin: 0; font-size: 17px; font-weight: 600; color: #2166ac; }
nav { position: sticky; top: 0; z-index: 1; background: #f5f7fa; padding: 10px 0; margin-bottom: 8px;
  border-bottom: 1px solid #d9dee4; }
nav a { color: #2166ac; text-decoration: none; margin-right: 18px; font-weight: 600; }
section { background: #fff; border: 1px solid #d9dee4; border-radius: 8px; padding: 18px 22px; margin: 18px 0; }
h2 { margin: 0 0 8px; font-size: 21px; }
h3 { margin: 0 0 6px; font-size: 16px; }
.note { color: #616e7c; font-size: 13.5px; margin: 6px 0 10px; max-width: 980px; }
.empty { font-size: 18px; padding: 24px 0; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0 16px; }
.stat { background: #f0f4f8; border-radius: 6px; padding: 10px 16px; min-width: 140px; }
.stat .value { font-size: 24px; font-weight: 700; }
.stat .label { font-size: 13px; color: #616e7c; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid #e4e8ed; }
th { background: #f0f4f8; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.omission td:last-child { background: #fdecea; }
tr.differs td { background: #fff8e1; }
.id { color: #616e7c; font-size: 12.5px; font-weight: 400; white-space: nowrap; }
.muted { fill: #616e7c; color: #616e7c; }
.chip { display: inline-block; padding: 1px 8px; margin: 1px 2px; border-radius: 10px; font-size: 12.5px;
  background: #e4e8ed; white-space: nowrap; }
.chip.key { background: #1f2933; color: #fff; font-weight: 700; }
.chip.carried { background: #dbe9f6; color: #12406e; }
.chip.omitted { background: #f9d3cf; color: #8a1c12; font-weight: 600; }
.chip.differs { background: #ffd54f; color: #4a3b00; font-weight: 600; }
q { font-style: italic; }
td:first-child q { display: block; min-width: 280px; }
.spelling { display: block; white-space: nowrap; }
.spelling .count { color: #616e7c; font-size: 12.5px; }
.tone0 { color: #12406e; font-weight: 600; } .tone1 { color: #a3400b; font-weight: 600; }
.tone2 { color: #1b6b3a; font-weight: 600; } .tone3 { color: #6a1b9a; font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); gap: 14px; }
.card { border: 1px solid #e4e8ed; border-radius: 6px; padding: 12px 14px; }
.scroll { overflow-x: auto; }
svg.chart { display: block; max-width: none; font-family: inherit; }
svg text { font-size: 13px; fill: #1f2933; }
svg text.axis { font-size: 12px; fill: #616e7c; }
svg text.muted { fill: #616e7c; font-size: 12.5px; }
svg text.colhead { font-size: 13px; font-weight: 600; }
svg text.group { font-size: 13px; font-weight: 700; fill: #323f4b; }
svg text.value { font-size: 12.5px; fill: #323f4b; }
svg text.celltext { font-size: 12px; text-anchor: middle; font-weight: 600; }
svg text.celltext.independent { fill: #ffffff; }
svg text.celltext.syndicated { fill: #3b2500; }
svg text.celltext.missing { fill: #9aa5b1; }
.legend { display: flex; flex-wrap: wrap; gap: 18px; margin: 8px 0 12px; font-size: 13.5px; }
.legend-item { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 14px; border-radius: 3px; border: 1px solid #d9dee4; }
.swatch.independent { background: #2166ac; border-color: #2166ac; }
.swatch.syndicated { background: #f4a340; border-color: #f4a340; }
.swatch.missing { background: #eef0f3; }
.swatch.inactive { background: #fff; border-style: dashed; }
.dot { display: inline-block; width: 13px; height: 13px; border-radius: 50%; }
.dot.median { background: #1f2933; }
.dot.p75 { background: #fff; border: 2.5px solid #1f2933; }
.dot.story { background: #8795a1; opacity: .6; width: 9px; height: 9px; }
footer { color: #616e7c; font-size: 12.5px; margin-top: 24px; }
"""


def _page(title: str, *body: str) -> str:
    head = el("head", void("meta", charset="utf-8"),
              void("meta", name="viewport", content="width=device-width, initial-scale=1"),
              el("title", esc(title)), el("style", CSS))
    return "<!DOCTYPE html>\n" + el("html", head, el("body", el("main", *body)), lang="en") + "\n"


def render_html(cmp: Comparison) -> str:
    """One self-contained HTML page: inline CSS and SVG, no scripts, no external resources."""
    title = f"Outlet comparison, {format_period(cmp)}"
    footer = el("footer", esc("newswatch compare — figures from the reporting schema; times in UTC."))
    if cmp.is_empty:
        message = el("p", "No articles in this period.", class_="empty")
        return _page(title, _html_header(cmp), section("summary", "Summary", message), footer)
    keys = outlet_keys(cmp)
    return _page(
        title,
        _html_header(cmp),
        _html_nav(),
        _html_summary(cmp, keys),
        _html_coverage(cmp),
        _html_quoted(cmp),
        _html_lag(cmp),
        _html_shared_quotes(cmp),
        _html_names(cmp),
        footer,
    )
