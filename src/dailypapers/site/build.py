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
from collections.abc import Iterable, Sequence
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
    day_view,
    period_path,
    section_name,
    web_url,
    week_view,
)
from dailypapers.errors import UsageError
from dailypapers.files import write_atomic_bytes
from dailypapers.site.feeds import atom_feed, day_json, index_json, json_feed
from dailypapers.site.pages import (
    SiteLinks,
    date_range,
    days_js,
    first_line,
    preview_image,
    week_top,
)
from dailypapers.site.paper_files import llms_txt, paper_file, paper_files, write_files
from dailypapers.site.search_index import search_files
from dailypapers.site.topics import Topic, check_topics, topic_view
from dailypapers.store import Store

SITE_TITLE = "Daily Papers 한국어 요약"
ASSETS = ("style.css", "site.js", "reading.js", "prefs.js", "search.js")
#: How many days and weeks the Atom feed carries.
FEED_PERIODS = 30
PUBLIC = 0o644


@dataclass
class SiteReport:
    out: Path
    days: int = 0
    weeks: int = 0
    papers: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    seconds: float = 0.0

    def size_of(self, name: str) -> int:
        path = self.out / name
        return path.stat().st_size if path.exists() else 0


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
    store: Store, out: Path, *, base_url: str | None = None, topics: Sequence[Topic] = ()
) -> SiteReport:
    """Write the whole site under ``out``; returns what was written and how long it took.

    Each of ``topics`` gets an Atom feed of its own, ``feeds/NAME.xml``."""
    if base_url is not None and web_url(base_url) is None:
        raise UsageError(f"the site's base URL {base_url!r} is not an http(s) address")
    check_topics(topics)
    started = time.perf_counter()
    report = SiteReport(out=out)
    days = _pages([v for d in store.digest_days() if (v := day_view(store, d))])
    weeks = _pages([v for w in store.stored_weeks() if (v := week_view(store, w))])
    report.days, report.weeks = len(days), len(weeks)
    report.papers = len({paper.arxiv_id for period in days for paper in period.view.papers})
    site = _Writer(out, report, base_url)
    site.env.globals["links"] = SiteLinks.of([d.view for d in days], [w.view for w in weeks])
    for period in days + weeks:
        site.page(period.path, "period.html", period=period)
        if period.kind == "day":
            site.file(f"data/{period.view.period}.json", day_json(period.view, base_url))
            site.files(paper_files(period.view, base_url))
    if days:
        top = week_top([d.view for d in days])
        site.page("index.html", "period.html", period=days[-1], front=True, week_top=top)
    else:
        site.page("index.html", "empty.html")
    site.page("archive.html", "archive.html", months=_months(days), weeks=weeks)
    site.page("search.html", "search.html")
    site.page("prefs.html", "prefs.html")
    site.file("assets/days.js", days_js([d.view for d in days]))
    for path, content in search_files([p.view for p in days]).items():
        site.file(path, content)
    site.file("data/index.json", index_json([p.view for p in days], [w.view for w in weeks]))
    latest = sorted(days + weeks, key=lambda p: p.view.period.sort_key())[-FEED_PERIODS:]
    entries = [(p.view, p.path) for p in latest]
    site.file("feed.xml", atom_feed(entries, SITE_TITLE, base_url))
    site.file("feed.json", json_feed(entries, SITE_TITLE, base_url))
    for topic in topics:
        site.file(topic.path, _topic_feed(days, topic, base_url))
    site.file(
        "llms.txt", llms_txt(SITE_TITLE, [d.view for d in days], [w.view for w in weeks], base_url)
    )
    assets = resources.files("dailypapers.site").joinpath("assets")
    for name in ASSETS:
        site.file(f"assets/{name}", assets.joinpath(name).read_bytes())
    report.seconds = time.perf_counter() - started
    return report


class _Writer:
    def __init__(self, out: Path, report: SiteReport, base_url: str | None) -> None:
        self.out = out
        self.report = report
        self.env = Environment(
            loader=PackageLoader("dailypapers.site", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
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
        )

    def page(self, path: str, template: str, **context: Any) -> None:
        root = "../" * path.count("/")
        html = self.env.get_template(template).render(root=root, path=path, **context)
        self.file(path, html)

    def files(self, files: list[tuple[str, str]]) -> None:
        """Many small files at once (a day's papers), see ``write_files``."""
        written, unchanged = write_files(self.out, files, PUBLIC)
        self.report.written += written
        self.report.unchanged += unchanged

    def file(self, path: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = self.out / path
        if target.exists() and target.read_bytes() == data:
            self.report.unchanged += 1
            return
        write_atomic_bytes(target, data)
        target.chmod(PUBLIC)  # a temporary file is private; a web page is not
        self.report.written.append(target)


def _topic_feed(days: Sequence[Page], topic: Topic, base_url: str | None) -> str:
    """The latest days with papers on ``topic``, only those papers."""
    found: list[tuple[PeriodView, str]] = []
    for period in reversed(days):
        if len(found) == FEED_PERIODS:
            break
        if (view := topic_view(period.view, topic)) is not None:
            found.append((view, period.path))
    title = f"{SITE_TITLE} · {topic.name}"
    return atom_feed(found[::-1], title, base_url, feed_name=topic.path, root="../")


def _pages(views: Sequence[PeriodView]) -> list[Page]:
    paths = [period_path(view.period) for view in views]
    return [
        Page(
            view=view,
            previous=paths[i - 1] if i > 0 else None,
            next=paths[i + 1] if i + 1 < len(paths) else None,
        )
        for i, view in enumerate(views)
    ]


@dataclass(frozen=True)
class Month:
    title: str
    #: Calendar rows, Monday first; each cell is None or (day number, page path or None, count).
    rows: list[list[tuple[int, str | None, int] | None]]
    days: int
    papers: int


def _months(days: Iterable[Page]) -> list[Month]:
    """Newest month first, each as a calendar whose days with a digest are links."""
    by_month: dict[tuple[int, int], dict[int, Page]] = {}
    for period in days:
        day = period.view.period.first_day
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
                    row.append((number, known[number].path, len(known[number].view.papers)))
                else:
                    row.append((number, None, 0))
            rows.append(row)
        papers = sum(len(p.view.papers) for p in known.values())
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
