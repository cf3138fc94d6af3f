"""`dailypapers doctor` finds what is missing or broken and names the command that fixes it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e import World, invoke, one_line

# 2024-12-02 is a Monday; 12-07 and 12-08 a weekend.
MONDAY, WEDNESDAY, FRIDAY = "2024-12-02", "2024-12-04", "2024-12-06"


def doctor(world: World, *args: str) -> tuple[int, str]:
    result = invoke("doctor", "--out", str(world.out), *args, env=world.env())
    return result.exit_code, one_line(result.output)


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
    world.openai.fail_next(401)
    world.run("--date", FRIDAY, "--concurrency", "1")

    code, output = doctor(world)

    assert code == 1
    assert (
        "2024-12-03 to 2024-12-05: 3 days to run: weekday with no run and no digest (3) "
        "fix: dailypapers run --since 2024-12-03 --until 2024-12-05"
    ) in output
    assert (
        f"{FRIDAY}: 1 paper(s) failed in the last run: the LLM refused the API key "
        "(HTTP 401/403) fix: set a valid key (`dailypapers providers` names the variable), "
        f"then dailypapers run --date {FRIDAY}"
    ) in output
    assert "2 to fix in 2 stored days" in output


def test_a_month_of_missing_weekdays_is_one_command(world: World) -> None:
    world.add_day("2024-11-01", 1, day=1)
    world.add_day(FRIDAY, 1, day=6)
    world.run("--date", "2024-11-01")
    world.run("--date", FRIDAY)

    code, output = doctor(world)

    assert code == 1
    assert output == (
        "2024-11-01: 1 listed · 1 summarized 2024-12-06: 1 listed · 1 summarized "
        "2024-11-04 to 2024-12-05: 24 days to run: weekday with no run and no digest (24) "
        "fix: dailypapers run --since 2024-11-04 --until 2024-12-05 "
        "1 to fix in 2 stored days"
    )


def test_days_before_the_first_digest_are_nobodys_gap(world: World) -> None:
    world.run("--date", "2024-01-03")  # an empty list, long before the archive began
    world.add_day(MONDAY, 1, day=2)
    world.run("--date", MONDAY)

    code, output = doctor(world)

    assert code == 0, output
    assert "all good: 2 stored days checked" in output


@pytest.mark.parametrize(
    ("status", "body", "cause", "action"),
    [
        (
            403,
            {"error": {"message": "Forbidden"}},
            "the LLM refused the API key (HTTP 401/403)",
            "set a valid key (`dailypapers providers` names the variable), then ",
        ),
        (
            404,
            {"error": {"message": "The model `gpt-9` does not exist", "code": "model_not_found"}},
            "the LLM does not serve the model (HTTP 404)",
            "choose a model the provider serves (--model), then ",
        ),
        (
            429,
            {
                "error": {
                    "message": "You exceeded your current quota, please check your plan",
                    "code": "insufficient_quota",
                }
            },
            "the LLM account has no quota or credit left",
            "add credit or raise the quota with the provider, then ",
        ),
    ],
)
def test_a_failure_only_the_user_can_fix_says_what_to_do_first(
    world: World, status: int, body: dict[str, object], cause: str, action: str
) -> None:
    world.add_day(FRIDAY, 1, day=6)
    world.openai.fail_next(status, times=5, body=json.dumps(body).encode())
    world.run("--date", FRIDAY, "--concurrency", "1")

    code, output = doctor(world)

    assert code == 1
    expected = (
        f"{FRIDAY}: 1 paper(s) failed in the last run: {cause} "
        f"fix: {action}dailypapers run --date {FRIDAY}"
    )
    assert expected in output


def test_a_failure_that_a_rerun_fixes_says_just_run(world: World) -> None:
    world.add_day(FRIDAY, 1, day=6)
    world.openai.set_mode("garbage")
    world.run("--date", FRIDAY, "--concurrency", "1")

    code, output = doctor(world)

    assert code == 1
    expected = f"{FRIDAY}: 1 paper(s) failed in the last run fix: dailypapers run --date {FRIDAY}"
    assert expected in output


def test_an_imported_day_is_not_run_again(world: World, tmp_path: Path) -> None:
    world.add_day(FRIDAY, 2, day=6)
    world.run("--date", FRIDAY)
    archive = tmp_path / "archive"
    shutil.copytree(world.out / "paper_logs", archive / "paper_logs")
    shutil.rmtree(world.out)
    world.openai.fail_next(401)
    world.run("--date", FRIDAY, "--concurrency", "1")  # a new database: one paper failed
    imported = invoke("import-logs", str(archive), "--out", str(world.out), env=world.env())
    assert imported.exit_code == 0, imported.output
    assert invoke("render", "--all", "--out", str(world.out), env=world.env()).exit_code == 0

    code, output = doctor(world)

    assert code == 0, output
    assert "all good: 1 stored days checked, nothing to fix" in output


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

    assert "2024-12-03 to 2024-12-05: 3 days to run" in everything
    assert code == 0, recent
    assert "2024-12-03" not in recent
