"""SQLite storage: numbered migrations applied on open, idempotent writes keyed by arXiv id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from dailypapers.errors import StoreError
from dailypapers.models import (
    EXTRACTIVE_NOTE,
    FLAGGED_NOTE_PREFIX,
    Digest,
    DigestEntry,
    DigestRun,
    LLMCall,
    Paper,
    PaperText,
    Section,
    StoredSummary,
    Summary,
)
from dailypapers.periods import now


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("dailypapers.store") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """The database of papers, texts, summaries, digests and LLM calls."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    @classmethod
    def open(cls, path: Path) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA busy_timeout=10000")
            store = cls(connection)
            store._migrate()
        except sqlite3.Error as e:
            raise StoreError(f"cannot open database {path}: {e}") from e
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version()
        for version, script in _migrations():
            if version <= current:
                continue
            # executescript commits on its own; the version bump is part of the script.
            self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={version};\nCOMMIT;")

    # papers -----------------------------------------------------------------------------

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
                published_at, github_repo, project_page, ai_keywords_json, raw_json,
                first_listed, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (arxiv_id) DO UPDATE SET
                title = excluded.title, authors_json = excluded.authors_json,
                upvotes = excluded.upvotes, thumbnail = excluded.thumbnail,
                abstract = CASE WHEN excluded.abstract != '' THEN excluded.abstract
                    ELSE papers.abstract END,
                published_at = coalesce(excluded.published_at, papers.published_at),
                github_repo = coalesce(excluded.github_repo, papers.github_repo),
                project_page = coalesce(excluded.project_page, papers.project_page),
                ai_keywords_json = excluded.ai_keywords_json,
                raw_json = coalesce(excluded.raw_json, papers.raw_json),
                first_listed = min(papers.first_listed, excluded.first_listed),
                updated_at = excluded.updated_at
            """,
            (
                paper.arxiv_id,
                paper.title,
                _dumps(list(paper.authors)),
                paper.upvotes,
                paper.thumbnail,
                paper.abstract,
                paper.published_at,
                paper.github_repo,
                paper.project_page,
                _dumps(list(paper.ai_keywords)),
                _dumps(paper.raw) if paper.raw else None,
                date,
                now(),
            ),
        )

    def record_listing(self, period: str, papers: Sequence[Paper]) -> None:
        """Store a day's (or an ISO week's, ``2024-W49``) list in the API's order, replacing
        an earlier fetch of it. Weeks go to ``week_listings``, apart from the dated lists."""
        table, key = ("week_listings", "week") if "-W" in period else ("listings", "date")
        fetched = now()
        self.db.execute(f"DELETE FROM {table} WHERE {key} = ?", (period,))
        self.db.executemany(
            f"INSERT INTO {table} ({key}, position, arxiv_id, upvotes, fetched_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(period, i, p.arxiv_id, p.upvotes, fetched) for i, p in enumerate(papers)],
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
                fitted_tokens, dropped_json, missing_reason, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                text.arxiv_id,
                text.source,
                text.pages,
                text.full_text,
                text.tokens,
                _dumps(list(text.dropped_sections)),
                text.missing_reason,
                now(),
            ),
        )

    def get_text(self, arxiv_id: str) -> PaperText | None:
        """The stored text of a paper: the PDF's text, or the abstract when that was all."""
        row = self.db.execute(
            "SELECT t.*, p.abstract FROM paper_texts t JOIN papers p ON p.arxiv_id = t.arxiv_id "
            "WHERE t.arxiv_id = ?",
            (arxiv_id,),
        ).fetchone()
        if row is None:
            return None
        return PaperText(
            arxiv_id=arxiv_id,
            text=row["full_text"] if row["source"] == "pdf" else row["abstract"],
            source=row["source"],
            tokens=row["fitted_tokens"],
            pages=row["pages"],
            full_text=row["full_text"],
            missing_reason=row["missing_reason"],
            dropped_sections=tuple(json.loads(row["dropped_json"])),
        )

    def digest_dates(self, arxiv_id: str) -> list[str]:
        """The days whose digest already shows this paper."""
        rows = self.db.execute(
            "SELECT DISTINCT date FROM digest_entries WHERE arxiv_id = ? ORDER BY date",
            (arxiv_id,),
        )
        return [row[0] for row in rows]

    # summaries and LLM calls ----------------------------------------------------------------

    def get_summary(self, arxiv_id: str, model: str, prompt_version: str) -> StoredSummary | None:
        row = self.db.execute(
            "SELECT * FROM summaries WHERE arxiv_id = ? AND model = ? AND prompt_version = ?",
            (arxiv_id, model, prompt_version),
        ).fetchone()
        return _summary_from_row(row) if row else None

    def best_summary(self, arxiv_id: str, model: str, prompt_version: str) -> StoredSummary | None:
        """The summary for this model and prompt, else the newest summary of the paper."""
        exact = self.get_summary(arxiv_id, model, prompt_version)
        if exact:
            return exact
        row = self.db.execute(
            "SELECT * FROM summaries WHERE arxiv_id = ? ORDER BY created_at DESC, id DESC",
            (arxiv_id,),
        ).fetchone()
        return _summary_from_row(row) if row else None

    def save_summary(self, arxiv_id: str, summary: Summary) -> int:
        """Store a summary under its key, replacing an older one with the same key."""
        sections = _dumps([[s.label, s.text] for s in summary.sections])
        row = self.db.execute(
            """
            INSERT INTO summaries (arxiv_id, model, prompt_version, kind, sections_json,
                text_source, created_at, flags_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (arxiv_id, model, prompt_version) DO UPDATE SET
                kind = excluded.kind, sections_json = excluded.sections_json,
                text_source = excluded.text_source, created_at = excluded.created_at,
                flags_json = excluded.flags_json
            RETURNING id
            """,
            (
                arxiv_id,
                summary.model,
                summary.prompt_version,
                summary.kind,
                sections,
                summary.text_source,
                now(),
                _dumps(list(summary.flags)),
            ),
        ).fetchone()
        return int(row[0])

    def record_llm_call(self, call: LLMCall) -> None:
        self.db.execute(
            """
            INSERT INTO llm_calls (arxiv_id, model, prompt_version, attempt, started_at,
                duration_s, input_tokens, output_tokens, ok, error, raw_response, batch_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                call.arxiv_id,
                call.model,
                call.prompt_version,
                call.attempt,
                call.started_at,
                call.duration_s,
                call.input_tokens,
                call.output_tokens,
                int(call.ok),
                call.error,
                call.raw_response,
                call.batch_id,
            ),
        )

    # batches ----------------------------------------------------------------------------

    def add_batch(
        self,
        batch_id: str,
        model: str,
        prompt_version: str,
        input_file: str,
        papers: dict[str, str],
    ) -> None:
        self.db.execute(
            "INSERT INTO batches (id, model, prompt_version, input_file_id, papers_json, status, "
            "created_at) VALUES (?, ?, ?, ?, ?, 'submitted', ?)",
            (batch_id, model, prompt_version, input_file, _dumps(papers), now()),
        )

    def open_batches(self) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM batches WHERE finished_at IS NULL ORDER BY created_at"
        ).fetchall()

    def close_batch(self, batch_id: str, status: str) -> None:
        self.db.execute(
            "UPDATE batches SET status = ?, finished_at = ? WHERE id = ?",
            (status, now(), batch_id),
        )

    # digests ----------------------------------------------------------------------------

    def replace_runs_from(self, date: str, first_run: int, runs: Sequence[Sequence[Any]]) -> None:
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
                votes, authors_json, authors_style, summary_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            """
            SELECT e.*, s.sections_json, s.kind, s.flags_json FROM digest_entries e
            JOIN summaries s ON s.id = e.summary_id
            WHERE e.date = ? ORDER BY e.run, e.position
            """,
            (date,),
        ).fetchall()
        if not rows:
            return None
        runs: dict[int, list[DigestEntry]] = {}
        for row in rows:
            runs.setdefault(row["run"], []).append(entry_from_row(row))
        return Digest(date=date, runs=tuple(DigestRun(tuple(e)) for _, e in sorted(runs.items())))

    def latest_digest(self) -> Digest | None:
        """The digest of the latest day that has one: what README.md shows."""
        days = self.digest_days()
        return self.load_digest(days[-1]) if days else None

    def digest_days(self) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT date FROM digest_entries ORDER BY date")
        return [row[0] for row in rows]

    def call_tokens(self, since: str | None = None) -> list[sqlite3.Row]:
        """LLM calls summed per (day the paper was first listed, model, paper)."""
        return self.db.execute(
            """
            SELECT coalesce(p.first_listed, '?') AS day,
                c.model || CASE WHEN c.batch_id IS NULL THEN '' ELSE ' (batch)' END AS model,
                c.arxiv_id, count(*) AS calls,
                sum(c.input_tokens) AS input, sum(c.output_tokens) AS output
            FROM llm_calls c LEFT JOIN papers p ON p.arxiv_id = c.arxiv_id
            WHERE ?1 IS NULL OR p.first_listed >= ?1
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """,
            (since,),
        ).fetchall()

    def known_dates(self) -> list[str]:
        """Every date with a listing, a digest or a run."""
        rows = self.db.execute(
            "SELECT date FROM listings UNION SELECT date FROM digest_entries "
            "UNION SELECT date FROM runs ORDER BY 1"
        )
        return [row[0] for row in rows]

    def unsettled(self, date: str) -> list[sqlite3.Row]:
        """Papers listed on ``date`` with no summary at all and in no digest."""
        return self.db.execute(
            """
            SELECT p.arxiv_id, p.status, p.last_error FROM listings l
            JOIN papers p ON p.arxiv_id = l.arxiv_id
            WHERE l.date = ?
              AND NOT EXISTS (SELECT 1 FROM summaries s WHERE s.arxiv_id = p.arxiv_id)
              AND NOT EXISTS (SELECT 1 FROM digest_entries d WHERE d.arxiv_id = p.arxiv_id)
            ORDER BY l.position
            """,
            (date,),
        ).fetchall()

    def day_rows(self, date: str) -> list[sqlite3.Row]:
        """The stored state of every paper listed on, or published in, a day."""
        return self.db.execute(
            """
            SELECT p.arxiv_id, p.title, p.status, p.last_error, p.upvotes,
                t.source AS text_source, t.fitted_tokens,
                (SELECT group_concat(DISTINCT d.date) FROM digest_entries d
                    WHERE d.arxiv_id = p.arxiv_id) AS digest_dates,
                (SELECT count(*) FROM summaries s WHERE s.arxiv_id = p.arxiv_id) AS summaries
            FROM papers p LEFT JOIN paper_texts t ON t.arxiv_id = p.arxiv_id
            WHERE p.arxiv_id IN (SELECT arxiv_id FROM listings WHERE date = ?
                                 UNION SELECT arxiv_id FROM digest_entries WHERE date = ?)
            ORDER BY p.upvotes DESC, p.arxiv_id
            """,
            (date, date),
        ).fetchall()

    # runs -------------------------------------------------------------------------------

    def start_run(self, date: str, summarizer: str) -> int:
        row = self.db.execute(
            "INSERT INTO runs (date, started_at, summarizer) VALUES (?, ?, ?) RETURNING id",
            (date, now(), summarizer),
        ).fetchone()
        return int(row[0])

    def finish_run(self, run_id: int, report: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, report_json = ? WHERE id = ?",
            (now(), _dumps(report), run_id),
        )

    def last_run(self, date: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM runs WHERE date = ? ORDER BY id DESC LIMIT 1", (date,)
        ).fetchone()
        return row


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


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
        raw=json.loads(row["raw_json"]) if row["raw_json"] else {},
    )


def _summary_from_row(row: sqlite3.Row) -> StoredSummary:
    sections = tuple(Section(label, text) for label, text in json.loads(row["sections_json"]))
    summary = Summary(
        sections=sections,
        kind=row["kind"],
        model=row["model"],
        prompt_version=row["prompt_version"],
        text_source=row["text_source"],
        flags=tuple(json.loads(row["flags_json"])),
    )
    return StoredSummary(id=row["id"], summary=summary)


def _entry_row(
    date: str, run: int, position: int, entry: DigestEntry, summary_id: int
) -> tuple[Any, ...]:
    return (
        date,
        run,
        position,
        entry.arxiv_id,
        entry.title_md,
        entry.thumbnail,
        entry.votes,
        _dumps(list(entry.authors)),
        entry.authors_style,
        summary_id,
    )


def _note(kind: str, flags: list[str]) -> str | None:
    if kind == "extractive":
        return EXTRACTIVE_NOTE
    return FLAGGED_NOTE_PREFIX + "; ".join(flags) if flags else None


def entry_from_row(row: sqlite3.Row) -> DigestEntry:
    """A digest entry from a ``digest_entries``-shaped row joined with its summary's
    ``sections_json``, ``kind`` and ``flags_json``."""
    return DigestEntry(
        arxiv_id=row["arxiv_id"],
        title_md=row["title_md"],
        thumbnail=row["thumbnail"],
        votes=row["votes"],
        authors=tuple(json.loads(row["authors_json"])),
        sections=tuple(Section(label, text) for label, text in json.loads(row["sections_json"])),
        authors_style=row["authors_style"],
        note=_note(row["kind"], json.loads(row["flags_json"])),
    )
