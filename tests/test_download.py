"""The download stage against a fake arXiv."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dailypapers.errors import DownloadError
from dailypapers.http import make_client
from dailypapers.sources.arxiv import arxiv_pacer, cache_path, download_pdf
from tests.e2e import paper_pdf


def test_a_pdf_is_downloaded_once_then_read_from_the_cache(fake_arxiv, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake_arxiv.add_pdf("2412.00001", paper_pdf(0))
    with make_client(timeout=5) as client:
        first = download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path)
        second = download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path)

    assert first == second == cache_path(tmp_path, "2412.00001")
    assert fake_arxiv.downloads == {"2412.00001": 1}
    assert cache_path(tmp_path, "2412.00001").read_bytes() == paper_pdf(0)
    assert [p.name for p in (tmp_path / "pdf").iterdir()] == ["2412.00001.pdf"]


def test_an_old_style_id_gets_a_flat_cache_name(tmp_path: Path) -> None:
    assert cache_path(tmp_path, "hep-th/9901001") == tmp_path / "pdf" / "hep-th_9901001.pdf"


@pytest.mark.parametrize(
    ("serve", "message"),
    [
        (
            lambda a: a.add_body(
                "2412.00001", b"<!DOCTYPE html>\n<title>Busy</title>", "text/html"
            ),
            "2412.00001: PDF download failed: not a PDF (text/html, a body starting with "
            "'<!DOCTYPE html> <title>Busy</title>')",
        ),
        (lambda a: None, "2412.00001: PDF download failed: HTTP 404"),
    ],
)
def test_what_is_not_a_pdf_is_refused_and_not_cached(
    fake_arxiv, tmp_path: Path, serve, message: str
) -> None:  # type: ignore[no-untyped-def]
    serve(fake_arxiv)
    with make_client(timeout=5) as client, pytest.raises(DownloadError) as error:
        download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, backoff=0.01)

    assert str(error.value).startswith(message)
    assert not cache_path(tmp_path, "2412.00001").exists()


def test_a_flaky_server_is_retried(fake_arxiv, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake_arxiv.add_pdf("2412.00001", paper_pdf(0))
    fake_arxiv.fail_next(503, times=2)
    with make_client(timeout=5) as client:
        body = download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, backoff=0.01)

    assert body == cache_path(tmp_path, "2412.00001")
    assert cache_path(tmp_path, "2412.00001").read_bytes() == paper_pdf(0)
    assert len(fake_arxiv.requests) == 3


def test_downloads_are_spaced_by_the_arxiv_interval(fake_arxiv, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        fake_arxiv.add_pdf(f"2412.0000{i}", b"%PDF-1.4 fake")
    pacer = arxiv_pacer(0.3)
    started = time.monotonic()
    with make_client(timeout=5) as client:
        for i in range(3):
            download_pdf(client, fake_arxiv.url, f"2412.0000{i}", tmp_path, pacer=pacer)

    assert time.monotonic() - started >= 0.6


def test_an_arxiv_429_holds_back_every_download(fake_arxiv, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_arxiv.add_pdf("2412.00001", b"%PDF-1.4 fake")
    fake_arxiv.fail_next(429, headers={"retry-after": "1"})
    pacer = arxiv_pacer(0.01)
    assert pacer is not None
    started = time.monotonic()
    with make_client(timeout=5) as client:
        download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path, pacer=pacer)

    assert time.monotonic() - started >= 1.0
    assert pacer.pacing.pauses == 1  # the other download threads wait too


def test_no_interval_means_no_pacing() -> None:
    assert arxiv_pacer(0) is None


def test_a_cached_pdf_that_cannot_be_read_is_downloaded_again_and_said(  # type: ignore[no-untyped-def]
    fake_arxiv, tmp_path: Path, caplog
) -> None:
    fake_arxiv.add_pdf("2412.00001", paper_pdf(1))
    cache_path(tmp_path, "2412.00001").mkdir(parents=True)  # in the way of the cached file

    with make_client(timeout=5) as client:
        got = download_pdf(client, fake_arxiv.url, "2412.00001", tmp_path)

    assert got == paper_pdf(1)  # the cache could not take it either: the body itself
    assert "cannot be read" in caplog.text
    assert "PDF not cached" in caplog.text
