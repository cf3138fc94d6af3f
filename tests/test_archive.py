"""Reading digests back: the golden files, strict errors, and render/parse stability."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.digest.legacy import read_archive_digest
from dailypapers.digest.parse import find_digest_files, parse_digest
from dailypapers.digest.render import escape_title, render_digest
from dailypapers.errors import ArchiveError
from dailypapers.models import Digest, DigestEntry, DigestRun, Section
from tests.shared_data import SHARED, shared_path


def reference_names() -> list[str]:
    """The reference file names, read when the tests are collected (none if absent)."""
    logs = SHARED / "reference" / "logs"
    return sorted(p.name for p in logs.glob("*.md")) if logs.is_dir() else ["(reference absent)"]


@pytest.mark.parametrize("name", reference_names())
def test_a_reference_file_parses_and_renders_back_byte_for_byte(name: str) -> None:
    text = shared_path("reference", "logs", name).read_text(encoding="utf-8")

    digest = parse_digest(text, source=name)

    assert digest.date == name.removesuffix(".md")
    assert render_digest(digest) == text


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


HEAD = "## Daily Papers (2024-12-06)\n\n"
ENTRY = (
    "### [T](https://arxiv.org/abs/2412.00001)\n\n![](https://x/t.png)\n\nVote: 1\n\n"
    "Authors: A\n\n- ***What's New***: 가\n\n"
)
VIDEO = "https://x/v.mp4"
VIDEO_BLOCK = (
    f'[Watch Video]({VIDEO})\n<div><video controls src="{VIDEO}" muted="false"></video></div>\n\n'
)


def changed(old: str, new: str) -> str:
    return HEAD + ENTRY.replace(old, new)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTRY, "f.md:1: expected '## Daily Papers (YYYY-MM-DD)' first"),
        (HEAD + "hello\n", "f.md:3: expected '### [title](url)', got 'hello'"),
        ("## Daily Papers (2024-13-40)\n\n", "f.md:1: 2024-13-40 is not a real date"),
        ("## Daily Papers (6 Dec)\n\n", "f.md:1: malformed run header '## Daily Papers (6 Dec)'"),
        (
            HEAD + "## Daily Papers (2024-12-07)\n",
            "f.md:3: header date 2024-12-07 differs from 2024-12-06",
        ),
        (
            changed("https://arxiv.org/abs/2412.00001", "https://example.org/2412.00001"),
            "f.md:3: malformed heading '### [T](https://example.org/2412.00001)'",
        ),
        (changed("Vote: 1", "Vote: many"), "f.md:7: bad Vote 'many'"),
        (changed("Vote: 1", "Vote: -1"), "f.md:7: bad Vote '-1'"),
        (
            changed("Vote: 1", "Votes: 1"),
            "f.md:7: expected a thumbnail or 'Vote: N', got 'Votes: 1'",
        ),
        (changed("t.png", "t.MP4"), "f.md:5: a video URL written as an image"),
        (
            changed("![](https://x/t.png)\n\n", VIDEO_BLOCK.split("\n")[0] + "\n\n"),
            "f.md:7: the video link has no <video> line after it",
        ),
        (
            changed("![](https://x/t.png)\n\n", VIDEO_BLOCK.replace("v.mp4)", "w.mp4)")),
            "f.md:6: the <video> line does not match the video link",
        ),
        (
            changed("![](https://x/t.png)", "[Watch Video](https://x/t.png)"),
            "f.md:5: 'Watch Video' links to something that is not .mp4",
        ),
        (
            changed("Authors: A\n\n", ""),
            "f.md:9: expected 'Authors: ...', got \"- ***What's New***: 가\"",
        ),
        (
            changed("Authors: A", "Authors: ['A', 3]"),
            "f.md:9: the author list is not a list of names",
        ),
        (
            changed("- ***What", "* ***What"),
            "f.md:11: expected '- KEY: text', got \"* ***What's New***: 가\"",
        ),
        (
            changed("- ***What's New***:", "- ***What's New***"),
            "f.md:11: expected '- KEY: text', got \"- ***What's New*** 가\"",
        ),
        (
            changed("가\n", "가\n> late note\n"),
            "f.md:12: expected '- KEY: text', got '> late note'",
        ),
        (
            HEAD + "### [T](https://arxiv.org/abs/2412.00001)\n\n![](https://x/t.png)\n\n",
            "f.md:3: entry 2412.00001 has no Vote line",
        ),
        (
            HEAD + "### [T](https://arxiv.org/abs/2412.00001)\n\nVote: 3\n\n" + HEAD,
            "f.md:3: entry 2412.00001 has no Authors line",
        ),
        ("## Daily Papers (2024-12-06)", "f.md:1: file does not end with a newline"),
        ("\n", "f.md:1: expected '## Daily Papers (YYYY-MM-DD)' first"),
        ("", "f.md: no '## Daily Papers (YYYY-MM-DD)' header"),
    ],
)
def test_anything_out_of_format_is_an_error_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ArchiveError) as error:
        parse_digest(text, source="f.md")

    assert str(error.value) == message


@pytest.mark.parametrize("authors", ["['A', B']", "['A', 'B'", "['A'] and more"])
def test_an_unreadable_python_author_list_is_an_error(authors: str) -> None:
    with pytest.raises(ArchiveError, match=r"^f\.md:9: unreadable author list: "):
        parse_digest(changed("Authors: A", f"Authors: {authors}"), source="f.md")


def test_our_additions_parse_back_into_the_entry() -> None:
    text = HEAD + ENTRY.replace("![](https://x/t.png)\n\n", VIDEO_BLOCK).replace(
        "Authors: A\n\n", 'Authors: ["O\'Brien", "D\'Arcy"]\n\n> Extractive summary.\n\n'
    )

    digest = parse_digest(text)

    assert digest == Digest(
        "2024-12-06",
        (
            DigestRun(
                (
                    DigestEntry(
                        arxiv_id="2412.00001",
                        title_md="T",
                        thumbnail=VIDEO,
                        votes=1,
                        authors=("O'Brien", "D'Arcy"),
                        sections=(Section("***What's New***", "가"),),
                        authors_style="python_list",
                        note="Extractive summary.",
                    ),
                )
            ),
        ),
    )
    assert render_digest(digest) == text


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
    (tmp_path / "paper_logs" / "2024" / "12" / "06.md").write_text("y")

    with pytest.raises(ArchiveError, match="two digests for 2024-12-06"):
        find_digest_files(tmp_path)


def test_two_identical_copies_of_a_day_are_read_once(tmp_path: Path) -> None:
    """Two folders of an archive may both hold a day (the reference's ``logs/`` and
    ``legacy/`` share one): the same bytes are no conflict."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "2024-12-06.md").write_text("x")
    (tmp_path / "b" / "2024-12-06.md").write_text("x")

    assert find_digest_files(tmp_path) == [("2024-12-06", tmp_path / "a" / "2024-12-06.md")]


line_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1)
#: A comma-style name list that reads as a Python list is out of scope: never seen, not ours.
names = st.lists(
    line_text.filter(lambda n: ", " not in n and n != "[]" and n[:2] not in ("['", '["')),
    min_size=1,
    max_size=5,
)
sections = st.lists(
    st.tuples(
        st.sampled_from(["***What's New***", "**Technical Details**", "***Conclusion***"]),
        line_text,
    ),
    min_size=1,
    max_size=4,
)
thumbnails = st.sampled_from([None, "https://x/t.png", "https://x/v.mp4", "https://x/V.Mp4?s=1"])
entries = st.builds(
    lambda title, arxiv, votes, authors, style, secs, thumbnail, note: DigestEntry(
        arxiv_id=f"2412.{arxiv:05d}",
        title_md=escape_title(title),
        thumbnail=thumbnail,
        votes=votes,
        authors=tuple(authors),
        sections=tuple(Section(label, text) for label, text in secs),
        authors_style=style,
        note=note,
    ),
    line_text,
    st.integers(0, 99999),
    st.integers(0, 10_000),
    names,
    st.sampled_from(["comma", "python_list"]),
    sections,
    thumbnails,
    st.none() | line_text,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(entries, min_size=1, max_size=3), min_size=1, max_size=2))
def test_render_then_parse_gives_back_the_same_digest(runs: list[list[DigestEntry]]) -> None:
    digest = Digest("2024-12-06", tuple(DigestRun(tuple(run)) for run in runs))

    text = render_digest(digest)
    again = parse_digest(text)

    assert again == digest
    assert render_digest(again) == text


def legacy_names() -> list[str]:
    """The older-era reference file names, read at collection (none if absent)."""
    legacy = SHARED / "reference" / "legacy"
    return sorted(p.name for p in legacy.glob("*.md")) if legacy.is_dir() else ["(absent)"]


@pytest.mark.parametrize("name", legacy_names())
def test_an_older_era_file_is_read_entry_by_entry_and_renders_back(name: str) -> None:
    text = shared_path("reference", "legacy", name).read_text(encoding="utf-8")
    lines = shared_path("reference", "legacy", "files.jsonl").read_text("utf-8").splitlines()
    listed = {record["date"]: record for record in map(json.loads, lines)}[name.removesuffix(".md")]

    read = read_archive_digest(text, source=name)

    entries = [entry for run in read.digest.runs for entry in run.entries]
    assert [entry.arxiv_id for entry in entries] == listed["arxiv_ids"]
    assert read.irregular == []
    assert render_digest(read.digest) == text
