"""Summarize stage: a paper's text in, three Korean sections out.

Two summarizers share one small protocol: an OpenAI-compatible chat API (OpenAI, Ollama,
vLLM, llama.cpp server, DeepSeek, ...; ``llm``) and the built-in extractive one
(``extractive``), used when no LLM is configured. Summarizers know nothing of the database:
they return what happened, including every LLM call, and the caller stores it. Each one also
says what a paper will cost in tokens before it is sent, counted on the very messages it
would send (``prompt``), so a cost cap never guesses at the prompt.
"""

from __future__ import annotations

from typing import Protocol

from dailypapers.concurrency import CallSlots
from dailypapers.models import EXTRACTIVE_MODEL, Paper, PaperText
from dailypapers.ratelimit import RateLimiter
from dailypapers.summarize.extractive import EXTRACTIVE_VERSION, ExtractiveSummarizer
from dailypapers.summarize.llm import OpenAISummarizer
from dailypapers.summarize.outcome import SummaryOutcome, TokenEstimate
from dailypapers.summarize.prompt import build_messages, parse_answer, system_prompt
from dailypapers.summarize.settings import LLMConfig

__all__ = [
    "EXTRACTIVE_MODEL",
    "EXTRACTIVE_VERSION",
    "ExtractiveSummarizer",
    "OpenAISummarizer",
    "Summarizer",
    "SummaryOutcome",
    "TokenEstimate",
    "build_messages",
    "make_summarizer",
    "parse_answer",
    "system_prompt",
]


class Summarizer(Protocol):
    model: str
    prompt_version: str

    @property
    def limiter(self) -> RateLimiter | None: ...

    def summarize(self, paper: Paper, text: PaperText) -> SummaryOutcome: ...

    def estimate(self, paper: Paper, text: PaperText) -> TokenEstimate:
        """Tokens the paper's first request should take: the messages actually sent, with the
        run's language and glossary, and the room kept for the answer."""
        ...

    def check(self) -> None:
        """Raise ``LLMUnusable`` when a first, cheap look shows that no paper can be
        summarized (a wrong key or URL); called once before a run downloads anything."""
        ...

    def stop(self) -> None:
        """Start no further call, from any thread: calls in flight finish and are returned."""
        ...

    def close(self) -> None: ...


def make_summarizer(config: LLMConfig | None, *, slots: CallSlots | None = None) -> Summarizer:
    """The LLM summarizer when one is configured (its calls pass ``slots``), else the
    extractive one."""
    return OpenAISummarizer(config, slots=slots) if config else ExtractiveSummarizer()
