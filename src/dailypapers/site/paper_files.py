"""Files for programs and assistants: a Markdown file per paper and ``llms.txt``.

``papers/{arxiv_id}.md`` holds one paper (title, links, authors, its sections) as plain
Markdown, written by string formatting: a day's files cost microseconds, so even a site of
50,000 papers writes them in well under a second. ``llms.txt`` (https://llmstxt.org) is the
map: the site's title, a one-line summary, and sections of links to the day pages and the
Markdown files of the latest days.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from dailypapers.digest.views import PaperView, PeriodView, period_path, section_name, web_url
from dailypapers.evidence import Evidence
from dailypapers.models import printable
from dailypapers.site.pages import Listed, site_url

#: Characters a paper's file name keeps; anything else (an old-style ``/``) becomes ``_``.
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: How many of the latest days ``llms.txt`` lists paper by paper.
LLMS_PAPER_DAYS = 7


def paper_file(arxiv_id: str) -> str:
    """``papers/2412.04315.md``: where a paper's Markdown file is, from the site root."""
    return f"papers/{UNSAFE.sub('_', arxiv_id)}.md"


def paper_files(
    view: PeriodView, base_url: str | None = None, only: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """Every paper of a day (or those of ``only``) as ``(path, Markdown)``: one call per day,
    so a build that skips an unchanged day skips its papers too."""
    page = site_url(base_url, period_path(view.period), "../")  # relative: from papers/
    return [
        (paper_file(paper.arxiv_id), paper_markdown(paper, page))
        for paper in view.papers
        if only is None or paper.arxiv_id in only
    ]


def paper_markdown(paper: PaperView, day_page: str) -> str:
    links = [f"- arXiv: {paper.arxiv_url}", f"- Hugging Face: {paper.hf_url}"]
    if github := web_url(paper.github_repo):
        links.append(f"- GitHub: {github}")
    if project := web_url(paper.project_page):
        links.append(f"- Project: {project}")
    links.append(f"- Digest: {day_page}#{paper.arxiv_id}")
    lines = [f"# {_line(paper.title)}", "", *links, ""]
    if paper.authors:
        lines += [f"Authors: {_line(', '.join(paper.authors))}", ""]
    facts = [f"Votes: {paper.votes}"] if paper.votes_known else []
    if paper.organization:
        facts.append(f"Organization: {_line(paper.organization)}")
    if paper.keywords:
        facts.append(f"Keywords: {_line(', '.join(paper.keywords))}")
    if facts:
        lines += [" · ".join(facts), ""]
    if paper.note:
        lines += [f"> {_line(paper.note)}", ""]
    lines += _body(paper)
    lines += _evidence(paper)
    return "\n".join(lines).rstrip("\n") + "\n"


def _evidence(paper: PaperView) -> list[str]:
    """Where the summary stands, and the paper's sentence behind each number and name."""
    lines: list[str] = []
    if paper.summary_provenance:
        lines.append(f"Summary: {_line(paper.summary_provenance)}")
    if paper.provenance:
        lines.append(f"Text: {_line(paper.provenance)}")
    if lines:
        lines = ["## Provenance", "", *(f"- {line}" for line in lines), ""]
    evidence = paper.grounding.evidence if paper.grounding else ()
    if evidence:
        lines += ["## Evidence", ""]
        for item in evidence:
            lines.append(f"- {_line(item.claim)} ({item.kind}, {item.part}): {_source(item)}")
        lines.append("")
    return lines


def _source(item: Evidence) -> str:
    if item.sentence is None:
        return "not found in the text sent or the abstract"
    where = f" ({_line(item.where)})" if item.where else ""
    return f"\u201c{_line(item.sentence)}\u201d{where}"


def _body(paper: PaperView) -> list[str]:
    if paper.verbatim:
        return ["```text", paper.verbatim.replace("```", "'''"), "```"]
    if paper.bullets:
        return [f"- {_line(section.text)}" for section in paper.sections]
    lines: list[str] = []
    for section in paper.sections:
        lines += [f"## {section_name(section.label)}", "", _line(section.text), ""]
    return lines


def llms_txt(
    title: str,
    days: Sequence[Listed],
    weeks: Sequence[Listed],
    latest: Sequence[PeriodView],
    base_url: str | None,
) -> str:
    """The site's ``llms.txt``: H1, blockquote, then sections of Markdown links; ``latest``
    are the views of the latest days (those listed paper by paper)."""
    papers = len({paper for day in days for paper in day.papers})
    lines = [
        f"# {title}",
        "",
        f"> Korean summaries of the Hugging Face Daily Papers: {len(days)} days, "
        f"{papers} papers. Every paper has a Markdown file (papers/ARXIV_ID.md) with its "
        "title, links, authors and summary sections.",
        "",
        "## Latest papers",
        "",
    ]
    for view in reversed(latest[-LLMS_PAPER_DAYS:]):
        for paper in view.papers:
            link = site_url(base_url, paper_file(paper.arxiv_id))
            lines.append(f"- [{_link_text(paper.title)}]({link}): {view.period}")
    lines += ["", "## Days", ""]
    for day in reversed(days):
        lines.append(
            f"- [{day.period}]({site_url(base_url, period_path(day.period))}): {day.count} papers"
        )
    if weeks:
        lines += ["", "## Weeks", ""]
        for week in reversed(weeks):
            lines.append(
                f"- [{week.period}]({site_url(base_url, period_path(week.period))}): "
                f"{week.count} papers"
            )
    lines += [
        "",
        "## Optional",
        "",
        f"- [Atom feed]({site_url(base_url, 'feed.xml')}): the latest days and weeks",
        f"- [JSON Feed]({site_url(base_url, 'feed.json')}): the same, as JSON Feed 1.1",
        f"- [Index]({site_url(base_url, 'data/index.json')}): every day with its JSON file",
    ]
    return "\n".join(lines) + "\n"


def _line(text: str) -> str:
    return printable(text).strip()


def _link_text(text: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", _line(text))
