"""A fake Slack Web API on 127.0.0.1: chat.postMessage, conversations.history and .replies.

It checks what Slack checks for our use, and answers ``ok: false`` with Slack's error names
when something is wrong: the ``Authorization: Bearer`` token (``not_authed``,
``invalid_auth``), the channel (``channel_not_found``, ``not_in_channel``), missing scopes,
the message (``no_text``, ``msg_too_long``, ``invalid_metadata_format``, and
``invalid_blocks`` for Block Kit's limits: 50 blocks, 150 characters in a header, 3,000 in
any other text object, 10 context elements, the properties each text object may have) and
the thread a reply names. It is stricter than Slack on one point: a reply to a ``thread_ts``
that is no top-level message of the channel is refused (``thread_not_found``), where Slack may
take it and show it nowhere.

Scripting beyond the base ``fail_next``/``enqueue``/``crash_at``: ``ratelimit_next`` (429
with Retry-After), ``error_next`` (an ``ok: false`` answer) and ``post_as_someone`` (a reply by
a person). A good post passes the crash plans' "before_store" and "after_store" stages as a
"message".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes import FakeServer, Reply, Request, json_reply

TOKEN = "xoxb-fake-0123456789-slack-token"
CHANNEL = "C0DAILY01"
EPOCH = 1733443200
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
CONTEXT_LIMIT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_BLOCKS = 50
TEXT_LIMIT = 40000
EVENT_TYPE = re.compile(r"[A-Za-z0-9_]{1,100}")
TS = re.compile(r"[0-9]{10}\.[0-9]{6}")
#: The properties a text object may have, by type; Slack refuses any other.
TEXT_PROPERTIES = {
    "plain_text": {"type", "text", "emoji"},
    "mrkdwn": {"type", "text", "verbatim"},
}


@dataclass
class SlackMessage:
    ts: str
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    metadata: dict[str, Any] | None
    thread_ts: str | None = None
    params: dict[str, Any] = field(default_factory=dict, repr=False)
    by_bot: bool = True

    def as_json(self, *, with_metadata: bool) -> dict[str, Any]:
        shown: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        if self.blocks:
            shown["blocks"] = self.blocks
        if self.by_bot:
            shown["bot_id"] = "B0FAKEBOT"
        else:
            shown["user"] = "U0SOMEONE"
        if self.thread_ts is not None:
            shown["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata is not None:
            shown["metadata"] = self.metadata
        return shown


class FakeSlack(FakeServer):
    """``/api/<method>`` for the methods dailypapers uses, with Slack's checks and errors."""

    def __init__(self, token: str = TOKEN, channel: str = CHANNEL) -> None:
        super().__init__()
        self.token = token
        self.channel = channel
        self.messages: list[SlackMessage] = []
        #: Channels that exist, and those the bot is a member of.
        self.channels = {channel}
        self.joined = {channel}
        #: Scopes the token lacks: methods needing them answer missing_scope.
        self.missing_scopes: set[str] = set()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    # scripting ----------------------------------------------------------------------------

    def ratelimit_next(self, retry_after: int = 0, times: int = 1) -> None:
        body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
        for _ in range(times):
            self.enqueue(429, body, {"Retry-After": str(retry_after)})

    def error_next(self, error: str, times: int = 1) -> None:
        for _ in range(times):
            self.enqueue(200, json.dumps({"ok": False, "error": error}).encode())

    # what the channel holds ---------------------------------------------------------------

    def top_level(self) -> list[SlackMessage]:
        return [m for m in self.messages if m.thread_ts is None]

    def replies(self, ts: str) -> list[SlackMessage]:
        return [m for m in self.messages if m.thread_ts == ts]

    def posts(self) -> int:
        """Posts that reached the fake, good or refused."""
        return self.requests_to("/api/chat.postMessage")

    def post_as_someone(self, thread_ts: str, text: str) -> SlackMessage:
        """A person's reply in the thread of ``thread_ts``."""
        with self._lock:
            return self._keep(self.channel, text, [], None, thread_ts, {}, by_bot=False)

    # serving ------------------------------------------------------------------------------

    def respond(self, request: Request) -> Reply:
        method = request.path.removeprefix("/api/")
        handlers: dict[str, Callable[[dict[str, Any]], Reply]] = {
            "chat.postMessage": lambda p: self._post(request, p),
            "conversations.history": self._history,
            "conversations.replies": self._replies,
        }
        if method not in handlers:
            return json_reply({"ok": False, "error": "unknown_method"}, 404)
        params = parameters(request)
        refusal = self._authorize(request, params, method)
        if refusal is not None:
            return refusal
        return handlers[method](params)

    def _authorize(self, request: Request, params: dict[str, Any], method: str) -> Reply | None:
        auth = request.headers.get("authorization", "")
        in_json = request.headers.get("content-type", "").startswith("application/json")
        form_token = None if in_json else params.get("token")  # Slack reads no token from JSON
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else form_token
        if not token:
            return failure("not_authed")
        if token != self.token:
            return failure("invalid_auth")
        scope = {"chat.postMessage": "chat:write"}.get(method, "channels:history")
        if scope in self.missing_scopes:
            return json_reply({"ok": False, "error": "missing_scope", "needed": scope})
        channel = params.get("channel")
        if channel not in self.channels:
            return failure("channel_not_found")
        if channel not in self.joined:
            return failure("not_in_channel")
        return None

    def _post(self, request: Request, params: dict[str, Any]) -> Reply:
        text = str(params.get("text") or "")
        blocks = decoded(params.get("blocks")) or []
        meta = decoded(params.get("metadata"))
        if not text and not blocks:
            return failure("no_text")
        if len(text) > TEXT_LIMIT:
            return failure("msg_too_long")
        problems = block_errors(blocks)
        if problems:
            return failure("invalid_blocks", response_metadata={"messages": problems})
        if meta is not None and not valid_metadata(meta):
            return failure("invalid_metadata_format")
        thread_ts = params.get("thread_ts") or None
        if thread_ts is not None and not (isinstance(thread_ts, str) and TS.fullmatch(thread_ts)):
            return failure("invalid_thread_ts")
        channel = params["channel"]
        with self._lock:
            parents = {m.ts for m in self.top_level() if m.channel == channel}
        if thread_ts is not None and thread_ts not in parents:
            return failure("thread_not_found")
        self.checkpoint("before_store", request, "message")
        with self._lock:
            message = self._keep(channel, text, blocks, meta, thread_ts, params)
        self.checkpoint("after_store", request, "message")
        shown = message.as_json(with_metadata=False)
        return json_reply({"ok": True, "channel": message.channel, "ts": message.ts,
                           "message": shown})  # fmt: skip

    def _keep(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]],
        meta: dict[str, Any] | None,
        thread_ts: str | None,
        params: dict[str, Any],
        *,
        by_bot: bool = True,
    ) -> SlackMessage:
        """Store a message under a new ts. Call under the lock."""
        number = len(self.messages) + 1
        ts = f"{EPOCH + number}.{number:06d}"
        message = SlackMessage(ts, channel, text, blocks, meta, thread_ts, params, by_bot)
        self.messages.append(message)
        return message

    def _history(self, params: dict[str, Any]) -> Reply:
        with self._lock:
            found = [m for m in self.top_level() if m.channel == params["channel"]][::-1]
        return page(found, params)

    def _replies(self, params: dict[str, Any]) -> Reply:
        ts = params.get("ts")
        with self._lock:
            parents = [m for m in self.top_level() if m.ts == ts and m.channel == params["channel"]]
            if not parents:
                return failure("thread_not_found")
            found = parents + self.replies(str(ts))
        return page(found, params)


def failure(error: str, **more: Any) -> Reply:
    return json_reply({"ok": False, "error": error, **more})


def parameters(request: Request) -> dict[str, Any]:
    """Query string, form body or JSON body, as Slack accepts them all."""
    params: dict[str, Any] = dict(request.query)
    kind = request.headers.get("content-type", "")
    if request.body and kind.startswith("application/json"):
        params.update(json.loads(request.body))
    elif request.body:
        params.update(parse_qsl(request.body.decode("utf-8")))
    return params


def decoded(value: Any) -> Any:
    """A form-encoded JSON argument (a string) or an already decoded one."""
    return json.loads(value) if isinstance(value, str) and value else value


def truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def page(messages: list[SlackMessage], params: dict[str, Any]) -> Reply:
    start = int(params.get("cursor") or 0)
    limit = min(int(params.get("limit") or 100), 999)
    chosen = messages[start : start + limit]
    more = start + limit < len(messages)
    with_metadata = truthy(params.get("include_all_metadata"))
    return json_reply({
        "ok": True,
        "messages": [m.as_json(with_metadata=with_metadata) for m in chosen],
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    })  # fmt: skip


def valid_metadata(meta: Any) -> bool:
    return (
        isinstance(meta, dict)
        and isinstance(meta.get("event_type"), str)
        and EVENT_TYPE.fullmatch(meta["event_type"]) is not None
        and isinstance(meta.get("event_payload"), dict)
    )


def block_errors(blocks: Any) -> list[str]:
    """What Slack would say is wrong with ``blocks``, in its words; empty when they are fine."""
    if not isinstance(blocks, list):
        return ["[ERROR] must provide an array [json-pointer:/blocks]"]
    if len(blocks) > MAX_BLOCKS:
        return [f"[ERROR] no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]"]
    problems: list[str] = []
    for index, block in enumerate(blocks):
        problems += one_block_errors(block, f"/blocks/{index}")
    return problems


def one_block_errors(block: Any, where: str) -> list[str]:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind == "divider":
        return []
    if kind == "header":
        return text_errors(block.get("text"), f"{where}/text", HEADER_LIMIT, {"plain_text"})
    if kind == "section":
        return text_errors(block.get("text"), f"{where}/text", SECTION_LIMIT)
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
            return [
                f"[ERROR] must have 1 to {MAX_CONTEXT_ELEMENTS} elements "
                f"[json-pointer:{where}/elements]"
            ]
        return [
            problem
            for i, element in enumerate(elements)
            for problem in text_errors(element, f"{where}/elements/{i}", CONTEXT_LIMIT)
        ]
    return [f"[ERROR] unsupported type: {kind!r} [json-pointer:{where}/type]"]


def text_errors(
    value: Any, where: str, limit: int, kinds: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    allowed = kinds or {"plain_text", "mrkdwn"}
    if not isinstance(value, dict) or value.get("type") not in allowed:
        return [f"[ERROR] must be a text object of type {sorted(allowed)} [json-pointer:{where}]"]
    extra = sorted(set(value) - TEXT_PROPERTIES[value["type"]])
    if extra:
        return [f"[ERROR] invalid additional property: {extra[0]} [json-pointer:{where}]"]
    flag = "emoji" if value["type"] == "plain_text" else "verbatim"
    if flag in value and not isinstance(value[flag], bool):
        return [f"[ERROR] must be a boolean [json-pointer:{where}/{flag}]"]
    text = value.get("text")
    if not isinstance(text, str) or not text:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{where}/text]"]
    if len(text) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    return []
