"""Fixtures: fake servers, and an environment that keeps every test inside its tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import World
from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI

CLEARED = (
    "SLACK_BOT_TOKEN",
    "SLACK_CHANNEL",
    "SLACK_API_URL",
    "DISCORD_BOT_TOKEN",
    "DISCORD_CHANNEL_ID",
    "DISCORD_API_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_CHAT_ID",
    "TELEGRAM_API_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_SECURITY",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "EMAIL_FROM",
    "EMAIL_TO",
    "DAILYPAPERS_SITE_URL",
    "HF_ENDPOINT",
    "ARXIV_ENDPOINT",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "DAILYPAPERS_MODEL",
    "DAILYPAPERS_DB",
    "DAILYPAPERS_OUT",
    "DAILYPAPERS_TOKEN_BUDGET",
    "DAILYPAPERS_CONCURRENCY",
    "DAILYPAPERS_SUMMARIZER",
    "DAILYPAPERS_RESPONSE_FORMAT",
    "DAILYPAPERS_LLM_TIMEOUT",
    "DAILYPAPERS_HTTP_TIMEOUT",
    "DAILYPAPERS_LLM_RPM",
    "DAILYPAPERS_LLM_TPM",
    "DAILYPAPERS_ARXIV_INTERVAL",
    "DAILYPAPERS_PDF_TIMEOUT",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAILYPAPERS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    monkeypatch.setenv("DAILYPAPERS_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("DAILYPAPERS_ARXIV_INTERVAL", "0")  # the fake arXiv needs no politeness
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def fake_hf() -> Iterator[FakeHF]:
    with FakeHF() as server:
        yield server


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    with FakeArxiv() as server:
        yield server


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def world(fake_hf: FakeHF, fake_arxiv: FakeArxiv, fake_openai: FakeOpenAI, tmp_path: Path) -> World:
    """All three fakes and an output folder, for driving the CLI end to end."""
    return World(fake_hf, fake_arxiv, fake_openai, tmp_path / "out")
