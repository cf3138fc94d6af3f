"""The one way every fake fails at a chosen request: ``crash_at`` and its ``CrashPlan``.

The channel tests rely on it to kill the CLI in the middle of publishing; these pin what each
action does to the client, which requests a plan counts, and that it strikes only when told.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Iterator

import httpx2
import pytest

from tests.fake_smtp import PASSWORD, USER, FakeSMTP
from tests.fakes import (
    DROP,
    Action,
    Answer,
    FakeServer,
    Hang,
    Late,
    Reply,
    Request,
    Stage,
    gateway_error,
    json_reply,
)


class Store(FakeServer):
    """``POST /keep`` keeps its body, passing the store stages as a "note"."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[bytes] = []

    def respond(self, request: Request) -> Reply:
        if request.path != "/keep":
            return json_reply({"path": request.path})
        self.checkpoint("before_store", request, "note")
        with self._lock:
            self.kept.append(request.body)
        self.checkpoint("after_store", request, "note")
        return json_reply({"kept": len(self.kept)})


@pytest.fixture
def fake() -> Iterator[Store]:
    with Store() as server:
        yield server


def get(fake: FakeServer, path: str = "/", *, timeout: float = 5) -> int | str:
    """The status, or the name of the error the client met."""
    try:
        return httpx2.get(fake.url + path, timeout=timeout).status_code
    except httpx2.TransportError as e:
        return type(e).__name__


def keep(fake: FakeServer, body: bytes, *, timeout: float = 5) -> int | str:
    try:
        return httpx2.post(fake.url + "/keep", content=body, timeout=timeout).status_code
    except httpx2.TransportError as e:
        return type(e).__name__


def test_the_nth_request_is_dropped_once_and_the_rest_are_answered(fake: Store) -> None:
    plan = fake.crash_at(2)

    statuses = [get(fake) for _ in range(4)]

    assert statuses == [200, "RemoteProtocolError", 200, 200]
    assert plan.fired.is_set()
    assert len(fake.requests) == 4  # the dropped request was seen


def test_only_matching_requests_are_counted(fake: Store) -> None:
    by_path = fake.crash_at(2, what="/b")
    by_test = fake.crash_at(match=lambda r: r.query.get("x") == "1")

    statuses = [get(fake, p) for p in ("/b", "/a", "/a?x=1", "/a?x=1", "/b", "/b")]

    assert statuses == [200, 200, "RemoteProtocolError", 200, "RemoteProtocolError", 200]
    assert by_path.fired.is_set()
    assert by_test.fired.is_set()


def test_times_repeats_the_action_and_none_never_stops(fake: Store) -> None:
    fake.crash_at(2, times=2)

    assert [get(fake) for _ in range(4)] == [200, "RemoteProtocolError", "RemoteProtocolError", 200]

    fake.crash_at(then=gateway_error(503), times=None)
    assert [get(fake) for _ in range(3)] == [503, 503, 503]
    fake.disarm()
    assert get(fake) == 200


def test_an_answer_replaces_the_real_one(fake: Store) -> None:
    fake.crash_at(then=Answer(Reply(418, b"teapot")))

    response = httpx2.get(fake.url + "/")

    assert (response.status_code, response.content) == (418, b"teapot")


def test_late_answers_after_the_clients_timeout(fake: Store) -> None:
    plan = fake.delay_next(0.5)

    assert plan.then == Late(0.5)  # delay_next is a crash plan too
    assert get(fake, timeout=0.1) == "ReadTimeout"
    assert get(fake, timeout=0.1) == 200


def test_a_hang_answers_nothing_until_its_time_is_up_then_closes(fake: Store) -> None:
    fake.crash_at(then=Hang(0.3))
    started = time.monotonic()

    assert get(fake, timeout=5) == "RemoteProtocolError"
    assert time.monotonic() - started >= 0.3


def test_a_hang_without_an_end_lasts_until_the_fake_stops() -> None:
    fake = Store().start()
    fake.crash_at(then=Hang())
    outcome: list[int | str] = []
    client = threading.Thread(target=lambda: outcome.append(get(fake, timeout=5)))
    client.start()
    time.sleep(0.3)

    assert outcome == []  # still waiting
    fake.stop()
    client.join(timeout=5)
    assert outcome == ["RemoteProtocolError"]


@pytest.mark.parametrize(
    ("at", "kept"), [("before_store", []), ("after_store", [b"one"])], ids=["before", "after"]
)
def test_the_store_stages_strike_around_storing(fake: Store, at: Stage, kept: list[bytes]) -> None:
    fake.crash_at(at=at, what="note")

    assert get(fake) == 200  # passes arrival only: not counted
    assert keep(fake, b"one") == "RemoteProtocolError"
    assert fake.kept == kept
    assert keep(fake, b"two") == 200


def test_a_store_stage_can_keep_the_message_and_never_answer(fake: Store) -> None:
    fake.crash_at(at="after_store", then=Hang(0.5))

    assert keep(fake, b"one", timeout=0.2) == "ReadTimeout"
    assert fake.kept == [b"one"]


def test_kill_runs_before_the_action_and_fired_after_it(fake: Store) -> None:
    events: list[str] = []
    plan = fake.crash_at(kill=lambda: events.append(f"kill, fired={plan.fired.is_set()}"))

    assert get(fake) == "RemoteProtocolError"
    assert events == ["kill, fired=False"]
    assert plan.fired.is_set()


def send_mail(smtp: FakeSMTP) -> str:
    """What the client met sending one message: "sent", or the error."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
        client.login(USER, PASSWORD)
        try:
            client.sendmail("a@example.org", ["b@example.org"], b"Subject: x\r\n\r\nhi\r\n")
        except smtplib.SMTPDataError as e:
            return f"refused {e.smtp_code}"
        except smtplib.SMTPServerDisconnected:
            return "disconnected"
    return "sent"


@pytest.mark.parametrize(
    ("at", "then", "met", "kept"),
    [
        ("before_store", DROP, "disconnected", 0),
        ("after_store", DROP, "disconnected", 1),
        ("after_store", Answer(Reply(451, b"4.3.0 try later")), "refused 451", 1),
        ("after_store", Hang(0.2), "disconnected", 1),
    ],
    ids=["drop-before", "drop-after", "answer", "hang"],
)
def test_the_smtp_fake_takes_the_same_plans(at: Stage, then: Action, met: str, kept: int) -> None:
    with FakeSMTP() as smtp:
        plan = smtp.crash_at(at=at, then=then)

        first = send_mail(smtp)
        after = send_mail(smtp)

        assert (first, len(smtp.received) - (after == "sent")) == (met, kept)
        assert after == "sent"
        assert plan.fired.is_set()
