"""How to reach an LLM: what the summarizers need of the configuration, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.summarize.prompt import OUTPUT_RESERVE
from dailypapers.summarize.providers import AnswerLimit, ResponseFormat

DEFAULT_MODEL = "gpt-4o"
#: Seconds one LLM call may take in all, however its answer trickles in.
DEFAULT_DEADLINE = 300.0
#: The answer's token cap: four times what three sections are expected to take.
ANSWER_TOKENS = 4 * OUTPUT_RESERVE


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
