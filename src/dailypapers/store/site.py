"""Bulk reads for the site: every entry of many days (or weeks) in one query, with what the
pages add from the paper and its text, and a cheap fingerprint of each day's inputs.

A site of 50,000 papers would otherwise run three queries per entry; these run one per kind
of period. The fingerprints read no text at all: triggers (migration 0010) give every paper,
day and week a new random stamp whenever what the site shows of it changes, and a
fingerprint hashes the stamps; so a build can tell which days changed before it builds a
single view. Should a trigger be missing, the rows themselves are hashed, as before.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dailypapers.evidence import Grounding
from dailypapers.models import DigestEntry
from dailypapers.store.db import Database
from dailypapers.store.digests import _entry_from_row
from dailypapers.store.papers import provenance_of
from dailypapers.store.summaries import summary_provenance_of

#: What a page shows of a paper beyond its digest entry.
_EXTRAS = (
    "p.github_repo, p.project_page, p.ai_keywords_json, p.organization, t.source, "
    "t.fitted_tokens, t.dropped_json, t.kept_json, t.truncated, t.gates_json, t.refusals_json, "
    "s.model, s.grounding_json"
)
_DAY_COLUMNS = (
    "e.date AS period, e.run, e.position, e.arxiv_id, e.title_md, e.thumbnail, e.votes, "
    "e.authors_json, e.authors_style, e.era, e.layout, e.raw_md, s.sections_json, s.kind, "
    f"s.flags_json, s.prompt_version, {_EXTRAS}"
)
_WEEK_COLUMNS = (
    "e.week AS period, NULL AS run, e.position, e.arxiv_id, e.title_md, e.thumbnail, e.votes, "
    "e.authors_json, e.authors_style, NULL AS era, NULL AS layout, NULL AS raw_md, "
    f"s.sections_json, s.kind, s.flags_json, s.prompt_version, {_EXTRAS}"
)
_JOINS = (
    "JOIN summaries s ON s.id = e.summary_id "
    "LEFT JOIN papers p ON p.arxiv_id = e.arxiv_id "
    "LEFT JOIN paper_texts t ON t.arxiv_id = e.arxiv_id"
)


#: Each paper's stamp (``site_versions``, migration 0010), beside its entry.
_STAMPS = "LEFT JOIN site_versions v ON v.name = 'paper:' || e.arxiv_id"
#: The triggers that keep ``site_versions``.
STAMP_TRIGGERS = frozenset(
    f"site_{table}_{change}"
    for table in ("day", "week", "summary", "text")
    for change in ("insert", "update", "delete")
) | {"site_paper_update", "site_paper_delete"}
_TRIGGERS_SQL = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'site_%'"


@dataclass(frozen=True)
class Fingerprint:
    """A period's inputs in short: a hash of its rows, its papers (each once, in order) and
    how many entries it has."""

    hash: str
    papers: tuple[str, ...]
    entries: int


@dataclass(frozen=True)
class PaperExtras:
    """What the site shows of a paper that its digest entry does not carry."""

    github_repo: str | None = None
    project_page: str | None = None
    keywords: tuple[str, ...] = ()
    organization: str | None = None
    #: ``provenance_line`` of its stored text, or None.
    provenance: str | None = None
    #: ``summary_provenance`` of the summary shown: text, claims verified, model, flagged.
    summary_provenance: str | None = None
    #: Where each number and name of that summary comes from, when it was traced.
    grounding: Grounding | None = None


@dataclass(frozen=True)
class SiteEntry:
    """One entry of a day (in its run) or of a week, with its paper's extras."""

    period: str
    run: int | None
    entry: DigestEntry
    extras: PaperExtras


class SiteRecords(Database):
    def day_entries(self, dates: Sequence[str] | None = None) -> list[SiteEntry]:
        """The entries of ``dates`` (every day when None), by day, run and position."""
        where, params = _among("e.date", dates)
        rows = self.db.execute(
            f"SELECT {_DAY_COLUMNS} FROM digest_entries e {_JOINS} {where} "
            "ORDER BY e.date, e.run, e.position",
            params,
        )
        return [_site_entry(row) for row in rows]

    def week_entries(self, weeks: Sequence[str] | None = None) -> list[SiteEntry]:
        """The entries of ``weeks`` (every stored week when None), by week and position."""
        where, params = _among("e.week", weeks)
        rows = self.db.execute(
            f"SELECT {_WEEK_COLUMNS} FROM weekly_entries e {_JOINS} {where} "
            "ORDER BY e.week, e.position",
            params,
        )
        return [_site_entry(row) for row in rows]

    def day_fingerprints(self) -> dict[str, Fingerprint]:
        """Every day with a digest -> a hash of everything its page shows, and its papers."""
        if self._stamped():
            return self._stamped_fingerprints(
                "SELECT e.date, e.arxiv_id, v.stamp FROM digest_entries e "
                f"{_STAMPS} ORDER BY e.date, e.run, e.position",
                "day:",
            )
        rows = self.db.execute(
            f"SELECT {_DAY_COLUMNS} FROM digest_entries e {_JOINS} "
            "ORDER BY e.date, e.run, e.position"
        )
        return _fingerprints(rows)

    def week_fingerprints(self) -> dict[str, Fingerprint]:
        """Every stored week -> a hash of everything its page shows, and its papers."""
        if self._stamped():
            return self._stamped_fingerprints(
                "SELECT e.week, e.arxiv_id, v.stamp FROM weekly_entries e "
                f"{_STAMPS} ORDER BY e.week, e.position",
                "week:",
            )
        rows = self.db.execute(
            f"SELECT {_WEEK_COLUMNS} FROM weekly_entries e {_JOINS} ORDER BY e.week, e.position"
        )
        return _fingerprints(rows)

    def _stamped(self) -> bool:
        """Whether every trigger that stamps ``site_versions`` is there (a migration that
        rebuilds a table drops its triggers: the rows are then read and hashed)."""
        names = {row[0] for row in self.db.execute(_TRIGGERS_SQL)}
        return names >= STAMP_TRIGGERS

    def _stamped_fingerprints(self, sql: str, kind: str) -> dict[str, Fingerprint]:
        """A hash of each period's stamp and its papers' stamps, in order (no text read)."""
        periods = {
            name.removeprefix(kind): stamp
            for name, stamp in self.db.execute(
                "SELECT name, stamp FROM site_versions WHERE name >= ? AND name < ?",
                (kind, kind[:-1] + ";"),
            )
        }
        parts: dict[str, list[str]] = {}
        papers: dict[str, dict[str, None]] = {}
        for period, arxiv_id, stamp in self.db.execute(sql):
            if period not in parts:
                parts[period] = [repr(periods.get(period))]
                papers[period] = {}
            parts[period].append(f"{arxiv_id}:{stamp}")
            papers[period][arxiv_id] = None
        return {
            period: Fingerprint(
                hashlib.blake2b("\n".join(lines).encode(), digest_size=12).hexdigest(),
                tuple(papers[period]),
                len(lines) - 1,
            )
            for period, lines in parts.items()
        }


def _among(column: str, values: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    if values is None:
        return "", ()
    return f"WHERE {column} IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)


def _fingerprints(rows: Iterable[sqlite3.Row]) -> dict[str, Fingerprint]:
    """Hash each period's rows as they come (no JSON decoded), and list its papers."""
    hashes: dict[str, Any] = {}
    papers: dict[str, dict[str, None]] = {}
    entries: dict[str, int] = {}
    for row in rows:
        period = row[0]
        if period not in hashes:
            hashes[period] = hashlib.blake2b(digest_size=12)
            papers[period], entries[period] = {}, 0
        hashes[period].update(repr(tuple(row)).encode("utf-8"))
        papers[period][row["arxiv_id"]] = None
        entries[period] += 1
    return {p: Fingerprint(h.hexdigest(), tuple(papers[p]), entries[p]) for p, h in hashes.items()}


def _site_entry(row: sqlite3.Row) -> SiteEntry:
    provenance = provenance_of(row) if row["source"] is not None else None
    keywords = json.loads(row["ai_keywords_json"]) if row["ai_keywords_json"] else []
    grounding = Grounding.from_json(row["grounding_json"])
    extras = PaperExtras(
        github_repo=row["github_repo"],
        project_page=row["project_page"],
        keywords=tuple(keywords),
        organization=row["organization"],
        provenance=provenance,
        summary_provenance=summary_provenance_of(row, grounding),
        grounding=grounding,
    )
    return SiteEntry(row["period"], row["run"], _entry_from_row(row), extras)
