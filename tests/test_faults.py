"""Fault tolerance end to end: rate limits, flaky services, answers too long for the model."""

from __future__ import annotations

import sqlite3

from tests.e2e import World
from tests.fakes import TokenLimit
from tests.pdfgen import make_slow_pdf

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


def test_a_pdf_that_hangs_the_reader_is_summarized_from_its_abstract(world: World) -> None:
    ids = world.add_day(DATE, 3)
    world.arxiv.add_pdf(ids[1], make_slow_pdf())
    env = world.env() | {"DAILYPAPERS_PDF_TIMEOUT": "0.5"}

    result = world.run("--date", DATE, env=env)

    assert result.exit_code == 0, result.output
    assert papers_by_status(world) == {"summarized": 3}
    assert f"{ids[1]}: summarized from the abstract: PDF reading took longer than 0.5 s" in (
        result.output
    )


def test_flaky_services_lose_no_paper(world: World) -> None:
    """10% of PDF requests fail with 503, 10% of answers are cut-off JSON, 5% are 500s."""
    ids = world.add_day(DATE, 20)
    world.arxiv.fail_next(503, times=2)
    world.openai.malformed_rate = 0.1
    world.openai.error_rate = 0.05

    result = world.run("--date", DATE)

    assert result.exit_code == 0, result.output
    assert papers_by_status(world) == {"summarized": 20}
    assert sum(world.arxiv.downloads.values()) == len(ids)
    total, failed = llm_calls(world)
    assert failed >= 1
    assert total == 20 + failed
