"""Learning an outlet's repeated lines from its own articles."""

from __future__ import annotations

from newswatch.boilerplate import learn_boilerplate
from newswatch.clean import paragraph_hash

PROMO = "Sign up for the Evening Lantern newsletter to get the day's stories by 6pm."


TOPICS = ["cranes", "ferries", "tides", "lighthouses", "dockers", "tariffs", "storms", "gulls", "tugboats"]


def _article(n: int, *extra: str) -> list[str]:
    topic = TOPICS[n % len(TOPICS)] + " " * (n // len(TOPICS))
    return [f"A story about the {topic.strip()} of the fictional port of Quellhaven ({'x' * (n // 9)}).", *extra]


def test_line_repeated_across_articles_is_learned() -> None:
    articles = [_article(n, PROMO) for n in range(5)]
    assert paragraph_hash(PROMO) in learn_boilerplate(articles)


def test_years_and_numbers_do_not_hide_a_standing_line() -> None:
    articles = [_article(n, f"© 20{20 + n} Evening Lantern. All rights reserved.") for n in range(4)]
    assert paragraph_hash("© 2020 Evening Lantern. All rights reserved.") in learn_boilerplate(articles)


def test_line_in_too_few_articles_is_kept() -> None:
    articles = [_article(n, PROMO if n < 2 else "") for n in range(6)]
    assert paragraph_hash(PROMO) not in learn_boilerplate(articles)


def test_share_threshold_scales_with_history() -> None:
    # 3 of 100 articles: below 10 % of what was seen, so not boilerplate.
    articles = [_article(n, PROMO if n < 3 else "") for n in range(100)]
    assert paragraph_hash(PROMO) not in learn_boilerplate(articles)


def test_repeated_quotes_are_news_not_boilerplate() -> None:
    quote = "“We will not sell the harbour,” the mayor said."
    articles = [_article(n, quote) for n in range(6)]
    assert paragraph_hash(quote) not in learn_boilerplate(articles)


def test_long_repeated_paragraphs_are_not_standing_lines() -> None:
    long = "Background: " + "the port authority has run the harbour since the old treaty. " * 6
    articles = [_article(n, long) for n in range(6)]
    assert paragraph_hash(long) not in learn_boilerplate(articles)
