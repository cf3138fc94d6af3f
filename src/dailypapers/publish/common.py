"""What every messaging channel needs: its limits as data, the links all of them show,
lengths as the services count them, cutting text to a limit, sharing room between sections,
the wait a service asks for, and an HTTP failure told as a delivery error. (The words they
show are in ``words``.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx2

from dailypapers.digest.views import URL_LIMIT, PaperView, web_url
from dailypapers.publish.deliver import DeliveryError, Message
from dailypapers.publish.words import Words
from dailypapers.retry import retry_after as read_retry_after

ELLIPSIS = "…"

T = TypeVar("T")


#: A length no channel reaches: where a channel sets no limit.
UNLIMITED = 1 << 31


@dataclass(frozen=True)
class Limits:
    """What a channel allows, declared once per channel as data (``LIMITS`` of its formatting
    module, ``limits`` on its class). Lengths are in UTF-16 code units, as the services count
    them; ``UNLIMITED`` where the channel sets none."""

    #: The longest message: Discord's content, Telegram's visible text, Slack's fallback text.
    message: int = UNLIMITED
    #: The longest heading: Slack's header block, Discord's thread name.
    heading: int = UNLIMITED
    #: The longest title, authors line and note, so that the sections keep most of the room.
    title: int = UNLIMITED
    authors: int = UNLIMITED
    note: int = UNLIMITED
    #: Authors named before "and N more" (None: every one).
    max_authors: int | None = None
    #: Links longer than this, or not http(s), are left out.
    url: int = URL_LIMIT
    #: The longest text of one block (Slack's text objects), and of a block's bold label.
    block_text: int = UNLIMITED
    label: int = UNLIMITED
    #: The most blocks (Slack) in one message.
    blocks: int = UNLIMITED


# links -------------------------------------------------------------------------------------


def describe(message: Message) -> str:
    """How an error names a message: ``the header`` or ``paper 2412.06001``."""
    return "the header" if message.key == "header" else f"paper {message.key}"


def one_line(text: str) -> str:
    """``text`` with each run of whitespace (a wrapped title's line breaks) as one space."""
    return " ".join(text.split())


def paper_links(paper: PaperView, words: Words, *, limit: int = URL_LIMIT) -> list[tuple[str, str]]:
    """(label, address) of arXiv, Hugging Face and, when they are usable http(s) addresses at
    most ``limit`` long, GitHub and the project page."""
    links = [("arXiv", paper.arxiv_url), ("Hugging Face", paper.hf_url)]
    for label, url in (("GitHub", paper.github_repo), (words.project, paper.project_page)):
        if (usable := web_url(url, limit)) is not None:
            links.append((label, usable))
    return links


# lengths, cutting, waiting, failing ---------------------------------------------------------


def units(text: str) -> int:
    """Length in UTF-16 code units: never less than Slack, Discord or Telegram count."""
    return len(text.encode("utf-16-le")) // 2


def fit(
    plain: str, limit: int, render: Callable[[str], str] = str, *, at_word: bool = False
) -> str:
    """``render(plain)``, cut with "…" so that the result is at most ``limit`` long ("" when
    not even one character fits). ``at_word``: cut at a space when one is near the end."""
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
    if not low:
        return ""
    kept = plain[:low]
    if at_word and (space := kept.rfind(" ")) >= len(kept) * 4 // 5:
        kept = kept[:space]
    return render(kept.rstrip() + ELLIPSIS)


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


def fit_sections(
    texts: Sequence[str],
    limit: int,
    build: Callable[[list[str]], T],
    size: Callable[[T], int],
    render: Callable[[str], str] = str,
    *,
    at_word: bool = False,
) -> T:
    """``build(bodies)``, the section ``texts`` rendered as its bodies, at most ``limit`` long
    as ``size`` measures it: the sections share the room the rest leaves, short ones whole,
    long ones cut equally (on the plain text, so a cut never splits what ``render`` adds)."""
    whole = build([render(text) for text in texts])
    if size(whole) <= limit:
        return whole
    bare = size(build([""] * len(texts)))
    caps = share([units(render(text)) for text in texts], limit - bare)
    return build(
        [fit(text, cap, render, at_word=at_word) for text, cap in zip(texts, caps, strict=True)]
    )


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
