"""Site stage: a static web site of every stored digest, built from the database.

Pages link to each other with relative URLs, so the same folder works opened from disk
(``file://``) and served from GitHub Pages under any path. Search runs in the browser over
the shards of ``assets/search/`` (``search_index.py``), loaded as scripts because ``file://``
pages cannot fetch JSON.
Every value from the data is escaped by the templates (Jinja autoescape); links from the data
are kept only when they are http(s). Output is deterministic: a rebuild of unchanged data
rewrites no file.
"""

from __future__ import annotations

import calendar
import itertools
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from dailypapers import __version__
from dailypapers.digest.render import is_video
from dailypapers.digest.views import (
    PaperView,
    PeriodView,
    day_views,
    period_path,
    section_name,
    web_url,
    week_views,
)
from dailypapers.errors import UsageError
from dailypapers.periods import Period
from dailypapers.site.evidence import section_html
from dailypapers.site.feeds import atom_feed, day_json, index_json, json_feed
from dailypapers.site.output import Folder, Output, Written, key_of
from dailypapers.site.pages import (
    Listed,
    SiteLinks,
    date_range,
    days_js,
    first_line,
    preview_image,
    week_top,
)
from dailypapers.site.paper_files import llms_txt, paper_file, paper_files
from dailypapers.site.processes import default_jobs, processes, share
from dailypapers.site.search_index import ROOT as SEARCH_ROOT
from dailypapers.site.search_index import (
    SegmentIndex,
    aliases,
    documents,
    manifest_js,
    segment_of,
)
from dailypapers.site.topics import Topic, check_topics, topic_view
from dailypapers.store import Fingerprint, Store

SITE_TITLE = "Daily Papers 한국어 요약"
ASSETS = ("style.css", "site.js", "reading.js", "prefs.js", "search.js")
#: How many days and weeks the Atom feed carries.
FEED_PERIODS = 30
#: How many days a topic feed reads at a time, newest first.
TOPIC_CHUNK = 31
#: Days whose papers are read and rendered together.
MONTH_OF_DAYS = 31
#: A build reading fewer days than this renders them in its own process: starting others
#: costs more than it saves.
POOL_DAYS = 120


@dataclass
class SiteReport:
    out: Path
    days: int = 0
    weeks: int = 0
    papers: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    #: Files the last build wrote that this one no longer makes, deleted.
    removed: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    #: How many processes rendered the days and the search index.
    processes: int = 1


@dataclass(frozen=True)
class Page:
    """A day's or a week's page: where it is and its neighbours."""

    view: PeriodView
    previous: str | None = None
    next: str | None = None

    @property
    def path(self) -> str:
        """The page, relative to the site root, e.g. ``days/2024-12-06.html``."""
        return period_path(self.view.period)

    @property
    def kind(self) -> str:
        """``day`` or ``week``, as the templates say it."""
        return self.view.period.kind


def build_site(
    store: Store,
    out: Path,
    *,
    base_url: str | None = None,
    topics: Sequence[Topic] = (),
    jobs: int | None = None,
) -> SiteReport:
    """Write the whole site under ``out``; returns what was written and how long it took.

    A build with many days to render shares their segments among ``jobs`` processes (by
    default one per processor, at most ``processes.MAX_JOBS``).

    Each of ``topics`` gets an Atom feed of its own, ``feeds/NAME.xml``. A folder built
    before is updated: only the days, weeks and search segments whose inputs changed are
    rendered, and only files whose content changed are written (``output.py``)."""
    if base_url is not None and web_url(base_url) is None:
        raise UsageError(f"the site's base URL {base_url!r} is not an http(s) address")
    check_topics(topics)
    started = time.perf_counter()
    report = SiteReport(out=out)
    output = Output(out, _build_key(base_url))
    days = _listed(store.day_fingerprints(), Period.day, distinct=True)
    weeks = _listed(store.week_fingerprints(), Period.week, distinct=False)
    report.days, report.weeks = len(days), len(weeks)
    report.papers = len({paper for day in days for paper in day.papers})
    site = _Site(store, output, _environment(base_url), base_url)
    site.env.globals["links"] = links = SiteLinks.of(days, weeks)
    jobs = default_jobs() if jobs is None else jobs
    entries, report.processes = _days_and_search(site, output, days, links, jobs)
    _weeks(site, output, weeks, links)
    latest = day_views(store, [day.name for day in days[-7:]])
    if latest:
        front = Page(latest[-1], days[-2].path if len(days) > 1 else None)
        top = week_top(latest)
        site.page("index.html", "period.html", period=front, front=True, week_top=top)
    else:
        site.page("index.html", "empty.html")
    site.page("archive.html", "archive.html", months=_months(days), weeks=weeks)
    site.page("search.html", "search.html")
    site.page("prefs.html", "prefs.html")
    output.file("assets/days.js", days_js(days))
    output.file(f"{SEARCH_ROOT}/manifest.js", manifest_js(entries))
    output.file("data/index.json", index_json(days, weeks))
    feed = _feed_entries(store, days, weeks)
    output.file("feed.xml", atom_feed(feed, SITE_TITLE, base_url))
    output.file("feed.json", json_feed(feed, SITE_TITLE, base_url))
    for topic in topics:
        output.file(topic.path, _topic_feed(store, days, topic, base_url))
    output.file("llms.txt", llms_txt(SITE_TITLE, days, weeks, latest, base_url))
    for name, data in _assets():
        output.file(f"assets/{name}", data)
    report.removed = output.remove_stale()
    output.save()
    report.written, report.unchanged = output.written, output.unchanged
    report.seconds = time.perf_counter() - started
    return report


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
    ``kept`` is its line of the manifest)."""

    name: str
    stale: tuple[StaleDay, ...]
    index_days: tuple[str, ...] | None
    search_key: str
    #: Each paper of the segment -> the first day it was shown (its index document's day).
    first: dict[str, str]
    kept: list[object] | None

    @property
    def days(self) -> int:
        """How many days are read: the measure of the work, to share it out."""
        return len(self.index_days) if self.index_days is not None else len(self.stale)


@dataclass(frozen=True)
class Kept:
    """A segment with nothing to render: its days and index are the last build's."""

    name: str
    entry: list[object]


def render_segment(site: _Site, work: SegmentWork) -> list[object] | None:
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
        cls.env = _environment(setup.base_url)
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
                entry = render_segment(_Site(store, folder, env, setup.base_url), item)
                rendered.append((entry, folder.done()))
        return rendered


#: A placeholder view for a page whose papers are read later.
_EMPTY = PeriodView(Period.day("1970-01-01"), ())


class _Site:
    """Renders pages and a day's files into a folder, reading the database a month of days
    at a time, so that a month's papers at most are in memory."""

    def __init__(self, store: Store, output: Folder, env: Environment, base_url: str | None):
        self.store = store
        self.output = output
        self.env = env
        self.base_url = base_url

    def page(self, path: str, template: str, **context: Any) -> None:
        root = "../" * path.count("/")
        html = self.env.get_template(template).render(root=root, path=path, **context)
        self.output.file(path, html)

    def views_by_month(self, dates: Sequence[str]) -> Iterator[dict[str, PeriodView]]:
        """The views of ``dates``, read a month of days at a time: a year's papers with the
        evidence of every claim would hold hundreds of megabytes at once."""
        for first in range(0, len(dates), MONTH_OF_DAYS):
            chunk = dates[first : first + MONTH_OF_DAYS]
            yield {view.period.name: view for view in day_views(self.store, chunk)}

    def day(self, page: Page, key: str, owned: Collection[str]) -> None:
        name = page.view.period.name
        files = [page.path, f"data/{name}.json"]
        self.page(page.path, "period.html", period=page)
        self.output.file(files[1], day_json(page.view))
        for path, text in paper_files(page.view, self.base_url, owned):
            self.output.file(path, text)
            files.append(path)
        self.output.record(f"day:{name}", key, files)


def _days_and_search(
    site: _Site, output: Output, days: Sequence[Listed], links: SiteLinks, jobs: int
) -> tuple[list[list[object]], int]:
    """Each day's page, JSON and paper files, and the search index's segments; returns the
    segments' lines of the search manifest and how many processes rendered them. With
    ``jobs`` above 1 and at least ``POOL_DAYS`` days to read, segments are shared among
    that many processes."""
    plan = _plan(output, days, links)
    work = [item for item in plan if isinstance(item, SegmentWork)]
    entries: dict[str, list[object] | None] = {}
    shares = share([item.days for item in work], jobs)
    db = site.store.path
    if len(shares) > 1 and db is not None and sum(item.days for item in work) >= POOL_DAYS:
        setup = WorkerSetup(db, output.out, output.old_files, site.base_url, links)
        mine, *theirs = shares
        with processes(len(theirs), _Worker.start, setup) as pool:
            futures = [pool.submit(_Worker.render, [work[i] for i in part]) for part in theirs]
            for i in mine:
                entries[work[i].name] = render_segment(site, work[i])
            for part, future in zip(theirs, futures, strict=True):
                for i, (entry, done) in zip(part, future.result(), strict=True):
                    output.merge(done)
                    entries[work[i].name] = entry
    else:
        shares = [list(range(len(work)))]
        for segment_work in work:
            entries[segment_work.name] = render_segment(site, segment_work)
    lines = []
    for item in plan:
        line = entries[item.name] if isinstance(item, SegmentWork) else item.entry
        if line is not None:
            lines.append(line)
    return lines, len(shares)


def _plan(output: Output, days: Sequence[Listed], links: SiteLinks) -> list[SegmentWork | Kept]:
    """Each segment's days whose pages must be rendered again, and whether its index must
    be; the parts of the last build that are still right are kept in ``output``."""
    owner = {paper: day.name for day in days for paper in day.papers}  # the last day
    first: dict[str, str] = {}
    for day in days:
        for paper in day.papers:
            first.setdefault(paper, day.name)
    neighbours = _neighbours(days)
    plan: list[SegmentWork | Kept] = []
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
            if stale:
                kept = old_segment["entry"]
                plan.append(SegmentWork(name, tuple(stale), None, search_key, {}, kept))
            else:
                plan.append(Kept(name, old_segment["entry"]))
            continue
        mine = {paper: first[paper] for day in listed for paper in day.papers}
        every = tuple(day.name for day in listed)
        plan.append(SegmentWork(name, tuple(stale), every, search_key, mine, None))
    return plan


def _weeks(site: _Site, output: Output, weeks: Sequence[Listed], links: SiteLinks) -> None:
    neighbours = _neighbours(weeks)
    stale = []
    for week in weeks:
        previous, following = neighbours[week.name]
        key = key_of(week.fingerprint, previous, following, links.days_of(week.period))
        if (old := output.part(f"week:{week.name}", key)) is not None:
            output.keep(f"week:{week.name}", old)
        else:
            stale.append((week, previous, following, key))
    views = {v.period.name: v for v in week_views(site.store, [w[0].name for w in stale])}
    for week, previous, following, key in stale:
        page = Page(views[week.name], previous, following)
        site.page(page.path, "period.html", period=page)
        output.record(f"week:{week.name}", key, [page.path])


def _topic_feed(store: Store, days: Sequence[Listed], topic: Topic, base_url: str | None) -> str:
    """The latest days with papers on ``topic``, only those papers (read a month at a time,
    newest first, until the feed is full)."""
    found: list[tuple[PeriodView, str]] = []
    for end in range(len(days), 0, -TOPIC_CHUNK):
        chunk = days[max(0, end - TOPIC_CHUNK) : end]
        for view in reversed(day_views(store, [day.name for day in chunk])):
            if len(found) == FEED_PERIODS:
                break
            if (match := topic_view(view, topic)) is not None:
                found.append((match, period_path(view.period)))
        if len(found) == FEED_PERIODS:
            break
    title = f"{SITE_TITLE} · {topic.name}"
    return atom_feed(found[::-1], title, base_url, feed_name=topic.path, root="../")


def _feed_entries(
    store: Store, days: Sequence[Listed], weeks: Sequence[Listed]
) -> list[tuple[PeriodView, str]]:
    """The latest ``FEED_PERIODS`` days and weeks, oldest first, with their pages."""
    latest = sorted([*days, *weeks], key=lambda p: p.period.sort_key())[-FEED_PERIODS:]
    names = {p.name for p in latest}
    views = day_views(store, [d.name for d in days if d.name in names])
    views += week_views(store, [w.name for w in weeks if w.name in names])
    views.sort(key=lambda view: view.period.sort_key())
    return [(view, period_path(view.period)) for view in views]


def _listed(
    prints: dict[str, Fingerprint], make: Callable[[str], Period], *, distinct: bool
) -> list[Listed]:
    return [
        Listed(make(name), len(fp.papers) if distinct else fp.entries, fp.hash, fp.papers)
        for name, fp in sorted(prints.items())
    ]


def _neighbours(periods: Sequence[Listed]) -> dict[str, tuple[str | None, str | None]]:
    """Each period's previous and next pages."""
    paths = [period.path for period in periods]
    return {
        period.name: (
            paths[i - 1] if i > 0 else None,
            paths[i + 1] if i + 1 < len(paths) else None,
        )
        for i, period in enumerate(periods)
    }


def _assets() -> list[tuple[str, bytes]]:
    assets = resources.files("dailypapers.site").joinpath("assets")
    return [(name, assets.joinpath(name).read_bytes()) for name in ASSETS]


def _build_key(base_url: str | None) -> str:
    """What every page depends on besides its data: our version, the templates, the
    assets, the glossary (search aliases) and the base URL."""
    templates = resources.files("dailypapers.site").joinpath("templates")
    parts = sorted((item.name, item.read_bytes()) for item in templates.iterdir() if item.is_file())
    return key_of(__version__, parts, _assets(), aliases(), base_url)


def _environment(base_url: str | None) -> Environment:
    env = Environment(
        loader=PackageLoader("dailypapers.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are read once: the default checks each one's file again at every
        # include, two stat calls per paper of every page.
        auto_reload=False,
    )
    env.globals.update(
        site_title=SITE_TITLE,
        version=__version__,
        base_url=base_url,
        section_name=section_name,
        web_url=web_url,
        thumbnail_url=thumbnail_url,
        authors_text=authors_text,
        first_line=first_line,
        date_range=date_range,
        preview_image=preview_image,
        paper_file=paper_file,
        section_html=section_html,
    )
    return env


@dataclass(frozen=True)
class Month:
    title: str
    #: Calendar rows, Monday first; each cell is None or (day number, page path or None, count).
    rows: list[list[tuple[int, str | None, int] | None]]
    days: int
    papers: int


def _months(days: Iterable[Listed]) -> list[Month]:
    """Newest month first, each as a calendar whose days with a digest are links."""
    by_month: dict[tuple[int, int], dict[int, Listed]] = {}
    for period in days:
        day = period.period.first_day
        by_month.setdefault((day.year, day.month), {})[day.day] = period
    months = []
    for (year, month), known in sorted(by_month.items(), reverse=True):
        rows = []
        for week in calendar.Calendar().monthdayscalendar(year, month):
            row: list[tuple[int, str | None, int] | None] = []
            for number in week:
                if number == 0:
                    row.append(None)
                elif number in known:
                    row.append((number, known[number].path, known[number].count))
                else:
                    row.append((number, None, 0))
            rows.append(row)
        papers = sum(p.count for p in known.values())
        months.append(Month(f"{year}년 {month}월", rows, len(known), papers))
    return months


def thumbnail_url(paper: PaperView) -> str | None:
    url = web_url(paper.thumbnail)
    return None if url is None or is_video(url) else url


def authors_text(paper: PaperView, limit: int = 12) -> str:
    names = list(paper.authors)
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" 외 {len(names) - limit}명"
