"""The `newswatch compare` HTML report in a real browser: headless Chromium opens the file offline
(host names unresolvable, proxy on a dead loopback port), the rendered DOM holds the charts and
tables, and the screenshot is a real picture with the matrix colours in it, not a blank page.

Skipped when Chromium is not installed, except under CI=true, where it fails: CI installs it
(.ci/run).
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from newswatch import db
from newswatch.compare import build_comparison, render_html
from newswatch.compare_html import COLOURS

from tests.integration.test_compare import SINCE, UNTIL, load_compare_dataset

pytestmark = pytest.mark.integration

WIDTH, HEIGHT = 1400, 3000

# Headless, offline, no first-run or background chatter: the page needs nothing from the network,
# and if it ever asked, no name would resolve and the only proxy is a closed loopback port.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability", "--no-pings",
    "--disable-breakpad", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9", f"--window-size={WIDTH},{HEIGHT}",
]


@pytest.fixture
def browser() -> str:
    """Chromium's path; requested before the dataset fixture so a skip costs nothing."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed, and CI=true: CI must install it "
                    "(.ci/run runs `apt-get install chromium`); the HTML report is only checked in a real browser")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium)")


def run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def decode_png(data: bytes) -> np.ndarray:
    """8-bit, non-interlaced PNG -> array (height, width, channels). Enough for Chromium's output."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert header is not None, "no IHDR chunk"
    width, height, depth, colour_type, _compression, _filter, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    assert depth == 8 and interlace == 0, header
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    pixels = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        offset = y * (stride + 1)
        kind = raw[offset]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=offset + 1)
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # Sub: a running sum along the row, per channel
            row = (np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint64) % 256).astype(np.uint8)
            row = row.reshape(stride)
        elif kind == 2:  # Up
            row = line + previous
        else:  # Average, Paeth: depend on the pixel just reconstructed, byte by byte
            row = np.frombuffer(_unfilter_sequential(kind, bytearray(line.tobytes()), previous.tobytes(), channels),
                                dtype=np.uint8)
        pixels[y] = row
        previous = row
    return pixels.reshape(height, width, channels)


def _unfilter_sequential(kind: int, cur: bytearray, up: bytes, bpp: int) -> bytes:
    for i in range(len(cur)):
        left = cur[i - bpp] if i >= bpp else 0
        above = up[i]
        if kind == 3:
            cur[i] = (cur[i] + ((left + above) >> 1)) & 0xFF
            continue
        upper_left = up[i - bpp] if i >= bpp else 0
        p = left + above - upper_left
        pa, pb, pc = abs(p - left), abs(p - above), abs(p - upper_left)
        cur[i] = (cur[i] + (left if pa <= pb and pa <= pc else above if pb <= pc else upper_left)) & 0xFF
    return bytes(cur)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


class _Dom(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.ids: set[str] = set()
        self.classes: Counter[str] = Counter()
        self.svg_texts: list[str] = []
        self._in_svg_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if found.get("class"):
            self.classes[str(found["class"])] += 1
        self._in_svg_text = tag == "text"

    def handle_endtag(self, tag: str) -> None:
        if tag == "text":
            self._in_svg_text = False

    def handle_data(self, data: str) -> None:
        if self._in_svg_text and data.strip():
            self.svg_texts.append(data.strip())


@pytest.fixture
def report(fresh_db: str, tmp_path: Path) -> Path:
    load_compare_dataset(fresh_db)
    with db.transaction(fresh_db) as conn:
        cmp = build_comparison(conn, since=SINCE, until=UNTIL)
    path = tmp_path / "compare.html"
    path.write_text(render_html(cmp), encoding="utf-8")
    return path


def test_rendered_dom_has_the_charts_and_tables(browser: str, report: Path, tmp_path: Path) -> None:
    dom = run_chromium(browser, tmp_path / "profile", "--dump-dom", report.as_uri()).stdout
    parsed = _Dom()
    parsed.feed(dom)
    assert {"summary", "coverage", "quoted", "lag", "shared-quotes", "names"} <= parsed.ids
    assert parsed.tags["svg"] == 5 and parsed.tags["table"] == 3
    assert parsed.classes["cell independent"] == 5 and parsed.classes["cell syndicated"] == 1
    assert parsed.classes["cell missing"] == 3 and parsed.classes["cell inactive"] == 3
    # Labels are drawn as SVG text: lags in the matrix, counts on the bars, the lag summaries.
    for label in ("first", "+2.5h", "+4.0h", "only", "Pavel Yermakov", "2 (40%)", "median 2.2 h · p75 2.4 h"):
        assert label in parsed.svg_texts, label
    # A shape that is not closed swallows its following siblings (nothing of them is drawn).
    assert re.search(r"<(rect|circle|line)\b[^>]*>\s*<(?!/)", dom) is None


def test_screenshot_is_a_real_picture(browser: str, report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "compare.png"
    run_chromium(browser, tmp_path / "profile", f"--screenshot={shot}", report.as_uri())
    image = decode_png(shot.read_bytes())
    assert image.shape[:2] == (HEIGHT, WIDTH)
    rgb = image[:, :, :3].reshape(-1, 3)
    colours = Counter(map(tuple, rgb[:: 7].tolist()))  # every 7th pixel is plenty
    background_share = colours.most_common(1)[0][1] / sum(colours.values())
    assert background_share < 0.9, "the page is (almost) one colour"
    assert len(colours) > 200, "too few colours for text, charts and tables"
    # The coverage matrix is painted: solid cells in the 'independent' and 'syndicated' colours.
    for state, least in (("independent", 5 * 60 * 20), ("syndicated", 60 * 20)):
        painted = int(np.all(rgb == _rgb(COLOURS[state]), axis=1).sum())
        assert painted >= least, (state, painted)
