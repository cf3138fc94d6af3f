"""What the site offers readers and programs beyond its pages: feeds with every section, a
JSON Feed, topic feeds, a Markdown file per paper, ``llms.txt``, preview tags, day-week
links, and the CLI's warning when the site has no base URL."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest

from dailypapers.digest.importer import import_digest
from dailypapers.digest.views import day_view
from dailypapers.models import Paper
from dailypapers.site.build import build_site
from dailypapers.site.paper_files import paper_files
from dailypapers.site.topics import parse_topic
from dailypapers.store import Store
from tests.e2e import invoke, one_line
from tests.site_corpus import (
    XSS_DATE,
    XSS_ID,
    XSS_TITLE,
    generated_digest,
    hostile_digest,
    store_week,
)

BASE = "https://me.example.org/papers/"
#: A paper of 2024-12-03 given Hugging Face keywords and an organisation.
KEYWORDED = "2412.03001"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pages")
    db = root / "dailypapers.db"
    with Store.open(db) as store:
        for day in range(1, 13):
            import_digest(store, generated_digest(f"2024-12-{day:02d}", day))
        import_digest(store, hostile_digest())
        store.upsert_paper(keyworded_paper(), "2024-12-03")
        store_week(store, "2024-W49", "2024-12-03")
        topics = [parse_topic("rl=강화학습"), parse_topic("sharp=Sharpness-Aware")]
        build_site(store, root / "site", base_url=BASE, topics=topics)
    return db, root / "site"


def keyworded_paper() -> Paper:
    return Paper(
        arxiv_id=KEYWORDED,
        title="Paper 2412.03001",
        authors=("Author 1",),
        upvotes=1,
        thumbnail=None,
        abstract="",
        ai_keywords=("sharpness-aware minimization", "<b>bold</b>"),
        organization="Example Lab",
    )


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_atom_entries_carry_all_three_sections_and_ids_on_the_sites_host(
    built: tuple[Path, Path],
) -> None:
    db, site = built
    feed = feedparser.parse(read(site, "feed.xml"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    ET.fromstring(read(site, "feed.xml"))
    assert feed.feed.id == "tag:me.example.org,2024:/papers/feed"
    entry = next(e for e in feed.entries if "2024-12-05" in e.title)
    assert entry.id == "tag:me.example.org,2024:/papers/2024-12-05"
    assert entry.link == BASE + "days/2024-12-05.html"
    with Store.open(db) as store:
        view = day_view(store, "2024-12-05")
    assert view is not None
    html = entry.content[0].value
    for paper in view.papers:
        for section in paper.sections:
            assert section.text in html
    assert html.count("</strong>: ") == 3 * len(view.papers)  # each section named


def test_the_json_feed_has_the_same_items(built: tuple[Path, Path]) -> None:
    _, site = built
    data = json.loads(read(site, "feed.json"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json"
    atom = feedparser.parse(read(site, "feed.xml"))
    assert [item["id"] for item in data["items"]] == [entry.id for entry in atom.entries]
    first = data["items"][0]
    assert first["url"].startswith(BASE)
    assert first["date_published"].endswith("T00:00:00Z")
    hostile = next(item for item in data["items"] if XSS_DATE in item["title"])
    assert "<script>" not in hostile["content_html"]  # the title is escaped HTML
    assert "&lt;script&gt;" in hostile["content_html"]


def test_topic_feeds_hold_only_matching_papers(built: tuple[Path, Path]) -> None:
    db, site = built
    rl = feedparser.parse(read(site, "feeds/rl.xml"))
    assert rl.bozo == 0
    assert rl.feed.id == "tag:me.example.org,2024:/papers/feeds/rl"
    ids = {m for e in rl.entries for m in re.findall(r"#(2412\.\d+)", e.content[0].value)}
    # "강화학습" is written "강화학습 파이프라인" in the summary of every paper index % 10 == 0
    with Store.open(db) as store:
        expected = {
            p.arxiv_id
            for d in range(1, 13)
            if (v := day_view(store, f"2024-12-{d:02d}"))
            for p in v.papers
            if any("강화학습" in s.text.replace(" ", "") for s in p.sections)
        }
    assert expected
    assert ids == expected
    sharp = feedparser.parse(read(site, "feeds/sharp.xml"))
    (only,) = sharp.entries
    assert re.findall(r"#(2412\.\d+)", only.content[0].value) == [KEYWORDED]  # by HF keyword


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("Bad Name=x", "must be 1-40 lowercase"),
        ("rl", "expected NAME=term,term"),
        ("rl= , ", "no terms"),
        ("../x=y", "must be 1-40 lowercase"),
    ],
)
def test_a_bad_topic_is_a_usage_error(tmp_path: Path, spec: str, message: str) -> None:
    result = invoke(
        "site", "build", str(tmp_path / "s"), "--db", str(tmp_path / "d.db"), "--topic", spec
    )
    assert result.exit_code == 2, result.output  # a usage error, before anything is read
    assert "error: --topic" in one_line(result.output)
    assert message in one_line(result.output)


def test_a_markdown_file_per_paper(built: tuple[Path, Path]) -> None:
    db, site = built
    text = read(site, f"papers/{KEYWORDED}.md")
    with Store.open(db) as store:
        view = day_view(store, "2024-12-03")
    assert view is not None
    paper = next(p for p in view.papers if p.arxiv_id == KEYWORDED)
    assert text.startswith(f"# {paper.title}\n\n- arXiv: https://arxiv.org/abs/{KEYWORDED}\n")
    assert f"- Digest: {BASE}days/2024-12-03.html#{KEYWORDED}" in text
    assert "Organization: Example Lab" in text
    assert "Keywords: sharpness-aware minimization, <b>bold</b>" in text
    for section in paper.sections:
        assert section.text in text
    assert "## What's New" in text
    hostile = read(site, f"papers/{XSS_ID}.md")
    assert hostile.startswith("# " + XSS_TITLE + "\n")
    assert len(list((site / "papers").glob("*.md"))) == 12 * 8 + 1


def test_llms_txt_maps_the_archive(built: tuple[Path, Path]) -> None:
    _, site = built
    text = read(site, "llms.txt")
    lines = text.splitlines()
    assert lines[0] == "# Daily Papers 한국어 요약"
    assert lines[2].startswith("> ")
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## Latest papers", "## Days", "## Weeks", "## Optional"]
    assert f"]({BASE}papers/2412.12000.md): 2024-12-12" in text
    assert f"- [2024-12-01]({BASE}days/2024-12-01.html): 8 papers" in text


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.meta[key] = found["content"] or ""


def meta_of(html: str) -> dict[str, str]:
    parser = Meta()
    parser.feed(html)
    return parser.meta


def test_preview_tags_are_escaped_and_absolute(built: tuple[Path, Path]) -> None:
    db, site = built
    page = read(site, f"days/{XSS_DATE}.html")
    meta = meta_of(page)
    assert meta["og:url"] == BASE + f"days/{XSS_DATE}.html"
    assert meta["og:description"].startswith("<b onmouseover=alert(2)>굵게</b>")
    assert "<b onmouseover" not in page  # the parser unescaped it; the page has it escaped
    assert "og:image" not in meta  # its thumbnail address is not a web address
    day = meta_of(read(site, "days/2024-12-05.html"))
    with Store.open(db) as store:
        view = day_view(store, "2024-12-05")
    assert view is not None
    assert day["og:title"] == "Daily Papers (2024-12-05) · 8편"
    assert day["og:description"] == view.papers[0].sections[0].text
    assert day["og:image"] == view.papers[0].thumbnail
    assert day["twitter:card"] == "summary_large_image"
    week = meta_of(read(site, "weeks/2024-W49.html"))
    assert week["og:url"] == BASE + "weeks/2024-W49.html"


def test_days_link_to_their_week_and_back(built: tuple[Path, Path]) -> None:
    _, site = built
    day = read(site, "days/2024-12-03.html")
    assert 'href="../weeks/2024-W49.html"' in day
    assert "weeks/" not in read(site, "days/2024-12-10.html").replace("2024-W49", "")
    week = read(site, "weeks/2024-W49.html")
    assert "2024-12-02 – 2024-12-08" in week
    for d in range(2, 9):
        assert f'href="../days/2024-12-{d:02d}.html"' in week
    assert 'href="../days/2024-12-01.html"' not in week.split('class="week-days"')[1]


def test_the_front_page_shows_this_weeks_top_papers(built: tuple[Path, Path]) -> None:
    db, site = built
    front = read(site, "index.html")
    top = front.split('class="week-top"')[1].split("</aside>")[0]
    with Store.open(db) as store:
        papers = [
            p for d in range(9, 13) if (v := day_view(store, f"2024-12-{d:02d}")) for p in v.papers
        ]
    best = sorted(papers, key=lambda p: (-p.votes, p.arxiv_id))[:5]
    assert re.findall(r"#(2412\.\d+)", top) == [p.arxiv_id for p in best]


def test_per_paper_files_are_cheap(built: tuple[Path, Path]) -> None:
    db, _ = built
    with Store.open(db) as store:
        view = day_view(store, "2024-12-05")
    assert view is not None
    started = time.perf_counter()
    for _ in range(625):  # 5,000 papers
        paper_files(view, BASE)
    assert time.perf_counter() - started < 1.0


def test_building_without_a_base_url_warns_and_says_how_to_fix_it(
    tmp_path: Path, built: tuple[Path, Path]
) -> None:
    db, _ = built
    result = invoke("site", "build", str(tmp_path / "s"), "--db", str(db))
    assert result.exit_code == 0, result.output
    text = one_line(result.output)
    assert "warning: no --base-url" in text
    assert "--base-url https://you.github.io/papers/" in text
    quiet = invoke("site", "build", str(tmp_path / "t"), "--db", str(db), "--base-url", BASE)
    assert quiet.exit_code == 0
    assert "warning" not in quiet.output
    feed = feedparser.parse((tmp_path / "s" / "feed.xml").read_text(encoding="utf-8"))
    assert feed.feed.id == "tag:dailypapers.github.io,2024:feed"  # no host of the site's own


def test_the_skim_line_of_older_entries() -> None:
    from dailypapers.digest.views import PaperView
    from dailypapers.models import Section
    from dailypapers.site.pages import first_line

    def paper(**fields: object) -> PaperView:
        base: dict[str, object] = {
            "arxiv_id": "2312.00001",
            "title": "T",
            "votes": 0,
            "authors": (),
            "thumbnail": None,
            "sections": (),
        }
        return PaperView(**(base | fields))  # type: ignore[arg-type]

    verbatim = paper(era="verbatim", verbatim="\n  - 첫 줄입니다\n둘째 줄", votes_known=False)
    assert first_line(verbatim) == "첫 줄입니다"
    bullets = paper(era="no-votes", sections=(Section("", "첫 문장.\n  다음"), Section("", "b")))
    assert first_line(bullets) == "첫 문장. 다음"
    assert (
        first_line(paper(sections=(Section("***What's New***", "가" * 300),))) == "가" * 199 + "…"
    )
    assert first_line(paper()) == ""
