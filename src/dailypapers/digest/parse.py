"""Read digest files back: the inverse of ``render.render_digest``, plus finding them on disk.

The parser is strict: every line must fit the format, and anything else is an error naming
the file and line, so an import never silently loses content.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from dailypapers.digest.render import (
    ABS_URL,
    README_FOOTER,
    is_video,
    reads_as_python_list,
    run_header,
)
from dailypapers.errors import ArchiveError
from dailypapers.models import AuthorsStyle, Digest, DigestEntry, DigestRun, Section

HEADER = re.compile(r"^## Daily Papers \((\d{4}-\d{2}-\d{2})\)$")
WEEK_HEADER = re.compile(r"^## Weekly Papers \((\d{4}-W\d{2})\)\n\n")
HEADING = re.compile(r"^### \[(?P<title>.*)\]\(" + re.escape(ABS_URL) + r"(?P<id>[^)\s]+)\)$")
IMAGE = re.compile(r"^!\[\]\((?P<url>\S+)\)$")
VIDEO_LINK = re.compile(r"^\[Watch Video\]\((?P<url>\S+)\)$")
VIDEO_TAG = re.compile(r'^<div><video controls src="(?P<url>[^"]+)" muted="false"></video></div>$')
VOTE = re.compile(r"^Vote: (\d+)$")
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.md$")


@dataclass
class _Entry:
    """An entry being read, line by line."""

    arxiv_id: str
    title_md: str
    where: str
    thumbnail: str | None = None
    votes: int | None = None
    authors: tuple[str, ...] | None = None
    authors_style: AuthorsStyle = "comma"
    note: str | None = None
    video_tag: bool = False
    sections: list[Section] = field(default_factory=list)

    def finish(self) -> DigestEntry:
        if self.votes is None or self.authors is None:
            missing = "Vote" if self.votes is None else "Authors"
            raise ArchiveError(f"{self.where}: entry {self.arxiv_id} has no {missing} line")
        return DigestEntry(
            arxiv_id=self.arxiv_id,
            title_md=self.title_md,
            thumbnail=self.thumbnail,
            votes=self.votes,
            authors=self.authors,
            sections=tuple(self.sections),
            authors_style=self.authors_style,
            note=self.note,
        )


def parse_digest(text: str, *, source: str = "<digest>") -> Digest:
    """Parse a digest file; ``render_digest`` of the result gives ``text`` back."""
    lines = text.split("\n")
    if lines[-1] != "":
        raise ArchiveError(f"{source}:{len(lines)}: file does not end with a newline")
    day: str | None = None
    runs: list[list[DigestEntry]] = []
    entry: _Entry | None = None
    for number, line in enumerate(lines[:-1], start=1):
        where = f"{source}:{number}"
        if header := HEADER.match(line):
            if day is not None and header.group(1) != day:
                raise ArchiveError(f"{where}: header date {header.group(1)} differs from {day}")
            day = _valid_date(header.group(1), where)
            _close(entry, runs)
            entry = None
            runs.append([])
        elif line.startswith("## "):
            raise ArchiveError(f"{where}: malformed run header {line[:60]!r}")
        elif not runs:
            raise ArchiveError(f"{where}: expected '## Daily Papers (YYYY-MM-DD)' first")
        elif heading := HEADING.match(line):
            _close(entry, runs)
            entry = _Entry(heading.group("id"), heading.group("title"), where)
        elif line.startswith("### "):
            raise ArchiveError(f"{where}: malformed heading {line[:60]!r}")
        elif line == "":
            continue
        elif entry is None:
            raise ArchiveError(f"{where}: expected '### [title](url)', got {line[:60]!r}")
        else:
            _read_line(entry, line, where)
    _close(entry, runs)
    if day is None:
        raise ArchiveError(f"{source}: no '## Daily Papers (YYYY-MM-DD)' header")
    return Digest(date=day, runs=tuple(DigestRun(tuple(run)) for run in runs))


def parse_readme(text: str, *, source: str = "README.md") -> Digest:
    """The digest a README.md shows: what lies between its header and its footer."""
    start = text.find("\n## Daily Papers (")
    if start < 0 or not text.endswith(README_FOOTER):
        raise ArchiveError(f"{source}: not a README written by dailypapers")
    return parse_digest(text[start + 1 :].removesuffix(README_FOOTER), source=source)


def parse_week(text: str, *, source: str = "<weekly digest>") -> tuple[str, list[DigestEntry]]:
    """A weekly digest: its ISO week and entries, in the day digests' format under one
    ``## Weekly Papers (YYYY-Www)`` header."""
    header = WEEK_HEADER.match(text)
    if header is None:
        raise ArchiveError(f"{source}:1: expected '## Weekly Papers (YYYY-Www)' first")
    # The entries are read as a day's; the date in this stand-in header is never used.
    as_day = run_header("2000-01-01") + text[header.end() :]
    digest = parse_digest(as_day, source=source)
    return header.group(1), [entry for run in digest.runs for entry in run.entries]


def _close(entry: _Entry | None, runs: list[list[DigestEntry]]) -> None:
    if entry is not None:
        runs[-1].append(entry.finish())


def _read_line(entry: _Entry, line: str, where: str) -> None:
    if entry.votes is None:
        _read_before_vote(entry, line, where)
    elif entry.authors is None:
        if not line.startswith("Authors: "):
            raise ArchiveError(f"{where}: expected 'Authors: ...', got {line[:60]!r}")
        entry.authors, entry.authors_style = authors_of(line.removeprefix("Authors: "), where)
    elif line.startswith("> ") and entry.note is None and not entry.sections:
        entry.note = line.removeprefix("> ")
    elif line.startswith("- ") and ": " in line:
        label, text = line.removeprefix("- ").split(": ", 1)
        entry.sections.append(Section(label, text))
    else:
        raise ArchiveError(f"{where}: expected '- KEY: text', got {line[:60]!r}")


def _read_before_vote(entry: _Entry, line: str, where: str) -> None:
    if vote := VOTE.match(line):
        if entry.thumbnail is not None and is_video(entry.thumbnail) and not entry.video_tag:
            raise ArchiveError(f"{where}: the video link has no <video> line after it")
        entry.votes = int(vote.group(1))
    elif line.startswith("Vote:"):
        raise ArchiveError(f"{where}: bad Vote {line.removeprefix('Vote:').strip()[:20]!r}")
    elif entry.thumbnail is None and (image := IMAGE.match(line)):
        if is_video(image.group("url")):
            raise ArchiveError(f"{where}: a video URL written as an image")
        entry.thumbnail = image.group("url")
    elif entry.thumbnail is None and (video := VIDEO_LINK.match(line)):
        if not is_video(video.group("url")):
            raise ArchiveError(f"{where}: 'Watch Video' links to something that is not .mp4")
        entry.thumbnail = video.group("url")
    elif entry.thumbnail is not None and not entry.video_tag and (tag := VIDEO_TAG.match(line)):
        if tag.group("url") != entry.thumbnail or not is_video(entry.thumbnail):
            raise ArchiveError(f"{where}: the <video> line does not match the video link")
        entry.video_tag = True
    else:
        raise ArchiveError(f"{where}: expected a thumbnail or 'Vote: N', got {line[:60]!r}")


def authors_of(value: str, where: str) -> tuple[tuple[str, ...], AuthorsStyle]:
    """``['A', 'B']`` (the predecessor's first weeks) or ``A, B``."""
    if reads_as_python_list(value):
        try:
            names = ast.literal_eval(value)
        except (ValueError, SyntaxError) as e:
            raise ArchiveError(f"{where}: unreadable author list: {e}") from None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ArchiveError(f"{where}: the author list is not a list of names")
        return tuple(names), "python_list"
    return tuple(value.split(", ")) if value else (), "comma"


def _valid_date(value: str, where: str) -> str:
    try:
        Date.fromisoformat(value)
    except ValueError:
        raise ArchiveError(f"{where}: {value} is not a real date") from None
    return value


def find_digest_files(root: Path) -> list[tuple[str, Path]]:
    """Every digest under ``root``: ``YYYY-MM-DD.md`` or ``.../YYYY/MM/DD.md``, by date.

    Two files of a day are an error, unless they are the same bytes (one copy is read)."""
    found: dict[str, Path] = {}
    for day, path in digest_files_under(root):
        if day in found and _same_bytes(found[day], path):
            continue
        if day in found:
            raise ArchiveError(f"two digests for {day}: {found[day]} and {path}")
        found[day] = path
    return sorted(found.items())


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False  # reported when the file itself is read


def digest_files_under(root: Path) -> list[tuple[str, Path]]:
    """Every file under ``root`` named like a digest, with its date; two of a day included."""
    named = ((_date_of(path), path) for path in sorted(root.rglob("*.md")))
    return [(day, path) for day, path in named if day is not None]


def _date_of(path: Path) -> str | None:
    if match := FILE_NAME.match(path.name):
        candidate = match.group(1)
    elif re.fullmatch(r"\d{2}\.md", path.name) and len(path.parts) >= 3:
        year, month = path.parent.parent.name, path.parent.name
        if not (re.fullmatch(r"\d{4}", year) and re.fullmatch(r"\d{2}", month)):
            return None
        candidate = f"{year}-{month}-{path.stem}"
    else:
        return None
    try:
        Date.fromisoformat(candidate)
    except ValueError:
        return None
    return candidate
