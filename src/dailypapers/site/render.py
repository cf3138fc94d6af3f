"""Pages from the templates: the Jinja environment, and a renderer that writes a day's page,
JSON and paper files into a folder, reading the database a month of days at a time."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
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
)
from dailypapers.site.evidence import section_html
from dailypapers.site.feeds import day_json
from dailypapers.site.output import Folder
from dailypapers.site.pages import date_range, first_line, preview_image
from dailypapers.site.paper_files import paper_file, paper_files
from dailypapers.store import Store

SITE_TITLE = "Daily Papers 한국어 요약"
#: Days whose papers are read and rendered together.
MONTH_OF_DAYS = 31


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


class Renderer:
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


def environment(base_url: str | None) -> Environment:
    """The templates' environment: everything escaped, an unknown name an error, and the
    helpers the pages call."""
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


def thumbnail_url(paper: PaperView) -> str | None:
    url = web_url(paper.thumbnail)
    return None if url is None or is_video(url) else url


def authors_text(paper: PaperView, limit: int = 12) -> str:
    names = list(paper.authors)
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" 외 {len(names) - limit}명"
