"""Deliver a day's messages to a channel exactly once, across crashes and reruns.

Each message has a key (``header``, an arXiv id, ``digest``) and is recorded in the
``deliveries`` table: ``sending`` before it goes out, ``sent`` with the channel's id for it
after. A rerun skips what is sent. A message left ``sending`` (the process died, or the answer
was lost) may have arrived: channels that can look (Slack, Discord) are asked first, and the
message is sent again only when it is not there. Channels that cannot look send it again,
and the report says so.

A try that may succeed later (an unclear one, or one the channel asks to wait for) is tried
again after the wait of the package's one retry policy (``dailypapers.retry``): what the
channel asks, else a jittered backoff. A channel asking for more than ``MAX_WAIT`` is not
waited for: the message fails, and the next run sends it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from dailypapers.digest.views import PeriodView
from dailypapers.errors import DailyPapersError
from dailypapers.logs import redact
from dailypapers.retry import MAX_WAIT, RetryPolicy, log_retry, too_long
from dailypapers.store import Delivery, DeliveryKey, Store

log = logging.getLogger(__name__)

#: What a finding of the injection check starts with (``summarize/checks.py``).
INJECTION = "injection:"
DEFAULT_ATTEMPTS = 4
#: The first backoff wait in seconds: up to 2, 4, then 8 s before the second, third, fourth try.
BACKOFF = 2.0


class DeliveryError(DailyPapersError):
    """A message was not delivered.

    ``unclear``: the request may have reached the channel (timeout, 5xx, dropped connection).
    ``fatal``: no later message can succeed either (bad token, unknown channel).
    ``retry_after``: the channel asked to wait this many seconds before trying again.
    """

    stage = "publish"

    def __init__(
        self,
        message: str,
        *,
        unclear: bool = False,
        fatal: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.unclear = unclear
        self.fatal = fatal
        self.retry_after = retry_after


@dataclass(frozen=True)
class Message:
    """One message to deliver. ``parent`` is the key of the message it replies to, if any."""

    key: str
    body: Any
    parent: str | None = None


class Channel(Protocol):
    """A place messages go. Implementations hold their own client and credentials."""

    #: Short name stored with each delivery: ``slack``, ``discord``, ``telegram``, ``email``.
    name: str
    #: Where, without secrets: a channel id, a chat id, the recipients. Part of the key.
    target: str
    #: Whether ``find`` can tell if an earlier, unrecorded send did arrive.
    can_find: bool

    def messages(self, view: PeriodView) -> list[Message]:
        """The period's messages, formatted for this channel, parents before replies."""
        ...

    def send(self, message: Message, parent_id: str | None) -> str:
        """Send one message; return the channel's id for it. Raises DeliveryError."""
        ...

    def find(self, message: Message, parent_id: str | None) -> str | None:
        """The id of ``message`` if an earlier send of it arrived, else None."""
        ...

    def close(self) -> None:
        """Let go of connections; the channel is not used afterwards."""
        ...


@dataclass
class DeliveryReport:
    channel: str
    target: str
    period: str
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    #: Found at the channel after an unclear earlier try: recorded, not sent again.
    recovered: list[str] = field(default_factory=list)
    #: Sent again after an unclear earlier try, on a channel that cannot look.
    resent_unclear: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    #: Not tried because the message they reply to was not delivered.
    waiting: list[str] = field(default_factory=list)
    #: Papers left out because the checks found planted instructions or links in their
    #: summary: they go out once a rerun gives a clean one.
    held: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.waiting


class Ledger:
    """The deliveries of one channel, target and period, as the store keeps them."""

    def __init__(self, store: Store, channel: str, target: str, period: str) -> None:
        self.store = store
        self.key = DeliveryKey(channel, target, period)

    def row(self, item: str) -> Delivery | None:
        return self.store.delivery(self.key, item)

    def remote_id(self, item: str) -> str | None:
        row = self.row(item)
        return row.remote_id if row is not None and row.status == "sent" else None

    def sending(self, item: str) -> None:
        self.store.mark_sending(self.key, item)

    def sent(self, item: str, remote_id: str) -> None:
        self.store.mark_sent(self.key, item, remote_id)

    def failed(self, item: str, error: str, *, unclear: bool) -> None:
        """Record the error. An unclear one stays ``sending``: the next run looks first."""
        self.store.mark_failed(self.key, item, error, unclear=unclear)


def deliver(
    store: Store,
    channel: Channel,
    view: PeriodView,
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    secrets: Sequence[str] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Send every message of ``view`` that the channel has not yet received.

    A fatal error (bad token, unknown channel) stops the rest: it is the failure of the
    message it happened on. Every error is redacted of ``secrets`` before it is kept.
    """
    ledger = Ledger(store, channel.name, channel.target, view.period.name)
    report = DeliveryReport(channel.name, channel.target, view.period.name)
    view, report.held = without_injections(view)
    policy = RetryPolicy(attempts=attempts, backoff=BACKOFF)
    for message in channel.messages(view):
        try:
            _deliver_one(ledger, channel, message, report, policy, secrets, sleep)
        except DeliveryError as e:
            if not e.fatal:
                raise
            report.failed[message.key] = redact(e.reason, secrets)
            break
    return report


def without_injections(view: PeriodView) -> tuple[PeriodView, list[str]]:
    """The view without the papers whose summary was flagged for an injection, and their ids."""
    held = [p.arxiv_id for p in view.papers if any(f.startswith(INJECTION) for f in p.flags)]
    kept = tuple(paper for paper in view.papers if paper.arxiv_id not in held)
    return replace(view, papers=kept), held


def reason_of(error: DeliveryError, secrets: Sequence[str]) -> str:
    """What to keep of ``error``: its reason, redacted, and whether it asked too long a wait."""
    reason = redact(error.reason, secrets)
    if error.retry_after is not None and error.retry_after > MAX_WAIT:
        reason += f" ({too_long(error.retry_after)})"
    return reason


def wait_before_retry(policy: RetryPolicy, attempt: int, error: DeliveryError) -> float | None:
    """Seconds to wait before trying again after ``error`` on try ``attempt``; None when there
    is to be no other try (a plain refusal, the last try, or too long a wait asked)."""
    worth_again = error.unclear or error.retry_after is not None
    if attempt >= policy.attempts or error.fatal or not worth_again:
        return None
    return policy.wait(attempt, error.retry_after)


def _deliver_one(
    ledger: Ledger,
    channel: Channel,
    message: Message,
    report: DeliveryReport,
    policy: RetryPolicy,
    secrets: Sequence[str],
    sleep: Callable[[float], None],
) -> None:
    row = ledger.row(message.key)
    if row is not None and row.status == "sent":
        report.already_sent.append(message.key)
        return
    parent_id = None
    if message.parent is not None:
        parent_id = ledger.remote_id(message.parent)
        if parent_id is None:
            report.waiting.append(message.key)
            return
    unclear = row is not None and row.status == "sending"
    what = f"{channel.name} {message.key}"
    for attempt in range(1, policy.attempts + 1):
        if unclear and _settled_by_looking(ledger, channel, message, parent_id, report, secrets):
            return
        ledger.sending(message.key)
        try:
            remote_id = channel.send(message, parent_id)
        except DeliveryError as e:
            reason = reason_of(e, secrets)
            ledger.failed(message.key, reason, unclear=e.unclear)
            # A channel that cannot look gets one blind resend per run, not one per attempt:
            # a slow server that keeps what it is sent would otherwise show it four times.
            blind_again = (
                e.unclear and not channel.can_find and message.key in report.resent_unclear
            )
            seconds = None if blind_again else wait_before_retry(policy, attempt, e)
            if seconds is None:
                log.info("%s: try %d failed: %s", what, attempt, reason)
                if e.fatal:
                    raise
                report.failed[message.key] = reason
                return
            log_retry(what, attempt, reason, seconds)
            unclear = e.unclear
            sleep(seconds)
            continue
        ledger.sent(message.key, remote_id)
        report.sent.append(message.key)
        return


def _settled_by_looking(
    ledger: Ledger,
    channel: Channel,
    message: Message,
    parent_id: str | None,
    report: DeliveryReport,
    secrets: Sequence[str],
) -> bool:
    """After an unclear try: True when ``message`` needs no send now (it is found at the
    channel, or looking failed and a send could make a copy); False to send it (again)."""
    if not channel.can_find:
        if message.key not in report.resent_unclear:
            report.resent_unclear.append(message.key)
        return False
    try:
        found = channel.find(message, parent_id)
    except DeliveryError as e:
        if e.fatal:
            raise
        reason = f"could not look for it: {reason_of(e, secrets)}"
        ledger.failed(message.key, reason, unclear=True)
        report.failed[message.key] = reason
        return True
    if found is None:
        return False
    ledger.sent(message.key, found)
    report.recovered.append(message.key)
    return True
