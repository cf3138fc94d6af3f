"""Configuration from flags and environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.config import build_config
from dailypapers.errors import ConfigError, UsageError


def test_defaults_without_an_llm() -> None:
    config = build_config({"HOME": "/home/u"})

    assert config.llm is None
    assert config.out_dir == Path(".")
    assert config.db_path == Path("dailypapers.db")
    assert config.cache_dir == Path("/home/u/.cache/dailypapers")
    assert config.hf_endpoint == "https://huggingface.co"
    assert config.arxiv_endpoint == "https://arxiv.org"
    assert config.token_budget == 16_000


def test_flags_win_over_the_environment() -> None:
    env = {"OPENAI_API_KEY": "sk-x", "DAILYPAPERS_MODEL": "env-model", "DAILYPAPERS_OUT": "e"}

    config = build_config(env, out=Path("flag"), model="flag-model", token_budget=900)

    assert config.llm is not None
    assert config.llm.model == "flag-model"
    assert config.out_dir == Path("flag")
    assert config.db_path == Path("flag/dailypapers.db")
    assert config.token_budget == 900


def test_the_key_never_shows_in_the_repr() -> None:
    config = build_config({"OPENAI_API_KEY": "sk-very-secret"})

    assert "sk-very-secret" not in repr(config)
    assert config.secrets == ("sk-very-secret",)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DAILYPAPERS_SUMMARIZER": "llm"}, "set OPENAI_API_KEY"),
        ({"DAILYPAPERS_SUMMARIZER": "gpt"}, "unknown summarizer 'gpt'"),
        ({"HF_ENDPOINT": "ftp://x"}, "HF_ENDPOINT='ftp://x' is not an http(s) URL"),
        ({"DAILYPAPERS_CONCURRENCY": "many"}, "is not a whole number"),
        ({"DAILYPAPERS_CONCURRENCY": "0"}, "must be at least 1"),
        ({"DAILYPAPERS_TOKEN_BUDGET": "10"}, "must be at least 500"),
        ({"DAILYPAPERS_HF_PAGES": "-5"}, "DAILYPAPERS_HF_PAGES='-5': must be at least 0"),
    ],
)
def test_bad_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=r".") as error:
        build_config(env)

    assert message in str(error.value)


@pytest.mark.parametrize(
    ("flags", "env", "message"),
    [
        ({"concurrency": 0}, {}, "--concurrency 0: must be at least 1"),
        ({}, {"DAILYPAPERS_CONCURRENCY": "0"}, "DAILYPAPERS_CONCURRENCY='0': must be at least 1"),
        ({"concurrency": 0}, {"DAILYPAPERS_CONCURRENCY": "3"}, "--concurrency 0: must be"),
        ({"token_budget": 0}, {}, "--token-budget 0: must be at least 500"),
        ({}, {"DAILYPAPERS_TOKEN_BUDGET": "499"}, "DAILYPAPERS_TOKEN_BUDGET='499': must be at"),
        ({"max_cost": -1.0}, {}, "--max-cost -1.0: must not be negative"),
        ({"max_cost": float("nan")}, {}, "--max-cost nan is not a finite number"),
        ({}, {"DAILYPAPERS_MAX_COST": "-0.5"}, "DAILYPAPERS_MAX_COST='-0.5': must not be"),
        ({}, {"DAILYPAPERS_HTTP_TIMEOUT": "inf"}, "DAILYPAPERS_HTTP_TIMEOUT='inf' is not a finite"),
        ({"lang": "xx"}, {}, "--lang xx: unknown language: choose one of ko, en, ja, zh"),
        ({}, {"DAILYPAPERS_LANG": "kr"}, "DAILYPAPERS_LANG='kr': unknown language"),
        ({"provider": "nope"}, {}, "--provider: unknown provider 'nope'"),
        ({}, {"DAILYPAPERS_PROVIDER": "nope"}, "DAILYPAPERS_PROVIDER: unknown provider 'nope'"),
        ({}, {"DAILYPAPERS_SUMMARIZER": "gpt"}, "DAILYPAPERS_SUMMARIZER: unknown summarizer"),
    ],
)
def test_a_bad_value_names_the_flag_or_the_variable_that_gave_it(
    flags: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError) as error:
        build_config({"OPENAI_API_KEY": "sk-x", **env}, **flags)  # type: ignore[arg-type]

    assert message in str(error.value)
    assert error.value.exit_code == 2


def test_hugging_faces_allowance_can_be_told_or_turned_off() -> None:
    assert build_config({}).hf_pages is None
    assert build_config({"DAILYPAPERS_HF_PAGES": "1000"}).hf_pages == 1000
    assert build_config({"DAILYPAPERS_HF_PAGES": "0"}).hf_pages == 0


def test_max_cost_zero_is_allowed() -> None:
    assert build_config({}, max_cost=0.0).max_cost == 0.0


@pytest.mark.parametrize(
    ("flags", "env", "named"),
    [
        ({"lang": "ko"}, {}, "--lang ko needs an LLM"),
        ({}, {"DAILYPAPERS_LANG": "ja"}, "DAILYPAPERS_LANG='ja' needs an LLM"),
        ({"lang": "zh"}, {"DAILYPAPERS_SUMMARIZER": "auto"}, "--lang zh needs an LLM"),
    ],
)
def test_a_language_other_than_english_without_an_llm_is_refused(
    flags: dict[str, str], env: dict[str, str], named: str
) -> None:
    """Extractive summaries are the paper's English sentences: asking for Korean without an
    LLM would silently give English, so it is refused, saying how to configure an LLM."""
    with pytest.raises(UsageError) as error:
        build_config(env, **flags)  # type: ignore[arg-type]

    message = str(error.value)
    assert named in message
    assert "set OPENAI_API_KEY" in message
    assert "choose --provider (see `dailypapers providers`)" in message


def test_an_explicit_extractive_summarizer_with_a_language_is_refused() -> None:
    with pytest.raises(UsageError, match="--lang ko does not go with --summarizer extractive"):
        build_config({"OPENAI_API_KEY": "sk-x"}, summarizer="extractive", lang="ko")


@pytest.mark.parametrize(
    ("flags", "env"),
    [
        ({}, {}),  # the default language is not a request: extractive, and the report says so
        ({"lang": "en"}, {}),
        ({}, {"DAILYPAPERS_LANG": "en", "DAILYPAPERS_SUMMARIZER": "extractive"}),
        ({"offline": True}, {"DAILYPAPERS_LANG": "ko"}),  # render, status, ... summarize nothing
    ],
)
def test_english_or_the_default_language_works_without_an_llm(
    flags: dict[str, object], env: dict[str, str]
) -> None:
    assert build_config(env, **flags).llm is None  # type: ignore[arg-type]


def test_the_language_flag_reaches_the_llm_settings() -> None:
    config = build_config({"OPENAI_API_KEY": "sk-x", "DAILYPAPERS_LANG": "ja"}, lang="zh")

    assert config.llm is not None
    assert config.llm.lang == "zh"
