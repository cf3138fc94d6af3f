"""Paper-like PDFs for tests and the benchmark, generated with reportlab."""

from __future__ import annotations

import io
import zlib
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


def make_slow_pdf(operators: int = 4_000_000) -> bytes:
    """One page whose compressed content stream holds ``operators`` text-show operators: a few
    hundred KB that keep PDFium busy for seconds (about 1 s per million on this kind of CPU)."""
    content = b"BT /F1 1 Tf " + b"1 0 0 1 10 10 Tm (x) Tj " * operators + b"ET"
    return one_page_pdf(zlib.compress(content, 9))


def make_text_bomb(operators: int, text: bytes = b"x") -> bytes:
    """One page, ``operators`` text objects each showing ``text``: PDFium keeps an object per
    operator (about 10 KB each), so a few KB of compressed stream cost it hundreds of MB."""
    content = b"BT /F1 1 Tf 10 780 Td " + (b"(" + text + b") Tj 0 -1 Td ") * operators + b"ET"
    return one_page_pdf(zlib.compress(content, 9))


def make_inflating_pdf(inflated: int) -> bytes:
    """One page whose content stream is one line of text then ``inflated`` bytes of spaces:
    about 1 KB per MB compressed, and PDFium inflates the whole stream before reading it."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(b"BT /F1 12 Tf 72 720 Td (A bomb.) Tj ET\n")]
    block = b" " * (1 << 20)
    for _ in range(inflated // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    return one_page_pdf(b"".join(parts))


def one_page_pdf(stream: bytes) -> bytes:
    """A one-page PDF around a Flate-compressed content stream, with Helvetica as /F1."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
