"""Lines an outlet repeats across many of its own articles (newsletter pitches, standing
disclaimers, "Follow us on …"), learned from the outlet's recent articles — the way Media Cloud
drops sentences it has seen too often from one source.

Pure: the caller supplies the paragraphs of the outlet's recent articles and of the batch.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from newswatch.clean import paragraph_hash

# A standing line is short; a long paragraph repeated verbatim is more likely syndicated copy.
MAX_BOILERPLATE_CHARS = 300
# Seen in at least this many distinct articles, and in at least this share of those considered.
MIN_ARTICLES = 3
MIN_SHARE = 0.10
# Quote marks: a quotation repeated in an outlet's follow-up stories is news, not boilerplate.
# (Single quotes are left out: they are mostly apostrophes.)
_QUOTE_CHARS = frozenset("\"“”„«»‹›「」")


def _candidate(paragraph: str) -> bool:
    text = paragraph.strip()
    return 0 < len(text) <= MAX_BOILERPLATE_CHARS and not (_QUOTE_CHARS & set(text))


def learn_boilerplate(articles: Sequence[Iterable[str]]) -> frozenset[str]:
    """Paragraph hashes (clean.paragraph_hash) repeated across enough of one outlet's articles.

    `articles` is one outlet's articles, each given as its paragraphs."""
    seen_in: Counter[str] = Counter()
    for paragraphs in articles:
        seen_in.update({paragraph_hash(p) for p in paragraphs if _candidate(p)})
    threshold = max(MIN_ARTICLES, math.ceil(MIN_SHARE * len(articles)))
    return frozenset(h for h, n in seen_in.items() if n >= threshold)
