"""Paper-like PDFs for tests and the benchmark, generated with reportlab."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

DEFAULT_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "1 Introduction",
        "Large language models are widely used. Reasoning remains difficult for small models. "
        "In this work, we introduce an efficient workflow that makes small models reason well. "
        "Our first contribution is a new training signal.",
    ),
    (
        "2 Related Work",
        "Prior work studied chain-of-thought prompting. Other work distilled large models into "
        "small ones with mixed success.",
    ),
    (
        "3 Method",
        "Our framework consists of a planner module and a solver module. We train the planner "
        "with a contrastive loss on a dataset of 120,000 problems. The solver is based on a "
        "transformer encoder with 24 layers.",
    ),
    (
        "4 Experiments",
        "We evaluate on GSM8K and MATH. Our model achieves 87.3% accuracy on GSM8K, and it "
        "outperforms the strongest baseline by 4.2% while running 2.1x faster. On MATH it "
        "improves accuracy from 41.0% to 48.5%.",
    ),
    (
        "5 Conclusion",
        "We presented an efficient workflow for reasoning in small models. Future work will "
        "study larger benchmarks.",
    ),
)
REFERENCES = "[1] A. Author. A fine paper. In Proceedings of a Conference, 2023, pages 1-10."
APPENDIX = "A Additional Results"


def make_paper_pdf(
    *,
    title: str,
    abstract: str,
    sections: Sequence[tuple[str, str]] | None = None,
    pages_of_references: int = 1,
    two_columns: bool = False,
    extra_text: str | None = None,
) -> bytes:
    """A paper with a title, an abstract, numbered sections, references and an appendix."""
    styles = getSampleStyleSheet()
    story = [Paragraph(title, styles["Title"]), Paragraph("Abstract", styles["Heading2"])]
    story.append(Paragraph(abstract, styles["BodyText"]))
    for heading, text in sections or DEFAULT_SECTIONS:
        story += [Paragraph(heading, styles["Heading2"]), Paragraph(text, styles["BodyText"])]
    if extra_text:
        story.append(Paragraph(extra_text, styles["BodyText"]))
    story.append(Paragraph("References", styles["Heading2"]))
    for _ in range(pages_of_references * 40):
        story.append(Paragraph(REFERENCES, styles["BodyText"]))
    story += [Paragraph(APPENDIX, styles["Heading2"]), Spacer(1, 4)]
    story.append(Paragraph("Further tables that a summary does not need.", styles["BodyText"]))
    return _build(story, two_columns)


def _build(story: list[object], two_columns: bool) -> bytes:
    buffer = io.BytesIO()
    width, height = LETTER
    margin = 54
    if two_columns:
        column = (width - 2 * margin - 18) / 2
        frames = [
            Frame(margin, margin, column, height - 2 * margin, id="left"),
            Frame(margin + column + 18, margin, column, height - 2 * margin, id="right"),
        ]
    else:
        frames = [Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="body")]
    document = BaseDocTemplate(buffer, pagesize=LETTER, invariant=True, title="generated")
    document.addPageTemplates([PageTemplate(id="page", frames=frames)])
    document.build(story)
    return buffer.getvalue()


def make_blank_pdf(pages: int = 1) -> bytes:
    """A PDF with pages but no text layer, like a scan."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    for _ in range(pages):
        drawing.rect(100, 100, 200, 200, fill=1)
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def corrupt_pdf(pdf: bytes) -> bytes:
    """The PDF's first bytes followed by garbage: the header says PDF, nothing else works."""
    return pdf[:200] + bytes(range(256)) * 4
