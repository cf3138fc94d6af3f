"""The weekly digest: an ISO week's most-voted papers in one file, never summarized twice.

``run_week`` fetches the week's list (``GET /api/daily_papers?week=2024-W49``, paged like a
day), keeps the top N papers by votes, reuses any stored summary of them (whatever its model or
prompt: a day run made it already), sends the others through the day pipeline's per-paper path
(download, extract, summarize, store), and writes ``paper_logs/weekly/YYYY-Www.md``.

The week's list is stored as fetched (``week_listings``, a record like the days' ``listings``)
and the digest's papers, in order, with the summary each is shown with (``weekly_entries``),
so ``publish_week``, ``stored_weeks`` and ``week_view`` need no network.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from datetime import MINYEAR, UTC, date, datetime
from pathlib import Path

from dailypapers.digest.render import escape_title, render_entry
from dailypapers.digest.views import DayView, last_day, paper_view
from dailypapers.errors import DateError
from dailypapers.files import write_atomic
from dailypapers.jobs.day import (
    Day,
    NoProgress,
    PaperResult,
    Progress,
    RunReport,
    summarize_papers,
)
from dailypapers.models import DigestEntry, Paper
from dailypapers.sources.hf import fetch_list, parse_entries
from dailypapers.store import Store, entry_from_row
from dailypapers.summarize import Summarizer

WEEK = re.compile(r"(\d{4})-W(\d{2})")
DEFAULT_TOP = 10


def validate_week(value: str, *, today: date | None = None) -> str:
    """Return ``value`` if it is a real ISO week ``YYYY-Www`` that has begun (UTC)."""
    match = WEEK.fullmatch(value)
    if match is None:
        raise DateError(f"invalid week {value!r}: expected YYYY-Www, e.g. 2024-W49")
    year, number = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise DateError(f"invalid week {value!r}: {_weeks_of(year)}") from None
    today = today or datetime.now(UTC).date()
    if monday > today:
        raise DateError(f"week {value} is in the future (this is week {week_of(today)} in UTC)")
    return value


def _weeks_of(year: int) -> str:
    if year < MINYEAR:
        return f"there is no year {year}"
    return f"{year} has weeks W01 to W{date(year, 12, 28).isocalendar().week:02d}"


def week_of(day: date) -> str:
    """The ISO week a date belongs to, e.g. ``2024-W49`` for 2024-12-06."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def weekly_path(out_dir: Path, week: str) -> Path:
    return out_dir / "paper_logs" / "weekly" / f"{week}.md"


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
    report.written = publish_week(day.store, day.config.out_dir, week)
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
    )
    parsed = parse_entries(entries)
    report.listed, report.problems = len(parsed.papers), list(parsed.problems)
    # A paper seen only in a week's list is dated by the week's last day (today at most);
    # a day list that shows it later lowers this to the real day.
    listed_on = min(last_day(week), datetime.now(UTC).date())
    with day.store.transaction():
        for paper in parsed.papers:
            day.store.upsert_paper(paper, listed_on.isoformat())
        day.store.record_listing(week, parsed.papers)
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
    rows = []
    for paper in papers:
        stored = store.best_summary(paper.arxiv_id, summarizer.model, summarizer.prompt_version)
        if stored is not None:
            rows.append((paper, stored.id))
    if not rows:
        return
    with store.transaction():
        store.db.execute("DELETE FROM weekly_entries WHERE week = ?", (week,))
        store.db.executemany(
            """
            INSERT INTO weekly_entries (week, position, arxiv_id, title_md, thumbnail, votes,
                authors_json, summary_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [_entry_row(week, position, *row) for position, row in enumerate(rows)],
        )


def _entry_row(week: str, position: int, paper: Paper, summary_id: int) -> tuple[object, ...]:
    authors = json.dumps(list(paper.authors), ensure_ascii=False)
    title_md = escape_title(paper.title)
    return (
        week,
        position,
        paper.arxiv_id,
        title_md,
        paper.thumbnail,
        paper.upvotes,
        authors,
        summary_id,
    )


def load_week(store: Store, week: str) -> list[DigestEntry]:
    """The entries of the week's stored digest, in order; empty when it has none."""
    rows = store.db.execute(
        """
        SELECT e.*, s.sections_json, s.kind, s.flags_json FROM weekly_entries e
        JOIN summaries s ON s.id = e.summary_id
        WHERE e.week = ? ORDER BY e.position
        """,
        (week,),
    ).fetchall()
    return [entry_from_row(row) for row in rows]


def render_week(week: str, entries: Sequence[DigestEntry]) -> str:
    """The weekly digest's Markdown: the day digests' entry format under one week header."""
    return f"## Weekly Papers ({week})\n\n" + "".join(render_entry(entry) for entry in entries)


def publish_week(store: Store, out_dir: Path, week: str) -> list[Path]:
    """Write ``paper_logs/weekly/YYYY-Www.md`` from the database; nothing when it is empty."""
    entries = load_week(store, week)
    if not entries:
        return []
    path = weekly_path(out_dir, week)
    write_atomic(path, render_week(week, entries))
    return [path]


def stored_weeks(store: Store) -> list[str]:
    """Every week with a stored weekly digest, oldest first."""
    rows = store.db.execute("SELECT DISTINCT week FROM weekly_entries ORDER BY week")
    return [row[0] for row in rows]


def week_view(store: Store, week: str) -> DayView | None:
    """The papers of the week's digest in its stored order (most votes first, ties in the
    API's order, as the file shows them), or None when it has none."""
    entries = load_week(store, week)
    if not entries:
        return None
    return DayView(period=week, papers=tuple(paper_view(store, entry) for entry in entries))
