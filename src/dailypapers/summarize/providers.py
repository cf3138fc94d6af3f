"""Named presets over the OpenAI-compatible chat protocol: where to send, which key to use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from dailypapers.errors import ConfigError

ResponseFormat = Literal["json_schema", "json_object"]
#: How a request caps the answer's tokens: OpenAI's own API wants ``max_completion_tokens``
#: (its reasoning models refuse ``max_tokens``); most compatible servers know ``max_tokens``.
AnswerLimit = Literal["max_tokens", "max_completion_tokens"]


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    #: The environment variable that holds the key; None for servers on this machine.
    key_variable: str | None
    default_model: str
    #: json_schema where the server enforces a schema; json_object where it only promises JSON.
    response_format: ResponseFormat = "json_schema"
    about: str = ""

    def key(self, env: Mapping[str, str]) -> str | None:
        """The key with surrounding whitespace (a newline pasted from a file) left out."""
        return env.get(self.key_variable, "").strip() or None if self.key_variable else None

    def configured(self, env: Mapping[str, str]) -> bool:
        return self.key_variable is None or bool(self.key(env))


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider(
            "openai",
            "https://api.openai.com/v1",
            "OPENAI_API_KEY",
            "gpt-4o",
            about="OpenAI",
        ),
        Provider(
            "anthropic",
            "https://api.anthropic.com/v1",
            "ANTHROPIC_API_KEY",
            "claude-sonnet-4-5",
            "json_object",
            "Anthropic's OpenAI-compatible endpoint",
        ),
        Provider(
            "google",
            "https://generativelanguage.googleapis.com/v1beta/openai",
            "GEMINI_API_KEY",
            "gemini-2.5-flash",
            about="Google Gemini's OpenAI-compatible endpoint",
        ),
        Provider(
            "deepseek",
            "https://api.deepseek.com/v1",
            "DEEPSEEK_API_KEY",
            "deepseek-chat",
            "json_object",
            "DeepSeek",
        ),
        Provider(
            "openrouter",
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY",
            "openai/gpt-4o",
            about="OpenRouter: many vendors' models behind one key",
        ),
        Provider(
            "ollama",
            "http://localhost:11434/v1",
            None,
            "qwen2.5:14b",
            about="Ollama on this machine",
        ),
        Provider(
            "vllm", "http://localhost:8000/v1", None, "Qwen/Qwen2.5-14B-Instruct", about="vLLM"
        ),
        Provider(
            "llamacpp",
            "http://localhost:8080/v1",
            None,
            "default",
            "json_object",
            "llama.cpp server",
        ),
    )
}


def get_provider(name: str) -> Provider:
    try:
        return PROVIDERS[name.lower()]
    except KeyError:
        names = ", ".join(PROVIDERS)
        raise ConfigError(f"unknown provider {name!r}: choose one of {names}") from None


def answer_limit_for(base_url: str | None) -> AnswerLimit:
    """The name the server at ``base_url`` (None: OpenAI's) gives the answer's token cap:
    OpenAI's own API wants ``max_completion_tokens``, every OpenAI-compatible one ``max_tokens``."""
    host = urlsplit(base_url).hostname or "" if base_url else "api.openai.com"
    return "max_completion_tokens" if host == "api.openai.com" else "max_tokens"


def require_key(provider: Provider, env: Mapping[str, str]) -> str | None:
    """The provider's key, or a ConfigError naming the variable to set."""
    key = provider.key(env)
    if provider.key_variable and not key:
        raise ConfigError(f"provider {provider.name} needs an API key: set {provider.key_variable}")
    return key
