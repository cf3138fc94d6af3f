"""The static site, read as files: pages, escaping, feed, JSON exports and the search index."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
from typer.testing import CliRunner

from dailypapers.cli import app
from dailypapers.digest.views import day_view, page_url, period_path, web_url
from dailypapers.periods import Period
from dailypapers.site.build import FEED_PERIODS, build_site
from dailypapers.site.output import MANIFEST
from dailypapers.site.search_index import ROOT as SEARCH_ROOT
from dailypapers.store import Store
from tests.shared_data import shared_path
from tests.site_corpus import XSS_DATE, XSS_TITLE, build_corpus, generated_digest

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated corpus (the reference one is tested separately) and its site."""
    root = tmp_path_factory.mktemp("site")
    db = root / "dailypapers.db"
    with Store.open(db) as store:
        from dailypapers.digest.importer import import_digest

        for day in range(1, 13):
            import_digest(store, generated_digest(f"2024-12-{day:02d}", day))
    build_corpus_extra(db)
    with Store.open(db) as store:
        build_site(store, root / "site")
    return db, root / "site"


def build_corpus_extra(db: Path) -> None:
    """Add the hostile day to an existing database, as build_corpus does."""
    from dailypapers.digest.importer import import_digest
    from tests.site_corpus import hostile_digest, hostile_paper

    with Store.open(db) as store:
        import_digest(store, hostile_digest())
        store.upsert_paper(hostile_paper(), XSS_DATE)


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_every_page_and_file_is_written(built: tuple[Path, Path]) -> None:
    _, site = built
    days = sorted(p.stem for p in (site / "days").glob("*.html"))
    assert days == [XSS_DATE] + [f"2024-12-{d:02d}" for d in range(1, 13)]
    for name in (
        "index.html",
        "archive.html",
        "search.html",
        "prefs.html",
        "feed.xml",
        "feed.json",
        "llms.txt",
        "data/index.json",
    ):
        assert (site / name).is_file(), name
    assert sorted(p.name for p in (site / "assets").iterdir()) == [
        "days.js",
        "prefs.js",
        "reading.js",
        "search",
        "search.js",
        "site.js",
        "style.css",
    ]
    assert len(list((site / "data").glob("2024-*.json"))) == 13
    assert oct((site / "index.html").stat().st_mode & 0o777) == "0o644"


def test_front_page_shows_the_latest_day_with_relative_links(built: tuple[Path, Path]) -> None:
    _, site = built
    front = read(site, "index.html")
    assert "2024-12-12" in front
    assert 'href="assets/style.css"' in front
    assert 'rel="prev" href="days/2024-12-11.html"' in front
    day = read(site, "days/2024-12-05.html")
    assert 'href="../assets/style.css"' in day
    assert 'rel="next" href="../days/2024-12-06.html"' in day
    assert 'href="../data/2024-12-05.json"' in day


def test_a_paper_block_links_arxiv_hf_and_its_own_anchor(built: tuple[Path, Path]) -> None:
    db, site = built
    with Store.open(db) as store:
        view = day_view(store, "2024-12-03")
    assert view is not None
    page = read(site, "days/2024-12-03.html")
    article = r'<article class="paper" id="([^"]+)" tabindex="-1" data-votes="(\d+)"'
    articles = re.findall(article, page)
    assert articles == [(p.arxiv_id, str(p.votes)) for p in view.papers]
    first = view.papers[0]
    assert f'href="https://arxiv.org/abs/{first.arxiv_id}"' in page
    assert f'href="https://huggingface.co/papers/{first.arxiv_id}"' in page
    assert f'href="#{first.arxiv_id}"' in page
    assert '<dt class="first">What&#39;s New</dt>' in page
    assert first.sections[0].text in page


def test_hostile_data_is_text_and_bad_links_are_dropped(built: tuple[Path, Path]) -> None:
    _, site = built
    page = read(site, f"days/{XSS_DATE}.html")
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<svg" not in page
    assert "<b onmouseover" not in page
    assert page.count("<script") == 3  # site.js, prefs.js, reading.js; nothing from the data
    assert "javascript:" not in page.replace("[x](javascript:1)", "")
    assert 'href="https://github.com/example/repo?a=1&amp;b=&lt;2&gt;"' in page
    assert "프로젝트</a>" not in page  # the javascript: project page is not linked
    assert "alert(3)" not in page  # a thumbnail address with spaces in it is not shown
    assert "Coauthor 10 외 8명" in page  # twelve authors shown, then how many more
    # every name is in data-authors, for following authors; the text shows twelve
    assert "Coauthor 11" not in re.sub(r"data-authors='[^']*'", "", page)
    assert XSS_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in (
        page.replace("&#34;", '"')
    )


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://github.com/a/b", True),
        ("http://x.org", True),
        (" javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("http://[::1", False),
        ("https://x.org/a b", False),
        ("https://x.org/\x07", False),
        ("https://x.org/a\u3000b", False),
        ("", False),
        (None, False),
    ],
)
def test_web_url_keeps_only_http_links(url: str | None, kept: bool) -> None:
    assert (web_url(url) is not None) is kept


def test_rebuilding_unchanged_data_rewrites_nothing(built: tuple[Path, Path]) -> None:
    db, site = built
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    with Store.open(db) as store:
        report = build_site(store, site)
    assert report.written == []
    assert report.unchanged == len([p for p in before if p.name != MANIFEST])
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_the_atom_feed_is_valid_and_lists_the_latest_days(built: tuple[Path, Path]) -> None:
    _, site = built
    feed = feedparser.parse(read(site, "feed.xml"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Daily Papers (2024-12-12): 8편"
    assert len(titles) == min(13, FEED_PERIODS)
    assert feed.entries[0].link == "days/2024-12-12.html"
    hostile = next(e for e in feed.entries if XSS_DATE in e.title)
    assert "<img src=x" not in hostile.content[0].value  # escaped inside the HTML content
    ET.fromstring(read(site, "feed.xml"))  # well-formed XML
    assert 'type="application/atom+xml"' in read(site, "index.html")


def test_feed_links_are_absolute_with_a_base_url(tmp_path: Path, built: tuple[Path, Path]) -> None:
    db, _ = built
    with Store.open(db) as store:
        build_site(store, tmp_path / "s", base_url="https://me.github.io/papers/")
    feed = feedparser.parse((tmp_path / "s" / "feed.xml").read_text(encoding="utf-8"))
    assert feed.entries[0].link == "https://me.github.io/papers/days/2024-12-12.html"
    assert feed.feed.links[0].href == "https://me.github.io/papers/feed.xml"


def test_json_export_of_a_day_holds_what_the_page_shows(built: tuple[Path, Path]) -> None:
    db, site = built
    data = json.loads(read(site, "data/2024-12-04.json"))
    with Store.open(db) as store:
        view = day_view(store, "2024-12-04")
    assert view is not None
    assert data["period"] == "2024-12-04"
    assert data["count"] == len(view.papers) == len(data["papers"])
    first = data["papers"][0]
    assert first["arxiv_id"] == view.papers[0].arxiv_id
    assert first["title"] == view.papers[0].title
    assert list(first["sections"]) == ["What's New", "Technical Details", "Performance Highlights"]
    index = json.loads(read(site, "data/index.json"))
    assert [d["date"] for d in index["days"]][-1] == "2024-12-12"


def test_an_empty_database_builds_a_front_page(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        report = build_site(store, tmp_path / "site")
    assert report.days == 0
    assert "dailypapers run" in read(tmp_path / "site", "index.html")
    assert feedparser.parse(read(tmp_path / "site", "feed.xml")).bozo == 0


def test_archive_links_every_day_in_a_calendar(built: tuple[Path, Path]) -> None:
    _, site = built
    archive = read(site, "archive.html")
    assert "2024년 12월" in archive
    assert "2024년 10월" in archive
    for day in range(1, 13):
        assert f'href="days/2024-12-{day:02d}.html"' in archive
    assert archive.index("2024년 12월") < archive.index("2024년 10월")


def test_site_build_command(built: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = built
    result = runner.invoke(app, ["site", "build", str(tmp_path / "docs"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "13 days, 0 weeks, 97 papers" in result.output
    assert (tmp_path / "docs" / "index.html").is_file()
    missing = runner.invoke(app, ["site", "build", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    assert "no database" in missing.output


def test_reference_corpus_index_stays_under_two_megabytes(tmp_path: Path) -> None:
    shared_path("reference", "logs")
    corpus = build_corpus(tmp_path / "db.sqlite")
    with Store.open(corpus.db) as store:
        report = build_site(store, tmp_path / "site")
    assert report.days == 77
    assert report.papers == 1440
    shards = list((tmp_path / "site" / "assets" / "search").glob("*/k*.js"))
    assert max(path.stat().st_size for path in shards) < 100 * 1024


def test_a_week_is_dated_by_its_sunday_and_kept_apart_from_days() -> None:
    assert Period.parse("2024-W49").last_day == date(2024, 12, 8)
    assert Period.parse("2024-W49").first_day == date(2024, 12, 2)
    assert Period.parse("2024-12-06").last_day == date(2024, 12, 6)
    assert period_path(Period.week("2024-W49")) == "weeks/2024-W49.html"
    assert page_url("https://me.github.io/papers/", Period.day("2024-12-06")) == (
        "https://me.github.io/papers/days/2024-12-06.html"
    )


def test_a_segment_longer_than_a_month_is_read_in_pieces_and_lacks_nothing(
    tmp_path: Path,
) -> None:
    """40 days of one year: the build reads and renders them a month of days at a time (to
    bound memory); every day, paper file and search entry is still written."""
    from dailypapers.digest.importer import import_digest

    first = date(2023, 1, 1).toordinal()
    days = [date.fromordinal(first + n).isoformat() for n in range(40)]
    with Store.open(tmp_path / "d.db") as store:
        for n, day in enumerate(days, 1):
            import_digest(store, generated_digest(day, n % 28 + 1, count=2))
        import_digest(store, generated_digest("2024-12-01", 29, count=2))
        build_site(store, tmp_path / "site")

    site = tmp_path / "site"
    assert all((site / "days" / f"{day}.html").is_file() for day in days)
    papers = {p.stem for p in (site / "papers").glob("*.md")}
    assert len(papers) == 2 * 28 + 2  # each generated day number's two papers, once
    entries = list((site / SEARCH_ROOT / "2023" / "d").glob("*.js"))  # one per paper
    assert len(entries) == 2 * 28
    assert "41 days, 58 papers." in read(site, "llms.txt")  # each paper counted once


def test_the_latest_days_are_read_when_newer_weeks_fill_the_feed(tmp_path: Path) -> None:
    """The front page and llms.txt take the latest days from the feed's views, and read
    them when the feed's 30 entries are all weeks newer than those days."""
    from bench.generated_archive import generate_archive
    from tests.site_corpus import store_week

    db = tmp_path / "papers.db"
    days = generate_archive(db, 60)  # 2021-01-01 and 2021-01-02, 30 papers each
    with Store.open(db) as store:
        for week in range(10, 10 + FEED_PERIODS):
            store_week(store, f"2021-W{week:02d}", days[0])
        build_site(store, tmp_path / "site", jobs=1)
    front = read(tmp_path / "site", "index.html")
    assert "2021-01-02" in front
    assert 'href="days/2021-01-01.html"' in front  # the previous day
    papers = [
        line for line in read(tmp_path / "site", "llms.txt").splitlines() if "2021-01-0" in line
    ]
    assert sum(": 2021-01-02" in line for line in papers) == 30
