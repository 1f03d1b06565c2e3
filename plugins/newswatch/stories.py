"""Stories: which articles from different outlets report the same event.

Pure functions, no I/O. The clustering is *incremental*: a nightly run hands over the
articles that are not in a story yet (`new_docs`) together with the already clustered
articles near them in time (`existing_docs`, each carrying its `story_id`). New articles
join existing stories or found new ones; existing articles are never moved, so story ids
stay stable for analysts who have already bookmarked them.

How two articles are compared (`_PairScorer.similarity`):

* text: TF-IDF cosine over title + body words (lower-cased, stop words dropped, a plural
  ``s`` folded, title words counted twice because headlines name the event), with IDF
  taken over every document handed to the call;
* entities: weighted Jaccard over cross-document entity keys (``"PER:helena strand"``),
  each key weighted by its label (people, organisations and named events identify an event
  far better than the country it happened in) times its IDF;
* combined: ``cosine * (1 + ENTITY_BOOST * entity overlap)``, capped at 1. Shared entities
  amplify textual evidence but cannot create it: two articles about different events with
  the same minister in the same week share most of their entities and little else, and an
  additive blend let those entities merge them (see the constants below). Without entities
  on either side the cosine stands alone (a missed NER pass is not disagreement);
* never across more than ``window_hours`` between publication times, when both are known.

An article joins the story whose *link score* is highest and at least ``threshold``; the
link score is the mean of its ``LINK_TOP_K`` best similarities to the story's members in the
window (average link for small stories, and a long-running story that drifts is judged on
its members closest to the newcomer instead of being diluted by all of them).

Near-duplicates (syndicated wire copy) are found independently of the window, between
articles of *different* outlets (an outlet updating its own story is not syndication): the
*containment* of the word 5-gram shingle sets of the bodies, shared / min(size), is at least
``NEAR_DUPLICATE_CONTAINMENT`` and at least ``NEAR_DUPLICATE_MIN_SHARED`` shingles are shared.
Containment rather than Jaccard because outlets cut the tail of wire copy or wrap it in their
own intro and credit line, which leaves the shared text a small part of the union but nearly
all of the shorter body; the minimum keeps two formulaic briefs from matching. The earliest
such article (publication time, then article id) is the original, so a copy of a copy points
at the first publication; a duplicate always joins its original's story.

Order matters, as in any incremental clustering: fed in publication order (nightly runs, any
batch size) the fixture corpus clusters exactly as in one batch; a backfill of *older*
articles after newer ones can see a one-article story judged on a single pair and merge two
close events (F1 0.81-0.91 in shuffled-batch trials on the fixture). Backfill oldest first.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations

from scipy.sparse import csr_matrix

# Tuned on tests/fixtures/stories/corpus.json (benchmarks/stories.py --sweep prints it):
# pairwise precision and recall are both 1.0 for thresholds 0.18-0.24 on that corpus, run as
# one batch and as nightly batches; the default sits in the middle of that plateau.
DEFAULT_THRESHOLD = 0.21
DEFAULT_WINDOW_HOURS = 72

# How much full entity overlap multiplies the text cosine. Measured on the same corpus (one
# batch and nightly batches, P and R >= 0.9): boost 0 (text only) holds for thresholds
# 0.145-0.215, 0.5 for 0.18-0.24, 1.0 for 0.21-0.265, so entities buy nothing measurable
# there; additive blends (w * cosine + (1 - w) * overlap) never reached P,R >= 0.9 for
# w <= 0.7 because the same-minister / same-governor pairs score high on entities alone.
# A moderate boost is kept because entity keys are resolved across name variants and
# transliterations that word tokens cannot match, which the corpus (consistent spellings)
# does not exercise. Revisit with a corpus that does.
ENTITY_BOOST = 0.5
TITLE_REPEAT = 2
# Background articles assumed by the IDF (see `_idf`). 0 gave a 0.155-0.17 plateau for nightly
# batches on the fixture corpus; 30-200 all give about 0.18-0.25.
IDF_PRIOR_DOCS = 50
LINK_TOP_K = 3

# Why an article is in its story (core.story_articles.join_reason).
JOIN_FOUNDED = "founded"
JOIN_SIMILAR = "similar"
JOIN_NEAR_DUPLICATE = "near_duplicate"

# Near-duplicate rule, chosen on the "tune" half of tests/fixtures/stories/syndication.json
# (benchmarks/stories.py prints both halves). Word 5-grams: one edited word breaks at most five
# shingles, while an independent sentence almost never shares five running words with another.
SHINGLE_SIZE = 5
# On the tune half every gold copy has containment >= 0.81 against its original (verbatim,
# intro + credit line and truncated copies 0.95-1.0; the light-edit copy with digits, US
# spelling, a dropped sentence and a photo credit 0.81), while cross-outlet pairs that are not
# copies stay <= 0.26 (an independent report quoting the same 48-word statement; a shared
# two-sentence background paragraph 0.15). With the minimum below, P = R = 1 on the tune half
# for containment 0.3-0.8 (`benchmarks/stories.py --sweep`); 0.5 ("most of the shorter text is
# shared", the majority rule extract.py uses for repeated blocks) sits in the middle; the
# held-out half gives P = R = 1 too. The old rule, Jaccard >= 0.8, missed every truncated copy
# (Jaccard 0.50-0.63) and the light edits (0.66-0.67): R 0.50 on the tune half, 0.38 held out.
NEAR_DUPLICATE_CONTAINMENT = 0.5
# Shared shingles needed at all: two weather or results briefs of ~30 words written from the same
# bulletin share 19 (tune) and 21 (held-out: a minimum of 20 flags it) shingles at containment
# 0.66-0.81 and are not syndication evidence. 40 shared 5-grams means at least 44 running words
# in common, more than such a brief has; the smallest true copy on the tune half shares 153.
NEAR_DUPLICATE_MIN_SHARED = 40

# Label weights for entity keys "LABEL:name". Both spaCy labels (PERSON) and the short
# forms used by entity keys (PER) are accepted; unknown labels weigh DEFAULT_ENTITY_WEIGHT.
ENTITY_LABEL_WEIGHTS: dict[str, float] = {
    "PER": 3.0,
    "PERSON": 3.0,
    "EVENT": 3.0,
    "ORG": 2.0,
    "FAC": 2.0,
    "PRODUCT": 1.5,
    "LAW": 1.5,
    "WORK_OF_ART": 1.5,
    "LOC": 1.0,
    "GPE": 0.5,
    "NORP": 0.5,
}
DEFAULT_ENTITY_WEIGHT = 1.0

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})

# Function words plus the reporting vocabulary every news article uses ("said", "told",
# weekday names), which would otherwise make unrelated articles look alike.
_STOP_WORDS = frozenset(
    """
    a about above after again against all almost also although am among an and any are around as at
    be because been before being below between both but by can could did do does doing down during
    each either else ever every few for from further had has have having he her here hers herself him
    himself his how however i if in into is it its itself just least less like made make many may me
    might more most much must my myself near never no nor not now of off on once one only onto or
    other our ours ourselves out over own per quite rather same she should since so some still such
    than that the their theirs them themselves then there these they this those though through to too
    under until up upon us very was we were what when where whether which while who whom whose why
    will with within without would yet you your yours yourself
    said says say told tells according added asked adding saying reported report reports reporters
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow week weekend
    year years day days night morning afternoon evening new two three four five six
    """.split()
)


@dataclass(frozen=True)
class StoryDoc:
    article_id: int
    outlet_id: str
    published_at: datetime | None
    title: str
    body: str
    entity_keys: frozenset[str]  # cross-document entity keys mentioned (e.g. "PER:helena strand")
    story_id: int | None = None  # set for already-clustered articles


@dataclass(frozen=True)
class StoryAssignment:
    article_id: int
    story_key: str  # existing story id as str(int), or "new:<n>" for a story created in this call
    score: float  # link score to the story it joined (1.0 for a story's founder)
    shared_entities: tuple[str, ...]  # entity keys shared with the story's linked members
    is_near_duplicate: bool  # near-identical text to an earlier article of another outlet
    duplicate_of: int | None  # article_id it duplicates (the earliest such article)
    join_reason: str = JOIN_SIMILAR  # JOIN_FOUNDED, JOIN_SIMILAR or JOIN_NEAR_DUPLICATE
    linked_article_ids: tuple[int, ...] = ()  # the members it was matched against, best first


# --------------------------------------------------------------------------- text features


def tokenize_words(text: str) -> list[str]:
    """Lower-cased words in order, apostrophes kept inside words ("strand's" stays one word)."""
    return _WORD_RE.findall(text.lower())


def _fold(word: str) -> str:
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    # Fold the regular plural so "floods"/"flood" and "strikes"/"strike" meet; short words and
    # -ss/-us/-is endings ("press", "bus", "crisis") are left alone.
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def content_terms(title: str, body: str) -> Counter[str]:
    """Term counts used for TF-IDF: folded non-stop words, title words TITLE_REPEAT times."""
    counts: Counter[str] = Counter()
    for repeat, text in ((TITLE_REPEAT, title), (1, body)):
        for word in tokenize_words(text):
            if word in _STOP_WORDS or len(word) < 2 or word.isdigit():
                continue
            term = _fold(word)
            if term not in _STOP_WORDS:
                counts[term] += repeat
    return counts


def word_shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[tuple[str, ...]]:
    """Set of word `size`-grams over all words (stop words included: wire copy is verbatim).

    Typographic apostrophes are folded to ASCII first ("union’s" and "union's" are the same word
    in a copy whose CMS straightened or curled the quotes); other punctuation is not part of a
    word anyway. A text shorter than `size` words is one shingle.
    """
    words = tokenize_words(text.translate(_APOSTROPHES))
    if not words:
        return frozenset()
    if len(words) < size:
        return frozenset({tuple(words)})
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Share of the smaller set found in the other: 1.0 when one text is a cut of the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def is_near_duplicate_pair(shared: int, size_a: int, size_b: int) -> bool:
    """The near-duplicate rule on shingle counts: `shared` of sets sized `size_a` and `size_b`."""
    smaller = min(size_a, size_b)
    return (
        smaller > 0 and shared >= NEAR_DUPLICATE_MIN_SHARED and shared / smaller >= NEAR_DUPLICATE_CONTAINMENT
    )


def entity_label(key: str) -> str:
    label, sep, _ = key.partition(":")
    return label.upper() if sep else ""


def _idf(df: int, n_docs: int) -> float:
    # Smoothed IDF with a prior of IDF_PRIOR_DOCS unrelated background articles. Without the
    # prior a small batch (a quiet night: three articles, all about one flood) gives the
    # event's own words, present in every document, the lowest weight of all.
    return math.log((1 + n_docs + IDF_PRIOR_DOCS) / (1 + df)) + 1.0


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    # Naive timestamps are taken as UTC, the project's convention for stored times.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --------------------------------------------------------------------------- pair scoring


class _PairScorer:
    """Precomputed features for every document handed to one `assign_stories` call."""

    def __init__(self, docs: Sequence[StoryDoc], window_hours: int) -> None:
        self.docs = docs
        self.window = timedelta(hours=window_hours)
        self.times = [_as_utc(d.published_at) for d in docs]
        n = len(docs)

        term_counts = [content_terms(d.title, d.body) for d in docs]
        df: Counter[str] = Counter()
        for counts in term_counts:
            df.update(counts.keys())
        # Unit-length TF-IDF rows of a sparse documents x terms matrix; one row times the
        # transposed matrix gives a document's cosines with every other document, in C.
        vocabulary: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for counts in term_counts:
            vec = {t: (1.0 + math.log(c)) * _idf(df[t], n) for t, c in counts.items()}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            for t, w in vec.items():
                indices.append(vocabulary.setdefault(t, len(vocabulary)))
                data.append(w / norm)
            indptr.append(len(indices))
        self._rows = csr_matrix((data, indices, indptr), shape=(n, max(1, len(vocabulary))), dtype=float)
        self._columns = self._rows.transpose().tocsr()

        entity_df: Counter[str] = Counter()
        for d in docs:
            entity_df.update(d.entity_keys)
        self.entity_weight = {
            key: ENTITY_LABEL_WEIGHTS.get(entity_label(key), DEFAULT_ENTITY_WEIGHT) * _idf(count, n)
            for key, count in entity_df.items()
        }
        self._cosines: dict[int, dict[int, float]] = {}

    def in_window(self, i: int, j: int) -> bool:
        ti, tj = self.times[i], self.times[j]
        if ti is None or tj is None:
            return True
        return abs(ti - tj) <= self.window

    def cosines_from(self, i: int) -> dict[int, float]:
        """Text cosine of document i with every document sharing at least one term."""
        cached = self._cosines.get(i)
        if cached is None:
            row = self._rows[i] @ self._columns
            cached = self._cosines[i] = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        return cached

    def forget(self, i: int) -> None:
        """Drop document i's cached cosines (a row is as long as the corpus sharing a term)."""
        self._cosines.pop(i, None)

    def entity_overlap(self, i: int, j: int) -> float | None:
        a, b = self.docs[i].entity_keys, self.docs[j].entity_keys
        if not a or not b:
            return None
        union = sum(self.entity_weight[k] for k in a | b)
        shared = sum(self.entity_weight[k] for k in a & b)
        return shared / union if union else 0.0

    def similarity(self, i: int, j: int, *, ignore_window: bool = False) -> float:
        if not ignore_window and not self.in_window(i, j):
            return 0.0
        cosine = min(1.0, self.cosines_from(i).get(j, 0.0))
        overlap = self.entity_overlap(i, j)
        if overlap is None:
            return cosine
        return min(1.0, cosine * (1.0 + ENTITY_BOOST * overlap))


# --------------------------------------------------------------------------- assignment


def _order_key(doc: StoryDoc) -> tuple[int, datetime, int]:
    # Published order; undated articles go last, in article-id (ingestion) order.
    moment = _as_utc(doc.published_at)
    if moment is None:
        return (1, datetime.min.replace(tzinfo=UTC), doc.article_id)
    return (0, moment, doc.article_id)


def _validate(new_docs: Sequence[StoryDoc], existing_docs: Sequence[StoryDoc], window_hours: int) -> None:
    if window_hours <= 0:
        raise ValueError(f"window_hours must be positive, got {window_hours}")
    seen: set[int] = set()
    for doc in [*existing_docs, *new_docs]:
        if doc.article_id in seen:
            raise ValueError(f"article {doc.article_id} appears more than once")
        seen.add(doc.article_id)
    for doc in existing_docs:
        if doc.story_id is None:
            raise ValueError(f"existing article {doc.article_id} has no story_id")
    for doc in new_docs:
        if doc.story_id is not None:
            raise ValueError(f"new article {doc.article_id} already has story_id {doc.story_id}")


def _find_original(
    i: int,
    docs: Sequence[StoryDoc],
    shingles: Sequence[frozenset[tuple[str, ...]]],
    shingle_index: Mapping[tuple[str, ...], list[int]],
    order: Sequence[tuple[int, datetime, int]],
) -> int | None:
    """Earliest document of another outlet, earlier than i, sharing i's text (`is_near_duplicate_pair`).

    The earliest, not the closest: a copy of a copy still contains the first publication's text
    (the second outlet's additions aside), so it points at the first publication.
    """
    overlap: Counter[int] = Counter()
    for shingle in shingles[i]:
        for j in shingle_index[shingle]:
            if j != i:
                overlap[j] += 1
    best: int | None = None
    for j, shared in overlap.items():
        if docs[j].outlet_id == docs[i].outlet_id or order[j] >= order[i]:
            continue
        if is_near_duplicate_pair(shared, len(shingles[i]), len(shingles[j])) and (
            best is None or order[j] < order[best]
        ):
            best = j
    return best


def _candidate_stories(i: int, scorer: _PairScorer, story_of: Mapping[int, str], threshold: float) -> set[str]:
    """Stories with at least one member that could reach `threshold` on its own.

    similarity <= cosine * (1 + ENTITY_BOOST), and a story's link score (mean of its best
    links) is at most its best single similarity, so a story none of whose members has a
    cosine of at least threshold / (1 + ENTITY_BOOST) can never be chosen: skipping it
    changes no assignment. One day of the synthetic 1M-articles year (2,609 new articles
    against 10,196 clustered ones): 514 s before this pruning, 443 s with it, 143 s once the
    cosines came from a sparse matrix product instead of Python dictionaries.
    """
    floor = threshold / (1.0 + ENTITY_BOOST)
    return {story_of[j] for j, cosine in scorer.cosines_from(i).items()
            if cosine >= floor and j in story_of and scorer.in_window(i, j)}


def _story_sort_key(key: str) -> tuple[int, int]:
    kind, _, number = key.rpartition(":")
    return (1 if kind == "new" else 0, int(number))


def assign_stories(
    new_docs: Sequence[StoryDoc],
    existing_docs: Sequence[StoryDoc],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_hours: int = DEFAULT_WINDOW_HOURS,
) -> list[StoryAssignment]:
    """Assign each new article to an existing story, a story founded in this call, or a new one.

    `existing_docs` must all carry `story_id` (they are never reassigned); `new_docs` must not.
    New articles are placed in published order (undated ones last) and each sees the articles
    placed before it. Returns one assignment per new article, in the order of `new_docs`.
    Raises ValueError on duplicate article ids or a misplaced/missing story_id.
    """
    _validate(new_docs, existing_docs, window_hours)
    docs: list[StoryDoc] = [*existing_docs, *new_docs]
    n_existing = len(existing_docs)
    scorer = _PairScorer(docs, window_hours)
    order = [_order_key(d) for d in docs]

    shingles = [word_shingles(d.body) for d in docs]
    shingle_index: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, doc_shingles in enumerate(shingles):
        for shingle in doc_shingles:
            shingle_index[shingle].append(i)

    members: defaultdict[str, list[int]] = defaultdict(list)
    story_of: dict[int, str] = {}
    for i, doc in enumerate(existing_docs):
        key = str(doc.story_id)
        members[key].append(i)
        story_of[i] = key

    new_story_count = 0
    results: dict[int, StoryAssignment] = {}
    for i in sorted(range(n_existing, len(docs)), key=lambda k: order[k]):
        doc = docs[i]
        original = _find_original(i, docs, shingles, shingle_index, order)

        best_key: str | None = None
        best_score = 0.0
        best_linked: list[int] = []
        for key in sorted(_candidate_stories(i, scorer, story_of, threshold), key=_story_sort_key):
            scored = [(scorer.similarity(i, j), j) for j in members[key] if scorer.in_window(i, j)]
            if not scored:
                continue
            scored.sort(reverse=True)
            top = scored[:LINK_TOP_K]
            score = sum(s for s, _ in top) / len(top)
            if score > best_score:
                best_key, best_score, best_linked = key, score, [j for _, j in top]

        reason = JOIN_SIMILAR
        if original is not None and original in story_of:
            # Wire copy belongs with its original whatever the vocabulary statistics say.
            reason = JOIN_NEAR_DUPLICATE
            target = story_of[original]
            if target != best_key:
                best_key = target
                best_linked = [original]
                best_score = scorer.similarity(i, original, ignore_window=True)
            else:
                best_linked = [original, *(j for j in best_linked if j != original)][:LINK_TOP_K]
        elif best_key is not None and best_score < threshold:
            best_key = None

        if best_key is None:
            new_story_count += 1
            best_key = f"new:{new_story_count}"
            best_score = 1.0
            best_linked = []
            reason = JOIN_FOUNDED

        shared_keys: set[str] = set()
        for j in best_linked:
            shared_keys |= doc.entity_keys & docs[j].entity_keys
        shared = tuple(sorted(shared_keys, key=lambda k: (-scorer.entity_weight[k], k)))

        members[best_key].append(i)
        story_of[i] = best_key
        scorer.forget(i)  # i's row of cosines is not needed again (later documents compute their own)
        results[i] = StoryAssignment(
            article_id=doc.article_id,
            story_key=best_key,
            score=round(best_score, 6),
            shared_entities=shared,
            is_near_duplicate=original is not None,
            duplicate_of=docs[original].article_id if original is not None else None,
            join_reason=reason,
            linked_article_ids=tuple(docs[j].article_id for j in best_linked),
        )
    return [results[i] for i in range(n_existing, len(docs))]


# --------------------------------------------------------------------------- evaluation


def pairwise_scores(predicted: Mapping[int, str], gold: Mapping[int, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering against gold labels.

    Every unordered pair of articles is a decision "same story or not"; both mappings must
    cover the same article ids. With no gold (or predicted) pairs the respective score is 1.0.
    """
    if set(predicted) != set(gold):
        raise ValueError("predicted and gold must label the same articles")
    ids = sorted(gold)
    pred_pairs = {(a, b) for a, b in combinations(ids, 2) if predicted[a] == predicted[b]}
    gold_pairs = {(a, b) for a, b in combinations(ids, 2) if gold[a] == gold[b]}
    true_pairs = len(pred_pairs & gold_pairs)
    precision = true_pairs / len(pred_pairs) if pred_pairs else 1.0
    recall = true_pairs / len(gold_pairs) if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def clusters_of(assignments: Iterable[StoryAssignment]) -> dict[int, str]:
    """article_id -> story_key, for feeding `pairwise_scores`."""
    return {a.article_id: a.story_key for a in assignments}
