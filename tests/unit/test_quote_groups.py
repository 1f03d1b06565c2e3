"""The same quote across outlets: truncated and lightly re-worded copies group, different quotes don't."""

from __future__ import annotations

from newswatch.quote_groups import StoryQuote, group_quotes


def _groups(*texts: str) -> list[str]:
    assigned = group_quotes([StoryQuote(i, f"outlet-{i}", t) for i, t in enumerate(texts)])
    return [assigned[i] for i in range(len(texts))]


def test_truncated_copy_joins_the_full_quote() -> None:
    full = "The harbour will stay open through the winter, and no worker will lose a shift because of the ice."
    cut = "The harbour will stay open through the winter"
    a, b = _groups(full, cut)
    assert a == b


def test_re_translation_with_light_changes_joins() -> None:
    a, b = _groups(
        "We will not allow the river to become a weapon between our two peoples.",
        "We will never allow the river to become a weapon between the two peoples.",
    )
    assert a == b


def test_short_quotes_must_match_completely() -> None:
    a, b, c = _groups("We don't negotiate with criminals.", "We do not negotiate with criminals.",
                      "We negotiate with partners.")
    assert a == b
    assert c != a


def test_different_quotes_in_one_story_stay_apart() -> None:
    a, b = _groups(
        "The ferries will run on electricity from the new offshore park by next summer.",
        "Nobody in this city asked for a ferry service that costs twice as much as the bus.",
    )
    assert a != b
