"""A wrong key, URL or model stops the run at once, with one line that says what to fix.

The LLM is looked at once before anything is downloaded; an answer that no paper can get past
(401, 403, 404, no quota, nobody listening) ends the whole run at the first paper that meets it.
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.e2e import World, one_line
from tests.fakes import Reply, json_reply

DAY = "2024-12-06"
PAPERS = 12
CONCURRENCY = 4
CHAT = "/v1/chat/completions"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_wrong_key_is_found_before_any_download(world: World) -> None:
    world.add_day(DAY, PAPERS)
    world.openai.valid_key = "sk-the-right-key"

    result = world.run("--date", DAY, env=world.env(key="sk-a-wrong-key-1234"))

    assert result.exit_code == 1
    output = one_line(result.output)
    assert (
        f"error: the LLM at {world.openai.url}/v1 refused the key (HTTP 401: Incorrect API key "
        "provided: sk-************1234." in output
    )
    assert "check OPENAI_API_KEY" in output
    assert output.count("error:") == 1
    assert world.arxiv.requests == []  # nothing downloaded
    assert world.openai.requests_to(CHAT) == 0
    assert world.openai.models_asked == 1


def test_nobody_listening_at_the_url_is_found_before_any_download(world: World) -> None:
    world.add_day(DAY, PAPERS)
    url = f"http://127.0.0.1:{closed_port()}/v1"

    result = world.run("--date", DAY, env=world.env() | {"OPENAI_BASE_URL": url})

    assert result.exit_code == 1
    output = one_line(result.output)
    assert f"error: cannot connect to the LLM at {url} (" in output
    assert "check OPENAI_BASE_URL" in output
    assert world.arxiv.requests == []


def test_a_provider_names_its_own_key_variable(world: World) -> None:
    world.add_day(DAY, PAPERS)
    world.openai.valid_key = "the-right-key"
    env = {
        "HF_ENDPOINT": world.hf.url,
        "ARXIV_ENDPOINT": world.arxiv.url,
        "DAILYPAPERS_PROVIDER": "deepseek",
        "DAILYPAPERS_BASE_URL": world.openai.url + "/v1",
        "DEEPSEEK_API_KEY": "a-wrong-key",
    }

    result = world.run("--date", DAY, env=env)

    assert result.exit_code == 1
    assert "check DEEPSEEK_API_KEY" in one_line(result.output)


MODEL_MISSING = {"message": "The model `gpt-9` does not exist", "code": "model_not_found"}
NO_QUOTA = {"message": "You exceeded your current quota", "code": "insufficient_quota"}


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (404, MODEL_MISSING, "has no model gpt-4o or no chat API there (HTTP 404: The model"),
        (403, {"message": "Project does not have access"}, "refused access (HTTP 403: Project"),
        (429, NO_QUOTA, "says the account has no quota left (HTTP 429: You exceeded"),
        (401, {"message": "Invalid Authentication"}, "refused the key (HTTP 401: Invalid"),
    ],
)
def test_an_answer_no_paper_can_get_past_stops_the_whole_run(
    world: World, status: int, error: dict[str, str], expected: str
) -> None:
    """The server cannot list its models (many cannot), so the first paper's call finds out."""
    world.add_day(DAY, PAPERS)
    world.openai.models_reply = json_reply({"error": "not found"}, 404)
    for _ in range(PAPERS):
        world.openai.enqueue(status, json.dumps({"error": error}).encode())

    result = world.run("--date", DAY, "--concurrency", str(CONCURRENCY))

    assert result.exit_code == 1
    output = one_line(result.output)
    assert expected in output
    assert output.count("error:") == 1
    assert world.openai.requests_to(CHAT) <= CONCURRENCY  # only the calls already in flight
    assert "Traceback" not in output


def test_a_server_that_cannot_list_models_still_summarizes(world: World) -> None:
    world.add_day(DAY, 2)
    world.openai.models_reply = json_reply({"error": "not found"}, 404)

    result = world.run("--date", DAY)

    assert result.exit_code == 0, result.output
    assert "2 summarized" in result.output


def test_the_llm_is_looked_at_once_for_a_whole_range(world: World) -> None:
    world.add_day("2024-12-05", 2, day=5)
    world.add_day(DAY, 2, day=6)

    result = world.run("--since", "2024-12-05", "--until", DAY)

    assert result.exit_code == 0, result.output
    assert world.openai.models_asked == 1


def test_a_day_with_nothing_to_summarize_does_not_look_at_the_llm(world: World) -> None:
    world.add_day(DAY, 2)
    assert world.run("--date", DAY).exit_code == 0
    world.openai.valid_key = "sk-rotated"  # the old key no longer works; nothing needs it

    result = world.run("--date", DAY)

    assert result.exit_code == 0, result.output
    assert world.openai.models_asked == 1


def test_a_server_whose_model_list_is_a_web_page_still_summarizes(world: World) -> None:
    world.add_day(DAY, 2)
    page = b"<html><body>Welcome to our gateway</body></html>"
    world.openai.models_reply = Reply(200, page, {"content-type": "text/html"})

    result = world.run("--date", DAY)

    assert result.exit_code == 0, result.output
    assert "2 summarized" in result.output
    assert world.openai.models_asked == 1
