"""Late papers: Hugging Face adds papers to a day's list after the day. Each ``run`` of a day
lists the days before it again and appends what is new there as a further block of that day's
digest, paying for nothing twice and touching no imported day."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dailypapers.digest.parse import parse_digest, parse_readme
from dailypapers.digest.render import digest_path
from dailypapers.jobs.day import run_day
from dailypapers.jobs.relist import relist_days
from tests.e2e import World, arxiv_id, invoke, one_line
from tests.fake_summarizer import FakeSummarizer, open_day

# A Wednesday, Thursday and Friday.
BEFORE, DAY, NEXT = "2024-12-04", "2024-12-05", "2024-12-06"
LATE = arxiv_id(5, 2)


def blocks(world: World, when: str) -> list[list[str]]:
    """The arXiv ids of each run block of a day's digest file."""
    text = digest_path(world.out, when).read_text(encoding="utf-8")
    return [[e.arxiv_id for e in run.entries] for run in parse_digest(text).runs]


def late_paper_on_day(world: World) -> None:
    """The day has run with two papers; then Hugging Face adds a third to its list."""
    world.add_day(DAY, 2, day=5)
    first = world.run("--date", DAY)
    assert first.exit_code == 0, first.output
    world.add_day(DAY, 3, day=5)
    world.add_day(NEXT, 2, day=6)


def test_the_next_run_summarizes_a_late_paper_into_a_second_block(world: World) -> None:
    late_paper_on_day(world)
    paid = world.openai.calls

    result = world.run("--date", NEXT)

    assert result.exit_code == 0, result.output
    assert f"{DAY}: 1 late paper summarized" in one_line(result.output)
    assert world.openai.calls == paid + 3  # the next day's two papers and the late one
    assert blocks(world, DAY) == [[arxiv_id(5, 1), arxiv_id(5, 0)], [LATE]]
    assert blocks(world, NEXT) == [[arxiv_id(6, 1), arxiv_id(6, 0)]]
    readme = parse_readme((world.out / "README.md").read_text(encoding="utf-8"))
    assert readme.date == NEXT  # a late paper of an earlier day does not take over the README
    # BEFORE never ran: listing it again is not the re-listing's business.
    assert BEFORE not in result.output


def test_a_rerun_pays_nothing_and_changes_nothing(world: World) -> None:
    late_paper_on_day(world)
    world.run("--date", NEXT)
    paid, before = world.openai.calls, digest_path(world.out, DAY).read_bytes()

    again = world.run("--date", NEXT)

    assert again.exit_code == 0, again.output
    assert world.openai.calls == paid
    assert digest_path(world.out, DAY).read_bytes() == before
    assert f"{DAY}: listed again (3 papers), nothing new" in one_line(again.output)


def test_force_resummarizes_without_moving_a_paper_into_another_block(world: World) -> None:
    late_paper_on_day(world)
    world.run("--date", NEXT)
    paid = world.openai.calls

    forced = world.run("--date", DAY, "--force")

    assert forced.exit_code == 0, forced.output
    assert world.openai.calls == paid + 3
    assert blocks(world, DAY) == [[arxiv_id(5, 1), arxiv_id(5, 0)], [LATE]]

    # --force is for the day asked: the days listed again pay only for what is new.
    forced_next = world.run("--date", NEXT, "--force")

    assert forced_next.exit_code == 0, forced_next.output
    assert world.openai.calls == paid + 3 + 2


def test_relist_zero_turns_it_off(world: World) -> None:
    late_paper_on_day(world)
    paid = world.openai.calls

    result = world.run("--date", NEXT, "--relist", "0")

    assert result.exit_code == 0, result.output
    assert world.openai.calls == paid + 2
    assert blocks(world, DAY) == [[arxiv_id(5, 1), arxiv_id(5, 0)]]
    assert f"{DAY}:" not in result.output

    by_variable = world.run("--date", NEXT, env=world.env() | {"DAILYPAPERS_RELIST_DAYS": "0"})

    assert by_variable.exit_code == 0, by_variable.output
    assert world.openai.calls == paid + 2


def test_a_list_that_cannot_be_fetched_is_reported_and_the_day_still_runs(world: World) -> None:
    late_paper_on_day(world)
    world.hf.set_raw(DAY, b'{"error": "Internal Server Error"}', status=500)

    result = world.run("--date", NEXT)

    assert result.exit_code == 0, result.output
    output = one_line(result.output)
    assert f"{DAY}: could not be listed again for late papers:" in output
    assert "HTTP 500" in output
    assert blocks(world, NEXT) == [[arxiv_id(6, 1), arxiv_id(6, 0)]]
    assert blocks(world, DAY) == [[arxiv_id(5, 1), arxiv_id(5, 0)]]


def test_doctor_shows_listed_vs_summarized_and_a_day_with_a_late_paper_is_incomplete(
    world: World,
) -> None:
    late_paper_on_day(world)
    # A cost cap smaller than one paper: the late paper is listed, and not summarized.
    capped = world.run("--date", NEXT, "--max-cost", "0.001")
    assert capped.exit_code == 0, capped.output
    assert f"{DAY}: 0 late papers summarized · 1 skipped" in one_line(capped.output)

    doctor = invoke("doctor", "--out", str(world.out), env=world.env())

    output = one_line(doctor.output)
    assert doctor.exit_code == 1, output
    assert f"{DAY}: 3 listed · 2 summarized" in output
    assert f"{NEXT}: 2 listed · 0 summarized" in output
    assert (
        f"{DAY} to {NEXT}: 2 days to run: listed paper(s) have no summary (2) "
        f"fix: dailypapers run --since {DAY} --until {NEXT}"
    ) in output

    world.run("--date", NEXT)
    healed = invoke("doctor", "--out", str(world.out), env=world.env())

    output = one_line(healed.output)
    assert healed.exit_code == 0, output
    assert f"{DAY}: 3 listed · 3 summarized" in output
    assert f"{NEXT}: 2 listed · 2 summarized" in output


def test_an_imported_day_is_not_listed_again(world: World, tmp_path: Path) -> None:
    world.add_day(DAY, 2, day=5)
    world.run("--date", DAY)
    archive = tmp_path / "archive"
    shutil.copytree(world.out / "paper_logs", archive / "paper_logs")
    shutil.rmtree(world.out)
    world.openai.fail_next(401)
    world.run("--date", DAY, "--concurrency", "1")  # a new database with a run of the day
    imported = invoke("import-logs", str(archive), "--out", str(world.out), env=world.env())
    assert imported.exit_code == 0, imported.output
    assert invoke("render", "--all", "--out", str(world.out), env=world.env()).exit_code == 0
    before = digest_path(world.out, DAY).read_bytes()
    world.add_day(DAY, 3, day=5)
    world.add_day(NEXT, 1, day=6)
    paid = world.openai.calls

    result = world.run("--date", NEXT)

    assert result.exit_code == 0, result.output
    assert world.openai.calls == paid + 1
    assert digest_path(world.out, DAY).read_bytes() == before
    assert f"{DAY}:" not in result.output


def test_an_llm_that_cannot_work_stops_the_relisting_after_the_day_is_reported(
    world: World,
) -> None:
    late_paper_on_day(world)
    world.hf.set_day(NEXT, [])
    world.openai.valid_key = "sk-another-key"  # every request is refused with 401

    result = world.run("--date", NEXT)

    output = one_line(result.output)
    assert result.exit_code == 1, output
    assert f"{NEXT}: 0 listed" in output  # the day's own report comes first
    assert "error:" in output
    assert "401" in output
    assert f"{DAY}: 0 late papers" not in output
    assert blocks(world, DAY) == [[arxiv_id(5, 1), arxiv_id(5, 0)]]


def test_a_range_ending_today_lists_its_last_complete_days_again(world: World) -> None:
    """The scheduled workflow runs ``--since ... --until today``: the complete days of the
    last two are listed again and their late papers summarized; older complete days are not.
    """
    today = datetime.now(UTC).date()
    old, recent = (today - timedelta(days=n) for n in (3, 1))
    world.add_day(old.isoformat(), 1, day=old.day)
    world.add_day(recent.isoformat(), 1, day=recent.day)
    for when in (old, recent):
        assert world.run("--date", when.isoformat(), "--relist", "0").exit_code == 0
    world.add_day(old.isoformat(), 2, day=old.day)  # too old to be looked at again
    world.add_day(recent.isoformat(), 2, day=recent.day)
    paid = world.openai.calls

    result = world.run("--since", old.isoformat(), "--until", today.isoformat())

    assert result.exit_code == 0, result.output
    assert world.openai.calls == paid + 1  # the late paper of the recent day only
    assert blocks(world, recent.isoformat()) == [
        [arxiv_id(recent.day, 0)],
        [arxiv_id(recent.day, 1)],
    ]
    assert blocks(world, old.isoformat()) == [[arxiv_id(old.day, 0)]]


def test_an_old_range_lists_no_complete_day_again(world: World) -> None:
    late_paper_on_day(world)
    world.run("--date", NEXT, "--relist", "0")
    listed = len(world.hf.requests)

    again = world.run("--since", DAY, "--until", NEXT)

    assert again.exit_code == 0, again.output
    assert len(world.hf.requests) == listed


def test_an_empty_answer_for_a_listed_day_keeps_its_list_and_digest(world: World) -> None:
    world.add_day(DAY, 2, day=5)
    assert world.run("--date", DAY).exit_code == 0
    before = digest_path(world.out, DAY).read_bytes()
    world.hf.set_day(DAY, [])

    again = world.run("--date", NEXT)

    assert again.exit_code == 0, again.output
    assert f"Hugging Face listed no papers for {DAY}, which had 2" in one_line(again.output)
    assert digest_path(world.out, DAY).read_bytes() == before
    doctor = one_line(invoke("doctor", "--out", str(world.out)).output)
    assert f"{DAY}: 2 listed · 2 summarized" in doctor


def test_the_llm_looked_at_for_a_day_listed_again_is_not_looked_at_again(world: World) -> None:
    """The days listed again run on a copy of the invocation's ``Day`` (without --force): what
    it learnt about the LLM is the invocation's, as its stopping event and cost cap are."""
    late_paper_on_day(world)
    summarizer = FakeSummarizer()
    with open_day(world, summarizer) as day:
        relisted = relist_days(day, NEXT)  # DAY's late paper looks at the LLM first
        report = run_day(day, NEXT)

    assert [r.date for r in relisted if r.report] == [DAY]
    assert LATE in summarizer.papers  # the copy summarized, so it looked at the LLM
    assert report.count("summarized") == 2
    assert summarizer.checks == 1
