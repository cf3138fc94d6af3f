"""Extract stage: the text of a PDF, with PDFium (fast, small, permissively licensed)."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium

from dailypapers.errors import ExtractError

#: PDFium is not thread-safe; the pipeline reads PDFs from several worker threads.
_PDFIUM_LOCK = threading.Lock()

SOFT_HYPHEN_BREAK = re.compile(r"\x02\s*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
TRAILING_SPACE = re.compile(r"[ \t]+\n")
MANY_BLANK_LINES = re.compile(r"\n{3,}")


def looks_like_pdf(body: bytes) -> bool:
    """PDFs start with ``%PDF-``; some servers put a few bytes before it."""
    return b"%PDF-" in body[:1024]


@dataclass(frozen=True)
class ExtractedText:
    text: str
    pages: int


def extract_text(pdf: bytes, *, arxiv_id: str) -> ExtractedText:
    """The text of every page, in order; ExtractError says why a PDF cannot be read."""
    if not pdf:
        raise ExtractError("PDF is empty (0 bytes)", arxiv_id=arxiv_id)
    if not looks_like_pdf(pdf):
        head = pdf[:30].decode("utf-8", errors="replace")
        raise ExtractError(f"not a PDF (body starts with {head!r})", arxiv_id=arxiv_id)
    with _PDFIUM_LOCK:
        pages = _read_pages(pdf, arxiv_id)
    text = "\n\n".join(pages)
    if not text.strip():
        raise ExtractError(
            f"PDF has no extractable text ({len(pages)} pages; scanned?)", arxiv_id=arxiv_id
        )
    return ExtractedText(text=text, pages=len(pages))


def _read_pages(pdf: bytes, arxiv_id: str) -> list[str]:
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as e:
        raise ExtractError(f"PDF cannot be read: {e}", arxiv_id=arxiv_id) from e
    try:
        return [_page_text(document, index) for index in range(len(document))]
    except pdfium.PdfiumError as e:
        raise ExtractError(f"PDF cannot be read: {e}", arxiv_id=arxiv_id) from e
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


def normalise_text(text: str) -> str:
    """Join words PDFium split at line ends, expand ligatures (NFKC), tidy whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = SOFT_HYPHEN_BREAK.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = CONTROL.sub("", text)
    text = TRAILING_SPACE.sub("\n", text)
    return MANY_BLANK_LINES.sub("\n\n", text).strip()
