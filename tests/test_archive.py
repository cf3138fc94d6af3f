"""Reading digests back: the golden files, strict errors, and render/parse stability."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.archive import find_digest_files, parse_digest
from dailypapers.errors import ArchiveError
from dailypapers.models import Digest, DigestEntry, DigestRun, Section
from dailypapers.render import escape_title, render_digest
from tests.shared_data import shared_path


def reference_files() -> list[Path]:
    return sorted(shared_path("reference", "logs").glob("*.md"))


def test_every_reference_file_parses_and_renders_back_byte_for_byte() -> None:
    files = reference_files()
    assert len(files) >= 2
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert render_digest(parse_digest(text, source=path.name)) == text, path.name


@pytest.mark.parametrize("date", ["2024-12-06", "2024-12-30", "2024-10-21"])
def test_the_parsed_fields_match_the_reference_records(date: str) -> None:
    records = [
        json.loads(line)
        for line in shared_path("reference", "records.jsonl").read_text("utf-8").splitlines()
    ]
    expected = [r for r in records if r["date"] == date]
    digest = parse_digest(shared_path("reference", "logs", f"{date}.md").read_text("utf-8"))

    got = [(run, e) for run, block in enumerate(digest.runs) for e in block.entries]
    assert len(got) == len(expected)
    for (run, entry), record in zip(got, expected, strict=True):
        assert run == record["run"]
        assert entry.arxiv_id == record["arxiv_id"]
        assert entry.title_md == record["title"]
        assert entry.votes == record["votes"]
        assert entry.thumbnail == record["thumbnail"]
        assert Counter(entry.authors) == Counter(record["authors"])
        assert entry.authors_style == record["authors_style"]
        assert [[s.label, s.text] for s in entry.sections] == record["sections"]


ENTRY = (
    "### [T](https://arxiv.org/abs/2412.00001)\n\n![](https://x/t.png)\n\nVote: 1\n\n"
    "Authors: A\n\n- ***What's New***: 가\n\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTRY, "f.md:1: expected '## Daily Papers (YYYY-MM-DD)' first"),
        (
            "## Daily Papers (2024-12-06)\n\nhello\n",
            "f.md:3: expected '### [title](url)', got 'hello'",
        ),
        ("## Daily Papers (2024-13-40)\n\n", "f.md:1: 2024-13-40 is not a real date"),
        (
            "## Daily Papers (2024-12-06)\n\n" + ENTRY.replace("Vote: 1", "Vote: many"),
            "f.md:7: expected a thumbnail or 'Vote: N', got 'Vote: many'",
        ),
        (
            "## Daily Papers (2024-12-06)\n\n" + ENTRY.replace("- ***What", "* ***What"),
            "f.md:11: expected '- KEY: text', got \"* ***What's New***: 가\"",
        ),
        (
            "## Daily Papers (2024-12-06)\n\n" + ENTRY.replace("Authors: A\n\n", ""),
            "f.md:9: expected 'Authors: ...', got \"- ***What's New***: 가\"",
        ),
        (
            "## Daily Papers (2024-12-06)\n\n"
            "### [T](https://arxiv.org/abs/2412.00001)\n\n![](https://x/t.png)\n\n",
            "f.md:3: entry 2412.00001 has no Vote line",
        ),
        ("## Daily Papers (2024-12-06)\n\n## Daily Papers (2024-12-07)\n", "f.md:3: header date"),
        ("## Daily Papers (2024-12-06)", "f.md:1: file does not end with a newline"),
        ("", "f.md: no '## Daily Papers (YYYY-MM-DD)' header"),
    ],
)
def test_anything_out_of_format_is_an_error_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ArchiveError) as error:
        parse_digest(text, source="f.md")

    assert str(error.value).startswith(message)


def test_digest_files_are_found_in_both_layouts(tmp_path: Path) -> None:
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "2024-12-06.md").write_text("x")
    (tmp_path / "flat" / "notes.md").write_text("x")
    (tmp_path / "flat" / "2024-13-40.md").write_text("x")
    tree = tmp_path / "paper_logs" / "2025" / "01"
    tree.mkdir(parents=True)
    (tree / "09.md").write_text("x")
    (tree / "32.md").write_text("x")

    found = find_digest_files(tmp_path)

    assert found == [
        ("2024-12-06", tmp_path / "flat" / "2024-12-06.md"),
        ("2025-01-09", tree / "09.md"),
    ]


def test_the_same_day_twice_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "2024-12-06.md").write_text("x")
    (tmp_path / "paper_logs" / "2024" / "12").mkdir(parents=True)
    (tmp_path / "paper_logs" / "2024" / "12" / "06.md").write_text("x")

    with pytest.raises(ArchiveError, match="two digests for 2024-12-06"):
        find_digest_files(tmp_path)


line_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)
names = st.lists(
    line_text.filter(lambda n: ", " not in n and n.strip() == n and n != ""), min_size=1, max_size=5
)
sections = st.lists(
    st.tuples(st.sampled_from(["***What's New***", "**Technical Details**"]), line_text),
    min_size=1,
    max_size=4,
)
entries = st.builds(
    lambda title, arxiv, votes, authors, secs, video, note: DigestEntry(
        arxiv_id=f"2412.{arxiv:05d}",
        title_md=escape_title(title),
        thumbnail=("https://x/v.mp4" if video else "https://x/t.png"),
        votes=votes,
        authors=tuple(authors),
        sections=tuple(Section(label, text) for label, text in secs),
        note=note,
    ),
    line_text,
    st.integers(0, 99999),
    st.integers(0, 10_000),
    names,
    sections,
    st.booleans(),
    st.none() | line_text,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(entries, min_size=1, max_size=3), min_size=1, max_size=2))
def test_render_then_parse_gives_back_the_same_digest(runs: list[list[DigestEntry]]) -> None:
    digest = Digest("2024-12-06", tuple(DigestRun(tuple(run)) for run in runs))

    text = render_digest(digest)
    again = parse_digest(text)

    assert again == digest
    assert render_digest(again) == text
