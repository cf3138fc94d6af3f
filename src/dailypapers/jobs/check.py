"""`dailypapers check`: run the summary checks over digest files or the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.digest.legacy import read_archive_file
from dailypapers.digest.parse import digest_files_under
from dailypapers.digest.render import unescape_title
from dailypapers.errors import ArchiveError
from dailypapers.evidence import Grounding
from dailypapers.models import EXTRACTIVE_NOTE, VERBATIM, DigestEntry, section_name
from dailypapers.store import Store
from dailypapers.summarize.checks import (
    CheckSettings,
    Finding,
    check_bullets,
    check_summary,
    settings_for,
)
from dailypapers.summarize.grounding import ground


@dataclass(frozen=True)
class PaperCheck:
    date: str
    arxiv_id: str
    findings: list[Finding]
    #: Where each number and name comes from in the stored paper text (``check --db``);
    #: None when there is no text to trace them in (digest files, imported summaries).
    grounding: Grounding | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "date": self.date,
            "arxiv_id": self.arxiv_id,
            "findings": [{"check": f.check, "detail": f.detail} for f in self.findings],
        }
        if self.grounding is not None:
            data["numbers_found"] = list(self.grounding.numbers)
            data["names_found"] = list(self.grounding.names)
            data.update(self.grounding.as_dict())
        return data


@dataclass
class FileChecks:
    """What ``check_files`` found: each paper's findings, and the files it could not read."""

    papers: list[PaperCheck] = field(default_factory=list)
    #: One line per file that could not be read, naming it and the cause.
    unreadable: list[str] = field(default_factory=list)


def check_files(paths: list[Path], settings: CheckSettings) -> FileChecks:
    """Every paper of every digest under ``paths`` (files or folders); no paper text, so the
    number check is skipped. A file that cannot be read or parsed is listed in ``unreadable``
    and the others are still checked."""
    checks = FileChecks()
    for path in digest_files(paths, checks.unreadable):
        try:
            digest = read_archive_file(path).digest
        except ArchiveError as e:
            checks.unreadable.append(str(e))
            continue
        for run in digest.runs:
            for entry in run.entries:
                title = unescape_title(entry.title_md)
                findings = check_entry(entry, settings, title=title)
                checks.papers.append(PaperCheck(digest.date, entry.arxiv_id, findings))
    return checks


def check_entry(
    entry: DigestEntry, settings: CheckSettings, *, source: str | None = None, title: str = ""
) -> list[Finding]:
    """The checks that fit the entry's era: an entry kept verbatim is one finding, a list of
    bullets (the predecessor's first eras) has no sections to miss, the rest are sections."""
    if entry.era == VERBATIM:
        return [Finding("format", "kept verbatim as imported: no known format explains it")]
    rules = rules_for(entry, settings)
    if entry.bullets:
        bullets = [section.text for section in entry.sections]
        return check_bullets(bullets, source=source, settings=rules, title=title)
    sections = [(s.label, s.text) for s in entry.sections]
    return check_summary(sections, source=source, settings=rules, title=title)


def rules_for(entry: DigestEntry, settings: CheckSettings) -> CheckSettings:
    """The settings for ``entry``: an extractive summary is the paper's own English sentences
    by design (its note says so, in a file as in the database), so it is checked as English."""
    return settings_for("en") if entry.note == EXTRACTIVE_NOTE else settings


def digest_files(paths: list[Path], unreadable: list[str]) -> list[Path]:
    """The digest files ``paths`` name or hold; a path that is neither goes to ``unreadable``."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [file for _, file in digest_files_under(path)]
        elif path.is_file():
            found.append(path)
        else:
            unreadable.append(f"{path}: no such file or folder")
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
                findings = check_entry(entry, settings, source=source, title=title)
                grounding = None
                if text is not None and entry.era != VERBATIM:
                    grounding = ground(
                        entry_parts(entry), title=title, abstract=abstract, text=text.text
                    )
                yield PaperCheck(when, entry.arxiv_id, findings, grounding)


def entry_parts(entry: DigestEntry) -> list[tuple[str, str]]:
    """An entry's summary as (section, text) pairs: its sections by name, or its bullets."""
    if entry.bullets:
        return [("bullets", section.text) for section in entry.sections]
    return [(section_name(section.label), section.text) for section in entry.sections]
