"""The in-process summarizer: the jobs run on it as on an LLM, with no request to one.

Job tests that need *some* summary (not the LLM's HTTP side: retries, errors, limits) can run
``run_day``/``run_week``/``run_range`` on ``FakeSummarizer`` through ``open_day``; these pin
what such tests rely on.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from dailypapers.digest.render import digest_path
from dailypapers.jobs.backfill import run_range
from dailypapers.jobs.day import run_day
from dailypapers.jobs.week import run_week
from dailypapers.models import Paper, PaperText
from dailypapers.summarize import Summarizer, TokenEstimate
from tests.e2e import World
from tests.fake_summarizer import FakeSummarizer, open_day
from tests.fakes import korean_summary, make_entry

DAY = "2024-12-06"
PAPER = Paper("2412.00001", "A paper", ("A. Author",), 3, None, "An abstract.")
TEXT = PaperText("2412.00001", "Title: A paper\n\nAn abstract.", "abstract", 12)


def llm_calls(world: World) -> list[tuple[str, int, int]]:
    """(arXiv id, attempt, ok) of every stored LLM call, in order."""
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        return db.execute(
            "SELECT arxiv_id, attempt, ok FROM llm_calls ORDER BY arxiv_id, attempt"
        ).fetchall()


def test_a_day_is_summarized_in_process_as_the_fake_llm_would(world: World) -> None:
    ids = world.add_day(DAY, 3, day=6, pdfs=False)
    summarizer = FakeSummarizer()

    with open_day(world, summarizer) as day:
        report = run_day(day, DAY)

    assert report.ok
    assert report.count("summarized") == 3
    assert sorted(summarizer.papers) == sorted(ids)
    assert world.openai.requests == []
    digest = digest_path(world.out, DAY).read_text(encoding="utf-8")
    title = world.hf.days[DAY][0]["title"]
    for text in korean_summary(title).values():
        assert text in digest
    assert llm_calls(world) == [(pid, 1, 1) for pid in sorted(ids)]


def test_scripted_failures_and_flags_reach_the_report_and_the_database(world: World) -> None:
    failed, flagged, fine = world.add_day(DAY, 3, day=6, pdfs=False)
    summarizer = FakeSummarizer()
    summarizer.fail("LLM request timed out (after 4 tries)", tries=4, arxiv_id=failed)
    summarizer.flag("length: What's New is too short", arxiv_id=flagged)

    with open_day(world, summarizer) as day:
        report = run_day(day, DAY)
    results = {r.arxiv_id: r for r in report.results}

    assert not report.ok
    assert results[failed].outcome == "failed"
    assert results[failed].detail == "LLM request timed out (after 4 tries)"
    assert results[flagged].flags == ("length: What's New is too short",)
    assert results[fine].flags == ()
    assert llm_calls(world) == [
        *((failed, attempt, 0) for attempt in (1, 2, 3, 4)),
        (flagged, 1, 0),
        (flagged, 2, 1),
        (fine, 1, 1),
    ]

    with open_day(world, summarizer) as day:
        again = run_day(day, DAY)

    assert again.ok
    assert summarizer.papers.count(failed) == 2  # only the failed paper was asked again
    assert again.count("reused") == 2
    assert summarizer.checks == 2  # the LLM looked at once per invocation with papers to ask
    assert not summarizer.stopped  # nothing stopped either run


def test_answers_go_in_order_and_a_paper_s_own_come_first() -> None:
    summarizer = FakeSummarizer()
    summarizer.answer({"What's New": "a", "Technical Details": "b", "Performance Highlights": "c"})
    summarizer.fail("for this paper", arxiv_id=PAPER.arxiv_id)

    first = summarizer.summarize(PAPER, TEXT)
    second = summarizer.summarize(PAPER, TEXT)
    third = summarizer.summarize(PAPER, TEXT)

    assert (first.summary, first.error) == (None, "for this paper")
    assert second.summary is not None
    assert [s.text for s in second.summary.sections] == ["a", "b", "c"]
    assert third.summary is not None
    assert [s.text for s in third.summary.sections] == list(korean_summary("A paper").values())
    assert [c.outcome for c in summarizer.calls] == [first, second, third]


def test_it_keeps_the_summarizer_protocol() -> None:
    summarizer: Summarizer = FakeSummarizer(output_tokens=500)

    assert summarizer.estimate(PAPER, TEXT) == TokenEstimate(input_tokens=12, output_tokens=500)
    assert summarizer.limiter is None
    summarizer.close()
    assert isinstance(summarizer, FakeSummarizer)
    assert summarizer.closed


def test_a_week_and_a_range_run_on_it(world: World) -> None:
    week = [make_entry(f"2412.{n:05d}", f"Weekly paper {n}", upvotes=n) for n in (1, 9, 5)]
    world.hf.set_week("2024-W49", week)
    world.add_day("2024-12-04", 1, day=4, pdfs=False)
    world.add_day("2024-12-05", 1, day=5, pdfs=False)
    summarizer = FakeSummarizer()

    with open_day(world, summarizer) as day:
        weekly = run_week(day, "2024-W49", top=2)
        days = run_range(day, ["2024-12-04", "2024-12-05"])

    assert weekly.ok
    assert summarizer.papers[:2] in (["2412.00009", "2412.00005"], ["2412.00005", "2412.00009"])
    assert [(d.date, d.outcome) for d in days] == [("2024-12-04", "done"), ("2024-12-05", "done")]
    assert summarizer.papers[2:] == ["2412.04000", "2412.05000"]
    assert world.openai.requests == []
