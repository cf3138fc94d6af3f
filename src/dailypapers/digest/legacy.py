"""Reading an archive of every era of the predecessor, where no irregular entry refuses a day.

A file is read run by run (``## Daily Papers (DATE)``) and entry by entry (``### [title](url)``
up to the next heading). Each entry is read, in this order, as:

1. the seed format (``parse.parse_digest``), when rendering it again gives it back exactly;
2. an older era: ``no-votes`` (no ``Vote:`` line), ``vote-bullets`` (plain ``- sentence``
   bullets) or ``vote-sections-2star`` (``- **KEY**: text`` sections, numbered lists or other
   lines continuing a section), with any thumbnail form (``![](..)``, ``[Watch Video](..)``
   or ``[Watch Video]..`` with its ``<div><video ..>`` line, ``<video src='..'>``), ``Vote: N``
   or ``Vote: -``, ``Authors:`` or none, and any blank lines. Its ``layout`` records which line
   came where, so ``render.render_older_entry`` writes it back as it was;
3. else verbatim: its exact text is kept and rendered back, and the reason is reported with
   the file and line. The rest of the day still imports.

Only a file with no run header, a header of another date, or text before its first entry is
refused: there is nothing to hang its text on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.digest.parse import HEADER, HEADING, IMAGE, VIDEO_LINK, authors_of, parse_digest
from dailypapers.digest.render import render_entry, render_older_entry, run_header
from dailypapers.errors import ArchiveError
from dailypapers.models import VERBATIM, Digest, DigestEntry, DigestRun, Section

VIDEO_LINK_BARE = re.compile(r"^\[Watch Video\](?P<url>[^(\s]\S*)$")
VIDEO_DIV = re.compile(r'^<div><video controls src="(?P<url>[^"]+)" muted="false"></video></div>$')
VIDEO_TAG = re.compile(r"^<video src='(?P<url>[^']+)'></video>$")
VOTE = re.compile(r"^Vote: (?P<votes>\d+|-)$")
KEYED_ITEM = re.compile(r"^- (?P<label>\*{2,3}[^*]+\*{2,3}): (?P<text>.*)$")
#: Thumbnail lines: layout token and pattern; each gives the same URL.
THUMBNAIL_LINES = (
    ("img", IMAGE),
    ("watch", VIDEO_LINK),
    ("watch-bare", VIDEO_LINK_BARE),
    ("div", VIDEO_DIV),
    ("video-tag", VIDEO_TAG),
)


@dataclass(frozen=True)
class Irregular:
    """An entry kept verbatim: where it starts, which paper, and why no format explains it."""

    where: str
    arxiv_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.arxiv_id} kept verbatim: {self.reason}"


@dataclass
class ArchiveDigest:
    """A day read from an archive file, with the entries kept verbatim."""

    digest: Digest
    irregular: list[Irregular] = field(default_factory=list)


class _NotThisEra(Exception):
    """Why a line does not fit an older era: becomes the reason an entry is kept verbatim."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


def read_archive_file(path: Path) -> ArchiveDigest:
    """The digest file at ``path``, of any era; ``ArchiveError`` naming the file when it cannot
    be read (missing, not UTF-8) or has no digest in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ArchiveError(f"{path}: not UTF-8 text (byte {e.start})") from e
    except OSError as e:
        raise ArchiveError(f"{path}: {e.strerror or e}") from e
    return read_archive_digest(text, source=str(path))


def read_archive_digest(text: str, *, source: str = "<digest>") -> ArchiveDigest:
    """Every run and entry of a digest file of any era; see the module's docstring."""
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    day: str | None = None
    runs: list[list[DigestEntry]] = []
    chunks: list[tuple[int, list[str]]] = []  # the current run's entries: first line, lines
    read = ArchiveDigest(Digest("", ()))
    after_header = False
    for number, line in enumerate(lines, start=1):
        bare = line.removesuffix("\n")
        if after_header:
            after_header = False
            if line != "\n":
                raise ArchiveError(f"{source}:{number}: no blank line after the run header")
        elif header := HEADER.match(bare):
            if day is not None and header.group(1) != day:
                raise ArchiveError(f"{source}:{number}: header date {header.group(1)} != {day}")
            day, after_header = header.group(1), True
            runs.append(_read_run(day, chunks, source, read.irregular))
            chunks = []
        elif HEADING.match(bare) and day is not None:
            chunks.append((number, [line]))
        elif chunks:
            chunks[-1][1].append(line)
        elif day is not None:
            raise ArchiveError(f"{source}:{number}: expected '### [title](url)', got {bare[:60]!r}")
        else:
            raise ArchiveError(f"{source}:{number}: expected '## Daily Papers (YYYY-MM-DD)' first")
    if day is None:
        raise ArchiveError(f"{source}: no '## Daily Papers (YYYY-MM-DD)' header")
    runs.append(_read_run(day, chunks, source, read.irregular))
    read.digest = Digest(date=day, runs=tuple(DigestRun(tuple(run)) for run in runs[1:]))
    return read


def _read_run(
    day: str, chunks: list[tuple[int, list[str]]], source: str, irregular: list[Irregular]
) -> list[DigestEntry]:
    return [_read_entry(day, chunk, source, first, irregular) for first, chunk in chunks]


def _read_entry(
    day: str, chunk: list[str], source: str, first: int, irregular: list[Irregular]
) -> DigestEntry:
    text = "".join(chunk)
    heading = HEADING.match(chunk[0].removesuffix("\n"))
    assert heading is not None  # a chunk starts at a heading
    if seed := _as_seed(day, text):
        return seed
    try:
        entry = _as_older_era(heading, chunk, first)
    except _NotThisEra as e:
        irregular.append(Irregular(f"{source}:{e.line}", heading["id"], e.reason))
        return _verbatim(heading, text)
    if render_older_entry(entry) != text:
        irregular.append(Irregular(f"{source}:{first}", heading["id"], "does not render back"))
        return _verbatim(heading, text)
    return entry


def _as_seed(day: str, text: str) -> DigestEntry | None:
    """The entry in the seed format (ours), when that gives back its text exactly."""
    try:
        digest = parse_digest(run_header(day) + text)
    except ArchiveError:
        return None
    entry = digest.runs[0].entries[0]
    if not any(section.label.startswith("*") for section in entry.sections):
        return None  # plain bullets that happen to hold ": " are an older era
    return entry if render_entry(entry) == text else None


def _verbatim(heading: re.Match[str], text: str) -> DigestEntry:
    return DigestEntry(
        arxiv_id=heading["id"],
        title_md=heading["title"],
        thumbnail=None,
        votes=0,
        authors=(),
        sections=(),
        era=VERBATIM,
        raw=text,
    )


@dataclass
class _Older:
    """An older-era entry being read, line by line."""

    layout: list[str] = field(default_factory=list)
    thumbnail: str | None = None
    votes: int | None = None
    authors: tuple[str, ...] | None = None
    authors_style: str = "comma"
    items: list[list[str]] = field(default_factory=list)  # [label, text]

    @property
    def step(self) -> int:
        """How far the entry has got: 0 thumbnail, 1 vote, 2 authors, 3 summary."""
        if self.items:
            return 3
        if self.authors is not None:
            return 2
        return 1 if {"vote", "vote-"} & set(self.layout) else 0


def _as_older_era(heading: re.Match[str], chunk: list[str], first: int) -> DigestEntry:
    entry = _Older()
    for number, line in enumerate(chunk[1:], start=first + 1):
        if not line.endswith("\n"):
            raise _NotThisEra(number, "the file does not end with a newline")
        _read_older_line(entry, line.removesuffix("\n"), number)
    if not entry.items:
        raise _NotThisEra(first, "no summary lines")
    sections = tuple(Section(label, text) for label, text in entry.items)
    keyed = any(label for label, _ in entry.items)
    has_vote = "vote" in entry.layout or "vote-" in entry.layout
    era = "vote-sections-2star" if keyed else "vote-bullets"
    return DigestEntry(
        arxiv_id=heading["id"],
        title_md=heading["title"],
        thumbnail=entry.thumbnail,
        votes=entry.votes or 0,
        authors=entry.authors or (),
        sections=sections,
        authors_style="python_list" if entry.authors_style == "python_list" else "comma",
        era=era if has_vote else "no-votes",
        layout=" ".join(entry.layout),
    )


def _read_older_line(entry: _Older, line: str, number: int) -> None:
    if line == "":
        entry.layout.append("_")
    elif line.startswith("- "):
        keyed = KEYED_ITEM.match(line)
        entry.items.append([keyed["label"], keyed["text"]] if keyed else ["", line[2:]])
        entry.layout.append("item")
    elif entry.items and entry.layout[-1] == "item":
        entry.items[-1][1] += "\n" + line  # a numbered list or text continuing the item
    elif entry.step < 3 and _read_head_line(entry, line, number):
        return
    else:
        raise _NotThisEra(number, f"line not in any known format: {line[:60]!r}")


def _read_head_line(entry: _Older, line: str, number: int) -> bool:
    """A thumbnail, vote or authors line, in that order; False when it is none of them."""
    for token, pattern in THUMBNAIL_LINES:
        if entry.step == 0 and (match := pattern.match(line)):
            if entry.thumbnail not in (None, match["url"]) or token in entry.layout:
                raise _NotThisEra(number, "a second, different thumbnail")
            entry.thumbnail = match["url"]
            entry.layout.append(token)
            return True
    if entry.step == 0 and (vote := VOTE.match(line)):
        entry.votes = None if vote["votes"] == "-" else int(vote["votes"])
        entry.layout.append("vote-" if vote["votes"] == "-" else "vote")
        return True
    if entry.step < 2 and line.startswith("Authors: "):
        try:
            entry.authors, entry.authors_style = authors_of(line.removeprefix("Authors: "), "")
        except ArchiveError as e:
            raise _NotThisEra(number, f"unreadable authors ({e})") from None
        entry.layout.append("authors")
        return True
    return False
