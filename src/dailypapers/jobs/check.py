"""`dailypapers check`: run the summary checks over digest files or the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dailypapers.digest.parse import find_digest_files, parse_digest
from dailypapers.digest.render import unescape_title
from dailypapers.errors import ArchiveError
from dailypapers.models import EXTRACTIVE_NOTE
from dailypapers.store import Store
from dailypapers.summarize.checks import CheckSettings, Finding, check_summary, settings_for


@dataclass(frozen=True)
class PaperCheck:
    date: str
    arxiv_id: str
    findings: list[Finding]

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.date,
            "arxiv_id": self.arxiv_id,
            "findings": [{"check": f.check, "detail": f.detail} for f in self.findings],
        }


def check_files(paths: list[Path], settings: CheckSettings) -> Iterator[PaperCheck]:
    """Every paper of every digest under ``paths`` (files or folders); no paper text, so the
    number check is skipped. A file that cannot be read raises ArchiveError naming it."""
    for path in digest_files(paths):
        digest = parse_digest(path.read_text(encoding="utf-8"), source=str(path))
        for run in digest.runs:
            for entry in run.entries:
                sections = [(s.label, s.text) for s in entry.sections]
                title = unescape_title(entry.title_md)
                findings = check_summary(sections, settings=settings, title=title)
                yield PaperCheck(digest.date, entry.arxiv_id, findings)


def digest_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [file for _, file in find_digest_files(path)]
        elif path.is_file():
            found.append(path)
        else:
            raise ArchiveError(f"{path}: no such file or folder")
    return found


def check_database(store: Store, settings: CheckSettings) -> Iterator[PaperCheck]:
    """Each published paper's summary against the text it was made from and its abstract
    (PDF text, or the abstract alone); imported summaries have no stored text, so their
    numbers are not checked. Extractive summaries are the paper's own English sentences and
    are checked as English."""
    for when in store.digest_days():
        digest = store.load_digest(when)
        if digest is None:
            continue
        for run in digest.runs:
            for entry in run.entries:
                paper = store.get_paper(entry.arxiv_id)
                text = store.get_text(entry.arxiv_id)
                title = paper.title if paper else ""
                abstract = paper.abstract if paper else ""
                source = None if text is None else f"{title}\n{abstract}\n{text.text}"
                sections = [(s.label, s.text) for s in entry.sections]
                rules = settings_for("en") if entry.note == EXTRACTIVE_NOTE else settings
                findings = check_summary(sections, source=source, settings=rules, title=title)
                yield PaperCheck(when, entry.arxiv_id, findings)
