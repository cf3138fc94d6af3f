"""What one paper or one page may cost: bytes downloaded, seconds waited, memory and text.

The bombs and the slow bodies are made by the tests, small: the limits are lowered to match.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dailypapers.config import build_config
from dailypapers.errors import ConfigError, DownloadError, ExtractError, FetchError
from dailypapers.http import make_client
from dailypapers.sources.arxiv import cache_path, download_pdf
from dailypapers.sources.hf import fetch_day
from dailypapers.sources.pdf import Extractor, extract_text
from tests.e2e import World, one_line, paper_pdf
from tests.fakes import FakeArxiv, FakeHF
from tests.pdfgen import make_inflating_pdf, make_text_bomb

DATE = "2024-12-06"
MB = 1024 * 1024


# downloads: size ------------------------------------------------------------------------------


def test_a_pdf_declared_too_large_is_refused_before_its_body_is_read(world: World) -> None:
    ids = world.add_day(DATE, 2)
    world.arxiv.add_huge_pdf(ids[1], 64 * MB)
    env = world.env() | {"DAILYPAPERS_MAX_PDF_MB": "2"}

    result = world.run("--date", DATE, env=env)

    assert result.exit_code == 0, result.output
    assert (
        f"{ids[1]}: summarized from the abstract: PDF download failed: the body is "
        "67,108,864 bytes, more than the 2 MB allowed"
    ) in one_line(result.output)
    cache = Path(os.environ["DAILYPAPERS_CACHE_DIR"])
    assert cache_path(cache, ids[0]).is_file()  # the cache is where a PDF would be kept
    assert not cache_path(cache, ids[1]).exists()


def test_a_pdf_without_a_length_is_cut_at_the_limit_and_not_cached(
    fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    fake_arxiv.add_huge_pdf("2412.00001", 64 * MB, declared=False)
    started = time.monotonic()
    with make_client(timeout=5) as client, pytest.raises(DownloadError) as error:
        download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, max_bytes=2 * MB)

    assert error.value.reason == "PDF download failed: the body is more than the 2 MB allowed"
    assert time.monotonic() - started < 5
    assert len(fake_arxiv.requests) == 1  # not tried again
    assert list((tmp_path / "pdf").iterdir()) == []  # no part of it left behind


def test_a_pdf_within_the_limit_is_streamed_to_the_cache(
    fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    fake_arxiv.add_huge_pdf("2412.00001", 3 * MB, declared=False)
    with make_client(timeout=5) as client:
        got = download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, max_bytes=3 * MB)

    assert got == cache_path(tmp_path, "2412.00001")
    assert got.stat().st_size == 3 * MB


def test_an_unwritable_cache_costs_the_cache_not_the_paper(
    fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    fake_arxiv.add_pdf("2412.00001", paper_pdf(0))
    (tmp_path / "pdf").write_text("a file where the cache folder should be")
    with make_client(timeout=5) as client:
        got = download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path)

    assert got == paper_pdf(0)


# downloads: time ------------------------------------------------------------------------------


def test_a_dripping_pdf_is_given_up_at_the_deadline(fake_arxiv: FakeArxiv, tmp_path: Path) -> None:
    fake_arxiv.add_drip("2412.00001", every=0.2)
    started = time.monotonic()
    with make_client(timeout=5) as client, pytest.raises(DownloadError) as error:
        download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, seconds=1.0, backoff=0.01)

    assert error.value.reason == "PDF download failed: gave up after 1 s"
    assert time.monotonic() - started < 2.5
    assert not cache_path(tmp_path, "2412.00001").exists()


def test_a_dripping_list_is_given_up_at_the_deadline(fake_hf: FakeHF) -> None:
    fake_hf.enqueue_reply(fake_hf.drip(b"[]" + b" " * 1000, every=0.2))
    started = time.monotonic()
    with make_client(timeout=5) as client, pytest.raises(FetchError) as error:
        fetch_day(client, fake_hf.url, DATE, seconds=1.0, backoff=0.01)

    assert str(error.value) == f"daily papers for {DATE}: gave up after 1 s"
    assert time.monotonic() - started < 2.5


def test_a_wait_the_server_asks_for_beyond_the_deadline_is_not_waited(
    fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    fake_arxiv.add_pdf("2412.00001", paper_pdf(0))
    fake_arxiv.fail_next(503, headers={"retry-after": "30"})
    started = time.monotonic()
    with make_client(timeout=5) as client, pytest.raises(DownloadError) as error:
        download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, seconds=5.0)

    assert error.value.reason == (
        "PDF download failed: HTTP 503 Service Unavailable (no time for another try within 5 s)"
    )
    assert time.monotonic() - started < 2


def test_a_wait_longer_than_the_cap_is_not_waited(fake_arxiv: FakeArxiv, tmp_path: Path) -> None:
    fake_arxiv.add_pdf("2412.00001", paper_pdf(0))
    fake_arxiv.fail_next(429, headers={"retry-after": "3600"})
    with make_client(timeout=5) as client, pytest.raises(DownloadError) as error:
        download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, seconds=None)

    assert error.value.reason == (
        "PDF download failed: HTTP 429 Too Many Requests (asked to wait 3,600 s (more than "
        "600 s): try again later)"
    )


# reading: memory and text ---------------------------------------------------------------------


def test_a_pdf_bomb_meets_the_readers_memory_cap_and_the_next_pdf_is_read() -> None:
    bomb = make_inflating_pdf(400 * MB)  # 400 KB that PDFium inflates to 400 MB
    with Extractor(timeout=30, memory_mb=256) as extractor:
        started = time.monotonic()
        with pytest.raises(ExtractError) as error:
            extractor.extract(bomb, arxiv_id="2412.00001")
        after = extractor.extract(paper_pdf(0), arxiv_id="2412.00002")

    assert time.monotonic() - started < 10
    assert "256 MB" in error.value.reason
    assert after.pages >= 1


def test_a_pdf_bomb_is_summarized_from_its_abstract(world: World) -> None:
    ids = world.add_day(DATE, 2)
    world.arxiv.add_pdf(ids[1], make_inflating_pdf(400 * MB))
    env = world.env() | {"DAILYPAPERS_PDF_MEMORY_MB": "256"}

    result = world.run("--date", DATE, env=env)

    assert result.exit_code == 0, result.output
    output = one_line(result.output)
    assert f"{ids[1]}: summarized from the abstract: " in output
    assert "256 MB" in output


def test_text_over_the_cap_is_not_kept() -> None:
    bomb = make_text_bomb(5_000, b"x" * 80)  # 400,000 characters from 2 KB

    with pytest.raises(ExtractError) as error:
        extract_text(bomb, arxiv_id="2412.00001", max_chars=100_000)
    with Extractor(timeout=30, max_chars=100_000) as extractor:
        with pytest.raises(ExtractError) as in_child:
            extractor.extract(bomb, arxiv_id="2412.00001")
        kept = extractor.extract(paper_pdf(0), arxiv_id="2412.00002")

    assert error.value.reason == (
        "PDF text is longer than 100,000 characters (at page 1); not kept"
    )
    assert in_child.value.reason == error.value.reason
    assert kept.pages >= 1


def test_a_text_bomb_is_summarized_from_its_abstract(world: World) -> None:
    ids = world.add_day(DATE, 2)
    world.arxiv.add_pdf(ids[1], make_text_bomb(30_000, b"x" * 80))  # 2.4 million characters

    result = world.run("--date", DATE)

    assert result.exit_code == 0, result.output
    assert (
        f"{ids[1]}: summarized from the abstract: PDF text is longer than 2,000,000 characters"
    ) in one_line(result.output)


def test_the_limits_are_settings() -> None:
    config = build_config(
        {
            "DAILYPAPERS_PDF_MEMORY_MB": "512",
            "DAILYPAPERS_MAX_PDF_MB": "7",
            "DAILYPAPERS_DOWNLOAD_DEADLINE": "30",
        }
    )

    assert (config.pdf_memory_mb, config.max_pdf_mb, config.download_seconds) == (512, 7, 30.0)
    with pytest.raises(ConfigError, match=r"DAILYPAPERS_PDF_MEMORY_MB='100': must be at least 256"):
        build_config({"DAILYPAPERS_PDF_MEMORY_MB": "100"})
