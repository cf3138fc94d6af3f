"""Extract stage: the text of a PDF, with PDFium (fast, small, permissively licensed).

The pipeline reads PDFs through ``Extractor``, which runs PDFium in a child process: a PDF that
makes PDFium spin is stopped at a hard time limit, and one that crashes it costs that paper
only. ``extract_text`` is the same work in this process, for tools and tests.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import resource
import signal
import threading
import unicodedata
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

import pypdfium2 as pdfium

from dailypapers.errors import ExtractError

log = logging.getLogger(__name__)

#: PDFium is not thread-safe; the pipeline reads PDFs from several worker threads.
_PDFIUM_LOCK = threading.Lock()
DEFAULT_PDF_TIMEOUT = 60.0
#: The reader child's address space: PDFium, Python and one paper fit in far less.
DEFAULT_PDF_MEMORY_MB = 2048
#: The most text kept of one PDF: real papers have 50,000 to 300,000 characters.
DEFAULT_MAX_TEXT_CHARS = 2_000_000
MB = 1024 * 1024

SOFT_HYPHEN_BREAK = re.compile(r"\x02\s*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
TRAILING_SPACE = re.compile(r"[ \t]+\n")
MANY_BLANK_LINES = re.compile(r"\n{3,}")


def looks_like_pdf(body: bytes) -> bool:
    """PDFs start with ``%PDF-``; some servers put a few bytes before it."""
    return b"%PDF-" in body[:1024]


def _head(pdf: bytes | Path) -> bytes:
    if isinstance(pdf, bytes):
        return pdf[:1024]
    with pdf.open("rb") as handle:
        return handle.read(1024)


@dataclass(frozen=True)
class ExtractedText:
    text: str
    pages: int


def extract_text(
    pdf: bytes | Path, *, arxiv_id: str, max_chars: int = DEFAULT_MAX_TEXT_CHARS
) -> ExtractedText:
    """The text of every page, in order; ExtractError says why a PDF (its bytes, or a file)
    cannot be read, or that its text is longer than ``max_chars``."""
    try:
        head = _head(pdf)
    except OSError as e:
        raise ExtractError(f"PDF cannot be read: {e.strerror or e}", arxiv_id=arxiv_id) from e
    if not head:
        raise ExtractError("PDF is empty (0 bytes)", arxiv_id=arxiv_id)
    if not looks_like_pdf(head):
        shown = head[:30].decode("utf-8", errors="replace")
        raise ExtractError(f"not a PDF (body starts with {shown!r})", arxiv_id=arxiv_id)
    with _PDFIUM_LOCK:
        pages = _read_pages(pdf, arxiv_id, max_chars)
    text = "\n\n".join(pages)
    if not text.strip():
        raise ExtractError(
            f"PDF has no extractable text ({len(pages)} pages; scanned?)", arxiv_id=arxiv_id
        )
    return ExtractedText(text=text, pages=len(pages))


def _read_pages(pdf: bytes | Path, arxiv_id: str, max_chars: int) -> list[str]:
    try:
        document = pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)
    except pdfium.PdfiumError as e:
        raise ExtractError(f"PDF cannot be read: {e}", arxiv_id=arxiv_id) from e
    pages: list[str] = []
    left = max_chars
    try:
        for index in range(len(document)):
            pages.append(_page_text(document, index, left))
            left -= len(pages[-1])
            if left < 0:
                raise ExtractError(
                    f"PDF text is longer than {max_chars:,} characters (at page {index + 1}); "
                    "not kept",
                    arxiv_id=arxiv_id,
                )
        return pages
    except pdfium.PdfiumError as e:
        raise ExtractError(f"PDF cannot be read: {e}", arxiv_id=arxiv_id) from e
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int, left: int) -> str:
    """The page's text, or its first ``left + 1`` characters when it has more than ``left``."""
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            count = min(textpage.count_chars(), max(left, 0) + 1)
            return str(textpage.get_text_range(count=count)) if count else ""
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
    """Reads PDFs one at a time in a child process, with a time limit per PDF, the child's
    address space capped at ``memory_mb`` and the text kept of a PDF at ``max_chars``.

    The child is started on first use and again after a PDF that timed out or crashed it.
    """

    def __init__(
        self,
        timeout: float = DEFAULT_PDF_TIMEOUT,
        *,
        memory_mb: int = DEFAULT_PDF_MEMORY_MB,
        max_chars: int = DEFAULT_MAX_TEXT_CHARS,
    ) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.max_chars = max_chars
        self._lock = threading.Lock()
        self._child: BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def extract(self, pdf: bytes | Path, *, arxiv_id: str) -> ExtractedText:
        """The text of ``pdf``, its bytes or (better: the child reads it) its file."""
        try:
            head = _head(pdf)
        except OSError:
            head = b""
        if not looks_like_pdf(head):
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
                    f"the PDF reader crashed on this PDF (exit code {code}; its memory is "
                    f"capped at {self.memory_mb:,} MB)",
                    arxiv_id=arxiv_id,
                ) from None
        if answer[0] == "error":
            raise ExtractError(answer[1], arxiv_id=arxiv_id)
        return ExtractedText(text=answer[1], pages=answer[2])

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)

    def _send(self, job: tuple[bytes | Path, str]) -> Connection:
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
            self._child = context.Process(
                target=_serve, args=(child, self.memory_mb * MB, self.max_chars), daemon=True
            )
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
        if kill or not child.is_alive():
            child.kill()
        else:
            try:
                conn.send(None)
            except OSError:  # it died since it was asked last: it is only waited for
                child.kill()
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


def cap_address_space(limit: int) -> int:
    """Cap this process's address space at ``limit`` bytes, or at the hard limit it runs under
    when that is lower (``ulimit -v``: asking for more than it is refused); returns the cap."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


def _serve(conn: Connection, memory_bytes: int, max_chars: int) -> None:
    """The child: read PDFs sent over ``conn`` until told to stop (None) or the parent is gone.

    Ctrl-C in a terminal reaches every process of the group: the child ignores it and lets the
    parent decide (it finishes the PDF in hand; the parent stops it when the run ends). Its
    address space is capped: a PDF that needs more fails here (PDFium reports an error, Python
    a MemoryError) or ends the child, and the parent tells that paper's reader why.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cap_address_space(memory_bytes)
    with conn:
        while (job := _next_job(conn)) is not None:
            pdf, arxiv_id = job
            try:
                answer: tuple[object, ...] = ("ok", *_read_all(pdf, arxiv_id, max_chars))
            except ExtractError as e:
                answer = ("error", e.reason)
            except MemoryError:
                answer = ("error", f"PDF needs more than {memory_bytes // MB:,} MB of memory")
            try:
                conn.send(answer)
            except OSError:  # the parent died while this PDF was read
                return


def _read_all(pdf: bytes | Path, arxiv_id: str, max_chars: int) -> tuple[str, int]:
    extracted = extract_text(pdf, arxiv_id=arxiv_id, max_chars=max_chars)
    return extracted.text, extracted.pages


def _next_job(conn: Connection) -> tuple[bytes | Path, str] | None:
    try:
        job: tuple[bytes | Path, str] | None = conn.recv()
    except EOFError:  # the parent died (killed): nothing more will come
        return None
    return job
