"""Fault tolerance end to end: rate limits, flaky services, answers too long for the model."""

from __future__ import annotations

import sqlite3

from tests.e2e import World
from tests.fakes import TokenLimit

DATE = "2024-12-06"


def papers_by_status(world: World) -> dict[str, int]:
    with sqlite3.connect(world.out / "dailypapers.db") as db:
        return dict(db.execute("SELECT status, count(*) FROM papers GROUP BY status").fetchall())


def llm_calls(world: World) -> tuple[int, int]:
    """(calls, failed calls) as recorded in the database."""
    with sqlite3.connect(world.out / "dailypapers.db") as db:
        total, failed = db.execute("SELECT count(*), sum(ok = 0) FROM llm_calls").fetchone()
    return total, failed or 0


def test_a_token_limit_loses_no_paper_when_the_limit_is_unknown(world: World) -> None:
    world.add_day(DATE, 8)
    world.openai.token_limit = TokenLimit(4_000, seconds=2)  # 2,000 tokens a second

    result = world.run("--date", DATE)

    assert result.exit_code == 0, result.output
    assert papers_by_status(world) == {"summarized": 8}
    assert world.openai.rejected.get(429, 0) >= 1  # the limit did bite
    total, failed = llm_calls(world)
    assert failed == world.openai.rejected[429]
    assert total == 8 + failed
