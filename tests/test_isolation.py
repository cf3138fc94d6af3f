"""No setting from the developer's shell reaches a test: every environment variable the code
reads is cleared (or set to the suite's own value) by the autouse fixture in conftest.py.

The names come from the source itself, so a variable added to the code is checked the day it
is added; a shell that sets them all is simulated, so the test fails if the fixture is ever
narrowed to a list that misses one, whatever the shell running the suite has set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.isolation import HARNESS, fixed_env

SOURCE = Path(__file__).resolve().parent.parent / "src" / "dailypapers"
#: What the shell says, for every variable, in the simulated developer's shell.
SHELL = "from-the-developers-shell"


def python_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SOURCE.rglob("*.py")))


def own_variables() -> set[str]:
    """Every ``DAILYPAPERS_*`` name anywhere in the package (code, templates, workflow)."""
    found: set[str] = set()
    for path in SOURCE.rglob("*"):
        if path.is_file() and path.suffix != ".pyc":
            text = path.read_text(encoding="utf-8", errors="replace")
            found |= set(re.findall(r"\bDAILYPAPERS_[A-Z0-9_]+", text))
    return found - HARNESS


def other_variables() -> set[str]:
    """The other names the code reads: quoted ``NAME_LIKE_THIS`` strings that are no constant
    of its own (``"EXTRACTIVE_MODEL"`` in an ``__all__``), and ``<CHANNEL>_API_URL`` of each
    channel that reads one."""
    source = python_source()
    quoted = set(re.findall(r"[\"']([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[\"']", source))
    constants = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*[:=]", source, re.MULTILINE))
    channels = re.findall(r"read_api_url\(\s*env,\s*\"(\w+)\"", source)
    return (quoted - constants) | {f"{channel.upper()}_API_URL" for channel in channels}


def test_the_source_is_read() -> None:
    """The scans find what we know is there, so an empty scan cannot pass by itself."""
    assert {"DAILYPAPERS_MODEL", "DAILYPAPERS_PROVIDER", "DAILYPAPERS_LANG"} <= own_variables()
    assert {
        "OPENAI_API_KEY",
        "HF_ENDPOINT",
        "ANTHROPIC_API_KEY",
        "SLACK_BOT_TOKEN",
        "TELEGRAM_API_URL",
        "SMTP_PASSWORD",
        "XDG_CACHE_HOME",
    } <= other_variables()
    assert "EXTRACTIVE_MODEL" not in other_variables()


@pytest.fixture(scope="module")
def shell() -> Iterator[None]:
    """A developer's shell that sets every variable the code reads, and the harness's own.

    Module-scoped, so it is set up before the autouse fixture of each test, as a shell is."""
    with pytest.MonkeyPatch.context() as patch:
        for name in own_variables() | other_variables() | HARNESS:
            patch.setenv(name, SHELL)
        yield


@pytest.mark.parametrize("names", [own_variables, other_variables], ids=["own", "others"])
def test_no_variable_the_code_reads_reaches_a_test_from_the_shell(
    shell: None, tmp_path: Path, names: Callable[[], set[str]]
) -> None:
    variables = names()

    seen = {name: os.environ[name] for name in sorted(variables) if name in os.environ}

    assert seen == {name: value for name, value in fixed_env(tmp_path).items() if name in variables}


def test_the_harness_settings_stay(shell: None) -> None:
    assert {name: os.environ.get(name) for name in HARNESS} == dict.fromkeys(HARNESS, SHELL)
