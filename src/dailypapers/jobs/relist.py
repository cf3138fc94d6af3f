"""Late papers: Hugging Face adds papers to a day's list after the day, up to a day or two
later. After the day it was asked for, ``run`` lists the days before it again and summarizes
what is new there, as a further block of that day's digest.

Only days a run of ours has covered are listed again: a day never run is ``doctor``'s and
``run --since``'s business, and a day imported from an archive is complete as it is. Nothing
is paid twice: a re-listed day goes through the same plan as any run (summaries stored are
reused, papers shown on another day are left there), and never with ``--force``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from dailypapers.digest.render import digest_path
from dailypapers.digest.write import check_outputs
from dailypapers.errors import DailyPapersError
from dailypapers.jobs.context import Day
from dailypapers.jobs.day import run_day
from dailypapers.jobs.results import Progress, RunReport


@dataclass(frozen=True)
class Relisted:
    """What listing one earlier day again gave: its run's report, or why it could not run."""

    date: str
    report: RunReport | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """No paper failed (a list that could not be fetched is reported, not a failure)."""
        return self.report is None or self.report.count("failed") == 0


def days_before(when: str, count: int) -> list[str]:
    """The ``count`` days before ``when``, oldest first (as ``run --since`` goes): a paper
    listed late on two of them is published on the first."""
    day = date.fromisoformat(when)
    return [(day - timedelta(days=n)).isoformat() for n in range(count, 0, -1)]


def relist_days(day: Day, when: str, progress: Progress | None = None) -> list[Relisted]:
    """List again the ``config.relist_days`` days before ``when`` that a run of ours covered,
    and summarize what is new on them. A day whose list cannot be fetched (or whose file cannot
    be written) is reported and the others go on; a stopped run (Ctrl-C, an LLM no paper can
    use, a full disk) raises ``RunStopped`` as any run does, and the cost cap is the run's."""
    earlier = late_candidates(day, when)
    if not earlier:
        return []
    # --force is for the day asked: a day listed again only pays for what is new on it.
    again = replace(day, config=replace(day.config, force=False))
    return [_relist(again, earlier_day, progress) for earlier_day in earlier]


def late_candidates(day: Day, when: str) -> list[str]:
    """The days before ``when`` (``config.relist_days`` of them) that may have papers added
    late: those a run of ours covered, never an imported day."""
    store = day.store
    imported = store.imported_days()
    return [
        d
        for d in days_before(when, day.config.relist_days)
        if d not in imported and store.last_run(d) is not None
    ]


def recent_late_candidates(day: Day, when: str) -> list[str]:
    """``late_candidates`` that may still grow: within ``config.relist_days`` of today (UTC).
    A range over an old month lists nothing again; the scheduled one, ending today, does."""
    oldest = datetime.now(UTC).date() - timedelta(days=day.config.relist_days)
    return [d for d in late_candidates(day, when) if date.fromisoformat(d) >= oldest]


def _relist(day: Day, when: str, progress: Progress | None) -> Relisted:
    out_dir = day.config.out_dir
    try:
        check_outputs(out_dir, [digest_path(out_dir, when)], overwrite=day.config.overwrite)
        report = run_day(day, when, progress)
    except DailyPapersError as e:
        return Relisted(when, error=str(e))
    return Relisted(when, report)
