"""What readers see of a day: its published papers with their links, for the site and messages.

Everything here is plain text (titles unescaped, no Markdown). Each output escapes it in its
own way: HTML for the site, mrkdwn for Slack, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dailypapers.digest.render import unescape_title
from dailypapers.evidence import Grounding
from dailypapers.models import (
    DEFAULT_LANG,
    VERBATIM,
    DigestEntry,
    Section,
    are_bullets,
    main_lang,
)
from dailypapers.models import URL_LIMIT as URL_LIMIT
from dailypapers.models import section_name as section_name  # where pages and messages take it from
from dailypapers.models import web_url as web_url
from dailypapers.periods import Period
from dailypapers.store import PaperExtras, SiteEntry, Store

HF_PAPER_URL = "https://huggingface.co/papers/{}"
ARXIV_ABS_URL = "https://arxiv.org/abs/{}"


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
    #: What the checks found in its summary (``check: detail``), e.g. ``injection: ...``.
    flags: tuple[str, ...] = ()
    github_repo: str | None = None
    project_page: str | None = None
    #: The language of its summary (``ko``, ``en``, ...), when it is known.
    lang: str | None = None
    #: The older era of an imported entry (``LEGACY_ERAS``, ``verbatim``); None for ours.
    era: str | None = None
    #: False when the entry shows no vote count (``no-votes`` era, ``Vote: -``).
    votes_known: bool = True
    #: What an entry kept verbatim says under its heading, as written.
    verbatim: str | None = None
    #: Hugging Face's keywords for the paper (``ai_keywords``), and its organisation.
    keywords: tuple[str, ...] = ()
    organization: str | None = None
    #: Where the summary's text came from, in one line (``PaperText.provenance``), or None.
    provenance: str | None = None
    #: Where the summary stands, in one line (``summary_provenance``), or None.
    summary_provenance: str | None = None
    #: Where each number and name of the summary comes from, when it was traced.
    grounding: Grounding | None = None

    @property
    def bullets(self) -> bool:
        return are_bullets(self.sections)

    @property
    def arxiv_url(self) -> str:
        return ARXIV_ABS_URL.format(self.arxiv_id)

    @property
    def hf_url(self) -> str:
        return HF_PAPER_URL.format(self.arxiv_id)


@dataclass(frozen=True)
class PeriodView:
    """A day's or a week's digest as one list, in the order readers see it."""

    period: Period
    papers: tuple[PaperView, ...]
    #: The language its messages are written in: that of most of its summaries.
    lang: str = DEFAULT_LANG


def digest_lang(papers: Iterable[PaperView]) -> str:
    """The language most of ``papers`` are summarized in (on a tie, that of the first one
    shown); ``DEFAULT_LANG`` when none says."""
    return main_lang(paper.lang for paper in papers)


def day_view(store: Store, date: str) -> PeriodView | None:
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
    return PeriodView(period=Period.day(date), papers=tuple(papers), lang=digest_lang(papers))


def week_view(store: Store, week: str) -> PeriodView | None:
    """The papers of the week's digest in its stored order (most votes first, ties in the
    API's order, as the file shows them), or None when it has none."""
    entries = store.load_week(week)
    if not entries:
        return None
    papers = tuple(paper_view(store, entry) for entry in entries)
    return PeriodView(period=Period.week(week), papers=papers, lang=digest_lang(papers))


def day_views(store: Store, dates: Sequence[str] | None = None) -> list[PeriodView]:
    """``day_view`` of each of ``dates`` that has a digest (every day when None), oldest
    first, read in one query."""
    runs: dict[str, dict[str, PaperView]] = {}
    for item in store.day_entries(dates):
        latest = runs.setdefault(item.period, {})
        latest[item.entry.arxiv_id] = _view_of(item)
    views = []
    for date, latest in sorted(runs.items()):
        papers = sorted(latest.values(), key=lambda paper: (-paper.votes, paper.arxiv_id))
        views.append(PeriodView(Period.day(date), tuple(papers), digest_lang(papers)))
    return views


def week_views(store: Store, weeks: Sequence[str] | None = None) -> list[PeriodView]:
    """``week_view`` of each of ``weeks`` that has a digest (every week when None), oldest
    first, read in one query."""
    found: dict[str, list[PaperView]] = {}
    for item in store.week_entries(weeks):
        found.setdefault(item.period, []).append(_view_of(item))
    return [
        PeriodView(Period.week(week), tuple(papers), digest_lang(papers))
        for week, papers in sorted(found.items())
    ]


def _view_of(item: SiteEntry) -> PaperView:
    return _paper_view(item.entry, item.extras)


def paper_view(store: Store, entry: DigestEntry) -> PaperView:
    paper = store.get_paper(entry.arxiv_id)
    extras = PaperExtras(
        github_repo=paper.github_repo if paper else None,
        project_page=paper.project_page if paper else None,
        keywords=paper.ai_keywords if paper else (),
        organization=paper.organization if paper else None,
        provenance=store.provenance(entry.arxiv_id),
    )
    return _paper_view(entry, extras)


def _paper_view(entry: DigestEntry, extras: PaperExtras) -> PaperView:
    return PaperView(
        arxiv_id=entry.arxiv_id,
        title=unescape_title(entry.title_md),
        votes=entry.votes,
        authors=entry.authors,
        thumbnail=entry.thumbnail,
        sections=entry.sections,
        note=entry.note,
        flags=entry.flags,
        github_repo=extras.github_repo,
        project_page=extras.project_page,
        lang=entry.lang,
        era=entry.era,
        votes_known=entry.votes_known,
        verbatim=verbatim_body(entry),
        keywords=extras.keywords,
        organization=extras.organization,
        provenance=extras.provenance,
        summary_provenance=extras.summary_provenance,
        grounding=extras.grounding,
    )


def verbatim_body(entry: DigestEntry) -> str | None:
    """The text of an entry kept verbatim, without its heading and surrounding blank lines."""
    if entry.era != VERBATIM or entry.raw is None:
        return None
    return entry.raw.partition("\n")[2].strip("\n")


def period_path(period: Period) -> str:
    """Where the site keeps a period's page: ``days/2024-12-06.html``, ``weeks/2024-W49.html``."""
    return f"{period.kind}s/{period}.html"


def page_url(site_url: str, period: Period) -> str:
    """The address of a period's page on the site published at ``site_url``."""
    return f"{site_url.rstrip('/')}/{period_path(period)}"
