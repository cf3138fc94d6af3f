"""Slack: a header message for the period, then one reply per paper in the header's thread.

Messages are Block Kit, with a plain ``text`` fallback for notifications. Slack's mrkdwn has
no way to escape ``*``, ``_``, ``~`` or a backquote, so text from the digest (titles, authors,
summaries) only ever goes into ``plain_text`` objects; mrkdwn holds nothing but our own words
and links. Every post carries ``metadata`` naming its period and item, so that after a crash
``find`` can tell whether a post arrived: a paper among the replies of the header's thread,
the header among the channel's latest messages.
"""

from __future__ import annotations

import http.client
import math
import re
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from dailypapers.digest.views import PaperView, PeriodView, page_url, section_name
from dailypapers.errors import ConfigError
from dailypapers.publish import read_api_url, read_site_url, require
from dailypapers.publish.common import (
    authors_text,
    describe,
    fit,
    heading,
    one_line,
    paper_links,
    retry_after,
    units,
)
from dailypapers.publish.deliver import DeliveryError, Message

API_URL = "https://slack.com/api/"
POST_METHOD = "chat.postMessage"
EVENT_TYPE = "dailypapers_message"
#: Slack's limits: a header block's text, any other text object, blocks per message. The
#: ``text`` fallback is kept to the length Slack recommends (it truncates at 40,000).
HEADER_LIMIT = 150
TEXT_OBJECT_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 4000
#: The authors line, so that a paper with hundreds of authors stays readable.
AUTHORS_LIMIT = 1000
MAX_AUTHORS = 10
#: Links longer than this, or not http(s), are left out.
URL_LIMIT = 500
#: The wait when Slack names none.
DEFAULT_RETRY_AFTER = 1.0
#: How far ``find`` looks: pages of this many messages.
PAGE_SIZE = 200
LOOKUP_PAGES = 5
#: Characters that mrkdwn may read as formatting (or an emoji name) and cannot escape.
MRKDWN_MARKS = frozenset("*_~`:")
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


@dataclass(frozen=True)
class SlackPost:
    """One chat.postMessage, ready to send."""

    text: str
    blocks: tuple[dict[str, Any], ...]
    metadata: dict[str, Any]


# formatting --------------------------------------------------------------------------------


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as Slack's entities: text that cannot become a link or mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> dict[str, Any]:
    """A plain_text object: Slack shows it as written, emoji names included."""
    return {"type": "plain_text", "text": text, "emoji": False}


def mrkdwn(text: str) -> dict[str, Any]:
    """An mrkdwn text object; ``verbatim`` so Slack links and mentions nothing by itself."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def link(url: str, label: str) -> str:
    """``<url|label>`` for one of our labels; the URL cannot end the link early."""
    for char in "<>|":
        url = url.replace(char, f"%{ord(char):02X}")
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


def bold_label(label: str) -> dict[str, Any]:
    """The label in bold, or as plain text when mrkdwn could misread it."""
    label = fit(label, 200)
    if MRKDWN_MARKS.isdisjoint(label):
        return mrkdwn(f"*{escape(label)}*")
    return plain(label)


def metadata(period: str, item: str) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"period": period, "item": item}}


def header_post(view: PeriodView, site_url: str | None) -> SlackPost:
    title = heading(view.period.name)
    count = f"논문 {len(view.papers)}편"
    line, text = count + (" · 스레드에 한 편씩" if view.papers else ""), f"{title} · {count}"
    if site_url:
        page = page_url(site_url, view.period)
        line += f" · {link(page, '사이트에서 보기')}"
        text += f"\n{page}"
    blocks = (
        {"type": "header", "text": plain(fit(title, HEADER_LIMIT))},
        {"type": "section", "text": mrkdwn(line)},
    )
    return SlackPost(fit(text, TEXT_LIMIT, escape), blocks, metadata(view.period.name, "header"))


def paper_post(period: str, paper: PaperView) -> SlackPost:
    blocks = [title_block(one_line(paper.title) or paper.arxiv_id)]
    blocks.append({"type": "context", "elements": [mrkdwn(links_line(paper))]})
    if paper.authors:
        authors = fit(f"Authors: {authors_text(paper.authors, MAX_AUTHORS)}", AUTHORS_LIMIT)
        blocks.append({"type": "context", "elements": [plain(authors)]})
    if paper.note and paper.note.strip():
        note = fit(paper.note.strip(), TEXT_OBJECT_LIMIT)
        blocks.append({"type": "context", "elements": [plain(note)]})
    for section in paper.sections:
        if not section.text.strip():
            continue
        blocks.append({"type": "section", "text": bold_label(section_name(section.label))})
        body = fit(section.text.strip(), TEXT_OBJECT_LIMIT)
        blocks.append({"type": "section", "text": plain(body)})
    text = fit(fallback_text(paper), TEXT_LIMIT, escape)
    return SlackPost(text, tuple(blocks[:MAX_BLOCKS]), metadata(period, paper.arxiv_id))


def title_block(title: str) -> dict[str, Any]:
    """A header block, or for a title too long for one, a plain section (cut if need be)."""
    if units(title) <= HEADER_LIMIT:
        return {"type": "header", "text": plain(title)}
    return {"type": "section", "text": plain(fit(title, TEXT_OBJECT_LIMIT))}


def links_line(paper: PaperView) -> str:
    """Votes, then arXiv, Hugging Face and (when usable) GitHub and the project page."""
    links = [link(url, label) for label, url in paper_links(paper, limit=URL_LIMIT)]
    return " · ".join([f"▲ {paper.votes}", *links])


def fallback_text(paper: PaperView) -> str:
    """The plain text of the message, for notifications and clients without blocks."""
    lines = [f"{one_line(paper.title) or paper.arxiv_id} (▲ {paper.votes})", paper.arxiv_url]
    lines += [f"{section_name(s.label)}: {s.text}" for s in paper.sections if s.text.strip()]
    return "\n".join(lines)


# the channel -------------------------------------------------------------------------------


def is_post(request: HttpRequest) -> bool:
    return request.url.split("?")[0].endswith(POST_METHOD)


class UnsentRetryHandler(RetryHandler):
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


class LookupRateLimitHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 on a lookup. A post's 429 goes back to ``deliver``, which waits."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429 and not is_post(request)


def never_sent(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


class SlackChannel:
    name = "slack"
    can_find = True

    def __init__(self, client: WebClient, channel: str, site_url: str | None = None) -> None:
        self.client = client
        self.target = channel
        self.site_url = site_url
        self._host = urlsplit(client.base_url).netloc or client.base_url

    def close(self) -> None:
        """Nothing to let go: slack_sdk's WebClient opens a connection per call."""

    def messages(self, view: PeriodView) -> list[Message]:
        header = Message("header", header_post(view, self.site_url))
        papers = [
            Message(paper.arxiv_id, paper_post(view.period.name, paper), parent="header")
            for paper in view.papers
        ]
        return [header, *papers]

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
    api_url = read_api_url(env, "slack", API_URL, limit=URL_LIMIT)
    site_url = read_site_url(env, limit=URL_LIMIT)
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
