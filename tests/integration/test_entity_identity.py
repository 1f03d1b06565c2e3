"""Cross-document identity in the database: variant spellings from different outlets land on one
canonical entity with the match recorded; analysts' overrides win and survive re-runs."""

from __future__ import annotations

import pytest
from newswatch import db, store
from newswatch.models import Article, Mention, ProcessedArticle, Quote

pytestmark = pytest.mark.integration


def _outlets(conn) -> None:
    from newswatch.models import Outlet

    store.sync_outlets(conn, [Outlet(id=o, name=o.title(), homepage=f"https://{o}.example/") for o in ("east", "west")])


def _article(outlet: str, n: int, body: str, people: list[tuple[str, str]]) -> ProcessedArticle:
    """people: (surface as written, resolved name) — every surface must occur in body."""
    from newswatch.entities import entity_key

    mentions = []
    for surface, resolved in people:
        start = body.index(surface)
        mentions.append(Mention(start, start + len(surface), surface, "PERSON", resolved,
                                entity_key(resolved, "PERSON")))
    first = mentions[0]
    quote_start = body.index("“") + 1
    quote_end = body.index("”")
    quote = Quote(quote_start, quote_end, body[quote_start:quote_end], "direct", first.name, first.start, first.end,
                  "said", 0.9, first.entity_key)
    url = f"https://{outlet}.example/{n}"
    return ProcessedArticle(url, url, f"{outlet}-{n}", outlet, None,
                            Article(title=f"Story {n}", paragraphs=[body], paragraph_kinds=["p"],
                                    method="test", extractor_version="test"),
                            mentions, [quote])


def _load(conn, item: ProcessedArticle) -> None:
    names = {m.entity_key: (m.label, m.name) for m in item.mentions}
    ids = store.ensure_entities(conn, names)
    article_id, _ = store.upsert_article(conn, item, "run-1")
    store.replace_article_children(conn, article_id, item, ids)


def _entity_of(conn, surface: str) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT DISTINCT entity_id FROM core.mentions WHERE surface = %s", (surface,))
        rows = cur.fetchall()
    assert len(rows) == 1
    return rows[0][0]


def test_variants_merge_and_overrides_win(fresh_db: str) -> None:
    with db.transaction() as conn:
        _outlets(conn)
        _load(conn, _article("east", 1, "Aleksandr Voloshyn said: “The port stays open.”", [("Aleksandr Voloshyn", "Aleksandr Voloshyn")]))
        _load(conn, _article("west", 2, "Alexander Voloshin said: “The port stays open.”", [("Alexander Voloshin", "Alexander Voloshin")]))
        _load(conn, _article("west", 3, "Olga Voloshina said: “Not for long.”", [("Olga Voloshina", "Olga Voloshina")]))
        _load(conn, _article("east", 4, "Dmitri Yermolenko said: “Power is back.”", [("Dmitri Yermolenko", "Dmitri Yermolenko")]))
        _load(conn, _article("west", 5, "Dmitry Ermolenko said: “Power is back.”", [("Dmitry Ermolenko", "Dmitry Ermolenko")]))

        aleksandr = _entity_of(conn, "Aleksandr Voloshyn")
        assert _entity_of(conn, "Alexander Voloshin") == aleksandr
        assert _entity_of(conn, "Olga Voloshina") != aleksandr  # a near miss stays apart
        assert _entity_of(conn, "Dmitri Yermolenko") == _entity_of(conn, "Dmitry Ermolenko")
        with conn.cursor() as cur:
            cur.execute("SELECT method, confidence FROM core.entity_keys ORDER BY matched_at")
            methods = cur.fetchall()
        assert all(0 < c <= 1 for _, c in methods)

        # The analyst says the western "Alexander Voloshin" is someone else: split wins.
        from newswatch.entities import entity_key

        west_key = entity_key("Alexander Voloshin", "PERSON")
        if west_key != entity_key("Aleksandr Voloshyn", "PERSON"):
            store.add_entity_override(conn, west_key, "split", None, "different person, per the west desk")
            counts = store.apply_entity_overrides(conn)
            assert counts["keys_split"] == 1 and counts["mentions_repointed"] >= 1
            assert _entity_of(conn, "Alexander Voloshin") != aleksandr
            with conn.cursor() as cur:
                cur.execute("""SELECT count(DISTINCT speaker_entity_id) FROM core.quotes
                               WHERE speaker_name IN ('Aleksandr Voloshyn', 'Alexander Voloshin')""")
                assert cur.fetchone()[0] == 2

            # ... and it survives a re-load of the same articles.
            _load(conn, _article("west", 2, "Alexander Voloshin said: “The port stays open.”",
                                 [("Alexander Voloshin", "Alexander Voloshin")]))
            store.apply_entity_overrides(conn)
            assert _entity_of(conn, "Alexander Voloshin") != aleksandr

        # Merge: the analyst says Olga Voloshina is the same entity as Aleksandr (a contrived merge).
        olga_key = entity_key("Olga Voloshina", "PERSON")
        store.add_entity_override(conn, olga_key, "merge", aleksandr, "test")
        store.apply_entity_overrides(conn)
        assert _entity_of(conn, "Olga Voloshina") == aleksandr
