"""Many days in one go: walk a date range, skipping days that are complete already."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from dailypapers.errors import DailyPapersError
from dailypapers.jobs.context import Day
from dailypapers.jobs.day import run_day
from dailypapers.jobs.relist import recent_late_candidates
from dailypapers.jobs.results import Progress, RunReport
from dailypapers.store import RunRecord, Store

#: Why a complete day of a range runs again.
LISTED_AGAIN = "listed again for late papers"
DayOutcome = Literal["done", "skipped", "failed"]


@dataclass
class DayResult:
    date: str
    outcome: DayOutcome
    report: RunReport | None = None
    detail: str = ""


def incomplete_reason(store: Store, when: str) -> str | None:
    """Why ``when`` needs a run, or None when it is complete."""
    return day_reason(
        store.last_run(when), store.has_digest(when), lambda: len(store.unsettled(when))
    )


def day_reason(run: RunRecord | None, has_digest: bool, unsettled: Callable[[], int]) -> str | None:
    """Why a day needs a run, from its last run, whether it has a digest, and (asked last,
    when the rest says complete) how many listed papers have no summary; None when complete.

    The one definition of a complete day: ``run --since`` and ``doctor`` both use it.
    """
    if run is None:
        return None if has_digest else "never run"  # with a digest: imported from an archive
    if run.finished_at is None:
        return "the last run was interrupted"
    report = run.report
    if report.get("failed"):
        return f"{report['failed']} paper(s) failed in the last run"
    if report.get("listed") == 0:
        # A weekend, or a list not published yet: asking again costs one request.
        return "the list was empty"
    if report.get("problems"):
        return f"{len(report['problems'])} list entry(ies) could not be read"
    count = unsettled()
    if count:
        return f"{count} listed paper(s) have no summary"
    return None


def run_range(
    day: Day,
    dates: list[str],
    *,
    progress: Progress | None = None,
    on_day: Callable[[DayResult], None] | None = None,
) -> list[DayResult]:
    """Run every incomplete day in ``dates``, oldest first; one day failing stops nothing.

    With ``--force`` (``config.force``) every day runs, and summaries are made again. The
    complete days of the last ``relist_days`` before today are listed again all the same
    (``recent_late_candidates``): Hugging Face adds papers to a day after it, and the
    scheduled workflow runs a range that ends today.
    """
    results = []
    late = set(recent_late_candidates(day, dates[-1])) if dates else set()
    for when in dates:
        reason = "--force" if day.config.force else incomplete_reason(day.store, when)
        if reason is None and when in late:
            reason = LISTED_AGAIN
        if reason is None:
            result = DayResult(when, "skipped", detail="complete")
        else:
            result = _run_one(day, when, progress)
        results.append(result)
        if on_day is not None:
            on_day(result)
    return results


def _run_one(day: Day, when: str, progress: Progress | None) -> DayResult:
    try:
        report = run_day(day, when, progress)
    except DailyPapersError as e:
        return DayResult(when, "failed", detail=str(e))
    return DayResult(when, "done" if report.ok else "failed", report)
