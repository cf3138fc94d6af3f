"""Backfill: `run --since --until` walks the days, skipping those already complete."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.e2e import World

DAYS = ("2024-12-04", "2024-12-05", "2024-12-06")


def serve_days(world: World, sizes: tuple[int, ...] = (3, 60, 2)) -> None:
    for number, (date, size) in enumerate(zip(DAYS, sizes, strict=True), start=4):
        world.add_day(date, size, day=number)


def digest_dates(world: World) -> list[str]:
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        rows = db.execute("SELECT DISTINCT date FROM digest_entries ORDER BY date").fetchall()
    return [row[0] for row in rows]


def test_a_range_runs_every_day_and_pages_past_fifty(world: World) -> None:
    serve_days(world)

    result = world.run("--since", DAYS[0], "--until", DAYS[-1])

    assert result.exit_code == 0, result.output
    assert digest_dates(world) == list(DAYS)
    assert world.openai.calls == 3 + 60 + 2
    assert "3 days: 3 run, 0 already complete, 0 failed" in result.output
    for date in DAYS:
        assert (world.out / "paper_logs" / "2024" / "12" / f"{date[-2:]}.md").is_file()


def test_a_second_backfill_skips_complete_days_and_spends_nothing(world: World) -> None:
    serve_days(world, (2, 2, 2))
    world.run("--since", DAYS[0], "--until", DAYS[-1])
    calls, list_requests = world.openai.calls, len(world.hf.requests)

    again = world.run("--since", DAYS[0], "--until", DAYS[-1])

    assert again.exit_code == 0, again.output
    assert world.openai.calls == calls
    assert len(world.hf.requests) == list_requests
    assert "3 days: 0 run, 3 already complete, 0 failed" in again.output


def test_a_failing_day_does_not_stop_the_others_and_is_retried_next_time(world: World) -> None:
    serve_days(world, (2, 2, 2))
    world.hf.set_raw(DAYS[1], b"<html>busy</html>")

    first = world.run("--since", DAYS[0], "--until", DAYS[-1])

    assert first.exit_code == 1
    assert digest_dates(world) == [DAYS[0], DAYS[2]]
    assert f"{DAYS[1]}: failed: daily papers for {DAYS[1]}" in first.output
    del world.hf.raw[DAYS[1]]
    second = world.run("--since", DAYS[0], "--until", DAYS[-1])
    assert second.exit_code == 0, second.output
    assert digest_dates(world) == list(DAYS)
    assert "3 days: 1 run, 2 already complete, 0 failed" in second.output


def test_a_day_with_a_failed_paper_is_run_again(world: World) -> None:
    serve_days(world, (2, 2, 2))
    world.openai.fail_next(400)

    first = world.run("--since", DAYS[0], "--until", DAYS[-1], "--concurrency", "1")
    second = world.run("--since", DAYS[0], "--until", DAYS[-1])

    assert first.exit_code == 1
    assert second.exit_code == 0, second.output
    assert "3 days: 1 run, 2 already complete, 0 failed" in second.output
    assert world.openai.calls == 6


def test_range_options_are_checked(world: World) -> None:
    both = world.run("--date", DAYS[0], "--since", DAYS[0])
    backwards = world.run("--since", DAYS[2], "--until", DAYS[0])
    alone = world.run("--until", DAYS[0])

    assert "give either --date or --since/--until, not both" in both.output
    assert f"--since {DAYS[2]} is after --until {DAYS[0]}" in backwards.output
    assert "--until needs --since" in alone.output
    assert {both.exit_code, backwards.exit_code, alone.exit_code} == {2}  # usage errors
    assert world.hf.requests == []


def test_a_day_whose_list_was_empty_is_asked_again_and_gets_its_papers(world: World) -> None:
    world.hf.set_day(DAYS[0], [])
    first = world.run("--since", DAYS[0], "--until", DAYS[0])
    world.add_day(DAYS[0], 2, day=4)  # Hugging Face publishes the list late

    again = world.run("--since", DAYS[0], "--until", DAYS[0])

    assert first.exit_code == 0, first.output
    assert again.exit_code == 0, again.output
    assert "1 days: 1 run, 0 already complete, 0 failed" in again.output
    assert digest_dates(world) == [DAYS[0]]
