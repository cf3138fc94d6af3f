"""The SQLite store: migrations, keys, and what survives a rerun."""

from __future__ import annotations

import inspect
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import get_type_hints

import pytest

from dailypapers.errors import StoreError
from dailypapers.evidence import Evidence, Grounding, SpanCheck
from dailypapers.models import DigestEntry, Paper, Section, Summary
from dailypapers.store import BatchRecord, RunRecord, Store
from dailypapers.store.db import _migrations

PAPER = Paper("2412.00001", "A title", ("B", "A"), 5, None, "abstract", raw={"paper": {"id": "x"}})
SUMMARY = Summary((Section("***What's New***", "가"),), "llm", "gpt-4o", "v1", "pdf")


def test_migrations_are_applied_once_on_open(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "d.db"
    with Store.open(path) as store:
        assert store.schema_version() == max(v for v, _ in _migrations())
    with Store.open(path) as store:
        assert store.schema_version() == max(v for v, _ in _migrations())
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"papers", "listings", "summaries", "digest_entries", "llm_calls", "runs"} <= tables
    assert mode == "wal"


def test_a_paper_keeps_its_first_listing_and_raw_entry(tmp_path: Path) -> None:
    with Store.open(tmp_path / "d.db") as store:
        store.upsert_paper(PAPER, "2024-12-06")
        store.upsert_paper(Paper("2412.00001", "New title", ("B", "A"), 9, None, ""), "2024-12-09")
        paper = store.get_paper("2412.00001")
        (first,) = store.db.execute("SELECT first_listed FROM papers").fetchone()

    assert paper is not None
    assert (paper.title, paper.upvotes, paper.abstract) == ("New title", 9, "abstract")
    assert paper.authors == ("B", "A")
    assert paper.raw == {"paper": {"id": "x"}}
    assert first == "2024-12-06"


def test_a_paper_keeps_its_keywords_and_organisation_when_listed_without_one(
    tmp_path: Path,
) -> None:
    listed = Paper("2412.00001", "T", (), 1, None, "a", ai_keywords=("RL",), organization="KAIST")
    with Store.open(tmp_path / "d.db") as store:
        store.upsert_paper(listed, "2024-12-06")
        store.upsert_paper(Paper("2412.00001", "T", (), 2, None, "a"), "2024-12-07")
        paper = store.get_paper("2412.00001")

    assert paper is not None
    assert paper.organization == "KAIST"


def test_summaries_are_keyed_by_paper_model_and_prompt_version(tmp_path: Path) -> None:
    with Store.open(tmp_path / "d.db") as store:
        store.upsert_paper(PAPER, "2024-12-06")
        first = store.save_summary("2412.00001", SUMMARY)
        again = store.save_summary("2412.00001", SUMMARY)
        other = store.save_summary("2412.00001", Summary(SUMMARY.sections, "llm", "m2", "v1"))
        stored = store.get_summary("2412.00001", "gpt-4o", "v1")
        missing = store.get_summary("2412.00001", "gpt-4o", "v2")

    assert first == again != other
    assert stored is not None
    assert stored.summary == SUMMARY
    assert missing is None


def test_a_summary_keeps_the_evidence_of_its_claims(tmp_path: Path) -> None:
    evidence = (
        Evidence("number", "30.71%", "What's New", "It reaches 30.71% on X.", "4 Results"),
        Evidence("name", "FooNet", "What's New"),
    )
    grounded = replace(SUMMARY, grounding=Grounding(evidence, (SpanCheck("x", "가", None, False),)))
    with Store.open(tmp_path / "d.db") as store:
        store.upsert_paper(PAPER, "2024-12-06")
        store.save_summary("2412.00001", grounded)
        stored = store.get_summary("2412.00001", "gpt-4o", "v1")
        store.save_summary("2412.00001", SUMMARY)
        replaced = store.get_summary("2412.00001", "gpt-4o", "v1")

    assert stored is not None
    assert stored.summary.grounding == grounded.grounding
    assert stored.summary.grounding.numbers == (1, 1)
    assert stored.summary.grounding.names == (0, 1)
    assert stored.summary.grounding.unsupported("name") == ["FooNet"]
    assert not stored.summary.grounding.grounded
    assert replaced is not None
    assert replaced.summary.grounding is None


def test_a_digest_is_stored_block_by_block(tmp_path: Path) -> None:
    entry = DigestEntry("2412.00001", "A title", None, 5, ("B", "A"), SUMMARY.sections)
    with Store.open(tmp_path / "d.db") as store:
        store.upsert_paper(PAPER, "2024-12-06")
        summary_id = store.save_summary("2412.00001", SUMMARY)
        store.replace_runs_from("2024-12-06", 0, [[(entry, summary_id)], [(entry, summary_id)]])
        digest = store.load_digest("2024-12-06")
        store.replace_runs_from("2024-12-06", 1, [])
        shorter = store.load_digest("2024-12-06")

    assert digest is not None
    assert [len(r.entries) for r in digest.runs] == [1, 1]
    assert digest.runs[0].entries[0] == entry
    assert shorter is not None
    assert len(shorter.runs) == 1
    assert store_days_are_sorted(tmp_path / "d.db")


def store_days_are_sorted(path: Path) -> bool:
    with Store.open(path) as store:
        return store.digest_days() == ["2024-12-06"]


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    def crash_midway(store: Store) -> None:
        with store.transaction():
            store.upsert_paper(PAPER, "2024-12-06")
            raise RuntimeError("crash in the middle")

    with Store.open(tmp_path / "d.db") as store:
        with pytest.raises(RuntimeError, match="crash"):
            crash_midway(store)
        assert store.get_paper("2412.00001") is None


def test_a_database_error_leaves_the_store_as_a_store_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "papers.db") as store:
        store.db.execute("DROP TABLE paper_texts")

        with pytest.raises(StoreError, match=r"papers\.db: no such table: paper_texts"):
            store.get_text("2412.00001")


def test_no_store_method_returns_a_sqlite_row() -> None:
    returns = {
        name: get_type_hints(member).get("return")
        for name, member in inspect.getmembers(Store, inspect.isfunction)
        if not name.startswith("_")
    }

    assert not [name for name, hint in returns.items() if "sqlite3" in repr(hint)]
    assert "Row" not in repr(list(returns.values()))


def test_runs_and_batches_come_back_as_records(tmp_path: Path) -> None:
    with Store.open(tmp_path / "papers.db") as store:
        run_id = store.start_run("2024-12-06", "gpt-4o")
        store.finish_run(run_id, {"failed": 1})
        store.add_batch("batch_1", "gpt-4o", "ko-sections-v2", "file_1", {"2412.00001": "x"})
        run = store.last_run("2024-12-06")
        [batch] = store.open_batches()

    assert run == RunRecord(
        run_id, "2024-12-06", run.started_at, run.finished_at, "gpt-4o", {"failed": 1}
    )
    assert run.finished_at is not None
    assert batch == BatchRecord(
        "batch_1", "gpt-4o", "ko-sections-v2", "file_1", {"2412.00001": "x"}, "submitted"
    )


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_database_from_a_newer_dailypapers_is_refused_and_left_as_it_was(
    tmp_path: Path, journal: str
) -> None:
    path = tmp_path / "future.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA journal_mode={journal}")
        db.execute("CREATE TABLE papers (arxiv_id TEXT PRIMARY KEY, shape_of_the_future TEXT)")
        db.execute("PRAGMA user_version=99")
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(tmp_path.iterdir()))
    newest = max(v for v, _ in _migrations())

    with pytest.raises(StoreError) as error:
        Store.open(path)

    assert str(error.value) == (
        f"{path} was made by a newer dailypapers (schema 99 > {newest}); upgrade dailypapers"
    )
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(tmp_path.iterdir())) == before
