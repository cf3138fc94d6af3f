"""A fake Discord REST API (v10) on 127.0.0.1: the bot, channel messages and threads.

Routes, under ``/api/v10``: ``GET /users/@me``, ``GET`` and ``POST /channels/<id>/messages``,
``POST /channels/<id>/messages/<id>/threads``. It checks what Discord checks for our use: the
``Authorization: Bot <token>`` header (401), a ``DiscordBot`` User-Agent, that the channel or
thread exists (404, code 10003), the bot's permissions (403, 50001/50013; without Read Message
History the history reads as empty, as on Discord), the message (50006 empty, 50035 invalid
form body: content over 2,000 characters, embed limits, a nonce over 25 characters, a bad
``limit``), starting a thread from a message that does not exist (10008) or twice (160004).
Like Discord, it keeps no ``nonce``: a message read back has none, and a post repeating a
recent ``nonce`` with ``enforce_nonce`` gets the first message back.

Scripting beyond the base ``fail_next``/``enqueue``/``crash_at``: ``bucket`` (posts per channel
allowed in a window, with Discord's ``X-RateLimit-*`` headers) and ``rate_limit`` (429 with
``retry_after``). A good post passes the crash plans' "before_store" and "after_store" stages
as a "message", the start of a thread as a "thread".
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import FakeServer, Reply, Request, json_reply

TOKEN = "MTMxMDAwMDAwMDAwMDAwMDAwMQ.GfAkE1.fake-discord-bot-token-0123456789"
CHANNEL_ID = "1310000000000000001"
GUILD_ID = "1310000000000000002"
BOT_ID = "1310000000000000003"
HUMAN_ID = "1310000000000000004"
FIRST_MESSAGE_ID = 1310000000000001000
PREFIX = "/api/v10"
CONTENT_LIMIT = 2000
THREAD_NAME_LIMIT = 100
NONCE_LIMIT = 25
EMBED_LIMITS = {"title": 256, "description": 4096, "total": 6000, "fields": 25}
FIELD_LIMITS = {"name": 256, "value": 1024}
#: Permissions the bot needs here, by the name Discord gives them.
PERMISSIONS = frozenset(
    {
        "VIEW_CHANNEL",
        "SEND_MESSAGES",
        "CREATE_PUBLIC_THREADS",
        "SEND_MESSAGES_IN_THREADS",
        "READ_MESSAGE_HISTORY",
    }
)


@dataclass
class Posted:
    id: str
    channel_id: str
    author_id: str
    content: str
    flags: int = 0
    allowed_mentions: Any = None
    embeds: list[Any] = field(default_factory=list)
    nonce: Any = None
    created: float = field(default_factory=time.monotonic)

    def as_json(self, *, with_nonce: bool) -> dict[str, Any]:
        bot = self.author_id == BOT_ID
        shown: dict[str, Any] = {
            "id": self.id,
            "type": 0,
            "channel_id": self.channel_id,
            "author": {"id": self.author_id, "username": "dailypapers" if bot else "someone",
                       "bot": bot},
            "content": self.content,
            "embeds": self.embeds,
            "flags": self.flags,
            "timestamp": "2024-12-06T09:00:00.000000+00:00",
        }  # fmt: skip
        if with_nonce and self.nonce is not None:
            shown["nonce"] = self.nonce
        return shown


@dataclass
class Thread:
    id: str
    parent_id: str
    name: str
    auto_archive_duration: int


def error(status: int, code: int, message: str, errors: Any = None) -> Reply:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_reply(body, status)


def invalid(where: str, problem: str, message: str) -> Reply:
    """Discord's 50035 Invalid Form Body, naming the field."""
    node: dict[str, Any] = {"_errors": [{"code": problem, "message": message}]}
    for key in reversed(where.split(".")):
        node = {key: node}
    return error(400, 50035, "Invalid Form Body", node)


class FakeDiscord(FakeServer):
    def __init__(self, token: str = TOKEN, channel_id: str = CHANNEL_ID) -> None:
        super().__init__()
        self.token = token
        self.channel_id = channel_id
        self.messages: list[Posted] = []
        self.threads: dict[str, Thread] = {}
        self.granted = set(PERMISSIONS)
        #: How long a nonce sent with ``enforce_nonce`` is remembered.
        self.nonce_seconds = 300.0
        self.posts = {"message": 0, "thread": 0}  # good posts that arrived
        self._limits: list[float] = []
        #: Posts allowed per channel within so many seconds, as Discord's buckets; 429s given.
        self.bucket: tuple[int, float] | None = None
        self.limited = 0
        self._bucket_posts: dict[str, list[float]] = {}

    @property
    def api_url(self) -> str:
        return self.url + PREFIX

    # scripting ----------------------------------------------------------------------------

    def rate_limit(self, retry_after: float, times: int = 1) -> None:
        """The next ``times`` requests get 429 with ``retry_after`` seconds."""
        with self._lock:
            self._limits.extend([retry_after] * times)

    def post_as_someone(self, channel_id: str, content: str) -> Posted:
        """A message by a person, not the bot, in the channel or one of its threads."""
        assert channel_id == self.channel_id or channel_id in self.threads, channel_id
        return self._keep(channel_id, {"content": content}, author_id=HUMAN_ID)

    # what the channel holds ---------------------------------------------------------------

    def in_channel(self) -> list[Posted]:
        return [m for m in self.messages if m.channel_id == self.channel_id]

    def in_thread(self, thread_id: str) -> list[Posted]:
        return [m for m in self.messages if m.channel_id == thread_id]

    # serving ------------------------------------------------------------------------------

    def respond(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bot {self.token}":
            return error(401, 0, "401: Unauthorized")
        if not request.headers.get("user-agent", "").startswith("DiscordBot ("):
            return Reply(403, b"<html>blocked</html>", {"content-type": "text/html"})
        with self._lock:
            wait = self._limits.pop(0) if self._limits else None
        if wait is not None:
            return self._too_many(wait)
        path = request.path.removeprefix(PREFIX)
        if request.method == "GET" and path == "/users/@me":
            return json_reply({"id": BOT_ID, "username": "dailypapers", "bot": True})
        match = re.fullmatch(r"/channels/(\d+)/messages(?:/(\d+)/threads)?", path)
        if match is None:
            return error(404, 0, "404: Not Found")
        channel, starter = match.groups()
        if channel != self.channel_id and channel not in self.threads:
            return error(404, 10003, "Unknown Channel")
        if "VIEW_CHANNEL" not in self.granted:
            return error(403, 50001, "Missing Access")
        if request.method == "GET" and starter is None:
            return self._history(channel, request.query)
        try:
            sent = json.loads(request.body) if request.body else {}
        except ValueError:
            return error(400, 50109, "The request body contains invalid JSON.")
        if request.method != "POST" or not isinstance(sent, dict):
            return error(405, 0, "405: Method Not Allowed")
        if starter is not None:
            return self._start_thread(request, channel, starter, sent)
        return self._post(request, channel, sent)

    def _too_many(self, wait: float) -> Reply:
        body = {"message": "You are being rate limited.", "retry_after": wait, "global": False}
        headers = {
            "Retry-After": str(math.ceil(wait)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(wait),
            "X-RateLimit-Scope": "user",
        }
        return Reply(429, json.dumps(body).encode(), headers)

    def _history(self, channel: str, query: dict[str, str]) -> Reply:
        try:
            limit = int(query.get("limit", "50"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            return invalid("limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100.")
        for key in ("before", "after"):
            if not query.get(key, "0").isdigit():
                return invalid(key, "SNOWFLAKE_TYPE_INVALID", "Value is not snowflake.")
        if "READ_MESSAGE_HISTORY" not in self.granted:
            return json_reply([])
        with self._lock:
            found = [m for m in self.messages if m.channel_id == channel]
        if "before" in query:
            found = [m for m in found if int(m.id) < int(query["before"])]
        if "after" in query:
            found = [m for m in found if int(m.id) > int(query["after"])][:limit]
        newest_first = sorted(found, key=lambda m: int(m.id), reverse=True)[:limit]
        return json_reply([m.as_json(with_nonce=False) for m in newest_first])

    def _post(self, request: Request, channel: str, sent: dict[str, Any]) -> Reply:
        needed = "SEND_MESSAGES" if channel == self.channel_id else "SEND_MESSAGES_IN_THREADS"
        if needed not in self.granted:
            return error(403, 50013, "Missing Permissions")
        problem = message_problem(sent)
        if problem is not None:
            return problem
        with self._lock:
            wait, bucket = self._take(channel)
        if wait is not None:
            return self._too_many(wait)
        with self._lock:
            earlier = self._same_nonce(channel, sent)
            if earlier is not None:
                return json_reply(earlier.as_json(with_nonce=True))
            self.posts["message"] += 1
        self.checkpoint("before_store", request, "message")
        kept = self._keep(channel, sent, author_id=BOT_ID)
        self.checkpoint("after_store", request, "message")
        reply = json_reply(kept.as_json(with_nonce=True))
        reply.headers.update(bucket)
        return reply

    def _take(self, channel: str) -> tuple[float | None, dict[str, str]]:
        """Discord's per-channel bucket for posts: the wait when it is empty, else its headers.
        Call under the lock."""
        if self.bucket is None:
            return None, {}
        size, seconds = self.bucket
        now = time.monotonic()
        recent = [t for t in self._bucket_posts.get(channel, []) if now - t < seconds]
        if len(recent) >= size:
            self.limited += 1
            return recent[0] + seconds - now, {}
        recent.append(now)
        self._bucket_posts[channel] = recent
        reset = recent[0] + seconds - now
        headers = {
            "X-RateLimit-Limit": str(size),
            "X-RateLimit-Remaining": str(size - len(recent)),
            "X-RateLimit-Reset-After": f"{reset:.3f}",
            "X-RateLimit-Bucket": "fake-messages",
        }
        return None, headers

    def _start_thread(
        self, request: Request, channel: str, starter: str, sent: dict[str, Any]
    ) -> Reply:
        if "CREATE_PUBLIC_THREADS" not in self.granted:
            return error(403, 50013, "Missing Permissions")
        name = sent.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= THREAD_NAME_LIMIT:
            return invalid("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if sent.get("auto_archive_duration", 4320) not in (60, 1440, 4320, 10080):
            return invalid("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of")
        with self._lock:
            if not any(m.id == starter and m.channel_id == channel for m in self.messages):
                return error(404, 10008, "Unknown Message")
            if starter in self.threads:
                return error(400, 160004, "A thread has already been created for this message")
            self.posts["thread"] += 1
        self.checkpoint("before_store", request, "thread")
        with self._lock:
            thread = Thread(starter, channel, name, int(sent.get("auto_archive_duration", 4320)))
            self.threads[starter] = thread
        self.checkpoint("after_store", request, "thread")
        return json_reply({"id": thread.id, "type": 11, "guild_id": GUILD_ID,
                           "parent_id": channel, "name": name})  # fmt: skip

    def _same_nonce(self, channel: str, sent: dict[str, Any]) -> Posted | None:
        if not sent.get("enforce_nonce") or sent.get("nonce") is None:
            return None
        for kept in self.messages:
            recent = time.monotonic() - kept.created < self.nonce_seconds
            if kept.channel_id == channel and kept.nonce == sent["nonce"] and recent:
                return kept
        return None

    def _keep(self, channel: str, sent: dict[str, Any], *, author_id: str) -> Posted:
        with self._lock:
            kept = Posted(
                id=str(FIRST_MESSAGE_ID + len(self.messages)),
                channel_id=channel,
                author_id=author_id,
                content=sent.get("content") or "",
                flags=int(sent.get("flags") or 0),
                allowed_mentions=sent.get("allowed_mentions"),
                embeds=list(sent.get("embeds") or []),
                nonce=sent.get("nonce"),
            )
            self.messages.append(kept)
        return kept


def message_problem(sent: dict[str, Any]) -> Reply | None:
    """Discord's answer to a message it would not take, or None."""
    content = sent.get("content")
    embeds = sent.get("embeds") or []
    if content is not None and not isinstance(content, str):
        return invalid("content", "BASE_TYPE_STRING", "Must be a string.")
    if not (content or "").strip() and not embeds:
        return error(400, 50006, "Cannot send an empty message")
    if len(content or "") > CONTENT_LIMIT:
        return invalid("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    nonce = sent.get("nonce")
    if nonce is not None and not (isinstance(nonce, int) or len(str(nonce)) <= NONCE_LIMIT):
        return invalid("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    if not isinstance(embeds, list) or len(embeds) > 10:
        return invalid("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        problem, size = embed_problem(embed, f"embeds.{index}")
        if problem is not None:
            return problem
        total += size
    if total > EMBED_LIMITS["total"]:
        return invalid("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size")
    return None


def embed_problem(embed: Any, where: str) -> tuple[Reply | None, int]:
    """What is wrong with one embed, and how many characters it counts towards 6,000."""
    if not isinstance(embed, dict):
        return invalid(where, "MODEL_TYPE_CONVERT", "Only dictionaries may be used"), 0
    size = 0
    for key in ("title", "description"):
        text = str(embed.get(key) or "")
        if len(text) > EMBED_LIMITS[key]:
            return invalid(f"{where}.{key}", "BASE_TYPE_MAX_LENGTH", "Too long"), 0
        size += len(text)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_LIMITS["fields"]:
        return invalid(f"{where}.fields", "BASE_TYPE_MAX_LENGTH", "Too many fields"), 0
    for index, item in enumerate(fields):
        for key, limit in FIELD_LIMITS.items():
            text = str(item.get(key) or "")
            if not text or len(text) > limit:
                place = f"{where}.fields.{index}.{key}"
                return invalid(place, "BASE_TYPE_BAD_LENGTH", f"Must be 1 to {limit} long"), 0
            size += len(text)
    for key, inner in (("footer", "text"), ("author", "name")):
        text = str((embed.get(key) or {}).get(inner) or "")
        if len(text) > (2048 if key == "footer" else 256):
            return invalid(f"{where}.{key}.{inner}", "BASE_TYPE_MAX_LENGTH", "Too long"), 0
        size += len(text)
    return None, size
