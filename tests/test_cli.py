"""The command line itself: help for every command, documented in the README."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from dailypapers.cli import app
from tests.e2e import invoke
from tests.shared_data import REPO_ROOT

COMMANDS = sorted(
    command.name or (command.callback.__name__ if command.callback else "")
    for command in app.registered_commands
)


def test_the_commands_are_the_ones_we_document() -> None:
    assert COMMANDS == [
        "check",
        "doctor",
        "import-logs",
        "providers",
        "publish",
        "render",
        "run",
        "stats",
        "status",
        "workflow",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = invoke(command, "--help")

    assert result.exit_code == 0
    assert "--out" in result.output or command in ("check", "providers")  # they write nothing
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"dailypapers {command}" in readme


def test_the_site_commands_have_help_and_are_in_the_readme() -> None:
    groups = sorted(group.name or "" for group in app.registered_groups)
    result = invoke("site", "build", "--help")

    assert groups == ["site"]
    assert result.exit_code == 0
    assert "--base-url" in result.output
    assert "dailypapers site build" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_installed_command_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dailypapers", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0
    assert result.stdout.startswith("dailypapers ")


def test_every_environment_variable_is_documented() -> None:
    source = "".join(p.read_text() for p in (REPO_ROOT / "src" / "dailypapers").glob("*.py"))
    names = set(re.findall(r"\"((?:DAILYPAPERS|OPENAI|HF|ARXIV)_[A-Z_]+)\"", source))
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert names, "no environment variables found"
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
