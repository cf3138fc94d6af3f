"""Backfill through the Batch API against a fake with the Files and Batches endpoints."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from tests.e2e import World, invoke, one_line
from tests.fakes import korean_summary

DAYS = ("2024-12-05", "2024-12-06")


def rows(world: World, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        return db.execute(sql).fetchall()


def batch_run(world: World) -> str:
    result = world.run("--since", DAYS[0], "--until", DAYS[1], "--batch")
    assert result.exit_code == 0, result.output
    return one_line(result.output)


def serve(world: World) -> None:
    world.add_day(DAYS[0], 2, day=5)
    world.add_day(DAYS[1], 3, day=6)


def test_a_backfill_is_submitted_then_collected_by_the_next_run(world: World) -> None:
    serve(world)
    world.openai.batch_polls = 1  # still running at the first look

    first = batch_run(world)

    assert "submitted batch batch_1 with 5 papers" in first
    uploaded = world.openai.files["file-1"].decode().splitlines()
    assert len(uploaded) == 5
    request = json.loads(uploaded[0])
    assert request["url"] == "/v1/chat/completions"
    assert request["body"]["messages"][0]["role"] == "system"
    assert rows(world, "SELECT id, input_file_id, status FROM batches") == [
        ("batch_1", "file-1", "submitted")
    ]
    assert rows(world, "SELECT count(*) FROM summaries") == [(0,)]

    second = batch_run(world)

    assert "batch batch_1: in_progress; run the same command later to collect it" in second
    assert "submitted" not in second  # its papers are waiting: nothing is sent twice

    third = batch_run(world)

    assert f"{DAYS[0]}: 2 listed · 2 summarized" in third
    assert f"{DAYS[1]}: 3 listed · 3 summarized" in third
    assert rows(world, "SELECT count(*) FROM summaries") == [(5,)]
    assert rows(world, "SELECT count(*), count(batch_id) FROM llm_calls") == [(5, 5)]
    assert rows(world, "SELECT status FROM batches") == [("completed",)]
    for date in DAYS:
        assert (world.out / "paper_logs" / "2024" / "12" / f"{date[-2:]}.md").is_file()
    assert world.openai.requests_to("/v1/chat/completions") == 0  # all through the batch

    fourth = batch_run(world)
    assert "nothing to do: every day of the range is complete" in fourth


def test_batch_answers_are_validated_and_failures_retried_later(world: World) -> None:
    world.add_day(DAYS[1], 2, day=6)
    world.openai.enqueue_content("not a JSON answer")
    invented = korean_summary("x")
    invented["Performance Highlights"] = "정확도(accuracy)가 97.31% 향상되었습니다. 좋습니다."
    world.openai.enqueue_content(json.dumps(invented, ensure_ascii=False))

    batch_run(world)  # submit; the fake finishes at the first look
    collected = world.run("--date", DAYS[1], "--batch")

    assert "1 failed" in collected.output
    assert "batch answer unusable: the answer is not JSON" in collected.output
    assert "1 flagged by the checks" in collected.output
    assert collected.exit_code == 1
    assert "submitted batch batch_2 with 1 papers" in collected.output  # the failed one again
    again = world.run("--date", DAYS[1], "--batch")
    assert again.exit_code == 0, again.output
    assert rows(world, "SELECT count(*) FROM summaries") == [(2,)]


def test_batch_calls_cost_half_in_stats(world: World) -> None:
    world.add_day(DAYS[1], 1, day=6)
    batch_run(world)
    batch_run(world)

    result = invoke("stats", "--out", str(world.out), env={"COLUMNS": "200"})

    assert "gpt-4o (batch)" in result.output


def test_batch_needs_an_llm(world: World) -> None:
    result = world.run("--date", DAYS[1], "--batch", env=world.env(llm=False))

    assert result.exit_code == 2
    assert "--batch needs an LLM" in result.output


def test_a_day_with_nothing_to_send_is_finished_at_once(world: World) -> None:
    world.add_day(DAYS[1], 2, day=6)
    world.run("--date", DAYS[1])  # summarized the usual way
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db, db:
        db.execute("UPDATE runs SET finished_at = NULL")  # as if that run had been killed

    result = world.run("--date", DAYS[1], "--batch")

    assert result.exit_code == 0, result.output
    assert f"{DAYS[1]}: 2 listed · 0 summarized · 2 reused" in result.output
    assert world.openai.batches == {}
