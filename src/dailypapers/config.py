"""One frozen configuration object, built once from flags, environment and defaults.

Library code never reads ``os.environ``: the CLI passes the environment in here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dailypapers.errors import ConfigError
from dailypapers.logs import secret_values
from dailypapers.summarize.cost import DEFAULT_PRICES, Price, load_prices, price_of
from dailypapers.summarize.glossary import load_glossary
from dailypapers.summarize.languages import LANGUAGES
from dailypapers.summarize.providers import Provider, get_provider, require_key
from dailypapers.summarize.settings import DEFAULT_MODEL, LLMConfig

DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_ARXIV_ENDPOINT = "https://arxiv.org"
DEFAULT_TOKEN_BUDGET = 16_000
DEFAULT_CONCURRENCY = 4
DB_FILENAME = "dailypapers.db"

SummarizerChoice = Literal["auto", "llm", "extractive"]


@dataclass(frozen=True)
class Config:
    out_dir: Path
    db_path: Path
    cache_dir: Path
    hf_endpoint: str = DEFAULT_HF_ENDPOINT
    arxiv_endpoint: str = DEFAULT_ARXIV_ENDPOINT
    llm: LLMConfig | None = None
    token_budget: int = DEFAULT_TOKEN_BUDGET
    concurrency: int = DEFAULT_CONCURRENCY
    http_timeout: float = 60.0
    http_attempts: int = 4
    http_backoff: float = 1.0
    pdf_timeout: float = 60.0
    arxiv_interval: float = 3.0
    force: bool = False
    #: Replace README.md and digest files in ``out_dir`` even when dailypapers did not write them.
    overwrite: bool = False
    prices: dict[str, Price] = field(default_factory=lambda: dict(DEFAULT_PRICES), repr=False)
    #: Stop starting new papers once the run's spend would pass this many US dollars.
    max_cost: float | None = None
    #: Values that must never appear in any message, log or file.
    secrets: tuple[str, ...] = field(default=(), repr=False)


def build_config(
    env: Mapping[str, str],
    *,
    out: Path | None = None,
    db: Path | None = None,
    model: str | None = None,
    summarizer: SummarizerChoice | None = None,
    token_budget: int | None = None,
    concurrency: int | None = None,
    force: bool = False,
    overwrite: bool = False,
    provider: str | None = None,
    max_cost: float | None = None,
    lang: str | None = None,
) -> Config:
    """Combine flags (which win) with the environment and the defaults."""
    if lang:
        env = {**env, "DAILYPAPERS_LANG": lang}
    out_dir = Path(out or env.get("DAILYPAPERS_OUT") or ".")
    db_path = Path(db or env.get("DAILYPAPERS_DB") or out_dir / DB_FILENAME)
    config = Config(
        out_dir=out_dir,
        db_path=db_path,
        cache_dir=_cache_dir(env),
        hf_endpoint=_endpoint(env, "HF_ENDPOINT", DEFAULT_HF_ENDPOINT),
        arxiv_endpoint=_endpoint(env, "ARXIV_ENDPOINT", DEFAULT_ARXIV_ENDPOINT),
        llm=_llm_config(env, model, summarizer, provider),
        token_budget=_positive_int(env, "DAILYPAPERS_TOKEN_BUDGET", token_budget, 16_000),
        concurrency=_positive_int(env, "DAILYPAPERS_CONCURRENCY", concurrency, 4),
        http_timeout=_positive_float(env, "DAILYPAPERS_HTTP_TIMEOUT", 60.0),
        http_backoff=_positive_float(env, "DAILYPAPERS_HTTP_BACKOFF", 1.0),
        pdf_timeout=_positive_float(env, "DAILYPAPERS_PDF_TIMEOUT", 60.0),
        arxiv_interval=_positive_float(env, "DAILYPAPERS_ARXIV_INTERVAL", 3.0),
        force=force,
        overwrite=overwrite,
        prices=load_prices(
            Path(env["DAILYPAPERS_PRICES"]) if env.get("DAILYPAPERS_PRICES") else None
        ),
        max_cost=max_cost if max_cost is not None else _optional_float(env, "DAILYPAPERS_MAX_COST"),
        secrets=secret_values(env),
    )
    if config.max_cost is not None and config.llm and not price_of(config.llm.model, config.prices):
        raise ConfigError(
            f"--max-cost needs a price for model {config.llm.model}: add it to a prices file "
            "(DAILYPAPERS_PRICES)"
        )
    if config.token_budget < 500:
        raise ConfigError(f"token budget {config.token_budget} is too small (minimum 500)")
    return config


def _llm_config(
    env: Mapping[str, str],
    model: str | None,
    summarizer: SummarizerChoice | None,
    provider_name: str | None = None,
) -> LLMConfig | None:
    choice = summarizer or env.get("DAILYPAPERS_SUMMARIZER") or "auto"
    if choice not in ("auto", "llm", "extractive"):
        raise ConfigError(f"unknown summarizer {choice!r}: choose auto, llm or extractive")
    provider_name = provider_name or env.get("DAILYPAPERS_PROVIDER") or None
    if provider_name and choice != "extractive":
        return _provider_config(env, get_provider(provider_name), model)
    api_key = env.get("OPENAI_API_KEY") or None
    base_url = (env.get("OPENAI_BASE_URL") or "").rstrip("/") or None
    if choice == "extractive" or (choice == "auto" and not (api_key or base_url)):
        return None
    if choice == "llm" and not (api_key or base_url):
        raise ConfigError(
            "no LLM configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other "
            "than OpenAI), or use --summarizer extractive"
        )
    return _llm_settings(
        env,
        model=model or env.get("DAILYPAPERS_MODEL") or DEFAULT_MODEL,
        base_url=base_url,
        api_key=api_key,
        response_format="json_schema",
    )


def _provider_config(env: Mapping[str, str], provider: Provider, model: str | None) -> LLMConfig:
    """A preset's URL, key and model; DAILYPAPERS_BASE_URL and --model still override."""
    base_url = (env.get("DAILYPAPERS_BASE_URL") or provider.base_url).rstrip("/")
    return _llm_settings(
        env,
        model=model or env.get("DAILYPAPERS_MODEL") or provider.default_model,
        base_url=base_url,
        api_key=require_key(provider, env),
        response_format=provider.response_format,
        provider=provider.name,
    )


def _llm_settings(
    env: Mapping[str, str],
    *,
    model: str,
    base_url: str | None,
    api_key: str | None,
    response_format: str,
    provider: str | None = None,
) -> LLMConfig:
    response_format = env.get("DAILYPAPERS_RESPONSE_FORMAT") or response_format
    if response_format not in ("json_schema", "json_object"):
        raise ConfigError(
            f"DAILYPAPERS_RESPONSE_FORMAT={response_format!r}: use json_schema or json_object"
        )
    lang = env.get("DAILYPAPERS_LANG") or "ko"
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return LLMConfig(
        model=model,
        base_url=base_url,
        api_key=api_key,
        provider=provider,
        lang=lang,
        glossary=_glossary(env, lang),
        timeout=_positive_float(env, "DAILYPAPERS_LLM_TIMEOUT", 180.0),
        backoff=_positive_float(env, "DAILYPAPERS_HTTP_BACKOFF", 1.0),
        requests_per_minute=_optional_int(env, "DAILYPAPERS_LLM_RPM"),
        tokens_per_minute=_optional_int(env, "DAILYPAPERS_LLM_TPM"),
        response_format=response_format,  # type: ignore[arg-type]
    )


def _glossary(env: Mapping[str, str], lang: str) -> dict[str, str]:
    """DAILYPAPERS_GLOSSARY names a file, or "none"; else the starter glossary for ``lang``."""
    name = env.get("DAILYPAPERS_GLOSSARY") or ""
    if name.lower() == "none":
        return {}
    return load_glossary(Path(name) if name else None, lang)


def _cache_dir(env: Mapping[str, str]) -> Path:
    if env.get("DAILYPAPERS_CACHE_DIR"):
        return Path(env["DAILYPAPERS_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME") or ".", ".cache")
    return Path(base) / "dailypapers"


def _endpoint(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={value!r} is not an http(s) URL")
    return value


def _positive_int(env: Mapping[str, str], name: str, flag: int | None, default: int) -> int:
    raw: object = flag if flag is not None else env.get(name) or default
    try:
        value = int(str(raw))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    return _positive_int(env, name, None, 1) if env.get(name) else None


def _optional_float(env: Mapping[str, str], name: str) -> float | None:
    return _positive_float(env, name, 0.0) if env.get(name) else None


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {value}")
    return value
