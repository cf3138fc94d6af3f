"""Configuration from flags and environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.config import build_config
from dailypapers.errors import ConfigError


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
        ({"DAILYPAPERS_TOKEN_BUDGET": "10"}, "too small"),
    ],
)
def test_bad_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=r".") as error:
        build_config(env)

    assert message in str(error.value)
