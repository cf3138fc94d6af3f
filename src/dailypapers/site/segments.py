"""The days and the search index, segment by segment: what must be rendered again (the
plan), and rendering it, in this process or shared among several (``processes.py``).

A segment of the search index (``search_index.segment_of``) and its days are one piece of
work: its days' pages, JSON and paper files, and its index when any of its days changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from dailypapers.site.output import Folder, Output, Written, key_of
from dailypapers.site.pages import Listed, SiteLinks
from dailypapers.site.processes import processes, share
from dailypapers.site.render import Page, Renderer, environment
from dailypapers.site.search_index import SegmentIndex, documents, segment_of
from dailypapers.store import Store

#: A build reading fewer days than this renders them in its own process: starting others
#: costs more than it saves.
POOL_DAYS = 120


@dataclass(frozen=True)
class StaleDay:
    """A day whose page, JSON and paper files (those of ``owned``) are rendered again."""

    name: str
    previous: str | None
    next: str | None
    key: str
    owned: frozenset[str]


@dataclass(frozen=True)
class SegmentWork:
    """A segment of the search index and its days: the days to render, and the segment's
    index to build from every day of ``index_days`` (None: the last build's is kept, and
    ``kept`` is its line of the manifest). A segment with neither is not rendered at all."""

    name: str
    stale: tuple[StaleDay, ...]
    index_days: tuple[str, ...] | None
    search_key: str
    #: Each paper of the segment -> the first day it was shown (its index document's day).
    first: dict[str, str]
    kept: list[object] | None

    @property
    def days(self) -> int:
        """How many days are read: the measure of the work, to share it out (0: none)."""
        return len(self.index_days) if self.index_days is not None else len(self.stale)


def render_segment(site: Renderer, work: SegmentWork) -> list[object] | None:
    """Render ``work``'s stale days and, when asked, build its index; returns the segment's
    line of the search manifest."""
    wanted = [day.name for day in work.stale] if work.index_days is None else work.index_days
    stale = {day.name: day for day in work.stale}
    index = SegmentIndex(work.name, site.output.file) if work.index_days is not None else None
    for views in site.views_by_month(wanted):
        for name, view in views.items():
            if (day := stale.get(name)) is not None:
                site.day(Page(view, day.previous, day.next), day.key, day.owned)
        if index is not None:
            # each paper once, on the first day it was shown (in this segment or an earlier
            # one, and in this month of days or an earlier one)
            found = documents(views.values())
            index.add(doc for doc in found if work.first[doc.arxiv_id] == doc.date)
    if index is None:
        return work.kept
    files, entry = index.finish()
    site.output.record(f"search:{work.name}", work.search_key, sorted(files), entry=entry)
    return entry


@dataclass(frozen=True)
class WorkerSetup:
    """What every process rendering segments needs, handed over once when it starts."""

    db: Path
    out: Path
    old_files: dict[str, str]
    base_url: str | None
    links: SiteLinks


class _Worker:
    """A rendering process's state, set by ``start`` when the process starts
    (``processes.processes``)."""

    setup: WorkerSetup | None = None
    env: Environment | None = None

    @classmethod
    def start(cls, setup: WorkerSetup) -> None:
        cls.setup = setup
        cls.env = environment(setup.base_url)
        cls.env.globals["links"] = setup.links

    @classmethod
    def render(cls, work: Sequence[SegmentWork]) -> list[tuple[list[object] | None, Written]]:
        """``render_segment`` of each of ``work`` in this process, with its own database
        connection; returns their manifest lines and what was written, for the parent's
        ``Output``."""
        setup, env = cls.setup, cls.env
        if setup is None or env is None:
            raise RuntimeError("a rendering process was not started with its setup")
        rendered = []
        with Store.open_to_read(setup.db) as store:
            for item in work:
                folder = Folder(setup.out, setup.old_files)
                entry = render_segment(Renderer(store, folder, env, setup.base_url), item)
                rendered.append((entry, folder.done()))
        return rendered


def days_and_search(
    site: Renderer, output: Output, days: Sequence[Listed], links: SiteLinks, jobs: int
) -> tuple[list[list[object]], int]:
    """Each day's page, JSON and paper files, and the search index's segments; returns the
    segments' lines of the search manifest and how many processes rendered them. With
    ``jobs`` above 1 and at least ``POOL_DAYS`` days to read, segments are shared among
    that many processes."""
    plan = _plan(output, days, links)
    lines = {item.name: item.kept for item in plan}
    work = [item for item in plan if item.days]
    shares = share([item.days for item in work], jobs)
    db = site.store.path
    if len(shares) < 2 or db is None or sum(item.days for item in work) < POOL_DAYS:
        for item in work:
            lines[item.name] = render_segment(site, item)
        return [line for line in lines.values() if line is not None], 1
    setup = WorkerSetup(db, output.out, output.old_files, site.base_url, links)
    mine, *theirs = shares
    with processes(len(theirs), _Worker.start, setup) as pool:
        futures = [pool.submit(_Worker.render, [work[i] for i in part]) for part in theirs]
        for i in mine:
            lines[work[i].name] = render_segment(site, work[i])
        for part, future in zip(theirs, futures, strict=True):
            for i, (line, done) in zip(part, future.result(), strict=True):
                output.merge(done)
                lines[work[i].name] = line
    return [line for line in lines.values() if line is not None], len(shares)


def _plan(output: Output, days: Sequence[Listed], links: SiteLinks) -> list[SegmentWork]:
    """Each segment's days whose pages must be rendered again, and whether its index must
    be; the parts of the last build that are still right are kept in ``output``."""
    owner = {paper: day.name for day in days for paper in day.papers}  # the last day
    first: dict[str, str] = {}
    for day in days:
        for paper in day.papers:
            first.setdefault(paper, day.name)
    neighbours = page_neighbours(days)
    plan: list[SegmentWork] = []
    latest = days[-1].name if days else ""
    for name, group in itertools.groupby(days, key=lambda d: segment_of(d.name, latest)):
        listed = list(group)
        stale = []
        for day in listed:
            previous, following = neighbours[day.name]
            owned = [paper for paper in day.papers if owner[paper] == day.name]
            week = links.week_of(day.period)
            key = key_of(day.fingerprint, previous, following, week, owned)
            if (old := output.part(f"day:{day.name}", key)) is not None:
                output.keep(f"day:{day.name}", old)
            else:
                stale.append(StaleDay(day.name, previous, following, key, frozenset(owned)))
        earlier = sorted({p for d in listed for p in d.papers if first[p] < listed[0].name})
        search_key = key_of([(d.name, d.fingerprint) for d in listed], earlier)
        if (old_segment := output.part(f"search:{name}", search_key)) is not None:
            output.keep(f"search:{name}", old_segment)
            kept = old_segment["entry"]
            plan.append(SegmentWork(name, tuple(stale), None, search_key, {}, kept))
            continue
        mine = {paper: first[paper] for day in listed for paper in day.papers}
        every = tuple(day.name for day in listed)
        plan.append(SegmentWork(name, tuple(stale), every, search_key, mine, None))
    return plan


def page_neighbours(periods: Sequence[Listed]) -> dict[str, tuple[str | None, str | None]]:
    """Each period's previous and next pages."""
    paths = [period.path for period in periods]
    return {
        period.name: (
            paths[i - 1] if i > 0 else None,
            paths[i + 1] if i + 1 < len(paths) else None,
        )
        for i, period in enumerate(periods)
    }
