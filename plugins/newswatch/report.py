"""The short cross-outlet summary printed by `newswatch demo` and `newswatch summary`,
read from the reporting views (the same ones a BI tool sees)."""

from __future__ import annotations

from collections import defaultdict

import psycopg2.extensions


def _rows(conn: psycopg2.extensions.connection, query: str, args: tuple = ()) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(query, args)
        return list(cur.fetchall())


def summary_text(conn: psycopg2.extensions.connection, top: int = 3) -> str:
    lines: list[str] = []
    articles = _rows(
        conn,
        """SELECT outlet_id, outlet_name, sum(articles)::int, sum(words)::int
           FROM reporting.articles_by_outlet_day GROUP BY outlet_id, outlet_name ORDER BY outlet_id""",
    )
    lines.append("Articles per outlet")
    for outlet_id, name, n, words in articles:
        lines.append(f"  {name:<28} {n:>4} articles  {words:>7} words   ({outlet_id})")

    mentioned = _rows(
        conn,
        # An outlet naming itself ("told the Post", a "- Korsena Today)" insertion) is not news.
        """SELECT m.outlet_id, m.entity_name, m.entity_type, sum(m.mentions)::int AS n
           FROM reporting.entity_mentions_by_outlet_day m
           JOIN core.outlets o USING (outlet_id)
           WHERE m.entity_type IN ('PERSON', 'ORG')
             AND lower(o.name) NOT LIKE '%%' || lower(m.entity_name)
           GROUP BY m.outlet_id, m.entity_name, m.entity_type ORDER BY m.outlet_id, n DESC, m.entity_name""",
    )
    lines.append("")
    lines.append(f"Most-mentioned people and organisations per outlet (top {top})")
    for outlet_id, items in _group(mentioned).items():
        shown = ", ".join(f"{name} ({n})" for name, _type, n in items[:top])
        lines.append(f"  {outlet_id:<20} {shown}")

    quoted = _rows(
        conn,
        """SELECT outlet_id, speaker, quotes::int FROM reporting.quotes_by_speaker_outlet
           WHERE speaker_entity_id IS NOT NULL ORDER BY outlet_id, quotes DESC, speaker""",
    )
    lines.append("")
    lines.append(f"Most-quoted speakers per outlet (top {top})")
    for outlet_id, items in _group(quoted).items():
        shown = ", ".join(f"{name} ({n})" for name, n in items[:top])
        lines.append(f"  {outlet_id:<20} {shown}")

    stories = _rows(
        conn,
        """SELECT story_id, story_title, outlets_covering,
                  string_agg(outlet_id, ', ' ORDER BY first_published_at) FILTER (WHERE covered)
           FROM reporting.story_coverage WHERE outlets_covering > 1
           GROUP BY story_id, story_title, outlets_covering
           ORDER BY outlets_covering DESC, story_id""",
    )
    lines.append("")
    lines.append(f"Stories covered by several outlets ({len(stories)})")
    for _sid, title, n, outlets in stories:
        lines.append(f"  [{n} outlets] {title[:70]}")
        lines.append(f"      {outlets}")
    return "\n".join(lines)


def _group(rows: list[tuple]) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(tuple(row[1:]))
    return dict(grouped)
