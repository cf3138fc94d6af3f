"""Telegram: a header message for the period, then one reply to it per paper, via the Bot API.

Messages use Telegram's HTML parse mode with only ``<b>``, ``<i>`` and ``<a href>``; every
piece of data is escaped. Telegram allows 4,096 characters per message *after* the tags and
entities are parsed, counted here in UTF-16 code units as Telegram counts offsets (an emoji
counts twice, Hangul once). A paper that would not fit has its longest sections cut, at a word
where possible, and marked with "…"; cutting happens on the plain text before escaping, so a
cut never falls inside a tag or an entity. The words are the digest's language's
(``words_for(view.lang)``).

**A crash can duplicate one message.** A bot cannot read a chat's history, so this channel
cannot look for an earlier send (``can_find = False``). If the process dies in the instant
between Telegram accepting a message and the ledger recording it as sent, the next run sends
that one message again; if Telegram's answer is lost (a timeout, a 5xx), the same run sends it
again. Either way the report says so ("sent again after an unclear try"), and later replies
thread under the copy that was recorded. Every other message is sent exactly once.

Looking by editing was considered and rejected. ``editMessageText`` with the very text a
message should hold answers "message is not modified" when that id holds it, so the ids after
the header could be probed. But the probe is an edit: at an id holding any *other* message the
bot may edit, Telegram replaces that message with ours. In a channel, where a bot admin may
usually edit every post, or in a chat where the same bot also posts from elsewhere, a probe
that misses overwrites someone's post for good. A duplicate can be deleted; an overwritten post
cannot be restored.

**The bot token never leaves the transport.** Telegram wants it in the URL path, and httpx2
puts the URL in its log lines and exceptions. So requests are built against a placeholder
path (``/botTOKEN/``) and only the transport swaps the real token in on the way out; every
error message is written here, never copied from httpx2.

Connections are not kept alive between messages: the ``publish`` command does not close its
channels, and an idle pooled socket would outlive it. A day is a few dozen messages, and
Telegram's own pace (about 20 messages a minute to a group) dwarfs a handshake per message.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx2

from dailypapers.digest.views import PaperView, PeriodView, page_url, section_name
from dailypapers.errors import ConfigError
from dailypapers.http import USER_AGENT
from dailypapers.logs import redact
from dailypapers.publish import read_api_url, read_site_url, require
from dailypapers.publish.common import (
    Limits,
    fit,
    fit_sections,
    paper_links,
    retry_after,
    transport_failure,
    units,
)
from dailypapers.publish.deliver import DeliveryError, Message
from dailypapers.publish.words import Words, words_for

TELEGRAM_API = "https://api.telegram.org"
#: Telegram's limit: UTF-16 code units of visible text in one message; and the longest title,
#: author line and note, so that the sections keep most of the room.
LIMITS = Limits(message=4096, title=400, authors=400, note=300)
#: The path segment requests are built with; the transport puts ``bot<token>`` in its place.
TOKEN_SLOT = "botTOKEN"
DEFAULT_RETRY_AFTER = 5.0


# visible length and cutting --------------------------------------------------------------


def cut(text: str, room: int) -> str:
    """``text`` if it fits in ``room`` units, else its start (at a space if one is near) + "…"."""
    return fit(text, room, at_word=True)


class Text:
    """A message under construction: the HTML sent, and the plain text Telegram will show."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.plain: list[str] = []

    def add(self, text: str, tag: str | None = None, href: str | None = None) -> Text:
        escaped = html.escape(text)
        if href is not None:
            escaped = f'<a href="{html.escape(href)}">{escaped}</a>'
        if tag is not None:
            escaped = f"<{tag}>{escaped}</{tag}>"
        self.html.append(escaped)
        self.plain.append(text)
        return self

    @property
    def length(self) -> int:
        return units("".join(self.plain))

    def render(self) -> str:
        return "".join(self.html)


# formatting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """The body of one Telegram message."""

    html: str
    previews: bool = False


def header_text(view: PeriodView, site_url: str | None) -> Text:
    words = words_for(view.lang)
    text = Text().add(words.heading(view.period), "b")
    text.add("\n" + words.reply_lead.format(count=words.count(len(view.papers))))
    if site_url is not None:
        text.add("\n").add(words.read_on_site, href=page_url(site_url, view.period))
    return text


def paper_text(paper: PaperView, sections: Sequence[str], words: Words) -> Text:
    """The message of one paper, with ``sections`` as the (possibly cut) section texts."""
    text = Text().add(cut(paper.title, LIMITS.title), "b", href=paper.arxiv_url)
    text.add("\n" + words.votes.format(n=paper.votes))
    for label, url in paper_links(paper, words, limit=LIMITS.url):
        text.add(" · ").add(label, href=url)
    if paper.authors:
        shown = words.authors(paper.authors, LIMITS.max_authors)
        text.add("\n").add(cut(shown, LIMITS.authors), "i")
    if paper.note:
        text.add("\n").add(cut(paper.note, LIMITS.note), "i")
    for section, body in zip(paper.sections, sections, strict=True):
        text.add("\n\n")
        if name := section_name(section.label):
            text.add(name, "b").add("\n")
        text.add(body)
    return text


def format_paper(paper: PaperView, words: Words) -> str:
    """The HTML of one paper's message, its sections cut so the visible text fits Telegram's
    limit."""
    fitted = fit_sections(
        [section.text for section in paper.sections],
        LIMITS.message,
        lambda bodies: paper_text(paper, bodies, words),
        lambda text: text.length,
        at_word=True,
    )
    return fitted.render()


# the channel -----------------------------------------------------------------------------


class TokenTransport(httpx2.BaseTransport):
    """Puts the bot token into the path of each request as it leaves, and nowhere else."""

    def __init__(self, token: str, inner: httpx2.BaseTransport) -> None:
        self._token = token
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path.replace(f"/{TOKEN_SLOT}/", f"/bot{self._token}/", 1)
        real = httpx2.Request(
            request.method,
            request.url.copy_with(path=path),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return self._inner.handle_request(real)

    def close(self) -> None:
        self._inner.close()


def telegram_client(token: str, *, timeout: float) -> httpx2.Client:
    """An httpx2 client whose requests to ``.../botTOKEN/...`` carry the real token."""
    inner = httpx2.HTTPTransport(limits=httpx2.Limits(max_keepalive_connections=0))
    return httpx2.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=timeout,
        transport=TokenTransport(token, inner),
    )


class TelegramChannel:
    name = "telegram"
    can_find = False
    limits = LIMITS

    def __init__(
        self,
        *,
        token: str,
        chat_id: str,
        api_url: str = TELEGRAM_API,
        site_url: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.chat_id = chat_id
        self.target = f"chat {chat_id}"
        self.api_url = api_url.rstrip("/")
        self.site_url = site_url.rstrip("/") if site_url else None
        self.timeout = timeout
        self._token = token
        self._client = telegram_client(token, timeout=timeout)

    def close(self) -> None:
        self._client.close()

    def messages(self, view: PeriodView) -> list[Message]:
        header = Outgoing(header_text(view, self.site_url).render(), previews=bool(self.site_url))
        found = [Message("header", header)]
        words = words_for(view.lang)
        for paper in view.papers:
            body = Outgoing(format_paper(paper, words))
            found.append(Message(paper.arxiv_id, body, parent="header"))
        return found

    def send(self, message: Message, parent_id: str | None) -> str:
        body: Outgoing = message.body
        payload: dict[str, Any] = {
            "chat_id": self.chat_id,
            "text": body.html,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": not body.previews},
        }
        if parent_id is not None:
            payload["reply_parameters"] = {
                "message_id": int(parent_id),
                "allow_sending_without_reply": True,
            }
        result = self._call("sendMessage", payload)
        message_id = result.get("message_id")
        if not isinstance(message_id, int):
            raise DeliveryError(
                "Telegram accepted the message but gave no message_id", unclear=True
            )
        return str(message_id)

    def find(self, message: Message, parent_id: str | None) -> str | None:
        return None  # a bot cannot read the chat's history

    # the Bot API -------------------------------------------------------------------------

    def _call(self, method: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{self.api_url}/{TOKEN_SLOT}/{method}"
        try:
            response = self._client.post(url, json=payload)
        except httpx2.TransportError as e:
            raise transport_failure(
                e, service="Telegram", what="", api_url=self.api_url, timeout=self.timeout
            ) from None
        return self._answer(response)

    def _answer(self, response: httpx2.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        status = response.status_code
        if not isinstance(data, dict):
            unclear = status < 400 or status >= 500
            raise DeliveryError(
                f"Telegram answered HTTP {status} without a Bot API reply"
                + ("; the message may have arrived" if unclear else ": check TELEGRAM_API_URL"),
                unclear=unclear,
            )
        if data.get("ok") is True and isinstance(data.get("result"), dict):
            result: dict[str, Any] = data["result"]
            return result
        code, parameters = data.get("error_code"), data.get("parameters")
        code = code if isinstance(code, int) else status
        parameters = parameters if isinstance(parameters, dict) else {}
        said = redact(str(data.get("description") or f"HTTP {status}"), [self._token])
        raise self._refusal(code, said, parameters, response.headers)

    def _refusal(
        self, code: int, said: str, parameters: dict[str, Any], headers: Mapping[str, str]
    ) -> DeliveryError:
        """The DeliveryError for an ``ok: false`` answer: what Telegram said, and what to fix."""
        chat = self.chat_id
        if code == 429:
            asked = parameters.get("retry_after")
            seconds = retry_after(headers, asked, default=DEFAULT_RETRY_AFTER)
            return DeliveryError(
                f"Telegram asks to wait {seconds:g} s ({said})", retry_after=seconds
            )
        if code in (401, 404):
            return DeliveryError(
                f"Telegram refused the bot token ({code} {said}): check TELEGRAM_BOT_TOKEN "
                "(the token @BotFather gave) and TELEGRAM_API_URL",
                fatal=True,
            )
        if code == 403:
            return DeliveryError(
                f"Telegram does not let the bot post to chat {chat} ({said}): add the bot to the "
                "chat (as an admin for a channel), or unblock it",
                fatal=True,
            )
        new_chat = parameters.get("migrate_to_chat_id")
        if code == 400 and new_chat is not None:
            return DeliveryError(
                f"chat {chat} became a supergroup: set TELEGRAM_CHAT_ID={new_chat}", fatal=True
            )
        if code == 400 and "chat not found" in said.lower():
            return DeliveryError(
                f"Telegram does not know chat {chat} ({said}): check TELEGRAM_CHAT_ID and that "
                "the bot is a member of the chat",
                fatal=True,
            )
        if code >= 500:
            return DeliveryError(
                f"Telegram failed ({code} {said}); the message may have arrived", unclear=True
            )
        return DeliveryError(f"Telegram refused the message ({code} {said})")


def from_env(env: Mapping[str, str], *, timeout: float = 30.0) -> TelegramChannel:
    token, chat_id = require(env, "telegram", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")
    if any(char.isspace() or char in "/?#%" for char in token):
        raise ConfigError(
            "telegram: TELEGRAM_BOT_TOKEN does not look like a bot token "
            "(digits, a colon, then letters, as @BotFather gives it)"
        )
    api_url = read_api_url(env, "telegram", TELEGRAM_API, limit=LIMITS.url)
    site_url = read_site_url(env, limit=LIMITS.url)
    return TelegramChannel(
        token=token, chat_id=chat_id, api_url=api_url, site_url=site_url, timeout=timeout
    )
