"""Fuzzing the edges: the API parser, the digest round trip through the database, PDF reading.

Each property feeds one stage input it was never written for and checks that the stage either
does its job or says clearly what was wrong: never another exception, never a file that our
own importer cannot read back.
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date as Date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dailypapers.digest.importer import import_archive
from dailypapers.digest.parse import parse_digest
from dailypapers.digest.render import digest_path, escape_title, render_digest
from dailypapers.errors import ExtractError, FetchError
from dailypapers.files import write_atomic
from dailypapers.models import (
    EXTRACTIVE_NOTE,
    SECTION_LABELS,
    AuthorsStyle,
    Digest,
    DigestEntry,
    DigestRun,
    Paper,
    Section,
)
from dailypapers.periods import Period
from dailypapers.sources.hf import ARXIV_ID, collapse, parse_entries, parse_entry, parse_page_body
from dailypapers.sources.pdf import ExtractedText, extract_text, looks_like_pdf
from dailypapers.store import Store
from tests.e2e import World, paper_pdf
from tests.fakes import make_entry
from tests.shared_data import shared_path

DAY = "2024-12-06"
FUZZ = settings(max_examples=100, deadline=None)

# Text as an API or an LLM could send it ---------------------------------------------------------

#: Pieces that mean something to Markdown, to the digest format, to JSON or to UTF-8.
FRAGMENTS = (
    *"[]()\\*_`~<>&$#!|{}'\"",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "   ",
    "\u2028",
    "\x85",
    "\xa0",
    "\x00",
    "\x1c",
    "\ufeff",
    ", ",
    "['",
    '["',
    "[]",
    ": ",
    "- ",
    "> ",
    "### ",
    "## Daily Papers (2024-12-06)",
    "](https://arxiv.org/abs/2412.00001)",
    "Vote: 3",
    "Authors: ",
    "&amp;",
    "<think>",
    "$x^2$",
    "대형 언어 모델(Large Language Model)",
    "한국어",
    "é",
    "😀",
    "\ud83d",  # half of an emoji: JSON can spell it as an escape, UTF-8 cannot hold it
    "\ude00",
)
any_char = st.characters() | st.characters(categories=["Cs"])
#: Any text, with the interesting pieces far more likely than chance would make them.
api_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(any_char, max_size=6), max_size=8).map(
    "".join
)
#: Text without lone surrogates: what a summarizer hands on (they cannot be written as UTF-8).
clean_text = api_text.map(lambda s: "".join(c for c in s if not 0xD800 <= ord(c) <= 0xDFFF))

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**70)
    | st.floats()
    | api_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(api_text, inner, max_size=4),
    max_leaves=12,
)

# 1. The API parser ---------------------------------------------------------------------------

ODD_IDS = st.sampled_from(
    [
        "",
        " ",
        "2412.04467v2",
        " 2412.04467\n",
        "hep-th/9901001v3",
        "HEP-TH/9901001",
        "2412.4467",
        "2412.044671",
        "2412.04467v",
        "2412.04467 extra",
        "２４１２.０４４６７",  # fullwidth digits
        "٢٤١٢.٠٤٤٦٧",  # Arabic-Indic digits
        "\u212aa/1234567",  # the Kelvin sign, which is 'k' when case is ignored
        "abs/2412.04467",
        "2412.04467\ud83d",
    ]
)
ODD_UPVOTES = st.sampled_from(["12", "1e3", "many", 1.5, 2.0, True, -5, 2**63, 10**30, None])
ODD_URLS = st.sampled_from(
    [
        "",
        "  ",
        "https://x/a b.png",
        "https://x/a\nb.png",
        "https://x/v.mp4 ",
        'https://x/say"hi".mp4',
        "https://[x/a.png",
        "https://x/a).png",
        "https://x/\u2028.mp4",
        "javascript:alert(1)",
    ]
)
#: Where a real entry can be damaged, and what a replacement there may look like.
DAMAGES: dict[tuple[str | int, ...], st.SearchStrategy[Any]] = {
    ("paper",): json_values,
    ("paper", "id"): ODD_IDS | json_values,
    ("paper", "title"): api_text | json_values,
    ("title",): api_text | json_values,
    ("paper", "authors"): st.lists(api_text) | json_values,
    ("paper", "authors", 0): api_text | json_values,
    ("paper", "authors", 0, "name"): api_text | json_values,
    ("paper", "upvotes"): ODD_UPVOTES | json_values,
    ("paper", "summary"): api_text | json_values,
    ("summary",): json_values,
    ("thumbnail",): ODD_URLS | json_values,
    ("mediaUrl",): ODD_URLS | json_values,
    ("paper", "publishedAt"): json_values,
    ("paper", "githubRepo"): ODD_URLS | json_values,
    ("paper", "projectPage"): ODD_URLS | json_values,
    ("paper", "ai_keywords"): st.lists(api_text) | json_values,
}
DELETE = object()


def full_entry(arxiv_id: str, title: str, upvotes: int, authors: list[str]) -> dict[str, Any]:
    """An entry in the API's current shape with every field the parser reads."""
    entry = make_entry(
        arxiv_id,
        title,
        upvotes=upvotes,
        authors=authors,
        githubRepo="https://github.com/x/y",
        projectPage="https://x.github.io",
        ai_keywords=["kw"],
    )
    entry["mediaUrl"] = "https://x/y.png"
    return entry


@st.composite
def damaged_entries(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str | int, ...]]:
    """A real-looking entry with one field replaced by anything (or removed)."""
    entry = full_entry(
        f"2412.{draw(st.integers(0, 99999)):05d}",
        draw(st.text(min_size=1).filter(collapse)),  # a title that is not only controls
        draw(st.integers(0, 5000)),
        draw(st.lists(st.text(), min_size=1, max_size=3)),
    )
    path = draw(st.sampled_from(sorted(DAMAGES, key=str)))
    value = draw(st.just(DELETE) | DAMAGES[path])
    *parents, last = path
    holder: Any = entry
    for key in parents:
        holder = holder[key]
    if value is DELETE:
        del holder[last]
    else:
        holder[last] = value
    return entry, path


def test_damaged_entries_reach_every_field() -> None:
    """The damage strategy names only fields the real entry has, and that entry is good."""
    entry = full_entry("2412.00001", "T", 1, ["A"])
    for path in DAMAGES:
        holder: Any = entry
        for key in path:
            holder = holder[key]

    assert parse_entries([entry]).problems == []


def fetch_problem(raw: Any) -> str | None:
    day = parse_entries([raw])
    return day.problems[0] if day.problems else None


@FUZZ
@given(st.lists(json_values | damaged_entries().map(lambda pair: pair[0]), max_size=6))
def test_any_json_list_gives_papers_or_problems_naming_the_entry(raw: list[Any]) -> None:
    day = parse_entries(raw)

    assert len(day.papers) + len(day.problems) == len(raw)
    positions = []
    for problem in day.problems:
        assert isinstance(problem, str)
        head, _, reason = problem.partition(": ")
        assert head.startswith("entry ")
        positions.append(int(head.removeprefix("entry ")))
        assert reason.strip(), problem
    assert positions == sorted(set(positions))
    assert len({p.arxiv_id for p in day.papers}) == len(day.papers)
    for paper in day.papers:
        assert_clean_paper(paper)


@FUZZ
@given(damaged_entries())
def test_a_damaged_field_is_named_in_the_problem(
    pair: tuple[dict[str, Any], tuple[Any, ...]],
) -> None:
    entry, path = pair

    problem = fetch_problem(entry)

    if problem is None:
        assert_clean_paper(parse_entry(entry))
    else:
        where = ".".join(map(str, path))
        assert problem.startswith("entry 0: ")
        assert where in problem or ("title" in where and "has no title" in problem), problem


def assert_clean_paper(paper: Paper) -> None:
    """What the rest of the pipeline takes for granted about a parsed paper."""
    assert ARXIV_ID.fullmatch(paper.arxiv_id)
    assert paper.arxiv_id.isascii(), paper.arxiv_id
    assert paper.title
    assert collapse(paper.title) == paper.title
    assert all(name and collapse(name) == name for name in paper.authors)
    assert len(set(paper.authors)) == len(paper.authors)
    assert isinstance(paper.upvotes, int)
    assert 0 <= paper.upvotes < 2**63
    assert paper.thumbnail is None or (isinstance(paper.thumbnail, str) and paper.thumbnail)


@settings(max_examples=100, deadline=None)
@given(st.lists(damaged_entries().map(lambda pair: pair[0]), min_size=1, max_size=4))
def test_every_parsed_paper_can_be_stored_and_read_back(raw: list[dict[str, Any]]) -> None:
    day = parse_entries(raw)

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "db.sqlite") as store:
        for paper in day.papers:
            store.upsert_paper(paper, DAY)
        store.record_listing(Period.day(DAY), day.papers)
        again = [store.get_paper(p.arxiv_id) for p in day.papers]
        listing = store.listing(DAY)

    assert again == day.papers
    assert listing == [(p.arxiv_id, p.upvotes) for p in day.papers]


def read_page(body: bytes) -> list[Any] | FetchError:
    """The page's entries, or the FetchError it raised; any other exception propagates."""
    try:
        return parse_page_body(body, date=DAY)
    except FetchError as e:
        return e


@FUZZ
@given(json_values)
def test_a_page_body_is_a_list_or_a_fetch_error_saying_what_came(value: Any) -> None:
    got = read_page(json.dumps(value).encode())

    if isinstance(value, list):
        assert isinstance(got, list)
        assert json.dumps(got) == json.dumps(value)
    else:
        assert isinstance(got, FetchError)
        assert str(got).startswith(f"daily papers for {DAY}: expected a JSON list of papers, got ")


@FUZZ
@given(
    st.binary(max_size=300)
    | st.builds(
        lambda a, b: a + b,
        st.sampled_from([b"[", b"{", b'["', b"\xef\xbb\xbf[", b"\xff\xfe[\x00"]),
        st.binary(max_size=50),
    )
    | json_values.map(lambda v: json.dumps(v).encode()[:-1])
)
def test_any_bytes_give_a_list_or_a_fetch_error(body: bytes) -> None:
    got = read_page(body)

    if isinstance(got, list):
        day = parse_entries(got)
        assert len(day.papers) + len(day.problems) == len(got)
    else:
        assert str(got).startswith(f"daily papers for {DAY}: ")
        assert str(got).removeprefix(f"daily papers for {DAY}: ").strip()


# Regressions the properties above found. -----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000, "malformed JSON: maximum recursion depth exceeded"),
        (b"[" + b"1" * 5000 + b"]", "malformed JSON: Exceeds the limit (4300 digits)"),
    ],
)
def test_json_that_python_refuses_to_build_is_malformed(body: bytes, message: str) -> None:
    with pytest.raises(FetchError) as error:
        parse_page_body(body, date=DAY)

    assert str(error.value).startswith(f"daily papers for {DAY}: {message}")


def test_half_an_emoji_becomes_a_replacement_character_and_can_be_stored() -> None:
    raw = json.loads(json.dumps(make_entry("2412.00001", "Emoji \ud83d cut", authors=["\ude00A"])))
    raw["extra"] = {"\ud800key": ["\udfff"]}

    paper = parse_entry(raw)

    assert paper.title == "Emoji \ufffd cut"
    assert paper.authors == ("\ufffdA",)
    assert paper.raw["extra"] == {"\ufffdkey": ["\ufffd"]}
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "db.sqlite") as store:
        store.upsert_paper(paper, DAY)
        assert store.get_paper("2412.00001") == paper


def test_a_clean_entry_keeps_its_raw_object() -> None:
    raw = make_entry("2412.00001", "Fine 😀")

    assert parse_entry(raw).raw is raw


def test_an_entry_too_deep_to_store_is_a_problem() -> None:
    raw = make_entry("2412.00001", "T")
    for _ in range(5000):
        raw["extra"] = [raw.get("extra")]

    assert fetch_problem(raw) == "entry 0: the entry is nested too deeply"


@pytest.mark.parametrize("upvotes", [2**63, 10**30])
def test_upvotes_beyond_what_sqlite_holds_are_a_problem(upvotes: int) -> None:
    problem = fetch_problem(make_entry("2412.00001", "T", upvotes=upvotes))

    assert problem is not None
    assert problem.startswith("entry 0: paper.upvotes: ")


@pytest.mark.parametrize("arxiv_id", ["２４１２.０４４６７", "٢٤١٢.٠٤٤٦٧", "\u212aa/1234567"])
def test_an_id_in_other_digits_or_letters_is_not_an_arxiv_id(arxiv_id: str) -> None:
    problem = fetch_problem(make_entry(arxiv_id, "T"))

    assert problem == f"entry 0: paper.id {arxiv_id!r} is not an arXiv id"


@pytest.mark.parametrize(
    ("thumbnail", "expected"),
    [
        ("https://x/a b.png", "https://x/a%20b.png"),
        (" https://x/v.mp4\n", "https://x/v.mp4"),
        ('https://x/say"hi".mp4', "https://x/say%22hi%22.mp4"),
        ("https://x/\u2028.png", "https://x/%E2%80%A8.png"),
        ("   ", None),
        ("https://x/plain.png", "https://x/plain.png"),
    ],
)
def test_a_thumbnail_url_cannot_break_its_line(thumbnail: str, expected: str | None) -> None:
    assert parse_entry(make_entry("2412.00001", "T", thumbnail=thumbnail)).thumbnail == expected


# 2. The digest: render, import through the real importer into SQLite, render again ------------

thumbnails = ODD_URLS | st.sampled_from(
    [
        None,
        "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2412.00001.png",
        "https://cdn-uploads.huggingface.co/x/demo.MP4",
        "https://x/v.mp4?download=1",
    ]
)
#: What a summarizer hands on: one line per section (they collapse whitespace).
section_texts = clean_text.map(collapse)


@st.composite
def pipeline_entries(draw: st.DrawFn, number: int) -> tuple[DigestEntry, Paper]:
    """An entry as the pipeline builds it (API fields through the real parser, the title
    escaped), with the authors written either way an imported day may keep them."""
    raw: dict[str, Any] = {
        "paper": {
            "id": f"2412.{number:05d}",
            "title": draw(api_text.filter(collapse)),  # not only spaces and controls
            "authors": [{"name": name} for name in draw(st.lists(api_text, max_size=4))],
            "upvotes": draw(st.integers(0, 2**63 - 1)),
        },
    }
    thumbnail = draw(thumbnails)
    if thumbnail is not None:
        raw["thumbnail"] = thumbnail
    paper = parse_entry(raw)
    style: AuthorsStyle = draw(st.sampled_from(["comma", "python_list"]))
    entry = DigestEntry(
        arxiv_id=paper.arxiv_id,
        title_md=escape_title(paper.title),
        thumbnail=paper.thumbnail,
        votes=paper.upvotes,
        authors=paper.authors,
        sections=tuple(Section(label, draw(section_texts)) for label in SECTION_LABELS),
        authors_style=style,
        note=draw(st.sampled_from([None, EXTRACTIVE_NOTE])),
    )
    return entry, paper


@st.composite
def digests(draw: st.DrawFn, *, repeats: bool = False) -> tuple[Digest, list[Paper]]:
    """A day as the pipeline writes it: each paper once (or, with ``repeats``, maybe twice)."""
    day = draw(st.dates(Date(2023, 1, 1), Date(2026, 12, 31))).isoformat()
    count = draw(st.integers(1, 4))
    ids = st.integers(0, 2) if repeats else st.integers(0, 99999)
    numbers = draw(st.lists(ids, min_size=count, max_size=count, unique=not repeats))
    pairs = [draw(pipeline_entries(n)) for n in numbers]
    split = draw(st.integers(1, count))
    entries = [entry for entry, _ in pairs]
    runs = [entries[:split], entries[split:]] if split < count else [entries]
    return Digest(day, tuple(DigestRun(tuple(run)) for run in runs)), [p for _, p in pairs]


@contextmanager
def fresh_store() -> Iterator[tuple[Path, Store]]:
    """A new folder and database per example: pytest's tmp_path is shared by all examples."""
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "db" / "d.db") as store:
        yield Path(folder), store


@FUZZ
@given(digests())
def test_render_import_render_is_byte_stable(case: tuple[Digest, list[Paper]]) -> None:
    digest, papers = case
    text = render_digest(digest)

    with fresh_store() as (folder, store):
        path = digest_path(folder / "archive", digest.date)
        write_atomic(path, text)
        report = import_archive(store, folder / "archive")
        loaded = store.load_digest(digest.date)
        stored = [store.get_paper(p.arxiv_id) for p in papers]
        written = path.read_bytes()

    assert written == text.encode("utf-8")
    assert report.errors == []
    assert (report.days, report.papers) == ([digest.date], len(papers))
    assert loaded is not None
    assert render_digest(loaded) == text
    assert [e.sections for r in loaded.runs for e in r.entries] == [
        e.sections for r in digest.runs for e in r.entries
    ]
    assert [e.note for r in loaded.runs for e in r.entries] == [
        e.note for r in digest.runs for e in r.entries
    ]
    for paper, again in zip(papers, stored, strict=True):
        assert again is not None
        assert (again.title, again.authors, again.upvotes, again.thumbnail) == (
            paper.title,
            paper.authors,
            paper.upvotes,
            paper.thumbnail,
        )


@FUZZ
@given(digests(repeats=True))
def test_an_import_keeps_a_day_exactly_or_refuses_it(case: tuple[Digest, list[Paper]]) -> None:
    """A predecessor's day can show a paper twice; the import must not merge its summaries."""
    digest, _ = case
    text = render_digest(digest)

    with fresh_store() as (folder, store):
        write_atomic(digest_path(folder / "archive", digest.date), text)
        report = import_archive(store, folder / "archive")
        loaded = store.load_digest(digest.date)

    if report.errors:
        assert report.days == []
        assert loaded is None
        [error] = report.errors
        assert "is shown twice with different summaries" in error
    else:
        assert report.days == [digest.date]
        assert loaded is not None
        assert render_digest(loaded) == text


def test_a_day_showing_a_paper_twice_with_two_summaries_is_not_imported(tmp_path: Path) -> None:
    def block(text: str) -> str:
        return (
            f"## Daily Papers ({DAY})\n\n### [T](https://arxiv.org/abs/2412.00001)\n\n"
            f"Vote: 1\n\nAuthors: A\n\n- ***What's New***: {text}\n\n"
        )

    write_atomic(digest_path(tmp_path / "a", DAY), block("first") + block("second"))
    write_atomic(digest_path(tmp_path / "b", DAY), block("same") + block("same"))

    with Store.open(tmp_path / "d.db") as store:
        refused = import_archive(store, tmp_path / "a")
        kept = import_archive(store, tmp_path / "b")
        loaded = store.load_digest(DAY)

    assert refused.days == []
    assert refused.errors == [
        f"{digest_path(tmp_path / 'a', DAY)}: 2412.00001 is shown twice with different "
        "summaries; the database keeps one summary per paper and day"
    ]
    assert kept.days == [DAY]
    assert loaded is not None
    assert render_digest(loaded) == block("same") + block("same")


@FUZZ
@given(digests())
def test_what_we_render_parses_back_to_the_same_entries(case: tuple[Digest, list[Paper]]) -> None:
    digest, _ = case
    text = render_digest(digest)

    again = parse_digest(text)

    assert [
        (e.arxiv_id, e.title_md, e.thumbnail, e.votes, e.authors)
        for r in again.runs
        for e in r.entries
    ] == [
        (e.arxiv_id, e.title_md, e.thumbnail, e.votes, e.authors)
        for r in digest.runs
        for e in r.entries
    ]


def test_a_thumbnail_that_urlsplit_refuses_renders_and_reads_back() -> None:
    entry = DigestEntry("2412.00001", "T", "https://[x/a.png", 1, ("A",), ())
    digest = Digest(DAY, (DigestRun((entry,)),))

    text = render_digest(digest)

    assert "![](https://[x/a.png)\n" in text
    assert parse_digest(text) == digest


@pytest.mark.parametrize(
    ("authors", "line"),
    [
        (("['x",), """Authors: ["['x"]"""),
        (("[]",), "Authors: ['[]']"),
        (("Smith, J.", "Bo"), "Authors: ['Smith, J.', 'Bo']"),
        (("",), "Authors: ['']"),
        (("A", "", "B"), "Authors: A, , B"),
        (("Amy [Li]",), "Authors: Amy [Li]"),
    ],
)
def test_authors_that_a_comma_line_would_garble_are_written_as_a_list(
    authors: tuple[str, ...], line: str
) -> None:
    entry = DigestEntry("2412.00001", "T", None, 1, authors, ())
    digest = Digest(DAY, (DigestRun((entry,)),))

    text = render_digest(digest)
    again = parse_digest(text)

    assert f"\n{line}\n" in text
    assert again.runs[0].entries[0].authors == authors
    assert render_digest(again) == text


# 3. Reading PDFs ------------------------------------------------------------------------------

PDF_SETTINGS = settings(max_examples=100, deadline=None)


def read_pdf(body: bytes) -> ExtractedText | ExtractError:
    """The text, or the ExtractError; any other exception propagates and fails the test."""
    try:
        return extract_text(body, arxiv_id="2412.00001")
    except ExtractError as e:
        return e


def assert_text_or_clear_error(body: bytes) -> ExtractedText | ExtractError:
    got = read_pdf(body)
    if isinstance(got, ExtractError):
        assert got.arxiv_id == "2412.00001"
        assert str(got).startswith("2412.00001: ")
        assert got.reason.strip()
    else:
        assert got.pages >= 1
        assert got.text.strip()
    return got


@PDF_SETTINGS
@given(st.binary(max_size=2048))
def test_random_bytes_are_refused_as_not_a_pdf(body: bytes) -> None:
    assume(not looks_like_pdf(body))

    got = assert_text_or_clear_error(body)

    assert isinstance(got, ExtractError)
    assert got.reason.startswith(("not a PDF", "PDF is empty"))


@PDF_SETTINGS
@given(
    st.binary(max_size=16),
    st.sampled_from([b"%PDF-", b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\n"]),
    st.binary(max_size=4096),
)
def test_a_pdf_header_then_garbage_is_an_extract_error(
    head: bytes, magic: bytes, tail: bytes
) -> None:
    got = assert_text_or_clear_error(head + magic + tail)

    assert isinstance(got, ExtractError)


@PDF_SETTINGS
@given(st.data())
def test_a_truncated_or_damaged_generated_pdf(data: st.DataObject) -> None:
    pdf = paper_pdf(0)
    cut = data.draw(st.integers(1, len(pdf)), label="cut")
    body = bytearray(pdf[:cut])
    for position, value in data.draw(
        st.lists(st.tuples(st.integers(0, cut - 1), st.integers(0, 255)), max_size=4), label="flips"
    ):
        body[position] = value
    body += data.draw(st.binary(max_size=64), label="tail")

    assert_text_or_clear_error(bytes(body))


def test_the_generated_pdf_is_read_whole() -> None:
    """The property above starts from a PDF that reads; only the damage can make it fail."""
    got = read_pdf(paper_pdf(0))

    assert isinstance(got, ExtractedText)
    assert "Paper number 0" in got.text


@pytest.fixture(scope="module")
def real_pdfs() -> list[bytes]:
    folder = shared_path("fixtures", "arxiv_pdfs")
    pdfs = [path.read_bytes() for path in sorted(folder.glob("*.pdf"))]
    if not pdfs:
        pytest.skip(f"no PDFs in {folder}")
    return pdfs


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_a_truncated_real_arxiv_pdf(real_pdfs: list[bytes], data: st.DataObject) -> None:
    pdf = data.draw(st.sampled_from(real_pdfs), label="pdf")
    cut = data.draw(st.integers(1, len(pdf) - 1) | st.integers(len(pdf) - 2048, len(pdf) - 1))

    assert_text_or_clear_error(pdf[:cut])


# The whole run, with PDFs that cannot be read -------------------------------------------------


def unreadable_pdfs() -> list[bytes]:
    """Bodies served as PDFs that no reader can use: each paper falls back to its abstract."""
    rng = random.Random(7)
    pdf = paper_pdf(1)
    noise = bytes(rng.randrange(256) for _ in range(3000))
    return [
        noise,
        b"%PDF-1.5\n" + noise,
        pdf[: len(pdf) // 3],
        pdf[:-40],
        pdf[:200] + noise,
    ]


def test_a_day_of_unreadable_pdfs_is_summarized_from_the_abstracts(world: World) -> None:
    bodies = unreadable_pdfs()
    for body in bodies:
        assert isinstance(read_pdf(body), ExtractError)
    ids = world.add_day(DAY, len(bodies), pdfs=False)
    for arxiv_id, body in zip(ids, bodies, strict=True):
        world.arxiv.add_pdf(arxiv_id, body)

    result = world.run("--date", DAY)

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        rows = db.execute(
            "SELECT p.arxiv_id, p.status, t.source, s.text_source FROM papers p "
            "JOIN paper_texts t USING (arxiv_id) JOIN summaries s USING (arxiv_id) "
            "ORDER BY p.arxiv_id"
        ).fetchall()
    assert rows == [(i, "summarized", "abstract", "abstract") for i in sorted(ids)]
    digest = digest_path(world.out, DAY).read_text(encoding="utf-8")
    shown = [entry.arxiv_id for run in parse_digest(digest).runs for entry in run.entries]
    assert sorted(shown) == sorted(ids)


def test_a_title_with_half_an_emoji_runs_and_publishes(world: World) -> None:
    entries = [make_entry("2412.00001", "Emoji \ud83d cut"), make_entry("2412.00002", "Fine")]
    world.hf.set_raw(DAY, json.dumps(entries).encode())  # ASCII JSON: the half emoji as an escape

    result = world.run("--date", DAY, env=world.env(llm=False))

    assert result.exit_code == 0, result.output
    digest = digest_path(world.out, DAY).read_text(encoding="utf-8")
    assert "### [Emoji \ufffd cut](https://arxiv.org/abs/2412.00001)" in digest
