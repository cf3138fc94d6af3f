"""Each host's published allowance, spent as a budget: the pacers a run gives its requests.

Hugging Face counts page requests (``/papers/...``) over fixed 5-minute windows per IP: 100 for
anonymous clients and 200 for a signed-in free account (``HF_TOKEN``; PRO accounts get more, and
we do not assume them). A token bucket that holds half the allowance and refills the other
half over the window never sends more than the allowance in any 5 minutes, however the
windows fall, and lets a day's 30 requests go at once. arXiv keeps its own, stricter rule
(``arxiv.arxiv_pacer``: one request every 3 s), and the LLM its own limiter and adaptive
concurrency; each host's 429 pauses that host's pacer only.
"""

from __future__ import annotations

from dailypapers.ratelimit import RateLimiter

#: Hugging Face's page requests allowed per window, anonymous and with a token.
HF_PAGES_ANONYMOUS = 100
HF_PAGES_WITH_TOKEN = 200
HF_WINDOW_MINUTES = 5


def hf_allowance(*, token: bool) -> int:
    return HF_PAGES_WITH_TOKEN if token else HF_PAGES_ANONYMOUS


def hf_pacer(*, token: bool, allowance: int | None = None) -> RateLimiter | None:
    """Half the window's allowance at once, the other half refilled over the window.

    ``allowance`` is the page requests per 5 minutes when the user knows it (a PRO account,
    say); 0 turns the pacing off (a local mirror). None: Hugging Face's published figure.
    """
    if allowance == 0:
        return None
    half = (allowance or hf_allowance(token=token)) / 2
    return RateLimiter(requests_per_minute=half / HF_WINDOW_MINUTES, request_burst=half)
