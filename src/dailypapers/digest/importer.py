"""Import stage: bring an existing archive of digest files into the database.

Each section's label and text, each day's blocks and their order are kept exactly, so that
rendering a day again gives back the imported file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.digest.legacy import Irregular, read_archive_file
from dailypapers.digest.parse import find_digest_files
from dailypapers.digest.render import unescape_title
from dailypapers.errors import ArchiveError
from dailypapers.models import (
    EXTRACTIVE_MODEL,
    EXTRACTIVE_NOTE,
    FLAGGED_NOTE_PREFIX,
    IMPORTED_PREFIX,
    Digest,
    DigestEntry,
    Paper,
    Summary,
)
from dailypapers.store import Store

#: The model the predecessor's digests were written with.
IMPORTED_MODEL = "gpt-4o"


@dataclass
class ImportReport:
    days: list[str] = field(default_factory=list)
    papers: int = 0
    #: Files that could not be read at all, each with its cause: nothing of them went in.
    errors: list[str] = field(default_factory=list)
    #: Entries no format explains, kept verbatim (their day went in), with file and line.
    irregular: list[Irregular] = field(default_factory=list)
    #: Days a run of ours had stored, left as they were (no ``replace``).
    kept: list[str] = field(default_factory=list)


def archive_folder(root: Path) -> Path:
    """Where the digests of ``root`` are: its ``paper_logs/`` when it is the root of a
    checkout of the predecessor (or of ours), else ``root`` itself."""
    logs = root / "paper_logs"
    return logs if logs.is_dir() else root


def import_archive(store: Store, root: Path, *, replace: bool = False) -> ImportReport:
    """Import every digest file under ``root`` (see ``archive_folder``), of any era.

    A file that cannot be read at all is reported and the others go in; an entry no format
    explains is kept verbatim and reported, and the rest of its day goes in. A day a run of
    ours stored is kept unless ``replace``.
    """
    report = ImportReport()
    files = find_digest_files(archive_folder(root))
    if not files:
        raise ArchiveError(f"no digest files (YYYY-MM-DD.md or paper_logs/YYYY/MM/DD.md) in {root}")
    for when, path in files:
        try:
            read = read_archive_file(path)
        except ArchiveError as e:
            report.errors.append(str(e))
            continue
        digest = read.digest
        if digest.date != when:
            report.errors.append(f"{path}: its header says {digest.date}, its name says {when}")
            continue
        if repeated := _repeated_with_another_summary(digest):
            report.errors.append(
                f"{path}: {repeated} is shown twice with different summaries; "
                "the database keeps one summary per paper and day"
            )
            continue
        if not replace and store.has_own_digest(when):
            report.kept.append(when)
            continue
        report.papers += import_digest(store, digest)
        report.irregular += read.irregular
        report.days.append(when)
    return report


def import_digest(store: Store, digest: Digest) -> int:
    """Store one parsed digest, replacing what the database held for that day."""
    runs = []
    with store.transaction():
        for run in digest.runs:
            pairs = []
            for entry in run.entries:
                store.add_paper_if_missing(_paper_of(entry), digest.date)
                summary_id = store.save_summary(entry.arxiv_id, _summary_of(entry, digest.date))
                store.mark_imported(entry.arxiv_id)
                pairs.append((entry, summary_id))
            runs.append(pairs)
        store.replace_runs_from(digest.date, 0, runs)
    return sum(len(run) for run in runs)


def _repeated_with_another_summary(digest: Digest) -> str | None:
    """A paper the day shows twice with different sections (or kinds), which would merge."""
    seen: dict[str, Summary] = {}
    for run in digest.runs:
        for entry in run.entries:
            summary = _summary_of(entry, digest.date)
            if seen.setdefault(entry.arxiv_id, summary) != summary:
                return entry.arxiv_id
    return None


def _paper_of(entry: DigestEntry) -> Paper:
    return Paper(
        arxiv_id=entry.arxiv_id,
        title=unescape_title(entry.title_md),
        authors=entry.authors,
        upvotes=entry.votes,
        thumbnail=entry.thumbnail,
        abstract="",
    )


def _summary_of(entry: DigestEntry, when: str) -> Summary:
    if entry.note == EXTRACTIVE_NOTE:
        return Summary(entry.sections, "extractive", EXTRACTIVE_MODEL, IMPORTED_PREFIX + when)
    flags: tuple[str, ...] = ()
    if entry.note and entry.note.startswith(FLAGGED_NOTE_PREFIX):
        flags = (entry.note.removeprefix(FLAGGED_NOTE_PREFIX),)
    return Summary(entry.sections, "imported", IMPORTED_MODEL, IMPORTED_PREFIX + when, flags=flags)
