"""Hugging Face's Markdown of a paper: ``GET {HF_ENDPOINT}/papers/{id}.md``.

Hugging Face builds it from arXiv's HTML version, with the paper's own headings and tables;
when arXiv has none it serves its page's own content (about the title and abstract), and 404
when the paper is not indexed. The quality gates tell the fallback page from a paper.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx2

from dailypapers.errors import TextUnavailable
from dailypapers.http import MB, HTTPFailure, Limits, get_with_retry
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.textcache import cached_text

#: The largest Markdown read: a long paper is a few hundred kB.
MAX_MARKDOWN_BYTES = 10 * MB
#: An image's Markdown costs tokens and tells a summary nothing; its alt text is kept.
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


def fetch_markdown(
    client: httpx2.Client,
    endpoint: str,
    arxiv_id: str,
    cache_dir: Path,
    *,
    today: str,
    attempts: int = 4,
    backoff: float = 1.0,
    pacer: RateLimiter | None = None,
    seconds: float | None = 300.0,
) -> str:
    """The paper as Hugging Face's Markdown, from the cache or downloaded (then cached).

    Hugging Face's token, when there is one, is the client's (``http.BearerFor``). Raises
    ``TextUnavailable``.
    """

    def download() -> str:
        try:
            fetched = get_with_retry(
                client,
                f"{endpoint}/papers/{arxiv_id}.md",
                attempts=attempts,
                backoff=backoff,
                pacer=pacer,
                limits=Limits(max_bytes=MAX_MARKDOWN_BYTES, seconds=seconds),
            )
        except HTTPFailure as e:
            raise unavailable("Hugging Face Markdown", arxiv_id, e) from e
        return clean_markdown(fetched.content.decode("utf-8", errors="replace"))

    return cached_text(cache_dir, "md", arxiv_id, today, download)


def unavailable(what: str, arxiv_id: str, failure: HTTPFailure) -> TextUnavailable:
    """A refusal naming the source and the cause; a 4xx but 429 is lasting (kept today)."""
    lasting = failure.status is not None and 400 <= failure.status < 500 and failure.status != 429
    reason = failure.reason + (" (not there)" if failure.status == 404 else "")
    return TextUnavailable(f"{what}: {reason}", arxiv_id=arxiv_id, lasting=lasting)


def clean_markdown(text: str) -> str:
    """Images reduced to their alt text; line ends made plain."""
    return IMAGE.sub(lambda m: m.group(1), text.replace("\r\n", "\n"))
