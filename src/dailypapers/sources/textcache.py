"""Each text source's answer for a paper, kept on disk so that a rerun downloads nothing.

A text is kept as ``cache_dir/<kind>/<id>.md`` for good. A lasting refusal (a 404: the paper
is not indexed, arXiv has no HTML version) is kept as ``<id>.missing`` with the day (UTC) it
was given, and believed until that day ends: a rerun the same day asks nobody, the next day
asks again (Hugging Face indexes papers late, arXiv converts some late). A passing failure (a
429, a 5xx, a timeout) is never kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx2

from dailypapers.errors import OutputError, TextUnavailable
from dailypapers.files import write_atomic
from dailypapers.http import Fetched, HTTPFailure, Limits, get_with_retry
from dailypapers.ratelimit import RateLimiter

log = logging.getLogger(__name__)


def cache_file(cache_dir: Path, kind: str, arxiv_id: str, suffix: str) -> Path:
    """Where a source's answer for a paper is kept; old-style ids are flattened."""
    return cache_dir / kind / f"{arxiv_id.replace('/', '_')}{suffix}"


def cached_text(
    cache_dir: Path, kind: str, arxiv_id: str, today: str, fetch: Callable[[], str]
) -> str:
    """The source's text for the paper: from the cache, else from ``fetch`` (then kept).

    Raises ``TextUnavailable``: the refusal ``fetch`` raised, or the one kept from earlier
    ``today``.
    """
    text_path = cache_file(cache_dir, kind, arxiv_id, ".md")
    missing_path = cache_file(cache_dir, kind, arxiv_id, ".missing")
    kept = _read(text_path)
    if kept is not None:
        return kept
    refusal = _kept_refusal(missing_path, today)
    if refusal is not None:
        raise TextUnavailable(f"{refusal} (kept from earlier today)", arxiv_id=arxiv_id)
    try:
        text = fetch()
    except TextUnavailable as e:
        if e.lasting:
            _keep(missing_path, json.dumps({"day": today, "reason": e.reason}))
        raise
    _keep(text_path, text)
    missing_path.unlink(missing_ok=True)
    return text


def fetch_cached(
    client: httpx2.Client,
    url: str,
    *,
    what: str,
    kind: str,
    arxiv_id: str,
    cache_dir: Path,
    today: str,
    convert: Callable[[Fetched], str],
    max_bytes: int,
    attempts: int,
    backoff: float,
    pacer: RateLimiter | None,
    seconds: float | None,
) -> str:
    """``url``'s answer made text by ``convert``, through the cache (``cached_text``).

    A failed download is refused naming ``what`` (``unavailable``); ``convert`` may refuse
    too. Raises ``TextUnavailable``.
    """

    def download() -> str:
        try:
            fetched = get_with_retry(
                client,
                url,
                attempts=attempts,
                backoff=backoff,
                pacer=pacer,
                limits=Limits(max_bytes=max_bytes, seconds=seconds),
            )
        except HTTPFailure as e:
            raise unavailable(what, arxiv_id, e) from e
        return convert(fetched)

    return cached_text(cache_dir, kind, arxiv_id, today, download)


def unavailable(what: str, arxiv_id: str, failure: HTTPFailure) -> TextUnavailable:
    """A refusal naming the source and the cause; a 4xx but 429 is lasting (kept today)."""
    lasting = failure.status is not None and 400 <= failure.status < 500 and failure.status != 429
    reason = failure.reason + (" (not there)" if failure.status == 404 else "")
    return TextUnavailable(f"{what}: {reason}", arxiv_id=arxiv_id, lasting=lasting)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:  # unreadable: fetched again, and said why
        log.warning("cached text %s cannot be read (%s); fetching it again", path, e)
        return None


def _kept_refusal(path: Path, today: str) -> str | None:
    """The refusal kept today, or None (none kept, an older one, or an unreadable file)."""
    raw = _read(path)
    if raw is None:
        return None
    try:
        kept = json.loads(raw)
    except ValueError:
        log.warning("cache marker %s is not JSON; asking again", path)
        return None
    if not isinstance(kept, dict) or kept.get("day") != today:
        return None
    return str(kept.get("reason") or "no text")


def _keep(path: Path, text: str) -> None:
    """Write to the cache; a cache that cannot be written costs the cache, not the paper."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except (OSError, OutputError) as e:
        log.warning("%s not cached: %s", path, e)
