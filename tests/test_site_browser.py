"""The site in a real browser: search, navigation, hostile data, themes, phones, file:// and
Korean glyphs (fixtures in ``tests/browser.py``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from dailypapers.digest.views import day_view
from dailypapers.site.search_index import documents
from dailypapers.site.search_terms import normalize, text_keys
from dailypapers.store import Store
from tests.browser import GOLDEN_DAY, Browser, Page, Problems, Site, console, offline
from tests.site_corpus import XSS_DATE, XSS_ID, XSS_TITLE


def rare_fragment(site: Site, date: str) -> tuple[str, str, int]:
    """A 3-syllable Korean fragment of one word of a paper's summary, found in few papers.

    Returns (fragment, arXiv id, how many papers have it). The fragment is a word's first
    three letters, so it only matches as part of a longer word: the point of partial matching.
    """
    with Store.open(site.corpus.db) as store:
        docs = documents(v for d in store.digest_days() if (v := day_view(store, d)))
    keys = {doc.arxiv_id: text_keys(" ".join([doc.title, doc.text])) for doc in docs}
    best: tuple[int, str, str] | None = None
    for paper in site.day(date).papers[:10]:
        for section in paper.sections:
            for word in normalize(section.text).split():
                hangul = "".join(ch for ch in word if "가" <= ch <= "힣")
                if len(hangul) < 5 or not word.startswith(hangul[:3]):
                    continue
                grams = {hangul[0:2], hangul[1:3]}
                count = sum(grams <= found for found in keys.values())
                if best is None or count < best[0]:
                    best = (count, hangul[:3], paper.arxiv_id)
    assert best is not None
    return best[1], best[2], best[0]


# tests -------------------------------------------------------------------------------------


def test_search_finds_a_paper_by_a_korean_word_fragment(page: Page, site: Site) -> None:
    date = GOLDEN_DAY if site.corpus.from_reference else site.corpus.days[3]
    fragment, arxiv_id, expected = rare_fragment(site, date)
    page.goto(site.url + "search.html")
    page.fill("#query", fragment)
    results = page.locator("ol.results li.result")
    results.first.wait_for()
    assert results.count() == min(expected, 20)
    links = [results.nth(i).locator("h2 a").get_attribute("href") for i in range(results.count())]
    assert expected > 20 or f"days/{date}.html#{arxiv_id}" in links
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
    page.on("console", lambda m: console(m, problems))
    page.route("**/*", offline)
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
