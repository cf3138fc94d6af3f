"""Secrets never leave the process: not in output, logs, the database or any file written."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.e2e import World

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
