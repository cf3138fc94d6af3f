"""Runs of the pipeline (one per day and invocation) and batches waiting at the Batch API."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dailypapers.periods import now
from dailypapers.store.db import Database, dumps


@dataclass(frozen=True)
class RunRecord:
    id: int
    date: str
    started_at: str
    #: None while the run goes on, or when it was interrupted.
    finished_at: str | None
    summarizer: str
    #: The run's report as the run stored it (empty until it finished).
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchRecord:
    id: str
    model: str
    prompt_version: str
    input_file_id: str
    #: arXiv id -> the day whose digest waits for it.
    papers: dict[str, str]
    status: str


class RunRecords(Database):
    def start_run(self, date: str, summarizer: str) -> int:
        row = self.db.execute(
            "INSERT INTO runs (date, started_at, summarizer) VALUES (?, ?, ?) RETURNING id",
            (date, now(), summarizer),
        ).fetchone()
        return int(row[0])

    def finish_run(self, run_id: int, report: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, report_json = ? WHERE id = ?",
            (now(), dumps(report), run_id),
        )

    def last_run(self, date: str) -> RunRecord | None:
        row = self.db.execute(
            "SELECT id, date, started_at, finished_at, summarizer, report_json FROM runs "
            "WHERE date = ? ORDER BY id DESC LIMIT 1",
            (date,),
        ).fetchone()
        return None if row is None else _run_from_row(row)

    def last_runs(self) -> dict[str, RunRecord]:
        """The last run of every day that has one, in one query (``last_run`` for them all)."""
        rows = self.db.execute(
            "SELECT id, date, started_at, finished_at, summarizer, report_json FROM runs "
            "WHERE id IN (SELECT max(id) FROM runs GROUP BY date)"
        )
        return {row[1]: _run_from_row(row) for row in rows}

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
            (batch_id, model, prompt_version, input_file, dumps(papers), now()),
        )

    def open_batches(self) -> list[BatchRecord]:
        """Batches not collected yet, oldest first."""
        rows = self.db.execute(
            "SELECT id, model, prompt_version, input_file_id, papers_json, status FROM batches "
            "WHERE finished_at IS NULL ORDER BY created_at"
        )
        return [
            BatchRecord(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5]) for row in rows
        ]

    def close_batch(self, batch_id: str, status: str) -> None:
        self.db.execute(
            "UPDATE batches SET status = ?, finished_at = ? WHERE id = ?",
            (status, now(), batch_id),
        )


def _run_from_row(row: Sequence[Any]) -> RunRecord:
    run_id, date, started_at, finished_at, summarizer, report_json = row
    return RunRecord(
        run_id, date, started_at, finished_at, summarizer, json.loads(report_json or "{}")
    )
