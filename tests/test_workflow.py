"""The GitHub Actions workflow template and `dailypapers workflow`.

The template is read as GitHub reads it (YAML), its `dailypapers` command lines are checked
against the real CLI, and its shell steps are run in order, as a runner would, against the
fake Hugging Face, arXiv, OpenAI and Slack servers and a local bare repository as `origin`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from dailypapers import __version__
from dailypapers.cli import app
from dailypapers.cli.workflow import VERSION_MARK, workflow_template
from tests.e2e import World, invoke, one_line
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack

TEMPLATE = workflow_template()
WORKFLOW: dict[Any, Any] = yaml.safe_load(TEMPLATE)
JOB = WORKFLOW["jobs"]["digest"]
STEPS: list[dict[str, Any]] = JOB["steps"]
SCRIPTS = {step["name"]: step["run"] for step in STEPS if "run" in step}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMMAND_START = {"then", "do", "else", "&&", "||", ";", "!", "if", "{", "("}
COMMAND_END = {"||", "&&", ";", "|", "}", ")"}
DB_BRANCH = JOB["env"]["DB_BRANCH"]
GITHUB_TOKEN = "ghs_a_token_only_the_git_steps_get"


def triggers() -> dict[str, Any]:
    """The `on:` mapping (YAML 1.1 reads the bare key `on` as True)."""
    on: dict[str, Any] = WORKFLOW["on"] if "on" in WORKFLOW else WORKFLOW[True]
    return on


def expressions(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Every `${{ ... }}` in the workflow, with the path of the value holding it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from expressions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from expressions(value, f"{where}[{index}]")
    elif isinstance(node, str):
        for match in EXPRESSION.finditer(node):
            yield where, match[1]


def dailypapers_calls(script: str) -> list[list[str]]:
    """The arguments of every `dailypapers` command in a script, `"${flags[@]}"` expanded to
    every flag the script may add."""
    flags = re.findall(r"flags\+=\((--[a-z-]+)\)", script)
    calls = []
    for line in script.splitlines():
        words = shlex.split(line, comments=True)
        for index, word in enumerate(words):
            if word == "dailypapers" and (index == 0 or words[index - 1] in COMMAND_START):
                args: list[str] = []
                for arg in words[index + 1 :]:
                    if arg in COMMAND_END:
                        break
                    args.extend(flags if arg == "${flags[@]}" else [arg])
                calls.append(args)
    return calls


def check_call(args: list[str]) -> tuple[str, ...]:
    """Fail unless ``args`` name a real (sub)command with real options and arguments;
    returns the command's path."""
    command = typer.main.get_command(app)
    path: list[str] = []
    rest = list(args)
    while rest and rest[0] in getattr(command, "commands", {}):
        path.append(rest.pop(0))
        command = command.commands[path[-1]]  # type: ignore[attr-defined]
    options = {
        name: param
        for param in command.params
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }
    positional = []
    while rest:
        arg = rest.pop(0)
        if arg.startswith("-"):
            assert arg in options, f"dailypapers {' '.join(args)}: no option {arg}"
            if not options[arg].is_flag:  # type: ignore[attr-defined]
                assert rest, f"{arg} needs a value in {args}"
                assert not rest[0].startswith("-"), f"{arg} needs a value in {args}"
                rest.pop(0)
        else:
            positional.append(arg)
    wanted = sum(p.nargs for p in command.params if p.param_type_name == "argument")
    assert len(positional) == wanted, f"dailypapers {' '.join(args)}: arguments {positional}"
    return tuple(path)


# The template ------------------------------------------------------------------------------


def test_it_runs_on_a_daily_cron_and_by_hand_with_an_optional_date() -> None:
    crons = [entry["cron"] for entry in triggers()["schedule"]]
    date_input = triggers()["workflow_dispatch"]["inputs"]["date"]

    assert crons, "no schedule"
    for cron in crons:
        minute, hour, *every = cron.split()
        assert every == ["*", "*", "*"], cron
        assert 0 <= int(minute) < 60, cron
        assert 0 <= int(hour) < 24, cron
    assert "30 23 * * *" in crons  # after the day's list has settled
    assert date_input["required"] is False
    assert date_input["default"] == ""


def test_two_runs_never_overlap_and_it_may_only_push() -> None:
    assert WORKFLOW["concurrency"] == {"group": "dailypapers", "cancel-in-progress": False}
    assert WORKFLOW["permissions"] == {"contents": "write"}
    assert WORKFLOW["defaults"] == {"run": {"shell": "bash"}}


def test_it_sets_up_python_3_11_and_installs_nothing_that_does_not_exist() -> None:
    """dailypapers is not on PyPI: no `dailypapers==VERSION` default; the file says what to
    set, with examples naming the version that made it."""
    setup = next(s for s in STEPS if s.get("uses", "").startswith("actions/setup-python@"))
    install = next(s for s in STEPS if s.get("name") == "Install dailypapers")

    assert setup["with"] == {"python-version": "3.11"}
    assert VERSION_MARK not in TEMPLATE
    assert "dailypapers==" not in TEMPLATE
    assert install["env"] == {"DAILYPAPERS_PIP_SPEC": "${{ vars.DAILYPAPERS_PIP_SPEC }}"}
    assert "# Required variable: DAILYPAPERS_PIP_SPEC" in TEMPLATE
    assert f"git+https://github.com/OWNER/dailypapers@v{__version__}" in TEMPLATE
    assert "./tools/dailypapers" in TEMPLATE


def run_install_step(tmp_path: Path, spec: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """The install step's script, with `python` and `dailypapers` on PATH replaced by stand-ins
    that record their arguments (the real pip would need the network)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    for name in ("python", "dailypapers"):
        stand_in = bin_dir / name
        stand_in.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n', encoding="utf-8")
        stand_in.chmod(0o755)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", SCRIPTS["Install dailypapers"]],
        env={"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "DAILYPAPERS_PIP_SPEC": spec},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done, calls.read_text(encoding="utf-8") if calls.exists() else ""


def test_without_a_pip_spec_the_install_step_fails_saying_what_to_set(tmp_path: Path) -> None:
    done, calls = run_install_step(tmp_path, "")

    assert done.returncode == 1
    assert "::error::set the repository variable DAILYPAPERS_PIP_SPEC" in done.stdout
    assert "not on PyPI" in done.stdout
    assert calls == ""  # pip was not asked for a package that does not exist


def test_the_install_step_installs_the_pip_spec(tmp_path: Path) -> None:
    spec = "git+https://example.org/dailypapers@v0.1.0"

    done, calls = run_install_step(tmp_path, spec)

    assert done.returncode == 0, done.stdout + done.stderr
    assert calls.splitlines() == [
        f"python -m pip install --disable-pip-version-check {spec}",
        "dailypapers --version",
    ]


def test_every_dailypapers_command_line_exists_in_our_cli() -> None:
    calls = [call for script in SCRIPTS.values() for call in dailypapers_calls(script)]
    commands = {check_call(call) for call in calls}
    used = {arg for call in calls for arg in call if arg.startswith("--")}

    assert commands == {(), ("run",), ("site", "build"), ("publish",)}
    assert {"--since", "--until", "--date", "--slack", "--discord", "--telegram"} <= used
    assert "--email" in used


def test_secrets_reach_steps_only_through_env_and_no_script_holds_an_expression() -> None:
    found = list(expressions(WORKFLOW))
    secret = [(where, expr) for where, expr in found if "secrets" in expr]

    assert secret, "the template reads no secret"
    for where, expr in secret:
        assert re.fullmatch(r"secrets\.[A-Z_]+", expr), expr
        assert re.fullmatch(r"\.jobs\.digest\.steps\[\d+\]\.env\.[A-Z_]+", where), where
    for where, expr in found:
        assert not where.endswith(".run"), f"{where} pastes {expr} into a script"
        assert re.fullmatch(
            r"(secrets|vars|inputs|steps\.[a-z]+\.outputs)\.\w+|github\.token", expr
        ), expr


def test_actions_are_pinned_by_commit_with_their_release_named() -> None:
    uses = [line.strip() for line in TEMPLATE.splitlines() if line.strip().startswith("- uses:")]

    assert len(uses) == 2
    for line in uses:
        assert re.fullmatch(r"- uses: actions/[a-z-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+", line), line


def test_only_the_steps_that_talk_to_origin_hold_the_token() -> None:
    checkout = next(step for step in STEPS if step.get("uses", "").startswith("actions/checkout"))
    holders = [step["name"] for step in STEPS if "GITHUB_TOKEN" in step.get("env", {})]
    talks = [
        name for name, script in SCRIPTS.items() if re.search(r"\b(push|fetch|ls-remote)\b", script)
    ]

    assert checkout["with"]["persist-credentials"] is False
    assert (
        holders
        == talks
        == ["Restore the database", "Commit the digests and the site", "Save the database"]
    )
    for name, script in SCRIPTS.items():
        if dailypapers_calls(script):
            assert name not in holders, f"{name} runs dailypapers on outside input with the token"
        for line in script.splitlines():
            assert not re.match(r"\s*git (push|pull|fetch|ls-remote)\b", line), (name, line)


def test_no_script_prints_a_secret() -> None:
    for step in STEPS:
        names = [name for name, value in step.get("env", {}).items() if "secrets." in value]
        for line in step.get("run", "").splitlines():
            assert "set -x" not in line
            assert "set -o xtrace" not in line
            if re.search(r"\b(echo|printf)\b", line):
                assert not [name for name in names if name in line], line
        words = shlex.split(step.get("run", ""), comments=True)
        assert "env" not in words
        assert "printenv" not in words


def test_a_failed_run_or_publish_is_recorded_and_fails_the_job_only_after_saving() -> None:
    names = [step.get("name", step.get("uses")) for step in STEPS]
    save, last = names.index("Save the database"), names[-1]

    run = [
        line
        for line in SCRIPTS["Summarize the days not done yet"].splitlines()
        if "dailypapers run" in line
    ]
    publish = [line for line in SCRIPTS["Publish"].splitlines() if "dailypapers publish" in line]
    assert len(run) == 2  # --date and --since
    assert publish
    assert all(line.rstrip().endswith("|| status=$?") for line in run + publish)
    assert STEPS[save]["if"] == "always()"
    assert last == "Fail if a paper, a day or a message failed"
    assert save == len(names) - 2
    assert {step.get("if") for step in STEPS} == {None, "always()"}


def test_no_script_ignores_a_failure() -> None:
    """Besides the status captures, `||` only joins two tests or retries a rejected push."""
    allowed = ("status=$?", "found=$?", "[ ", "{ origin pull --quiet --rebase ")
    ors = 0
    for name, script in SCRIPTS.items():
        for line in script.splitlines():
            for after in line.split("||")[1:]:
                ors += 1
                assert after.lstrip().startswith(allowed), f"{name}: {line}"
            assert not re.search(r"set \+e|\+o (errexit|pipefail)", line), f"{name}: {line}"
    assert ors == 7


# `dailypapers workflow` ---------------------------------------------------------------------


def test_the_command_prints_the_template() -> None:
    result = invoke("workflow")

    assert result.exit_code == 0
    assert result.output == TEMPLATE


def test_out_writes_a_repository_folders_workflow_or_a_named_file(tmp_path: Path) -> None:
    into_repo = invoke("workflow", "--out", str(tmp_path / "repo"))
    named = invoke("workflow", "-o", str(tmp_path / "ci.yaml"))

    assert into_repo.exit_code == 0
    assert named.exit_code == 0
    written = tmp_path / "repo" / ".github" / "workflows" / "dailypapers.yml"
    assert written.read_text(encoding="utf-8") == TEMPLATE
    assert (tmp_path / "ci.yaml").read_text(encoding="utf-8") == TEMPLATE
    assert f"wrote {written}" in into_repo.output


def test_an_existing_different_file_is_kept_unless_force(tmp_path: Path) -> None:
    path = tmp_path / ".github" / "workflows" / "dailypapers.yml"
    path.parent.mkdir(parents=True)
    path.write_text("name: mine\n", encoding="utf-8")

    refused = invoke("workflow", "--out", str(tmp_path))
    kept = path.read_text(encoding="utf-8")
    forced = invoke("workflow", "--out", str(tmp_path), "--force")
    again = invoke("workflow", "--out", str(tmp_path))

    assert refused.exit_code == 1
    assert f"error: {path} exists and differs from the template" in refused.output
    assert "--force" in refused.output
    assert kept == "name: mine\n"
    assert forced.exit_code == 0
    assert path.read_text(encoding="utf-8") == TEMPLATE
    assert again.exit_code == 0
    assert "is up to date" in again.output
    assert [p.name for p in path.parent.iterdir()] == ["dailypapers.yml"]  # no temporary left


def test_a_workflow_that_cannot_be_written_is_one_error_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")

    result = invoke("workflow", "--out", str(blocker / "dailypapers.yml"))

    assert result.exit_code == 1
    assert f"error: cannot create folder {blocker}: File exists" in one_line(result.output)


def test_the_message_after_writing_names_the_required_variable(tmp_path: Path) -> None:
    result = invoke("workflow", "--out", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert "DAILYPAPERS_PIP_SPEC is required" in one_line(result.output)


# A dry run of the job ------------------------------------------------------------------------

SKIPPED = "Install dailypapers"  # the tests run the checkout's dailypapers: no network


@dataclass
class Runner:
    """Runs the job's shell steps in order the way GitHub Actions does, in ``workspace``."""

    workspace: Path
    temp: Path
    env: dict[str, str]
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    job_env: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def value(self, expression: str) -> str:
        context, _, name = expression.partition(".")
        if expression == "github.token":
            return GITHUB_TOKEN
        if context == "steps":
            step, _, output = name.partition(".outputs.")
            return self.outputs.get(step, {}).get(output, "")
        sources = {"secrets": self.secrets, "vars": self.variables, "inputs": self.inputs}
        return sources[context].get(name, "")  # unset ones are empty on GitHub too

    def expand(self, value: object) -> str:
        return EXPRESSION.sub(lambda match: self.value(match[1]), str(value))

    def run_job(self, only: str | None = None) -> None:
        """Run every shell step (or just the one named ``only``)."""
        job_env = {name: self.expand(value) for name, value in JOB["env"].items()}
        job_env |= self.job_env
        for step in STEPS:
            if "run" not in step or step["name"] == SKIPPED:
                continue
            if only is not None and step["name"] != only:
                continue
            if self.failed and step.get("if") != "always()":
                continue
            step_env = {name: self.expand(value) for name, value in step.get("env", {}).items()}
            self._run_step(step, job_env | step_env)

    def _run_step(self, step: dict[str, Any], env: dict[str, str]) -> None:
        self.temp.mkdir(exist_ok=True)
        script, output = self.temp / "step.sh", self.temp / "output"
        script.write_text(step["run"], encoding="utf-8")
        output.write_text("", encoding="utf-8")
        env = self.env | env | {"GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(self.temp)}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.logs[step["name"]] = done.stdout + done.stderr
        if done.returncode != 0:
            self.failed.append(step["name"])
        if "id" in step:
            lines = output.read_text(encoding="utf-8").splitlines()
            self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines)


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository holding one commit: the workflow, as `dailypapers workflow` wrote it."""
    bare, seed = tmp_path / "origin.git", tmp_path / "seed"
    git("init", "--quiet", "--bare", "--initial-branch", "main", str(bare))
    git("init", "--quiet", "--initial-branch", "main", str(seed))
    assert invoke("workflow", "--out", str(seed)).exit_code == 0
    git("add", ".", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "ci", cwd=seed)
    git("push", "--quiet", f"file://{bare}", "main", cwd=seed)
    return bare


def runner(world: World, origin: Path, slack: FakeSlack, name: str) -> Runner:
    """A fresh runner: a shallow clone of origin, the fakes' addresses, an LLM key and Slack."""
    workspace, temp = world.out.parent / name, world.out.parent / f"{name}-temp"
    git("clone", "--quiet", "--depth", "1", f"file://{origin}", str(workspace))
    temp.mkdir()
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "dailypapers").is_file(), "dailypapers is not installed beside python"
    env = dict(os.environ) | world.env(llm=False)
    env |= {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "TMPDIR": str(temp),
        "SLACK_API_URL": slack.api_url,
    }
    return Runner(
        workspace,
        temp,
        env,
        secrets={"OPENAI_API_KEY": "sk-test-key", "SLACK_BOT_TOKEN": TOKEN},
        variables={"OPENAI_BASE_URL": world.openai.url + "/v1", "SLACK_CHANNEL": CHANNEL},
        job_env={"BACKFILL_DAYS": "3"},
    )


def origin_files(origin: Path, ref: str) -> list[str]:
    return git("--git-dir", str(origin), "ls-tree", "-r", "--name-only", ref).split()


def digest_file(date: str) -> str:
    return "paper_logs/" + date.replace("-", "/") + ".md"


def ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def test_the_scheduled_job_backfills_commits_publishes_and_keeps_the_database(
    world: World, origin: Path, slack: FakeSlack
) -> None:
    busy = [ago(3), ago(1)]  # ago(2) and, in the evening, today have no papers
    world.add_day(busy[0], 2, day=11)
    world.add_day(busy[1], 2, day=12)

    first = runner(world, origin, slack, "first")
    first.run_job()

    assert first.failed == [], first.logs
    assert first.outputs["days"]["first"] == ago(3)
    assert first.outputs["days"]["last"] in (ago(1), ago(0))
    assert first.outputs["run"] == {"status": "0"}
    assert first.outputs["publish"] == {"status": "0"}
    assert "no dailypapers-database branch yet" in first.logs["Restore the database"]
    files = origin_files(origin, "main")
    assert {digest_file(d) for d in busy} <= set(files)
    assert digest_file(ago(2)) not in files
    assert {"README.md", "docs/index.html", "docs/.nojekyll", "docs/feed.xml"} <= set(files)
    assert not [name for name in files if name.startswith("dailypapers.db")]
    assert origin_files(origin, DB_BRANCH) == ["dailypapers.db.gz.000"]
    assert len(slack.top_level()) == 2  # one header per digest
    assert world.openai.calls == 4
    kept = [p for p in first.workspace.rglob("*") if p.is_file() and ".git" in p.parts]
    assert not [p for p in kept if GITHUB_TOKEN.encode() in p.read_bytes()]  # never persisted

    head, posts = git("--git-dir", str(origin), "rev-parse", "main"), slack.posts()
    again = runner(world, origin, slack, "again")
    again.run_job()

    assert again.failed == [], again.logs
    assert "restored the database" in again.logs["Restore the database"]
    assert again.outputs["run"] == {"status": "0"}
    assert "already complete" in again.logs["Summarize the days not done yet"]
    assert "no digest or page changed" in again.logs["Commit the digests and the site"]
    assert git("--git-dir", str(origin), "rev-parse", "main") == head
    assert slack.posts() == posts  # the deliveries came back with the database
    assert world.openai.calls == 4


def test_a_manual_run_of_a_day_without_papers_succeeds_and_writes_no_digest(
    world: World, origin: Path, slack: FakeSlack
) -> None:
    quiet = ago(2)

    job = runner(world, origin, slack, "manual")
    job.inputs = {"date": quiet}
    job.run_job()

    assert job.failed == [], job.logs
    assert job.outputs["days"] == {"first": quiet, "last": quiet}
    assert job.outputs["run"] == {"status": "0"}
    assert "0 listed" in job.logs["Summarize the days not done yet"]
    assert "site: 0 days" in job.logs["Build the web site"]
    assert f"nothing to publish for {quiet}" in job.logs["Publish"]
    files = origin_files(origin, "main")
    assert "docs/index.html" in files  # an empty site, ready for the first digest
    assert [name for name in files if name.startswith(("paper_logs/", "README"))] == []
    assert origin_files(origin, DB_BRANCH) == ["dailypapers.db.gz.000"]
    assert slack.posts() == 0
    assert world.openai.calls == 0


def test_a_failed_day_fails_the_job_after_committing_and_saving(
    world: World, origin: Path, slack: FakeSlack
) -> None:
    world.add_day(ago(1), 1, day=13)
    world.hf.set_raw(ago(2), b"<html>busy</html>")

    job = runner(world, origin, slack, "failing")
    job.run_job()

    assert job.failed == ["Fail if a paper, a day or a message failed"], job.logs
    assert job.outputs["run"] == {"status": "1"}
    assert digest_file(ago(1)) in origin_files(origin, "main")
    assert origin_files(origin, DB_BRANCH) == ["dailypapers.db.gz.000"]
    assert "the next run retries what failed" in job.logs[job.failed[0]]


@pytest.mark.parametrize(
    ("settled_hour", "inputs", "days"),
    [
        ("0", {}, (3, 0)),  # from the settled hour on, today is included
        ("24", {}, (3, 1)),  # before it, the window ends yesterday
        ("0", {"date": "2024-12-06"}, ("2024-12-06", "2024-12-06")),
    ],
)
def test_the_days_are_the_last_backfill_days_up_to_today_once_settled(
    tmp_path: Path, settled_hour: str, inputs: dict[str, str], days: tuple[Any, Any]
) -> None:
    job = Runner(tmp_path, tmp_path / "temp", dict(os.environ), inputs=inputs)
    job.job_env = {"BACKFILL_DAYS": "3", "SETTLED_HOUR_UTC": settled_hour}

    job.run_job(only="Choose the days")

    assert job.failed == [], job.logs
    expected = [ago(d) if isinstance(d, int) else d for d in days]
    assert job.outputs["days"] == {"first": expected[0], "last": expected[1]}


def test_a_push_rejected_because_main_moved_is_rebased_and_pushed_again(
    world: World, origin: Path, slack: FakeSlack
) -> None:
    world.add_day(ago(1), 1, day=14)
    job = runner(world, origin, slack, "raced")
    other = world.out.parent / "other"
    git("clone", "--quiet", f"file://{origin}", str(other))
    (other / "NOTES.md").write_text("mine\n", encoding="utf-8")
    git("add", "NOTES.md", cwd=other)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "n", cwd=other)
    git("push", "--quiet", "origin", "main", cwd=other)

    job.run_job()

    assert job.failed == [], job.logs
    assert "pushed: Daily Papers digest up to" in job.logs["Commit the digests and the site"]
    assert {"NOTES.md", digest_file(ago(1))} <= set(origin_files(origin, "main"))
