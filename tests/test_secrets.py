"""Secrets never leave the process: not in output, logs, the database or any file written."""

from __future__ import annotations

import json
import os
import sqlite3
from base64 import b64encode
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest

from dailypapers.logs import redact, secret_values
from tests.e2e import World, one_line

DATE = "2024-12-06"
OPENAI_KEY = "sk-test-SECRET-openai-7f3a9c1e"
HF_TOKEN = "hf_SECRET_token_51d2e8"
SLACK_TOKEN = "xoxb-SECRET-slack-0a9b8c"
SECRETS = (OPENAI_KEY, HF_TOKEN, SLACK_TOKEN)


def secret_env(world: World) -> dict[str, str]:
    return world.env(key=OPENAI_KEY) | {"HF_TOKEN": HF_TOKEN, "SLACK_BOT_TOKEN": SLACK_TOKEN}


def echo_key_error(status: int) -> bytes:
    """An error body that quotes the key back, as some servers do."""
    message = f"Incorrect API key provided: {OPENAI_KEY}; also saw {HF_TOKEN}"
    return json.dumps({"error": {"message": message, "code": "invalid_api_key"}}).encode()


def files_under(*folders: Path) -> list[Path]:
    return [path for folder in folders if folder.exists() for path in folder.rglob("*")]


def database_dump(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return "\n".join(db.iterdump())


def test_keys_appear_nowhere_after_failures_and_verbose_logs(world: World, tmp_path: Path) -> None:
    ids = world.add_day(DATE, 4)
    world.arxiv.bodies.pop(ids[0])  # 404: summarized from the abstract
    world.openai.enqueue(400, echo_key_error(400))  # one paper fails at once, key echoed
    world.openai.enqueue(500, echo_key_error(500))  # one is retried after an echoing 500
    world.openai.enqueue(429, echo_key_error(429), {"retry-after": "0"})
    world.openai.enqueue_content(f"not JSON, but here is your key: {OPENAI_KEY}")

    first = world.run("--date", DATE, "--verbose", env=secret_env(world))
    second = world.run("--date", DATE, "-v", env=secret_env(world))
    bad_url = world.run("--date", DATE, env=secret_env(world) | {"HF_ENDPOINT": OPENAI_KEY})
    world.openai.enqueue(401, echo_key_error(401))  # stops the run, key echoed
    stopped = world.run("--date", DATE, "--force", env=secret_env(world))

    assert first.exit_code == 1  # the 400 paper failed
    assert stopped.exit_code == 1
    assert "refused the key (HTTP 401" in stopped.output
    assert "LLM call" in first.output  # verbose logging was on
    assert second.exit_code == 0, second.output
    assert bad_url.exit_code == 2
    sent = [r.headers.get("authorization") for r in world.openai.requests]
    assert f"Bearer {OPENAI_KEY}" in sent  # the key was really used
    outputs = first.output + second.output + bad_url.output + stopped.output
    for secret in SECRETS:
        assert secret not in outputs
        assert secret not in database_dump(world.out / "dailypapers.db")
    cache = Path(os.environ["DAILYPAPERS_CACHE_DIR"])
    written = files_under(world.out, cache, tmp_path / "work")
    assert any(p.suffix == ".md" for p in written)
    for path in written:
        if path.is_file():
            body = path.read_bytes()
            assert not any(secret.encode() in body for secret in SECRETS), path
    assert "[redacted]" in database_dump(world.out / "dailypapers.db")


PASTED_KEY = OPENAI_KEY + "\n"  # a key pasted from a file, its newline and all


def everything_written(world: World, tmp_path: Path) -> str:
    """The database as SQL text and every file the run left, as one string."""
    cache = Path(os.environ["DAILYPAPERS_CACHE_DIR"])
    paths = [p for p in files_under(world.out, cache, tmp_path / "work") if p.is_file()]
    files = [p.read_bytes().decode("utf-8", "replace") for p in paths if p.suffix != ".db"]
    return "\n".join([database_dump(world.out / "dailypapers.db"), *files])


def test_a_key_with_a_trailing_newline_is_sent_stripped(world: World, tmp_path: Path) -> None:
    world.add_day(DATE, 2)

    result = world.run("--date", DATE, "--verbose", env=world.env(key=PASTED_KEY))

    assert result.exit_code == 0, result.output
    sent = {r.headers.get("authorization") for r in world.openai.requests}
    assert sent == {f"Bearer {OPENAI_KEY}"}
    assert OPENAI_KEY not in result.output + everything_written(world, tmp_path)


def test_a_key_the_http_client_refuses_is_redacted_in_every_form(
    world: World, tmp_path: Path
) -> None:
    """A line break inside the key: the client refuses the header and quotes it as
    ``b'Bearer sk-...\\n...'``, which is not the key's raw text."""
    world.add_day(DATE, 1)
    key = "sk-test-SECRET\nopenai-7f3a9c1e"
    env = world.env(key=key + "\n") | {"DAILYPAPERS_HTTP_BACKOFF": "0.01"}

    result = world.run("--date", DATE, "--verbose", env=env)

    assert result.exit_code == 1
    assert "Illegal header value" in result.output  # the client's own words, kept
    written = result.output + everything_written(world, tmp_path)
    assert "[redacted]" in written
    for piece in ("sk-test-SECRET", "openai-7f3a9c1e"):
        assert piece not in written


def test_credentials_in_service_urls_are_redacted(world: World, tmp_path: Path) -> None:
    world.add_day(DATE, 1)
    llm = world.openai.url.replace("http://", "http://llm-user:llm-pass-5ecret@") + "/v1"
    hf = world.hf.url.replace("http://", "http://hf-user:hf-pass-5ecret@")
    env = world.env() | {"OPENAI_BASE_URL": llm, "HF_ENDPOINT": hf}
    world.openai.enqueue(404, b'{"error": {"message": "no such model"}}')

    result = world.run("--date", DATE, "--verbose", env=env)

    assert result.exit_code == 1
    written = result.output + everything_written(world, tmp_path)
    assert "has no model gpt-4o" in one_line(result.output)
    for piece in ("llm-pass-5ecret", "hf-pass-5ecret", "llm-user:", "hf-user:"):
        assert piece not in written


@pytest.mark.parametrize(
    "message",
    [
        f"Illegal header value b'Bearer {OPENAI_KEY}\\n'",  # the repr of bytes
        f"got {PASTED_KEY!r}",  # the repr of a str
        f"GET https://x.test/?key={quote(OPENAI_KEY + '/+=', safe='')}",  # URL-encoded
        f'{{"key": {json.dumps(OPENAI_KEY + chr(10))}}}',  # JSON
        f"Authorization: Bearer {OPENAI_KEY}",
        f"Authorization: Basic {b64encode(b'user:' + OPENAI_KEY.encode()).decode()}",
    ],
)
def test_redaction_finds_every_form_of_a_secret(message: str) -> None:
    env = {"OPENAI_API_KEY": PASTED_KEY, "X_URL": f"https://user:{OPENAI_KEY}@x.test"}
    secrets = (*secret_values(env), OPENAI_KEY + "/+=")

    clean = redact(message, secrets)

    assert "[redacted]" in clean
    assert "SECRET" not in clean
    assert "7f3a9c1e" not in clean


def test_a_user_name_in_a_url_is_no_secret() -> None:
    """``ssh://git@github.com`` in the environment must not hide every "git" in every log."""
    env = {"REPO": "ssh://git@github.com/owner/repo.git", "MIRROR": "https://me:pw@x.test"}

    secrets = secret_values(env)

    assert secrets == ()
    assert redact("git push failed; Z2l0 is base64", secrets) == "git push failed; Z2l0 is base64"
