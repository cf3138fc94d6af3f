"""One frozen configuration object, built once from flags, environment and defaults.

Library code never reads ``os.environ``: the CLI passes the environment in here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from dailypapers.concurrency import DEFAULT_CAP
from dailypapers.errors import ConfigError
from dailypapers.logs import secret_values
from dailypapers.models import DEFAULT_LANG, TEXT_SOURCES, TextSource
from dailypapers.summarize.cost import DEFAULT_PRICES, Price, load_prices, price_of
from dailypapers.summarize.glossary import load_glossary
from dailypapers.summarize.languages import LANGUAGES
from dailypapers.summarize.providers import (
    Provider,
    answer_limit_for,
    get_provider,
    require_key,
)
from dailypapers.summarize.settings import DEFAULT_DEADLINE, DEFAULT_MODEL, LLMConfig, verify_mode

DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_ARXIV_ENDPOINT = "https://arxiv.org"
DEFAULT_TOKEN_BUDGET = 16_000
DEFAULT_CONCURRENCY = DEFAULT_CAP
#: How many days before the day run are listed again for papers Hugging Face added late.
DEFAULT_RELIST_DAYS = 2
#: Seconds a command waits for another one holding the same database before giving up.
DEFAULT_LOCK_WAIT = 10.0
MIN_TOKEN_BUDGET = 500
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
    #: The PDF reader child's address space, in MB (2**20 bytes).
    pdf_memory_mb: int = 2048
    #: The largest PDF downloaded, in MB (2**20 bytes).
    max_pdf_mb: int = 50
    #: Seconds one download (a PDF, a page of the list) may take in all, retries included.
    download_seconds: float = 300.0
    arxiv_interval: float = 3.0
    #: Hugging Face page requests allowed per 5 minutes (None: its published figure; 0: no
    #: pacing).
    hf_pages: int | None = None
    #: Seconds to wait for another dailypapers using the same database (``store/lock.py``).
    lock_wait: float = DEFAULT_LOCK_WAIT
    force: bool = False
    #: Replace README.md and digest files in ``out_dir`` even when dailypapers did not write them.
    overwrite: bool = False
    prices: dict[str, Price] = field(default_factory=lambda: dict(DEFAULT_PRICES), repr=False)
    #: Stop starting new papers once the run's spend would pass this many US dollars.
    max_cost: float | None = None
    #: Days before the day run that ``run`` lists again for late papers (0: none).
    relist_days: int = DEFAULT_RELIST_DAYS
    #: Values that must never appear in any message, log or file.
    secrets: tuple[str, ...] = field(default=(), repr=False)
    #: Where a paper's text is looked for, in order; the abstract is always the last resort.
    text_sources: tuple[TextSource, ...] = TEXT_SOURCES
    #: Hugging Face's token (``HF_TOKEN``), sent to ``hf_endpoint`` only.
    hf_token: str | None = field(default=None, repr=False)


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
    relist: int | None = None,
    offline: bool = False,
    sources: str | None = None,
    verify: str | None = None,
) -> Config:
    """Combine flags (which win) with the environment and the defaults.

    A bad value raises ConfigError naming the flag when a flag gave it and the variable when
    the environment did. ``offline`` is for commands that summarize nothing (render, status,
    ...): no LLM is set up and the summaries' language is not asked about.
    """
    if offline:
        summarizer, provider, lang = "extractive", None, None
    out_dir = Path(out or env.get("DAILYPAPERS_OUT") or ".")
    db_path = Path(db or env.get("DAILYPAPERS_DB") or out_dir / DB_FILENAME)
    choice = _setting(env, "DAILYPAPERS_SUMMARIZER", "--summarizer", summarizer)
    config = Config(
        out_dir=out_dir,
        db_path=db_path,
        cache_dir=_cache_dir(env),
        hf_endpoint=_endpoint(env, "HF_ENDPOINT", DEFAULT_HF_ENDPOINT),
        arxiv_endpoint=_endpoint(env, "ARXIV_ENDPOINT", DEFAULT_ARXIV_ENDPOINT),
        llm=_llm_config(env, model, choice, provider, None if offline else _lang(env, lang)),
        token_budget=_whole_number(
            _setting(env, "DAILYPAPERS_TOKEN_BUDGET", "--token-budget", token_budget),
            DEFAULT_TOKEN_BUDGET,
            minimum=MIN_TOKEN_BUDGET,
        ),
        concurrency=_whole_number(
            _setting(env, "DAILYPAPERS_CONCURRENCY", "--concurrency", concurrency),
            DEFAULT_CONCURRENCY,
        ),
        http_timeout=_positive_float(env, "DAILYPAPERS_HTTP_TIMEOUT", 60.0),
        http_backoff=_positive_float(env, "DAILYPAPERS_HTTP_BACKOFF", 1.0),
        pdf_timeout=_positive_float(env, "DAILYPAPERS_PDF_TIMEOUT", 60.0),
        pdf_memory_mb=_whole_number(
            _setting(env, "DAILYPAPERS_PDF_MEMORY_MB", "", None), 2048, minimum=256
        ),
        max_pdf_mb=_whole_number(_setting(env, "DAILYPAPERS_MAX_PDF_MB", "", None), 50),
        download_seconds=_positive_float(env, "DAILYPAPERS_DOWNLOAD_DEADLINE", 300.0),
        arxiv_interval=_positive_float(env, "DAILYPAPERS_ARXIV_INTERVAL", 3.0),
        hf_pages=_hf_pages(env),
        lock_wait=_positive_float(env, "DAILYPAPERS_LOCK_WAIT", DEFAULT_LOCK_WAIT),
        force=force,
        overwrite=overwrite,
        prices=load_prices(
            Path(env["DAILYPAPERS_PRICES"]) if env.get("DAILYPAPERS_PRICES") else None
        ),
        max_cost=_max_cost(env, max_cost),
        relist_days=_whole_number(
            _setting(env, "DAILYPAPERS_RELIST_DAYS", "--relist", relist),
            DEFAULT_RELIST_DAYS,
            minimum=0,
        ),
        secrets=secret_values(env),
        text_sources=_text_sources(_setting(env, "DAILYPAPERS_TEXT_SOURCES", "--sources", sources)),
        hf_token=env.get("HF_TOKEN", "").strip() or None,
    )
    if config.max_cost is not None and config.llm and not price_of(config.llm.model, config.prices):
        where = "--max-cost" if max_cost is not None else "DAILYPAPERS_MAX_COST"
        raise ConfigError(
            f"{where} needs a price for model {config.llm.model}: add it to a prices file "
            "(DAILYPAPERS_PRICES)"
        )
    if config.llm is None and not offline:
        _refuse_a_language_without_llm(_lang(env, lang), choice)
    asked = None if offline else _setting(env, "DAILYPAPERS_VERIFY", "--verify", verify or None)
    if asked is not None:
        mode = verify_mode(str(asked.raw), asked.shown, llm=config.llm is not None)
        config = replace(config, llm=replace(config.llm, verify=mode)) if config.llm else config
    return config


@dataclass(frozen=True)
class Setting:
    """A value as the user gave it, and where: a flag (``--concurrency``) or a variable."""

    name: str
    raw: object

    @property
    def shown(self) -> str:
        """``--concurrency 0`` for a flag, ``DAILYPAPERS_CONCURRENCY='0'`` for a variable."""
        return (
            f"{self.name} {self.raw}" if self.name.startswith("--") else f"{self.name}={self.raw!r}"
        )


def _setting(env: Mapping[str, str], variable: str, flag: str, value: object) -> Setting | None:
    """The flag's value when it was given, else the variable's when it is set, else None."""
    if value is not None:
        return Setting(flag, value)
    if env.get(variable):
        return Setting(variable, env[variable])
    return None


def _lang(env: Mapping[str, str], flag: str | None) -> Setting | None:
    """The summaries' language as asked for (None: the default, Korean); checked."""
    asked = _setting(env, "DAILYPAPERS_LANG", "--lang", flag or None)
    if asked is not None and asked.raw not in LANGUAGES:
        raise ConfigError(f"{asked.shown}: unknown language: choose one of {', '.join(LANGUAGES)}")
    return asked


def _refuse_a_language_without_llm(lang: Setting | None, choice: Setting | None) -> None:
    """Extractive summaries are the paper's own English sentences: asking for another
    language without an LLM is refused rather than answered in English."""
    if lang is None or lang.raw == "en":
        return
    name = LANGUAGES[str(lang.raw)][0]
    how = (
        "set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI) or choose "
        "--provider (see `dailypapers providers`)"
    )
    if choice is not None and choice.raw == "extractive":
        raise ConfigError(
            f"{lang.shown} does not go with {choice.shown}: extractive summaries are the "
            f"paper's own English sentences; for {name} summaries use an LLM ({how})"
        )
    raise ConfigError(
        f"{lang.shown} needs an LLM, and none is configured: without one the summaries are "
        f"extractive, the paper's own English sentences; {how}, or leave out {lang.name} "
        "for English extractive summaries"
    )


def _llm_config(
    env: Mapping[str, str],
    model: str | None,
    summarizer: Setting | None,
    provider_name: str | None,
    lang: Setting | None,
) -> LLMConfig | None:
    choice = str(summarizer.raw) if summarizer else "auto"
    if summarizer and choice not in ("auto", "llm", "extractive"):
        raise ConfigError(
            f"{summarizer.name}: unknown summarizer {choice!r}: choose auto, llm or extractive"
        )
    preset = _setting(env, "DAILYPAPERS_PROVIDER", "--provider", provider_name or None)
    if preset and choice != "extractive":
        return _provider_config(env, _provider(preset), model, lang)
    api_key = env.get("OPENAI_API_KEY", "").strip() or None  # a key pasted from a file
    base_url = env.get("OPENAI_BASE_URL", "").strip().rstrip("/") or None
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
        lang=str(lang.raw) if lang else DEFAULT_LANG,
    )


def _provider(preset: Setting) -> Provider:
    try:
        return get_provider(str(preset.raw))
    except ConfigError as e:
        raise ConfigError(f"{preset.name}: {e}") from None


def _provider_config(
    env: Mapping[str, str], provider: Provider, model: str | None, lang: Setting | None
) -> LLMConfig:
    """A preset's URL, key and model; DAILYPAPERS_BASE_URL and --model still override."""
    base_url = (env.get("DAILYPAPERS_BASE_URL", "").strip() or provider.base_url).rstrip("/")
    return _llm_settings(
        env,
        model=model or env.get("DAILYPAPERS_MODEL") or provider.default_model,
        base_url=base_url,
        api_key=require_key(provider, env),
        response_format=provider.response_format,
        lang=str(lang.raw) if lang else DEFAULT_LANG,
        provider=provider.name,
    )


def _llm_settings(
    env: Mapping[str, str],
    *,
    model: str,
    base_url: str | None,
    api_key: str | None,
    response_format: str,
    lang: str,
    provider: str | None = None,
) -> LLMConfig:
    response_format = env.get("DAILYPAPERS_RESPONSE_FORMAT") or response_format
    if response_format not in ("json_schema", "json_object"):
        raise ConfigError(
            f"DAILYPAPERS_RESPONSE_FORMAT={response_format!r}: use json_schema or json_object"
        )
    return LLMConfig(
        model=model,
        base_url=base_url,
        api_key=api_key,
        provider=provider,
        lang=lang,
        glossary=_glossary(env, lang),
        timeout=_positive_float(env, "DAILYPAPERS_LLM_TIMEOUT", 180.0),
        deadline=_positive_float(env, "DAILYPAPERS_LLM_DEADLINE", DEFAULT_DEADLINE),
        backoff=_positive_float(env, "DAILYPAPERS_HTTP_BACKOFF", 1.0),
        requests_per_minute=_optional_int(env, "DAILYPAPERS_LLM_RPM"),
        tokens_per_minute=_optional_int(env, "DAILYPAPERS_LLM_TPM"),
        response_format=response_format,  # type: ignore[arg-type]
        answer_limit=answer_limit_for(base_url),
    )


def _glossary(env: Mapping[str, str], lang: str) -> dict[str, str]:
    """DAILYPAPERS_GLOSSARY names a file, or "none"; else the starter glossary for ``lang``."""
    name = env.get("DAILYPAPERS_GLOSSARY") or ""
    if name.lower() == "none":
        return {}
    return load_glossary(Path(name) if name else None, lang)


def _text_sources(setting: Setting | None) -> tuple[TextSource, ...]:
    """``hf,html,pdf,abstract`` checked: known names, each once; the abstract comes last
    when left out (it always comes with the list)."""
    if setting is None:
        return TEXT_SOURCES
    names = [name.strip().lower() for name in str(setting.raw).split(",") if name.strip()]
    unknown = [name for name in names if name not in TEXT_SOURCES]
    if unknown or not names or len(set(names)) != len(names):
        why = f"unknown source {unknown[0]!r}" if unknown else "each source at most once"
        raise ConfigError(
            f"{setting.shown}: {why}: give a comma-separated order of {', '.join(TEXT_SOURCES)}"
        )
    chosen = [source for name in names for source in TEXT_SOURCES if source == name]
    return tuple(chosen if "abstract" in chosen else [*chosen, "abstract"])


def _cache_dir(env: Mapping[str, str]) -> Path:
    if env.get("DAILYPAPERS_CACHE_DIR"):
        return Path(env["DAILYPAPERS_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME") or ".", ".cache")
    return Path(base) / "dailypapers"


def _endpoint(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name, "").strip() or default).rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={value!r} is not an http(s) URL")
    return value


def _whole_number(setting: Setting | None, default: int, *, minimum: int = 1) -> int:
    if setting is None:
        return default
    try:
        value = int(str(setting.raw))
    except ValueError:
        raise ConfigError(f"{setting.shown} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{setting.shown}: must be at least {minimum}")
    return value


def _hf_pages(env: Mapping[str, str]) -> int | None:
    setting = _setting(env, "DAILYPAPERS_HF_PAGES", "", None)
    return None if setting is None else _whole_number(setting, 0, minimum=0)


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    return _whole_number(_setting(env, name, "", None), 1) if env.get(name) else None


def _max_cost(env: Mapping[str, str], flag: float | None) -> float | None:
    setting = _setting(env, "DAILYPAPERS_MAX_COST", "--max-cost", flag)
    return None if setting is None else _non_negative(setting)


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    setting = _setting(env, name, "", None)
    return default if setting is None else _non_negative(setting)


def _non_negative(setting: Setting) -> float:
    try:
        value = float(str(setting.raw))
    except ValueError:
        raise ConfigError(f"{setting.shown} is not a number") from None
    if not math.isfinite(value):
        raise ConfigError(f"{setting.shown} is not a finite number")
    if value < 0:
        raise ConfigError(f"{setting.shown}: must not be negative")
    return value
