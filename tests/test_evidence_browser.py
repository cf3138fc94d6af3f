"""In Chromium: a number of a summary answers "where does this come from?" in one click (or
tap, or Enter), with the paper's own sentence and its section."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import Quiet, Site
from tests.e2e import World, invoke
from tests.site_corpus import Corpus
from tests.test_provenance import DAY, run_one_paper


@pytest.fixture
def site(world: World, tmp_path: Path) -> Iterator[Site]:
    """A site built by the real CLI from one run against the fakes (this module's own)."""
    paper = run_one_paper(world)
    folder = tmp_path / "site"
    built = invoke("site", "build", str(folder), "--out", str(world.out))
    assert built.exit_code == 0, built.output
    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    corpus = Corpus(world.out / "dailypapers.db", [DAY], from_reference=False)
    try:
        yield Site(folder, f"http://127.0.0.1:{server.server_address[1]}/", corpus, tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert paper


def test_clicking_a_number_shows_the_sentence_it_came_from(page: Page, site: Site) -> None:
    page.goto(f"{site.url}days/{DAY}.html")
    number = page.locator("button.claim.found", has_text="3.5%").first
    evidence = page.locator(f"#{number.get_attribute('aria-describedby')}".replace(".", r"\."))

    assert not evidence.is_visible()
    page.mouse.move(0, 0)
    number.click()
    page.mouse.move(0, 0)  # the click, not the hover, keeps it open

    assert evidence.is_visible()
    assert "It improves accuracy by 3.5% over ours." in evidence.inner_text()
    assert "Abstract" in evidence.inner_text()
    page.keyboard.press("Escape")
    assert not evidence.is_visible()


def test_a_name_the_paper_never_states_says_so_by_keyboard(page: Page, site: Site) -> None:
    page.goto(f"{site.url}days/{DAY}.html")
    name = page.locator("button.claim.missing", has_text="FooNet-9")

    name.focus()
    page.keyboard.press("Enter")

    shown = page.locator("button.claim.missing + .evidence")
    assert shown.is_visible()
    assert "찾지 못했습니다" in shown.inner_text()
    assert (
        page.locator("details.provenance summary")
        .first.inner_text()
        .startswith("arXiv PDF, whole; numbers verified 1/1")
    )
