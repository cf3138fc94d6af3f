"""The weekly digest: an ISO week's most-voted papers in one file, never summarized twice.

``run_week`` fetches the week's list (``GET /api/daily_papers?week=2024-W49``, paged like a
day), keeps the top N papers by votes, reuses any stored summary of them (whatever its model or
prompt: a day run made it already), sends the others through the day pipeline's per-paper path
(download, extract, summarize, store), and writes ``paper_logs/weekly/YYYY-Www.md``.

The week's list is stored as fetched (``week_listings``, a record like the days' ``listings``)
and the digest's papers, in order, with the summary each is shown with (``weekly_entries``),
so writing, showing and publishing the week need no network.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from dailypapers.digest.render import paper_entry
from dailypapers.digest.write import publish_week
from dailypapers.jobs.context import Day
from dailypapers.jobs.day import summarize_papers
from dailypapers.jobs.results import NoProgress, PaperResult, Progress, RunReport
from dailypapers.models import Paper
from dailypapers.periods import Period
from dailypapers.sources.hf import fetch_list, parse_entries
from dailypapers.store import Store
from dailypapers.summarize import Summarizer

DEFAULT_TOP = 10


def run_week(
    day: Day, week: str, top: int = DEFAULT_TOP, progress: Progress | None = None
) -> RunReport:
    """Fetch the week's list, summarize what its top ``top`` papers lack, store and write it.

    ``report.listed`` counts the week's list; the results are the top papers only.
    """
    started = time.monotonic()
    report = RunReport(date=week, summarizer=day.summarizer.model)
    chosen = top_papers(list_week(day, week, report), top)
    progress = progress or NoProgress()
    progress.begin(len(chosen))
    summarize_papers(day, plan_week(day, chosen, report, progress), report, progress)
    assemble_week(day.store, week, chosen, day.summarizer)
    config = day.config
    report.written = publish_week(day.store, config.out_dir, week, overwrite=config.overwrite)
    report.seconds = time.monotonic() - started
    return report


def list_week(day: Day, week: str, report: RunReport) -> list[Paper]:
    """Fetch the week's list; store its papers and the list (not in the dated ``listings``)."""
    config = day.config
    entries = fetch_list(
        day.http,
        config.hf_endpoint,
        "week",
        week,
        attempts=config.http_attempts,
        backoff=config.http_backoff,
        seconds=config.download_seconds,
    )
    parsed = parse_entries(entries)
    report.listed, report.problems = len(parsed.papers), list(parsed.problems)
    report.dropped = list(parsed.dropped)
    # A paper seen only in a week's list is dated by the week's last day (today at most);
    # a day list that shows it later lowers this to the real day.
    listed_on = min(Period.week(week).last_day, datetime.now(UTC).date())
    with day.store.transaction():
        for paper in parsed.papers:
            day.store.upsert_paper(paper, listed_on.isoformat())
        day.store.record_listing(Period.week(week), parsed.papers)
    return parsed.papers


def top_papers(papers: Sequence[Paper], top: int) -> list[Paper]:
    """The ``top`` papers with the most votes; ties keep the API's order."""
    return sorted(papers, key=lambda paper: -paper.upvotes)[:top]


def plan_week(day: Day, papers: list[Paper], report: RunReport, progress: Progress) -> list[Paper]:
    """The papers that have no stored summary at all (or all of them, with --force)."""
    todo = []
    for paper in papers:
        stored = day.store.best_summary(
            paper.arxiv_id, day.summarizer.model, day.summarizer.prompt_version
        )
        if stored is None or day.config.force:
            todo.append(paper)
            continue
        made_by = f"{stored.summary.model}, {stored.summary.prompt_version}"
        result = PaperResult(paper.arxiv_id, paper.title, "reused", f"summary stored ({made_by})")
        report.results.append(result)
        progress.advance(result)
    return todo


def assemble_week(store: Store, week: str, papers: list[Paper], summarizer: Summarizer) -> None:
    """Store the week's digest: its top papers that have a summary, most votes first.

    A paper that failed is left out (the report says why; the next run tries it again). When
    no paper has a summary, what was stored for the week stays.
    """
    entries = []
    for paper in papers:
        stored = store.best_summary(paper.arxiv_id, summarizer.model, summarizer.prompt_version)
        if stored is not None:
            entry = paper_entry(paper, stored.summary.sections, paper.upvotes)
            entries.append((entry, stored.id))
    if not entries:
        return
    with store.transaction():
        store.replace_week(week, entries)
