"""Ctrl-C and SIGTERM stop spending at once, and a paid answer is never thrown away.

The real CLI runs as a child process against the fakes; the fake LLM sends the signal when
the fifth paper's request arrives. The calls in flight then finish and are stored, nothing
else is sent, and the rerun pays only for the papers that never got an answer.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from contextlib import ExitStack, closing
from pathlib import Path

import pytest

from dailypapers.store import db as store_db
from tests.child import CHAT, Child, chat_requests, summaries
from tests.e2e import World, one_line
from tests.fakes import Late

DAY = "2024-12-06"
PAPERS = 30
CONCURRENCY = 4
LATENCY = 0.3  # seconds per fake LLM answer: calls stay in flight while the signal comes


def interrupted_run(world: World, signum: int) -> tuple[int, str, int]:
    """Run the day, send ``signum`` as the fifth LLM request arrives; return the exit status,
    the output and how many LLM requests had arrived by then."""
    world.add_day(DAY, PAPERS)
    world.openai.latency = LATENCY
    child = Child(world, ["--date", DAY, "--concurrency", str(CONCURRENCY)])
    at_signal: list[int] = []

    def send() -> None:
        at_signal.append(chat_requests(world))
        child.signal(signum)

    world.openai.crash_at(5, what=CHAT, kill=send, then=Late(0.0))
    code, output = child.start().finish()
    return code, output, at_signal[0]


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_spending_and_keeps_every_paid_answer(
    world: World, signum: int, status: int
) -> None:
    code, output, arrived = interrupted_run(world, signum)

    assert code == status, output
    after_signal = chat_requests(world) - arrived
    assert after_signal <= CONCURRENCY, output
    stored = summaries(world)
    assert stored == chat_requests(world), "an answer that was paid for was not stored"
    assert f"interrupted: {stored} stored, {PAPERS - stored} not started" in output
    assert "run again to continue" in output
    assert "Traceback" not in output

    billed_before = world.openai.calls
    rerun = Child(world, ["--date", DAY]).start().finish()

    assert rerun[0] == 0, rerun[1]
    assert world.openai.calls - billed_before == PAPERS - stored
    assert summaries(world) == PAPERS


def test_ctrl_c_in_a_terminal_reaches_the_pdf_reader_too_and_nothing_breaks(world: World) -> None:
    """A terminal sends Ctrl-C to every process of the group: the PDF reader ignores it."""
    world.add_day(DAY, 8)
    world.openai.latency = LATENCY
    child = Child(world, ["--date", DAY, "--concurrency", "2"])
    world.openai.crash_at(
        3, what=CHAT, kill=lambda: os.killpg(child_pid(child), signal.SIGINT), then=Late(0.0)
    )

    code, output = child.start().finish()

    assert code == 130, output
    assert "Traceback" not in output
    assert "interrupted: " in output


def child_pid(child: Child) -> int:
    assert child.proc is not None
    return child.proc.pid


def test_an_interrupt_before_any_paper_says_nothing_was_lost(world: World) -> None:
    world.add_day(DAY, 3)
    child = Child(world, ["--date", DAY])
    world.hf.crash_at(1, kill=lambda: child.signal(signal.SIGINT), then=Late(1.0))

    code, output = child.start().finish()

    assert code == 130, output
    assert "interrupted: nothing was being paid for; run again to continue" in output
    assert chat_requests(world) == 0
    assert not Path(world.out / "paper_logs").exists()


def test_an_error_in_the_run_itself_stops_spending_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program takes the database as the fifth paper is asked: storing fails in the
    main thread, and the run stops starting papers instead of paying for all thirty."""
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT", 0.2)
    world.add_day(DAY, PAPERS)
    world.openai.latency = LATENCY
    with ExitStack() as held:
        arrived: list[int] = []

        def take_the_database() -> None:
            arrived.append(chat_requests(world))
            db = sqlite3.connect(world.out / "dailypapers.db", check_same_thread=False)
            other = held.enter_context(closing(db))
            other.isolation_level = None
            other.execute("BEGIN IMMEDIATE")

        world.openai.crash_at(5, what=CHAT, kill=take_the_database, then=Late(0.0))
        result = world.run("--date", DAY, "--concurrency", str(CONCURRENCY))
        sent = chat_requests(world)

    output = one_line(result.output)
    assert result.exit_code == 1, output
    assert "database is locked" in output
    assert "Traceback" not in output
    assert sent - arrived[0] <= CONCURRENCY
    assert sent < PAPERS
