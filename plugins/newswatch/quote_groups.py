"""The same quote across outlets, when one outlet truncates or re-translates it.

`quote_key` (quotes.py) already matches quotes that differ only in punctuation and function
words. Truncation and re-translation need similarity instead: within one story, a quote joins an
earlier group when most of the shorter text's content stems appear in the group's text
(containment, so a truncated copy still matches its full version). Pure; the store applies it
per story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newswatch.entities import strip_diacritics
from newswatch.quotes import quote_key

# Share of the shorter quote's stems found in the other; 0.6 joined every re-translated pair in
# the demo corpus's 16 multi-outlet quotes without joining two different quotes of one story.
MIN_CONTAINMENT = 0.6
# A quote with fewer content stems than this ("We don't negotiate with criminals") only joins a
# group containing all of them; below 2 a match is luck ("We will see").
MIN_STEMS = 4
MIN_SHORT_STEMS = 2
_STEM_LEN = 5  # crude stemming: "negotiations"/"negotiate" → "negot"
_STOP = frozenset(
    "the a an and or but of to in on at for with from by as is are was were be been being it its this that "
    "these those we our us you your they them their he him his she her i me my not no will would shall should "
    "can could may might must do does did dont doesnt didnt have has had there here what which who whom whose when where why how "
    "all any some more most very also only just than then so if into about over such".split()
)


def stems(text: str) -> frozenset[str]:
    words = re.findall(r"\w+", strip_diacritics(text).casefold())
    return frozenset(w[:_STEM_LEN] for w in words if len(w) > 2 and w not in _STOP and not w.isdigit())


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    shorter = min(len(a), len(b))
    if shorter < MIN_SHORT_STEMS:
        return 0.0
    score = len(a & b) / shorter
    if shorter < MIN_STEMS and score < 1.0:
        return 0.0
    return score


@dataclass(frozen=True)
class StoryQuote:
    quote_id: int
    outlet_id: str
    text: str


def group_quotes(quotes: Sequence[StoryQuote]) -> dict[int, str]:
    """quote_id -> group key for the quotes of one story, in publication order.

    A quote joins the most similar earlier group if similarity ≥ MIN_CONTAINMENT; otherwise it
    founds a group keyed by its own quote_key."""
    groups: list[tuple[str, frozenset[str]]] = []
    assigned: dict[int, str] = {}
    for q in quotes:
        s = stems(q.text)
        best, best_score = None, 0.0
        for key, group_stems in groups:
            score = similarity(s, group_stems)
            if score > best_score:
                best, best_score = key, score
        if best is not None and best_score >= MIN_CONTAINMENT:
            assigned[q.quote_id] = best
        else:
            key = quote_key(q.text)
            groups.append((key, s))
            assigned[q.quote_id] = key
    return assigned
