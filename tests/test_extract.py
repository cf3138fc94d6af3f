"""PDF text extraction: generated papers, bad bodies, threads, and real arXiv PDFs."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dailypapers.errors import ExtractError
from dailypapers.sources.pdf import Extractor, extract_text, normalise_text
from tests.pdfgen import corrupt_pdf, make_blank_pdf, make_paper_pdf, make_slow_pdf
from tests.shared_data import shared_path

LIGATURES = "".join(chr(c) for c in range(0xFB00, 0xFB07))


def test_a_generated_paper_comes_back_as_text() -> None:
    pdf = make_paper_pdf(title="Efficient Workflows", abstract="We propose a difficult flow.")

    extracted = extract_text(pdf, arxiv_id="2412.00001")
    text = normalise_text(extracted.text)

    assert extracted.pages >= 2
    assert "Efficient Workflows" in text
    assert "We propose a difficult flow." in text
    assert "4 Experiments" in text
    assert "87.3% accuracy" in text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "2412.00001: PDF is empty (0 bytes)"),
        (
            b"<!DOCTYPE html><html>",
            "2412.00001: not a PDF (body starts with '<!DOCTYPE html><html>')",
        ),
        (b"%PDF-1.7\ngarbage", "2412.00001: PDF cannot be read: Failed to load document"),
    ],
)
def test_what_cannot_be_read_is_named(body: bytes, message: str) -> None:
    with pytest.raises(ExtractError) as error:
        extract_text(body, arxiv_id="2412.00001")

    assert str(error.value).startswith(message)


def test_a_truncated_pdf_and_a_scan_are_refused() -> None:
    pdf = make_paper_pdf(title="T", abstract="A.")

    with pytest.raises(ExtractError, match="PDF cannot be read"):
        extract_text(corrupt_pdf(pdf), arxiv_id="x")
    with pytest.raises(ExtractError, match=r"PDF has no extractable text \(2 pages; scanned\?\)"):
        extract_text(make_blank_pdf(pages=2), arxiv_id="x")


def test_many_threads_at_once_get_their_own_text() -> None:
    pdfs = [make_paper_pdf(title=f"Paper {i}", abstract=f"Abstract {i}.") for i in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        texts = list(pool.map(lambda p: extract_text(p, arxiv_id="x").text, pdfs * 4))

    for i, text in enumerate(texts):
        assert f"Paper {i % 6}" in text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("op\x02\r\ntimization", "optimization"),
        ("eﬃcient ﬁne-tuning", "efficient fine-tuning"),
        ("a  \nb\n\n\n\nc\x00", "a\nb\n\nc"),
    ],
)
def test_normalise_joins_breaks_and_expands_ligatures(raw: str, clean: str) -> None:
    assert normalise_text(raw) == clean


REAL_PAGES = {
    "2501.10120": 15,
    "2304.02623": 4,
    "2302.07302": 15,
    "2206.10883": 37,
    "2203.00130": 39,
}


@pytest.mark.parametrize(("arxiv_id", "pages"), sorted(REAL_PAGES.items()))
def test_real_arxiv_pdfs(arxiv_id: str, pages: int) -> None:
    pdf = shared_path("fixtures", "arxiv_pdfs", f"{arxiv_id}.pdf").read_bytes()

    extracted = extract_text(pdf, arxiv_id=arxiv_id)
    text = normalise_text(extracted.text)

    assert extracted.pages == pages
    assert len(text) > 20_000
    assert "\x02" not in text
    assert not any(c in text for c in LIGATURES)
    assert "References" in text or "REFERENCES" in text


PAPER = make_paper_pdf(title="A paper", abstract="We propose X.")


def test_the_extractor_reads_in_a_child_process() -> None:
    with Extractor(timeout=30) as extractor:
        first = extractor.extract(PAPER, arxiv_id="2412.00001")
        second = extractor.extract(
            make_paper_pdf(title="Second", abstract="Second abstract."), arxiv_id="2412.00002"
        )

    assert "Introduction" in first.text
    assert "Second" in second.text


def test_a_pdf_that_hangs_the_reader_is_stopped_and_the_next_one_is_read() -> None:
    with Extractor(timeout=0.5) as extractor:
        started = time.monotonic()
        with pytest.raises(ExtractError, match=r"took longer than 0\.5 s and was stopped"):
            extractor.extract(make_slow_pdf(), arxiv_id="2412.00001")
        stopped_after = time.monotonic() - started
        after = extractor.extract(PAPER, arxiv_id="2412.00002")

    assert stopped_after < 2.0
    assert after.pages >= 1


def test_errors_in_the_child_come_back_with_their_reason() -> None:
    with Extractor(timeout=30) as extractor, pytest.raises(ExtractError) as error:
        extractor.extract(corrupt_pdf(PAPER), arxiv_id="2412.00001")

    assert error.value.arxiv_id == "2412.00001"
    assert error.value.reason.startswith("PDF cannot be read")


def test_a_reader_that_dies_on_a_pdf_costs_that_pdf_only() -> None:
    with Extractor(timeout=30) as extractor, ThreadPoolExecutor(1) as pool:
        extractor.extract(PAPER, arxiv_id="2412.00001")  # starts the child
        child = extractor._child
        assert child is not None
        assert child.pid is not None
        slow = pool.submit(extractor.extract, make_slow_pdf(), arxiv_id="2412.00002")
        time.sleep(0.3)
        os.kill(child.pid, signal.SIGKILL)  # as a segfault in PDFium would end it
        with pytest.raises(ExtractError, match=r"crashed on this PDF \(exit code -9;"):
            slow.result()
        after = extractor.extract(PAPER, arxiv_id="2412.00003")

    assert after.pages >= 1


def test_a_reader_that_died_between_pdfs_is_replaced() -> None:
    with Extractor(timeout=30) as extractor:
        extractor.extract(PAPER, arxiv_id="2412.00001")
        child = extractor._child
        assert child is not None
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(5)

        after = extractor.extract(PAPER, arxiv_id="2412.00002")

    assert after.pages >= 1


#: Reads one generated PDF with the default memory cap (2,048 MB), in a process of its own.
READ_ONE_PDF = """
from dailypapers.sources.pdf import Extractor
from tests.pdfgen import make_paper_pdf

with Extractor(timeout=30) as extractor:
    got = extractor.extract(make_paper_pdf(title="T", abstract="We propose X."), arxiv_id="1.1")
print("pages", got.pages)
"""


def test_the_memory_cap_fits_under_a_lower_limit_the_process_already_has() -> None:
    """Under ``ulimit -v`` below the cap, asking for the cap is refused; the reader then takes
    the limit it has instead of dying before every PDF."""
    limit = 1536 * 2**20

    def lower_the_limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-c", READ_ONE_PDF],
        preexec_fn=lower_the_limit,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "pages 2"
    assert "Traceback" not in done.stderr
