"""The site in a real browser: Debian's Chromium driven by Playwright, offline.

The site is built from the reference corpus (or generated days when it is absent) plus a day
of hostile data, served on 127.0.0.1 and also opened from ``file://``. Requests to any other
host (the thumbnails' CDN) are answered by the test with a 1x1 PNG, so nothing leaves the
machine. Every test fails on a console error or an uncaught exception in the page.
"""

from __future__ import annotations

import base64
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dailypapers.digest.views import PeriodView, day_view
from dailypapers.site.build import build_site
from dailypapers.site.search_index import normalize
from dailypapers.store import Store
from tests.site_corpus import XSS_DATE, XSS_ID, XSS_TITLE, Corpus, build_corpus

CHROMIUM = Path(os.environ.get("DAILYPAPERS_CHROMIUM", "/usr/bin/chromium"))
GOLDEN_DAY = "2024-12-06"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)

if not CHROMIUM.exists():
    if os.environ.get("DAILYPAPERS_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    pytest.skip(
        f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-nanum", allow_module_level=True
    )

from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright  # noqa: E402


@dataclass
class Site:
    root: Path
    url: str
    corpus: Corpus
    shots: Path

    def day(self, date: str) -> PeriodView:
        with Store.open(self.corpus.db) as store:
            view = day_view(store, date)
        assert view is not None
        return view


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser")
    corpus = build_corpus(root / "dailypapers.db")
    with Store.open(corpus.db) as store:
        build_site(store, root / "site")
    handler = functools.partial(Quiet, directory=str(root / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(root / "site", f"http://127.0.0.1:{server.server_address[1]}/", corpus, root)
    finally:
        server.shutdown()
        server.server_close()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@dataclass
class Problems:
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def page(browser: Browser, site: Site, problems: Problems) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: _console(m, problems))
    page.on("pageerror", lambda e: problems.errors.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.dialogs.append(d.message), d.dismiss()))
    page.route("**/*", _offline)
    yield page
    context.close()
    assert problems.errors == []
    assert problems.dialogs == []


def _console(message: ConsoleMessage, problems: Problems) -> None:
    if message.type in ("error", "warning"):
        problems.errors.append(f"console {message.type}: {message.text} at {message.location}")


def _offline(route: Route) -> None:
    """Our own pages pass; any other host gets a tiny image instead of the network."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "file://")):
        route.continue_()
    else:
        route.fulfill(status=200, content_type="image/png", body=PNG)


def rare_fragment(site: Site, date: str) -> tuple[str, str]:
    """A 3-syllable Korean fragment of one word of a paper's summary, found in few papers.

    Returns (fragment, arXiv id). The fragment is a word's first three letters, so it only
    matches as part of a longer word: the point of partial matching.
    """
    index = _index_rows(site)
    best: tuple[int, str, str] | None = None
    for paper in site.day(date).papers[:10]:
        own_row = next(row for row in index if row.endswith(paper.arxiv_id))
        for section in paper.sections:
            for word in normalize(section.text).split():
                hangul = "".join(ch for ch in word if "가" <= ch <= "힣")
                if len(hangul) < 5 or not word.startswith(hangul[:3]):
                    continue
                fragment = hangul[:3]
                if fragment not in own_row:
                    continue  # a stop word: the index leaves it out on purpose
                count = sum(fragment in row for row in index)
                if best is None or count < best[0]:
                    best = (count, fragment, paper.arxiv_id)
    assert best is not None
    return best[1], best[2]


def _index_rows(site: Site) -> list[str]:
    import json

    script = (site.root / "assets" / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(script[script.index("=") + 1 : -2])
    return [normalize(f"{row[1]} {row[2]}") + "\n" + row[5] + row[0] for row in data["papers"]]


# tests -------------------------------------------------------------------------------------


def test_search_finds_a_paper_by_a_korean_word_fragment(page: Page, site: Site) -> None:
    date = GOLDEN_DAY if site.corpus.from_reference else site.corpus.days[3]
    fragment, arxiv_id = rare_fragment(site, date)
    expected = sum(fragment in row for row in _index_rows(site))
    page.goto(site.url + "search.html")
    page.fill("#query", fragment)
    results = page.locator("ol.results li.result")
    results.first.wait_for()
    assert results.count() == min(expected, 100)
    links = [results.nth(i).locator("h2 a").get_attribute("href") for i in range(results.count())]
    assert f"days/{date}.html#{arxiv_id}" in links
    assert page.locator("#search-status").inner_text().startswith(f"{expected}편")
    assert f"q={fragment}" in page.url or "q=%" in page.url


def test_the_header_search_box_leads_to_results(page: Page, site: Site) -> None:
    page.goto(site.url + "index.html")
    page.fill("form.search input", XSS_ID)
    page.press("form.search input", "Enter")
    page.wait_for_url("**/search.html?q=*")
    result = page.locator("li.result h2 a")
    result.first.wait_for()
    assert result.first.inner_text() == XSS_TITLE
    authors = page.locator("li.result p.authors").first.inner_text()
    assert authors.startswith("<svg onload=alert(4)>, 정상 저자, Coauthor 1,")
    assert authors.endswith("Coauthor 10 외 8명")
    result.first.click()
    page.wait_for_url(f"**/days/{XSS_DATE}.html#{XSS_ID}")


def test_day_navigation_and_the_archive(page: Page, site: Site) -> None:
    days = site.corpus.days
    middle = days.index(GOLDEN_DAY) if GOLDEN_DAY in days else 3
    page.goto(site.url + f"days/{days[middle]}.html")
    page.click("a[rel=next]")
    page.wait_for_url(f"**/days/{days[middle + 1]}.html")
    assert days[middle + 1] in page.locator("h1").inner_text()
    page.click("a[rel=prev]")
    page.click("a[rel=prev]")
    page.wait_for_url(f"**/days/{days[middle - 1]}.html")
    page.click("text=지난 호")
    page.wait_for_url("**/archive.html")
    page.click(f'a[href="days/{days[middle]}.html"]')
    page.wait_for_url(f"**/days/{days[middle]}.html")
    assert page.locator("article.paper").count() == len(site.day(days[middle]).papers)
    page.click("a.brand")
    page.wait_for_url("**/index.html")
    assert days[-1] in page.locator("h1").inner_text()


def test_a_hostile_title_stays_text(page: Page, site: Site) -> None:
    page.goto(site.url + f"days/{XSS_DATE}.html")
    heading = page.locator(f"article[id='{XSS_ID}'] h2 a").first
    assert heading.inner_text() == XSS_TITLE
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("article svg, article b, article script").count() == 0
    page.goto(site.url + "search.html?q=onerror")
    page.locator("li.result").first.wait_for()
    assert page.locator("li.result h2 a").first.inner_text() == XSS_TITLE
    assert page.locator("img[src=x]").count() == 0


def test_the_vote_filter_hides_papers_below_the_minimum(page: Page, site: Site) -> None:
    date = GOLDEN_DAY if site.corpus.from_reference else site.corpus.days[3]
    votes = sorted(paper.votes for paper in site.day(date).papers)
    least = votes[len(votes) // 2]
    page.goto(site.url + f"days/{date}.html")
    page.fill("#min-votes", str(least))
    visible = page.locator("article.paper:visible")
    assert visible.count() == sum(v >= least for v in votes)
    assert page.locator("#shown").inner_text() == f"{visible.count()} / {len(votes)}편"


def test_theme_switch_persists(page: Page, site: Site) -> None:
    page.goto(site.url + "index.html")
    before = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click("#theme-toggle")
    after = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert after != before
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == after


def test_pages_fit_a_phone_screen(browser: Browser, site: Site, problems: Problems) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.on("console", lambda m: _console(m, problems))
    page.route("**/*", _offline)
    for path in ("index.html", "archive.html", f"days/{XSS_DATE}.html", "search.html?q=모델"):
        page.goto(site.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
    context.close()
    assert problems.errors == []


def test_the_site_works_from_file_urls(page: Page, site: Site) -> None:
    page.goto((site.root / "index.html").as_uri())
    assert page.locator("article.paper").count() > 0
    page.click("text=지난 호")
    page.wait_for_url("**/archive.html")
    page.goto((site.root / "search.html").as_uri() + "?q=" + XSS_ID)
    page.locator("li.result").first.wait_for()
    page.locator("li.result h2 a").first.click()
    page.wait_for_url(f"**/days/{XSS_DATE}.html#{XSS_ID}")


def test_korean_renders_with_real_glyphs(page: Page, site: Site) -> None:
    """A screenshot of the golden day; Hangul must be drawn with a font that has it.

    Two checks: the browser reports the font it used for a Korean paragraph, and two
    different Korean strings of the same length must not look alike (empty boxes all do).
    """
    date = GOLDEN_DAY if site.corpus.from_reference else site.corpus.days[5]
    page.goto(site.url + f"days/{date}.html")
    shot = site.shots / f"day-{date}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    if artifacts := os.environ.get("DAILYPAPERS_ARTIFACTS"):
        shutil.copy(shot, Path(artifacts) / shot.name)
    fonts = _fonts_of(page, "article.paper dd")
    assert any("nanum" in f["familyName"].lower() for f in fonts), fonts
    first = _text_image(page, "가나다라마바사아자차")
    second = _text_image(page, "카타파하거너더러머버")
    assert first != second, "Hangul is drawn as identical boxes: no Korean font"


def _fonts_of(page: Page, selector: str) -> list[dict[str, Any]]:
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    document = session.send("DOM.getDocument")
    node = session.send(
        "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector}
    )
    fonts: list[dict[str, Any]] = session.send(
        "CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]}
    )["fonts"]
    return fonts


def _text_image(page: Page, text: str) -> bytes:
    page.evaluate(
        """text => {
            let probe = document.getElementById('glyph-probe');
            if (!probe) {
                probe = document.createElement('span');
                probe.id = 'glyph-probe';
                probe.style.fontSize = '32px';
                document.querySelector('main').prepend(probe);
            }
            probe.textContent = text;
        }""",
        text,
    )
    return page.locator("#glyph-probe").screenshot()
