"""What readers see of a day: its published papers with their links, for the site and messages.

Everything here is plain text (titles unescaped, no Markdown). Each output escapes it in its
own way: HTML for the site, mrkdwn for Slack, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from urllib.parse import urlsplit

from dailypapers.digest.render import unescape_title
from dailypapers.models import DigestEntry, Section
from dailypapers.store import Store

HF_PAPER_URL = "https://huggingface.co/papers/{}"
ARXIV_ABS_URL = "https://arxiv.org/abs/{}"
#: Links longer than this are left out of pages and messages.
URL_LIMIT = 2048


@dataclass(frozen=True)
class PaperView:
    arxiv_id: str
    title: str
    votes: int
    authors: tuple[str, ...]
    thumbnail: str | None
    sections: tuple[Section, ...]
    #: The extractive or flagged note the digest shows under the authors, if any.
    note: str | None = None
    github_repo: str | None = None
    project_page: str | None = None

    @property
    def arxiv_url(self) -> str:
        return ARXIV_ABS_URL.format(self.arxiv_id)

    @property
    def hf_url(self) -> str:
        return HF_PAPER_URL.format(self.arxiv_id)


@dataclass(frozen=True)
class DayView:
    """A day's digest as one list, highest votes first. ``period`` is a date or an ISO week."""

    period: str
    papers: tuple[PaperView, ...]


def day_view(store: Store, date: str) -> DayView | None:
    """The papers of the day's digest, or None when the day has none.

    A day whose file holds two runs shows each paper once, as its latest run has it.
    """
    digest = store.load_digest(date)
    if digest is None:
        return None
    latest: dict[str, DigestEntry] = {}
    for run in digest.runs:
        for entry in run.entries:
            latest[entry.arxiv_id] = entry
    papers = [paper_view(store, entry) for entry in latest.values()]
    papers.sort(key=lambda paper: (-paper.votes, paper.arxiv_id))
    return DayView(period=date, papers=tuple(papers))


def paper_view(store: Store, entry: DigestEntry) -> PaperView:
    paper = store.get_paper(entry.arxiv_id)
    return PaperView(
        arxiv_id=entry.arxiv_id,
        title=unescape_title(entry.title_md),
        votes=entry.votes,
        authors=entry.authors,
        thumbnail=entry.thumbnail,
        sections=entry.sections,
        note=entry.note,
        github_repo=paper.github_repo if paper else None,
        project_page=paper.project_page if paper else None,
    )


def web_url(url: str | None, limit: int = URL_LIMIT) -> str | None:
    """``url`` when it is an http(s) address with a host, without spaces or control characters,
    at most ``limit`` long; else None, so a ``javascript:`` link never reaches a reader."""
    url = (url or "").strip()
    if not url or len(url) > limit or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def is_week(period: str) -> bool:
    """Whether a period is an ISO week (``2024-W49``) rather than a day (``2024-12-06``)."""
    return "-W" in period


def period_path(period: str) -> str:
    """Where the site keeps a period's page: ``days/2024-12-06.html``, ``weeks/2024-W49.html``."""
    return f"{'weeks' if is_week(period) else 'days'}/{period}.html"


def page_url(site_url: str, period: str) -> str:
    """The address of a period's page on the site published at ``site_url``."""
    return f"{site_url.rstrip('/')}/{period_path(period)}"


def last_day(period: str) -> Date:
    """The period's last day: the day itself, or the Sunday of the week."""
    if is_week(period):
        year, week = period.split("-W")
        return Date.fromisocalendar(int(year), int(week), 7)
    return Date.fromisoformat(period)


def section_name(label: str) -> str:
    """``***What's New***`` as the digest writes it, without its emphasis: ``What's New``."""
    return label.strip().strip("*_").strip() or label.strip()
