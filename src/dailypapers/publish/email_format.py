"""The email of a period's digest: its subject, plain text and HTML, in the digest's language
(``words_for(view.lang)``); every piece of data is escaped in the HTML."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence

from dailypapers.digest.render import is_video
from dailypapers.digest.views import PaperView, PeriodView, page_url, section_name, web_url
from dailypapers.publish.common import Limits, paper_links
from dailypapers.publish.words import Words, words_for

#: What the email keeps to: the authors named before "and N more", the longest link.
LIMITS = Limits(max_authors=20)

FONT = (
    "-apple-system,BlinkMacSystemFont,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',"
    "'Noto Sans KR',sans-serif"
)
STYLE = {
    "body": "margin:0;padding:0;background:#f4f5f7;",
    "page": f"max-width:640px;margin:0 auto;padding:16px 12px;font-family:{FONT};"
    "font-size:16px;line-height:1.65;color:#1f2328;word-break:keep-all;overflow-wrap:anywhere;",
    "h1": "font-size:22px;line-height:1.3;margin:0 0 4px;",
    "lead": "margin:0 0 16px;font-size:14px;color:#57606a;",
    "card": "background:#ffffff;border:1px solid #d0d7de;border-radius:8px;padding:16px;"
    "margin:0 0 16px;",
    "h2": "font-size:18px;line-height:1.35;margin:0 0 6px;",
    "title": "color:#0969da;text-decoration:none;",
    "meta": "margin:0 0 6px;font-size:13px;color:#57606a;",
    "link": "color:#0969da;",
    "note": "margin:8px 0;padding:6px 10px;font-size:13px;background:#fff8c5;border-radius:4px;",
    "img": "display:block;width:100%;max-width:100%;height:auto;margin:10px 0;border-radius:4px;",
    "h3": "font-size:15px;line-height:1.4;margin:14px 0 4px;color:#24292f;",
    "text": "margin:0;",
    "foot": "margin:16px 0 0;font-size:12px;color:#6e7781;",
}


def subject(view: PeriodView) -> str:
    words = words_for(view.lang)
    return f"{words.heading(view.period)} — {words.count(len(view.papers))}"


def message_id(period: str, recipients: Sequence[str], sender: str) -> str:
    """The same for every send of a period's digest to the same people."""
    key = "\n".join([period, *sorted(address.lower() for address in recipients)])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "dailypapers.invalid"
    return f"<dailypapers.{period}.{digest}@{domain}>"


def plain_text(view: PeriodView, site_url: str | None) -> str:
    words = words_for(view.lang)
    lines = [subject(view), ""]
    if site_url:
        lines += [words.on_the_web.format(url=page_url(site_url, view.period)), ""]
    for number, paper in enumerate(view.papers, 1):
        links = " · ".join(url for _, url in paper_links(paper, words, limit=LIMITS.url))
        lines.append(f"{number}. {paper.title}")
        lines.append(f"   {words.votes.format(n=paper.votes)} · {links}")
        if paper.authors:
            authors = words.authors(paper.authors, LIMITS.max_authors)
            lines.append(f"   {words.authors_label} {authors}")
        if paper.note:
            lines.append(f"   {words.note_label} {paper.note}")
        for section in paper.sections:
            name = section_name(section.label)
            lines.append(f"   {name}: {section.text}" if name else f"   {section.text}")
        lines.append("")
    lines.append(words.footer)
    return "\n".join(lines) + "\n"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _a(text: str, url: str, style: str = STYLE["link"]) -> str:
    return f'<a href="{_e(url)}" style="{style}">{_e(text)}</a>'


def paper_html(paper: PaperView, words: Words) -> str:
    links = " · ".join(_a(name, url) for name, url in paper_links(paper, words, limit=LIMITS.url))
    votes = _e(words.votes.format(n=paper.votes))
    parts = [
        f'<div style="{STYLE["card"]}">',
        f'<h2 style="{STYLE["h2"]}">{_a(paper.title, paper.arxiv_url, STYLE["title"])}</h2>',
        f'<p style="{STYLE["meta"]}">{votes} · {links}</p>',
    ]
    if paper.authors:
        authors = words.authors(paper.authors, LIMITS.max_authors)
        parts.append(f'<p style="{STYLE["meta"]}">{_e(authors)}</p>')
    if paper.note:
        parts.append(f'<p style="{STYLE["note"]}">{_e(paper.note)}</p>')
    thumbnail = web_url(paper.thumbnail, LIMITS.url)
    if thumbnail is not None and not is_video(thumbnail):
        parts.append(f'<img src="{_e(thumbnail)}" alt="" width="600" style="{STYLE["img"]}">')
    for section in paper.sections:
        if name := section_name(section.label):
            parts.append(f'<h3 style="{STYLE["h3"]}">{_e(name)}</h3>')
        parts.append(f'<p style="{STYLE["text"]}">{_e(section.text)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def html_text(view: PeriodView, site_url: str | None) -> str:
    words = words_for(view.lang)
    lead = _e(words.mail_lead.format(count=words.count(len(view.papers))))
    if site_url:
        lead += " " + _a(words.read_on_site, page_url(site_url, view.period))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_e(words.lang)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(subject(view))}</title></head>",
            f'<body style="{STYLE["body"]}"><div style="{STYLE["page"]}">',
            f'<h1 style="{STYLE["h1"]}">{_e(words.heading(view.period))}</h1>',
            f'<p style="{STYLE["lead"]}">{lead}</p>',
            *(paper_html(paper, words) for paper in view.papers),
            f'<p style="{STYLE["foot"]}">{_e(words.footer)}</p>',
            "</div></body></html>",
        ]
    )
