"""How to reach an LLM: what the summarizers need of the configuration, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.summarize.providers import ResponseFormat

DEFAULT_MODEL = "gpt-4o"


@dataclass(frozen=True)
class LLMConfig:
    """How to reach an OpenAI-compatible chat API."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    provider: str | None = None
    lang: str = "ko"
    glossary: dict[str, str] = field(default_factory=dict, repr=False)
    timeout: float = 180.0
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
