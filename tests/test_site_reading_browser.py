"""Reading the site in a real browser: the compact list and its views, thumbnails that fail,
j/k and "/", follow and mute, permalinks and copy-link, day-week links and the date input
(fixtures in ``tests/browser.py``; this module's site also has a stored week)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Route, expect

from dailypapers.site.build import build_site
from dailypapers.store import Store
from tests.browser import GOLDEN_DAY, PNG, Browser, Page, Problems, Quiet, Site, console, offline
from tests.site_corpus import build_corpus, store_week

WEEK = "2024-W49"  # the ISO week of the golden day: 2024-12-02 .. 2024-12-08


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The shared corpus, plus the golden day's papers stored as its week's digest."""
    from http.server import ThreadingHTTPServer

    root = tmp_path_factory.mktemp("reading")
    corpus = build_corpus(root / "dailypapers.db")
    with Store.open(corpus.db) as store:
        store_week(store, WEEK, day_of(corpus.days, corpus.from_reference))
        build_site(store, root / "site")
    handler = functools.partial(Quiet, directory=str(root / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(root / "site", f"http://127.0.0.1:{server.server_address[1]}/", corpus, root)
    finally:
        server.shutdown()
        server.server_close()


def day_of(days: list[str], from_reference: bool) -> str:
    return GOLDEN_DAY if from_reference else "2024-12-06"


def golden(site: Site) -> str:
    return day_of(site.corpus.days, site.corpus.from_reference)


def screens(page: Page) -> float:
    height: int = page.evaluate("document.documentElement.scrollHeight")
    return height / page.viewport_size["height"] if page.viewport_size else 0.0


def test_the_list_view_fits_a_day_in_about_three_screens(page: Page, site: Site) -> None:
    date = golden(site)
    papers = site.day(date).papers
    page.goto(site.url + f"days/{date}.html")
    items = page.locator("ol.skim li")
    assert items.count() == len(papers)
    # the list comes first, before any full entry
    list_bottom = page.evaluate("document.getElementById('skim').getBoundingClientRect().bottom")
    assert page.locator("article.paper").first.bounding_box()["y"] >= list_bottom  # type: ignore[index]
    page.check("input[name=view][value=skim]")
    assert page.locator("article.paper:visible").count() == 0
    assert screens(page) <= 3.5 * max(1, len(papers) / 30)
    # a line unfolds its paper and jumps to it
    third = papers[2]
    items.nth(2).locator("a").click()
    page.wait_for_url(f"**#{third.arxiv_id}")
    opened = page.locator(f"article[id='{third.arxiv_id}']")
    assert opened.is_visible()
    assert page.locator("article.paper:visible").count() == 1
    page.reload()  # the view is remembered, and the address still opens its paper
    assert page.locator("input[name=view][value=skim]").is_checked()
    assert opened.is_visible()


def test_whats_new_only_shows_the_first_section(page: Page, site: Site) -> None:
    date = golden(site)
    page.goto(site.url + f"days/{date}.html")
    before = screens(page)
    page.check("input[name=view][value=new]")
    first = page.locator("article.paper").first
    assert first.locator("dd.first").is_visible()
    assert first.locator("dd:not(.first)").first.is_hidden()
    assert first.locator("img.thumb").count() == 0 or first.locator("img.thumb").is_hidden()
    assert screens(page) < before / 2
    page.check("input[name=view][value=all]")
    assert first.locator("dd:not(.first)").first.is_visible()


def test_thumbnails_are_small_optional_and_leave_no_box_when_broken(page: Page, site: Site) -> None:
    date = golden(site)
    page.goto(site.url + f"days/{date}.html")
    image = page.locator("article.paper img.thumb").first
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    assert box is not None
    assert box["width"] <= 300
    assert box["height"] <= 170
    page.uncheck("#show-thumbs")
    assert image.is_hidden()
    page.reload()
    assert image.is_hidden()  # the choice is remembered
    page.check("#show-thumbs")

    def broken(route: Route) -> None:  # an answer that is not an image
        route.fulfill(status=200, content_type="image/png", body=b"not an image")

    page.route("https://**/*", broken)
    page.reload()
    for index in range(min(3, page.locator("article.paper img.thumb").count())):
        thumb = page.locator("article.paper img.thumb").nth(index)
        thumb.evaluate("node => node.scrollIntoView()")
        expect(thumb).to_have_class(re.compile(r"\bbroken\b"))
        assert thumb.is_hidden()


def test_j_and_k_move_between_papers_and_slash_focuses_search(page: Page, site: Site) -> None:
    date = golden(site)
    papers = site.day(date).papers
    page.goto(site.url + f"days/{date}.html")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == papers[0].arxiv_id
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == papers[2].arxiv_id
    top = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert 0 <= top < 50  # scrolled to it
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == papers[1].arxiv_id
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.getAttribute('name')") == "q"
    page.keyboard.type("jk")  # typing in the search box is not a move
    assert page.locator("form.search input").input_value() == "jk"
    # in the list view j walks the list
    page.goto(site.url + f"days/{date}.html")
    page.check("input[name=view][value=skim]")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"#{papers[0].arxiv_id}"


def test_a_skip_link_leads_to_the_content(page: Page, site: Site) -> None:
    page.goto(site.url + "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def set_prefs(page: Page, site: Site, fields: dict[str, str]) -> None:
    page.goto(site.url + "prefs.html")
    for field, value in fields.items():
        page.fill(f"#{field}", value)
    page.click("#prefs-form button[type=submit]")
    assert page.locator("#prefs-status").inner_text() == "저장했습니다."


def test_follow_and_mute_survive_a_reload_and_export(page: Page, site: Site) -> None:
    date = golden(site)
    papers = site.day(date).papers
    followed, muted = papers[-1], papers[0]
    author = followed.authors[0]
    # a word of the muted paper's title, typed in another case
    word = max(muted.title.split(), key=len).strip(":,").upper()
    set_prefs(page, site, {"follow-authors": author.lower(), "mute-keywords": word})
    page.goto(site.url + f"days/{date}.html")
    assert "followed" in (
        page.locator(f"article[id='{followed.arxiv_id}']").get_attribute("class") or ""
    )
    hidden = page.locator(f"article[id='{muted.arxiv_id}']")
    assert hidden.is_hidden()
    count = page.locator("#muted-count")
    assert count.inner_text().startswith("숨긴 논문")
    page.click("#muted-count button")
    assert hidden.is_visible()
    page.check("#mine-first")
    page.reload()
    first = page.locator("article.paper").first.get_attribute("id")
    assert first == followed.arxiv_id  # mine first, remembered
    assert page.locator("ol.skim li").first.get_attribute("data-id") == followed.arxiv_id
    assert hidden.is_hidden()
    # the export string and the URL carry the same lists to a fresh browser
    page.goto(site.url + "prefs.html")
    exported = page.locator("#prefs-export").input_value()
    url = page.locator("#prefs-url").input_value()
    before = page.evaluate("DailyPapersPrefs.load()")
    assert before["follow"]["authors"] == [author.lower()]
    page.evaluate("localStorage.clear()")
    assert page.evaluate("DailyPapersPrefs.load()")["follow"]["authors"] == []
    assert page.evaluate("s => DailyPapersPrefs.importString(s)", exported) is True
    assert page.evaluate("DailyPapersPrefs.load()") == before
    assert page.evaluate("DailyPapersPrefs.exportString()") == exported
    page.evaluate("localStorage.clear()")
    page.goto(url)
    page.reload()
    assert page.evaluate("DailyPapersPrefs.load()") == before
    assert page.locator("#follow-authors").input_value() == author.lower()
    assert page.evaluate("DailyPapersPrefs.importString('nonsense')") is False


def test_classify_follows_the_contract(page: Page, site: Site) -> None:
    page.goto(site.url + "prefs.html")
    page.evaluate(
        """DailyPapersPrefs.save({follow: {keywords: ["강화학습"], authors: ["Bo Li"], orgs: []},
                                 mute: {keywords: ["diffusion"], authors: [], orgs: ["Meta"]}})"""
    )

    def kind(paper: dict[str, object]) -> str | None:
        full = {"title": "", "authors": [], "keywords": [], "org": None, "text": ""} | paper
        result: str | None = page.evaluate("p => DailyPapersPrefs.classify(p)", full)
        return result

    assert kind({"text": "이 논문은 강화 학습을 씁니다"}) == "follow"  # spaces between Hangul
    assert kind({"authors": ["bo li"]}) == "follow"
    assert kind({"authors": ["Bo Lin"]}) is None  # whole names only
    assert kind({"keywords": ["Latent Diffusion"]}) == "mute"
    assert kind({"org": "meta"}) == "mute"
    assert kind({"org": "Meta AI"}) is None  # organisations match whole
    assert kind({"title": "Diffusion", "authors": ["Bo Li"]}) == "follow"  # follow wins


def tab_to(page: Page, selector: str, most: int = 400) -> None:
    """Press Tab until ``selector`` has the focus; fail when it never does."""
    wanted = page.locator(selector).element_handle()
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("e => document.activeElement === e", wanted):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_a_permalink_by_keyboard_and_copy_link(browser: Browser, site: Site) -> None:
    date = golden(site)
    second = site.day(date).papers[1]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = context.new_page()
    problems = Problems()
    page.on("console", lambda m: console(m, problems))
    page.route("**/*", offline)
    page.goto(site.url + f"days/{date}.html")
    target = f"article[id='{second.arxiv_id}'] a.anchor"
    tab_to(page, target)
    assert page.locator(target).is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/days/{date}.html#{second.arxiv_id}")
    # the browser starts the next Tab from the paper the address points at
    tab_to(page, f"article[id='{second.arxiv_id}'] button.copy-link")
    page.keyboard.press("Enter")
    button = page.locator(f"article[id='{second.arxiv_id}'] button.copy-link")
    expect(button).to_have_text("복사했습니다")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == site.url + f"days/{date}.html#{second.arxiv_id}"
    context.close()
    assert problems.errors == []


def test_copy_link_without_a_clipboard_selects_the_address(page: Page, site: Site) -> None:
    date = golden(site)
    first = site.day(date).papers[0]
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    url = (site.root / "days" / f"{date}.html").as_uri()
    page.goto(url)
    page.locator(f"article[id='{first.arxiv_id}'] button.copy-link").click()
    field = page.locator(f"article[id='{first.arxiv_id}'] input.paper-url")
    assert field.input_value() == f"{url}#{first.arxiv_id}"
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == (
        f"{url}#{first.arxiv_id}"
    )


def test_days_and_their_week_link_each_other(page: Page, site: Site) -> None:
    date = golden(site)
    page.goto(site.url + f"days/{date}.html")
    page.click("a.week-link")
    page.wait_for_url(f"**/weeks/{WEEK}.html")
    assert page.locator("p.range").inner_text() == "2024-12-02 – 2024-12-08"
    page.click(f'nav.week-days a[href="../days/{date}.html"]')
    page.wait_for_url(f"**/days/{date}.html")


@pytest.mark.parametrize("from_disk", [False, True])
def test_the_date_input_jumps_to_days_that_exist(page: Page, site: Site, from_disk: bool) -> None:
    date = golden(site)
    days = site.corpus.days
    start = (site.root / "index.html").as_uri() if from_disk else site.url + "index.html"
    page.goto(start)
    missing = "2024-12-08" if "2024-12-08" not in days else "1999-01-01"
    page.fill("#jump-date", missing)
    page.click("form.jump button")
    status = page.locator(".jump-status")
    status.filter(has_text="요약은 없습니다").wait_for()
    assert missing in status.inner_text()
    page.fill("#jump-date", date)
    page.click("form.jump button")
    page.wait_for_url(f"**/days/{date}.html")
    assert page.locator("#jump-date").get_attribute("min") is None  # until the list is loaded
    page.focus("#jump-date")
    # a locator's wait: a predicate string would be evaluated in the page, which the site's
    # Content-Security-Policy forbids once the first check fails and polling starts
    expect(page.locator("#jump-date")).to_have_attribute("min", days[0])


def test_the_front_page_shows_this_weeks_top_papers(page: Page, site: Site) -> None:
    page.goto(site.url + "index.html")
    top = page.locator("aside.week-top li a")
    assert 1 <= top.count() <= 5
    href = top.first.get_attribute("href") or ""
    top.first.click()
    page.wait_for_url("**/" + href)
    assert page.locator(f"article[id='{href.split('#')[1]}']").is_visible()


def test_the_reading_pages_fit_a_phone(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    problems = Problems()
    page.on("console", lambda m: console(m, problems))
    page.route("**/*", offline)
    for path in (f"days/{golden(site)}.html", f"weeks/{WEEK}.html", "prefs.html"):
        page.goto(site.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
    page.goto(site.url + f"days/{golden(site)}.html")
    assert page.locator("button.copy-link").first.is_visible()  # touch screens see it too
    assert page.locator("a.anchor").first.is_visible()
    context.close()
    assert problems.errors == []
    assert PNG  # the offline images are the shared 1x1 PNG
