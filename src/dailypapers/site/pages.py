"""What the pages add for reading: the skim line of a paper, its preview tags, the links
between a day and its ISO week, and this week's top papers for the front page.

Templates call these; each is a little string work per paper, so pages stay cheap to build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dailypapers.digest.render import is_video
from dailypapers.digest.views import PaperView, PeriodView, period_path, web_url
from dailypapers.models import printable
from dailypapers.periods import Period

#: How long a skim line or a preview description may be, in characters.
LINE_LIMIT = 200
#: How many of this week's papers the front page shows.
WEEK_TOP = 5


def first_line(paper: PaperView, limit: int = LINE_LIMIT) -> str:
    """The first line of What's New (or of an older entry's first bullet or verbatim text),
    cut at ``limit`` characters."""
    if paper.verbatim:
        text = next((line for line in paper.verbatim.splitlines() if line.strip()), "")
    else:
        text = paper.sections[0].text if paper.sections else ""
    text = " ".join(printable(text).split()).lstrip("-• ")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def preview_image(view: PeriodView) -> str | None:
    """The first http(s) thumbnail of the period that is an image, for ``og:image``."""
    for paper in view.papers:
        url = web_url(paper.thumbnail)
        if url is not None and not is_video(url):
            return url
    return None


def site_url(base_url: str | None, path: str, root: str = "") -> str:
    """``path`` (from the site root) under ``base_url``; without one, relative to a file
    whose folder ``root`` leads back to the root from (``../`` for ``papers/x.md``)."""
    return f"{base_url.rstrip('/')}/{path}" if base_url else root + path


def date_range(period: Period) -> str:
    """``2024-12-02 – 2024-12-08`` for a week; the day itself for a day."""
    if not period.is_week:
        return period.name
    return f"{period.first_day.isoformat()} – {period.last_day.isoformat()}"


@dataclass(frozen=True)
class Listed:
    """A day or week the site has a page for, known without loading its papers."""

    period: Period
    #: How many papers its page shows.
    count: int
    #: A hash of everything its page shows (``Store.day_fingerprints``).
    fingerprint: str = ""
    #: Its papers, each once, in the order the store keeps them.
    papers: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.period.name

    @property
    def path(self) -> str:
        return period_path(self.period)


@dataclass(frozen=True)
class SiteLinks:
    """Which days and weeks have pages, to link a day to its week and a week to its days."""

    days: frozenset[str]
    weeks: frozenset[str]

    @classmethod
    def of(cls, days: Sequence[Listed], weeks: Sequence[Listed]) -> SiteLinks:
        return cls(
            frozenset(day.period.name for day in days),
            frozenset(week.period.name for week in weeks),
        )

    def week_of(self, period: Period) -> tuple[str, str] | None:
        """(name, page) of the day's ISO week when that week has a page."""
        week = Period.week_of(period.first_day)
        return (week.name, period_path(week)) if week.name in self.weeks else None

    def days_of(self, period: Period) -> list[tuple[str, str]]:
        """(date, page) of each day of the week that has a page, in order."""
        days = [
            Period.day(period.first_day.fromordinal(period.first_day.toordinal() + i))
            for i in range(7)
        ]
        return [(day.name, period_path(day)) for day in days if day.name in self.days]


def week_top(days: Sequence[PeriodView], limit: int = WEEK_TOP) -> list[tuple[PaperView, str]]:
    """The most voted papers of the ISO week of the latest day, so far, with their pages."""
    if not days:
        return []
    week = Period.week_of(days[-1].period.first_day)
    seen: dict[str, tuple[PaperView, str]] = {}
    for day in days[-7:]:
        if week.first_day <= day.period.first_day <= week.last_day:
            for paper in day.papers:
                seen.setdefault(paper.arxiv_id, (paper, period_path(day.period)))
    ranked = sorted(seen.values(), key=lambda pair: (-pair[0].votes, pair[0].arxiv_id))
    return ranked[:limit]


def days_js(days: Sequence[Listed]) -> str:
    """``assets/days.js``: every day with a page, for the date input (a script, not JSON, as
    ``file://`` pages cannot fetch; loaded only when a reader picks a date)."""
    names = ",".join(f'"{day.period.name}"' for day in days)
    return f"window.DAILYPAPERS_DAYS = [{names}];\n"
