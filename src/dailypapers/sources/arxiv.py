"""Download stage: a paper's PDF from arXiv, cached on disk by arXiv id."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx2

from dailypapers.errors import DownloadError, OutputError
from dailypapers.files import write_atomic_bytes
from dailypapers.http import HTTPFailure, get_with_retry
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.pdf import looks_like_pdf

log = logging.getLogger(__name__)


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
) -> bytes:
    """Return the paper's PDF bytes, from the cache when present, else from ``endpoint``."""
    cached = cache_path(cache_dir, arxiv_id)
    if cached.is_file():
        body = cached.read_bytes()
        if looks_like_pdf(body):
            return body
        cached.unlink()
    url = f"{endpoint}/pdf/{arxiv_id}"
    try:
        response = get_with_retry(client, url, attempts=attempts, backoff=backoff, pacer=pacer)
    except HTTPFailure as e:
        raise DownloadError(f"PDF download failed: {e.reason}", arxiv_id=arxiv_id) from e
    body = response.content
    if not looks_like_pdf(body):
        kind = response.headers.get("content-type", "no content type")
        raise DownloadError(
            f"PDF download failed: not a PDF ({kind}, {describe_body(body)})", arxiv_id=arxiv_id
        )
    try:
        write_atomic_bytes(cached, body)  # a killed run leaves no half PDF in the cache
    except OutputError as e:  # a cache that cannot be written costs the cache, not the paper
        log.warning("%s: PDF not cached: %s", arxiv_id, e)
    return body
