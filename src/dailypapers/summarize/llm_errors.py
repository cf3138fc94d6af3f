"""What an LLM server's failure means: retry it, give up on the paper, or stop the whole run.

A wrong key, a model the server does not have, an account with no quota left and a URL where
no server listens give the same answer for every paper; those stop the run at once, with one
line naming the URL, the setting to fix and the server's own words.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

import httpx2
import openai

from dailypapers.errors import LLMUnusable
from dailypapers.retry import retry_after
from dailypapers.summarize.providers import get_provider
from dailypapers.summarize.settings import LLMConfig

log = logging.getLogger(__name__)

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
TOO_LONG = re.compile(r"context (length|window|size)|too many tokens|too long", re.IGNORECASE)
#: Seconds the first look at the server may take: it is one small request.
CHECK_TIMEOUT = 20.0

#: ``fatal`` ends the paper; ``unusable`` ends the run (no paper can get a better answer).
ReplyKind = Literal["answer", "rate_limited", "transient", "too_long", "fatal", "unusable"]


def classify(error: openai.APIError, config: LLMConfig) -> tuple[ReplyKind, str]:
    """What kind of failure an SDK error is, and a short reason that names it."""
    if isinstance(error, openai.APITimeoutError):
        return "transient", "LLM request timed out"
    if isinstance(error, openai.APIConnectionError):
        if _cannot_connect(error):
            return "unusable", cannot_connect(config, error)
        return "transient", f"LLM connection failed ({error.__cause__ or error})"
    if not isinstance(error, openai.APIStatusError):
        return "fatal", f"LLM request failed: {short(str(error))}"
    status, message = error.status_code, short(status_message(error))
    reason = f"LLM request failed: HTTP {status}: {message}"
    code = str(getattr(error, "code", None) or "")
    if unusable := refusal(config, status, code, message):
        return "unusable", unusable
    if status == 429:
        return "rate_limited", f"LLM rate limit (HTTP 429): {message}"
    if status in (408, 409) or status >= 500:
        return "transient", reason
    if status in (400, 413) and (code == "context_length_exceeded" or TOO_LONG.search(message)):
        return "too_long", f"the paper is too long for the model: {message}"
    return "fatal", reason


def refusal(config: LLMConfig, status: int, code: str, message: str) -> str | None:
    """The one line for an answer no retry can change, or None for any other answer."""
    where = f"the LLM at {server_url(config)}"
    said = f"(HTTP {status}: {message})"
    if status == 401:
        return f"{where} refused the key {said}: check {key_variable(config)}"
    if status == 403:
        return (
            f"{where} refused access {said}: check {key_variable(config)} and that its account "
            f"may use {config.model}"
        )
    if status == 404:
        return (
            f"{where} has no model {config.model} or no chat API there {said}: check --model "
            f"(or DAILYPAPERS_MODEL) and {url_variable(config)}"
        )
    if status == 429 and code == "insufficient_quota":
        return (
            f"{where} says the account has no quota left {said}: add credit, or set another "
            f"key in {key_variable(config)}"
        )
    return None


def cannot_connect(config: LLMConfig, error: BaseException) -> str:
    cause = error.__cause__ or error
    return (
        f"cannot connect to the LLM at {server_url(config)} ({short(str(cause))}): "
        f"check {url_variable(config)}"
    )


def check_server(client: openai.OpenAI, config: LLMConfig) -> None:
    """Ask for the server's models once, with no retry, within the caller's deadline: raise
    ``LLMUnusable`` when the answer says the URL or the key cannot work. Any other answer (a
    server without the models endpoint, a slow one, a page that is no list) is left for the
    first real call to judge."""
    try:
        # Only the status matters, not the list: a gateway's page answered with 200 is let be.
        client.with_options(max_retries=0).models.with_raw_response.list()
    except openai.APIConnectionError as e:
        if isinstance(e, openai.APITimeoutError) or not _cannot_connect(e):
            log.info("could not ask %s for its models (%s); going on", server_url(config), e)
            return
        raise LLMUnusable(cannot_connect(config, e)) from e
    except openai.APIStatusError as e:
        code = str(getattr(e, "code", None) or "")
        if e.status_code in (401, 403) or code == "insufficient_quota":
            problem = refusal(config, e.status_code, code, short(status_message(e)))
            raise LLMUnusable(problem or str(e)) from e
        log.info("%s cannot list its models (HTTP %d); going on", server_url(config), e.status_code)


def _cannot_connect(error: openai.APIConnectionError) -> bool:
    """No server answers at the URL (refused, unknown host, bad TLS): a timeout is not this."""
    cause = error.__cause__
    return isinstance(cause, (httpx2.ConnectError, ConnectionRefusedError))


def server_url(config: LLMConfig) -> str:
    return config.base_url or OPENAI_DEFAULT_BASE_URL


def key_variable(config: LLMConfig) -> str:
    if config.provider:
        return get_provider(config.provider).key_variable or "the provider's key"
    return "OPENAI_API_KEY"


def url_variable(config: LLMConfig) -> str:
    return "DAILYPAPERS_BASE_URL" if config.provider else "OPENAI_BASE_URL"


def status_message(error: openai.APIStatusError) -> str:
    """The server's own words: the error object's message, or the body, or the SDK's text."""
    body = error.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    if isinstance(body, str) and body.strip():
        return body
    return error.response.text.strip() or error.message


def retry_after_of(error: openai.APIError) -> float | None:
    if not isinstance(error, openai.APIStatusError):
        return None
    return retry_after(error.response.headers)


def error_body(error: openai.APIError) -> str | None:
    if isinstance(error, openai.APIStatusError):
        return error.response.text
    return None


#: Characters an answer may have per token of its cap (o200k: Korean ~1-2, English ~4).
CHARS_PER_TOKEN = 6


def answer_too_long(content: str | None, answer_tokens: int) -> str | None:
    """Why an answer is too long to be three sections, when it is (a server that ignored the
    token cap); else None."""
    limit = answer_tokens * CHARS_PER_TOKEN
    if content is None or len(content) <= limit:
        return None
    return f"the answer is {len(content):,} characters, more than the {limit:,} allowed"


def not_a_completion(response: httpx2.Response) -> str:
    """Why a 200 answer is not a chat completion: what it was instead."""
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    return (
        f"the LLM answered HTTP {response.status_code} with {kind}, not a chat completion: "
        f"{short(response.text, 120)}"
    )


def short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
