"""Tests for page decoding (`newswatch.extract.decode_html`) and mojibake repair (`repair_mojibake`).

The texts are short fictional news stories in ``tests/fixtures/encodings/*.txt`` (UTF-8; see the
README there). Each test wraps one in ordinary HTML markup and encodes it into the code page under
test, with or without (right or wrong) charset declarations.
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from newswatch.clean import repair_mojibake
from newswatch.extract import decode_html, extract_article

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "encodings"


def story(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8").strip()


def html(text: str, head: str = "") -> str:
    """A news page around `text` (headline line, then paragraphs), with the usual tag soup."""
    headline, *paragraphs = text.split("\n")
    body = "\n".join(f'    <p class="story-text">{p}</p>' for p in paragraphs)
    return f"""<!DOCTYPE html>
<html>
<head>
  {head}
  <title>{headline}</title>
  <link rel="stylesheet" href="/static/css/site.css?v=20260311">
  <style>.story-text {{ font-family: Georgia, serif; line-height: 1.6 }} .nav a {{ color: #333 }}</style>
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head>
<body class="article-page">
  <header class="site-header"><nav class="nav"><a href="/">Home</a> | <a href="/news/">News</a> |
    <a href="/sport/">Sport</a></nav></header>
  <article class="story">
    <h1 class="headline">{headline}</h1>
{body}
  </article>
  <footer class="site-footer"><a href="/about">About</a> <a href="/privacy">Privacy</a></footer>
</body>
</html>
"""


def short(text: str) -> str:
    """Headline and the first sentence only: ~100-300 bytes of visible text."""
    headline, first, *_ = text.split("\n")
    for stop in (". ", "。", "，"):
        if stop in first:
            first = first.split(stop)[0] + stop.strip()
            break
    return f"{headline}\n{first}"


def meta(label: str, http_equiv: bool = False) -> str:
    if http_equiv:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'
    return f'<meta charset="{label}">'


def assert_text(decoded: str, text: str) -> None:
    for line in text.split("\n"):
        assert line in decoded
    assert "\ufffd" not in decoded


def assert_codec(used: str, data: bytes, written_as: str) -> None:
    """`used` is a normalised Python codec name that reads `data` exactly as `written_as` does."""
    assert codecs.lookup(used).name == used
    assert data.decode(used) == data.decode(written_as)


# (fixture, codec the bytes are written with, codec decode_html reports for a correct declaration,
#  the label a web server would send)
CASES = [
    ("ru_council", "cp1251", "cp1251", "windows-1251"),
    ("ru_library", "cp1251", "cp1251", "windows-1251"),
    ("ru_library", "koi8-r", "koi8-r", "KOI8-R"),
    ("ja_festival", "shift_jis", "cp932", "Shift_JIS"),
    ("ja_library", "shift_jis", "cp932", "Shift_JIS"),
    ("ja_festival", "euc-jp", "euc_jp", "EUC-JP"),
    ("ja_library", "euc-jp", "euc_jp", "EUC-JP"),
    ("zh_water", "gb18030", "gb18030", "GB18030"),
    ("ko_harbour", "cp949", "cp949", "EUC-KR"),
    ("el_park", "cp1253", "cp1253", "windows-1253"),
    ("pl_budget", "cp1250", "cp1250", "windows-1250"),
    ("cs_square", "cp1250", "cp1250", "windows-1250"),
    ("fr_market", "cp1252", "cp1252", "windows-1252"),
    ("de_bridge", "cp1252", "cp1252", "windows-1252"),
    ("en_ferry", "cp1252", "cp1252", "windows-1252"),
]
CASE_IDS = [f"{name}-{written}" for name, written, _, _ in CASES]


# ------------------------------------------------------------------------------------------
# Detection: no declaration at all
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "written", "expected", "label"), CASES, ids=CASE_IDS)
def test_undeclared_page_is_detected(name: str, written: str, expected: str, label: str) -> None:
    text = story(name)
    data = html(text).encode(written)
    decoded, used = decode_html(data)
    assert_text(decoded, text)
    assert_codec(used, data, written)


@pytest.mark.parametrize(("name", "written", "expected", "label"), CASES, ids=CASE_IDS)
def test_undeclared_short_page_is_detected(name: str, written: str, expected: str, label: str) -> None:
    text = short(story(name))
    data = html(text).encode(written)
    decoded, used = decode_html(data)
    assert_text(decoded, text)
    assert_codec(used, data, written)


def _plain_quotes(text: str) -> str:
    return text.translate(
        str.maketrans({"„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})
    )


@pytest.mark.parametrize(
    ("name", "written", "content_type"),
    [
        ("pl_budget", "iso-8859-2", None),
        ("pl_budget", "iso-8859-2", "text/html; charset=windows-1250"),  # the usual mislabel
        ("cs_square", "iso-8859-2", "text/html; charset=windows-1250"),
        ("el_park", "iso-8859-7", None),
        ("ru_council", "iso-8859-5", None),
        ("ru_council", "cp866", None),
        ("ru_council", "mac_cyrillic", None),
    ],
)
def test_other_legacy_code_pages(name: str, written: str, content_type: str | None) -> None:
    text = _plain_quotes(story(name))  # these code pages lack typographic quotes
    data = html(text).encode(written)
    decoded, used = decode_html(data, content_type)
    assert_text(decoded, text)
    assert_codec(used, data, written)


def test_undeclared_short_western_page_reads_as_windows_1252() -> None:
    # charset_normalizer's first guess for this is cp1250 (or cp775): the tie goes to windows-1252
    data = html("Café “quoted” — naïve\nThe résumé, €5.").encode("cp1252")
    decoded, used = decode_html(data)
    assert used == "cp1252"
    assert "Café “quoted” — naïve" in decoded


def test_html_lang_prefers_windows_1250_on_a_tie() -> None:
    # á, í, š, ž, ú have the same bytes in windows-1250 and windows-1252: the page's language decides
    text = "Zástupci schválili návrh, žádné úpravy nebudou"
    data = b'<html lang="cs"><body><p>' + text.encode("cp1250") + b"</p></body></html>"
    decoded, used = decode_html(data)
    assert text in decoded
    assert used == "cp1250"


def test_non_ascii_only_inside_markup_is_still_judged() -> None:
    head = '<meta name="description" content="Городской совет">'
    data = f"<html><head>{head}</head><body><p>OK</p></body></html>".encode("cp1251")
    decoded, used = decode_html(data)
    assert "Городской совет" in decoded
    assert used == "cp1251"


# ------------------------------------------------------------------------------------------
# Declarations: HTTP header, <meta>, BOM
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "written", "expected", "label"), CASES, ids=CASE_IDS)
def test_correct_http_header(name: str, written: str, expected: str, label: str) -> None:
    text = story(name)
    data = html(text).encode(written)
    decoded, used = decode_html(data, f"text/html; charset={label}")
    assert used == expected
    assert_text(decoded, text)


@pytest.mark.parametrize(("name", "written", "expected", "label"), CASES, ids=CASE_IDS)
def test_correct_meta(name: str, written: str, expected: str, label: str) -> None:
    text = story(name)
    data = html(text, meta(label, http_equiv=name.startswith(("ja", "el", "cs")))).encode(written)
    decoded, used = decode_html(data, "text/html")
    assert used == expected
    assert_text(decoded, text)


WRONG_HEADERS = [
    ("ru_council", "cp1251", "ISO-8859-1"),
    ("ru_council", "cp1251", "KOI8-R"),
    ("ru_council", "cp1251", "UTF-8"),
    ("ru_library", "koi8-r", "windows-1251"),
    ("ru_library", "koi8-r", "ISO-8859-1"),
    ("ja_festival", "shift_jis", "ISO-8859-1"),
    ("ja_festival", "shift_jis", "EUC-JP"),
    ("ja_library", "euc-jp", "Shift_JIS"),
    ("ja_library", "euc-jp", "GB2312"),
    ("zh_water", "gb18030", "ISO-8859-1"),
    ("zh_water", "gb18030", "EUC-JP"),
    ("zh_water", "gb18030", "UTF-8"),
    ("el_park", "cp1253", "windows-1251"),
    ("el_park", "cp1253", "ISO-8859-1"),
    ("pl_budget", "cp1250", "ISO-8859-1"),
    ("cs_square", "cp1250", "windows-1252"),
    ("fr_market", "cp1252", "windows-1251"),
    ("fr_market", "cp1252", "UTF-8"),
    ("de_bridge", "cp1252", "windows-1253"),
    ("en_ferry", "cp1252", "Shift_JIS"),
]


@pytest.mark.parametrize(
    ("name", "written", "wrong"), WRONG_HEADERS, ids=[f"{n}-{w}" for n, _, w in WRONG_HEADERS]
)
@pytest.mark.parametrize("http_equiv", [False, True], ids=["meta-charset", "meta-http-equiv"])
def test_wrong_http_header_falls_through_to_correct_meta(
    name: str, written: str, wrong: str, http_equiv: bool
) -> None:
    _, _, expected, label = next(case for case in CASES if case[:2] == (name, written))
    text = story(name)
    data = html(text, meta(label, http_equiv)).encode(written)
    decoded, used = decode_html(data, f"text/html; charset={wrong}")
    assert used == expected
    assert_text(decoded, text)


@pytest.mark.parametrize(
    ("name", "written", "wrong"), WRONG_HEADERS, ids=[f"{n}-{w}" for n, _, w in WRONG_HEADERS]
)
def test_wrong_http_header_without_meta_falls_through_to_detection(
    name: str, written: str, wrong: str
) -> None:
    text = story(name)
    data = html(text).encode(written)
    decoded, used = decode_html(data, f"text/html; charset={wrong}")
    assert_text(decoded, text)
    assert_codec(used, data, written)


def test_http_header_beats_meta_when_both_read_cleanly() -> None:
    text = story("ru_library")
    data = html(text, meta("utf-8")).encode("koi8-r")
    decoded, used = decode_html(data, "text/html; charset=KOI8-R")
    assert used == "koi8-r"
    assert_text(decoded, text)


@pytest.mark.parametrize(("name", "written", "expected", "label"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("where", ["meta", "header", "both"])
def test_utf8_declared_but_legacy_bytes(
    name: str, written: str, expected: str, label: str, where: str
) -> None:
    text = story(name)
    data = html(text, meta("utf-8") if where in ("meta", "both") else "").encode(written)
    decoded, used = decode_html(data, "text/html; charset=utf-8" if where in ("header", "both") else None)
    assert_text(decoded, text)
    assert_codec(used, data, written)


@pytest.mark.parametrize(
    "name", ["ru_council", "ja_festival", "zh_water", "el_park", "pl_budget", "fr_market"]
)
@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("text/html; charset=ISO-8859-1", ""),
        ("text/html; charset=latin1", meta("iso-8859-1")),
        (None, meta("iso-8859-1", http_equiv=True)),
        ("text/html; charset=windows-1251", ""),
        ("text/html; charset=Shift_JIS", meta("Shift_JIS")),
    ],
    ids=["header-latin1", "header-and-meta-latin1", "meta-latin1", "header-cp1251", "sjis"],
)
def test_legacy_declared_but_utf8_bytes(name: str, content_type: str | None, head: str) -> None:
    text = story(name)
    decoded, used = decode_html(html(text, head).encode("utf-8"), content_type)
    assert used == "utf-8"
    assert_text(decoded, text)


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
    ids=["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
@pytest.mark.parametrize("name", ["ru_council", "ja_festival", "zh_water", "de_bridge"])
def test_bom_beats_http_header_and_meta(bom: bytes, codec: str, name: str) -> None:
    text = story(name)
    data = bom + html(text, meta("windows-1251")).encode(codec)
    decoded, used = decode_html(data, "text/html; charset=ISO-8859-1")
    assert used == codec
    assert_text(decoded, text)
    assert not decoded.startswith("\ufeff")


def test_utf16_without_bom_is_detected() -> None:
    text = story("ja_library")
    decoded, used = decode_html(html(text).encode("utf-16-le"))
    assert used == "utf-16-le"
    assert_text(decoded, text)


def test_utf16_meta_on_ascii_compatible_bytes_means_utf8() -> None:
    # WHATWG: a <meta> can only be read if the bytes are ASCII-compatible, so "utf-16" there is wrong
    text = story("el_park")
    decoded, used = decode_html(html(text, meta("utf-16")).encode("utf-8"))
    assert used == "utf-8"
    assert_text(decoded, text)


def test_iso2022jp_without_declaration() -> None:
    text = story("ja_festival")
    decoded, used = decode_html(html(text).encode("iso2022_jp"))
    assert used == "iso2022_jp"
    assert_text(decoded, text)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("l1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ("windows-1252", "cp1252"),
        ("windows-1251", "cp1251"),
        ("x-cp1251", "cp1251"),
        ("koi8-r", "koi8-r"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("windows-31j", "cp932"),
        ("EUC-JP", "euc_jp"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("euc-kr", "cp949"),
        ("big5", "big5hkscs"),
        ("ISO-8859-9", "cp1254"),
        ("ISO-8859-15", "iso8859-15"),
        ("'UTF8'", "utf-8"),
    ],
)
def test_declared_labels_are_normalised(label: str, expected: str) -> None:
    decoded, used = decode_html(
        b"<html><body><p>Plain ASCII page.</p></body></html>", f"text/html; charset={label}"
    )
    assert used == expected
    assert "Plain ASCII page." in decoded


def test_unknown_label_is_ignored() -> None:
    text = story("ru_council")
    data = html(text, meta("x-no-such-charset")).encode("cp1251")
    decoded, used = decode_html(data, "text/html; charset=klingon")
    assert used == "cp1251"
    assert_text(decoded, text)


def test_iso_8859_15_declaration_with_windows_1252_quotes_falls_through() -> None:
    # 0x93/0x94 are C1 controls in ISO-8859-15: the text is implausible, detection reads windows-1252
    data = html("Headline\n“Hello,” she said — it cost €5.").encode("cp1252")
    decoded, used = decode_html(data, "text/html; charset=ISO-8859-15")
    assert used == "cp1252"
    assert "“Hello,” she said — it cost €5." in decoded


@pytest.mark.parametrize("seed", range(40))
def test_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 2, 3, 17, 300, 5000])))
    if seed % 3 == 0:
        data = (
            b'<meta charset="'
            + rng.choice([b"utf-16", b"utf-8", b"shift_jis", b"\xff\xfe", b""])
            + b'">'
            + data
        )
    if seed % 5 == 0:
        data = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE]) + data[:-1]
    content_type = rng.choice(
        [None, "", "text/html", "text/html; charset=", "text/html; charset=utf-32", "charset=gb18030",
         "text/html; charset=iso-2022-jp", "text/html; charset=\x00"]
    )  # fmt: skip
    decoded, used = decode_html(data, content_type)
    assert isinstance(decoded, str)
    assert codecs.lookup(used)
    assert "\x00" not in decoded


def test_str_input_passes_through() -> None:
    assert decode_html("<p>Слово</p>") == ("<p>Слово</p>", "str")


@pytest.mark.parametrize(("name", "written"), [("ru_council", "cp1251"), ("ja_festival", "shift_jis"),
                                               ("pl_budget", "cp1250")])  # fmt: skip
def test_extract_article_on_undeclared_legacy_page(name: str, written: str) -> None:
    text = story(name)
    article = extract_article(html(text).encode(written), "https://news.example/a/1")
    headline, *paragraphs = text.split("\n")
    assert article.title == " ".join(headline.split())  # the title's ideographic space is normalised
    assert article.paragraphs == paragraphs


# ------------------------------------------------------------------------------------------
# Mojibake repair
# ------------------------------------------------------------------------------------------


def as_cp1252(text: str) -> str:
    """UTF-8 bytes read as windows-1252, undefined bytes kept as C1 controls (what browsers do)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


def as_codepage(text: str, codepage: str) -> str:
    return text.encode("utf-8").decode(codepage, errors="replace")


MOJIBAKE = [
    ("â€œWe will stay,â€\x9d she said.", "“We will stay,” she said."),
    ("â€œWe will stay,â€\ufffd she said.", "“We will stay,” she said."),  # 0x9D lost upstream
    ("Itâ€™s the ministerâ€™s call â€” not ours", "It’s the minister’s call — not ours"),
    ("CafÃ© in ZÃ¼rich costs â‚¬4", "Café in Zürich costs €4"),
    ("Ã\xa0 la carte, NÃ£o Ã© verdade", "à la carte, Não é verdade"),
    ("Â© 2026 Â· Â« Oui Â», dit-il", "© 2026 · « Oui », dit-il"),
    (as_cp1252("„Das geht“, sagte Schäfer."), "„Das geht“, sagte Schäfer."),
    (as_cp1252("“Good” and ‘fine’… — 50 °C"), "“Good” and ‘fine’… — 50 °C"),
    (as_cp1252("Городской совет утвердил план"), "Городской совет утвердил план"),
    (as_cp1252("Το δημοτικό συμβούλιο ενέκρινε"), "Το δημοτικό συμβούλιο ενέκρινε"),
    (as_cp1252("毎年恒例の「ひかり灯籠まつり」が開かれた。"), "毎年恒例の「ひかり灯籠まつり」が開かれた。"),
    (as_cp1252("青川县政府周三宣布，将完成改造工程。"), "青川县政府周三宣布，将完成改造工程。"),
    (as_cp1252("Radni przyjęli budżet, mówi Wójcik."), "Radni przyjęli budżet, mówi Wójcik."),
    (as_cp1252("Starostka Jana Dvořáková řekla"), "Starostka Jana Dvořáková řekla"),
    (as_cp1252("Nguyễn Văn An"), "Nguyễn Văn An"),
    (as_cp1252("Fans 👍 the plan"), "Fans 👍 the plan"),
    (as_cp1252(as_cp1252("It’s café")), "It’s café"),  # mis-decoded twice
    (as_cp1252(as_cp1252("Το δημοτικό")), "Το δημοτικό"),  # twice, Greek
    (as_codepage("Москва — столица, «да», сказал он.", "cp1251"), "Москва — столица, «да», сказал он."),
    (as_codepage("Zażółć gęślą jaźń", "cp1250"), "Zażółć gęślą jaźń"),
    ("“Good” text and â€œbadâ€\x9d text on one line", "“Good” text and “bad” text on one line"),
]


@pytest.mark.parametrize(("broken", "fixed"), MOJIBAKE, ids=[fixed[:24] for _, fixed in MOJIBAKE])
def test_repair_mojibake(broken: str, fixed: str) -> None:
    assert broken != fixed
    assert repair_mojibake(broken) == fixed


def test_decode_html_repairs_mojibake_in_a_utf8_page() -> None:
    text = story("fr_market")
    broken = "\n".join(as_cp1252(line) for line in text.split("\n"))
    decoded, used = decode_html(html(broken, meta("utf-8")).encode("utf-8"))
    assert used == "utf-8"
    assert_text(decoded, text)


QUOTE_CONVENTIONS = [
    "\"straight double\" and 'straight single'",
    "“English double” and ‘English single’",
    "„German double“ and ‚German single‘",
    "»German guillemets« and ›single‹",
    "« French guillemets » and ‹ single ›",
    "«Russian» and „inner“",
    "”Swedish double” and ’Swedish single’",
    "「Japanese」and『nested』",
    '“mismatched, the minister said."',
    "l’été, don’t, O’Donnell, rock ’n’ roll",
]
GOOD_TEXT = [
    *[pytest.param(story(p.stem), id=p.stem) for p in sorted(TEXTS.glob("*.txt"))],
    *[pytest.param(q, id=f"quotes-{i}") for i, q in enumerate(QUOTE_CONVENTIONS)],
    "voilà\u00a0» déjà vu",
    "A IRMÃ DO PREFEITO, SÃO PAULO, NÃO É",
    "Ångström, Ñandú, Ærøskøbing, Þórður, ß",
    "Łódź, İstanbul'da ılık, Nguyễn Văn An, Ștefan",
    "½ cup, 50 °C, N° 1, § 3, © 2026 ™ ®, 3×4÷2, µg",
    "¡Hola! ¿Qué tal?",
    "Київ, Ђорђе, Москва — «столица»",
    "東京（とうきょう）、ＡＢＣ１２３、ｱｲｳ",
    "ﬁnance ﬂow",
    "한국어 기사, עברית, العربية, ไทย, हिन्दी",
]


@pytest.mark.parametrize("good", GOOD_TEXT)
def test_repair_mojibake_leaves_correct_text_alone(good: str) -> None:
    assert repair_mojibake(good) == good


@pytest.mark.parametrize("good", GOOD_TEXT)
def test_decode_html_leaves_correct_utf8_text_alone(good: str) -> None:
    decoded, used = decode_html(html(f"Headline\n{good}").encode("utf-8"))
    assert used == "utf-8"
    assert_text(decoded, good)
