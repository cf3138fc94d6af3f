"""Search over a generated archive of 5,000 papers: keys whose postings are long are files of
their own, arXiv ids are spread over shards, and a query in Chromium still finds every paper
while loading no more than it needs (the browser fixtures are in ``tests/browser.py``)."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from bench.generated_archive import generate_archive
from dailypapers.digest.views import day_views
from dailypapers.site.build import build_site
from dailypapers.site.search_index import OWN_FILE, ROOT, Doc, aliases, documents
from dailypapers.site.search_terms import bucket, normalize, text_keys
from dailypapers.store import Store
from tests.browser import Problems, Quiet, console, offline

PAPERS = 5_000
#: The issue's budget for one query, page load included, images excluded, uncompressed.
QUERY_BYTES = 300 * 1024


@dataclass
class Archive:
    site: Path
    url: str
    docs: list[Doc]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = tmp_path_factory.mktemp("scale")
    generate_archive(root / "papers.db", PAPERS)
    with Store.open(root / "papers.db") as store:
        build_site(store, root / "site")
        docs = documents(day_views(store, store.digest_days()))
    handler = functools.partial(Quiet, directory=str(root / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Archive(root / "site", f"http://127.0.0.1:{server.server_address[1]}/", docs)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser: Browser, problems: Problems) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: console(m, problems))
    page.on("pageerror", lambda e: problems.errors.append(f"page error: {e}"))
    page.route("**/*", offline)
    yield page
    context.close()
    assert problems.errors == []


def script_data(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index(",", text.index(",") + 1) + 1 : text.rindex(")")])


def segments(site: Path) -> list[list[object]]:
    text = (site / ROOT / "manifest.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return list(data["segments"])


def shard(site: Path, key: str) -> dict[str, dict[str, str]]:
    """Segment -> the shard that holds ``key`` in that segment."""
    found = {}
    for name, _, buckets, _ in segments(site):
        data = script_data(site / ROOT / str(name) / f"k{bucket(key, int(str(buckets)))}.js")
        assert isinstance(data, dict)
        found[str(name)] = data
    return found


def search(page: Page, archive: Archive, query: str) -> tuple[int, int]:
    """Types ``query``; returns the papers the status line counts and the bytes loaded."""
    loaded: list[int] = []

    def count(response: Response) -> None:
        if response.url.startswith(archive.url):
            loaded.append(len(response.body()))

    page.on("response", count)
    page.goto(archive.url + "search.html")
    page.fill("#query", query)
    expect(page.locator("#results")).to_have_attribute("aria-busy", "false")
    expect(page.locator("li.result").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    status = page.locator("#search-status").inner_text()
    return int(status.split("편")[0]), sum(loaded)


def keys_of(doc: Doc) -> set[str]:
    return text_keys(" ".join([doc.title, doc.text, *doc.keywords, doc.organization or ""]))


def test_long_postings_are_files_of_their_own_and_shards_stay_small(archive: Archive) -> None:
    index = archive.site / ROOT
    pointers = 0
    for path in index.glob("*/k*.js"):
        assert path.stat().st_size < 12 * 1024, path
        data = script_data(path)
        assert isinstance(data, dict)
        for value in data.values():
            if value.startswith("+"):
                pointers += 1
                own = script_data(path.parent / "b" / f"{value[1:]}.js")
                assert isinstance(own, str)
                assert len(own) > OWN_FILE
            else:
                assert len(value) <= OWN_FILE
    assert pointers > 50


def test_an_arxiv_id_shares_its_shard_only_with_ids_of_its_first_digits(archive: Archive) -> None:
    paper = archive.docs[-100].arxiv_id
    keys = [key for data in shard(archive.site, paper).values() for key in data]
    ids = [key for key in keys if key[:4].isdigit() and "." in key]
    assert paper in ids
    assert all(key[:8] == paper[:8] for key in ids), ids


def test_a_word_in_its_own_file_finds_every_paper(page: Page, archive: Archive) -> None:
    """A Latin word matches every word it starts, so every long key it starts is loaded."""
    in_aliases = {word for pair in aliases() for phrase in pair for word in phrase.split()}
    long = sorted(
        key
        for path in (archive.site / ROOT).glob("*/k*.js")
        for key, value in dict(script_data(path)).items()  # type: ignore[call-overload]
        if value.startswith("+") and key.isalpha() and len(key) > 4 and key not in in_aliases
    )
    word = long[len(long) // 2]
    expected = sum(1 for doc in archive.docs if any(k.startswith(word) for k in keys_of(doc)))
    found, loaded = search(page, archive, word)
    assert found == expected
    assert loaded < QUERY_BYTES


@pytest.mark.parametrize("query", ["강화학습", "확산 모델", "reinforcement learning", "Bo Li"])
def test_a_query_loads_under_the_budget(page: Page, archive: Archive, query: str) -> None:
    found, loaded = search(page, archive, query)
    assert found > 0
    assert loaded < QUERY_BYTES, f"{query}: {loaded / 1024:.0f} KB"


def test_an_id_or_the_start_of_one_finds_its_papers(page: Page, archive: Archive) -> None:
    paper = archive.docs[-100].arxiv_id
    found, _ = search(page, archive, paper)
    assert found == 1
    start = paper[:7]  # "2106.04": ids of ten shards
    expected = sum(1 for doc in archive.docs if normalize(doc.arxiv_id).startswith(start))
    assert search(page, archive, start)[0] == expected
