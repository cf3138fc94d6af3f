"""Slack: a header message for the period, then one reply per paper in the header's thread.

The messages are made in ``slack_format``: Block Kit with a plain ``text`` fallback, the
digest's text only in ``plain_text`` objects, and ``metadata`` naming each post's period and
item, so that after a crash ``find`` can tell whether a post arrived: a paper among the
replies of the header's thread, the header among the channel's latest messages.

The SDK retries a lookup after a 429, and any request after a connection error that surely
sent nothing, waiting as the package's one retry policy says (``dailypapers.retry``); a 429
asking for more than ``MAX_WAIT`` is not waited for. A post's 429 goes back to ``deliver``.
"""

from __future__ import annotations

import http.client
import math
import re
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from dailypapers.digest.views import PeriodView
from dailypapers.errors import ConfigError
from dailypapers.publish import read_api_url, read_site_url, require
from dailypapers.publish.common import describe, retry_after
from dailypapers.publish.deliver import DeliveryError, Message
from dailypapers.publish.slack_format import EVENT_TYPE, LIMITS, SlackPost, posts
from dailypapers.retry import MAX_WAIT, RetryPolicy, log_retry
from dailypapers.retry import retry_after as asked_wait

API_URL = "https://slack.com/api/"
POST_METHOD = "chat.postMessage"
#: The wait when Slack names none.
DEFAULT_RETRY_AFTER = 1.0
#: How far ``find`` looks: pages of this many messages.
PAGE_SIZE = 200
LOOKUP_PAGES = 5
#: Refusals after which no other message can succeed: what to fix, by Slack's error name.
FATAL_ERRORS = {
    "invalid_auth": "SLACK_BOT_TOKEN is not a valid token: set it to the app's Bot User OAuth "
    "Token (xoxb-...)",
    "not_authed": "no token reached Slack: set SLACK_BOT_TOKEN",
    "account_inactive": "the token belongs to a deactivated bot or workspace: reinstall the app "
    "and set SLACK_BOT_TOKEN again",
    "token_revoked": "the token was revoked: reinstall the app and set the new SLACK_BOT_TOKEN",
    "token_expired": "the token has expired: set a current SLACK_BOT_TOKEN",
    "channel_not_found": "channel {channel} not found: set SLACK_CHANNEL to the id of a channel "
    "the bot can see (like C0123456789)",
    "not_in_channel": "the bot is not a member of channel {channel}: invite it there "
    "(/invite @your-bot)",
    "missing_scope": "the app lacks the scope {needed}: add it under OAuth & Permissions and "
    "reinstall the app",
    "is_archived": "channel {channel} is archived: unarchive it or set another SLACK_CHANNEL",
    "restricted_action": "the workspace does not let the bot post in channel {channel}",
}
#: Passing failures on Slack's side, after which a post may have been made all the same.
UNCLEAR_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable"})


# the channel -------------------------------------------------------------------------------


def method_of(request: HttpRequest) -> str:
    return request.url.split("?")[0].rsplit("/", 1)[-1]


def is_post(request: HttpRequest) -> bool:
    return method_of(request) == POST_METHOD


class PolicyRetryHandler(RetryHandler):
    """A retry handler that waits as the one retry policy says, and logs each retry."""

    def __init__(
        self, max_retry_count: int = 2, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(max_retry_count)
        self.policy = RetryPolicy(attempts=max_retry_count + 1)
        self.sleep = sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        attempt = state.current_attempt + 1
        asked = asked_wait(response.headers) if response is not None else None
        seconds = self.policy.wait(attempt, asked) or 0.0
        if response is not None:
            reason = f"HTTP {response.status_code}"
        else:
            reason = cause(error) if error is not None else "no answer"
        log_retry(f"Slack {method_of(request)}", attempt, reason, seconds)
        state.next_attempt_requested = True
        self.sleep(seconds)
        state.increment_current_attempt()


class UnsentRetryHandler(PolicyRetryHandler):
    """Retries a request after a connection error, but a post only when it surely never left.

    A post whose connection broke may have arrived; sending it again blindly could show it
    twice. That case is left to ``deliver``, which looks it up first.
    """

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if error is None or response is not None:
            return False
        if not isinstance(error, OSError | http.client.HTTPException):
            return False
        return never_sent(error) or not is_post(request)


class LookupRateLimitHandler(PolicyRetryHandler):
    """Waits out a 429 on a lookup, unless Slack asks for more than ``MAX_WAIT``. A post's 429
    goes back to ``deliver``, which waits."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429 or is_post(request):
            return False
        asked = asked_wait(response.headers)
        return asked is None or asked <= MAX_WAIT


def never_sent(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


class SlackChannel:
    name = "slack"
    can_find = True
    limits = LIMITS

    def __init__(self, client: WebClient, channel: str, site_url: str | None = None) -> None:
        self.client = client
        self.target = channel
        self.site_url = site_url
        self._host = urlsplit(client.base_url).netloc or client.base_url

    def close(self) -> None:
        """Nothing to let go: slack_sdk's WebClient opens a connection per call."""

    def messages(self, view: PeriodView) -> list[Message]:
        made = posts(view, self.site_url)
        return [Message(item, post, None if item == "header" else "header") for item, post in made]

    def send(self, message: Message, parent_id: str | None) -> str:
        post: SlackPost = message.body
        what = describe(message)
        response = self._call(
            what,
            lambda: self.client.chat_postMessage(
                channel=self.target,
                thread_ts=parent_id,
                text=post.text,
                blocks=list(post.blocks),
                metadata=post.metadata,
                mrkdwn=False,
                unfurl_links=False,
                unfurl_media=False,
                link_names=False,
                parse="none",
            ),
        )
        ts = response.get("ts")
        if not isinstance(ts, str) or not ts:
            raise DeliveryError(f"Slack took {what} but gave no ts for it", unclear=True)
        return ts

    def find(self, message: Message, parent_id: str | None) -> str | None:
        post: SlackPost = message.body
        wanted = post.metadata["event_payload"]
        for found in self._recent(describe(message), parent_id):
            meta = found.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE and meta.get("event_payload") == wanted:
                return str(found["ts"])
        return None

    def _recent(self, what: str, parent_id: str | None) -> Iterator[dict[str, Any]]:
        """The replies in the thread of ``parent_id``, or the channel's latest messages."""
        cursor: str | None = None
        for _ in range(LOOKUP_PAGES):
            page = self._call(f"looking up {what}", partial(self._page, parent_id, cursor))
            yield from page.get("messages") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return

    def _page(self, parent_id: str | None, cursor: str | None) -> SlackResponse:
        if parent_id is not None:
            return self.client.conversations_replies(
                channel=self.target,
                ts=parent_id,
                include_all_metadata=True,
                limit=PAGE_SIZE,
                cursor=cursor,
            )
        return self.client.conversations_history(
            channel=self.target, include_all_metadata=True, limit=PAGE_SIZE, cursor=cursor
        )

    def _call(self, what: str, call: Callable[[], SlackResponse]) -> SlackResponse:
        try:
            return call()
        except SlackApiError as e:
            raise self._refused(what, e.response) from e
        except (OSError, http.client.HTTPException) as e:
            if never_sent(e):  # after UnsentRetryHandler's tries
                raise DeliveryError(f"{what}: could not connect to Slack at {self._host}") from e
            raise DeliveryError(f"{what}: no answer from Slack: {cause(e)}", unclear=True) from e

    def _refused(self, what: str, response: SlackResponse) -> DeliveryError:
        status = response.status_code
        error = str(response.get("error") or "")
        if status == 429 or error == "ratelimited":
            wait = retry_after(response.headers, default=DEFAULT_RETRY_AFTER)
            return DeliveryError(f"{what}: Slack rate limit (HTTP {status})", retry_after=wait)
        if status >= 500 or error in UNCLEAR_ERRORS or not re.fullmatch(r"[a-z_]+", error):
            shown = f"HTTP {status}: {error[:120]}" if error else f"HTTP {status}"
            return DeliveryError(f"{what}: Slack failed ({shown})", unclear=True)
        if error in FATAL_ERRORS:
            needed = str(response.get("needed") or "the app needs")
            advice = FATAL_ERRORS[error].format(channel=self.target, needed=needed)
            return DeliveryError(f"Slack refused {what} ({error}): {advice}", fatal=True)
        return DeliveryError(f"Slack refused {what}: {error}{details(response)}")


def details(response: SlackResponse) -> str:
    messages = (response.get("response_metadata") or {}).get("messages") or []
    return f" ({'; '.join(str(m) for m in messages[:3])})" if messages else ""


def cause(error: BaseException) -> str:
    reason = error.reason if isinstance(error, URLError) else error
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(reason) or type(reason).__name__


def from_env(env: Mapping[str, str], *, timeout: float = 30.0) -> SlackChannel:
    token, channel = require(env, "slack", "SLACK_BOT_TOKEN", "SLACK_CHANNEL")
    if not token.startswith("xox") or any(not 33 <= ord(char) < 127 for char in token):
        raise ConfigError(
            "slack: SLACK_BOT_TOKEN does not look like a Slack token: set it to the app's Bot "
            "User OAuth Token (xoxb-...)"
        )
    if re.fullmatch(r"[A-Z][A-Z0-9]+", channel) is None:
        shown = "" if channel.startswith("xox") else f", not {channel!r}"
        raise ConfigError(
            f"slack: SLACK_CHANNEL must be a channel id like C0123456789 (at the bottom of the "
            f"channel's details){shown}"
        )
    api_url = read_api_url(env, "slack", API_URL, limit=LIMITS.url)
    site_url = read_site_url(env, limit=LIMITS.url)
    client = WebClient(
        token=token,
        base_url=api_url.rstrip("/") + "/",
        timeout=max(1, math.ceil(timeout)),
        retry_handlers=[
            LookupRateLimitHandler(max_retry_count=2),
            UnsentRetryHandler(max_retry_count=2),
        ],
    )
    return SlackChannel(client, channel, site_url.rstrip("/") if site_url else None)
