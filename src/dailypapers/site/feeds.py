"""Feeds and data exports of the site: an Atom feed of the latest periods, JSON per day.

Both are built from the same views as the pages, with the standard library's XML and JSON
writers, so every value is escaped by construction; a link is kept only when it is http(s).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any
from xml.etree import ElementTree as ET

from dailypapers.digest.views import PaperView, PeriodView, section_name, web_url
from dailypapers.models import printable
from dailypapers.periods import Period

ATOM = "http://www.w3.org/2005/Atom"
#: Feed and entry ids must be stable and absolute; a tag URI needs no host of ours.
TAG = "tag:dailypapers.github.io,2024:"
ENTRY_SECTIONS = 1  # the entry lists each paper with its first section (What's New)


def atom_feed(
    periods: Sequence[tuple[PeriodView, str]], title: str, base_url: str | None = None
) -> str:
    """An Atom 1.0 feed with one entry per period, newest first.

    ``periods`` pairs each view with its page path relative to the site root. Links are
    absolute under ``base_url`` when given, else relative to the feed (which sits at the root).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", TAG + "feed")
    _link(feed, _url(base_url, "feed.xml"), rel="self", kind="application/atom+xml")
    _link(feed, _url(base_url, "index.html"), rel="alternate", kind="text/html")
    _text(feed, "updated", _timestamp(periods[-1][0].period) if periods else "1970-01-01T00:00:00Z")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "dailypapers")
    for view, path in reversed(periods):
        feed.append(_entry(view, _url(base_url, path)))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(view: PeriodView, link: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    kind = "Weekly Papers" if view.period.is_week else "Daily Papers"
    _text(entry, "title", f"{kind} ({view.period}): {len(view.papers)}편")
    _text(entry, "id", f"{TAG}{view.period}")
    _link(entry, link, rel="alternate", kind="text/html")
    _text(entry, "updated", _timestamp(view.period))
    _text(entry, "summary", ", ".join(paper.title for paper in view.papers[:5]))
    content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
    # XML 1.0 has no place for control characters, even escaped: one stored before they were
    # dropped at the input would make the whole feed unreadable.
    content.text = printable("".join(_paper_html(paper, link) for paper in view.papers))
    return entry


def _paper_html(paper: PaperView, page: str) -> str:
    """One paper as HTML inside the entry; the XML writer escapes it once more."""
    first = "".join(f"<p>{escape(s.text)}</p>" for s in paper.sections[:ENTRY_SECTIONS])
    if paper.verbatim:
        first = f"<pre>{escape(paper.verbatim)}</pre>"
    votes = f"▲ {paper.votes} · " if paper.votes_known else ""
    return (
        f'<h3><a href="{escape(page)}#{escape(paper.arxiv_id)}">{escape(paper.title)}</a></h3>'
        f"<p>{votes}{escape(paper.arxiv_id)}</p>{first}"
    )


def day_json(view: PeriodView, base_url: str | None = None) -> str:
    """One period's papers as JSON: everything the page shows, as data."""
    data = {
        "period": view.period.name,
        "count": len(view.papers),
        "papers": [paper_data(paper) for paper in view.papers],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def paper_data(paper: PaperView) -> dict[str, Any]:
    return {
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "votes": paper.votes,
        "authors": list(paper.authors),
        "thumbnail": web_url(paper.thumbnail),
        "arxiv_url": paper.arxiv_url,
        "hf_url": paper.hf_url,
        "github_repo": web_url(paper.github_repo),
        "project_page": web_url(paper.project_page),
        "sections": {section_name(section.label): section.text for section in paper.sections},
        "note": paper.note,
        **older_era_data(paper),
    }


def older_era_data(paper: PaperView) -> dict[str, Any]:
    """What an imported older-era entry adds: its era, its bullets (they have no names to key
    ``sections`` by) or its verbatim text, and whether its votes are known."""
    if paper.era is None:
        return {}
    data: dict[str, Any] = {"era": paper.era, "votes_known": paper.votes_known}
    if paper.bullets:
        data["sections"] = {}
        data["bullets"] = [section.text for section in paper.sections]
    if paper.verbatim:
        data["verbatim"] = paper.verbatim
    return data


def index_json(days: Sequence[PeriodView], weeks: Sequence[PeriodView]) -> str:
    data = {
        "days": [
            {"date": d.period.name, "count": len(d.papers), "json": f"{d.period}.json"}
            for d in days
        ],
        "weeks": [{"week": w.period.name, "count": len(w.papers)} for w in weeks],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _timestamp(period: Period) -> str:
    """Midnight UTC of the day (or the Sunday of the week): stable across rebuilds."""
    return f"{period.last_day.isoformat()}T00:00:00Z"


def _url(base_url: str | None, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = printable(text)


def _link(parent: ET.Element, href: str, *, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})
