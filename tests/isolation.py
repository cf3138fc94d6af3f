"""The environment every test starts in: nothing from the developer's shell that dailypapers,
the OpenAI SDK or the HTTP clients would read, and a cache, home and pacing of its own.

Variables are cleared by rule, not by list, so that a setting added to the code later cannot
leak in: every ``DAILYPAPERS_*`` but the few the test harness itself reads, every variable of
a service or channel the code talks to, every variable the code would treat as a secret (it
redacts their values from all output), and the proxy settings (the fakes are on 127.0.0.1).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from dailypapers.logs import SECRET_SUFFIXES

#: Read by the test harness, never by dailypapers: where the shared data and Chromium are,
#: whether the browser tests must run, where they leave screenshots. The shell's values stay.
HARNESS = frozenset(
    {
        "DAILYPAPERS_SHARED",
        "DAILYPAPERS_REQUIRE_BROWSER",
        "DAILYPAPERS_CHROMIUM",
        "DAILYPAPERS_ARTIFACTS",
    }
)
#: Whole families: dailypapers' own settings, the OpenAI SDK's (OPENAI_API_KEY, _BASE_URL,
#: _ORG_ID, _PROJECT_ID, _LOG, ...), and each channel's (token, chat, ``*_API_URL``, SMTP).
PREFIXES = ("DAILYPAPERS_", "OPENAI_", "SLACK_", "DISCORD_", "TELEGRAM_", "SMTP_", "EMAIL_")
#: Single variables the code reads outside those families. The providers' keys
#: (ANTHROPIC_API_KEY, GEMINI_API_KEY, DEEPSEEK_API_KEY, OPENROUTER_API_KEY) go as secrets.
SINGLES = frozenset(
    {
        "HF_ENDPOINT",
        "ARXIV_ENDPOINT",
        *(f"{proxy}_PROXY" for proxy in ("HTTP", "HTTPS", "ALL", "NO")),
        *(f"{proxy}_proxy" for proxy in ("http", "https", "all", "no")),
    }
)


def cleared(name: str) -> bool:
    """Whether a variable of the developer's shell must not reach a test."""
    if name in HARNESS:
        return False
    return name.startswith(PREFIXES) or name in SINGLES or name.upper().endswith(SECRET_SUFFIXES)


#: Where no server listens (the discard port of 127.0.0.1): a request there fails at once.
NOWHERE = "http://127.0.0.1:9"


def fixed_env(tmp_path: Path) -> dict[str, str]:
    """What each test gets instead: its own cache and home, quick retries, no arXiv pacing."""
    return {
        "DAILYPAPERS_CACHE_DIR": str(tmp_path / "cache"),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache"),
        "DAILYPAPERS_HTTP_BACKOFF": "0.01",
        "DAILYPAPERS_ARXIV_INTERVAL": "0",  # the fake arXiv needs no politeness
        "DAILYPAPERS_HF_PAGES": "0",  # nor the fake Hugging Face (tests/test_pacing.py sets it)
        # A test that forgets to point a service at its fake meets a closed port, never the
        # real Hugging Face or arXiv.
        "HF_ENDPOINT": NOWHERE,
        "ARXIV_ENDPOINT": NOWHERE,
    }


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Clear what ``cleared`` names, then set ``fixed_env``; monkeypatch undoes both."""
    for name in [name for name in os.environ if cleared(name)]:
        monkeypatch.delenv(name)
    for name, value in fixed_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    # A command run with --verbose in an earlier test leaves its loggers verbose in this
    # process (a real run is a process of its own): every test starts from the quiet levels.
    for name in ("dailypapers", "httpx", "httpx2", "openai"):
        logging.getLogger(name).setLevel(logging.WARNING)
