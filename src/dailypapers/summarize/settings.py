"""How to reach an LLM: what the summarizers need of the configuration, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dailypapers.errors import ConfigError
from dailypapers.summarize.prompt import OUTPUT_RESERVE
from dailypapers.summarize.providers import AnswerLimit, ResponseFormat

DEFAULT_MODEL = "gpt-4o"
#: Seconds one LLM call may take in all, however its answer trickles in.
DEFAULT_DEADLINE = 300.0
#: The answer's token cap: four times what three sections are expected to take.
ANSWER_TOKENS = 4 * OUTPUT_RESERVE

#: ``llm``: after each summary, ask the model for the paper's span behind each sentence.
Verify = Literal["off", "llm"]
VERIFY_CHOICES: tuple[Verify, ...] = ("off", "llm")


@dataclass(frozen=True)
class LLMConfig:
    """How to reach an OpenAI-compatible chat API."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    provider: str | None = None
    lang: str = "ko"
    glossary: dict[str, str] = field(default_factory=dict, repr=False)
    #: Seconds one read or write of an LLM call may take.
    timeout: float = 180.0
    #: Seconds one LLM call may take in all (see summarize/deadline.py).
    deadline: float = DEFAULT_DEADLINE
    #: The SDK's own retries are off: summarize/llm.py retries, so each try is paced and recorded.
    sdk_retries: int = 0
    #: Answers that are not a valid summary (garbage, refusal, missing keys).
    attempts: int = 3
    #: Tries through 5xx, timeouts and dropped connections, with jittered backoff.
    transient_attempts: int = 4
    #: Tries through 429 answers, each pausing every worker as long as the server asks.
    rate_limit_attempts: int = 12
    backoff: float = 1.0
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    temperature: float | None = None
    response_format: ResponseFormat = "json_schema"
    #: Tokens the answer may take, and the request field that says so.
    answer_tokens: int = ANSWER_TOKENS
    answer_limit: AnswerLimit = "max_completion_tokens"
    #: A second opinion after each summary (``summarize/verify.py``): one more call per paper.
    verify: Verify = "off"


def verify_mode(value: str, shown: str, *, llm: bool) -> Verify:
    """``--verify`` checked (``shown`` says where it came from): off, or llm with an LLM."""
    mode = value.strip().lower()
    if mode == "off":
        return "off"
    if mode != "llm":
        raise ConfigError(f"{shown}: choose {' or '.join(VERIFY_CHOICES)}")
    if not llm:
        raise ConfigError(
            f"{shown} needs an LLM: extractive summaries are the paper's own sentences, with "
            "nothing to verify; set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other "
            "than OpenAI) or choose --provider"
        )
    return "llm"
