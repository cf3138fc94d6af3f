"""The command line itself: help for every command, documented in the README."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from dailypapers.cli import app
from dailypapers.config import DEFAULT_CONCURRENCY
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


def test_the_run_help_gives_the_concurrency_cap_and_its_default() -> None:
    result = invoke("run", "--help")

    help_text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())
    assert result.exit_code == 0
    assert "The most LLM calls in flight" in help_text
    assert f"Default: $DAILYPAPERS_CONCURRENCY or {DEFAULT_CONCURRENCY}." in help_text


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


NO_NETWORK = {"HF_ENDPOINT": "http://127.0.0.1:9", "ARXIV_ENDPOINT": "http://127.0.0.1:9"}


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["run", "--concurrency", "0"], {}, "error: --concurrency 0: must be at least 1"),
        (["run"], {"DAILYPAPERS_CONCURRENCY": "0"}, "DAILYPAPERS_CONCURRENCY='0': must be"),
        (["run", "--max-cost", "-1"], {}, "error: --max-cost -1.0: must not be negative"),
        (["run", "--token-budget", "0"], {}, "error: --token-budget 0: must be at least 500"),
        (["run", "--lang", "ko"], {}, "error: --lang ko needs an LLM"),
        (["run", "--lang", "xx"], {}, "error: --lang xx: unknown language"),
        (["run", "--provider", "nope"], {}, "error: --provider: unknown provider 'nope'"),
        (["run", "--top", "5"], {}, "error: --top needs --week"),
        (["run", "--top", "0", "--week", "2024-W49"], {}, "Invalid value for '--top'"),
        (["run", "--week", "2024-W99"], {}, "error: invalid week '2024-W99'"),
        (["run", "--date", "2024-13-01"], {}, "error: invalid date '2024-13-01'"),
        (["run", "--since", "2024-12-06", "--until", "2024-12-01"], {}, "is after --until"),
        (["run", "--batch", "--date", "2024-12-06"], {}, "error: --batch needs an LLM"),
        (["render", "--date", "bad"], {}, "error: invalid date 'bad'"),
        (["render", "--all", "--date", "2024-12-06"], {}, "error: give either --date or --all"),
        (["import-logs", "no-such-folder"], {}, "error: no-such-folder is not a folder"),
        (["status", "--date", "x"], {}, "error: invalid date 'x'"),
        (["stats", "--since", "x"], {}, "error: invalid date 'x'"),
        (["doctor", "--since", "x"], {}, "error: invalid date 'x'"),
        (["publish"], {}, "error: choose where to publish"),
        (["publish", "--slack", "--date", "x"], {}, "error: invalid date 'x'"),
        (["publish", "--slack", "--date", "2024-12-06", "--week", "2024-W49"], {}, "not both"),
        (["site", "build", "site", "--base-url", "example.com"], {}, "--base-url 'example.com'"),
        (["site", "build", "site"], {"DAILYPAPERS_SITE_URL": "ftp://x"}, "DAILYPAPERS_SITE_URL"),
        (["check"], {}, "error: give digest files or folders, or --db FILE"),
    ],
)
def test_usage_errors_exit_2_and_name_what_was_wrong(
    args: list[str], env: dict[str, str], message: str
) -> None:
    """Like click's own usage errors: nothing ran, fix the command line or the environment."""
    result = invoke(*args, env={**NO_NETWORK, **env})

    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


def test_a_flag_is_blamed_not_the_variable_it_overrides() -> None:
    result = invoke("run", "--concurrency", "0", env={"DAILYPAPERS_CONCURRENCY": "3"})

    assert result.exit_code == 2
    assert "DAILYPAPERS_CONCURRENCY" not in result.output


def test_a_failure_while_working_exits_1() -> None:
    result = invoke("status", "--date", "2024-12-06", "--db", "missing.db")

    assert result.exit_code == 1
    assert "error: no database at missing.db" in result.output
