"""The console script's surface: subcommands exist and `extract` prints the record as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newswatch.cli import build_parser, main

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.mark.parametrize(
    "argv",
    [["db", "migrate"], ["db", "url"], ["db", "stop"], ["run"], ["demo"], ["summary"], ["extract", "x.html"],
     ["sources"]],
)
def test_subcommands_parse(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).func


def test_extract_file_prints_json(capsys: pytest.CaptureFixture) -> None:
    page = sorted(PAGES.glob("*.html"))[0]
    assert main(["extract", str(page), "--url", "https://news.example/2026/03/14/story.html"]) == 0
    record = json.loads(capsys.readouterr().out)
    for key in ("title", "authors", "published_at", "published_source", "body", "extractor_version", "method"):
        assert key in record
    assert record["body"]


def test_extract_url_refuses_private_addresses(capsys: pytest.CaptureFixture) -> None:
    # The ad-hoc outlet is not allowlisted, so the guard refuses loopback before connecting.
    assert main(["extract", "http://127.0.0.1:9/never"]) == 2
    assert json.loads(capsys.readouterr().out)["outcome"] == "blocked_address"


def test_sources_validates_the_starter_file(capsys: pytest.CaptureFixture) -> None:
    assert main(["sources"]) == 0
    assert "valid" in capsys.readouterr().out


def test_sources_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("outlets:\n  - id: Bad Id\n    name: x\n")
    assert main(["sources", str(bad)]) == 2
    assert "Bad Id" in capsys.readouterr().err
