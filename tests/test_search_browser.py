"""Search in a real browser: Korean spacing, glossary aliases, arXiv ids and URLs, authors,
snippets, paging, sorting, and what the reader types while shards load (fixtures in
``tests/browser.py``)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from dailypapers.digest.views import day_view
from dailypapers.site.search_index import Doc, documents
from dailypapers.site.search_terms import bigrams, hangul_runs, name_tokens, normalize, text_keys
from dailypapers.store import Store
from tests.browser import GOLDEN_DAY, Site

STATUS = re.compile(r"^(\d+)편")


@pytest.fixture(scope="module")
def docs(site: Site) -> list[Doc]:
    with Store.open(site.corpus.db) as store:
        return documents(v for d in store.digest_days() if (v := day_view(store, d)))


def keys_of(doc: Doc) -> set[str]:
    return text_keys(" ".join([doc.title, doc.text, *doc.keywords, doc.organization or ""]))


def korean_hits(docs: list[Doc], phrase: str) -> set[str]:
    """The papers that have every bigram of ``phrase`` without its spaces."""
    grams = {g for run in hangul_runs(normalize(phrase)) for g in bigrams(run)}
    return {doc.arxiv_id for doc in docs if grams <= keys_of(doc)}


def search(page: Page, site: Site, query: str, sort: str = "relevance") -> int:
    """Types ``query`` on the search page; returns how many papers the status line counts."""
    page.goto(site.url + "search.html")
    page.select_option("#sort", sort)
    page.fill("#query", query)
    return settled(page)


def settled(page: Page) -> int:
    expect(page.locator("#results")).to_have_attribute("aria-busy", "false")
    status = page.locator("#search-status").inner_text()
    found = STATUS.match(status)
    return int(found.group(1)) if found else 0


def links(page: Page) -> list[str]:
    anchors = page.locator("li.result h2 a")
    return [str(anchors.nth(i).get_attribute("href")) for i in range(anchors.count())]


def sample_paper(site: Site) -> tuple[str, str]:
    date = GOLDEN_DAY if site.corpus.from_reference else site.corpus.days[3]
    return site.day(date).papers[0].arxiv_id, date


# tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "spaced"), [("강화학습", "강화 학습"), ("확산모델", "확산 모델")]
)
def test_spacing_does_not_matter(
    page: Page, site: Site, docs: list[Doc], joined: str, spaced: str
) -> None:
    count = search(page, site, joined)
    first = links(page)
    assert count >= len(korean_hits(docs, spaced)) > 0
    assert search(page, site, spaced) == count
    assert links(page) == first


def test_an_english_term_finds_its_korean_rendering(
    page: Page, site: Site, docs: list[Doc]
) -> None:
    korean = korean_hits(docs, "강화 학습")
    english = {
        doc.arxiv_id
        for doc in docs
        if re.search(r"reinforcement[\s-]+learning", normalize(f"{doc.title} {doc.text}"))
    }
    assert korean - english, "the corpus needs a paper that writes 강화 학습 only"
    count = search(page, site, "Reinforcement Learning")
    assert count >= len(korean | english)
    assert search(page, site, "강화 학습") == count


@pytest.mark.parametrize(
    "form",
    [
        "{}",
        "{}v2",
        "https://arxiv.org/abs/{}v2",
        "https://arxiv.org/pdf/{}",
        "arxiv.org/pdf/{}v1.pdf",
        "https://huggingface.co/papers/{}",
    ],
)
def test_an_arxiv_id_or_url_finds_the_paper(page: Page, site: Site, form: str) -> None:
    arxiv_id, date = sample_paper(site)
    assert search(page, site, form.format(arxiv_id)) == 1
    assert links(page) == [f"days/{date}.html#{arxiv_id}"]


def author_case(docs: list[Doc]) -> tuple[str, set[str]]:
    """A two-word author name that another author's name starts (as ``Bo Li``/``Bo Lin``),
    and the papers with an author whose name has those words in a row."""
    names = {" ".join(name_tokens(a)) for doc in docs for a in doc.authors}
    for name in sorted(names):
        if len(name.split()) == 2 and any(o.startswith(name) and o != name for o in names):
            break
    else:
        pytest.fail("no author name is the start of another")
    wanted = name.split()

    def has(author: str) -> bool:
        tokens = name_tokens(author)
        return any(tokens[i : i + 2] == wanted for i in range(len(tokens)))

    return name, {doc.arxiv_id for doc in docs if any(has(a) for a in doc.authors)}


def test_an_author_name_matches_whole_words(page: Page, site: Site, docs: list[Doc]) -> None:
    name, expected = author_case(docs)
    count = search(page, site, name.title())
    assert count == len(expected)
    assert {link.rsplit("#", 1)[1] for link in links(page)} <= expected


def test_each_result_shows_why_with_a_highlighted_snippet(page: Page, site: Site) -> None:
    assert search(page, site, "확산모델") > 0
    results = page.locator("li.result")
    for i in range(results.count()):
        marks = results.nth(i).locator("mark")
        assert marks.count() > 0
        found = {
            normalize(re.sub(r"\s+", "", marks.nth(j).inner_text())) for j in range(marks.count())
        }
        assert found & {"확산모델", "diffusionmodel", "diffusion", "model"}, found
    assert page.locator("li.result p.snippet mark").count() > 0
    assert page.locator("li.result script, li.result img").count() == 0


def test_every_result_is_reachable(page: Page, site: Site, docs: list[Doc]) -> None:
    query = next(
        (
            q
            for q in ("강화 학습", "확산 모델", "학습", "모델")
            if 20 < len(korean_hits(docs, q)) < 400
        ),
        "모델",
    )
    count = search(page, site, query)
    more = page.locator("#more")
    while more.is_visible():
        more.click()
        settled(page)
    assert page.locator("li.result").count() == count
    assert len(set(links(page))) == count


def test_results_sort_by_date_and_by_votes(page: Page, site: Site) -> None:
    search(page, site, "모델", sort="date")
    metas = page.locator("li.result p.meta").all_inner_texts()
    dates = [meta.split(" · ")[1] for meta in metas]
    assert dates == sorted(dates, reverse=True)
    search(page, site, "모델", sort="votes")
    votes = [
        int(m.split(" · ")[0].lstrip("▲ "))
        for m in page.locator("li.result p.meta").all_inner_texts()
    ]
    assert votes == sorted(votes, reverse=True)
    assert len(votes) == 20


@pytest.fixture
def held(page: Page) -> list[Route]:
    """Shard requests wait here until the test lets them go: a slow index on demand."""
    waiting: list[Route] = []
    page.route("**/assets/search/*/k*.js*", lambda route: waiting.append(route))
    return waiting


def test_typed_text_survives_a_slow_index(page: Page, site: Site, held: list[Route]) -> None:
    page.goto(site.url + "search.html?q=확산", wait_until="domcontentloaded")
    expect(page.locator("#search-status")).to_contain_text("불러오는 중")
    page.fill("#query", "")
    page.locator("#query").press_sequentially("강화 학습")
    assert page.input_value("#query") == "강화 학습"
    assert "불러오는 중" in page.locator("#search-status").inner_text()
    page.unroute("**/assets/search/*/k*.js*")
    for route in held:
        route.continue_()
    settled(page)
    assert page.input_value("#query") == "강화 학습"
    assert "q=%EA%B0%95" in page.url or "q=강화" in page.url
    marks = page.locator("li.result").first.locator("mark").all_inner_texts()
    assert {re.sub(r"\s+", "", normalize(m)) for m in marks} & {"강화학습", "reinforcementlearning"}


def test_search_puts_followed_papers_first_and_folds_muted_ones(page: Page, site: Site) -> None:
    """The reader's follow and mute lists (``assets/prefs.js``) hold in search too."""
    search(page, site, "강화학습")
    first, _, third = (href.rpartition("#")[2] for href in links(page)[:3])
    titles = {
        href.rpartition("#")[2]: page.locator("li.result h2 a").nth(i).inner_text()
        for i, href in enumerate(links(page)[:3])
    }
    prefs = {
        "follow": {"keywords": [titles[third]], "authors": [], "orgs": []},
        "mute": {"keywords": [titles[first]], "authors": [], "orgs": []},
    }
    page.evaluate(
        """prefs => {
            localStorage.setItem("dailypapers-prefs", JSON.stringify(prefs));
            localStorage.setItem("dailypapers-mine-first", "on");
        }""",
        prefs,
    )

    search(page, site, "강화학습")

    shown = page.locator("#results li.result")
    assert str(shown.first.locator("h2 a").get_attribute("href")).endswith("#" + third)
    assert "followed" in str(shown.first.get_attribute("class"))
    assert page.locator("#muted").is_visible()
    muted = page.locator("#muted-list li.result h2 a")
    assert muted.count() == 1
    assert str(muted.first.get_attribute("href")).endswith("#" + first)
