"""One command writes to a database at a time; a second one waits, or says who is in the way.

Two real processes of the CLI run on one database against the fakes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from dailypapers.errors import StoreError
from dailypapers.store.lock import write_lock
from tests.child import CHAT, Child, chat_requests, summaries
from tests.e2e import World, invoke, one_line
from tests.fakes import Late

DAY = "2024-12-06"
PAPERS = 6
CLOSED = "http://127.0.0.1:9/api/"  # nothing listens: no test reaches a real service


def slow_day(world: World, latency: float = 0.4) -> None:
    world.add_day(DAY, PAPERS)
    world.openai.latency = latency


def wait_until(condition: threading.Event, what: str) -> None:
    assert condition.wait(timeout=20), f"{what} never happened"


def test_a_second_run_on_the_same_database_is_turned_away_and_names_the_first(
    world: World,
) -> None:
    slow_day(world)
    first_call = threading.Event()
    world.openai.crash_at(1, what=CHAT, kill=first_call.set, then=Late(0.0))
    first = Child(world, ["--date", DAY, "--concurrency", "1"]).start()
    wait_until(first_call, "the first run's LLM call")

    second = Child(world, ["--date", DAY], env={"DAILYPAPERS_LOCK_WAIT": "0.2"}).start()
    second_code, second_output = second.finish()
    first_code, first_output = first.finish()

    assert second_code == 1, second_output
    assert first.proc is not None
    db = world.out / "dailypapers.db"
    expected = f"error: another dailypapers (pid {first.proc.pid}, run, started "
    assert expected in second_output
    assert f"is using {db}" in second_output
    assert first_code == 0, first_output
    assert chat_requests(world) == PAPERS  # the day was paid for once


def test_a_second_run_that_waits_for_the_first_pays_nothing(world: World) -> None:
    slow_day(world, latency=0.1)
    first_call = threading.Event()
    world.openai.crash_at(1, what=CHAT, kill=first_call.set, then=Late(0.0))
    first = Child(world, ["--date", DAY, "--concurrency", "2"]).start()
    wait_until(first_call, "the first run's LLM call")

    second = Child(world, ["--date", DAY], env={"DAILYPAPERS_LOCK_WAIT": "30"}).start()
    results = [first.finish(), second.finish()]

    assert [code for code, _ in results] == [0, 0], results
    assert chat_requests(world) == PAPERS
    assert f"{PAPERS} reused" in results[1][1]
    assert summaries(world) == PAPERS


def test_the_lock_of_a_killed_run_is_taken_over(world: World) -> None:
    slow_day(world)
    child = Child(world, ["--date", DAY, "--concurrency", "1"])

    def kill() -> None:
        assert child.proc is not None
        os.killpg(child.proc.pid, signal.SIGKILL)

    world.openai.crash_at(2, what=CHAT, kill=kill)
    code, _ = child.start().finish()
    world.openai.disarm()
    assert code == -signal.SIGKILL
    assert (world.out / "dailypapers.db.lock").read_text()  # its holder is still named there

    rerun = Child(world, ["--date", DAY], env={"DAILYPAPERS_LOCK_WAIT": "0"}).start().finish()

    assert rerun[0] == 0, rerun[1]
    assert summaries(world) == PAPERS


@pytest.mark.parametrize(
    "args",
    [
        ["render", "--all"],
        ["import-logs", "."],
        ["publish", "--date", DAY, "--slack"],
    ],
)
def test_every_command_that_writes_takes_the_lock(
    world: World, tmp_path: Path, args: list[str]
) -> None:
    world.add_day(DAY, 1)
    assert world.run("--date", DAY).exit_code == 0
    db = world.out / "dailypapers.db"
    slack = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_CHANNEL": "C1", "SLACK_API_URL": CLOSED}
    env = {"DAILYPAPERS_LOCK_WAIT": "0", **slack}

    with write_lock(db, "run"):
        result = invoke(*args, "--out", str(world.out), env=env)

    assert result.exit_code == 1, result.output
    assert f"error: another dailypapers (pid {os.getpid()}, run, started" in one_line(result.output)


def test_the_lock_waits_a_bounded_time(tmp_path: Path) -> None:
    db = tmp_path / "dailypapers.db"
    with write_lock(db, "run"):
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"waited 0\.3 s"), write_lock(db, "render", wait=0.3):
            pass
        assert 0.3 <= time.monotonic() - started < 2
    with write_lock(db, "render", wait=0):  # free again once its holder is done
        pass


def test_a_bad_lock_wait_is_named(world: World) -> None:
    result = world.run("--date", DAY, env=world.env() | {"DAILYPAPERS_LOCK_WAIT": "soon"})

    assert result.exit_code == 2  # a usage error, like click's own
    assert "DAILYPAPERS_LOCK_WAIT='soon'" in result.output
