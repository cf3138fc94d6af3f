"""Nothing live in the Markdown we write: hostile names, answers and links come out inert.

A renderer that passes HTML through (many do) would run a ``<script>`` or an ``<img onerror>``
written into a digest, and follow a ``javascript:`` link. What dailypapers writes from the
Hugging Face list and the LLM is made inert; what it imports renders back byte for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dailypapers.digest.inert import inert_text, inert_url, without_unsafe_links
from dailypapers.digest.legacy import read_archive_digest
from dailypapers.digest.render import digest_path, render_entry, thumbnail_block
from dailypapers.digest.views import PaperView
from dailypapers.errors import UsageError
from dailypapers.models import DigestEntry, Section
from dailypapers.site.build import build_site
from dailypapers.site.feeds import paper_data
from dailypapers.sources.hf import parse_entries
from dailypapers.store import Store
from tests.e2e import World, invoke, one_line, paper_pdf
from tests.fakes import make_entry
from tests.shared_data import shared_path

DATE = "2024-12-06"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
VIDEO = '<video src="javascript:alert(1)"></video>'
JS_LINK = "[click me](javascript:alert(1))"
HOSTILE = f"{SCRIPT} {IMG} {VIDEO} {JS_LINK} ![pic](data:image/svg+xml,<svg onload=alert(1)>)"
HOSTILE_ANSWER = {
    "What's New": f"이 논문은 새로운 방법을 제안합니다. {SCRIPT}",
    "Technical Details": f"제안된 모델은 {IMG} 구조를 사용합니다. {JS_LINK}",
    "Performance Highlights": f"정확도가 3.2% 향상되었습니다. {VIDEO}",
}
#: An HTML renderer that passes raw HTML through, as GitHub-like renderers without a
#: sanitizer do.
MARKDOWN = MarkdownIt("commonmark", {"html": True})


def live_parts(markdown: str) -> list[str]:
    """What would run or navigate when ``markdown`` is shown by a renderer that passes HTML:
    script-like tags, event handlers, links and sources with a scheme other than http(s), and
    Markdown links to ``javascript:`` or ``data:`` (which a less careful renderer keeps)."""
    html = MARKDOWN.render(markdown)
    tags = re.findall(r"<[A-Za-z][^>]*>", html)
    found = [t for t in tags if re.match(r"<(script|iframe|svg|object|embed)\b", t, re.I)]
    found += [t for t in tags if re.search(r"\son\w+\s*=", t, re.I)]
    found += [t for t in tags if re.search(r"\b(?:href|src)=\"(?!https?:)[\w+.-]*:", t, re.I)]
    unsafe_link = r"(?<!\\)(?:\\\\)*\]\(\s*<?\s*(?:javascript|data|vbscript):[^)]*"
    found += re.findall(unsafe_link, markdown, re.IGNORECASE)
    return found


# The neutraliser, piece by piece -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x < y and a<3, 2 <= 3, <- arrow", "x < y and a<3, 2 <= 3, <- arrow"),
        (SCRIPT, r"\<script>alert(1)\</script>"),
        (IMG, r"\<img src=x onerror=alert(1)>"),
        (
            "<!-- c --> <?php ?> <javascript:alert(1)>",
            r"\<!-- c --> \<?php ?> \<javascript:alert(1)>",
        ),
        (r"\<b> is escaped already", r"\<b> is escaped already"),
        (r"\\<b> is a backslash and a tag", r"\\\<b> is a backslash and a tag"),
        (JS_LINK, "click me"),
        ("[a](<javascript:x()>) [b](JaVaScRiPt:x) [c](java&#115;cript:x)", "a b c"),
        ("![pic](data:image/png;base64,AAAA) and [rel](page.html)", "pic and rel"),
        ("[[inner](javascript:1)](javascript:2)", "[inner]"),
        ("[a [b] c](javascript:x) [d [e]](https://ok.org/)", "[a [b] c] [d [e]](https://ok.org/)"),
        ("](javascript:x) \\](javascript:y)", "] \\](javascript:y)"),
        ('[ok](https://github.com/x/y) [t](http://a.b/c "title")', None),
        ("[no closing paren](javascript:x", r"[no closing paren]\(javascript:x"),
    ],
)
def test_text_is_made_inert(text: str, expected: str | None) -> None:
    made = inert_text(text)

    assert made == (text if expected is None else expected)
    assert inert_text(made) == made  # twice is once
    assert live_parts(made) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x/a.png", "https://x/a.png"),
        ("http://x/v.mp4", "http://x/v.mp4"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)//x.mp4", None),
        ("data:image/svg+xml,<svg onload=alert(1)>", None),
        ("/avatars/a.svg", None),
        (
            "https://x/a)<img/src=x/onerror=alert(1)>.png",
            "https://x/a%29%3Cimg/src=x/onerror=alert%281%29%3E.png",
        ),
        ('https://x/"onerror="alert(1).mp4', "https://x/%22onerror=%22alert%281%29.mp4"),
    ],
)
def test_only_http_thumbnails_are_kept_and_stay_one_token(url: str, expected: str | None) -> None:
    made = inert_url(url)

    assert made == expected
    assert made is None or live_parts(thumbnail_block(made)) == []


def test_an_entry_of_ours_is_written_inert_and_an_imported_one_as_it_was() -> None:
    entry = DigestEntry(
        "2412.00001",
        "A title",
        "javascript:alert(1)//x.mp4",
        3,
        (IMG, "[Amy](javascript:alert(1))"),
        (Section("***What's New***", HOSTILE),),
        note=f"Flagged by the checks: injection: live markup or a script link: {SCRIPT!r}",
    )

    ours = render_entry(replace(entry, ours=True))
    imported = render_entry(entry)

    assert live_parts(ours) == []
    assert "Authors: \\<img src=x onerror=alert(1)>, Amy\n" in ours
    assert "](javascript" not in ours
    assert "x.mp4" not in ours  # the video thumbnail is gone
    assert SCRIPT in imported  # imported files round-trip byte for byte
    assert IMG in imported


def test_the_site_data_keeps_only_http_links() -> None:
    paper = PaperView(
        arxiv_id="2412.00001",
        title="T",
        votes=1,
        authors=("A",),
        thumbnail="javascript:alert(1)",
        sections=(),
        github_repo="data:text/html,<script>alert(1)</script>",
        project_page="https://example.org/p",
    )

    data = paper_data(paper)

    assert (data["thumbnail"], data["github_repo"], data["project_page"]) == (
        None,
        None,
        "https://example.org/p",
    )


def test_a_list_entry_with_a_script_link_keeps_the_paper_and_names_what_was_left_out() -> None:
    raw = make_entry(
        "2412.00001",
        "T",
        thumbnail="javascript:alert(1)",
        githubRepo="javascript:alert(2)",
        projectPage="https://example.org/p",
    )
    raw["mediaUrl"] = "https://cdn.example.org/fallback.png"

    day = parse_entries([raw])

    (paper,) = day.papers
    assert (paper.thumbnail, paper.github_repo, paper.project_page) == (
        "https://cdn.example.org/fallback.png",
        None,
        "https://example.org/p",
    )
    assert day.problems == []
    assert day.dropped == [
        "entry 0: 2412.00001: thumbnail 'javascript:alert(1)' is not an http(s) address",
        "entry 0: 2412.00001: githubRepo 'javascript:alert(2)' is not an http(s) address",
    ]


# End to end: a hostile list and a hostile answer through the real CLI -------------------------


def hostile_day(world: World) -> None:
    world.hf.set_day(
        DATE,
        [
            make_entry(
                "2412.00001",
                f"{SCRIPT} Hostile title",
                upvotes=9,
                authors=[IMG, "[Amy](javascript:alert(1))", "Bo <b>Li</b>"],
                thumbnail="javascript:alert(1)//x.mp4",
                githubRepo="javascript:alert(2)",
            ),
            make_entry(
                "2412.00002",
                "A calm title",
                upvotes=3,
                thumbnail="data:image/svg+xml,<svg onload=alert(1)>",
            ),
        ],
    )
    for index, arxiv_id in enumerate(("2412.00001", "2412.00002")):
        world.arxiv.add_pdf(arxiv_id, paper_pdf(index))
    answer = json.dumps(HOSTILE_ANSWER, ensure_ascii=False)
    for _ in range(4):  # each paper is asked again once after the checks flag its answer
        world.openai.enqueue_content(answer)


def test_a_hostile_day_is_written_with_nothing_live(world: World, tmp_path: Path) -> None:
    hostile_day(world)

    result = world.run("--date", DATE)

    output = one_line(result.output)
    day_file = digest_path(world.out, DATE).read_text(encoding="utf-8")
    readme = (world.out / "README.md").read_text(encoding="utf-8")
    assert "### [\\<script\\>alert(1)\\</script\\> Hostile title]" in day_file
    assert "Bo \\<b>Li\\</b>" in day_file
    assert live_parts(day_file) == []
    assert live_parts(readme) == []
    assert "x.mp4" not in day_file  # no thumbnail is kept
    assert "data:image" not in day_file
    assert (
        "link left out: entry 0: 2412.00001: thumbnail 'javascript:alert(1)//x.mp4' "
        "is not an http(s) address" in output
    )
    assert "link left out: entry 0: 2412.00001: githubRepo 'javascript:alert(2)'" in output
    assert "link left out: entry 1: 2412.00002: thumbnail 'data:image/svg+xml," in output

    site = tmp_path / "site"
    built = invoke("site", "build", str(site), "--out", str(world.out), env=world.env())
    assert built.exit_code == 0, built.output
    data = json.loads((site / "data" / f"{DATE}.json").read_text(encoding="utf-8"))
    links = [p[key] for p in data["papers"] for key in ("thumbnail", "github_repo", "project_page")]
    assert links == [None] * 6


def test_a_javascript_base_url_is_refused(world: World, tmp_path: Path) -> None:
    result = invoke(
        "site",
        "build",
        str(tmp_path / "site"),
        "--base-url",
        "javascript:alert(1)//",
        env=world.env(),
    )

    assert result.exit_code != 0
    assert "--base-url 'javascript:alert(1)//' is not an http(s) address" in result.output


# The predecessor's archive as if we had written it ---------------------------------------------

TAG_LIKE = re.compile(r"<[A-Za-z/!?]")


def test_the_reference_archive_changes_only_where_it_has_tags_or_a_non_http_thumbnail() -> None:
    """Every seed-format entry of the reference archive, rendered as if it were ours: only the
    entries with a tag-like ``<`` in their text, or a thumbnail that is not http(s), change."""
    reference = shared_path("reference")
    entries = [
        entry
        for path in sorted(reference.glob("*/*.md"))
        for run in read_archive_digest(path.read_text(encoding="utf-8")).digest.runs
        for entry in run.entries
        if entry.era is None
    ]
    changed = [e for e in entries if render_entry(replace(e, ours=True)) != render_entry(e)]
    expected = [
        e
        for e in entries
        if any(TAG_LIKE.search(text) for text in (*e.authors, *(s.text for s in e.sections)))
        or (e.thumbnail and inert_url(e.thumbnail) != e.thumbnail)
    ]

    assert len(entries) > 1000
    assert [e.arxiv_id for e in changed] == [e.arxiv_id for e in expected]
    assert all(without_unsafe_links(s.text) == s.text for e in entries for s in e.sections)


def test_the_site_library_refuses_a_base_url_that_is_not_http(tmp_path: Path) -> None:
    with (
        Store.open(tmp_path / "db.sqlite") as store,
        pytest.raises(UsageError, match=r"base URL 'javascript:alert\(1\)//' is not an http"),
    ):
        build_site(store, tmp_path / "site", base_url="javascript:alert(1)//")

    assert not (tmp_path / "site" / "feed.xml").exists()


#: Pieces of hostile Markdown and HTML, and the characters that could break their escaping.
PIECES = st.sampled_from(
    [
        *"<>[]()!\\/?` a",
        "<script>",
        "<img src=x onerror=alert(1)>",
        "<b>",
        "</",
        "<!--",
        "](",
        "javascript:alert(1)",
        "data:text/html,x",
        "https://x.org/",
        "<javascript:x>",
        "한",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_text_made_inert_has_nothing_live_and_stays_as_it_is_when_made_inert_again(
    text: str,
) -> None:
    made = inert_text(text)

    assert live_parts(f"- ***What's New***: {made}\n") == []
    assert inert_text(made) == made
