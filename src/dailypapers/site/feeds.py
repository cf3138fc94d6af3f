"""Feeds and data exports of the site: an Atom feed and a JSON Feed of the latest periods,
JSON per day.

All are built from the same views as the pages, with the standard library's XML and JSON
writers, so every value is escaped by construction; a link is kept only when it is http(s).
An entry carries every paper of its period with all its sections.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from dailypapers.digest.views import PaperView, PeriodView, section_name, web_url
from dailypapers.models import printable
from dailypapers.periods import Period
from dailypapers.site.pages import Listed, site_url

ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED = "https://jsonfeed.org/version/1.1"
#: Feed and entry ids must be stable and absolute: a tag URI on the site's own host (and
#: path), or on this one when the site has no base URL.
DEFAULT_TAG_HOST = "dailypapers.github.io"
TAG_YEAR = 2024


def tag_prefix(base_url: str | None) -> str:
    """``tag:you.github.io,2024:/papers/``: the start of every feed id of the site at
    ``base_url`` (``tag:dailypapers.github.io,2024:`` without one)."""
    if not base_url:
        return f"tag:{DEFAULT_TAG_HOST},{TAG_YEAR}:"
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/") + "/"
    return f"tag:{parts.hostname},{TAG_YEAR}:{path}"


def atom_feed(
    periods: Sequence[tuple[PeriodView, str]],
    title: str,
    base_url: str | None = None,
    *,
    feed_name: str = "feed.xml",
    root: str = "",
) -> str:
    """An Atom 1.0 feed with one entry per period, newest first.

    ``periods`` pairs each view with its page path relative to the site root. Links are
    absolute under ``base_url`` when given, else relative to the feed: ``root`` leads from
    the feed's folder to the site root (``../`` for ``feeds/NAME.xml``).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    tag = tag_prefix(base_url)
    _text(feed, "id", tag + feed_name.removesuffix(".xml"))
    _link(feed, site_url(base_url, feed_name, root), rel="self", kind="application/atom+xml")
    _link(feed, site_url(base_url, "index.html", root), rel="alternate", kind="text/html")
    _text(feed, "updated", _timestamp(periods[-1][0].period) if periods else "1970-01-01T00:00:00Z")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "dailypapers")
    for view, path in reversed(periods):
        feed.append(_entry(view, site_url(base_url, path, root), tag))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(view: PeriodView, link: str, tag: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "title", entry_title(view))
    _text(entry, "id", f"{tag}{view.period}")
    _link(entry, link, rel="alternate", kind="text/html")
    _text(entry, "updated", _timestamp(view.period))
    _text(entry, "summary", ", ".join(paper.title for paper in view.papers[:5]))
    content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
    # XML 1.0 has no place for control characters, even escaped: one stored before they were
    # dropped at the input would make the whole feed unreadable.
    content.text = printable(entry_html(view, link))
    return entry


def entry_title(view: PeriodView) -> str:
    kind = "Weekly Papers" if view.period.is_week else "Daily Papers"
    return f"{kind} ({view.period}): {len(view.papers)}편"


def entry_html(view: PeriodView, link: str) -> str:
    return "".join(_paper_html(paper, link) for paper in view.papers)


def _paper_html(paper: PaperView, page: str) -> str:
    """One paper as HTML inside an entry, with all its sections (the XML writer escapes it
    once more; the JSON writer quotes it)."""
    if paper.verbatim:
        body = f"<pre>{escape(paper.verbatim)}</pre>"
    elif paper.bullets:
        body = "<ul>" + "".join(f"<li>{escape(s.text)}</li>" for s in paper.sections) + "</ul>"
    else:
        body = "".join(
            f"<p><strong>{escape(section_name(s.label))}</strong>: {escape(s.text)}</p>"
            for s in paper.sections
        )
    votes = f"▲ {paper.votes} · " if paper.votes_known else ""
    return (
        f'<h3><a href="{escape(page)}#{escape(paper.arxiv_id)}">{escape(paper.title)}</a></h3>'
        f"<p>{votes}{escape(paper.arxiv_id)}</p>{body}"
    )


def json_feed(
    periods: Sequence[tuple[PeriodView, str]], title: str, base_url: str | None = None
) -> str:
    """A JSON Feed 1.1 with the same items as the Atom feed, newest first."""
    tag = tag_prefix(base_url)
    data: dict[str, Any] = {"version": JSON_FEED, "title": title}
    if base_url:
        data["home_page_url"] = site_url(base_url, "index.html")
        data["feed_url"] = site_url(base_url, "feed.json")
    data["language"] = "ko"
    data["items"] = [
        {
            "id": f"{tag}{view.period}",
            "url": site_url(base_url, path),
            "title": entry_title(view),
            "summary": ", ".join(paper.title for paper in view.papers[:5]),
            "content_html": printable(entry_html(view, site_url(base_url, path))),
            "date_published": _timestamp(view.period),
        }
        for view, path in reversed(periods)
    ]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def day_json(view: PeriodView) -> str:
    """One period's papers as JSON: everything the page shows, as data; a paper per line (the
    encoder that indents is Python's own, a tenth of the speed, and a big archive writes a
    thousand of these)."""
    head = json.dumps({"period": view.period.name, "count": len(view.papers)})
    papers = ",\n".join(json.dumps(paper_data(p), ensure_ascii=False) for p in view.papers)
    return f'{head[:-1]}, "papers": [\n{papers}\n]}}\n'


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
        **provenance_data(paper),
        **older_era_data(paper),
    }


def provenance_data(paper: PaperView) -> dict[str, Any]:
    """Where the summary stands and where its text came from (one line each), and the
    evidence of every number and name it mentions; nothing for an entry with none."""
    data: dict[str, Any] = {}
    if paper.summary_provenance or paper.provenance:
        data["provenance"] = {"summary": paper.summary_provenance, "text": paper.provenance}
    if paper.grounding is not None:
        data.update(paper.grounding.as_dict())
    return data


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


def index_json(days: Sequence[Listed], weeks: Sequence[Listed]) -> str:
    data = {
        "days": [
            {"date": d.period.name, "count": d.count, "json": f"{d.period}.json"} for d in days
        ],
        "weeks": [{"week": w.period.name, "count": w.count} for w in weeks],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _timestamp(period: Period) -> str:
    """Midnight UTC of the day (or the Sunday of the week): stable across rebuilds."""
    return f"{period.last_day.isoformat()}T00:00:00Z"


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = printable(text)


def _link(parent: ET.Element, href: str, *, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})
