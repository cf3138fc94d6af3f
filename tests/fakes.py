"""Fake Hugging Face, arXiv and OpenAI-compatible servers: real HTTP on 127.0.0.1.

Each fake has a tiny scripting API: ``fail_next(status)`` and ``enqueue(status, body)`` are
served before the fake's default behaviour. Every fake, these and the channel fakes (Slack,
Discord, Telegram, SMTP) alike, fails at a chosen request the same way: ``crash_at(nth, at=,
what=, kill=, then=)`` arms a ``CrashPlan`` (kill the client, then drop the connection, hang,
answer late, or answer something else, as the message arrives or before or after it is
stored); ``delay_next(seconds)`` is one such plan.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date as Date
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from dailypapers.summarize.budget import count_tokens

THUMBNAIL = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{}.png"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Seconds between two bytes of the body: a server that drips its answer.
    drip: float = 0.0
    #: A body made as it is sent (never held whole), after ``body``; its length is
    #: ``declared`` when given, else unsaid (the body ends when the connection closes).
    stream: Callable[[], Iterable[bytes]] | None = field(default=None, repr=False)
    declared: int | None = None


# crash plans: one way, for every fake, to fail at a chosen request ----------------------------

#: Where in a request's life a plan strikes: as it arrives (any request), or, for a request
#: that would store something (a post, a message), once the fake has checked it and is about
#: to store it, or right after storing it.
Stage = Literal["arrival", "before_store", "after_store"]


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering: the client sees it broken."""


@dataclass(frozen=True)
class Hang:
    """Answer nothing and keep the connection open: for ``seconds`` (then close it), or until
    the fake stops. After storing, the message is kept and the client never learns it."""

    seconds: float | None = None


@dataclass(frozen=True)
class Late:
    """Wait ``seconds`` at that point, then go on as usual: the answer comes late, after a
    client's timeout if ``seconds`` is longer."""

    seconds: float


@dataclass(frozen=True)
class Answer:
    """Answer ``reply`` instead of the real answer (after storing: the message is kept and its
    answer lost on the way back, as behind a failing gateway)."""

    reply: Reply


Action = Drop | Hang | Late | Answer
DROP = Drop()


def gateway_error(status: int = 502) -> Answer:
    """A gateway's HTML error page instead of the API's answer."""
    page = f"<html><body>{status} Bad Gateway</body></html>".encode()
    return Answer(Reply(status, page, {"content-type": "text/html"}))


@dataclass
class CrashPlan:
    """At the ``nth`` request (counted from when the plan is made) that reaches ``at`` and
    matches ``what`` and ``match``, call ``kill`` if given (it returns once the client is dead),
    then do ``then``; so for ``times`` matching requests in a row (None: every one from then on).

    ``what`` is, at "arrival", the request's path; at the store stages, what the fake is about
    to store ("message", or for Discord "thread"). ``match`` is any test of the request.
    ``fired`` is set each time the plan strikes, once ``kill`` has returned.
    """

    nth: int = 1
    at: Stage = "arrival"
    what: str | None = None
    match: Callable[[Request], bool] | None = None
    kill: Callable[[], None] | None = None
    then: Action = DROP
    times: int | None = 1
    seen: int = 0
    fired: threading.Event = field(default_factory=threading.Event, repr=False)

    def applies(self, at: Stage, request: Request, what: str) -> bool:
        return (
            self.at == at
            and (self.what is None or self.what == what)
            and (self.match is None or self.match(request))
        )

    @property
    def spent(self) -> bool:
        return self.times is not None and self.seen >= self.nth + self.times - 1


class Crashable:
    """The crash plans of one fake (HTTP or SMTP): ``crash_at`` arms one, ``disarm`` drops
    them all, and the fake calls ``strike`` at each stage it reaches."""

    def __init__(self) -> None:
        self._plans: list[CrashPlan] = []
        self._plans_lock = threading.Lock()

    def crash_at(
        self,
        nth: int = 1,
        *,
        at: Stage = "arrival",
        what: str | None = None,
        match: Callable[[Request], bool] | None = None,
        kill: Callable[[], None] | None = None,
        then: Action = DROP,
        times: int | None = 1,
    ) -> CrashPlan:
        """Arm a plan (see ``CrashPlan``) and return it."""
        assert nth >= 1, nth
        assert times is None or times >= 1, times
        plan = CrashPlan(nth, at, what, match, kill, then, times)
        with self._plans_lock:
            self._plans.append(plan)
        return plan

    def disarm(self) -> None:
        """Forget every plan not spent yet."""
        with self._plans_lock:
            self._plans.clear()

    def strike(self, at: Stage, request: Request, what: str) -> Action | None:
        """Count this request for the plans it matches; the action due now, if any, after
        calling the plan's ``kill``."""
        due: CrashPlan | None = None
        with self._plans_lock:
            for plan in self._plans:
                if plan.applies(at, request, what):
                    plan.seen += 1
                    if due is None and plan.seen >= plan.nth:
                        due = plan
            self._plans = [p for p in self._plans if not p.spent]
        if due is None:
            return None
        if due.kill is not None:
            due.kill()
        due.fired.set()
        return due.then


class Interrupted(Exception):
    """Raised in a handler thread: the plan's action replaces the usual answer."""

    def __init__(self, action: Action) -> None:
        super().__init__(action)
        self.action = action


class FakeServer(Crashable):
    """A threaded HTTP server on a free loopback port, with scripted replies and crash plans.

    A fake that stores what it is sent calls ``checkpoint("before_store", ...)`` and
    ``checkpoint("after_store", ...)`` around storing it; every request passes "arrival".
    """

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Request] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.seed = 1
        self._seen: dict[str, int] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends every Hang
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_to(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def chance(self, *key: object) -> float:
        """A number in [0, 1) fixed by ``key`` and by how often that key came before: seeded
        faults hit the same requests whatever order threads send them in. Call under the lock."""
        name = repr(key)
        seen = self._seen[name] = self._seen.get(name, 0) + 1
        digest = hashlib.sha256(f"{self.seed}:{seen}:{name}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    # scripting ----------------------------------------------------------------------------

    def enqueue(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        with self._lock:
            self._script.append(Reply(status, body, headers or {}))

    def enqueue_reply(self, reply: Reply) -> None:
        with self._lock:
            self._script.append(reply)

    def drip(self, body: bytes, every: float) -> Reply:
        """A 200 whose declared ``body`` comes one byte every ``every`` seconds."""

        def bytes_one_by_one() -> Iterable[bytes]:
            for index in range(len(body)):
                if self._stopping.wait(every):
                    return
                yield body[index : index + 1]

        return Reply(200, stream=bytes_one_by_one, declared=len(body))

    def fail_next(
        self, status: int, times: int = 1, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        for _ in range(times):
            self.enqueue(status, body or json.dumps({"error": f"fake {status}"}).encode(), headers)

    def heal(self) -> None:
        """Forget the scripted replies not served yet: the outage is over."""
        with self._lock:
            self._script.clear()

    def delay_next(self, seconds: float, times: int = 1) -> CrashPlan:
        """The next ``times`` requests are answered ``seconds`` late."""
        return self.crash_at(then=Late(seconds), times=times)

    def checkpoint(self, at: Stage, request: Request, what: str) -> None:
        """Where a fake may crash: waits here for ``Late``, raises ``Interrupted`` for the
        other actions. Call it holding none of the fake's locks."""
        action = self.strike(at, request, what)
        if isinstance(action, Late):
            time.sleep(action.seconds)
        elif action is not None:
            raise Interrupted(action)

    # serving ------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("content-length") or 0)
        request = Request(
            method=handler.command,
            path=split.path,
            query=dict(parse_qsl(split.query)),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        reply = self.aside(request)
        if reply is not None:
            self._send(handler, reply)
            return
        with self._lock:
            self.requests.append(request)
        try:
            self.checkpoint("arrival", request, request.path)
            with self._lock:
                scripted = self._script.popleft() if self._script else None
            reply = scripted or self.respond(request)
        except Interrupted as interrupted:
            if not isinstance(interrupted.action, Answer):
                if isinstance(interrupted.action, Hang):
                    self._stopping.wait(interrupted.action.seconds)
                handler.close_connection = True  # unanswered: the connection is closed
                return
            reply = interrupted.action.reply
        self._send(handler, reply)

    def _send(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        try:
            handler.send_response(reply.status)
            headers = {"content-type": "application/json", **reply.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            if reply.stream is None or reply.declared is not None:
                length = len(reply.body) if reply.stream is None else reply.declared
                handler.send_header("content-length", str(length))
            handler.end_headers()
            if not reply.drip:
                handler.wfile.write(reply.body)
            for byte in range(len(reply.body) if reply.drip else 0):
                handler.wfile.write(reply.body[byte : byte + 1])
                handler.wfile.flush()
                if self._stopping.wait(reply.drip):
                    return
            if reply.stream is not None:
                handler.close_connection = True
                for chunk in reply.stream():
                    if self._stopping.is_set():
                        return
                    handler.wfile.write(chunk)
                    handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (a timeout test); nothing to answer

    def respond(self, request: Request) -> Reply:
        return Reply(404, b'{"error": "not found"}')

    def aside(self, request: Request) -> Reply | None:
        """A reply outside ``requests``, scripts and crash plans (a client's health check), so
        that tests counting requests see only the work; None for every other request."""
        return None


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))


class FakeHF(FakeServer):
    """``GET /api/daily_papers?date=&p=&limit=`` (or ``week=YYYY-Www``) with paging like the
    real API, and ``GET /papers/<id>.md``: the Markdown set for the paper (``set_markdown``,
    ``set_fallback``), 429 with Retry-After first when asked (``limit_markdown``), else 404
    (not indexed), as for every paper of the older tests. Markdown requests are kept apart
    (``md_requests``), outside ``requests``, scripts and crash plans, which stay the list's."""

    def __init__(self) -> None:
        super().__init__()
        self.days: dict[str, list[dict[str, Any]]] = {}
        self.weeks: dict[str, list[dict[str, Any]]] = {}
        self.raw: dict[str, tuple[bytes, str, int]] = {}
        self.markdown: dict[str, str] = {}
        self.limited: dict[str, list[float]] = {}
        self.md_requests: list[Request] = []

    def markdown_requests(self, arxiv_id: str) -> list[Request]:
        return [r for r in self.md_requests if r.path == f"/papers/{arxiv_id}.md"]

    def aside(self, request: Request) -> Reply | None:
        paper = re.fullmatch(r"/papers/(.+)\.md", request.path)
        if paper is None:
            return None
        with self._lock:
            self.md_requests.append(request)
        return self._markdown(paper.group(1))

    def set_markdown(self, arxiv_id: str, text: str) -> None:
        self.markdown[arxiv_id] = text

    def set_fallback(self, arxiv_id: str, title: str, abstract: str) -> None:
        """What Hugging Face serves when arXiv has no HTML version: title and abstract."""
        self.markdown[arxiv_id] = f"# {title}\n\n## Abstract\n\n{abstract}\n"

    def limit_markdown(self, arxiv_id: str, *retry_after: float) -> None:
        """Answer the paper's next requests 429, with these Retry-After seconds, one each."""
        self.limited[arxiv_id] = list(retry_after)

    def _markdown(self, arxiv_id: str) -> Reply:
        with self._lock:
            waits = self.limited.get(arxiv_id)
            if waits:
                wait = waits.pop(0)
                return Reply(429, b"slow down", {"retry-after": f"{wait:g}"})
        if arxiv_id not in self.markdown:
            return Reply(404, b"not found", {"content-type": "text/plain"})
        body = self.markdown[arxiv_id].encode()
        return Reply(200, body, {"content-type": "text/markdown; charset=utf-8"})

    def set_day(self, date: str, entries: list[dict[str, Any]]) -> None:
        self.days[date] = list(entries)

    def set_week(self, week: str, entries: list[dict[str, Any]]) -> None:
        self.weeks[week] = list(entries)

    def set_raw(
        self, date: str, body: bytes, content_type: str = "application/json", status: int = 200
    ) -> None:
        """Answer ``date`` with these bytes (and status), whatever is asked of it."""
        self.raw[date] = (body, content_type, status)

    def respond(self, request: Request) -> Reply:
        if request.path != "/api/daily_papers":
            return super().respond(request)
        if "week" in request.query:
            return self._week(request)
        date = request.query.get("date", "")
        try:
            Date.fromisoformat(date)
        except ValueError:
            return json_reply({"error": f"Invalid date: {date}"}, 400)
        if date in self.raw:
            body, content_type, status = self.raw[date]
            return Reply(status, body, {"content-type": content_type})
        page, limit = int(request.query.get("p", 0)), int(request.query.get("limit", 50))
        entries = self.days.get(date, [])
        return json_reply(entries[page * limit : (page + 1) * limit])

    def _week(self, request: Request) -> Reply:
        week = request.query["week"]
        if not is_iso_week(week):
            return json_reply({"error": f"Invalid week: {week}"}, 400)
        page, limit = int(request.query.get("p", 0)), int(request.query.get("limit", 50))
        entries = self.weeks.get(week, [])
        return json_reply(entries[page * limit : (page + 1) * limit])


def is_iso_week(value: str) -> bool:
    match = re.fullmatch(r"(\d{4})-W(\d{2})", value)
    try:
        return match is not None and bool(Date.fromisocalendar(int(match[1]), int(match[2]), 1))
    except ValueError:
        return False


PDF_TYPE = {"content-type": "application/pdf"}


class FakeArxiv(FakeServer):
    """``GET /pdf/<id>`` serving the bytes the tests add; ``error_rate`` of seeded 503s; and
    ``GET /html/<id>``: the page set for the paper (``add_html``), else 404 (no HTML
    version), as for every paper of the older tests. HTML requests are kept apart
    (``html_requests``), outside ``requests``, scripts and crash plans, which stay the PDFs'."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.streams: dict[str, Reply] = {}
        self.downloads: dict[str, int] = {}
        self.error_rate = 0.0
        self.errors = 0
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.html_requests: list[Request] = []

    def add_pdf(self, arxiv_id: str, pdf: bytes) -> None:
        self.bodies[arxiv_id] = (pdf, "application/pdf")

    def add_html(
        self, arxiv_id: str, page: str, content_type: str = "text/html; charset=utf-8"
    ) -> None:
        """The paper's HTML version (good, with errors, blank, another document: the test's
        page; see tests/papertext.py), or what is served in its place (``content_type``)."""
        self.pages[arxiv_id] = (page.encode(), content_type)

    def html_requests_for(self, arxiv_id: str) -> list[Request]:
        return [r for r in self.html_requests if r.path == f"/html/{arxiv_id}"]

    def aside(self, request: Request) -> Reply | None:
        if not request.path.startswith("/html/"):
            return None
        with self._lock:
            self.html_requests.append(request)
            page = self.pages.get(request.path.removeprefix("/html/"))
        if page is None:
            return Reply(404, b"no HTML version", {"content-type": "text/plain"})
        return Reply(200, page[0], {"content-type": page[1]})

    def add_body(self, arxiv_id: str, body: bytes, content_type: str) -> None:
        self.bodies[arxiv_id] = (body, content_type)

    def add_huge_pdf(self, arxiv_id: str, size: int, *, declared: bool = True) -> None:
        """A PDF of ``size`` bytes, made as it is sent; its length declared or not."""

        def chunks() -> Iterable[bytes]:
            block = b"%PDF-1.4\n" + b"%" * ((1 << 20) - 9)
            for start in range(0, size, len(block)):
                yield block[: size - start]

        self.streams[arxiv_id] = Reply(
            200, stream=chunks, declared=size if declared else None, headers=PDF_TYPE
        )

    def add_drip(self, arxiv_id: str, every: float, size: int = 10_000) -> None:
        """A PDF of ``size`` bytes sent one byte every ``every`` seconds, length declared."""
        reply = self.drip(b"%PDF-1.4\n".ljust(size), every)
        reply.headers.update(PDF_TYPE)
        self.streams[arxiv_id] = reply

    def respond(self, request: Request) -> Reply:
        arxiv_id = request.path.removeprefix("/pdf/")
        if arxiv_id in self.streams:
            return self.streams[arxiv_id]
        if not request.path.startswith("/pdf/") or arxiv_id not in self.bodies:
            return Reply(404, b"not found", {"content-type": "text/plain"})
        with self._lock:
            if self.chance("pdf", arxiv_id) < self.error_rate:
                self.errors += 1
                return Reply(503, b"busy", {"content-type": "text/plain"})
            self.downloads[arxiv_id] = self.downloads.get(arxiv_id, 0) + 1
        body, content_type = self.bodies[arxiv_id]
        return Reply(200, body, {"content-type": content_type})


REFUSAL = "I'm sorry, I can't help with that."
#: A span no generated paper has: a sentence of the summary the paper does not support.
INVENTED_SPAN = "The method triples the accuracy of every model on every benchmark."
TITLE_LINE = re.compile(r"^Title: (.*)$", re.MULTILINE)


class TokenLimit:
    """A server-side tokens-per-period limit, refilled continuously, as OpenAI enforces it."""

    def __init__(self, tokens: int, seconds: float = 60.0) -> None:
        self.capacity, self.rate = tokens, tokens / seconds
        self.balance, self.updated = float(tokens), time.monotonic()

    def admit(self, cost: int) -> float | None:
        """Charge ``cost`` and return None, or return the seconds until it would fit."""
        now = time.monotonic()
        self.balance = min(self.capacity, self.balance + (now - self.updated) * self.rate)
        self.updated = now
        if cost <= self.balance:
            self.balance -= cost
            return None
        return (cost - self.balance) / self.rate

    def charge(self, cost: int) -> None:
        self.balance -= cost


class FakeOpenAI(FakeServer):
    """``POST /v1/chat/completions``: answers well, or garbage, or fails, as told.

    Tokens are counted with o200k, like the real service. Optional limits: ``context_limit``
    (400 context_length_exceeded beyond it), ``token_limit`` (429 with Retry-After beyond it),
    ``concurrency_limit`` (429 with ``Retry-After: concurrency_retry_after`` to a chat request
    that arrives while that many are being answered; ``in_flight_peak`` is the most answered at
    once, ``calls`` and ``rejected[429]`` count), ``latency`` (seconds each answer takes, the
    request counted in flight meanwhile), and seeded fault rates (``error_rate`` of 500s,
    ``malformed_rate`` of non-JSON answers).
    A stalled server is a crash plan: ``crash_at(then=Late(seconds), times=None)``.
    A ``--verify llm`` request (its response format is named ``source_spans``, or its user
    message holds a ``<summary>``) is answered with a real sentence of the paper sent for each
    numbered sentence of the summary; ``verify_invented`` holds sentence numbers answered with
    a span the paper does not have, ``verify_mode = "garbage"`` answers prose instead of JSON,
    and the first ``verify_errors`` of them get a 500; ``verify_calls`` counts those answered
    (they count in ``calls`` too).
    ``GET /v1/models`` is answered aside (``models_asked`` counts it); with ``valid_key`` set,
    every request with another key gets OpenAI's 401.
    """

    def __init__(self) -> None:
        super().__init__()
        self.mode = "good"
        self.latency = 0.0
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.context_limit: int | None = None
        self.token_limit: TokenLimit | None = None
        self.error_rate = 0.0
        self.malformed_rate = 0.0
        self.rejected: dict[int, int] = {}
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.batch_polls = 0
        self.valid_key: str | None = None
        self.concurrency_limit: int | None = None
        self.concurrency_retry_after = 1
        self.in_flight = 0
        self.in_flight_peak = 0
        self.models_asked = 0
        #: What ``GET /v1/models`` answers instead of the list (a server that has no such page).
        self.models_reply: Reply | None = None
        self._contents: deque[tuple[str | None, str | None, str]] = deque()
        self.verify_calls = 0
        self.verify_invented: set[int] = set()
        self.verify_mode = "good"
        self.verify_errors = 0
        #: Writes a good answer from the request's messages (the paper as sent, and a retry's
        #: reason) instead of the fixed one: ``bench/grounded_day.py``'s summaries.
        self.writer: Callable[[list[dict[str, str]]], dict[str, str]] | None = None

    def set_mode(self, mode: str) -> None:
        assert mode in {"good", "garbage", "incomplete", "refuse", "error"}, mode
        self.mode = mode

    def enqueue_content(
        self, content: str | None, *, refusal: str | None = None, finish_reason: str = "stop"
    ) -> None:
        with self._lock:
            self._contents.append((content, refusal, finish_reason))

    def drip_next(self, every: float) -> None:
        """The next chat answer is a good one, sent one byte every ``every`` seconds."""
        sent = {"model": "gpt-4o", "messages": []}
        answer = json.dumps(korean_summary("Drip"), ensure_ascii=False)
        body = json.dumps(self._completion(sent, 1, answer, None, "stop")).encode()
        with self._lock:
            self._script.append(Reply(200, body, drip=every))

    def aside(self, request: Request) -> Reply | None:
        if request.method != "GET" or request.path not in ("/v1/models", "/models"):
            return None
        with self._lock:
            self.models_asked += 1
        refused = self._wrong_key(request)
        if refused is not None:
            return refused
        if self.models_reply is not None:
            return self.models_reply
        model = {"id": "gpt-4o", "object": "model", "created": 0, "owned_by": "fake"}
        return json_reply({"object": "list", "data": [model]})

    def _wrong_key(self, request: Request) -> Reply | None:
        if self.valid_key is None:
            return None
        sent = request.headers.get("authorization", "").removeprefix("Bearer ")
        if sent == self.valid_key:
            return None
        shown = sent[:3] + "*" * max(0, len(sent) - 7) + sent[-4:]
        message = (
            f"Incorrect API key provided: {shown}. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
        )
        return json_reply(
            {"error": {"message": message, "type": "invalid_request_error",
                       "code": "invalid_api_key", "param": None}}, 401,
        )  # fmt: skip

    def respond(self, request: Request) -> Reply:
        refused = self._wrong_key(request)
        if refused is not None:
            return refused
        if request.path.startswith(("/v1/files", "/v1/batches")):
            return self._batch_api(request)
        if request.path not in ("/v1/chat/completions", "/chat/completions"):
            return super().respond(request)
        with self._lock:
            if self.concurrency_limit is not None and self.in_flight >= self.concurrency_limit:
                return self._too_many()
            self.in_flight += 1
            self.in_flight_peak = max(self.in_flight_peak, self.in_flight)
        try:
            reply = self._chat(request)
            time.sleep(reply.delay)  # answered while counted in flight
            reply.delay = 0.0
            return reply
        finally:
            with self._lock:
                self.in_flight -= 1

    def _too_many(self) -> Reply:
        """A 429 for one call too many in flight, as a concurrency-limited account gets."""
        reply = self._reject(
            429,
            f"Too many concurrent requests: more than {self.concurrency_limit} in flight.",
            "requests",
            "rate_limit_exceeded",
        )
        reply.headers["retry-after"] = str(self.concurrency_retry_after)
        return reply

    def _chat(self, request: Request) -> Reply:
        sent = json.loads(request.body)
        prompt = sum(count_tokens(m.get("content") or "") for m in sent["messages"])
        refusal_reply = self._refuse(prompt, request.body)
        if refusal_reply is not None:
            return refusal_reply
        with self._lock:
            scripted = self._contents.popleft() if self._contents else None
            malformed = self.chance("answer", request.body) < self.malformed_rate
        content, refusal, finish = scripted or self._content(sent)
        if malformed and not scripted:
            content = (content or "")[: len(content or "") // 2]  # JSON cut off mid-way
        reply = json_reply(self._completion(sent, prompt, content, refusal, finish))
        reply.delay = self.latency
        return reply

    # the Files and Batches endpoints -----------------------------------------------------

    def _batch_api(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")  # v1, files|batches, [id], [content]
        with self._lock:
            if parts[1] == "files" and request.method == "POST":
                return json_reply(self._store_file(request))
            if parts[1] == "files" and len(parts) == 4 and parts[3] == "content":
                return Reply(200, self.files[parts[2]], {"content-type": "application/jsonl"})
            if parts[1] == "batches" and request.method == "POST":
                return json_reply(self._new_batch(json.loads(request.body)))
            if parts[1] == "batches" and len(parts) == 3 and parts[2] in self.batches:
                return json_reply(self._poll_batch(parts[2]))
        return json_reply({"error": {"message": f"no such thing: {request.path}"}}, 404)

    def _store_file(self, request: Request) -> dict[str, Any]:
        """A multipart upload; the file part is kept under a new id."""
        head = f"content-type: {request.headers['content-type']}\r\n\r\n".encode()
        message = BytesParser().parsebytes(head + request.body)
        part = next(p for p in message.walk() if p.get_filename())
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = part.get_payload(decode=True)
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(self.files[file_id]),
            "created_at": int(time.time()),
            "filename": part.get_filename(),
            "purpose": "batch",
            "status": "processed",
        }

    def _new_batch(self, sent: dict[str, Any]) -> dict[str, Any]:
        batch_id = f"batch_{len(self.batches) + 1}"
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": sent["endpoint"],
            "input_file_id": sent["input_file_id"],
            "completion_window": sent["completion_window"],
            "created_at": int(time.time()),
            "status": "validating",
            "polls": 0,
        }
        return self._public(batch_id)

    def _poll_batch(self, batch_id: str) -> dict[str, Any]:
        """Each look moves a batch on; after ``batch_polls`` looks it is done."""
        batch = self.batches[batch_id]
        batch["polls"] += 1
        if batch["status"] != "completed" and batch["polls"] > self.batch_polls:
            self._finish_batch(batch)
        elif batch["status"] == "validating":
            batch["status"] = "in_progress"
        return self._public(batch_id)

    def _finish_batch(self, batch: dict[str, Any]) -> None:
        lines = []
        for number, line in enumerate(self.files[batch["input_file_id"]].splitlines(), 1):
            job = json.loads(line)
            sent = job["body"]
            prompt = sum(count_tokens(m.get("content") or "") for m in sent["messages"])
            scripted = self._contents.popleft() if self._contents else None
            content, refusal, finish = scripted or self._content(sent)
            body = self._completion(sent, prompt, content, refusal, finish, locked=True)
            response = {"status_code": 200, "request_id": f"req_{number}", "body": body}
            lines.append({"id": f"batch_req_{number}", "custom_id": job["custom_id"],
                          "response": response, "error": None})  # fmt: skip
        output_id = f"file-{len(self.files) + 1}"
        self.files[output_id] = "".join(json.dumps(x) + "\n" for x in lines).encode()
        batch.update(status="completed", output_file_id=output_id)

    def _public(self, batch_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[batch_id].items() if k != "polls"}

    def _refuse(self, prompt: int, body: bytes) -> Reply | None:
        """The error replies: forced 500s, random 500s, too long, over the token limit."""
        with self._lock:
            fault = self.mode == "error" or self.chance("error", body) < self.error_rate
            if not fault and self.verify_errors and is_verify_request(json.loads(body)):
                self.verify_errors -= 1
                fault = True
            if fault:
                return self._reject(500, "fake server error", "server_error")
            if self.context_limit and prompt > self.context_limit:
                message = (
                    f"This model's maximum context length is {self.context_limit} tokens. "
                    f"However, your messages resulted in {prompt} tokens. "
                    "Please reduce the length of the messages."
                )
                return self._reject(
                    400, message, "invalid_request_error", "context_length_exceeded"
                )
            wait = self.token_limit.admit(prompt) if self.token_limit else None
            if wait is not None:
                reply = self._reject(
                    429,
                    f"Rate limit reached for tokens per min: requested {prompt}. "
                    f"Please try again in {wait:.3f}s.",
                    "tokens",
                    "rate_limit_exceeded",
                )
                reply.headers["retry-after-ms"] = str(int(wait * 1000) + 1)
                reply.headers["retry-after"] = str(int(wait) + 1)
                return reply
        return None

    def _reject(self, status: int, message: str, kind: str, code: str | None = None) -> Reply:
        self.rejected[status] = self.rejected.get(status, 0) + 1
        return json_reply({"error": {"message": message, "type": kind, "code": code}}, status)

    def _content(self, sent: dict[str, Any]) -> tuple[str | None, str | None, str]:
        if is_verify_request(sent):
            with self._lock:
                self.verify_calls += 1
            return self._spans(sent), None, "stop"
        if self.mode == "refuse":
            return None, REFUSAL, "stop"
        if self.mode == "garbage":
            return "Sure! Here is a summary of the paper: it is good.", None, "stop"
        user = next((m["content"] for m in sent["messages"] if m["role"] == "user"), "")
        match = TITLE_LINE.search(user)
        title = match.group(1) if match else "이 논문"
        system = sent["messages"][0]["content"] if sent["messages"] else ""
        answer = self.writer(sent["messages"]) if self.writer else korean_summary(title)
        for lang, reader in (("en", "English"), ("ja", "Japanese"), ("zh", "Chinese")):
            if f"for {reader}-speaking" in system:
                answer = summary_in(lang, title)
        if self.mode == "incomplete":
            del answer["Performance Highlights"]
        return json.dumps(answer, ensure_ascii=False), None, "stop"

    def _spans(self, sent: dict[str, Any]) -> str:
        """The spans of a verify request: for sentence N of the summary, the paper's own
        sentence N (cycling through them), unless told to invent it or to answer garbage."""
        if self.verify_mode == "garbage":
            return "Sure! Every sentence of the summary is supported by the paper."
        user = next((m["content"] for m in sent["messages"] if m["role"] == "user"), "")
        paper = user.partition("<paper>")[2].partition("</paper>")[0]
        summary = user.partition("<summary>")[2].partition("</summary>")[0]
        numbers = [int(n) for n in re.findall(r"^(\d+)\. ", summary, re.MULTILINE)]
        candidates = [
            s for s in re.split(r"(?<=[.!?])\s+", paper) if len(s.split()) >= 6 and ":" not in s
        ] or [paper.strip()]
        spans = [
            {
                "sentence": n,
                "span": INVENTED_SPAN if n in self.verify_invented
                else candidates[(n - 1) % len(candidates)],
            }
            for n in numbers
        ]  # fmt: skip
        return json.dumps({"spans": spans}, ensure_ascii=False)

    def _completion(
        self,
        sent: dict[str, Any],
        prompt: int,
        content: str | None,
        refusal: str | None,
        finish: str,
        *,
        locked: bool = False,
    ) -> dict[str, Any]:
        completion = max(1, count_tokens(content or refusal or ""))
        with nullcontext() if locked else self._lock:
            self.calls += 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            if self.token_limit:
                self.token_limit.charge(completion)
        message = {"role": "assistant", "content": content, "refusal": refusal}
        return {
            "id": f"chatcmpl-fake-{self.calls}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": sent.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }


def is_verify_request(sent: dict[str, Any]) -> bool:
    """A ``--verify llm`` request: by its response format's name, or by its ``<summary>``."""
    schema = (sent.get("response_format") or {}).get("json_schema") or {}
    if schema.get("name") == "source_spans":
        return True
    user = next((m.get("content") or "" for m in sent["messages"] if m["role"] == "user"), "")
    return "<summary>" in user


def korean_summary(title: str) -> dict[str, str]:
    return {
        "What's New": f"{title} 논문은 새로운 방법(new method)을 제안합니다. "
        "기존 접근법(existing approaches)의 한계를 해결합니다.",
        "Technical Details": "제안된 모델은 트랜스포머(Transformer) 구조를 사용합니다. "
        "대규모 데이터셋(dataset)으로 학습합니다.",
        "Performance Highlights": "벤치마크(benchmark)에서 기존 방법보다 높은 정확도(accuracy)를 "
        "보입니다. 추론 속도(inference speed)도 빨라졌습니다.",
    }


OTHER_LANGUAGES = {
    "en": (
        "{} proposes a new method that addresses the limits of earlier approaches.",
        "The model uses a Transformer architecture trained on a large dataset.",
        "It reaches higher accuracy than earlier methods on the benchmark.",
    ),
    "ja": (
        "{}は既存手法の限界を解決する新しい手法(new method)を提案します。",
        "提案モデルはトランスフォーマー(Transformer)構造を用い、大規模データで学習します。",
        "ベンチマークで既存手法より高い精度(accuracy)を示します。",
    ),
    "zh": (
        "{}提出了一种新方法(new method),解决了现有方法的局限。",
        "该模型采用变换器(Transformer)结构,并在大规模数据上训练。",
        "在基准测试中取得了比现有方法更高的准确率(accuracy)。",
    ),
}


def summary_in(lang: str, title: str) -> dict[str, str]:
    new, details, results = OTHER_LANGUAGES[lang]
    return {
        "What's New": new.format(title),
        "Technical Details": details,
        "Performance Highlights": results,
    }


def make_entry(
    arxiv_id: str,
    title: str,
    *,
    upvotes: int = 0,
    authors: Sequence[str] = ("A. Author",),
    summary: str = "We propose a new method. It improves accuracy by 3.2% over strong baselines.",
    thumbnail: str | None = "",
    hidden: Sequence[str] = (),
    **paper_extra: Any,
) -> dict[str, Any]:
    """One list entry in the real API's current shape (nested ``paper`` object)."""
    people = [{"_id": f"a{i}", "name": n, "hidden": False} for i, n in enumerate(authors)]
    people += [{"_id": f"h{i}", "name": n, "hidden": True} for i, n in enumerate(hidden)]
    wrapped = title if len(title) < 60 else title[:50] + "\n  " + title[50:]
    paper = {
        "id": arxiv_id,
        "authors": people,
        "publishedAt": "2024-12-05T18:59:53.000Z",
        "title": wrapped,
        "summary": summary,
        "upvotes": upvotes,
        "discussionId": f"d{arxiv_id}",
        **paper_extra,
    }
    entry: dict[str, Any] = {
        "paper": paper,
        "publishedAt": "2024-12-05T21:43:21.620Z",
        "title": title,
        "summary": summary,
        "thumbnail": THUMBNAIL.format(arxiv_id) if thumbnail == "" else thumbnail,
        "numComments": 0,
        "submittedBy": {"name": "someone", "fullname": "Some One", "type": "user"},
        "isAuthorParticipating": False,
    }
    if entry["thumbnail"] is None:
        del entry["thumbnail"]
    return entry
