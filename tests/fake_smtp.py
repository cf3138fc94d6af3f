"""A fake SMTP server on 127.0.0.1 (aiosmtpd): real SMTP with AUTH, storing what it accepts.

It speaks plain SMTP (no TLS) and offers AUTH PLAIN and LOGIN without TLS, so tests run with
``SMTP_SECURITY=none``. Scripting: ``refuse(address)`` answers 550 to a recipient, and the
HTTP fakes' ``crash_at`` (see ``tests.fakes.CrashPlan``): a message whose data has arrived
passes "arrival" (as "DATA"), then "before_store" and "after_store" (as a "message"). ``Drop``
closes the connection, ``Answer`` gives its reply's status and body as the SMTP reply.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.fakes import Answer, Crashable, Hang, Late, Request, Stage

USER = "papers@example.org"
PASSWORD = "smtp-SECRET-pass-5e1d"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes = field(repr=False)

    @property
    def message(self) -> EmailMessage:
        message = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeSMTP(Crashable):
    def __init__(self, user: str = USER, password: str = PASSWORD) -> None:
        super().__init__()
        self.user, self.password = user, password
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.logins: list[str] = []
        self.refused: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # aiosmtpd logs a deprecation warning of its own at every successful login
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        self._controller = Controller(
            self,
            hostname=self.host,
            port=self.port,
            server_hostname="fake-smtp.test",
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    def env(self, **changes: str) -> dict[str, str]:
        """The environment for ``dailypapers publish --email`` to send here."""
        return {
            "SMTP_HOST": self.host,
            "SMTP_PORT": str(self.port),
            "SMTP_SECURITY": "none",
            "SMTP_USER": self.user,
            "SMTP_PASSWORD": self.password,
            "EMAIL_FROM": "Daily Papers <papers@example.org>",
            "EMAIL_TO": "reader@example.com, Kim <kim@example.net>",
            **changes,
        }

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # ends every Hang
        self._controller.stop()

    # scripting ---------------------------------------------------------------------------

    def refuse(self, address: str) -> None:
        self.refused.add(address)

    # the SMTP hooks ----------------------------------------------------------------------

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        good = user == self.user and password == self.password
        if good:
            self.logins.append(user)
        return AuthResult(success=good, handled=False, auth_data=data if good else None)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        request = Request("DATA", "", {}, {}, content)
        stages: tuple[tuple[Stage, str], ...] = (("arrival", "DATA"), ("before_store", "message"))
        for at, what in stages:
            instead = await self._checkpoint(server, at, request, what)
            if instead is not None:
                return instead
        received = Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), content)
        with self._lock:
            self.received.append(received)
        instead = await self._checkpoint(server, "after_store", request, "message")
        return instead or "250 2.0.0 Message accepted for delivery"

    async def _checkpoint(self, server: SMTP, at: Stage, request: Request, what: str) -> str | None:
        """The reply to give instead of the usual one, if a crash plan strikes here."""
        action = self.strike(at, request, what)
        if isinstance(action, Late):
            await asyncio.sleep(action.seconds)
        if action is None or isinstance(action, Late):
            return None
        if isinstance(action, Answer):
            return f"{action.reply.status} {action.reply.body.decode()}"
        if isinstance(action, Hang):
            await asyncio.to_thread(self._stopping.wait, action.seconds)
        assert isinstance(server.transport, asyncio.Transport)
        server.transport.abort()  # no reply: the connection is gone
        return "421 4.4.2 dropped (nobody reads this)"
