#!/usr/bin/env python3
"""Generator for the newswatch demo corpus: five fictional outlets, one fictional week of news.

Everything under ``site/`` plus ``expected.json``, ``routes.json`` and ``sources.yaml`` is produced
by this script from the article sources in ``src/*.txt`` and the tables below. The output is
deterministic and committed; after editing a source file, rebuild and commit both:

    .venv/bin/python plugins/newswatch/demo_corpus/build_corpus.py           # (re)write the output
    .venv/bin/python plugins/newswatch/demo_corpus/build_corpus.py --check   # verify it is current

All people, places, organisations and events are invented (the Republic of Valdoria, the Federation
of Korsenia, the week of 9-15 March 2026). No real article text is used.

Source format (``src/<outlet-id>.txt``)
---------------------------------------
Lines starting with ``#`` before the first article are comments. Each article starts with
``=== <slug>``, then ``key: value`` header lines, then ``---``, then the body, one paragraph per line.

Header keys: ``event`` (event id or ``-``), ``title``, ``subtitle``, ``authors`` (``;``-separated, the
ground truth), ``byline`` (visible byline text when it differs from the template's), ``editor``,
``jobtitle``, ``published`` / ``modified`` (ISO 8601 with offset), ``section``, ``tags`` (``;``),
``feed`` (``plain`` | ``utm``: tracking parameters on the feed link | ``redirect``: the feed links a
short URL that 301-redirects here), ``flags`` (``;``: ``graph`` JSON-LD @graph form, ``paywalled``,
``free-string``, ``typelist``, ``dc`` Dublin Core meta, ``time`` date in a <time> element,
``cp1252`` page served in windows-1252), and repeated annotations:

    quote[/mixed|/indirect]: <speaker as first named in the article> | <text the quote contains> [| <shared id>]
    anon[/mixed|/indirect]: <how the source is described> | <text the quote contains>

Body lines: ``## subhead``; ``• caption or credit line``; ``[fig] caption | credit``;
``[insert] text`` (editorial insertion that splits a sentence); ``[promo]``, ``[ad]``,
``[readmore]``, ``[paywall]`` (outlet boilerplate inside the body); anything else is a paragraph.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
BASE = "${base_url}"  # substituted by the demo server at serve time

WEEK = ("2026-03-09", "2026-03-15")


@dataclass(frozen=True)
class OutletSpec:
    id: str
    name: str
    country: str
    home: str  # homepage path
    feeds: tuple[tuple[str, str], ...]  # (path, kind)
    template: str
    note: str
    hints: dict | None = None


OUTLETS: tuple[OutletSpec, ...] = (
    OutletSpec(
        "harbour-herald", "The Harbour Herald", "VD", "/harbour-herald/",
        (("/harbour-herald/rss.xml", "rss"),),
        "jsonld",
        "Marenburg daily. JSON-LD NewsArticle (some pages in @graph form), rel=canonical, date in URL; RSS 2.0.",
        {"body_selector": "div.story-body", "drop_phrases": ["Sign up for our morning briefing"]},
    ),
    OutletSpec(
        "marenburg-courier", "Marenburg Courier", "VD", "/marenburg-courier/",
        (("/marenburg-courier/atom.xml", "atom"), ("/marenburg-courier/feeds/breaking.xml", "rss")),
        "opengraph",
        "Capital tabloid. Only OpenGraph/article:* meta and rel=canonical; byline at the bottom; Atom. "
        "Its second feed (breaking.xml) is malformed XML.",
    ),
    OutletSpec(
        "kharovsk-evening-post", "Kharovsk Evening Post", "VD", "/kharovsk-evening-post/",
        (("/kharovsk-evening-post/news-sitemap.xml", "news_sitemap"),),
        "plain",
        "Regional paper on an old CMS. No structured metadata at all: date and byline only as visible "
        "text; Google News sitemap.",
    ),
    OutletSpec(
        "northern-ledger", "The Northern Ledger", "VD", "/northern-ledger/",
        (("/northern-ledger/sitemap.xml", "sitemap"),),
        "microdata",
        "Lindvik business paper. schema.org microdata, Dublin Core meta on some pages, date in URL; "
        "sitemap index pointing to a child sitemap.",
    ),
    OutletSpec(
        "korsena-today", "Korsena Today", "KS", "/korsena-today/en/",
        (("/korsena-today/feed.json", "jsonfeed"),),
        "mixed",
        "English service of the Korsenian News Agency: machine-translated wire copy. og:title and "
        "meta author only, <time datetime>, date in URL; JSON Feed.",
    ),
)
OUTLET = {o.id: o for o in OUTLETS}

EVENTS: tuple[tuple[str, str, str], ...] = (
    ("grid-blackout", "Fire at the Kharovsk East substation blacks out Kharovsk and Orva province", "2026-03-09"),
    ("port-strike", "48-hour dockers' strike at the Port of Marenburg over the 'Smart Quay' automation plan", "2026-03-10"),
    ("korsenia-border-talks", "Valdoria and Korsenia sign the Orva river framework agreement in Velgrad", "2026-03-11"),
    ("hospital-cyberattack", "Ransomware attack on Marenburg General Hospital", "2026-03-11"),
    ("rate-decision", "Central Bank of Valdoria holds its main rate at 3.75%", "2026-03-12"),
    ("no-confidence-vote", "Helena Strand's government survives a no-confidence vote, 79-68", "2026-03-13"),
    ("lindvik-floods", "Storm Ilse: the Lind river floods Lindvik", "2026-03-14"),
    ("energy-reform-bill", "Grid Resilience Bill: up to 49% of the Northern Grid Authority to be sold", "2026-03-15"),
)
EVENT_IDS = {e[0] for e in EVENTS}

# People who appear in more than one outlet, with the spellings the outlets use.
PEOPLE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("helena-strand", "Helena Strand", "Prime Minister of Valdoria", ()),
    ("dmitri-yermolenko", "Dmitri Yermolenko", "Valdorian energy minister", ("Dmitry Ermolenko",)),
    ("grace-okonkwo", "Grace Okonkwo", "Valdorian foreign minister", ()),
    ("aleksandr-voloshyn", "Aleksandr Voloshyn", "leader of the opposition Civic Renewal party",
     ("Alexander Voloshin", "Oleksandr Voloshyn")),
    ("yuri-kovalenko", "Yuri Kovalenko", "Korsenian foreign minister", ("Iurii Kovalenko", "Yury Kovalenko")),
    ("ingrid-haller", "Ingrid Haller", "chief executive of the Northern Grid Authority", ()),
    ("oksana-melnyk", "Oksana Melnyk", "Mayor of Kharovsk", ()),
    ("marco-bellini", "Marco Bellini", "general secretary of the Harbour Workers' Union", ()),
    ("peter-eklund", "Peter Eklund", "director of the Port of Marenburg", ()),
    ("kasper-lund", "Kasper Lund", "Valdorian transport minister", ()),
    ("martin-vogt", "Martin Vogt", "governor of the Central Bank of Valdoria", ()),
    ("priya-natarajan", "Priya Natarajan", "chief economist at Saltmere Capital", ()),
    ("tomas-brenner", "Tomas Brenner", "political scientist at Marenburg University", ("Tomáš Brenner",)),
    ("maria-petrova", "Maria Petrova", "head of the National Emergency Service", ("Mariya Petrova",)),
    ("ravi-mehta", "Ravi Mehta", "forecaster at the Valdorian Meteorological Institute", ()),
    ("sofia-lindqvist", "Sofia Lindqvist", "Valdorian health minister", ()),
    ("kofi-mensah", "Kofi Mensah", "head of the police cybercrime unit", ()),
    ("henrik-aalto", "Henrik Aalto", "medical director of Marenburg General Hospital", ()),
    ("elena-marsh", "Elena Marsh", "director of Green Valdoria", ()),
    ("petra-novak", "Petra Novak", "chair of the Orva Valley Farmers' Association", ()),
    ("karin-moberg", "Karin Moberg", "Civic Renewal member of the Assembly", ()),
    ("irena-bartos", "Irena Bartos", "Kharovsk resident", ()),
    ("yasmin-haddad", "Yasmin Haddad", "Marenburg city councillor for transport", ()),
    ("oskar-feld", "Oskar Feld", "chief underwriter at Lindvik Mutual", ()),
    ("jonas-berglund", "Jonas Berglund", "strategist at Lindvik Savings Bank", ()),
    ("viktor-shevchuk", "Viktor Shevchuk", "Korsenian energy minister", ()),
)
PLACES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("kharovsk", "Kharovsk", ("Kharivsk",)),
    ("marenburg", "Marenburg", ()),
    ("lindvik", "Lindvik", ()),
    ("velgrad", "Velgrad", ()),
)

UTM = {
    "harbour-herald": "?utm_source=rss&utm_medium=feed",
    "marenburg-courier": "?utm_source=atom&utm_medium=feed&utm_campaign=courier-latest",
    "korsena-today": "?utm_source=jsonfeed&utm_medium=app",
}
REDIRECT_PREFIX = "/marenburg-courier/s/"
KT_DUPLICATE = "1048990-korsenian-rescuers-lindvik"  # listed twice in the JSON Feed (plain + tracking)

HOSTILE_500 = ("/harbour-herald/2026/03/11/port-strike-live-updates.html",
               "LIVE: Port strike day two – as it happened", "2026-03-11T08:00:00+01:00")
HOSTILE_404 = ("/harbour-herald/2026/03/10/kharovsk-mayor-statement.html",
               "Kharovsk mayor’s statement on power restoration", "2026-03-10T09:30:00+01:00")
PRIVATE_PAGE = "/northern-ledger/private/embargoed-budget-draft"
MALFORMED_FEED = "/marenburg-courier/feeds/breaking.xml"
LEGACY_HEADER_CHARSET = "iso-8859-1"  # what the server claims; the bytes are windows-1252

QUOTE_CHARS = set("\"'“”‘’«»„‚‹›")

PROMO = {
    "harbour-herald": "Sign up for our morning briefing – the day’s essential news from Marenburg and the bay, "
                      "in your inbox at 7am.",
}
PAYWALL_GATE = "Subscribe to The Harbour Herald to keep reading. Already a subscriber? Log in"
AD_TEXT = "Advertisement"


# --------------------------------------------------------------------------------------------
# Source parsing


@dataclass
class QuoteSpec:
    speaker: str
    text: str
    kind: str
    shared: str | None = None


@dataclass
class Block:
    kind: str  # p | h | bullet | fig | insert | promo | ad | readmore | paywall
    text: str = ""
    credit: str = ""


@dataclass
class Art:
    outlet: str
    slug: str
    event: str | None = None
    title: str = ""
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    byline: str | None = None
    editor: str | None = None
    jobtitle: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    tags: list[str] = field(default_factory=list)
    feed: str = "plain"
    flags: set[str] = field(default_factory=set)
    quotes: list[QuoteSpec] = field(default_factory=list)
    anon: list[QuoteSpec] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    path: str = ""

    @property
    def pub(self) -> datetime:
        assert self.published is not None
        return self.published


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def parse_source(outlet: str, text: str) -> list[Art]:
    arts: list[Art] = []
    cur: Art | None = None
    in_body = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line.startswith("=== "):
            cur = Art(outlet=outlet, slug=line[4:].strip())
            arts.append(cur)
            in_body = False
            continue
        if cur is None:
            if line and not line.startswith("#"):
                raise ValueError(f"{outlet}:{lineno}: text before the first article")
            continue
        if not in_body:
            if line == "---":
                in_body = True
                continue
            if not line:
                continue
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            base, _, kind = key.partition("/")
            if base in ("quote", "anon"):
                parts = [p.strip() for p in value.split("|")]
                spec = QuoteSpec(parts[0], parts[1], kind or "direct", parts[2] if len(parts) > 2 else None)
                (cur.quotes if base == "quote" else cur.anon).append(spec)
            elif key == "event":
                cur.event = None if value == "-" else value
            elif key in ("title", "subtitle", "byline", "editor", "jobtitle", "section", "feed"):
                setattr(cur, key, value)
            elif key == "authors":
                cur.authors = _split(value)
            elif key == "tags":
                cur.tags = _split(value)
            elif key == "flags":
                cur.flags = set(_split(value))
            elif key in ("published", "modified"):
                setattr(cur, key, datetime.fromisoformat(value))
            else:
                raise ValueError(f"{outlet}:{lineno}: unknown header {key!r}")
            continue
        if not line:
            continue
        if line.startswith("## "):
            cur.blocks.append(Block("h", line[3:].strip()))
        elif line.startswith("• "):
            cur.blocks.append(Block("bullet", line[2:].strip()))
        elif line.startswith("[fig] "):
            cap, _, credit = line[6:].partition("|")
            cur.blocks.append(Block("fig", cap.strip(), credit.strip()))
        elif line.startswith("[insert] "):
            cur.blocks.append(Block("insert", line[9:].strip()))
        elif line in ("[promo]", "[ad]", "[readmore]", "[paywall]"):
            cur.blocks.append(Block(line[1:-1]))
        else:
            cur.blocks.append(Block("p", line))
    return arts


def article_path(a: Art) -> str:
    d = a.pub
    if a.outlet == "harbour-herald":
        return f"/harbour-herald/{d:%Y/%m/%d}/{a.slug}.html"
    if a.outlet == "marenburg-courier":
        return f"/marenburg-courier/news/{a.section.lower()}/{a.slug}/"
    if a.outlet == "kharovsk-evening-post":
        return f"/kharovsk-evening-post/{a.section.lower()}/{a.slug}.html"
    if a.outlet == "northern-ledger":
        return f"/northern-ledger/articles/{d:%Y/%m/%d}/{a.slug}"
    if a.outlet == "korsena-today":
        return f"/korsena-today/en/{d:%Y/%m/%d}/{a.slug}.html"
    raise ValueError(a.outlet)


def file_for(path: str) -> str:
    """Site-relative file that serves a URL path (mirrors demo_server's lookup)."""
    rel = path.lstrip("/")
    if path.endswith("/"):
        return rel + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return rel + ".html"
    return rel


def load_articles() -> list[Art]:
    arts: list[Art] = []
    for outlet in OUTLETS:
        src = SRC / f"{outlet.id}.txt"
        parsed = parse_source(outlet.id, src.read_text(encoding="utf-8"))
        parsed.sort(key=lambda a: (a.pub, a.slug))
        arts.extend(parsed)
    for a in arts:
        a.path = article_path(a)
    return arts


# --------------------------------------------------------------------------------------------
# Helpers

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def attr(s: str) -> str:
    return html.escape(s, quote=True)


def slugify(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def jsonld(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2).replace("</", "<\\/")


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def is_credit(text: str, prev_caption: bool) -> bool:
    return text.startswith(("Photo", "©")) or prev_caption


def classify_bullets(blocks: list[Block]) -> list[tuple[Block, str]]:
    """Label each bullet line as 'caption' or 'credit' (a credit follows its caption)."""
    out: list[tuple[Block, str]] = []
    prev_caption = False
    for b in blocks:
        if b.kind != "bullet":
            prev_caption = False
            out.append((b, ""))
            continue
        role = "credit" if is_credit(b.text, prev_caption) else "caption"
        prev_caption = role == "caption"
        out.append((b, role))
    return out


def other_articles(a: Art, arts: list[Art], n: int = 4) -> list[Art]:
    same = [x for x in arts if x.outlet == a.outlet and x.path != a.path]
    same.sort(key=lambda x: (abs((x.pub - a.pub).total_seconds()), x.slug))
    return same[:n]


def readmore_target(a: Art, arts: list[Art]) -> Art:
    return other_articles(a, arts, 1)[0]


# --------------------------------------------------------------------------------------------
# Templates: one per outlet, deliberately different in structure and boilerplate


def body_harbour_herald(a: Art, arts: list[Art]) -> str:
    out: list[str] = []
    paywalled_open = False
    for b in a.blocks:
        if b.kind == "p":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "h":
            out.append(f"<h2 class=\"story-subhead\">{esc(b.text)}</h2>")
        elif b.kind == "bullet":
            out.append(f"<p class=\"caption-line\">• {esc(b.text)}</p>")
        elif b.kind == "fig":
            out.append(
                "<figure class=\"story-image\">"
                f"<img src=\"/static/placeholder.svg\" alt=\"{attr(b.text)}\" width=\"1200\" height=\"675\">"
                f"<figcaption><span class=\"caption\">{esc(b.text)}</span> "
                f"<span class=\"credit\">{esc(b.credit)}</span></figcaption></figure>"
            )
        elif b.kind == "promo":
            rest = PROMO[a.outlet].removeprefix("Sign up for our morning briefing")
            out.append(
                "<p class=\"promo-inline\"><a href=\"/harbour-herald/newsletters/\">"
                f"Sign up for our morning briefing</a>{esc(rest)}</p>"
            )
        elif b.kind == "paywall":
            out.append(f"<div class=\"paywall-gate\" data-nosnippet><p>{esc(PAYWALL_GATE)}</p></div>")
            out.append("<div class=\"paywalled-content\">")
            paywalled_open = True
        else:
            raise ValueError(f"{a.slug}: block {b.kind} not supported by this template")
    if paywalled_open:
        out.append("</div>")
    return "\n".join(out)


def page_harbour_herald(a: Art, arts: list[Art]) -> str:
    url = BASE + a.path
    persons = [
        {"@type": "Person", "name": n, "url": f"{BASE}/harbour-herald/staff/{slugify(n)}"} for n in a.authors
    ]
    free: object = "True" if "free-string" in a.flags else ("paywalled" not in a.flags)
    article: dict = {
        "@type": ["NewsArticle", "ReportageNewsArticle"] if "typelist" in a.flags else "NewsArticle",
        "headline": a.title,
        "description": a.subtitle,
        "datePublished": iso(a.published),
    }
    if a.modified:
        article["dateModified"] = iso(a.modified)
    article.update({
        "author": persons,
        "articleSection": a.section,
        "keywords": a.tags if len(a.tags) % 2 else ", ".join(a.tags),
        "isAccessibleForFree": free,
        "image": [f"{BASE}/static/placeholder.svg"],
        "inLanguage": "en-GB",
    })
    if "paywalled" in a.flags:
        article["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False,
                              "cssSelector": ".paywalled-content"}
    publisher = {"@type": "NewsMediaOrganization", "name": "The Harbour Herald",
                 "logo": {"@type": "ImageObject", "url": f"{BASE}/static/placeholder.svg"}}
    if "graph" in a.flags:
        for p in persons:
            p["@id"] = f"{BASE}/harbour-herald/#/schema/person/{slugify(p['name'])}"
        article.update({"@id": url + "#article", "isPartOf": {"@id": url},
                        "publisher": {"@id": f"{BASE}/harbour-herald/#organization"}})
        data: dict = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "@id": url, "url": url, "name": a.title,
             "breadcrumb": {"@id": url + "#breadcrumb"}},
            article,
            dict(publisher, **{"@id": f"{BASE}/harbour-herald/#organization", "url": f"{BASE}/harbour-herald/"}),
            {"@type": "BreadcrumbList", "@id": url + "#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{BASE}/harbour-herald/"},
                {"@type": "ListItem", "position": 2, "name": a.section}]},
        ]}
    else:
        data = {"@context": "https://schema.org", **article, "mainEntityOfPage": url, "publisher": publisher}
    d = a.pub
    shown = f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year} {d:%H.%M} CET"
    updated = ""
    if a.modified:
        m = a.modified
        updated = (f" <span class=\"updated\">Last modified on {DAYS[m.weekday()]} {m.day} "
                   f"{MONTHS[m.month - 1]} {m.year} {m:%H.%M} CET</span>")
    byline = " and ".join(
        f"<a rel=\"author\" href=\"/harbour-herald/staff/{slugify(n)}\">{esc(n)}</a>" for n in a.authors
    )
    related = "\n".join(
        f"<li><a href=\"{o.path}\">{esc(o.title)}</a></li>" for o in other_articles(a, arts)
    )
    tags = " ".join(f"<a href=\"/harbour-herald/topics/{slugify(t)}\">{esc(t)}</a>" for t in a.tags)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{esc(a.title)} | The Harbour Herald</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{attr(a.subtitle or '')}">
<link rel="canonical" href="{url}">
<link rel="alternate" type="application/rss+xml" title="The Harbour Herald" href="{BASE}/harbour-herald/rss.xml">
<script type="application/ld+json">
{jsonld(data)}
</script>
</head>
<body class="article-page section-{slugify(a.section)}">
<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>We use cookies to improve your experience and to show you relevant advertising. By continuing to browse you agree to our <a href="/harbour-herald/cookies">cookie policy</a>.</p>
<button type="button">Accept all</button> <button type="button">Manage preferences</button>
</div>
<header class="site-header">
<a class="logo" href="/harbour-herald/">The Harbour Herald</a>
<p class="masthead-tagline">Marenburg · Saltmere Bay · Since 1887</p>
<nav class="primary-nav"><ul>
<li><a href="/harbour-herald/nation/">Nation</a></li><li><a href="/harbour-herald/world/">World</a></li>
<li><a href="/harbour-herald/business/">Business</a></li><li><a href="/harbour-herald/sport/">Sport</a></li>
<li><a href="/harbour-herald/culture/">Culture</a></li><li><a href="/harbour-herald/subscribe">Subscribe</a></li>
</ul></nav>
</header>
<main id="main">
<article class="story">
<div class="story-kicker"><a href="/harbour-herald/{slugify(a.section)}/">{esc(a.section)}</a></div>
<h1 class="story-headline">{esc(a.title)}</h1>
<p class="standfirst">{esc(a.subtitle or '')}</p>
<div class="story-meta">
<span class="byline">By {byline}</span>
<time class="published" datetime="{iso(a.published)}">{shown}</time>{updated}
</div>
<ul class="share-tools">
<li><a class="share-facebook" href="#">Share on Facebook</a></li>
<li><a class="share-x" href="#">Share on X</a></li>
<li><a class="share-email" href="#">Share via Email</a></li>
<li><button type="button" class="copy-link">Copy link</button></li>
</ul>
<div class="story-body">
{body_harbour_herald(a, arts)}
</div>
<div class="story-tags">Topics: {tags}</div>
</article>
<aside class="related-links">
<h2>More from the Herald</h2>
<ul>
{related}
</ul>
</aside>
<aside class="most-read"><h2>Most read</h2><ol><li><a href="/harbour-herald/">Tide tables for the week ahead</a></li><li><a href="/harbour-herald/">Letters: the Kettle will be missed</a></li></ol></aside>
</main>
<footer class="site-footer">
<p>© 2026 Harbour Herald Media Ltd, 3 Old Quay, Marenburg. All rights reserved.</p>
<p><a href="/harbour-herald/about">About us</a> · <a href="/harbour-herald/contact">Contact</a> · <a href="/harbour-herald/privacy">Privacy</a> · <a href="/harbour-herald/cookies">Cookies</a></p>
</footer>
</body>
</html>
"""


def body_marenburg_courier(a: Art, arts: list[Art]) -> str:
    out: list[str] = []
    for b in a.blocks:
        if b.kind == "p":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "h":
            out.append(f"<h2>{esc(b.text)}</h2>")
        elif b.kind == "fig":
            out.append(
                f"<figure class=\"media\"><img src=\"/static/placeholder.svg\" alt=\"\" loading=\"lazy\">"
                f"<figcaption>{esc(b.text)} <small>{esc(b.credit)}</small></figcaption></figure>"
            )
        elif b.kind == "ad":
            out.append(f"<div class=\"ad-slot\" aria-hidden=\"true\"><span>{AD_TEXT}</span></div>")
        elif b.kind == "readmore":
            t = readmore_target(a, arts)
            out.append(f"<p class=\"read-more\"><strong>Read more:</strong> <a href=\"{t.path}\">{esc(t.title)}</a></p>")
        else:
            raise ValueError(f"{a.slug}: block {b.kind} not supported by this template")
    return "\n".join(out)


def _courier_date(d: datetime) -> str:
    return f"{d:%d.%m.%Y} – {d:%H:%M}"


def page_marenburg_courier(a: Art, arts: list[Art]) -> str:
    url = BASE + a.path
    meta = [
        '<meta property="og:site_name" content="Marenburg Courier">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{attr(a.title)}">',
        f'<meta property="og:description" content="{attr(a.subtitle or "")}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:image" content="{BASE}/static/placeholder.svg">',
        f'<meta property="article:published_time" content="{iso(a.published)}">',
    ]
    if a.modified:
        meta.append(f'<meta property="article:modified_time" content="{iso(a.modified)}">')
    meta += [f'<meta property="article:author" content="{attr(n)}">' for n in a.authors]
    meta.append(f'<meta property="article:section" content="{attr(a.section)}">')
    meta += [f'<meta property="article:tag" content="{attr(t)}">' for t in a.tags]
    meta.append('<meta name="twitter:card" content="summary_large_image">')
    dateline = f"<span class=\"pub\">Published {_courier_date(a.pub)}</span>"
    if a.modified:
        dateline += f" <span class=\"upd\">Updated {_courier_date(a.modified)}</span>"
    credits = f"Reporting by {join_names(a.authors)}"
    if a.editor:
        credits += f"; editing by {a.editor}"
    related = "\n".join(
        f"<li><a href=\"{o.path}\">{esc(o.title)}</a></li>" for o in other_articles(a, arts, 3)
    )
    meta_html = "\n".join(meta)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{esc(a.title)} – Marenburg Courier</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
{meta_html}
<link rel="canonical" href="{url}">
</head>
<body>
<div class="consent-overlay" id="gdpr-consent">
<div class="consent-box"><h2>Your privacy choices</h2>
<p>The Marenburg Courier and our 143 partners use cookies and similar technologies to store and access information on your device.</p>
<button type="button">Accept and continue</button> <button type="button">Reject all</button></div>
</div>
<div class="topbar"><a href="/marenburg-courier/subscribe">Subscribe</a> | <a href="/marenburg-courier/login">Log in</a> | <a href="/marenburg-courier/epaper">e-Paper</a></div>
<header class="masthead">
<div class="brand"><a href="/marenburg-courier/">Marenburg <span>Courier</span></a></div>
<nav class="menu"><a href="/marenburg-courier/news/nation/">Nation</a> <a href="/marenburg-courier/news/politics/">Politics</a> <a href="/marenburg-courier/news/business/">Business</a> <a href="/marenburg-courier/news/world/">World</a> <a href="/marenburg-courier/news/city/">City</a> <a href="/marenburg-courier/news/culture/">Culture</a></nav>
</header>
<div class="breaking-ticker"><strong>LATEST</strong> <a href="/marenburg-courier/">Traffic: Harbour Bridge closed northbound until 14:00</a></div>
<main id="content">
<div class="article-wrapper">
<div class="article__section">{esc(a.section)}</div>
<h1 class="headline__title">{esc(a.title)}</h1>
<div class="article__lede"><p>{esc(a.subtitle or '')}</p></div>
<div class="article__dateline">{dateline}</div>
<div class="social-share"><button data-share="facebook">Facebook</button><button data-share="x">X</button><button data-share="whatsapp">WhatsApp</button><button data-share="mail">E-mail</button></div>
<section class="article__content">
{body_marenburg_courier(a, arts)}
</section>
<footer class="article__footer"><p class="contributors">{esc(credits)}</p></footer>
</div>
<div class="related"><h3>Read more</h3><ul>
{related}
</ul></div>
<div class="newsletter-box"><h3>The Courier Briefing</h3><p>Get the day's top stories from Marenburg every weekday at 6am. <a href="/marenburg-courier/newsletter">Sign up free</a></p></div>
</main>
<footer class="site-footer"><p>Marenburg Courier · Kanalgade 12, Marenburg · © 2026 Courier Media Group</p><p><a href="/marenburg-courier/imprint">Imprint</a> <a href="/marenburg-courier/privacy">Privacy</a> <a href="/marenburg-courier/cookies">Cookie settings</a></p></footer>
</body>
</html>
"""


def body_kharovsk_evening_post(a: Art, arts: list[Art]) -> str:
    out: list[str] = []
    for b in a.blocks:
        if b.kind == "p":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "h":
            out.append(f"<h2>{esc(b.text)}</h2>")
        elif b.kind == "bullet":
            out.append(f"<p>• {esc(b.text)}</p>")
        else:
            raise ValueError(f"{a.slug}: block {b.kind} not supported by this template")
    return "\n".join(out)


def page_kharovsk_evening_post(a: Art, arts: list[Art]) -> str:
    d = a.pub.astimezone(UTC)
    when = f"{d.day} {MONTHS[d.month - 1]} {d.year}, {d:%H:%M} GMT"
    dateline = f"Published <time>{when}</time>" if "time" in a.flags else f"Published {when}"
    byline = esc(a.byline or "")
    if a.authors:
        for n in a.authors:
            for form in (n, n.upper()):
                byline = byline.replace(esc(form), f"<b>{esc(form)}</b>", 1)
        byline += " | <a href=\"mailto:newsdesk@kharovsk-post.example\">Email the author</a>"
    charset = "windows-1252" if "cp1252" in a.flags else "utf-8"
    also = " | ".join(f"<a href=\"{o.path}\">{esc(o.title)}</a>" for o in other_articles(a, arts, 3))
    tags = ", ".join(esc(t) for t in a.tags)
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>Kharovsk Evening Post - {esc(a.title)}</title>
<meta name="keywords" content="Kharovsk, news, Orva, local news, sport, weather, jobs">
</head>
<body bgcolor="#ffffff">
<div id="cookie-notice">This site uses cookies. By using it you accept this. <a href="#">OK</a></div>
<table id="layout" width="100%" cellpadding="0" cellspacing="0">
<tr><td id="masthead" colspan="2"><a href="/kharovsk-evening-post/"><img src="/static/placeholder.svg" alt="Kharovsk Evening Post" border="0"></a> <span class="tagline">Serving Kharovsk and the Orva valley since 1921</span></td></tr>
<tr>
<td id="leftcol" valign="top" width="180">
<ul class="sections"><li><a href="/kharovsk-evening-post/">Home</a></li><li><a href="/kharovsk-evening-post/news/">News</a></li><li><a href="/kharovsk-evening-post/politics/">Politics</a></li><li><a href="/kharovsk-evening-post/business/">Business</a></li><li><a href="/kharovsk-evening-post/life/">Life</a></li><li><a href="/kharovsk-evening-post/sport/">Sport</a></li><li><a href="/kharovsk-evening-post/notices/">Family notices</a></li></ul>
<div class="box weather"><b>Kharovsk weather</b><br>Cloudy, -4 / -9</div>
<div class="box"><b>Advertise with us</b><br>Call 0800 220 221</div>
</td>
<td id="maincol" valign="top">
<div class="article">
<h1 class="title">{esc(a.title)}</h1>
<p class="byline">{byline}</p>
<p class="dateline">{dateline}</p>
<div class="sharebar">Share: <a href="#">Facebook</a> | <a href="#">Twitter</a> | <a href="#">WhatsApp</a> | <a href="#">Print</a></div>
<div id="article-text">
{body_kharovsk_evening_post(a, arts)}
</div>
<p class="tags">Tags: {tags}</p>
<div class="comments"><b>Comments (0)</b><p>Log in to comment.</p></div>
</div>
<div class="also"><b>ALSO ON KEP:</b> {also}</div>
</td>
</tr>
</table>
<div id="footer">Kharovsk Evening Post, 14 Foundry Road, Kharovsk | <a href="/kharovsk-evening-post/contact.html">Contact</a> | <a href="/kharovsk-evening-post/advertise.html">Advertise</a> | <a href="/kharovsk-evening-post/terms.html">Terms</a></div>
</body>
</html>
"""


def body_northern_ledger(a: Art, arts: list[Art]) -> str:
    out: list[str] = []
    for b in a.blocks:
        if b.kind == "p":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "h":
            out.append(f"<h2 class=\"crosshead\">{esc(b.text)}</h2>")
        elif b.kind == "fig":
            out.append(
                "<figure class=\"ledger-figure\" itemprop=\"image\" itemscope itemtype=\"https://schema.org/ImageObject\">"
                "<img itemprop=\"url\" src=\"/static/placeholder.svg\" alt=\"\">"
                f"<figcaption><span itemprop=\"caption\">{esc(b.text)}</span> "
                f"<span class=\"credit\" itemprop=\"creditText\">{esc(b.credit)}</span></figcaption></figure>"
            )
        else:
            raise ValueError(f"{a.slug}: block {b.kind} not supported by this template")
    return "\n".join(out)


def page_northern_ledger(a: Art, arts: list[Art]) -> str:
    url = BASE + a.path
    dc = ""
    if "dc" in a.flags:
        lines = [f'<meta name="DC.title" content="{attr(a.title)}">']
        for n in a.authors:
            given, _, family = n.rpartition(" ")
            lines.append(f'<meta name="DC.creator" content="{attr(family)}, {attr(given)}">')
        lines += [
            f'<meta name="DC.date.issued" content="{a.pub:%Y-%m-%d}">',
            f'<meta name="DC.subject" content="{attr("; ".join(a.tags))}">',
            '<meta name="DC.publisher" content="The Northern Ledger">',
            '<meta name="DC.language" content="en">',
            '<meta name="DC.type" content="Text">',
        ]
        dc = "\n" + "\n".join(lines)
    modified = f'\n<meta itemprop="dateModified" content="{iso(a.modified)}">' if a.modified else ""
    authors = "\n".join(
        f"<div class=\"author\" itemprop=\"author\" itemscope itemtype=\"https://schema.org/Person\">"
        f"<a itemprop=\"url\" href=\"/northern-ledger/authors/{slugify(n)}\"><span itemprop=\"name\">{esc(n)}</span></a> "
        f"<span class=\"role\" itemprop=\"jobTitle\">{esc(a.jobtitle or 'Reporter')}</span></div>"
        for n in a.authors
    )
    d = a.pub
    more = "\n".join(f"<li><a href=\"{o.path}\">{esc(o.title)}</a></li>" for o in other_articles(a, arts, 4))
    return f"""<!DOCTYPE html>
<html lang="en" prefix="dc: http://purl.org/dc/terms/">
<head>
<meta charset="utf-8">
<title>{esc(a.title)} — The Northern Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{dc}
<link rel="canonical" href="{url}">
</head>
<body>
<div class="gdpr-bar">We and our partners process data to provide and improve our services. <a href="/northern-ledger/privacy">Learn more</a> <button>OK</button></div>
<div class="ledger-top"><span class="ticker">VDX 4,812.3 ▲0.4% · CROWN/EUR 0.0911 · BRENT 81.20 · 10Y VD 3.12%</span> <a href="/northern-ledger/subscribe">Subscribe</a></div>
<header class="hdr"><a class="logo" href="/northern-ledger/">The Northern Ledger</a>
<nav><a href="/northern-ledger/markets/">Markets</a> · <a href="/northern-ledger/companies/">Companies</a> · <a href="/northern-ledger/shipping/">Shipping</a> · <a href="/northern-ledger/politics/">Politics</a> · <a href="/northern-ledger/lindvik/">Lindvik</a> · <a href="/northern-ledger/opinion/">Opinion</a></nav>
</header>
<div class="container">
<article class="ledger-article" itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="datePublished" content="{iso(a.published)}">{modified}
<meta itemprop="inLanguage" content="en">
<ol class="breadcrumbs"><li><a href="/northern-ledger/">Home</a></li><li><a href="/northern-ledger/{slugify(a.section)}/">{esc(a.section)}</a></li></ol>
<h1 itemprop="headline">{esc(a.title)}</h1>
<h2 class="dek" itemprop="description">{esc(a.subtitle or '')}</h2>
<div class="dateline"><span class="pubdate">{d.day} {MONTHS[d.month - 1][:3]} {d.year} · {d:%H:%M}</span></div>
<div class="article-body" itemprop="articleBody">
{body_northern_ledger(a, arts)}
</div>
<aside class="author-box">
<p class="written-by">Written by</p>
{authors}
</aside>
<p class="keywords">Filed under: <span itemprop="keywords">{esc(", ".join(a.tags))}</span></p>
</article>
<aside class="more-from"><h3>More from the Ledger</h3><ul>
{more}
</ul></aside>
<aside class="ledger-newsletter"><h3>Morning Ledger</h3><p>Markets, money and the northern economy before the opening bell.</p><a href="/northern-ledger/newsletters">Sign up</a></aside>
</div>
<footer class="ftr">The Northern Ledger is published by Ledger Media AS, Harbour Row 2, Lindvik. © 2026 <a href="/northern-ledger/terms">Terms</a> · <a href="/northern-ledger/privacy">Privacy</a></footer>
</body>
</html>
"""


def body_korsena_today(a: Art, arts: list[Art]) -> str:
    out: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if bullets:
            out.append("<ul class=\"photo-credit\">" + "".join(f"<li>{esc(t)}</li>" for t in bullets) + "</ul>")
            bullets.clear()

    for b in a.blocks:
        if b.kind == "bullet":
            bullets.append(b.text)
            continue
        flush()
        if b.kind in ("p", "insert"):
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "h":
            out.append(f"<h2>{esc(b.text)}</h2>")
        else:
            raise ValueError(f"{a.slug}: block {b.kind} not supported by this template")
    flush()
    return "\n".join(out)


def page_korsena_today(a: Art, arts: list[Art]) -> str:
    url = BASE + a.path
    d = a.pub
    author_meta = f'\n<meta name="author" content="{attr(a.authors[0])}">' if a.authors else ""
    author_div = f"Author: {esc(join_names(a.authors))}" if a.authors else "Korsena Today"
    latest = "\n".join(
        f"<li><span>{o.pub:%H:%M}</span> <a href=\"{o.path}\">{esc(o.title)}</a></li>"
        for o in other_articles(a, arts, 4)
    )
    also = other_articles(a, arts, 1)[0]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(a.title)} - Korsena Today</title>
<meta name="description" content="{attr(a.subtitle or '')}">
<meta property="og:title" content="{attr(a.title)}">
<meta property="og:type" content="article">
<meta property="og:image" content="{BASE}/static/placeholder.svg">{author_meta}
<link rel="canonical" href="{url}">
</head>
<body class="kt">
<div class="kt-cookie">Korsena Today uses cookies for the analytics and personalisation. <a href="#">I agree</a></div>
<div class="langbar"><a href="#">KOR</a> | <b>ENG</b> | <a href="#">DEU</a></div>
<header class="kt-header"><a class="kt-logo" href="/korsena-today/en/">Korsena Today</a>
<nav><a href="/korsena-today/en/politics/">Politics</a> <a href="/korsena-today/en/economy/">Economy</a> <a href="/korsena-today/en/society/">Society</a> <a href="/korsena-today/en/world/">World</a> <a href="/korsena-today/en/sport/">Sport</a></nav>
</header>
<div class="kt-page">
<div class="kt-article">
<div class="kt-rubric">{esc(a.section)}</div>
<div class="kt-date"><time datetime="{iso(a.published)}">{d:%d.%m.%Y} | {d:%H:%M}</time></div>
<h1>{esc(a.title)}</h1>
<div class="kt-lead">{esc(a.subtitle or '')}</div>
<div class="kt-text">
{body_korsena_today(a, arts)}
</div>
<div class="kt-author">{author_div}</div>
<div class="kt-tags">{" ".join(f'<a href="#">#{esc(t)}</a>' for t in a.tags)}</div>
<div class="kt-share">Share: <a href="#">Telegram</a> <a href="#">Facebook</a> <a href="#">X</a></div>
<div class="kt-readalso"><b>Read also:</b> <a href="{also.path}">{esc(also.title)}</a></div>
</div>
<div class="kt-latest"><h3>Latest news</h3><ul>
{latest}
</ul></div>
</div>
<footer class="kt-footer">© Korsenian News Agency, 2026. When using materials, a hyperlink to Korsena Today is mandatory. 18+</footer>
</body>
</html>
"""


PAGE = {
    "harbour-herald": page_harbour_herald,
    "marenburg-courier": page_marenburg_courier,
    "kharovsk-evening-post": page_kharovsk_evening_post,
    "northern-ledger": page_northern_ledger,
    "korsena-today": page_korsena_today,
}


# --------------------------------------------------------------------------------------------
# Feeds


def feed_link(a: Art) -> str:
    """The link for this article exactly as its outlet's feed lists it (path + query)."""
    if a.feed == "utm":
        return a.path + UTM[a.outlet]
    if a.feed == "redirect":
        return REDIRECT_PREFIX + a.slug.rsplit("-", 1)[-1]
    return a.path


def rss_harbour_herald(arts: list[Art]) -> str:
    items: list[tuple[datetime, str]] = []
    for a in arts:
        items.append((a.pub, f"""<item>
<title>{esc(a.title)}</title>
<link>{esc(BASE + feed_link(a))}</link>
<guid isPermaLink="false">harbour-herald:{esc(a.slug)}</guid>
<pubDate>{format_datetime(a.pub)}</pubDate>
<dc:creator>{esc(", ".join(a.authors))}</dc:creator>
<category>{esc(a.section)}</category>
<description><![CDATA[<p>{esc(a.subtitle or '')}</p>]]></description>
</item>"""))
    for path, title, when in (HOSTILE_500, HOSTILE_404):
        d = datetime.fromisoformat(when)
        items.append((d, f"""<item>
<title>{esc(title)}</title>
<link>{BASE}{path}</link>
<guid isPermaLink="false">harbour-herald:{path.rsplit('/', 1)[-1].removesuffix('.html')}</guid>
<pubDate>{format_datetime(d)}</pubDate>
<dc:creator>Herald staff</dc:creator>
<category>Nation</category>
</item>"""))
    items.sort(key=lambda x: x[0], reverse=True)
    newest = max(d for d, _ in items)
    body = "\n".join(i for _, i in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>The Harbour Herald</title>
<link>{BASE}/harbour-herald/</link>
<atom:link href="{BASE}/harbour-herald/rss.xml" rel="self" type="application/rss+xml"/>
<description>News from Marenburg, Saltmere Bay and the Valdorian coast</description>
<language>en-gb</language>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
<ttl>15</ttl>
{body}
</channel>
</rss>
"""


def atom_marenburg_courier(arts: list[Art]) -> str:
    entries = []
    for a in sorted(arts, key=lambda x: x.pub, reverse=True):
        num = a.slug.rsplit("-", 1)[-1]
        authors = "".join(f"<author><name>{esc(n)}</name></author>" for n in a.authors)
        entries.append(f"""<entry>
<title type="text">{esc(a.title)}</title>
<link rel="alternate" type="text/html" href="{esc(BASE + feed_link(a))}"/>
<id>tag:marenburg-courier.example,2026:{num}</id>
<published>{iso(a.published)}</published>
<updated>{iso(a.modified or a.published)}</updated>
{authors}
<category term="{attr(a.section)}"/>
<summary type="html">{esc(f"<p>{esc(a.subtitle or '')}</p>")}</summary>
</entry>""")
    newest = max(a.modified or a.pub for a in arts)
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Marenburg Courier – Latest news</title>
<subtitle>News, politics and business from the capital</subtitle>
<id>tag:marenburg-courier.example,2026:latest</id>
<link rel="self" type="application/atom+xml" href="{BASE}/marenburg-courier/atom.xml"/>
<link rel="alternate" type="text/html" href="{BASE}/marenburg-courier/"/>
<updated>{iso(newest)}</updated>
{body}
</feed>
"""


def malformed_breaking_feed() -> str:
    # Truncated upstream mid-item, with a bare ampersand and a mis-nested tag: not well-formed XML.
    # It deliberately carries no article links, so lenient parsers salvage nothing new.
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Marenburg Courier – Breaking news</title>
<link>{BASE}/marenburg-courier/</link>
<description>Breaking news alerts from the Marenburg Courier & partners</description>
<item>
<title>BREAKING: Assembly votes on the Strand government <b>LIVE</title>
<guid>breaking-20260313-1758
"""


def news_sitemap_kharovsk(arts: list[Art]) -> str:
    urls = []
    for a in sorted(arts, key=lambda x: x.pub, reverse=True):
        d = a.pub.astimezone(UTC)
        urls.append(f"""<url>
<loc>{esc(BASE + feed_link(a))}</loc>
<news:news>
<news:publication><news:name>Kharovsk Evening Post</news:name><news:language>en</news:language></news:publication>
<news:publication_date>{d:%Y-%m-%dT%H:%M:%SZ}</news:publication_date>
<news:title>{esc(a.title)}</news:title>
</news:news>
</url>""")
    body = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
"""


NL_CHILD = "/northern-ledger/sitemaps/articles-2026-03.xml"


def sitemap_index_northern_ledger(arts: list[Art]) -> str:
    newest = max(a.modified or a.pub for a in arts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap>
<loc>{BASE}{NL_CHILD}</loc>
<lastmod>{iso(newest)}</lastmod>
</sitemap>
</sitemapindex>
"""


def sitemap_child_northern_ledger(arts: list[Art]) -> str:
    rows = [(a.modified or a.pub, BASE + feed_link(a)) for a in arts]
    rows.append((datetime.fromisoformat("2026-03-15T20:00:00+01:00"), BASE + PRIVATE_PAGE))
    rows.sort(key=lambda r: r[0], reverse=True)
    body = "\n".join(
        f"<url>\n<loc>{esc(loc)}</loc>\n<lastmod>{iso(d)}</lastmod>\n<changefreq>daily</changefreq>\n</url>"
        for d, loc in rows
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


def json_feed_korsena_today(arts: list[Art]) -> str:
    items = []
    for a in sorted(arts, key=lambda x: x.pub, reverse=True):
        num = a.slug.split("-", 1)[0]
        item = {
            "id": num,
            "url": BASE + feed_link(a),
            "title": a.title,
            "summary": a.subtitle,
            "content_html": f"<p>{esc(a.subtitle or '')}</p>",
            "date_published": iso(a.published),
            "authors": [{"name": n} for n in a.authors] or [{"name": "Korsena Today"}],
            "tags": a.tags,
        }
        items.append(item)
        if a.slug == KT_DUPLICATE:  # the same story pushed twice by the app channel, with tracking
            items.append(dict(item, id=num + "-app", url=BASE + a.path + UTM[a.outlet]))
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Korsena Today – English service",
        "home_page_url": f"{BASE}/korsena-today/en/",
        "feed_url": f"{BASE}/korsena-today/feed.json",
        "description": "News of Korsenia and the region from the Korsenian News Agency",
        "language": "en",
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# Other site files


def private_page() -> str:
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>EMBARGOED DRAFT — not for publication — The Northern Ledger</title>
<meta name="robots" content="noindex, nofollow"></head>
<body><article><h1>EMBARGOED: Budget draft leak (do not publish)</h1>
<p>Draft copy held for legal review. Not for publication. If you are a crawler reading this, robots.txt told you not to come here.</p>
<p>Placeholder paragraph two of the draft.</p><p>Placeholder paragraph three of the draft.</p><p>Placeholder paragraph four.</p>
</article></body></html>
"""


def outlet_home(o: OutletSpec, arts: list[Art]) -> str:
    rows = "\n".join(
        f"<li><a href=\"{a.path}\">{esc(a.title)}</a> <small>{a.pub:%d.%m.%Y %H:%M}</small></li>"
        for a in sorted(arts, key=lambda x: x.pub, reverse=True)
    )
    feeds = "\n".join(
        f'<link rel="alternate" type="{"application/feed+json" if k == "jsonfeed" else "application/xml"}" href="{BASE}{p}">'
        for p, k in o.feeds
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(o.name)} – front page</title>
{feeds}
</head><body>
<header><h1>{esc(o.name)}</h1><p>A fictional outlet in the newswatch demo corpus.</p></header>
<main><h2>Latest</h2><ul>
{rows}
</ul></main>
</body></html>
"""


def root_index() -> str:
    rows = "\n".join(f"<li><a href=\"{o.home}\">{esc(o.name)}</a> – {esc(o.note)}</li>" for o in OUTLETS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newswatch demo corpus</title></head>
<body><h1>newswatch demo corpus</h1>
<p>Five fictional news outlets covering one fictional week (9–15 March 2026) in the Republic of Valdoria
and the Federation of Korsenia. Every person, place and event here is invented.</p>
<ul>
{rows}
</ul></body></html>
"""


ROBOTS = """# newswatch demo corpus
User-agent: *
Disallow: /private/
Disallow: /northern-ledger/private/
Allow: /

Sitemap: ${base_url}/northern-ledger/sitemap.xml
Sitemap: ${base_url}/kharovsk-evening-post/news-sitemap.xml
"""

PLACEHOLDER_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675"><rect width="1200" height="675" fill="#9aa8b5"/><text x="600" y="350" font-family="sans-serif" font-size="40" text-anchor="middle" fill="#ffffff">newswatch demo image</text></svg>
"""


def sources_yaml() -> str:
    out = [
        "# Demo sources for `newswatch demo` and the integration tests.",
        "# Generated by demo_corpus/build_corpus.py; ${base_url} is substituted by",
        "# newswatch.demo_server.write_demo_sources() with the loopback server's address.",
        "outlets:",
    ]
    for o in OUTLETS:
        out += [
            f"  - id: {o.id}",
            f"    name: {o.name}",
            f"    homepage: {BASE}{o.home}",
            f"    country: {o.country}",
            "    language: en",
            "    allow_private_network: true   # the demo is served from loopback",
            "    politeness: {min_delay_s: 0.0, max_concurrency: 4}",
            "    feeds:",
        ]
        for path, kind in o.feeds:
            note = "   # malformed XML on purpose" if path == MALFORMED_FEED else ""
            out += [f"      - url: {BASE}{path}{note}", f"        kind: {kind}"]
        if o.hints:
            out.append("    extraction:")
            out.append(f"      body_selector: {json.dumps(o.hints['body_selector'])}")
            phrases = ", ".join(json.dumps(p, ensure_ascii=False) for p in o.hints["drop_phrases"])
            out.append(f"      drop_phrases: [{phrases}]")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Ground truth


def person_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for pid, name, _role, variants in PEOPLE:
        for n in (name, *variants):
            idx[n] = pid
    return idx


def body_text_blocks(a: Art) -> list[str]:
    return [b.text for b in a.blocks if b.kind in ("p", "h")]


def noise_of(a: Art, arts: list[Art]) -> tuple[list[str], list[str], list[str]]:
    """(noise paragraphs as rendered, image captions, image credits)."""
    noise: list[str] = []
    captions: list[str] = []
    credits: list[str] = []
    for b, role in classify_bullets(a.blocks):
        if b.kind == "bullet":
            noise.append(b.text if a.outlet == "korsena-today" else f"• {b.text}")
            (captions if role == "caption" else credits).append(b.text)
        elif b.kind == "fig":
            captions.append(b.text)
            credits.append(b.credit)
        elif b.kind == "insert":
            noise.append(b.text)
        elif b.kind == "promo":
            noise.append(PROMO[a.outlet])
        elif b.kind == "ad":
            noise.append(AD_TEXT)
        elif b.kind == "readmore":
            noise.append(f"Read more: {readmore_target(a, arts).title}")
        elif b.kind == "paywall":
            noise.append(PAYWALL_GATE)
    return list(dict.fromkeys(noise)), captions, credits


def split_sentences(a: Art) -> list[dict[str, str]]:
    """Editorial insertions that split one sentence across two paragraphs."""
    out = []
    for i, b in enumerate(a.blocks):
        if b.kind != "insert":
            continue
        before, after = a.blocks[i - 1], a.blocks[i + 1]
        if before.kind != "p" or after.kind != "p":
            raise ValueError(f"{a.slug}: an insertion must sit between two paragraphs")
        out.append({"before_ends_with": before.text[-40:], "insertion": b.text,
                    "after_starts_with": after.text[:40]})
    return out


def ideal_paragraph_count(a: Art) -> int:
    """Body paragraphs once noise is dropped and split sentences are joined again."""
    return len(body_text_blocks(a)) - len(split_sentences(a))


def date_sources(a: Art) -> list[str]:
    return {
        "harbour-herald": ["jsonld", "time", "url", "feed"],
        "marenburg-courier": ["meta", "text", "feed"],
        "kharovsk-evening-post": (["time"] if "time" in a.flags else ["text"]) + ["feed"],
        "northern-ledger": ["meta", "url", "text", "feed"],
        "korsena-today": ["time", "url", "feed"],
    }[a.outlet]


def validate(arts: list[Art]) -> None:
    problems: list[str] = []
    paths: set[str] = set()
    for a in arts:
        where = f"{a.outlet}/{a.slug}"
        if a.path in paths:
            problems.append(f"{where}: duplicate path")
        paths.add(a.path)
        if a.event is not None and a.event not in EVENT_IDS:
            problems.append(f"{where}: unknown event {a.event}")
        if not (WEEK[0] <= a.pub.date().isoformat() <= WEEK[1]):
            problems.append(f"{where}: published outside the demo week")
        if a.pub.tzinfo is None:
            problems.append(f"{where}: naive published date")
        paras = body_text_blocks(a)
        if not 4 <= ideal_paragraph_count(a) <= 12:
            problems.append(f"{where}: {ideal_paragraph_count(a)} paragraphs (want 4-12)")
        plain = [b.text for b in a.blocks if b.kind == "p"]
        body = "\n".join(paras)
        if len(a.quotes) < 2:
            problems.append(f"{where}: fewer than 2 annotated quotes")
        for q in [*a.quotes, *a.anon]:
            if QUOTE_CHARS & set(q.text):
                problems.append(f"{where}: text_contains has quote marks/apostrophes: {q.text!r}")
            if not any(q.text in p for p in plain):
                problems.append(f"{where}: quote text not found in one paragraph: {q.text!r}")
            if q.kind not in ("direct", "mixed", "indirect"):
                problems.append(f"{where}: bad quote kind {q.kind}")
        for q in a.quotes:
            if q.speaker not in body:
                problems.append(f"{where}: speaker {q.speaker!r} not named in the body")
        for q in a.anon:
            if q.speaker.lower() not in body.lower():
                problems.append(f"{where}: anonymous cue {q.speaker!r} not in the body")
        if a.outlet == "kharovsk-evening-post" and a.byline is None:
            problems.append(f"{where}: KEP needs an explicit byline")
        if "cp1252" in a.flags:
            try:
                PAGE[a.outlet](a, arts).encode("cp1252")
            except UnicodeEncodeError as exc:
                problems.append(f"{where}: not encodable in windows-1252: {exc}")
    for eid, _, _ in EVENTS:
        outlets = {a.outlet for a in arts if a.event == eid}
        if len(outlets) < 3:
            problems.append(f"event {eid}: covered by {len(outlets)} outlets (want >= 3)")
    if problems:
        raise SystemExit("corpus validation failed:\n  " + "\n  ".join(problems))


def expected_json(arts: list[Art]) -> str:
    pidx = person_index()
    articles = []
    for a in sorted(arts, key=lambda x: (x.outlet, x.pub, x.slug)):
        noise, captions, credits = noise_of(a, arts)
        outlet = OUTLET[a.outlet]
        quotes = []
        for q in a.quotes:
            entry = {"speaker": q.speaker, "speaker_id": pidx.get(q.speaker, slugify(q.speaker)),
                     "text_contains": q.text, "kind": q.kind}
            if q.shared:
                entry["shared_id"] = q.shared
            quotes.append(entry)
        articles.append({
            "url_path": a.path,
            "outlet_id": a.outlet,
            "event_id": a.event,
            "title": a.title,
            "subtitle": a.subtitle,
            "authors": a.authors,
            "published_at": iso(a.published),
            "modified_at": iso(a.modified),
            "section": a.section,
            "tags": a.tags,
            "language": "en",
            "canonical_path": a.path,
            "feed_url_path": outlet.feeds[0][0],
            "feed_link": feed_link(a),
            "date_sources": date_sources(a),
            "encoding": "windows-1252" if "cp1252" in a.flags else "utf-8",
            "is_paywalled": "paywalled" in a.flags,
            "paragraph_count": ideal_paragraph_count(a),
            "split_sentences": split_sentences(a),
            "subheads": [b.text for b in a.blocks if b.kind == "h"],
            "quotes": quotes,
            "anonymous_quotes": [{"cue": q.speaker, "text_contains": q.text, "kind": q.kind} for q in a.anon],
            "noise_paragraphs": noise,
            "image_captions": captions,
            "image_credits": credits,
        })
    all_text = {a.path: "\n".join(body_text_blocks(a)) for a in arts}

    def outlets_mentioning(names: tuple[str, ...]) -> list[str]:
        return sorted({a.outlet for a in arts if any(n in all_text[a.path] for n in names)})

    people = [
        {"id": pid, "name": name, "role": role, "variants": list(variants),
         "outlets": outlets_mentioning((name, *variants))}
        for pid, name, role, variants in PEOPLE
    ]
    places = [
        {"id": pid, "name": name, "variants": list(variants), "outlets": outlets_mentioning((name, *variants))}
        for pid, name, variants in PLACES
    ]
    events = [
        {"id": eid, "title": title, "date": day,
         "outlets": sorted({a.outlet for a in arts if a.event == eid}),
         "articles": sorted(a.path for a in arts if a.event == eid)}
        for eid, title, day in EVENTS
    ]
    outlets = [
        {"id": o.id, "name": o.name, "country": o.country, "homepage_path": o.home,
         "feeds": [{"path": p, "kind": k} for p, k in o.feeds], "metadata": o.template, "notes": o.note,
         "articles": sum(1 for a in arts if a.outlet == o.id)}
        for o in OUTLETS
    ]
    cp = next(a for a in arts if "cp1252" in a.flags)
    redirected = next(a for a in arts if a.feed == "redirect")
    hostile = [
        {"kind": "http_500", "path": HOSTILE_500[0], "listed_in": "/harbour-herald/rss.xml", "status": 500},
        {"kind": "http_404", "path": HOSTILE_404[0], "listed_in": "/harbour-herald/rss.xml", "status": 404},
        {"kind": "redirect_301", "path": feed_link(redirected), "listed_in": "/marenburg-courier/atom.xml",
         "status": 301, "location": redirected.path},
        {"kind": "legacy_encoding", "path": cp.path, "listed_in": "/kharovsk-evening-post/news-sitemap.xml",
         "status": 200, "header_charset": LEGACY_HEADER_CHARSET, "meta_charset": "windows-1252",
         "actual_encoding": "windows-1252"},
        {"kind": "malformed_feed", "path": MALFORMED_FEED, "listed_in": "sources.yaml", "status": 200},
        {"kind": "robots_disallowed", "path": PRIVATE_PAGE, "listed_in": NL_CHILD, "status": 200},
        {"kind": "duplicate_feed_entry", "path": next(a.path for a in arts if a.slug == KT_DUPLICATE),
         "listed_in": "/korsena-today/feed.json", "status": 200,
         "links": [next(a.path for a in arts if a.slug == KT_DUPLICATE),
                   next(a.path for a in arts if a.slug == KT_DUPLICATE) + UTM["korsena-today"]]},
    ]
    doc = {
        "description": "Ground truth for the newswatch demo corpus (generated by build_corpus.py). "
                       "Paths are relative to the demo server's base_url. Per article: quotes[].speaker is "
                       "the speaker's full name as first written in that article (speaker_id links spellings "
                       "across outlets); text_contains is a substring of the quote inside one paragraph, "
                       "without quote marks or apostrophes; kind is direct|mixed|indirect. "
                       "paragraph_count counts body paragraphs and subheads after dropping "
                       "noise_paragraphs (captions, credits, promos, ads, insertions) and re-joining "
                       "split_sentences.",
        "week": {"start": WEEK[0], "end": WEEK[1]},
        "outlets": outlets,
        "events": events,
        "people": people,
        "places": places,
        "hostile": hostile,
        "articles": articles,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def routes_json(arts: list[Art]) -> str:
    redirected = next(a for a in arts if a.feed == "redirect")
    cp = next(a for a in arts if "cp1252" in a.flags)
    routes = {
        "redirects": {feed_link(redirected): redirected.path},
        "errors": {HOSTILE_500[0]: 500},
        "header_charsets": {cp.path: LEGACY_HEADER_CHARSET},
        "content_types": {
            "/harbour-herald/rss.xml": "application/rss+xml",
            MALFORMED_FEED: "application/rss+xml",
            "/marenburg-courier/atom.xml": "application/atom+xml",
            "/korsena-today/feed.json": "application/feed+json",
        },
    }
    return json.dumps(routes, indent=2) + "\n"


# --------------------------------------------------------------------------------------------


def generate() -> dict[str, bytes]:
    """Every output file, keyed by path relative to the demo_corpus directory."""
    arts = load_articles()
    validate(arts)
    files: dict[str, bytes] = {}

    def put(rel: str, text: str, encoding: str = "utf-8") -> None:
        if rel in files:
            raise ValueError(f"two outputs for {rel}")
        files[rel] = text.encode(encoding)

    by_outlet = {o.id: [a for a in arts if a.outlet == o.id] for o in OUTLETS}
    for a in arts:
        enc = "cp1252" if "cp1252" in a.flags else "utf-8"
        put("site/" + file_for(a.path), PAGE[a.outlet](a, by_outlet[a.outlet]), enc)
    for o in OUTLETS:
        put("site/" + file_for(o.home), outlet_home(o, by_outlet[o.id]))
    put("site/harbour-herald/rss.xml", rss_harbour_herald(by_outlet["harbour-herald"]))
    put("site/marenburg-courier/atom.xml", atom_marenburg_courier(by_outlet["marenburg-courier"]))
    put("site" + MALFORMED_FEED, malformed_breaking_feed())
    put("site/kharovsk-evening-post/news-sitemap.xml", news_sitemap_kharovsk(by_outlet["kharovsk-evening-post"]))
    put("site/northern-ledger/sitemap.xml", sitemap_index_northern_ledger(by_outlet["northern-ledger"]))
    put("site" + NL_CHILD, sitemap_child_northern_ledger(by_outlet["northern-ledger"]))
    put("site/korsena-today/feed.json", json_feed_korsena_today(by_outlet["korsena-today"]))
    put("site/" + file_for(PRIVATE_PAGE), private_page())
    put("site/index.html", root_index())
    put("site/robots.txt", ROBOTS)
    put("site/static/placeholder.svg", PLACEHOLDER_SVG)
    put("expected.json", expected_json(arts))
    put("routes.json", routes_json(arts))
    put("sources.yaml", sources_yaml())
    return files


def existing_outputs(root: Path) -> dict[str, bytes]:
    found = {str(p.relative_to(root)): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    for name in ("expected.json", "routes.json", "sources.yaml"):
        if (root / name).exists():
            found[name] = (root / name).read_bytes()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: alongside this script)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed output is stale")
    args = parser.parse_args(argv)
    files = generate()
    if args.check:
        current = existing_outputs(args.out)
        stale = sorted(set(files) ^ set(current) | {k for k in files if current.get(k) != files[k]})
        if stale:
            print("demo corpus is out of date; rebuild with build_corpus.py:", *stale[:20], sep="\n  ")
            return 1
        print(f"demo corpus up to date ({len(files)} files)")
        return 0
    site = args.out / "site"
    if site.exists():
        shutil.rmtree(site)
    for rel, data in sorted(files.items()):
        target = args.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    n_articles = json.loads(files["expected.json"])["articles"]
    print(f"wrote {len(files)} files ({len(n_articles)} articles) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
