"""The sources of paper text besides the PDF: the quality gates on real and broken texts,
arXiv's HTML converted, Markdown fitted by its own headings, and the cache of answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.errors import TextUnavailable
from dailypapers.http import BearerFor, make_client
from dailypapers.sources.arxiv_html import fetch_html_text
from dailypapers.sources.gates import (
    about_this_paper,
    clean_conversion,
    full_length,
    judge,
    not_blank,
)
from dailypapers.sources.html_text import html_to_text
from dailypapers.sources.markdown import fetch_markdown
from dailypapers.summarize.budget import fit_markdown, split_markdown
from tests.fakes import FakeArxiv, FakeHF
from tests.papertext import CHECKLIST, as_html, as_markdown, real_doc, real_pdfs, synthetic_doc

TODAY = "2025-01-20"


def test_every_real_paper_passes_every_gate_as_markdown_and_as_html() -> None:
    for pdf in real_pdfs():
        doc = real_doc(pdf)
        for text in (as_markdown(doc), html_to_text(as_html(doc).encode())):
            verdict = judge(doc.title, doc.abstract, text)
            assert verdict.failed is None, (doc.arxiv_id, verdict.failed)
            assert verdict.passed == (
                "not-blank",
                "clean-conversion",
                "about-this-paper",
                "full-length",
            )


def test_another_paper_or_a_checklist_is_not_about_this_paper() -> None:
    docs = [real_doc(pdf) for pdf in real_pdfs()]
    for doc in docs:
        for other in [*(d for d in docs if d is not doc), CHECKLIST]:
            gate = about_this_paper(doc.title, doc.abstract, as_markdown(other))
            assert not gate.passed, (doc.arxiv_id, other.arxiv_id, gate.measured)
            assert "of the title's and abstract's words in its beginning" in gate.measured


def test_the_fallback_page_of_title_and_abstract_is_not_a_full_paper() -> None:
    for pdf in real_pdfs():
        doc = real_doc(pdf)
        fallback = f"# {doc.title}\n\n## Abstract\n\n{doc.abstract}\n"
        verdict = judge(doc.title, doc.abstract, fallback)
        assert verdict.failed is not None
        assert verdict.failed.name == "full-length", verdict.failed
        assert full_length(doc.title, doc.abstract, as_markdown(doc)).passed


def test_a_blank_page_is_refused_first() -> None:
    verdict = judge("A title", "An abstract", html_to_text(b"<html><body>  </body></html>"))
    assert verdict.failed is not None
    assert verdict.failed.refusal() == "not-blank: 0 words, 50 needed"
    assert not not_blank("Contents Back to arXiv").passed


def test_conversion_errors_and_raw_latex_are_refused_past_a_few() -> None:
    doc = synthetic_doc("2501.00001", "Efficient things", "We study efficient things.")
    few = html_to_text(as_html(doc, errors=2).encode())
    errors = html_to_text(as_html(doc, errors=30).encode())
    latex = html_to_text(as_html(doc, raw_latex=20).encode())
    assert clean_conversion(few).passed
    assert "[LaTeXML error: \\macro0]" in errors
    # 30 error spans; 20 raw figures, each a \begin and an \includegraphics
    for broken, count in ((errors, 30), (latex, 40)):
        gate = clean_conversion(broken)
        assert not gate.passed
        assert gate.measured.startswith(("30 conversion errors", "40 conversion errors"))
        assert gate.measured.startswith(f"{count} conversion errors or raw LaTeX commands")


def test_html_becomes_headings_tables_and_captions_without_the_page_chrome() -> None:
    doc = synthetic_doc("2501.00001", "Efficient things", "We study efficient things.", 200)
    text = html_to_text(as_html(doc).encode())
    assert text.startswith("# Efficient things\n\n###### Abstract\n\nWe study efficient things.")
    assert "## 3 Experiments" in text
    assert (
        "Table 2: Accuracy by model.\n\n| model | accuracy |\n|---|---|\n| ours | $91.5\\pm 0.2$ |"
        in (text)
    )
    assert "Figure 3: Accuracy grows with the budget." in text
    assert "Back to arXiv" not in text
    assert "About arXiv HTML" not in text
    assert html_to_text(b"") == ""


def test_markdown_sections_come_from_its_headings_and_appendices_go_first() -> None:
    doc = synthetic_doc("2501.00001", "Efficient things", "We study efficient things.", 4000)
    markdown = as_markdown(doc)
    names = [(s.name, s.kind) for s in split_markdown(markdown)]
    assert names == [
        ("front matter", "front"),
        ("Abstract", "abstract"),
        ("1 Introduction", "introduction"),
        ("2 Method", "method"),
        ("3 Experiments", "experiments"),
        ("4 Conclusion", "conclusion"),
        ("References", "references"),
        ("Appendix A Proofs", "appendix"),
    ]
    roomy = fit_markdown(doc.title, doc.abstract, markdown, 16_000)
    assert roomy.kept == (
        "1 Introduction",
        "2 Method",
        "3 Experiments",
        "4 Conclusion",
        "Appendix A Proofs",
    )
    assert roomy.dropped == ("front matter", "Abstract", "References")
    assert "| ours | 91.5 |" in roomy.text
    assert not roomy.truncated
    tight = fit_markdown(doc.title, doc.abstract, markdown, 2_000)
    assert "Appendix A Proofs" in tight.dropped
    assert tight.truncated
    assert tight.tokens <= 2_000


def test_markdown_is_cached_with_the_token_sent_and_a_404_is_kept_for_the_day(
    fake_hf: FakeHF, tmp_path: Path
) -> None:
    fake_hf.set_markdown("2501.00001", "# A paper ![Figure 1](https://x/y.png)\n")
    with make_client(timeout=5, auth=BearerFor(fake_hf.url, "hf_secret_1")) as client:
        for _ in range(2):
            text = fetch_markdown(client, fake_hf.url, "2501.00001", tmp_path, today=TODAY)
            assert text == "# A paper Figure 1\n"
            for _ in range(2):
                with pytest.raises(TextUnavailable) as missing:
                    fetch_markdown(client, fake_hf.url, "2501.00002", tmp_path, today=TODAY)
        assert missing.value.reason.startswith(
            "Hugging Face Markdown: HTTP 404 Not Found (not there)"
        )
    assert len(fake_hf.markdown_requests("2501.00001")) == 1
    assert (
        fake_hf.markdown_requests("2501.00001")[0].headers["authorization"] == "Bearer hf_secret_1"
    )
    assert len(fake_hf.markdown_requests("2501.00002")) == 1


def test_a_404_is_asked_again_the_next_day_and_a_429_is_never_kept(
    fake_hf: FakeHF, tmp_path: Path
) -> None:
    with make_client(timeout=5) as client:
        with pytest.raises(TextUnavailable):
            fetch_markdown(client, fake_hf.url, "2501.00002", tmp_path, today=TODAY)
        fake_hf.set_markdown("2501.00002", "# Indexed late\n")
        assert fetch_markdown(client, fake_hf.url, "2501.00002", tmp_path, today="2025-01-21")
        fake_hf.limit_markdown("2501.00003", 0.01, 0.01)
        fake_hf.set_markdown("2501.00003", "# After a 429\n")
        with pytest.raises(TextUnavailable, match="HTTP 429"):
            fetch_markdown(client, fake_hf.url, "2501.00003", tmp_path, today=TODAY, attempts=1)
        text = fetch_markdown(client, fake_hf.url, "2501.00003", tmp_path, today=TODAY)
    assert text == "# After a 429\n"
    assert len(fake_hf.markdown_requests("2501.00003")) == 3  # 429, 429 (kept nothing), 200


def test_a_broken_404_marker_is_said_and_the_source_asked_again(
    fake_hf: FakeHF, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with make_client(timeout=5) as client:
        with pytest.raises(TextUnavailable):
            fetch_markdown(client, fake_hf.url, "2501.00004", tmp_path, today=TODAY)
        (marker,) = tmp_path.rglob("*.missing")
        marker.write_text("{cut off", encoding="utf-8")
        with pytest.raises(TextUnavailable):
            fetch_markdown(client, fake_hf.url, "2501.00004", tmp_path, today=TODAY)

    assert len(fake_hf.markdown_requests("2501.00004")) == 2
    assert f"cache marker {marker} is not JSON; asking again" in caplog.text


def test_arxiv_html_is_fetched_once_converted_and_a_missing_one_kept(
    fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    doc = synthetic_doc("2501.00001", "Efficient things", "We study efficient things.", 200)
    fake_arxiv.add_html("2501.00001", as_html(doc))
    with make_client(timeout=5) as client:
        for _ in range(2):
            text = fetch_html_text(client, fake_arxiv.url, "2501.00001", tmp_path, today=TODAY)
            assert text.startswith("# Efficient things")
            with pytest.raises(TextUnavailable, match=r"arXiv HTML: HTTP 404"):
                fetch_html_text(client, fake_arxiv.url, "2501.00009", tmp_path, today=TODAY)
    assert len(fake_arxiv.html_requests) == 2
    assert (tmp_path / "html" / "2501.00001.md").read_text() == text


def test_an_arxiv_answer_that_is_not_html_is_refused_and_asked_again(
    fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    fake_arxiv.add_html("2501.00001", "%PDF-1.7 a PDF", content_type="application/pdf")
    with make_client(timeout=5) as client:
        for _ in range(2):
            with pytest.raises(TextUnavailable) as refused:
                fetch_html_text(client, fake_arxiv.url, "2501.00001", tmp_path, today=TODAY)
            assert refused.value.reason == "arXiv HTML: not HTML (application/pdf)"
            assert not refused.value.lasting
    assert len(fake_arxiv.html_requests) == 2  # not kept: a passing answer, asked again
    assert not (tmp_path / "html").exists()
