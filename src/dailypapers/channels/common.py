"""What every messaging channel needs: lengths as the services count them, cutting text to a
limit, sharing room between sections, and an HTTP failure told as a delivery error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import httpx2

from dailypapers.deliver import DeliveryError

ELLIPSIS = "…"


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
