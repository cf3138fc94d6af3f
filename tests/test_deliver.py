"""The delivery loop on its own, with a scripted channel: the channels' own tests cover the
same paths against fakes of the real services; these pin the rules every channel relies on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dailypapers.digest.views import PeriodView
from dailypapers.periods import Period
from dailypapers.publish.deliver import DeliveryError, Message, deliver
from dailypapers.retry import MAX_WAIT
from dailypapers.store import Store

SECRET = "xoxb-very-secret-token"
VIEW = PeriodView(Period.parse("2024-12-06"), papers=())


@dataclass
class ScriptedChannel:
    """Sends succeed unless ``errors`` holds one for the key; ``found`` answers ``find``."""

    can_find: bool = True
    errors: dict[str, list[DeliveryError]] = field(default_factory=dict)
    found: dict[str, str] = field(default_factory=dict)
    find_error: DeliveryError | None = None
    sent: list[str] = field(default_factory=list)
    name: str = "scripted"
    target: str = "room"

    def messages(self, view: PeriodView) -> list[Message]:
        return [Message("header", "h"), *(Message(k, k, "header") for k in ("p1", "p2"))]

    def send(self, message: Message, parent_id: str | None) -> str:
        queued = self.errors.get(message.key)
        if queued:
            raise queued.pop(0)
        self.sent.append(message.key)
        return f"id-{message.key}"

    def find(self, message: Message, parent_id: str | None) -> str | None:
        if self.find_error is not None:
            raise self.find_error
        return self.found.get(message.key)

    def close(self) -> None:
        return


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "papers.db") as opened:
        yield opened


def test_a_fatal_error_stops_the_rest_and_is_kept_redacted(store: Store) -> None:
    channel = ScriptedChannel(
        errors={"p1": [DeliveryError(f"token {SECRET} was revoked", fatal=True)]}
    )

    report = deliver(store, channel, VIEW, secrets=[SECRET], sleep=lambda _: None)

    assert channel.sent == ["header"]
    assert report.failed == {"p1": "token [redacted] was revoked"}
    assert SECRET not in "\n".join(store.db.iterdump())


def test_a_fatal_error_while_looking_stops_the_rest(store: Store) -> None:
    channel = ScriptedChannel(errors={"header": [DeliveryError("timed out", unclear=True)]})
    channel.find_error = DeliveryError(f"{SECRET} is not valid", fatal=True)

    report = deliver(store, channel, VIEW, secrets=[SECRET], sleep=lambda _: None)

    assert channel.sent == []
    assert report.failed == {"header": "[redacted] is not valid"}
    assert not report.ok


def test_waits_follow_retry_after_then_doubling(store: Store) -> None:
    waits: list[float] = []
    channel = ScriptedChannel(
        errors={
            "header": [
                DeliveryError("slow down", retry_after=7.0),
                DeliveryError("503", unclear=True),
            ]
        },
    )

    report = deliver(store, channel, VIEW, sleep=waits.append)

    assert waits[0] == 7.0
    assert len(waits) == 2
    assert 0.0 <= waits[1] <= 4.0  # the backoff after try 2, jittered
    assert report.sent == ["header", "p1", "p2"]


def test_the_backoff_is_the_retry_policys_full_jitter(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        drawn.append((low, high))
        return high / 4

    monkeypatch.setattr("dailypapers.retry.random.uniform", uniform)
    waits: list[float] = []
    channel = ScriptedChannel(errors={"header": [DeliveryError("503", unclear=True)] * 3})

    report = deliver(store, channel, VIEW, sleep=waits.append)

    assert drawn == [(0, 2.0), (0, 4.0), (0, 8.0)]  # doubling, each drawn from zero up
    assert waits == [0.5, 1.0, 2.0]
    assert report.sent == ["header", "p1", "p2"]


def test_every_retry_is_logged_with_its_wait(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dailypapers")
    channel = ScriptedChannel(errors={"header": [DeliveryError("slow down", retry_after=7.0)]})

    deliver(store, channel, VIEW, sleep=lambda _: None)

    assert "scripted header: try 1 failed (slow down); retrying in 7.0 s" in caplog.text


def test_a_wait_of_the_limit_is_waited(store: Store) -> None:
    waits: list[float] = []
    channel = ScriptedChannel(errors={"header": [DeliveryError("slow down", retry_after=600)]})

    report = deliver(store, channel, VIEW, sleep=waits.append)

    assert waits == [MAX_WAIT]
    assert report.ok


def test_a_plain_refusal_is_not_retried_and_its_replies_wait(store: Store) -> None:
    channel = ScriptedChannel(errors={"header": [DeliveryError("message too long")]})

    report = deliver(store, channel, VIEW, sleep=lambda _: None)
    again = deliver(store, channel, VIEW, sleep=lambda _: None)

    assert report.failed == {"header": "message too long"}
    assert report.waiting == ["p1", "p2"]
    assert again.sent == ["header", "p1", "p2"]  # the next run sends what the first could not


def test_a_wait_longer_than_the_limit_fails_the_message_for_the_next_run(store: Store) -> None:
    waits: list[float] = []
    channel = ScriptedChannel(errors={"header": [DeliveryError("slow down", retry_after=3600)]})

    report = deliver(store, channel, VIEW, sleep=waits.append)
    again = deliver(store, channel, VIEW, sleep=waits.append)

    assert waits == []
    assert report.failed == {
        "header": "slow down (asked to wait 3,600 s (more than 600 s): try again later)"
    }
    assert again.sent == ["header", "p1", "p2"]
