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
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dailypapers import __version__
from dailypapers.digest.views import PeriodView, day_views, period_path, web_url, week_views
from dailypapers.errors import UsageError
from dailypapers.periods import Period
from dailypapers.site.feeds import atom_feed, index_json, json_feed
from dailypapers.site.output import Output, key_of
from dailypapers.site.pages import Listed, SiteLinks, days_js, week_top
from dailypapers.site.paper_files import llms_txt
from dailypapers.site.processes import default_jobs
from dailypapers.site.render import SITE_TITLE, Page, Renderer, environment
from dailypapers.site.search_index import ROOT as SEARCH_ROOT
from dailypapers.site.search_index import aliases, manifest_js
from dailypapers.site.segments import days_and_search, page_neighbours
from dailypapers.site.topics import Topic, check_topics, topic_view
from dailypapers.store import Fingerprint, Store

ASSETS = ("style.css", "site.js", "reading.js", "prefs.js", "search.js")
#: How many days and weeks the Atom feed carries.
FEED_PERIODS = 30
#: How many days a topic feed reads at a time, newest first.
TOPIC_CHUNK = 31


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
    site = Renderer(store, output, environment(base_url), base_url)
    site.env.globals["links"] = links = SiteLinks.of(days, weeks)
    jobs = default_jobs() if jobs is None else jobs
    entries, report.processes = days_and_search(site, output, days, links, jobs)
    _weeks(site, output, weeks, links)
    feed = _feed_entries(store, days, weeks)
    latest = _latest_days(store, days, feed)
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


def _weeks(site: Renderer, output: Output, weeks: Sequence[Listed], links: SiteLinks) -> None:
    neighbours = page_neighbours(weeks)
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


def _latest_days(
    store: Store, days: Sequence[Listed], feed: Sequence[tuple[PeriodView, str]]
) -> list[PeriodView]:
    """The views of the latest 7 days, taken from the feed's when it has them all (it reads
    the latest 30 days and weeks) rather than read again."""
    names = [day.name for day in days[-7:]]
    found = {view.period.name: view for view, _ in feed if view.period.kind == "day"}
    if all(name in found for name in names):
        return [found[name] for name in names]
    return day_views(store, names)


def _listed(
    prints: dict[str, Fingerprint], make: Callable[[str], Period], *, distinct: bool
) -> list[Listed]:
    return [
        Listed(make(name), len(fp.papers) if distinct else fp.entries, fp.hash, fp.papers)
        for name, fp in sorted(prints.items())
    ]


def _assets() -> list[tuple[str, bytes]]:
    assets = resources.files("dailypapers.site").joinpath("assets")
    return [(name, assets.joinpath(name).read_bytes()) for name in ASSETS]


def _build_key(base_url: str | None) -> str:
    """What every page depends on besides its data: our version, the templates, the
    assets, the glossary (search aliases) and the base URL."""
    templates = resources.files("dailypapers.site").joinpath("templates")
    parts = sorted((item.name, item.read_bytes()) for item in templates.iterdir() if item.is_file())
    return key_of(__version__, parts, _assets(), aliases(), base_url)


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
