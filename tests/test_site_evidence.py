"""How a summary section is marked up with the evidence of its claims (``site/evidence.py``)."""

from __future__ import annotations

from dailypapers.digest.views import PaperView
from dailypapers.evidence import Evidence, Grounding
from dailypapers.models import Section
from dailypapers.site.evidence import section_html

SECTION = Section(
    "***What's New***", "GPT-4o와 GPT를 넘어 정확도를 3.5%를 높였고 3.55와 30B, 30을 보고합니다."
)


def paper_with(*evidence: Evidence) -> PaperView:
    return PaperView(
        "2412.00001", "t", 1, (), None, (SECTION,), grounding=Grounding(tuple(evidence))
    )


def claims_in(html: str) -> list[str]:
    return [part.split("</button>")[0] for part in html.split('aria-describedby="')[1:]]


def test_each_claim_is_marked_once_where_it_stands_whole() -> None:
    paper = paper_with(
        Evidence("name", "GPT", "What's New", "We compare with GPT.", "4 Results"),
        Evidence("name", "GPT-4o", "What's New"),
        Evidence("number", "3.5%", "What's New", "It improves accuracy by 3.5%.", "Abstract"),
        Evidence("number", "30", "What's New", "We use 30 seeds.", "3 Setup"),
        Evidence("number", "3.5%", "Technical Details", "Another section's claim."),
    )

    html = str(section_html(paper, SECTION, 1))

    assert claims_in(html) == [
        'ev-2412.00001-1-1">GPT-4o',  # not taken for GPT
        'ev-2412.00001-1-2">GPT',
        'ev-2412.00001-1-3">3.5%',  # a Korean particle may follow
        'ev-2412.00001-1-4">30',  # not the 30 of 30B
    ]
    assert html.count("claim missing") == 1
    assert "<q>It improves accuracy by 3.5%.</q>" in html
    assert "Another section" not in html
    assert "3.55와 30B, " in html


def test_everything_from_the_data_is_escaped() -> None:
    hostile = Section("***What's New***", "<b>X-1</b> 이 모델 X-1은 좋습니다.")
    paper = PaperView(
        "2412.00001",
        "t",
        1,
        (),
        None,
        (hostile,),
        grounding=Grounding(
            (Evidence("name", "X-1", "What's New", "<script>alert(1)</script> X-1", "<i>4</i>"),)
        ),
    )

    html = str(section_html(paper, hostile, 1))

    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; X-1" in html
    assert "&lt;i&gt;4&lt;/i&gt;" in html


def test_a_summary_not_traced_is_its_escaped_text() -> None:
    paper = PaperView("2412.00001", "t", 1, (), None, (SECTION,))

    assert str(section_html(paper, SECTION, 1)) == SECTION.text
