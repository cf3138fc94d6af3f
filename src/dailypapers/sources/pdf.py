"""Extract stage: the text of a PDF, with PDFium (fast, small, permissively licensed).

The pipeline reads PDFs through ``Extractor``, which runs PDFium in a child process: a PDF that
makes PDFium spin is stopped at a hard time limit, and one that crashes it costs that paper
only. ``extract_text`` is the same work in this process, for tools and tests.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import signal
import threading
import unicodedata
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess

import pypdfium2 as pdfium

from dailypapers.errors import ExtractError

log = logging.getLogger(__name__)

#: PDFium is not thread-safe; the pipeline reads PDFs from several worker threads.
_PDFIUM_LOCK = threading.Lock()
DEFAULT_PDF_TIMEOUT = 60.0

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


class Extractor:
    """Reads PDFs one at a time in a child process, with a time limit per PDF.

    The child is started on first use and again after a PDF that timed out or crashed it.
    """

    def __init__(self, timeout: float = DEFAULT_PDF_TIMEOUT) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._child: BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def extract(self, pdf: bytes, *, arxiv_id: str) -> ExtractedText:
        if not pdf or not looks_like_pdf(pdf):
            return extract_text(pdf, arxiv_id=arxiv_id)  # raises the precise error at once
        with self._lock:
            conn = self._send((pdf, arxiv_id))
            if not conn.poll(self.timeout):
                log.info("%s: PDF reading passed %g s; stopping the reader", arxiv_id, self.timeout)
                self._stop(kill=True)
                raise ExtractError(
                    f"PDF reading took longer than {self.timeout:g} s and was stopped",
                    arxiv_id=arxiv_id,
                )
            try:
                answer = conn.recv()
            except EOFError:
                code = self._stop(kill=True)
                raise ExtractError(
                    f"the PDF reader crashed on this PDF (exit code {code})", arxiv_id=arxiv_id
                ) from None
        if answer[0] == "error":
            raise ExtractError(answer[1], arxiv_id=arxiv_id)
        return ExtractedText(text=answer[1], pages=answer[2])

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)

    def _send(self, job: tuple[bytes, str]) -> Connection:
        try:
            conn = self._connection()
            conn.send(job)
        except OSError:  # the child died since the last PDF: a fresh one takes this PDF
            self._stop(kill=True)
            conn = self._connection()
            conn.send(job)
        return conn

    def _connection(self) -> Connection:
        if self._conn is None:
            context = _context()
            parent, child = context.Pipe()
            self._child = context.Process(target=_serve, args=(child,), daemon=True)
            self._child.start()
            child.close()
            self._conn = parent
        return self._conn

    def _stop(self, *, kill: bool) -> int | None:
        """End the child (at once when ``kill``); return its exit code."""
        child, conn = self._child, self._conn
        self._child = self._conn = None
        if child is None or conn is None:
            return None
        if kill:
            child.kill()
        else:
            conn.send(None)
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
        code = child.exitcode
        conn.close()
        child.close()
        return code


def _context() -> ForkServerContext | SpawnContext:
    """forkserver where there is one: a cheap, clean child even from a threaded parent."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dailypapers.sources.pdf"])
        return context
    return multiprocessing.get_context("spawn")


def _serve(conn: Connection) -> None:
    """The child: read PDFs sent over ``conn`` until told to stop (None) or the parent is gone.

    Ctrl-C in a terminal reaches every process of the group: the child ignores it and lets the
    parent decide (it finishes the PDF in hand; the parent stops it when the run ends).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with conn:
        while (job := _next_job(conn)) is not None:
            pdf, arxiv_id = job
            try:
                answer: tuple[object, ...] = ("ok", *_read_all(pdf, arxiv_id))
            except ExtractError as e:
                answer = ("error", e.reason)
            try:
                conn.send(answer)
            except OSError:  # the parent died while this PDF was read
                return


def _read_all(pdf: bytes, arxiv_id: str) -> tuple[str, int]:
    extracted = extract_text(pdf, arxiv_id=arxiv_id)
    return extracted.text, extracted.pages


def _next_job(conn: Connection) -> tuple[bytes, str] | None:
    try:
        job: tuple[bytes, str] | None = conn.recv()
    except EOFError:  # the parent died (killed): nothing more will come
        return None
    return job
