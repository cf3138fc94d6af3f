"""What one invocation of a job holds open: the store, the HTTP client, the summarizer, the PDF
reader, the pacers and the spend cap, shared by every day of a range."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import httpx2

from dailypapers.concurrency import CallSlots
from dailypapers.config import Config
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.pdf import Extractor
from dailypapers.store import Store
from dailypapers.summarize import Summarizer
from dailypapers.summarize.cost import SpendCap


@dataclass
class Day:
    """What a run needs besides its configuration."""

    config: Config
    store: Store
    http: httpx2.Client
    summarizer: Summarizer
    extractor: Extractor
    arxiv_pacer: RateLimiter | None = None
    #: One cap for the whole invocation: a range of days shares it.
    spend_cap: SpendCap | None = None
    #: Hugging Face's pages (``/papers/...``): its allowance spent as a budget (``hf_pacer``).
    hf_pacer: RateLimiter | None = None
    #: The adaptive limit on LLM calls in flight, shared with the summarizer; its report is
    #: the run's.
    llm_slots: CallSlots | None = None
    #: Set when the run must end: workers start nothing new.
    stopping: threading.Event = field(default_factory=threading.Event)
    #: Set once the LLM was looked at (``Summarizer.check``) in this invocation. An event, as
    #: ``stopping`` is, so that a copy of the ``Day`` (``relist.py``) shares it.
    llm_checked: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        """Start no further download or LLM call; those in flight finish."""
        self.stopping.set()
        self.summarizer.stop()
