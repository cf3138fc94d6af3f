"""Discord: a header message in the channel, then one message per paper in a thread started
from the header, via the bot REST API (v10).

The messages are made in ``discord_format``: escaped Discord Markdown, each ending with a
marker line of its own. Link previews are suppressed and no mention pings anyone.

**Finding an earlier send.** Discord does not return a message's ``nonce`` when the channel is
read back, so ``find`` reads the thread (a paper) or the channel (the header), newest first,
for a message by this bot ending with the message's marker line, up to 500 messages back.
Without Read Message History Discord answers every read with an empty list, so a message left
unclear by a crash would be sent again. The ``nonce`` is still sent, with ``enforce_nonce``, so
that Discord itself answers a resend within a few minutes with the first message, not a copy.

**The thread** has the id of the header message. It is started before the first paper is
posted in it; if it exists already (Discord's error 160004), that is fine.

**Waiting.** A request that is safe to repeat (reading, starting the thread) is tried again
after a 429, a 5xx or a broken connection, as the package's one retry policy says
(``dailypapers.retry``): as long as Discord asks, else a jittered backoff, and never when
Discord asks for more than ``MAX_WAIT``. When Discord says a rate limit bucket is empty, the
next request waits until it refills. A message post is tried once here: ``deliver`` retries it.

The token goes only into the ``Authorization`` header; every error message is written here.
Connections are not kept alive between requests: ``publish`` does not close its channels.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx2

from dailypapers import __version__
from dailypapers.digest.views import PeriodView
from dailypapers.errors import ConfigError
from dailypapers.logs import redact
from dailypapers.publish import read_api_url, read_site_url, require
from dailypapers.publish.common import describe, retry_after, transport_failure
from dailypapers.publish.deliver import DeliveryError, Message, wait_before_retry
from dailypapers.publish.discord_format import LIMITS, SITE_URL_LIMIT, DiscordPost, posts
from dailypapers.retry import MAX_WAIT, RetryPolicy, log_retry

DISCORD_API = "https://discord.com/api/v10"
USER_AGENT = f"DiscordBot (https://pypi.org/project/dailypapers/, {__version__})"
#: Message flag: no link previews under the message.
SUPPRESS_EMBEDS = 1 << 2
#: Minutes without activity before Discord hides the thread (the longest it allows).
ARCHIVE_MINUTES = 10080
#: How far ``find`` looks: pages of this many messages, newest first.
PAGE_SIZE, LOOKUP_PAGES = 100, 5
#: How a request that is safe to repeat (reading, starting the thread) is tried.
SAFE_RETRY = RetryPolicy(attempts=3, backoff=1.0)
DEFAULT_RETRY_AFTER = 1.0
#: Discord's JSON error codes that this channel acts on.
UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, THREAD_EXISTS = 10003, 10008, 160004
PERMISSIONS = (
    "View Channel, Send Messages, Create Public Threads, Send Messages in Threads "
    "and Read Message History"
)


# the channel -------------------------------------------------------------------------------


class DiscordChannel:
    name = "discord"
    can_find = True
    limits = LIMITS

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
        made = posts(view, self.target, self.site_url)
        return [Message(item, post, None if item == "header" else "header") for item, post in made]

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
        or a broken connection, as ``SAFE_RETRY`` says.
        """
        post = method == "POST" and path.endswith("/messages")
        policy = RetryPolicy(attempts=1) if post else SAFE_RETRY
        attempt = 1
        while True:
            try:
                return self._once(method, path, what, params, json, allow)
            except DeliveryError as e:
                seconds = wait_before_retry(policy, attempt, e)
                if seconds is None:
                    raise
                log_retry(f"Discord {method} {path}", attempt, e.reason, seconds)
                self._hold(seconds)
            attempt += 1

    def _once(
        self,
        method: str,
        path: str,
        what: str,
        params: Mapping[str, str | int] | None,
        json: Any,
        allow: Collection[int],
    ) -> Any:
        self._wait_for_turn(what)
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

    def _hold(self, seconds: float) -> None:
        """Make no request for ``seconds``: the next one waits (see ``_wait_for_turn``)."""
        self._pause_until = max(self._pause_until, time.monotonic() + seconds)

    def _wait_for_turn(self, what: str) -> None:
        """Sleep until the hold is over; a hold longer than ``MAX_WAIT`` is not waited out:
        the request fails, asking for the wait."""
        pause = self._pause_until - time.monotonic()
        if pause > MAX_WAIT:
            raise DeliveryError(f"{what}: Discord asks to wait {pause:.0f} s", retry_after=pause)
        if pause > 0:
            self._sleep(pause)
            self._pause_until = 0.0  # served

    def _note_bucket(self, headers: Mapping[str, str]) -> None:
        """When Discord says a rate limit bucket is empty, wait until it refills before the
        next request, rather than be answered 429."""
        if headers.get("x-ratelimit-remaining") != "0":
            return
        try:
            reset = float(headers.get("x-ratelimit-reset-after", ""))
        except ValueError:
            return
        self._hold(max(reset, 0.0))

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
    api_url = read_api_url(env, "discord", DISCORD_API, limit=SITE_URL_LIMIT)
    site_url = read_site_url(env, limit=SITE_URL_LIMIT)
    return DiscordChannel(
        token=token, channel_id=channel_id, api_url=api_url, site_url=site_url, timeout=timeout
    )
