"""Summaries, keyed by paper, model and prompt version, and every LLM call made for them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from dailypapers.evidence import Grounding
from dailypapers.models import LLMCall, Section, StoredSummary, Summary, summary_provenance
from dailypapers.periods import now
from dailypapers.store.db import Database, dumps


@dataclass(frozen=True)
class CallTokens:
    """The LLM calls of one paper and model, summed: what ``stats`` prices."""

    #: The day the paper was first listed (``?`` when it is not known).
    day: str
    #: The model, with `` (batch)`` after it for calls answered through the Batch API.
    model: str
    arxiv_id: str
    calls: int
    input_tokens: int
    output_tokens: int


class SummaryRecords(Database):
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
        sections = dumps([[s.label, s.text] for s in summary.sections])
        row = self.db.execute(
            """
            INSERT INTO summaries (arxiv_id, model, prompt_version, kind, sections_json,
                text_source, created_at, flags_json, grounding_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (arxiv_id, model, prompt_version) DO UPDATE SET
                kind = excluded.kind, sections_json = excluded.sections_json,
                text_source = excluded.text_source, created_at = excluded.created_at,
                flags_json = excluded.flags_json, grounding_json = excluded.grounding_json
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
                dumps(list(summary.flags)),
                summary.grounding.to_json() if summary.grounding else None,
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

    def published_groundings(self, since: str | None = None) -> list[Grounding | None]:
        """The grounding of every LLM summary a digest shows (imported and extractive ones,
        which are not traced, are left out), for papers first listed on or after ``since``
        (all when None)."""
        rows = self.db.execute(
            """
            SELECT s.grounding_json FROM summaries s JOIN papers p ON p.arxiv_id = s.arxiv_id
            WHERE s.kind = 'llm' AND (?1 IS NULL OR p.first_listed >= ?1)
              AND s.id IN (SELECT summary_id FROM digest_entries)
            """,
            (since,),
        )
        return [Grounding.from_json(row[0]) for row in rows]

    def call_tokens(self, since: str | None = None) -> list[CallTokens]:
        """LLM calls summed per (day the paper was first listed, model, paper)."""
        rows = self.db.execute(
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
        )
        return [CallTokens(*row) for row in rows]


def _summary_from_row(row: sqlite3.Row) -> StoredSummary:
    sections = tuple(Section(label, text) for label, text in json.loads(row["sections_json"]))
    summary = Summary(
        sections=sections,
        kind=row["kind"],
        model=row["model"],
        prompt_version=row["prompt_version"],
        text_source=row["text_source"],
        flags=tuple(json.loads(row["flags_json"])),
        grounding=Grounding.from_json(row["grounding_json"]),
    )
    return StoredSummary(id=row["id"], summary=summary)


def summary_provenance_of(row: sqlite3.Row, grounding: Grounding | None = None) -> str:
    """``summary_provenance`` of a row that joins a summary (``kind``, ``model``,
    ``prompt_version``, ``flags_json``, ``grounding_json``) to its paper text (``source``,
    ``truncated``, NULL when none is stored); ``grounding`` when the caller has decoded it."""
    return summary_provenance(
        kind=row["kind"],
        model=row["model"],
        prompt_version=row["prompt_version"],
        flagged=row["flags_json"] not in (None, "[]"),
        source=row["source"],
        truncated=bool(row["truncated"]),
        grounding=grounding or Grounding.from_json(row["grounding_json"]),
    )
