"""LLM presets: chosen by name, each with its key variable, driven against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dailypapers.config import build_config
from dailypapers.errors import ConfigError
from dailypapers.summarize.providers import PROVIDERS
from tests.e2e import World, invoke

DATE = "2024-12-06"


def test_every_preset_names_its_url_model_and_key() -> None:
    assert set(PROVIDERS) == {
        "openai", "anthropic", "google", "deepseek", "openrouter", "ollama", "vllm", "llamacpp"
    }  # fmt: skip
    for preset in PROVIDERS.values():
        assert preset.base_url.startswith(("https://", "http://localhost"))
        assert preset.default_model
        assert (preset.key_variable is None) == preset.base_url.startswith("http://localhost")


def test_a_preset_gives_url_key_model_and_response_format(tmp_path: Path) -> None:
    env = {"DEEPSEEK_API_KEY": "sk-deep-123456"}

    llm = build_config(env, out=tmp_path, provider="deepseek").llm

    assert llm is not None
    assert (llm.base_url, llm.model, llm.response_format) == (
        "https://api.deepseek.com/v1",
        "deepseek-chat",
        "json_object",
    )
    assert llm.api_key == "sk-deep-123456"


def test_an_unknown_provider_lists_the_valid_names(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown provider 'gpt': choose one of openai, "):
        build_config({}, out=tmp_path, provider="gpt")


def test_a_missing_key_names_the_variable_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="provider anthropic needs an API key: set ANTHROPIC_API"):
        build_config({}, out=tmp_path, provider="anthropic")


def test_a_local_server_needs_no_key_and_its_url_can_move(tmp_path: Path) -> None:
    env = {"DAILYPAPERS_PROVIDER": "ollama", "DAILYPAPERS_BASE_URL": "http://gpu-box:11434/v1"}

    llm = build_config(env, out=tmp_path).llm

    assert llm is not None
    assert llm.base_url == "http://gpu-box:11434/v1"
    assert llm.api_key is None
    assert llm.model == "qwen2.5:14b"


def test_the_providers_command_shows_which_are_configured() -> None:
    result = invoke("providers", env={"GEMINI_API_KEY": "g-key-123456", "COLUMNS": "200"})

    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert result.exit_code == 0
    assert "yes" in rows["google"]
    assert "no" in rows["anthropic"]
    assert "(none: local)" in rows["ollama"]
    assert "g-key-123456" not in result.output


def test_a_run_through_a_preset_uses_its_key_and_format(world: World) -> None:
    world.add_day(DATE, 2)
    env = world.env(llm=False) | {
        "DEEPSEEK_API_KEY": "sk-deepseek-abcdef",
        "DAILYPAPERS_BASE_URL": world.openai.url + "/v1",
    }

    result = world.run("--date", DATE, "--provider", "deepseek", env=env)

    assert result.exit_code == 0, result.output
    request = world.openai.requests[-1]
    assert request.headers["authorization"] == "Bearer sk-deepseek-abcdef"
    sent = json.loads(request.body)
    assert sent["model"] == "deepseek-chat"
    assert sent["response_format"] == {"type": "json_object"}
    assert "summarizer deepseek-chat" in result.output
