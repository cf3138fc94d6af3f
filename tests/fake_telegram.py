"""A fake Telegram Bot API: ``POST /bot<token>/sendMessage``, real HTTP on 127.0.0.1.

It checks what the real API checks for our use: the token (401), the chat (400 "chat not
found"), HTML parse mode (400 "can't parse entities" for an unsupported tag, an unbalanced tag,
a bare ``<`` or ``&``, an unknown named entity), the 4,096-character limit on the visible text
counted in UTF-16 code units (400 "message is too long"), and replies to unknown messages.
Scripting: ``rate_limit(retry_after)`` for 429s, ``block()`` for 403, and the base
``crash_at``: a good message passes the crash plans' "before_store" and "after_store" stages as
a "message" (``crash_at(at="after_store", what="message", then=gateway_error())`` is an answer
lost on the way back). Message ids start at ``FIRST_ID`` and grow by one per message, as in a
real chat.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes import FakeServer, Reply, Request, json_reply

TOKEN = "123456789:AAFakeTokenForTests-abcdefghijkl"
CHAT_ID = "-1001234567890"
LIMIT = 4096
FIRST_ID = 501

#: Tags Telegram's HTML parse mode knows; ``a`` needs an ``href``.
TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "tg-emoji",
    ]
)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
TAG = re.compile(r'<(/?)([a-z][a-z-]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*>')
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"<>]*)"')
ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);")


class ParseError(ValueError):
    pass


@dataclass
class Parsed:
    """What Telegram makes of an HTML text: the visible text and the entities in it."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def decode_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    if name in NAMED_ENTITIES:
        return NAMED_ENTITIES[name]
    raise ParseError(f"Unsupported HTML entity &{name};")


def parse_html(source: str) -> Parsed:
    """Parse like Telegram: strict tags and entities; raises ParseError with its words."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    open_tags: list[tuple[str, int, dict[str, str]]] = []
    at = 0
    while at < len(source):
        char = source[at]
        if char == "<":
            at = _tag(source, at, out, open_tags, entities)
        elif char == "&":
            match = ENTITY.match(source, at)
            if match is None:
                raise ParseError(f"Bare '&' at byte offset {at}")
            out.append(decode_entity(match))
            at = match.end()
        elif char == ">":
            raise ParseError(f"Bare '>' at byte offset {at}")
        else:
            out.append(char)
            at += 1
    if open_tags:
        raise ParseError(f"Can't find end tag corresponding to start tag {open_tags[-1][0]}")
    return Parsed("".join(out), entities)


def _tag(
    source: str,
    at: int,
    out: list[str],
    open_tags: list[tuple[str, int, dict[str, str]]],
    entities: list[dict[str, Any]],
) -> int:
    match = TAG.match(source, at)
    if match is None:
        raise ParseError(f"Unsupported start tag at byte offset {at}")
    closing, name, attributes = match.group(1), match.group(2), match.group(3)
    if name not in TAGS:
        raise ParseError(f'Unsupported start tag "{name}" at byte offset {at}')
    offset = utf16("".join(out))
    if not closing:
        attrs = {k: ENTITY.sub(decode_entity, v) for k, v in ATTRIBUTE.findall(attributes)}
        if name == "a" and not attrs.get("href", "").startswith(("http://", "https://", "tg://")):
            raise ParseError("Wrong or missing href in a tag")
        if name == "a" and any(tag == "a" for tag, _, _ in open_tags):
            raise ParseError("Nested a tags")
        open_tags.append((name, offset, attrs))
        return match.end()
    if not open_tags or open_tags[-1][0] != name:
        raise ParseError(f'Unmatched end tag at byte offset {at}, expected "</{name}>"')
    _, start, attrs = open_tags.pop()
    entity: dict[str, Any] = {"type": name, "offset": start, "length": offset - start}
    if name == "a":
        entity["url"] = attrs["href"]
    entities.append(entity)
    return match.end()


@dataclass
class Stored:
    message_id: int
    chat_id: str
    html: str
    text: str
    entities: list[dict[str, Any]]
    reply_to: int | None
    link_preview_options: dict[str, Any] | None


def error(code: int, description: str, **parameters: Any) -> Reply:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json_reply(body, code)


class FakeTelegram(FakeServer):
    def __init__(self, token: str = TOKEN, chats: tuple[str, ...] = (CHAT_ID,)) -> None:
        super().__init__()
        self.token = token
        self.chats = set(chats)
        self.messages: list[Stored] = []
        self.blocked = False
        self._limits: list[float] = []

    @property
    def api_url(self) -> str:
        return self.url

    # scripting ---------------------------------------------------------------------------

    def rate_limit(self, retry_after: int, times: int = 1) -> None:
        """The next ``times`` messages get 429 Too Many Requests with ``retry_after``."""
        with self._lock:
            self._limits.extend([retry_after] * times)

    def block(self) -> None:
        """The bot was blocked by the user: 403 from now on."""
        self.blocked = True

    # serving -----------------------------------------------------------------------------

    def respond(self, request: Request) -> Reply:
        match = re.fullmatch(r"/bot([^/]*)/(\w+)", request.path)
        if request.method != "POST" or match is None:
            return error(404, "Not Found")
        if match.group(1) != self.token:
            return error(401, "Unauthorized")
        if match.group(2) != "sendMessage":
            return error(404, "Not Found")
        try:
            sent = read_body(request)
        except ValueError as e:
            return error(400, f"Bad Request: {e}")
        return self._send_message(request, sent)

    def _send_message(self, request: Request, sent: dict[str, Any]) -> Reply:
        chat_id = str(sent.get("chat_id", ""))
        if chat_id not in self.chats:
            return error(400, "Bad Request: chat not found")
        if self.blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        with self._lock:
            wait = self._limits.pop(0) if self._limits else None
        if wait is not None:
            return error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        problem, parsed = self._check(sent)
        if problem is not None or parsed is None:
            return problem or error(400, "Bad Request: message text is empty")
        self.checkpoint("before_store", request, "message")
        stored = self._store(chat_id, sent, parsed)
        self.checkpoint("after_store", request, "message")
        return json_reply({"ok": True, "result": self._result(stored)})

    def _check(self, sent: dict[str, Any]) -> tuple[Reply | None, Parsed | None]:
        text = sent.get("text")
        if not isinstance(text, str) or not text.strip():
            return error(400, "Bad Request: message text is empty"), None
        if sent.get("parse_mode") == "HTML":
            try:
                parsed = parse_html(text)
            except ParseError as e:
                return error(400, f"Bad Request: can't parse entities: {e}"), None
        else:
            parsed = Parsed(text)
        if utf16(parsed.text) > LIMIT:
            return error(400, "Bad Request: message is too long"), None
        reply = sent.get("reply_parameters") or {}
        target = reply.get("message_id")
        known = any(m.message_id == target for m in self.messages)
        if target is not None and not known and not reply.get("allow_sending_without_reply"):
            return error(400, "Bad Request: message to be replied not found"), None
        return None, parsed

    def _store(self, chat_id: str, sent: dict[str, Any], parsed: Parsed) -> Stored:
        reply = sent.get("reply_parameters") or {}
        target = reply.get("message_id")
        with self._lock:
            known = any(m.message_id == target for m in self.messages)
            stored = Stored(
                message_id=FIRST_ID + len(self.messages),
                chat_id=chat_id,
                html=sent["text"],
                text=parsed.text,
                entities=parsed.entities,
                reply_to=target if known else None,
                link_preview_options=sent.get("link_preview_options"),
            )
            self.messages.append(stored)
        return stored

    def _result(self, stored: Stored) -> dict[str, Any]:
        result: dict[str, Any] = {
            "message_id": stored.message_id,
            "date": 1733500000 + stored.message_id,
            "chat": {"id": int(stored.chat_id), "type": "supergroup"},
            "text": stored.text,
            "entities": stored.entities,
        }
        if stored.reply_to is not None:
            result["reply_to_message"] = {"message_id": stored.reply_to}
        return result


def read_body(request: Request) -> dict[str, Any]:
    """A JSON body, or a form whose object-valued fields are JSON strings, as the API takes."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        value = json.loads(request.body)
        if not isinstance(value, dict):
            raise ValueError("the body is not a JSON object")
        return value
    if kind.startswith("application/x-www-form-urlencoded"):
        form: dict[str, Any] = dict(parse_qsl(request.body.decode("utf-8")))
        for name in ("reply_parameters", "link_preview_options"):
            if name in form:
                form[name] = json.loads(form[name])
        return form
    raise ValueError(f"unsupported content type {kind!r}")
