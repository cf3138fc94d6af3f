"""A fake SMTP server on 127.0.0.1 (aiosmtpd): real SMTP with AUTH, storing what it accepts.

It speaks plain SMTP (no TLS) and offers AUTH PLAIN and LOGIN without TLS, so tests run with
``SMTP_SECURITY=none``. Scripting: ``refuse(address)`` answers 550 to a recipient,
``crash_at(n, kill)`` kills the client when the nth message's data has arrived, before or
after the fake stores it.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

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


@dataclass
class Crash:
    nth: int
    kill: Callable[[], None]
    after_store: bool


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeSMTP:
    def __init__(self, user: str = USER, password: str = PASSWORD) -> None:
        self.user, self.password = user, password
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.logins: list[str] = []
        self.refused: set[str] = set()
        self.arrived = 0  # DATA commands whose message came in whole
        self._crash: Crash | None = None
        self._lock = threading.Lock()
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
        self._controller.stop()

    # scripting ---------------------------------------------------------------------------

    def refuse(self, address: str) -> None:
        self.refused.add(address)

    def crash_at(self, nth: int, kill: Callable[[], None], *, after_store: bool) -> None:
        """Call ``kill`` (which returns once the client is dead) when the ``nth`` message's
        data has arrived: before storing it (dropped), or after (kept, its 250 unread)."""
        self._crash = Crash(nth, kill, after_store)

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
        with self._lock:
            self.arrived += 1
            crash = self._crash if self._crash and self._crash.nth == self.arrived else None
        if crash is not None and not crash.after_store:
            crash.kill()
            return "451 4.3.0 the client was killed; nobody reads this"
        content = envelope.original_content or b""
        received = Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), content)
        with self._lock:
            self.received.append(received)
        if crash is not None:
            crash.kill()
        return "250 2.0.0 Message accepted for delivery"
