"""What every browser test of the site shares: Debian's Chromium driven by Playwright, offline.

The site is built from the reference corpus (or generated days when it is absent) plus a day
of hostile data, served on 127.0.0.1 and also opened from ``file://``. Requests to any other
host (the thumbnails' CDN) are answered by the test with a 1x1 PNG, so nothing leaves the
machine. Every test fails on a console error or an uncaught exception in the page.

``tests/conftest.py`` loads this module as a plugin, so any test module may ask for ``page``,
``site`` or ``browser``; without Chromium those tests skip (or fail, under CI's
``DAILYPAPERS_REQUIRE_BROWSER``).
"""

from __future__ import annotations

import base64
import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from dailypapers.digest.views import PeriodView, day_view
from dailypapers.site.build import build_site
from dailypapers.store import Store
from tests.site_corpus import Corpus, build_corpus

CHROMIUM = Path(os.environ.get("DAILYPAPERS_CHROMIUM", "/usr/bin/chromium"))
GOLDEN_DAY = "2024-12-06"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


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
    if not CHROMIUM.exists():
        if os.environ.get("DAILYPAPERS_REQUIRE_BROWSER"):
            raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-nanum")
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
    page.on("console", lambda m: console(m, problems))
    page.on("pageerror", lambda e: problems.errors.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.dialogs.append(d.message), d.dismiss()))
    page.route("**/*", offline)
    yield page
    context.close()
    assert problems.errors == []
    assert problems.dialogs == []


def console(message: ConsoleMessage, problems: Problems) -> None:
    if message.type in ("error", "warning"):
        problems.errors.append(f"console {message.type}: {message.text} at {message.location}")


def offline(route: Route) -> None:
    """Our own pages pass; any other host gets a tiny image instead of the network."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "file://")):
        route.continue_()
    else:
        route.fulfill(status=200, content_type="image/png", body=PNG)
