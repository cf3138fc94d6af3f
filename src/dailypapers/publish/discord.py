"""Discord: a header message in the channel, then one message per paper in a thread started
from the header, via the bot REST API (v10).

Messages are plain ``content`` (at most 2,000 characters, counted here in UTF-16 code units so
never short) in Discord Markdown. Every piece of data (title, authors, note, sections) is
escaped with a backslash before each character Discord could read as markup, so a title made of
``*_~|>#[]()`` and backticks shows as written; links are ``[label](<url>)`` to http(s) addresses
only, link previews are suppressed and no mention pings anyone. A paper that would not fit has
its longest sections cut (before escaping, so a cut never splits an escape) and marked "…".

**Finding an earlier send.** Discord does not return a message's ``nonce`` when the channel is
read back, so every message ends with a marker line of its own, ``-# dailypapers <period> ·
<item>`` (small grey text). ``find`` reads the thread (a paper) or the channel (the header),
newest first, for a message by this bot ending with that line, up to 500 messages back.
Without Read Message History Discord answers every read with an empty list, so a message left
unclear by a crash would be sent again. The ``nonce`` is still sent, with ``enforce_nonce``, so
that Discord itself answers a resend within a few minutes with the first message, not a copy.

**The thread** has the id of the header message. It is started before the first paper is
posted in it; if it exists already (Discord's error 160004), that is fine.

The token goes only into the ``Authorization`` header; every error message is written here.
Connections are not kept alive between requests: ``publish`` does not close its channels.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx2

from dailypapers import __version__
from dailypapers.digest.views import PaperView, PeriodView, page_url, section_name
from dailypapers.digest.views import web_url as checked_url
from dailypapers.errors import ConfigError
from dailypapers.logs import redact
from dailypapers.publish import read_api_url, read_site_url, require
from dailypapers.publish.common import (
    authors_text,
    describe,
    fit,
    heading,
    one_line,
    paper_links,
    retry_after,
    share,
    transport_failure,
    units,
)
from dailypapers.publish.deliver import DeliveryError, Message

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"
USER_AGENT = f"DiscordBot (https://pypi.org/project/dailypapers/, {__version__})"
#: Discord's limits: message content, thread name, nonce.
CONTENT_LIMIT = 2000
THREAD_NAME_LIMIT = 100
NONCE_LENGTH = 25
#: Longest title, author line, note and link, so that the sections keep most of the room.
TITLE_ROOM, AUTHORS_ROOM, NOTE_ROOM, URL_LIMIT = 300, 300, 200, 200
#: Message flag: no link previews under the message.
SUPPRESS_EMBEDS = 1 << 2
#: Minutes without activity before Discord hides the thread (the longest it allows).
ARCHIVE_MINUTES = 10080
#: How far ``find`` looks: pages of this many messages, newest first.
PAGE_SIZE, LOOKUP_PAGES = 100, 5
#: Tries of a request that is safe to repeat (reading, starting the thread).
SAFE_TRIES = 3
MAX_WAIT = 60.0
DEFAULT_RETRY_AFTER = 1.0
#: Discord's JSON error codes that this channel acts on.
UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, THREAD_EXISTS = 10003, 10008, 160004
PERMISSIONS = (
    "View Channel, Send Messages, Create Public Threads, Send Messages in Threads "
    "and Read Message History"
)


# formatting --------------------------------------------------------------------------------

#: Characters that are markup anywhere in a line (``:`` makes emoji and links, ``@`` mentions).
MARKUP = re.compile(r"([\\*_~|`>#\[\]()<@:])")
#: What is markup only at the start of a line: a list item, subtext, a numbered item.
LINE_START = re.compile(r"^(\s*)(-|\+|\d+\.)", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` as Discord Markdown that shows exactly ``text``."""
    text = MARKUP.sub(r"\\\1", text)
    return LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)


def url_in_link(url: str) -> str:
    """A checked http(s) address, fit for ``(<url>)``: what could end it early encoded."""
    for char in "\\<>()":
        url = url.replace(char, f"%{ord(char):02X}")
    return url


def web_url(url: str | None, limit: int = URL_LIMIT) -> str | None:
    """``url`` fit for ``(<url>)`` when it is a short http(s) address, else None."""
    url = checked_url(url, limit)
    return None if url is None else url_in_link(url)


def link(label: str, url: str) -> str:
    return f"[{escape(label)}](<{url}>)"


def marker(period: str, item: str) -> str:
    """The last line of every message: how ``find`` knows it again."""
    return f"-# dailypapers {period} · {item}"


def thread_name(period: str) -> str:
    return heading(period)[:THREAD_NAME_LIMIT]


def header_content(view: PeriodView, site_url: str | None) -> str:
    lines = [
        f"## {escape(thread_name(view.period.name))}",
        f"논문 {len(view.papers)}편 · 스레드에 한 편씩",
    ]
    if site_url is not None and (page := web_url(page_url(site_url, view.period), 500)):
        lines.append(link("사이트에서 보기", page))
    lines.append(marker(view.period.name, "header"))
    return "\n".join(lines)


def paper_content(period: str, paper: PaperView, limit: int = CONTENT_LIMIT) -> str:
    """The message of one paper, its sections cut so that it fits ``limit``."""
    full = [section.text for section in paper.sections]
    bare = units(paper_lines(period, paper, [""] * len(full)))
    caps = share([units(escape(text)) for text in full], limit - bare)
    fitted = [fit(text, cap, escape) for text, cap in zip(full, caps, strict=True)]
    return paper_lines(period, paper, fitted)


def paper_lines(period: str, paper: PaperView, bodies: Sequence[str]) -> str:
    """The message of one paper with ``bodies`` (escaped) as the section texts."""
    title = fit(one_line(paper.title), TITLE_ROOM, escape) or escape(paper.arxiv_id)
    links = [link(label, url_in_link(url)) for label, url in paper_links(paper, limit=URL_LIMIT)]
    lines = [f"**{title}**", " · ".join([f"▲ {paper.votes}", *links])]
    if paper.authors:
        lines.append(f"-# {fit(authors_text(paper.authors), AUTHORS_ROOM, escape)}")
    if paper.note:
        lines.append(fit(paper.note, NOTE_ROOM, lambda s: f"*{escape(s)}*"))
    for section, body in zip(paper.sections, bodies, strict=True):
        lines.append("")
        if name := section_name(section.label):
            lines.append(f"**{escape(name)}**")
        lines.append(body)
    lines += ["", marker(period, paper.arxiv_id)]
    return "\n".join(lines)


@dataclass(frozen=True)
class DiscordPost:
    """One message, ready to send. ``thread`` names the thread its papers go in."""

    content: str
    marker: str
    nonce: str
    thread: str


def nonce(target: str, period: str, item: str) -> str:
    return hashlib.sha256(f"{target}|{period}|{item}".encode()).hexdigest()[:NONCE_LENGTH]


# the channel -------------------------------------------------------------------------------


class DiscordChannel:
    name = "discord"
    can_find = True

    def __init__(
        self,
        *,
        token: str,
        channel_id: str,
        api_url: str = DISCORD_API,
        site_url: str | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.channel_id = self.target = channel_id
        self.api_url = api_url.rstrip("/")
        self.site_url = site_url.rstrip("/") if site_url else None
        self.timeout = timeout
        self._token = token
        self._sleep = sleep
        self._client = httpx2.Client(
            headers={"Authorization": f"Bot {token}", "User-Agent": USER_AGENT},
            timeout=timeout,
            transport=httpx2.HTTPTransport(limits=httpx2.Limits(max_keepalive_connections=0)),
        )
        self._threads: set[str] = set()
        self._me: str | None = None
        self._pause_until = 0.0  # monotonic time before which no request is made

    def close(self) -> None:
        self._client.close()

    def messages(self, view: PeriodView) -> list[Message]:
        name, period = thread_name(view.period.name), view.period.name

        def post(item: str, content: str) -> DiscordPost:
            return DiscordPost(
                content, marker(period, item), nonce(self.target, period, item), name
            )

        found = [Message("header", post("header", header_content(view, self.site_url)))]
        for paper in view.papers:
            body = post(paper.arxiv_id, paper_content(period, paper))
            found.append(Message(paper.arxiv_id, body, parent="header"))
        return found

    def send(self, message: Message, parent_id: str | None) -> str:
        post: DiscordPost = message.body
        where = self.channel_id
        if parent_id is not None:
            self._start_thread(parent_id, post.thread)
            where = parent_id
        payload = {
            "content": post.content,
            "nonce": post.nonce,
            "enforce_nonce": True,
            "flags": SUPPRESS_EMBEDS,
            "allowed_mentions": {"parse": []},
        }
        what = describe(message)
        sent = self._call("POST", f"/channels/{where}/messages", what, json=payload)
        message_id = sent.get("id") if isinstance(sent, dict) else None
        if not isinstance(message_id, str) or not message_id.isdigit():
            raise DeliveryError(f"Discord took {what} but gave no id for it", unclear=True)
        return message_id

    def find(self, message: Message, parent_id: str | None) -> str | None:
        post: DiscordPost = message.body
        what = f"looking up {describe(message)}"
        me = self._my_id()
        where = parent_id or self.channel_id
        # A paper's thread may not exist yet: then the paper is not in it.
        missing = (UNKNOWN_CHANNEL,) if parent_id is not None else ()
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        for _ in range(LOOKUP_PAGES):
            page = self._call("GET", f"/channels/{where}/messages", what, params, allow=missing)
            if page is None:
                return None
            if not isinstance(page, list):
                raise DeliveryError(f"{what}: Discord did not answer with a list of messages")
            for found in page:
                if ours(found, me, post.marker):
                    return str(found["id"])
            if len(page) < PAGE_SIZE:
                return None
            seen = [str(m.get("id")) for m in page if isinstance(m, dict)]
            params["before"] = min(seen, key=snowflake)
        return None

    # requests ----------------------------------------------------------------------------

    def _start_thread(self, header_id: str, name: str) -> None:
        if header_id in self._threads:
            return
        path = f"/channels/{self.channel_id}/messages/{header_id}/threads"
        body = {"name": name, "auto_archive_duration": ARCHIVE_MINUTES}
        self._call("POST", path, "starting the thread", json=body, allow=(THREAD_EXISTS,))
        self._threads.add(header_id)

    def _my_id(self) -> str:
        if self._me is None:
            me = self._call("GET", "/users/@me", "asking Discord who the bot is")
            if not isinstance(me, dict) or not isinstance(me.get("id"), str):
                raise DeliveryError("Discord did not say who the bot is")
            self._me = me["id"]
        return self._me

    def _call(
        self,
        method: str,
        path: str,
        what: str,
        params: Mapping[str, str | int] | None = None,
        *,
        json: Any = None,
        allow: Collection[int] = (),
    ) -> Any:
        """The JSON answer; None for an error whose code is in ``allow``. Raises DeliveryError.

        Anything but a message post is safe to repeat, and is tried again after a 429, a 5xx
        or a broken connection.
        """
        tries = 1 if method == "POST" and path.endswith("/messages") else SAFE_TRIES
        for attempt in range(1, tries):
            try:
                return self._once(method, path, what, params, json, allow)
            except DeliveryError as e:
                if e.fatal or not (e.unclear or e.retry_after is not None):
                    raise
                wait = e.retry_after if e.retry_after is not None else 0.5 * 2**attempt
                wait = min(wait, MAX_WAIT) + random.uniform(0, 0.1)
                log.info("%s; trying again in %.1f s", e.reason, wait)
                self._sleep(wait)
        return self._once(method, path, what, params, json, allow)

    def _once(
        self,
        method: str,
        path: str,
        what: str,
        params: Mapping[str, str | int] | None,
        json: Any,
        allow: Collection[int],
    ) -> Any:
        pause = self._pause_until - time.monotonic()
        if pause > 0:
            self._sleep(min(pause, MAX_WAIT))
        try:
            response = self._client.request(
                method, self.api_url + path, params=dict(params or {}), json=json
            )
        except httpx2.TransportError as e:
            raise transport_failure(
                e, service="Discord", what=what, api_url=self.api_url, timeout=self.timeout
            ) from None
        self._note_bucket(response.headers)
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_success and data is not None:
            return data
        code = data.get("code") if isinstance(data, dict) else None
        if code in allow:
            return None
        raise self._refusal(what, path, response, data)

    def _note_bucket(self, headers: Mapping[str, str]) -> None:
        """When Discord says a rate limit bucket is empty, wait until it refills before the
        next request, rather than be answered 429."""
        if headers.get("x-ratelimit-remaining") != "0":
            return
        try:
            reset = float(headers.get("x-ratelimit-reset-after", ""))
        except ValueError:
            return
        self._pause_until = time.monotonic() + min(max(reset, 0.0), MAX_WAIT)

    def _refusal(self, what: str, path: str, response: httpx2.Response, data: Any) -> DeliveryError:
        """The DeliveryError for a failed request: what Discord said, and what to fix."""
        status = response.status_code
        body = data if isinstance(data, dict) else {}
        code = body.get("code")
        said = redact(str(body.get("message") or ""), [self._token])
        if not said.startswith(str(status)):
            said = f"{status} {said}".strip()  # Discord's own: "401: Unauthorized"
        said += details(body.get("errors"))
        channel = self.channel_id
        if status == 429:
            seconds = retry_after(
                response.headers, body.get("retry_after"), default=DEFAULT_RETRY_AFTER
            )
            return DeliveryError(f"{what}: Discord asks to wait {seconds:g} s", retry_after=seconds)
        if status == 401:
            return DeliveryError(
                f"Discord refused the bot token ({said}): check DISCORD_BOT_TOKEN (the "
                "token on the Bot page of the application) and DISCORD_API_URL",
                fatal=True,
            )
        if status == 403:
            return DeliveryError(
                f"Discord does not let the bot do this in channel {channel} ({what}: {said}): "
                f"give it {PERMISSIONS} there",
                fatal=True,
            )
        if code == UNKNOWN_CHANNEL and f"/channels/{channel}/" in path:
            return DeliveryError(
                f"Discord does not know channel {channel} ({said}): check DISCORD_CHANNEL_ID "
                "(Copy Channel ID, in developer mode) and that the bot is in that server",
                fatal=True,
            )
        if code == UNKNOWN_MESSAGE and path.endswith("/threads"):
            return DeliveryError(
                f"the header message is gone from channel {channel} ({said}): its papers "
                "cannot be posted in its thread",
                fatal=True,
            )
        if status >= 500 or (response.is_success and data is None):
            return DeliveryError(
                f"{what}: Discord failed ({said}); it may have arrived", unclear=True
            )
        return DeliveryError(f"Discord refused {what} ({said})")


def ours(found: Any, me: str, wanted: str) -> bool:
    """Whether ``found`` (a message as Discord lists it) is this bot's message ``wanted``."""
    if not isinstance(found, dict) or not isinstance(found.get("content"), str):
        return False
    author = found.get("author")
    return (
        isinstance(author, dict)
        and author.get("id") == me
        and found["content"].rstrip().endswith("\n" + wanted)
    )


def snowflake(value: str) -> int:
    return int(value) if value.isdigit() else 0


def details(errors: Any) -> str:
    """The first few field errors of an Invalid Form Body answer, as ``field: message``."""
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if not isinstance(node, dict):
            return
        for problem in node.get("_errors") or []:
            if isinstance(problem, dict):
                found.append(f"{where or 'body'}: {problem.get('message')}")
        for key, value in node.items():
            if key != "_errors":
                walk(value, f"{where}.{key}" if where else str(key))

    walk(errors, "")
    return f" ({'; '.join(found[:3])})" if found else ""


def from_env(env: Mapping[str, str], *, timeout: float = 30.0) -> DiscordChannel:
    token, channel_id = require(env, "discord", "DISCORD_BOT_TOKEN", "DISCORD_CHANNEL_ID")
    token = token.removeprefix("Bot ").strip()
    if not token or any(not 33 <= ord(char) < 127 for char in token):
        raise ConfigError(
            "discord: DISCORD_BOT_TOKEN does not look like a bot token (copy it from the Bot "
            "page of the application in the Discord Developer Portal)"
        )
    if re.fullmatch(r"[0-9]{15,21}", channel_id) is None:
        raise ConfigError(
            f"discord: DISCORD_CHANNEL_ID must be a channel id (digits, from Copy Channel ID "
            f"in developer mode), not {channel_id!r}"
        )
    api_url = read_api_url(env, "discord", DISCORD_API, limit=500)
    site_url = read_site_url(env, limit=500)
    return DiscordChannel(
        token=token, channel_id=channel_id, api_url=api_url, site_url=site_url, timeout=timeout
    )
