"""newswatch.urls: one article, many spellings, one canonical key."""

from __future__ import annotations

import hashlib

import pytest
from newswatch.urls import canonicalize_url, host_key, url_hash

CASES = [
    # (input, base, canonical)
    (
        "HTTPS://WWW.Harbour-Herald.EXAMPLE/World/Story",
        None,
        "https://www.harbour-herald.example/World/Story",
    ),
    ("http://harbour-herald.example:80/a", None, "http://harbour-herald.example/a"),
    ("https://harbour-herald.example:443/a", None, "https://harbour-herald.example/a"),
    ("https://harbour-herald.example:8443/a", None, "https://harbour-herald.example:8443/a"),
    ("https://harbour-herald.example/a#comments", None, "https://harbour-herald.example/a"),
    ("https://harbour-herald.example", None, "https://harbour-herald.example/"),
    ("https://harbour-herald.example/", None, "https://harbour-herald.example/"),
    ("https://harbour-herald.example/world/", None, "https://harbour-herald.example/world"),
    (
        "https://harbour-herald.example//world///2024//story",
        None,
        "https://harbour-herald.example/world/2024/story",
    ),
    ("https://harbour-herald.example/a/./b/../c", None, "https://harbour-herald.example/a/c"),
    (
        "https://harbour-herald.example/a?utm_source=twitter&utm_medium=social&utm_campaign=x&id=7",
        None,
        "https://harbour-herald.example/a?id=7",
    ),
    (
        "https://harbour-herald.example/a?fbclid=IwAR0&gclid=abc&msclkid=1&dclid=2&mc_cid=3&mc_eid=4",
        None,
        "https://harbour-herald.example/a",
    ),
    (
        "https://harbour-herald.example/a?ref=homepage&ref_src=twsrc&CMP=share_btn_tw",
        None,
        "https://harbour-herald.example/a",
    ),
    ("https://bbc.example/news/1?at_medium=RSS&at_campaign=KARANGA", None, "https://bbc.example/news/1"),
    (
        "https://harbour-herald.example/a?_ga=2.1&igshid=xyz&cmpid=e&ito=1",
        None,
        "https://harbour-herald.example/a",
    ),
    (
        "https://harbour-herald.example/search?q=ferry&page=2&lang=en",
        None,
        "https://harbour-herald.example/search?lang=en&page=2&q=ferry",
    ),
    ("https://harbour-herald.example/a?b=2&a=1&a=0", None, "https://harbour-herald.example/a?a=0&a=1&b=2"),
    ("https://harbour-herald.example/a?print", None, "https://harbour-herald.example/a?print"),
    # AMP variants
    ("https://harbour-herald.example/amp/world/story", None, "https://harbour-herald.example/world/story"),
    ("https://harbour-herald.example/world/story/amp", None, "https://harbour-herald.example/world/story"),
    ("https://harbour-herald.example/world/story/amp/", None, "https://harbour-herald.example/world/story"),
    ("https://harbour-herald.example/world/story.amp", None, "https://harbour-herald.example/world/story"),
    (
        "https://harbour-herald.example/world/story.amp.html",
        None,
        "https://harbour-herald.example/world/story.html",
    ),
    ("https://harbour-herald.example/world/story?amp=1", None, "https://harbour-herald.example/world/story"),
    ("https://harbour-herald.example/world/story?amp", None, "https://harbour-herald.example/world/story"),
    (
        "https://harbour-herald.example/world/story?outputType=amp",
        None,
        "https://harbour-herald.example/world/story",
    ),
    ("https://amp.harbour-herald.example/world/story", None, "https://harbour-herald.example/world/story"),
    (
        "https://harbour-herald.example/world/amplifier",
        None,
        "https://harbour-herald.example/world/amplifier",
    ),
    # relative resolution
    (
        "../sport/match",
        "https://harbour-herald.example/world/story",
        "https://harbour-herald.example/sport/match",
    ),
    (
        "/world/x?utm_source=rss",
        "https://harbour-herald.example/feed.xml",
        "https://harbour-herald.example/world/x",
    ),
    (
        "//cdn.harbour-herald.example/a",
        "https://harbour-herald.example/",
        "https://cdn.harbour-herald.example/a",
    ),
    # international hosts and encoding normalisation
    ("https://bücher.example/straße", None, "https://xn--bcher-kva.example/stra%C3%9Fe"),
    ("https://harbour-herald.example/a%7eb/%e2%82%ac", None, "https://harbour-herald.example/a~b/%E2%82%AC"),
    ("https://harbour-herald.example/a b", None, "https://harbour-herald.example/a%20b"),
    ("https://harbour-herald.example./a", None, "https://harbour-herald.example/a"),
    ("https://user:secret@harbour-herald.example/a", None, "https://harbour-herald.example/a"),
    ("http://[2001:DB8::1]:8080/x", None, "http://[2001:db8::1]:8080/x"),
]


@pytest.mark.parametrize(("url", "base", "expected"), CASES)
def test_canonicalize_url(url: str, base: str | None, expected: str) -> None:
    assert canonicalize_url(url, base) == expected


@pytest.mark.parametrize(("url", "base", "expected"), CASES)
def test_canonicalisation_is_idempotent(url: str, base: str | None, expected: str) -> None:
    assert canonicalize_url(expected) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "ftp://harbour-herald.example/file",
        "mailto:desk@harbour-herald.example",
        "javascript:alert(1)",
        "/relative/without/base",
        "https://",
        "https://harbour-herald.example:99999/",
        "https://harbour-herald.example:80a/",
        "https://bad_host name.example/",
        "http://[::1/",
    ],
)
def test_invalid_urls_raise_value_error(url: str) -> None:
    with pytest.raises(ValueError):
        canonicalize_url(url)


def test_url_hash_is_sha256_of_the_canonical_form() -> None:
    a = url_hash("https://WWW.harbour-herald.example/world/story/?utm_source=rss#top")
    b = url_hash("https://www.harbour-herald.example/world/story")
    assert a == b == hashlib.sha256(b"https://www.harbour-herald.example/world/story").hexdigest()
    assert len(a) == 64


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.BBC.co.uk/news", "bbc.co.uk"),
        ("https://feeds.bbci.co.uk/news/rss.xml", "feeds.bbci.co.uk"),
        ("https://amp.harbour-herald.example/x", "harbour-herald.example"),
        ("http://127.0.0.1:8080/x", "127.0.0.1"),
        ("https://www.bücher.example/", "xn--bcher-kva.example"),
    ],
)
def test_host_key(url: str, expected: str) -> None:
    assert host_key(url) == expected
