"""Papers, the lists they were listed in, and their text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dailypapers.models import Paper, PaperText, provenance_line
from dailypapers.periods import Period, now
from dailypapers.store.db import Database, dumps
from dailypapers.store.summaries import summary_provenance_of


@dataclass(frozen=True)
class PaperState:
    """What ``status`` shows of one paper of a day."""

    arxiv_id: str
    title: str
    status: str
    last_error: str | None
    upvotes: int
    text_source: str | None
    fitted_tokens: int | None
    #: The days whose digest shows the paper, comma-separated, or None.
    digest_dates: str | None
    summaries: int
    #: Where its text came from and what of it was read (``provenance_line``), or None.
    provenance: str | None = None
    #: Where its published (else newest) summary stands (``summary_provenance``), or None.
    summary_provenance: str | None = None


@dataclass(frozen=True)
class Unsettled:
    """A listed paper with no summary at all and in no digest."""

    arxiv_id: str
    status: str
    last_error: str | None


class PaperRecords(Database):
    def add_paper_if_missing(self, paper: Paper, date: str) -> None:
        """Insert a paper known only from an archive; a paper already stored keeps its data."""
        if self.get_paper(paper.arxiv_id) is None:
            self.upsert_paper(paper, date)
        else:
            self.db.execute(
                "UPDATE papers SET first_listed = min(first_listed, ?) WHERE arxiv_id = ?",
                (date, paper.arxiv_id),
            )

    def upsert_paper(self, paper: Paper, date: str) -> None:
        """Insert a listed paper, or refresh its metadata; first listing and status stay."""
        self.db.execute(
            """
            INSERT INTO papers (arxiv_id, title, authors_json, upvotes, thumbnail, abstract,
                published_at, github_repo, project_page, ai_keywords_json, organization, raw_json,
                first_listed, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (arxiv_id) DO UPDATE SET
                title = excluded.title, authors_json = excluded.authors_json,
                upvotes = excluded.upvotes, thumbnail = excluded.thumbnail,
                abstract = CASE WHEN excluded.abstract != '' THEN excluded.abstract
                    ELSE papers.abstract END,
                published_at = coalesce(excluded.published_at, papers.published_at),
                github_repo = coalesce(excluded.github_repo, papers.github_repo),
                project_page = coalesce(excluded.project_page, papers.project_page),
                ai_keywords_json = excluded.ai_keywords_json,
                organization = coalesce(excluded.organization, papers.organization),
                raw_json = coalesce(excluded.raw_json, papers.raw_json),
                first_listed = min(papers.first_listed, excluded.first_listed),
                updated_at = excluded.updated_at
            """,
            (
                paper.arxiv_id,
                paper.title,
                dumps(list(paper.authors)),
                paper.upvotes,
                paper.thumbnail,
                paper.abstract,
                paper.published_at,
                paper.github_repo,
                paper.project_page,
                dumps(list(paper.ai_keywords)),
                paper.organization,
                dumps(paper.raw) if paper.raw else None,
                date,
                now(),
            ),
        )

    def record_listing(self, period: Period, papers: Sequence[Paper]) -> None:
        """Store a day's or a week's list in the API's order, replacing an earlier fetch of
        it. Weeks go to ``week_listings``, apart from the dated lists."""
        table, key = ("week_listings", "week") if period.is_week else ("listings", "date")
        fetched = now()
        self.db.execute(f"DELETE FROM {table} WHERE {key} = ?", (period.name,))
        self.db.executemany(
            f"INSERT INTO {table} ({key}, position, arxiv_id, upvotes, fetched_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(period.name, i, p.arxiv_id, p.upvotes, fetched) for i, p in enumerate(papers)],
        )

    def listing(self, date: str) -> list[tuple[str, int]]:
        """(arXiv id, upvotes) of the day's list, in the API's order."""
        rows = self.db.execute(
            "SELECT arxiv_id, upvotes FROM listings WHERE date = ? ORDER BY position", (date,)
        )
        return [(row[0], row[1]) for row in rows]

    def mark_imported(self, arxiv_id: str) -> None:
        """A paper known only from an archive is settled: nothing to summarize."""
        self.db.execute(
            "UPDATE papers SET status = 'imported' WHERE arxiv_id = ? AND status = 'new'",
            (arxiv_id,),
        )

    def get_paper(self, arxiv_id: str) -> Paper | None:
        row = self.db.execute("SELECT * FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        return _paper_from_row(row) if row else None

    def set_status(self, arxiv_id: str, status: str, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE papers SET status = ?, last_error = ?, updated_at = ? WHERE arxiv_id = ?",
            (status, error, now(), arxiv_id),
        )

    def save_text(self, text: PaperText) -> None:
        self.db.execute(
            """
            INSERT OR REPLACE INTO paper_texts (arxiv_id, source, pages, full_text,
                fitted_tokens, dropped_json, missing_reason, updated_at,
                kept_json, truncated, gates_json, refusals_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                text.arxiv_id,
                text.source,
                text.pages,
                text.full_text,
                text.tokens,
                dumps(list(text.dropped_sections)),
                text.missing_reason,
                now(),
                dumps(list(text.kept_sections)),
                int(text.truncated),
                dumps(list(text.gates)),
                dumps(list(text.refusals)),
            ),
        )

    def get_text(self, arxiv_id: str) -> PaperText | None:
        """The stored text of a paper: the whole text it was read from (Markdown, HTML
        converted, the PDF's text), or the abstract when that was all; with its provenance."""
        row = self.db.execute(
            "SELECT t.*, p.abstract FROM paper_texts t JOIN papers p ON p.arxiv_id = t.arxiv_id "
            "WHERE t.arxiv_id = ?",
            (arxiv_id,),
        ).fetchone()
        if row is None:
            return None
        return PaperText(
            arxiv_id=arxiv_id,
            text=row["abstract"] if row["source"] == "abstract" else row["full_text"],
            source=row["source"],
            tokens=row["fitted_tokens"],
            pages=row["pages"],
            full_text=row["full_text"],
            missing_reason=row["missing_reason"],
            dropped_sections=tuple(json.loads(row["dropped_json"])),
            kept_sections=tuple(json.loads(row["kept_json"])),
            truncated=bool(row["truncated"]),
            gates=tuple(json.loads(row["gates_json"])),
            refusals=tuple(json.loads(row["refusals_json"])),
        )

    def provenance(self, arxiv_id: str) -> str | None:
        """The one-line provenance of a paper's stored text, or None when none is stored."""
        row = self.db.execute(
            "SELECT source, fitted_tokens, dropped_json, kept_json, truncated, gates_json, "
            "refusals_json FROM paper_texts WHERE arxiv_id = ?",
            (arxiv_id,),
        ).fetchone()
        return None if row is None else provenance_of(row)

    def source_counts(self, since: str | None = None) -> dict[str, int]:
        """How many papers' texts came from each source, for papers first listed on or after
        ``since`` (all papers when None)."""
        rows = self.db.execute(
            """
            SELECT t.source, count(*) FROM paper_texts t
            JOIN papers p ON p.arxiv_id = t.arxiv_id
            WHERE ?1 IS NULL OR p.first_listed >= ?1
            GROUP BY t.source
            """,
            (since,),
        )
        return {row[0]: int(row[1]) for row in rows}

    def unsettled(self, date: str) -> list[Unsettled]:
        """Papers listed on ``date`` with no summary at all and in no digest."""
        rows = self.db.execute(
            """
            SELECT p.arxiv_id, p.status, p.last_error FROM listings l
            JOIN papers p ON p.arxiv_id = l.arxiv_id
            WHERE l.date = ?
              AND NOT EXISTS (SELECT 1 FROM summaries s WHERE s.arxiv_id = p.arxiv_id)
              AND NOT EXISTS (SELECT 1 FROM digest_entries d WHERE d.arxiv_id = p.arxiv_id)
            ORDER BY l.position
            """,
            (date,),
        )
        return [Unsettled(*row) for row in rows]

    def unsettled_counts(self) -> dict[str, int]:
        """How many papers each day lists with no summary at all and in no digest (``unsettled``
        for every day at once); days with none are left out."""
        rows = self.db.execute(
            """
            SELECT l.date, count(*) FROM listings l
            WHERE NOT EXISTS (SELECT 1 FROM summaries s WHERE s.arxiv_id = l.arxiv_id)
              AND NOT EXISTS (SELECT 1 FROM digest_entries d WHERE d.arxiv_id = l.arxiv_id)
            GROUP BY l.date
            """
        )
        return {row[0]: int(row[1]) for row in rows}

    def listed_counts(self) -> dict[str, int]:
        """How many papers each day's stored list has; days with no list are left out."""
        rows = self.db.execute("SELECT date, count(*) FROM listings GROUP BY date")
        return {row[0]: int(row[1]) for row in rows}

    def failed_errors(self) -> dict[str, list[str]]:
        """The stored errors of every failed paper, by the day that lists it: the paper's last
        error and its last failed LLM call's, for telling a retryable failure from one that
        needs the user."""
        rows = self.db.execute(
            """
            SELECT l.date, p.last_error,
                (SELECT c.error FROM llm_calls c WHERE c.arxiv_id = p.arxiv_id AND NOT c.ok
                    ORDER BY c.id DESC LIMIT 1)
            FROM listings l JOIN papers p ON p.arxiv_id = l.arxiv_id
            WHERE p.status = 'failed'
            ORDER BY l.date, l.position
            """
        )
        errors: dict[str, list[str]] = {}
        for date, last_error, call_error in rows:
            found = [e for e in (last_error, call_error) if e]
            errors.setdefault(date, []).append(" / ".join(dict.fromkeys(found)) or "unknown")
        return errors

    def day_states(self, date: str) -> list[PaperState]:
        """The stored state of every paper listed on, or published in, a day."""
        rows = self.db.execute(
            """
            SELECT p.arxiv_id, p.title, p.status, p.last_error, p.upvotes,
                t.source AS text_source, t.fitted_tokens,
                (SELECT group_concat(DISTINCT d.date) FROM digest_entries d
                    WHERE d.arxiv_id = p.arxiv_id) AS digest_dates,
                (SELECT count(*) FROM summaries s WHERE s.arxiv_id = p.arxiv_id) AS summaries,
                t.source, t.dropped_json, t.kept_json, t.truncated, t.gates_json, t.refusals_json,
                s.id AS summary_id, s.kind, s.model, s.prompt_version, s.flags_json,
                s.grounding_json
            FROM papers p LEFT JOIN paper_texts t ON t.arxiv_id = p.arxiv_id
            LEFT JOIN summaries s ON s.id = coalesce(
                (SELECT d.summary_id FROM digest_entries d WHERE d.arxiv_id = p.arxiv_id
                    ORDER BY d.date DESC LIMIT 1),
                (SELECT s2.id FROM summaries s2 WHERE s2.arxiv_id = p.arxiv_id
                    ORDER BY s2.created_at DESC, s2.id DESC LIMIT 1))
            WHERE p.arxiv_id IN (SELECT arxiv_id FROM listings WHERE date = ?
                                 UNION SELECT arxiv_id FROM digest_entries WHERE date = ?)
            ORDER BY p.upvotes DESC, p.arxiv_id
            """,
            (date, date),
        )
        # the text's provenance from the columns joined here, not one query more per paper
        return [_state(row) for row in rows]


def _state(row: sqlite3.Row) -> PaperState:
    """A ``day_states`` row: the state, then the text's provenance columns."""
    provenance = provenance_of(row) if row["source"] is not None else None
    summary = summary_provenance_of(row) if row["summary_id"] is not None else None
    return replace(PaperState(*row[:9]), provenance=provenance, summary_provenance=summary)


def _paper_from_row(row: sqlite3.Row) -> Paper:
    return Paper(
        arxiv_id=row["arxiv_id"],
        title=row["title"],
        authors=tuple(json.loads(row["authors_json"])),
        upvotes=row["upvotes"],
        thumbnail=row["thumbnail"],
        abstract=row["abstract"],
        published_at=row["published_at"],
        github_repo=row["github_repo"],
        project_page=row["project_page"],
        ai_keywords=tuple(json.loads(row["ai_keywords_json"])),
        organization=row["organization"],
        raw=json.loads(row["raw_json"]) if row["raw_json"] else {},
    )


def provenance_of(row: sqlite3.Row) -> str:
    """``provenance_line`` of a ``paper_texts`` row (its source, tokens, gates, refusals,
    sections kept and dropped, and whether it was cut)."""
    return provenance_line(
        row["source"],
        row["fitted_tokens"],
        gates=tuple(json.loads(row["gates_json"])),
        refusals=tuple(json.loads(row["refusals_json"])),
        kept=tuple(json.loads(row["kept_json"])),
        dropped=tuple(json.loads(row["dropped_json"])),
        truncated=bool(row["truncated"]),
    )
