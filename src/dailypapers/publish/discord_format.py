"""Discord's messages: a period's header and one message per paper, as Discord Markdown.

Messages are plain ``content`` (at most 2,000 characters, counted here in UTF-16 code units so
never short). Every piece of data (title, authors, note, sections) is escaped with a backslash
before each character Discord could read as markup, so a title made of ``*_~|>#[]()`` and
backticks shows as written; links are ``[label](<url>)`` to http(s) addresses only. A paper
that would not fit has its longest sections cut (before escaping, so a cut never splits an
escape) and marked "…". Every message ends with a marker line of its own, ``-# dailypapers
<period> · <item>`` (small grey text), by which ``find`` knows it again. The words are the
digest's language's (``words_for(view.lang)``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dailypapers.digest.views import PaperView, PeriodView, page_url, section_name
from dailypapers.digest.views import web_url as checked_url
from dailypapers.periods import Period
from dailypapers.publish.common import Limits, fit, fit_sections, one_line, paper_links, units
from dailypapers.publish.words import Words, words_for

#: Discord's limits (message content, thread name), and what this channel keeps to so that the
#: sections have most of the room (title, authors line, note, paper links).
LIMITS = Limits(message=2000, heading=100, title=300, authors=300, note=200, url=200)
#: Links to the site (and the API address) may be longer than a paper's links.
SITE_URL_LIMIT = 500
#: Discord's longest nonce.
NONCE_LENGTH = 25

#: Characters that are markup anywhere in a line (``:`` makes emoji and links, ``@`` mentions).
MARKUP = re.compile(r"([\\*_~|`>#\[\]()<@:])")
#: What is markup only at the start of a line: a list item, subtext, a numbered item.
LINE_START = re.compile(r"^(\s*)(-|\+|\d+\.)", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` as Discord Markdown that shows exactly ``text``."""
    text = MARKUP.sub(r"\\\1", text)
    return LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)


def url_in_link(url: str) -> str:
    """A checked http(s) address, fit for ``(<url>)``: what could end it early encoded."""
    for char in "\\<>()":
        url = url.replace(char, f"%{ord(char):02X}")
    return url


def web_url(url: str | None, limit: int = LIMITS.url) -> str | None:
    """``url`` fit for ``(<url>)`` when it is a short http(s) address, else None."""
    url = checked_url(url, limit)
    return None if url is None else url_in_link(url)


def link(label: str, url: str) -> str:
    return f"[{escape(label)}](<{url}>)"


def marker(period: str, item: str) -> str:
    """The last line of every message: how ``find`` knows it again."""
    return f"-# dailypapers {period} · {item}"


def thread_name(period: Period, words: Words) -> str:
    return words.heading(period)[: LIMITS.heading]


def header_content(view: PeriodView, site_url: str | None) -> str:
    words = words_for(view.lang)
    lines = [
        f"## {escape(thread_name(view.period, words))}",
        f"{words.count(len(view.papers))} · {words.thread_hint}",
    ]
    page = web_url(page_url(site_url, view.period), SITE_URL_LIMIT) if site_url else None
    if page is not None:
        lines.append(link(words.read_on_site, page))
    lines.append(marker(view.period.name, "header"))
    return "\n".join(lines)


def paper_content(period: str, paper: PaperView, words: Words) -> str:
    """The message of one paper, its sections cut so that it fits Discord's limit."""
    return fit_sections(
        [section.text for section in paper.sections],
        LIMITS.message,
        lambda bodies: paper_lines(period, paper, bodies, words),
        units,
        escape,
    )


def paper_lines(period: str, paper: PaperView, bodies: Sequence[str], words: Words) -> str:
    """The message of one paper with ``bodies`` (escaped) as the section texts."""
    title = fit(one_line(paper.title), LIMITS.title, escape) or escape(paper.arxiv_id)
    links = [
        link(label, url_in_link(url)) for label, url in paper_links(paper, words, limit=LIMITS.url)
    ]
    lines = [f"**{title}**", " · ".join([f"▲ {paper.votes}", *links])]
    if paper.authors:
        lines.append(f"-# {fit(words.authors(paper.authors), LIMITS.authors, escape)}")
    if paper.note:
        lines.append(fit(paper.note, LIMITS.note, lambda s: f"*{escape(s)}*"))
    for section, body in zip(paper.sections, bodies, strict=True):
        lines.append("")
        if name := section_name(section.label):
            lines.append(f"**{escape(name)}**")
        lines.append(body)
    lines += ["", marker(period, paper.arxiv_id)]
    return "\n".join(lines)


@dataclass(frozen=True)
class DiscordPost:
    """One message, ready to send. ``thread`` names the thread its papers go in."""

    content: str
    marker: str
    nonce: str
    thread: str


def nonce(target: str, period: str, item: str) -> str:
    return hashlib.sha256(f"{target}|{period}|{item}".encode()).hexdigest()[:NONCE_LENGTH]


def posts(view: PeriodView, target: str, site_url: str | None) -> list[tuple[str, DiscordPost]]:
    """(item, post) of the header, then of each paper, for the channel ``target``."""
    words, period = words_for(view.lang), view.period.name
    name = thread_name(view.period, words)

    def post(item: str, content: str) -> DiscordPost:
        return DiscordPost(content, marker(period, item), nonce(target, period, item), name)

    found = [("header", post("header", header_content(view, site_url)))]
    for paper in view.papers:
        found.append((paper.arxiv_id, post(paper.arxiv_id, paper_content(period, paper, words))))
    return found
