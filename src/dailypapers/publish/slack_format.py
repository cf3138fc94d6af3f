"""Slack's messages: a period's header and one reply per paper, as Block Kit.

Each message has a plain ``text`` fallback for notifications. Slack's mrkdwn has no way to
escape ``*``, ``_``, ``~`` or a backquote, so text from the digest (titles, authors,
summaries) only ever goes into ``plain_text`` objects; mrkdwn holds nothing but our own words
and links. Every post carries ``metadata`` naming its period and item, by which ``find``
knows it again. The words are the digest's language's (``words_for(view.lang)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dailypapers.digest.views import PaperView, PeriodView, page_url, section_name
from dailypapers.publish.common import Limits, fit, one_line, paper_links, units
from dailypapers.publish.words import Words, words_for

EVENT_TYPE = "dailypapers_message"
#: Slack's limits: a header block's text, any other text object, blocks per message; the
#: ``text`` fallback is kept to the length Slack recommends (it truncates at 40,000). The
#: authors line, bold labels and links are kept short so that a paper stays readable.
LIMITS = Limits(
    message=4000,
    heading=150,
    block_text=3000,
    blocks=50,
    label=200,
    authors=1000,
    max_authors=10,
    url=500,
)
#: Characters that mrkdwn may read as formatting (or an emoji name) and cannot escape.
MRKDWN_MARKS = frozenset("*_~`:")


@dataclass(frozen=True)
class SlackPost:
    """One chat.postMessage, ready to send."""

    text: str
    blocks: tuple[dict[str, Any], ...]
    metadata: dict[str, Any]


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as Slack's entities: text that cannot become a link or mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> dict[str, Any]:
    """A plain_text object: Slack shows it as written, emoji names included."""
    return {"type": "plain_text", "text": text, "emoji": False}


def mrkdwn(text: str) -> dict[str, Any]:
    """An mrkdwn text object; ``verbatim`` so Slack links and mentions nothing by itself."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def link(url: str, label: str) -> str:
    """``<url|label>`` for one of our labels; the URL cannot end the link early."""
    for char in "<>|":
        url = url.replace(char, f"%{ord(char):02X}")
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


def bold_label(label: str) -> dict[str, Any]:
    """The label in bold, or as plain text when mrkdwn could misread it."""
    label = fit(label, LIMITS.label)
    if MRKDWN_MARKS.isdisjoint(label):
        return mrkdwn(f"*{escape(label)}*")
    return plain(label)


def metadata(period: str, item: str) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"period": period, "item": item}}


def header_post(view: PeriodView, site_url: str | None) -> SlackPost:
    words = words_for(view.lang)
    title = words.heading(view.period)
    count = words.count(len(view.papers))
    line = escape(count + (f" · {words.thread_hint}" if view.papers else ""))
    text = f"{title} · {count}"
    if site_url:
        page = page_url(site_url, view.period)
        line += f" · {link(page, words.read_on_site)}"
        text += f"\n{page}"
    blocks = (
        {"type": "header", "text": plain(fit(title, LIMITS.heading))},
        {"type": "section", "text": mrkdwn(line)},
    )
    return SlackPost(
        fit(text, LIMITS.message, escape), blocks, metadata(view.period.name, "header")
    )


def paper_post(period: str, paper: PaperView, words: Words) -> SlackPost:
    blocks = [title_block(one_line(paper.title) or paper.arxiv_id)]
    blocks.append({"type": "context", "elements": [mrkdwn(links_line(paper, words))]})
    if paper.authors:
        authors = words.authors(paper.authors, LIMITS.max_authors)
        shown = fit(f"{words.authors_label} {authors}", LIMITS.authors)
        blocks.append({"type": "context", "elements": [plain(shown)]})
    if paper.note and paper.note.strip():
        note = fit(paper.note.strip(), LIMITS.block_text)
        blocks.append({"type": "context", "elements": [plain(note)]})
    for section in paper.sections:
        if not section.text.strip():
            continue
        blocks.append({"type": "section", "text": bold_label(section_name(section.label))})
        body = fit(section.text.strip(), LIMITS.block_text)
        blocks.append({"type": "section", "text": plain(body)})
    text = fit(fallback_text(paper), LIMITS.message, escape)
    return SlackPost(text, tuple(blocks[: LIMITS.blocks]), metadata(period, paper.arxiv_id))


def title_block(title: str) -> dict[str, Any]:
    """A header block, or for a title too long for one, a plain section (cut if need be)."""
    if units(title) <= LIMITS.heading:
        return {"type": "header", "text": plain(title)}
    return {"type": "section", "text": plain(fit(title, LIMITS.block_text))}


def links_line(paper: PaperView, words: Words) -> str:
    """Votes, then arXiv, Hugging Face and (when usable) GitHub and the project page."""
    links = [link(url, label) for label, url in paper_links(paper, words, limit=LIMITS.url)]
    return " · ".join([f"▲ {paper.votes}", *links])


def fallback_text(paper: PaperView) -> str:
    """The plain text of the message, for notifications and clients without blocks."""
    lines = [f"{one_line(paper.title) or paper.arxiv_id} (▲ {paper.votes})", paper.arxiv_url]
    lines += [f"{section_name(s.label)}: {s.text}" for s in paper.sections if s.text.strip()]
    return "\n".join(lines)


def posts(view: PeriodView, site_url: str | None) -> list[tuple[str, SlackPost]]:
    """(item, post) of the header, then of each paper."""
    words = words_for(view.lang)
    found = [("header", header_post(view, site_url))]
    found += [(p.arxiv_id, paper_post(view.period.name, p, words)) for p in view.papers]
    return found
