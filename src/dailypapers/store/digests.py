"""What each digest shows: a day's blocks (``digest_entries``) and a week's list
(``weekly_entries``), each entry tied to the summary it is shown with."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from dailypapers.models import (
    EXTRACTIVE_NOTE,
    FLAGGED_NOTE_PREFIX,
    Digest,
    DigestEntry,
    DigestRun,
    Section,
    is_imported,
    summary_lang,
)
from dailypapers.store.db import Database, dumps

#: Columns of a digest or weekly entry joined with what its summary adds to it.
_ENTRY_WITH_SUMMARY = "e.*, s.sections_json, s.kind, s.flags_json, s.prompt_version"
#: A week's entries are ours only: they have no older-era columns of their own.
_WEEK_ENTRY_WITH_SUMMARY = f"{_ENTRY_WITH_SUMMARY}, NULL AS era, NULL AS layout, NULL AS raw_md"


class DigestRecords(Database):
    def replace_runs_from(
        self, date: str, first_run: int, runs: Sequence[Sequence[tuple[DigestEntry, int]]]
    ) -> None:
        """Rewrite the day's digest blocks from ``first_run`` on.

        Each run is a sequence of ``(DigestEntry, summary_id)`` pairs, in display order.
        """
        self.db.execute("DELETE FROM digest_entries WHERE date = ? AND run >= ?", (date, first_run))
        rows = []
        for offset, run in enumerate(runs):
            for position, (entry, summary_id) in enumerate(run):
                rows.append(_entry_row(date, first_run + offset, position, entry, summary_id))
        self.db.executemany(
            """
            INSERT INTO digest_entries (date, run, position, arxiv_id, title_md, thumbnail,
                votes, authors_json, authors_style, summary_id, era, layout, raw_md)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            rows,
        )

    def imported_runs(self, date: str) -> int:
        """How many of the day's leading blocks came from an imported archive."""
        row = self.db.execute(
            """
            SELECT max(e.run) FROM digest_entries e JOIN summaries s ON s.id = e.summary_id
            WHERE e.date = ? AND s.prompt_version LIKE 'imported-%'
            """,
            (date,),
        ).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def load_digest(self, date: str) -> Digest | None:
        rows = self.db.execute(
            f"""
            SELECT {_ENTRY_WITH_SUMMARY} FROM digest_entries e
            JOIN summaries s ON s.id = e.summary_id
            WHERE e.date = ? ORDER BY e.run, e.position
            """,
            (date,),
        ).fetchall()
        if not rows:
            return None
        runs: dict[int, list[DigestEntry]] = {}
        for row in rows:
            runs.setdefault(row["run"], []).append(_entry_from_row(row))
        return Digest(date=date, runs=tuple(DigestRun(tuple(e)) for _, e in sorted(runs.items())))

    def latest_digest(self) -> Digest | None:
        """The digest of the latest day that has one: what README.md shows."""
        days = self.digest_days()
        return self.load_digest(days[-1]) if days else None

    def has_digest(self, date: str) -> bool:
        row = self.db.execute("SELECT 1 FROM digest_entries WHERE date = ? LIMIT 1", (date,))
        return row.fetchone() is not None

    def has_own_digest(self, date: str) -> bool:
        """Whether the day's digest has a block written by a run of ours (not imported)."""
        row = self.db.execute(
            """
            SELECT 1 FROM digest_entries e JOIN summaries s ON s.id = e.summary_id
            WHERE e.date = ? AND s.prompt_version NOT LIKE 'imported-%' LIMIT 1
            """,
            (date,),
        )
        return row.fetchone() is not None

    def imported_days(self) -> set[str]:
        """The days whose digest has blocks imported from an archive."""
        rows = self.db.execute(
            """
            SELECT DISTINCT e.date FROM digest_entries e JOIN summaries s ON s.id = e.summary_id
            WHERE s.prompt_version LIKE 'imported-%'
            """
        )
        return {row[0] for row in rows}

    def digest_days(self) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT date FROM digest_entries ORDER BY date")
        return [row[0] for row in rows]

    def digest_dates(self, arxiv_id: str) -> list[str]:
        """The days whose digest already shows this paper."""
        rows = self.db.execute(
            "SELECT DISTINCT date FROM digest_entries WHERE arxiv_id = ? ORDER BY date",
            (arxiv_id,),
        )
        return [row[0] for row in rows]

    def known_dates(self) -> list[str]:
        """Every date with a listing, a digest or a run."""
        rows = self.db.execute(
            "SELECT date FROM listings UNION SELECT date FROM digest_entries "
            "UNION SELECT date FROM runs ORDER BY 1"
        )
        return [row[0] for row in rows]

    # weeks --------------------------------------------------------------------------------

    def replace_week(self, week: str, entries: Sequence[tuple[DigestEntry, int]]) -> None:
        """Store what the week's digest shows, in order: ``(DigestEntry, summary_id)`` pairs."""
        self.db.execute("DELETE FROM weekly_entries WHERE week = ?", (week,))
        self.db.executemany(
            """
            INSERT INTO weekly_entries (week, position, arxiv_id, title_md, thumbnail, votes,
                authors_json, authors_style, summary_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                _entry_row(week, None, position, entry, summary_id)
                for position, (entry, summary_id) in enumerate(entries)
            ],
        )

    def load_week(self, week: str) -> list[DigestEntry]:
        """The entries of the week's stored digest, in order; empty when it has none."""
        rows = self.db.execute(
            f"""
            SELECT {_WEEK_ENTRY_WITH_SUMMARY} FROM weekly_entries e
            JOIN summaries s ON s.id = e.summary_id
            WHERE e.week = ? ORDER BY e.position
            """,
            (week,),
        ).fetchall()
        return [_entry_from_row(row) for row in rows]

    def stored_weeks(self) -> list[str]:
        """Every week with a stored weekly digest, oldest first."""
        rows = self.db.execute("SELECT DISTINCT week FROM weekly_entries ORDER BY week")
        return [row[0] for row in rows]


def _entry_row(
    period: str, run: int | None, position: int, entry: DigestEntry, summary_id: int
) -> tuple[Any, ...]:
    """The columns of an entry row; ``run`` only for a day's entries."""
    common = (
        entry.arxiv_id,
        entry.title_md,
        entry.thumbnail,
        entry.votes,
        dumps(list(entry.authors)),
        entry.authors_style,
        summary_id,
    )
    if run is None:
        return (period, position, *common)
    return (period, run, position, *common, entry.era, entry.layout, entry.raw)


def _note(kind: str, flags: tuple[str, ...]) -> str | None:
    if kind == "extractive":
        return EXTRACTIVE_NOTE
    return FLAGGED_NOTE_PREFIX + "; ".join(flags) if flags else None


def _entry_from_row(row: sqlite3.Row) -> DigestEntry:
    """A digest entry from an entry row joined with its summary's ``sections_json``, ``kind``,
    ``flags_json`` and ``prompt_version``."""
    flags = tuple(json.loads(row["flags_json"]))
    return DigestEntry(
        arxiv_id=row["arxiv_id"],
        title_md=row["title_md"],
        thumbnail=row["thumbnail"],
        votes=row["votes"],
        authors=tuple(json.loads(row["authors_json"])),
        sections=tuple(Section(label, text) for label, text in json.loads(row["sections_json"])),
        authors_style=row["authors_style"],
        note=_note(row["kind"], flags),
        lang=summary_lang(row["kind"], row["prompt_version"]),
        era=row["era"],
        layout=row["layout"],
        raw=row["raw_md"],
        ours=not is_imported(row["prompt_version"]),
        flags=flags,
    )
