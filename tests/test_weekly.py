"""The weekly digest: `run --week`, its file, its stored entries, `week_view`, `publish --week`."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from typing import Any

import pytest

from dailypapers.digest.views import week_view
from dailypapers.errors import DateError
from dailypapers.models import EXTRACTIVE_NOTE
from dailypapers.periods import Period, validate_week
from dailypapers.store import Store
from tests.e2e import World, invoke, paper_pdf
from tests.fakes import THUMBNAIL, korean_summary, make_entry

WEEK = "2024-W49"  # Monday 2024-12-02 to Sunday 2024-12-08


def new_entries(world: World, votes: list[int], *, first: int = 900) -> list[dict[str, Any]]:
    """Papers no day list has shown, with these votes and a PDF each."""
    entries = []
    for number, upvotes in enumerate(votes, start=first):
        arxiv_id = f"2412.{number:05d}"
        entries.append(make_entry(arxiv_id, f"Weekly paper {number}", upvotes=upvotes))
        world.arxiv.add_pdf(arxiv_id, paper_pdf(number % 5))
    return entries


def weekly_file(world: World, week: str = WEEK) -> str:
    return (world.out / "paper_logs" / "weekly" / f"{week}.md").read_text(encoding="utf-8")


def query(world: World, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        return db.execute(sql, params).fetchall()


def expected_entry(arxiv_id: str, title: str, votes: int) -> str:
    sections = "".join(f"- ***{key}***: {text}\n" for key, text in korean_summary(title).items())
    return (
        f"### [{title}](https://arxiv.org/abs/{arxiv_id})\n\n"
        f"![]({THUMBNAIL.format(arxiv_id)})\n\nVote: {votes}\n\nAuthors: A. Author\n\n"
        f"{sections}\n"
    )


def test_the_week_is_asked_for_with_week_and_paged_past_fifty(world: World) -> None:
    world.hf.set_week(WEEK, new_entries(world, [n % 50 for n in range(60)]))

    result = world.run("--week", WEEK, "--top", "2")

    assert result.exit_code == 0, result.output
    sent = [r.query for r in world.hf.requests]
    assert sent == [
        {"week": WEEK, "p": "0", "limit": "50"},
        {"week": WEEK, "p": "1", "limit": "50"},
    ]
    assert query(world, "SELECT count(*), min(week), max(week) FROM week_listings") == [
        (60, WEEK, WEEK)
    ]
    assert query(world, "SELECT count(*) FROM listings") == [(0,)]  # dates only there
    assert world.openai.calls == 2
    assert f"weekly digest {WEEK}: the top 2 of 60 papers by votes" in result.output


def test_the_file_holds_the_top_papers_by_votes_in_the_day_format(world: World) -> None:
    world.hf.set_week(WEEK, new_entries(world, [5, 40, 12, 40, 30]))

    result = world.run("--week", WEEK, "--top", "3")

    assert result.exit_code == 0, result.output
    assert weekly_file(world) == (
        f"## Weekly Papers ({WEEK})\n\n"
        + expected_entry("2412.00901", "Weekly paper 901", 40)
        + expected_entry("2412.00903", "Weekly paper 903", 40)  # a tie keeps the API's order
        + expected_entry("2412.00904", "Weekly paper 904", 30)
    )
    assert world.openai.calls == 3
    assert sorted(world.arxiv.downloads) == ["2412.00901", "2412.00903", "2412.00904"]
    assert f"wrote {world.out / 'paper_logs' / 'weekly' / f'{WEEK}.md'}" in result.output
    assert not (world.out / "README.md").exists()  # the README shows days only


def test_papers_summarized_by_a_day_run_are_reused_and_only_the_missing_billed(
    world: World,
) -> None:
    world.add_day("2024-12-06", 5, day=6)  # votes 0, 37, 74, 10, 47
    assert world.run("--date", "2024-12-06").exit_code == 0
    assert world.openai.calls == 5
    day_digest = (world.out / "paper_logs" / "2024" / "12" / "06.md").read_text("utf-8")
    fresh = new_entries(world, [100, 90, 5])
    world.hf.set_week(WEEK, [*world.hf.days["2024-12-06"], *fresh])

    result = world.run("--week", WEEK, "--top", "6")

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 5 + 2  # only 2412.00900 and 2412.00901 had no summary
    assert "2 summarized" in result.output
    assert "4 reused" in result.output
    assert query(world, "SELECT DISTINCT votes FROM weekly_entries ORDER BY votes DESC") == [
        (100,), (90,), (74,), (47,), (37,), (10,)
    ]  # fmt: skip
    assert world.arxiv.downloads["2412.06002"] == 1  # the day's PDF was not fetched again
    text = weekly_file(world)
    assert text.count("\n### [") + text.startswith("### [") == 6
    assert (world.out / "paper_logs" / "2024" / "12" / "06.md").read_text("utf-8") == day_digest

    again = world.run("--week", WEEK, "--top", "6")

    assert again.exit_code == 0, again.output
    assert world.openai.calls == 7
    assert "6 reused" in again.output
    assert "tokens in 0 / out 0" in again.output
    assert weekly_file(world) == text


def test_a_summary_of_any_model_is_reused(world: World) -> None:
    world.add_day("2024-12-06", 3, day=6)
    assert world.run("--date", "2024-12-06", env=world.env(llm=False)).exit_code == 0
    world.hf.set_week(WEEK, world.hf.days["2024-12-06"])

    result = world.run("--week", WEEK)

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 0
    assert "3 reused" in result.output
    assert weekly_file(world).count(f"> {EXTRACTIVE_NOTE}\n") == 3


def test_a_failed_paper_is_left_out_and_the_rerun_bills_just_it(world: World) -> None:
    world.hf.set_week(WEEK, new_entries(world, [9, 8, 7]))
    world.openai.fail_next(400)  # a bad request fails its paper at once, without retries

    first = world.run("--week", WEEK, "--concurrency", "1")

    assert first.exit_code == 1
    assert "1 failed" in first.output
    assert weekly_file(world).count("Vote: ") == 2
    # The first paper sent met the 400; papers are read in parallel, so which one it was is
    # the store's to say.
    [(failed, error)] = query(
        world, "SELECT arxiv_id, last_error FROM papers WHERE status = 'failed'"
    )
    assert error
    votes = {"2412.00900": 9, "2412.00901": 8, "2412.00902": 7}[failed]
    assert f"Vote: {votes}\n" not in weekly_file(world)
    assert f"  {failed}: " in first.output  # named under "failed:", with its cause
    calls = world.openai.calls

    second = world.run("--week", WEEK)

    assert second.exit_code == 0, second.output
    assert world.openai.calls == calls + 1
    assert weekly_file(world).count("Vote: ") == 3


def test_a_rerun_where_no_paper_has_a_summary_keeps_the_stored_digest(world: World) -> None:
    world.hf.set_week(WEEK, new_entries(world, [9, 8]))
    assert world.run("--week", WEEK).exit_code == 0
    text, stored = weekly_file(world), query(world, "SELECT * FROM weekly_entries")
    world.hf.set_week(WEEK, new_entries(world, [20], first=950))
    world.openai.fail_next(400)

    result = world.run("--week", WEEK)

    assert result.exit_code == 1
    assert "1 failed" in result.output
    assert "  2412.00950: " in result.output
    assert weekly_file(world) == text
    assert query(world, "SELECT * FROM weekly_entries") == stored


def test_a_paper_listed_only_in_a_week_is_dated_by_its_sunday_until_a_day_lists_it(
    world: World,
) -> None:
    world.hf.set_week(WEEK, new_entries(world, [5]))
    assert world.run("--week", WEEK).exit_code == 0
    first_listed = "SELECT first_listed FROM papers WHERE arxiv_id = '2412.00900'"
    assert query(world, first_listed) == [("2024-12-08",)]
    world.hf.set_day("2024-12-04", world.hf.weeks[WEEK])

    assert world.run("--date", "2024-12-04").exit_code == 0

    assert query(world, first_listed) == [("2024-12-04",)]
    assert world.openai.calls == 1  # the day reused the week's summary


def test_an_empty_week_writes_nothing_and_succeeds(world: World) -> None:
    result = world.run("--week", WEEK)

    assert result.exit_code == 0, result.output
    assert "0 listed" in result.output
    assert "no digest written" in result.output
    assert not (world.out / "paper_logs").exists()


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2024-W60", "invalid week '2024-W60': 2024 has weeks W01 to W52"),
        ("2024-W53", "invalid week '2024-W53': 2024 has weeks W01 to W52"),
        ("2024-W00", "invalid week '2024-W00': 2024 has weeks W01 to W52"),
        ("2024-49", "invalid week '2024-49': expected YYYY-Www, e.g. 2024-W49"),
        ("2024-w49", "invalid week '2024-w49': expected YYYY-Www, e.g. 2024-W49"),
        ("2024-12-06", "invalid week '2024-12-06': expected YYYY-Www, e.g. 2024-W49"),
        ("2999-W01", "week 2999-W01 is in the future"),
    ],
)
def test_a_bad_week_is_refused_before_any_request(world: World, week: str, message: str) -> None:
    result = world.run("--week", week)

    assert result.exit_code == 2
    assert message in result.output
    assert world.hf.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--week", WEEK, "--date", "2024-12-06"), "give either --week or --date/--since/--until"),
        (("--week", WEEK, "--since", "2024-12-02"), "give either --week or --date/--since/--until"),
        (("--top", "5",), "--top needs --week"),
        (("--week", WEEK, "--batch"), "--batch works with days"),
    ],
)  # fmt: skip
def test_options_that_do_not_go_with_week_are_refused(
    world: World, args: tuple[str, ...], message: str
) -> None:
    result = world.run(*args)

    assert result.exit_code == 2
    assert message in result.output
    assert world.hf.requests == []


def test_top_must_be_positive(world: World) -> None:
    result = world.run("--week", WEEK, "--top", "0")

    assert result.exit_code == 2
    assert world.hf.requests == []


def test_the_week_that_has_begun_is_allowed_and_the_next_is_not() -> None:
    friday = date(2024, 12, 6)

    assert str(Period.week_of(friday)) == WEEK
    assert str(Period.week_of(date(2024, 12, 30))) == "2025-W01"
    assert validate_week(WEEK, today=friday) == WEEK
    assert validate_week("2020-W53", today=friday) == "2020-W53"
    with pytest.raises(DateError, match="week 2024-W50 is in the future"):
        validate_week("2024-W50", today=friday)


def test_week_view_and_stored_weeks_read_the_store_only(world: World) -> None:
    entries = new_entries(world, [3, 50, 20])
    entries[2]["title"] = "Tricky *title* [with] marks"
    world.hf.set_week(WEEK, entries)
    assert world.run("--week", WEEK).exit_code == 0
    world.hf.set_week("2024-W48", new_entries(world, [1], first=950))
    assert world.run("--week", "2024-W48").exit_code == 0
    requests = len(world.hf.requests)

    with Store.open(world.out / "dailypapers.db") as store:
        weeks = store.stored_weeks()
        view = week_view(store, WEEK)
        missing = week_view(store, "2024-W47")

    assert weeks == ["2024-W48", WEEK]
    assert missing is None
    assert view is not None
    assert view.period.name == WEEK
    assert [(p.arxiv_id, p.votes, p.title) for p in view.papers] == [
        ("2412.00901", 50, "Weekly paper 901"),
        ("2412.00902", 20, "Tricky *title* [with] marks"),
        ("2412.00900", 3, "Weekly paper 900"),
    ]
    paper = view.papers[0]
    assert [s.text for s in paper.sections] == list(korean_summary("Weekly paper 901").values())
    assert paper.authors == ("A. Author",)
    assert paper.hf_url == "https://huggingface.co/papers/2412.00901"
    assert len(world.hf.requests) == requests


def test_week_view_shows_a_tie_in_the_files_order(world: World) -> None:
    entries = new_entries(world, [7, 7, 9])
    world.hf.set_week(WEEK, [entries[1], entries[0], entries[2]])
    assert world.run("--week", WEEK).exit_code == 0
    text = weekly_file(world)

    with Store.open(world.out / "dailypapers.db") as store:
        view = week_view(store, WEEK)

    assert view is not None
    order = ["2412.00902", "2412.00901", "2412.00900"]  # most votes, then the API's order
    assert [p.arxiv_id for p in view.papers] == order
    assert sorted(order, key=lambda arxiv_id: text.index(f"abs/{arxiv_id})")) == order


def test_publish_refuses_a_date_and_a_week_together(world: World) -> None:
    result = invoke(
        "publish", "--slack", "--week", WEEK, "--date", "2024-12-06", "--out", str(world.out)
    )

    assert result.exit_code == 2
    assert "give either --date or --week, not both" in result.output


def test_publish_refuses_a_bad_week(world: World) -> None:
    result = invoke("publish", "--slack", "--week", "2024-W60", "--out", str(world.out))

    assert result.exit_code == 2
    assert "invalid week '2024-W60'" in result.output


def test_publish_week_dry_run_shows_the_week(world: World) -> None:
    world.hf.set_week(WEEK, new_entries(world, [4, 2]))
    assert world.run("--week", WEEK).exit_code == 0
    env = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_CHANNEL": "C123"}

    out = ("--dry-run", "--out", str(world.out))

    shown = invoke("publish", "--slack", "--week", WEEK, *out, env=env)
    empty = invoke("publish", "--slack", "--week", "2024-W40", *out, env=env)

    assert shown.exit_code == 0, shown.output
    assert "slack → " in shown.output
    assert "messages" in shown.output
    assert "xoxb-test-token" not in shown.output
    assert empty.exit_code == 0, empty.output
    assert "nothing to publish for 2024-W40: no digest stored for the week" in empty.output
    assert query(world, "SELECT count(*) FROM deliveries") == [(0,)]


def test_the_site_has_a_page_and_a_feed_entry_per_week(world: World) -> None:
    world.hf.set_week(WEEK, new_entries(world, [3, 50, 20]))
    assert world.run("--week", WEEK).exit_code == 0
    site = world.out / "site"

    result = invoke("site", "build", str(site), "--out", str(world.out))

    assert result.exit_code == 0, result.output
    assert "0 days, 1 week, 0 papers" in result.output
    page = (site / "weeks" / f"{WEEK}.html").read_text(encoding="utf-8")
    assert page.index("Weekly paper 901") < page.index("Weekly paper 902")
    assert page.index("Weekly paper 902") < page.index("Weekly paper 900")
    assert f'href="weeks/{WEEK}.html"' in (site / "archive.html").read_text(encoding="utf-8")
    assert f"weeks/{WEEK}.html" in (site / "feed.xml").read_text(encoding="utf-8")
