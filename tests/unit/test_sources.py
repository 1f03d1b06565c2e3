"""newswatch.sources: the sources file is validated as a whole, with useful messages."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from newswatch.errors import PermanentError, SourcesError
from newswatch.models import ExtractionHints, Feed
from newswatch.sources import load_sources, parse_sources
from newswatch.urls import host_key

REPO = Path(__file__).resolve().parents[2]

FULL = """
outlets:
  - id: harbour-herald
    name: The Harbour Herald
    homepage: https://harbour-herald.example/
    country: GB
    language: en
    allow_private_network: false
    politeness: {min_delay_s: 2.5, max_concurrency: 1}
    robots: {obey: false, reason: "Licensed reuse agreement, 2024-03-01"}
    feeds:
      - url: https://harbour-herald.example/rss.xml
        kind: rss
      - url: https://harbour-herald.example/news-sitemap.xml
        kind: news_sitemap
    extraction:
      body_selector: "div.story-body"
      byline_selector: ".byline"
      date_selector: "time.published"
      drop_phrases: ["Sign up for our morning briefing"]
  - id: fjord-post
    name: Fjord Post
    homepage: https://fjord-post.example/en/
    feeds:
      - url: https://fjord-post.example/en/atom.xml
"""


def errors_for(text: str) -> list[str]:
    with pytest.raises(SourcesError) as caught:
        parse_sources(textwrap.dedent(text), origin="test.yaml")
    return caught.value.messages


def one_outlet(body: str) -> str:
    """A valid single-outlet document with ``body`` appended to the outlet's keys."""
    base = """
    outlets:
      - id: harbour-herald
        name: The Harbour Herald
        homepage: https://harbour-herald.example/
        feeds:
          - url: https://harbour-herald.example/rss.xml
    """
    return textwrap.dedent(base) + textwrap.indent(textwrap.dedent(body), "    ")


def test_full_example_maps_to_dataclasses() -> None:
    herald, fjord = parse_sources(FULL)
    assert herald.id == "harbour-herald"
    assert herald.name == "The Harbour Herald"
    assert herald.country == "GB" and herald.language == "en"
    assert herald.min_delay_s == 2.5 and herald.max_concurrency == 1
    assert herald.allow_private_network is False
    assert herald.robots_override_reason == "Licensed reuse agreement, 2024-03-01"
    assert herald.feeds == (
        Feed("https://harbour-herald.example/rss.xml", "rss"),
        Feed("https://harbour-herald.example/news-sitemap.xml", "news_sitemap"),
    )
    assert herald.hints == ExtractionHints(
        body_selector="div.story-body",
        byline_selector=".byline",
        date_selector="time.published",
        drop_phrases=("Sign up for our morning briefing",),
    )
    assert fjord.feeds == (Feed("https://fjord-post.example/en/atom.xml", "auto"),)
    assert fjord.min_delay_s is None and fjord.max_concurrency is None
    assert fjord.robots_override_reason is None and fjord.hints is None
    assert fjord.country is None


def test_starter_sources_file_is_valid_and_diverse() -> None:
    outlets = load_sources(REPO / "sources" / "outlets.yaml")
    assert 18 <= len(outlets) <= 30
    assert len({o.country for o in outlets}) >= 12
    assert all(o.language == "en" for o in outlets)
    assert all(o.feeds for o in outlets)
    assert not any(o.allow_private_network for o in outlets)
    assert not any(o.robots_override_reason for o in outlets)  # robots obeyed everywhere
    assert len({host_key(o.homepage) for o in outlets}) == len(outlets)
    ids = {o.id for o in outlets}
    for expected in ("bbc-news", "deutsche-welle", "al-jazeera", "tass", "the-guardian", "meduza"):
        assert expected in ids


def test_sources_readme_documents_the_format() -> None:
    readme = (REPO / "sources" / "README.md").read_text()
    for key in ("allow_private_network", "politeness", "robots", "drop_phrases", "news_sitemap"):
        assert key in readme


# --- each kind of error ----------------------------------------------------------------------


def test_unknown_keys_at_every_level() -> None:
    messages = errors_for(
        """
        outlet_list: []
        outlets:
          - id: harbour-herald
            name: The Harbour Herald
            homepage: https://harbour-herald.example/
            feed: https://harbour-herald.example/rss.xml
            politeness: {min_delay: 1}
            robots: {obey: true, why: "x"}
            feeds:
              - {url: https://harbour-herald.example/rss.xml, type: rss}
            extraction: {body: "div"}
        """
    )
    joined = "\n".join(messages)
    assert "top level: unknown key 'outlet_list'" in joined
    assert "outlet 'harbour-herald' (line 4): unknown key 'feed'; did you mean 'feeds'?" in joined
    assert "politeness: unknown key 'min_delay'; did you mean 'min_delay_s'?" in joined
    assert "robots: unknown key 'why'" in joined
    assert "feeds[0]: unknown key 'type'" in joined
    assert "extraction: unknown key 'body'" in joined
    assert all(m.startswith("test.yaml: ") for m in messages)


@pytest.mark.parametrize("missing", ["id", "name", "homepage", "feeds"])
def test_required_keys(missing: str) -> None:
    keys = {
        "id": "id: harbour-herald",
        "name": "name: The Harbour Herald",
        "homepage": "homepage: https://harbour-herald.example/",
        "feeds": "feeds: [{url: 'https://harbour-herald.example/rss.xml'}]",
    }
    kept = [line for key, line in keys.items() if key != missing]
    text = "outlets:\n  - " + "\n    ".join(kept)
    messages = errors_for(text)
    assert any(f"{missing}: required" in m for m in messages), messages


@pytest.mark.parametrize(
    ("homepage", "fragment"),
    [
        ("ftp://harbour-herald.example/", "not an absolute http(s) URL"),
        ("/relative/path", "not an absolute http(s) URL"),
        ("harbour-herald.example", "not an absolute http(s) URL"),
        ("https://harbour-herald.example:99999/", "bad port"),
        ("42", "not an absolute http(s) URL"),
    ],
)
def test_bad_homepage_urls(homepage: str, fragment: str) -> None:
    messages = errors_for(
        f"""
        outlets:
          - id: harbour-herald
            name: The Harbour Herald
            homepage: "{homepage}"
            feeds: [{{url: "https://harbour-herald.example/rss.xml"}}]
        """
    )
    assert any("homepage" in m and fragment in m for m in messages), messages


def test_bad_and_missing_feed_urls() -> None:
    messages = errors_for(
        one_outlet(
            """
              - url: "javascript:alert(1)"
              - kind: rss
              - url: 17
              - https://harbour-herald.example/plain-string.xml
            """
        ).replace("    feeds:\n      - url: https://harbour-herald.example/rss.xml\n", "    feeds:\n")
    )
    joined = "\n".join(messages)
    assert "feeds[0]: url: 'javascript:alert(1)' is not an absolute http(s) URL" in joined
    assert "feeds[1]: url: required" in joined
    assert "feeds[2]: url: expected a non-empty string, got int 17" in joined
    assert "feeds[3]: expected a mapping with url and kind" in joined


def test_duplicate_ids() -> None:
    messages = errors_for(
        """
        outlets:
          - id: harbour-herald
            name: The Harbour Herald
            homepage: https://harbour-herald.example/
            feeds: [{url: "https://harbour-herald.example/rss.xml"}]
          - id: harbour-herald
            name: Harbour Herald again
            homepage: https://harbour-herald.example/
            feeds: [{url: "https://harbour-herald.example/atom.xml"}]
        """
    )
    assert any("(line 7): id: duplicate of outlet 'harbour-herald' (line 3)" in m for m in messages), messages


def test_duplicate_feed_urls_compare_canonically_across_outlets() -> None:
    messages = errors_for(
        """
        outlets:
          - id: harbour-herald
            name: The Harbour Herald
            homepage: https://harbour-herald.example/
            feeds: [{url: "https://harbour-herald.example/rss.xml"}]
          - id: herald-copy
            name: Copy
            homepage: https://harbour-herald.example/
            feeds:
              - url: "HTTPS://harbour-herald.example/rss.xml?utm_source=x"
        """
    )
    assert any(
        "outlet 'herald-copy'" in m and "is already listed at outlet 'harbour-herald'" in m for m in messages
    ), messages


def test_bad_feed_kind() -> None:
    messages = errors_for(one_outlet("").replace("rss.xml", "rss.xml\n        kind: rss2"))
    assert any(
        "kind: 'rss2' is not one of rss, atom, jsonfeed, sitemap, news_sitemap, auto" in m for m in messages
    )


def test_robots_obey_false_requires_a_reason() -> None:
    messages = errors_for(one_outlet("robots: {obey: false}"))
    assert any("robots: obey is false, so a reason is required" in m for m in messages), messages


def test_robots_reason_without_obey_false_is_rejected() -> None:
    messages = errors_for(one_outlet("robots: {obey: true, reason: because}"))
    assert any("reason: only meaningful with obey: false" in m for m in messages), messages
    messages = errors_for(one_outlet("robots: {reason: because}"))
    assert any("obey: required" in m for m in messages), messages


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("politeness: {min_delay_s: fast}", "min_delay_s: expected a number, got str 'fast'"),
        ("politeness: {min_delay_s: -1}", "min_delay_s: -1 is outside 0..600"),
        ("politeness: {max_concurrency: 0}", "max_concurrency: 0 is outside 1..16"),
        ("politeness: {max_concurrency: 2.5}", "max_concurrency: expected an integer, got float 2.5"),
        ("politeness: {max_concurrency: true}", "max_concurrency: expected an integer, got boolean True"),
        ("politeness: 3", "politeness: expected a mapping, got int 3"),
        ("allow_private_network: yes please", "allow_private_network: expected true or false"),
        ("country: gb", "country: 'gb' is not two upper-case letters"),
        ("country: NO", "country: expected a non-empty string, got boolean False (YAML reads unquoted"),
        ("language: English", "language: 'English' is not a language tag"),
        ("extraction: {drop_phrases: Subscribe now}", "drop_phrases: expected a list of strings"),
        ("extraction: {drop_phrases: ['', 3]}", "drop_phrases[1]: expected a non-empty string, got int 3"),
        ("extraction: {body_selector: ''}", "body_selector: expected a non-empty string"),
        ("name: ['a', 'b']", "name: expected a non-empty string, got list"),
    ],
)
def test_wrong_types_and_values(body: str, fragment: str) -> None:
    text = one_outlet(body)
    if body.startswith("name:"):
        text = text.replace("    name: The Harbour Herald\n", "")
    messages = errors_for(text)
    assert any(fragment in m for m in messages), messages


def test_norway_quoted_is_fine() -> None:
    (outlet,) = parse_sources(one_outlet('country: "NO"'))
    assert outlet.country == "NO"


@pytest.mark.parametrize("ident", ["Harbour", "harbour_herald", "-herald", "herald-", "h" * 70, "42 news"])
def test_bad_ids(ident: str) -> None:
    messages = errors_for(one_outlet("").replace("id: harbour-herald", f"id: '{ident}'"))
    assert any("id:" in m and "must match [a-z0-9-]+" in m for m in messages), messages


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("outlets: [", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping with an 'outlets' list"),
        ("outlets: []", "expected a non-empty list of outlets"),
        ("", "expected a mapping with an 'outlets' list"),
        ("outlets:\n  - just a string\n", "outlet #1: expected a mapping"),
        ("outlets:\n  - id: a\n    id: b\n", "line 3: duplicate key 'id'"),
    ],
)
def test_document_level_problems(text: str, fragment: str) -> None:
    messages = errors_for(text)
    assert any(fragment in m for m in messages), messages


def test_every_problem_is_reported_at_once() -> None:
    messages = errors_for(
        """
        outlets:
          - id: Bad_Id
            name: ""
            homepage: ftp://x.example/
            feeds: [{url: "https://x.example/rss", kind: podcast}]
            robots: {obey: false}
          - name: Nameless
            homepage: https://y.example/
            feeds: []
        """
    )
    assert len(messages) >= 7, messages
    assert any(m.startswith("test.yaml: outlet #2 (line 8):") for m in messages), messages
    error = SourcesError(messages)
    assert isinstance(error, PermanentError)
    assert str(error).startswith(f"{len(messages)} problems in sources")


def test_load_sources_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")
    path = tmp_path / "outlets.yaml"
    path.write_text(FULL, encoding="utf-8")
    assert [o.id for o in load_sources(path)] == ["harbour-herald", "fjord-post"]


def test_load_sources_defaults_to_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(FULL, encoding="utf-8")
    monkeypatch.setenv("NEWSWATCH_SOURCES_FILE", str(path))
    assert len(load_sources()) == 2
