"""`dailypapers doctor` finds what is missing or broken and names the command that fixes it."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.e2e import World, invoke

# 2024-12-02 is a Monday; 12-07 and 12-08 a weekend.
MONDAY, WEDNESDAY, FRIDAY = "2024-12-02", "2024-12-04", "2024-12-06"


def doctor(world: World, *args: str) -> tuple[int, str]:
    result = invoke("doctor", "--out", str(world.out), *args, env=world.env())
    return result.exit_code, " ".join(result.output.split())


def test_a_healthy_archive_has_nothing_to_fix(world: World) -> None:
    world.add_day(FRIDAY, 2)
    world.run("--date", FRIDAY)

    code, output = doctor(world)

    assert code == 0, output
    assert "all good: 1 stored days checked, nothing to fix" in output


def test_missing_weekdays_and_failed_papers_are_found_with_their_fix(world: World) -> None:
    world.add_day(MONDAY, 1, day=2)
    world.add_day(FRIDAY, 2, day=6)
    world.run("--date", MONDAY)
    world.openai.fail_next(400)
    world.run("--date", FRIDAY, "--concurrency", "1")

    code, output = doctor(world)

    assert code == 1
    for missing in ("2024-12-03", WEDNESDAY, "2024-12-05"):
        expected = (
            f"{missing}: weekday with no run and no digest fix: dailypapers run --date {missing}"
        )
        assert expected in output
    expected = f"{FRIDAY}: 1 paper(s) failed in the last run fix: dailypapers run --date {FRIDAY}"
    assert expected in output
    assert "4 to fix in 2 stored days" in output


def test_an_interrupted_run_is_found(world: World) -> None:
    world.add_day(FRIDAY, 1)
    world.run("--date", FRIDAY)
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db, db:
        db.execute(
            "INSERT INTO runs (date, started_at, summarizer) VALUES (?, 'x', 'gpt-4o')", (FRIDAY,)
        )

    code, output = doctor(world)

    assert code == 1
    assert f"{FRIDAY}: the last run was interrupted fix: dailypapers run --date {FRIDAY}" in output


def test_digest_files_missing_edited_or_unknown_and_leftovers_are_found(world: World) -> None:
    world.add_day(FRIDAY, 1, day=6)
    world.add_day(WEDNESDAY, 1, day=4)
    world.run("--date", WEDNESDAY)
    world.run("--date", FRIDAY)
    logs = world.out / "paper_logs" / "2024" / "12"
    (logs / "04.md").unlink()
    (logs / "06.md").write_text("edited by hand\n", encoding="utf-8")
    (logs / "05.md").write_text("# not ours\n", encoding="utf-8")
    (logs / ".06.md.abc123.tmp").write_text("half", encoding="utf-8")

    code, output = doctor(world)

    assert code == 1
    assert f"{WEDNESDAY}: digest file missing" in output
    assert f"fix: dailypapers render --date {WEDNESDAY}" in output
    assert f"{FRIDAY}: digest file differs from the database" in output
    assert "2024-12-05: digest file not in the database" in output
    assert "leftover temporary file from an interrupted write" in output
    assert "README.md" not in output  # the README still shows the latest day
    # The edited file is no digest any more: render leaves it alone unless told otherwise.
    expected = f"fix: dailypapers render --date {FRIDAY} --overwrite, once you have kept"
    assert expected in output
    render = invoke("render", "--all", "--out", str(world.out), env=world.env())
    assert render.exit_code == 1
    assert (logs / "06.md").read_text(encoding="utf-8") == "edited by hand\n"
    render = invoke("render", "--all", "--overwrite", "--out", str(world.out), env=world.env())
    assert render.exit_code == 0
    assert "differs" not in doctor(world)[1]


def test_doctor_without_a_database_says_so(world: World) -> None:
    code, output = doctor(world)

    assert code == 1
    assert "no database at" in output


def test_since_limits_the_days_looked_at(world: World) -> None:
    world.add_day(MONDAY, 1, day=2)
    world.add_day(FRIDAY, 1, day=6)
    world.run("--date", MONDAY)
    world.run("--date", FRIDAY)

    everything = doctor(world)[1]
    code, recent = doctor(world, "--since", "2024-12-05")

    assert "2024-12-03: weekday with no run" in everything
    assert code == 0, recent
    assert "2024-12-03" not in recent
