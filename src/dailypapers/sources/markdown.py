"""Hugging Face's Markdown of a paper: ``GET {HF_ENDPOINT}/papers/{id}.md``.

Hugging Face builds it from arXiv's HTML version, with the paper's own headings and tables;
when arXiv has none it serves its page's own content (about the title and abstract), and 404
when the paper is not indexed. The quality gates tell the fallback page from a paper.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx2

from dailypapers.http import MB
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.textcache import fetch_cached

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
    return fetch_cached(
        client,
        f"{endpoint}/papers/{arxiv_id}.md",
        what="Hugging Face Markdown",
        kind="md",
        arxiv_id=arxiv_id,
        cache_dir=cache_dir,
        today=today,
        convert=lambda fetched: clean_markdown(fetched.content.decode("utf-8", errors="replace")),
        max_bytes=MAX_MARKDOWN_BYTES,
        attempts=attempts,
        backoff=backoff,
        pacer=pacer,
        seconds=seconds,
    )


def clean_markdown(text: str) -> str:
    """Images reduced to their alt text; line ends made plain."""
    return IMAGE.sub(lambda m: m.group(1), text.replace("\r\n", "\n"))
