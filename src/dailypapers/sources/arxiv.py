"""Download stage: a paper's PDF from arXiv, streamed to a cache on disk by arXiv id."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import httpx2

from dailypapers.errors import DownloadError, OutputError
from dailypapers.files import check_folder, replacing
from dailypapers.http import HEAD_BYTES, MB, Fetched, HTTPFailure, Limits, get_with_retry
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.pdf import looks_like_pdf

log = logging.getLogger(__name__)

#: The largest PDF downloaded: real papers are a few MB, long theses rarely pass 30 MB.
DEFAULT_MAX_PDF_BYTES = 50 * MB
#: How long one PDF download may take in all, every try and wait included.
DEFAULT_DOWNLOAD_SECONDS = 300.0


def cache_path(cache_dir: Path, arxiv_id: str) -> Path:
    """Where the PDF of a paper is kept; old-style ids (``hep-th/9901001``) are flattened."""
    return cache_dir / "pdf" / f"{arxiv_id.replace('/', '_')}.pdf"


def describe_body(body: bytes) -> str:
    """A short, safe description of what a non-PDF body starts with."""
    if not body:
        return "an empty body"
    head = body[:40].decode("utf-8", errors="replace")
    head = re.sub(r"\s+", " ", head).strip()
    return f"a body starting with {head!r}"


def arxiv_pacer(interval: float) -> RateLimiter | None:
    """At most one request to arXiv every ``interval`` seconds (arXiv asks robots to be slow)."""
    return RateLimiter(requests_per_minute=60 / interval, request_burst=1) if interval else None


def download_pdf(
    client: httpx2.Client,
    endpoint: str,
    arxiv_id: str,
    cache_dir: Path,
    *,
    attempts: int = 4,
    backoff: float = 1.0,
    pacer: RateLimiter | None = None,
    max_bytes: int = DEFAULT_MAX_PDF_BYTES,
    seconds: float | None = DEFAULT_DOWNLOAD_SECONDS,
) -> Path | bytes:
    """The paper's PDF: the path of its cached file, downloaded to it first when missing.

    The body is streamed to the cache file, never held in memory: at most ``max_bytes`` of it
    (a larger declared length is refused before reading), within ``seconds`` in all. Only when
    the cache cannot be written is the body kept in memory instead (and returned as bytes).
    """
    cached = cache_path(cache_dir, arxiv_id)
    if _usable(cached, max_bytes):
        return cached
    url = f"{endpoint}/pdf/{arxiv_id}"
    limits = Limits(max_bytes=max_bytes, seconds=seconds)

    def get(into: Path | None) -> Fetched:
        try:
            return get_with_retry(
                client,
                url,
                attempts=attempts,
                backoff=backoff,
                pacer=pacer,
                limits=limits,
                into=None if into is None else lambda: replacing(into),
            )
        except HTTPFailure as e:
            raise DownloadError(f"PDF download failed: {e.reason}", arxiv_id=arxiv_id) from e

    try:  # a cache that cannot be written costs the cache, not the paper
        check_folder(cached.parent)
        fetched = get(cached)  # a killed run leaves no half PDF in the cache
    except OutputError as e:
        log.warning("%s: PDF not cached: %s", arxiv_id, e)
        fetched = get(None)
    if not looks_like_pdf(fetched.head):
        cached.unlink(missing_ok=True)
        kind = fetched.headers.get("content-type", "no content type")
        raise DownloadError(
            f"PDF download failed: not a PDF ({kind}, {describe_body(fetched.head)})",
            arxiv_id=arxiv_id,
        )
    return fetched.content or cached


def _usable(cached: Path, max_bytes: int) -> bool:
    """A cached PDF within the size limit; anything else there is removed."""
    try:
        with cached.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return False
    except OSError as e:  # unreadable: downloaded again, and said why
        log.warning("cached PDF %s cannot be read (%s); downloading it again", cached, e)
        return False
    if looks_like_pdf(head) and size <= max_bytes:
        return True
    cached.unlink(missing_ok=True)
    return False
