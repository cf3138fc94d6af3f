"""What every messaging channel needs: the words and links all of them show, lengths as the
services count them, cutting text to a limit, sharing room between sections, the wait a
service asks for, and an HTTP failure told as a delivery error."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx2

from dailypapers.digest.views import URL_LIMIT, PaperView, web_url
from dailypapers.publish.deliver import DeliveryError, Message
from dailypapers.retry import retry_after as read_retry_after

ELLIPSIS = "…"


# words and links ---------------------------------------------------------------------------


def heading(period: str) -> str:
    """What every channel calls a period's digest: ``Daily Papers 2024-12-06``."""
    return f"Daily Papers {period}"


def paper_count(count: int) -> str:
    """``1 paper``, ``4 papers``."""
    return f"{count} paper{'' if count == 1 else 's'}"


def describe(message: Message) -> str:
    """How an error names a message: ``the header`` or ``paper 2412.06001``."""
    return "the header" if message.key == "header" else f"paper {message.key}"


def one_line(text: str) -> str:
    """``text`` with each run of whitespace (a wrapped title's line breaks) as one space."""
    return " ".join(text.split())


def authors_text(authors: Sequence[str], most: int | None = None) -> str:
    """The authors, comma-separated; past ``most`` of them, "and N more"."""
    if most is None or len(authors) <= most:
        return ", ".join(authors)
    return f"{', '.join(authors[:most])} and {len(authors) - most} more"


def paper_links(
    paper: PaperView, *, limit: int = URL_LIMIT, project: str = "Project page"
) -> list[tuple[str, str]]:
    """(label, address) of arXiv, Hugging Face and, when they are usable http(s) addresses at
    most ``limit`` long, GitHub and the project page (labelled ``project``)."""
    links = [("arXiv", paper.arxiv_url), ("Hugging Face", paper.hf_url)]
    for label, url in (("GitHub", paper.github_repo), (project, paper.project_page)):
        if (usable := web_url(url, limit)) is not None:
            links.append((label, usable))
    return links


# lengths, cutting, waiting, failing ---------------------------------------------------------


def units(text: str) -> int:
    """Length in UTF-16 code units: never less than Slack, Discord or Telegram count."""
    return len(text.encode("utf-16-le")) // 2


def fit(plain: str, limit: int, render: Callable[[str], str] = str) -> str:
    """``render(plain)``, cut with "…" so that the result is at most ``limit`` long ("" when
    not even one character fits)."""
    whole = render(plain)
    if units(whole) <= limit:
        return whole
    low, high = 0, len(plain)
    while low < high:
        middle = (low + high + 1) // 2
        if units(render(plain[:middle].rstrip() + ELLIPSIS)) <= limit:
            low = middle
        else:
            high = middle - 1
    return render(plain[:low].rstrip() + ELLIPSIS) if low else ""


def share(lengths: Sequence[int], room: int) -> list[int]:
    """How much of each length fits when they share ``room``: short ones whole, long ones equal."""
    caps = list(lengths)
    if sum(lengths) <= room:
        return caps
    left = max(room, 0)
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    for done, i in enumerate(order):
        caps[i] = min(lengths[i], left // (len(lengths) - done))
        left -= caps[i]
    return caps


def retry_after(headers: Mapping[str, Any], asked: object = None, *, default: float) -> float:
    """Seconds to wait before trying again, never negative: ``asked`` (the number in the
    service's own answer) when it is one, else the headers (``Retry-After`` in seconds or as
    an HTTP date, ``retry-after-ms``, any case), else ``default``."""
    if isinstance(asked, int | float) and not isinstance(asked, bool):
        seconds: float | None = float(asked)
    else:
        seconds = read_retry_after(headers)
    return default if seconds is None else max(0.0, seconds)


def transport_failure(
    error: httpx2.TransportError, *, service: str, what: str, api_url: str, timeout: float
) -> DeliveryError:
    """A request that got no answer, as a DeliveryError: unclear unless it surely never left.

    ``what`` (may be empty) says what was being sent; the message never holds a token
    (``api_url`` is the configured base, without one).
    """
    host = urlsplit(api_url).netloc or api_url
    prefix = f"{what}: " if what else ""
    if isinstance(error, httpx2.ConnectError | httpx2.ConnectTimeout | httpx2.PoolTimeout):
        return DeliveryError(f"{prefix}could not connect to {service} at {host}")
    if isinstance(error, httpx2.ProxyError):
        return DeliveryError(f"{prefix}could not connect to {service} at {host} (proxy)")
    if isinstance(error, httpx2.TimeoutException):
        return DeliveryError(
            f"{prefix}no answer from {service} within {timeout:g} s; it may have arrived",
            unclear=True,
        )
    if isinstance(error, httpx2.UnsupportedProtocol):
        variable = f"{service.upper()}_API_URL"
        return DeliveryError(f"{variable} {api_url} is not an http(s) address", fatal=True)
    return DeliveryError(
        f"{prefix}the connection to {service} broke ({type(error).__name__}); it may have arrived",
        unclear=True,
    )
