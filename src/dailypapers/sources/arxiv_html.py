"""arXiv's HTML version of a paper (LaTeXML): ``GET {ARXIV_ENDPOINT}/html/{id}``, converted
to Markdown-like text (``sources/html_text.py``) and cached as that text."""

from __future__ import annotations

from pathlib import Path

import httpx2

from dailypapers.errors import TextUnavailable
from dailypapers.http import MB, Fetched
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.html_text import html_to_text
from dailypapers.sources.textcache import fetch_cached

#: The largest page read: LaTeXML pages of long papers reach a few MB (formulas as MathML).
MAX_HTML_BYTES = 30 * MB


def fetch_html_text(
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
    """The paper's HTML version as text with headings, from the cache or downloaded.

    Raises ``TextUnavailable``: no HTML version (404), a failed download, or a page that is
    not HTML.
    """

    def convert(fetched: Fetched) -> str:
        kind = fetched.headers.get("content-type", "")
        if "html" not in kind:
            raise TextUnavailable(
                f"arXiv HTML: not HTML ({kind or 'no content type'})", arxiv_id=arxiv_id
            )
        return html_to_text(fetched.content)

    return fetch_cached(
        client,
        f"{endpoint}/html/{arxiv_id}",
        what="arXiv HTML",
        kind="html",
        arxiv_id=arxiv_id,
        cache_dir=cache_dir,
        today=today,
        convert=convert,
        max_bytes=MAX_HTML_BYTES,
        attempts=attempts,
        backoff=backoff,
        pacer=pacer,
        seconds=seconds,
    )
