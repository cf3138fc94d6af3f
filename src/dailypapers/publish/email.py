"""Email: one HTML message per period, with a plain-text part, sent over SMTP with smtplib.

The message (made in ``email_format``, in the digest's language) carries a Message-ID derived
from the period and the recipients, so every send of the same digest to the same people has
the same one.

**A crash can duplicate the email.** SMTP gives no way to ask whether a message arrived, so
this channel cannot look for an earlier send (``can_find = False``). If the process dies (or
the connection breaks) after the server took the message's data and before the ledger recorded
it as sent, the next run sends it again, with the same Message-ID: some mail services (Gmail,
for one) keep a single copy of messages with the same Message-ID, others show both. The report
says "sent again after an unclear try" whenever an earlier try was cut short, also when that
try had sent nothing.

Errors: a refused login, sender or recipients (every one of them) stop the delivery with the
variable to fix; a refused connection, a timeout or a 4xx before the data fails the run
without sending anything, and the next run tries again; a broken connection after the data is
unclear. The password never appears in any message. ``SMTP_SECURITY=none`` with a login is
refused unless the server is on this machine: it would send the password in the clear.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Literal

from dailypapers.digest.views import PeriodView
from dailypapers.errors import ConfigError
from dailypapers.logs import redact
from dailypapers.publish import read_site_url, require
from dailypapers.publish.deliver import DeliveryError, Message
from dailypapers.publish.email_format import LIMITS, html_text, message_id, plain_text, subject

log = logging.getLogger(__name__)

Security = Literal["starttls", "ssl", "none"]
SECURITIES: tuple[Security, ...] = ("starttls", "ssl", "none")
DEFAULT_PORTS: dict[Security, int] = {"starttls": 587, "ssl": 465, "none": 25}

# configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    sender: str  # as written: "Daily Papers <papers@example.com>" or an address
    recipients: tuple[str, ...]  # one address each, with its display name if it had one
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    @property
    def recipient_addresses(self) -> tuple[str, ...]:
        return tuple(sorted({address for _, address in getaddresses(list(self.recipients))}))


def parse_security(value: str) -> Security:
    for security in SECURITIES:
        if value.strip().lower() == security:
            return security
    raise ConfigError(f"email: SMTP_SECURITY is {value!r}; choose starttls, ssl or none")


def parse_port(value: str) -> int:
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"email: SMTP_PORT is {value!r}; give a port number such as 587")
    return int(value)


def check_addresses(name: str, written: str) -> list[str]:
    found = [address for _, address in getaddresses([written]) if address]
    bad = [a for a in found if "@" not in a or not a.isascii() or a.startswith("@")]
    if not found or bad:
        shown = ", ".join(bad) or written
        raise ConfigError(f"email: {name} holds no usable address ({shown}): write name@domain")
    return found


def settings_from_env(env: Mapping[str, str]) -> SmtpSettings:
    host, sender, to = require(env, "email", "SMTP_HOST", "EMAIL_FROM", "EMAIL_TO")
    security = parse_security(env.get("SMTP_SECURITY", "") or "starttls")
    port_text = env.get("SMTP_PORT", "").strip()
    port = parse_port(port_text) if port_text else DEFAULT_PORTS[security]
    user = env.get("SMTP_USER", "").strip() or None
    password = env.get("SMTP_PASSWORD", "") or None
    if (user is None) != (password is None):
        missing = "SMTP_PASSWORD" if password is None else "SMTP_USER"
        raise ConfigError(f"email: set {missing} too, or neither to send without a login")
    if security == "none" and user is not None and not is_loopback(host):
        raise ConfigError(
            f"email: SMTP_SECURITY=none would send SMTP_PASSWORD unencrypted to {host}: "
            "use starttls or ssl (none is for a relay on this machine)"
        )
    check_addresses("EMAIL_FROM", sender)
    check_addresses("EMAIL_TO", to)
    pairs = [(name, address) for name, address in getaddresses([to]) if address]
    recipients = tuple(str(Address(name, addr_spec=address)) for name, address in pairs)
    return SmtpSettings(host, port, security, sender, recipients, user, password)


def is_loopback(host: str) -> bool:
    return host.lower() in ("localhost", "::1") or host.startswith("127.")


# the message -----------------------------------------------------------------------------


def build_email(
    view: PeriodView, settings: SmtpSettings, *, site_url: str | None = None
) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject(view)
    mail["From"] = settings.sender
    mail["To"] = ", ".join(settings.recipients)
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = message_id(
        view.period.name, settings.recipient_addresses, settings.sender_address
    )
    mail.set_content(plain_text(view, site_url), cte="base64")
    mail.add_alternative(html_text(view, site_url), subtype="html", cte="base64")
    return mail


# sending ---------------------------------------------------------------------------------


class EmailChannel:
    name = "email"
    can_find = False
    limits = LIMITS

    def __init__(
        self, settings: SmtpSettings, *, timeout: float = 30.0, site_url: str | None = None
    ) -> None:
        self.settings = settings
        self.target = ",".join(settings.recipient_addresses)
        self.timeout = timeout
        self.site_url = site_url.rstrip("/") if site_url else None
        self._where = f"{settings.host}:{settings.port}"

    def close(self) -> None:
        """Nothing to let go: each send opens and ends its own SMTP session."""

    def messages(self, view: PeriodView) -> list[Message]:
        return [Message("digest", build_email(view, self.settings, site_url=self.site_url))]

    def find(self, message: Message, parent_id: str | None) -> str | None:
        return None  # SMTP cannot tell whether an earlier send arrived

    def send(self, message: Message, parent_id: str | None) -> str:
        mail: EmailMessage = message.body
        with self._session() as smtp:
            self._login(smtp)
            self._envelope(smtp)
            self._data(smtp, mail)
        return str(mail["Message-ID"])

    @contextmanager
    def _session(self) -> Iterator[smtplib.SMTP]:
        """A connected (and, unless told otherwise, encrypted) SMTP session; QUIT at the end."""
        settings = self.settings
        context = ssl.create_default_context()
        smtp = (
            smtplib.SMTP_SSL(timeout=self.timeout, context=context)
            if settings.security == "ssl"
            else smtplib.SMTP(timeout=self.timeout)
        )
        try:
            try:
                smtp.connect(settings.host, settings.port)
                if settings.security == "starttls":
                    smtp.ehlo()
                    smtp.starttls(context=context)
                    smtp.ehlo()
            except (OSError, smtplib.SMTPException) as e:
                raise self._before_data(e, "connecting") from None
            yield smtp
        finally:
            _hang_up(smtp)

    def _login(self, smtp: smtplib.SMTP) -> None:
        settings = self.settings
        if settings.user is None or settings.password is None:
            return
        try:
            smtp.login(settings.user, settings.password)
        except smtplib.SMTPAuthenticationError as e:
            raise DeliveryError(
                f"{self._where} refused the login as {settings.user} ({self._said(e)}): "
                "check SMTP_USER and SMTP_PASSWORD",
                fatal=True,
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(
                f"{self._where} offers no login (AUTH): unset SMTP_USER and SMTP_PASSWORD, "
                "or use SMTP_SECURITY=starttls or ssl if it offers AUTH only over TLS",
                fatal=True,
            ) from None
        except (OSError, smtplib.SMTPException) as e:
            raise self._before_data(e, "logging in") from None

    def _envelope(self, smtp: smtplib.SMTP) -> None:
        """MAIL FROM and RCPT TO; the digest goes to those accepted if any is refused."""
        sender = self.settings.sender_address
        try:
            code, said = smtp.mail(sender)
            if code != 250:
                raise self._refused(f"the sender {sender}", "EMAIL_FROM", code, said)
            refused = {}
            for address in self.settings.recipient_addresses:
                code, said = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = (code, said)
        except (OSError, smtplib.SMTPException) as e:
            raise self._before_data(e, "giving the sender and recipients") from None
        if len(refused) == len(self.settings.recipient_addresses):
            codes = [code for code, _ in refused.values()]
            shown = "; ".join(f"{a}: {c} {self._text(s)}" for a, (c, s) in refused.items())
            raise DeliveryError(
                f"{self._where} refused every recipient ({shown}): check EMAIL_TO",
                fatal=all(code >= 500 for code in codes),
            )
        for address, (code, said) in refused.items():
            log.warning(
                "%s refused the recipient %s (%s %s); sending to the others",
                self._where,
                address,
                code,
                self._text(said),
            )

    def _data(self, smtp: smtplib.SMTP, mail: EmailMessage) -> None:
        try:
            code, said = smtp.data(mail.as_bytes(policy=SMTP_POLICY))
        except smtplib.SMTPDataError as e:
            raise DeliveryError(f"{self._where} refused the message ({self._said(e)})") from None
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryError(
                f"the connection to {self._where} broke after the message was sent "
                f"({_kind(e)}); it may have been delivered",
                unclear=True,
            ) from None
        if code != 250:
            raise DeliveryError(f"{self._where} refused the message ({code} {self._text(said)})")

    # errors ------------------------------------------------------------------------------

    def _before_data(self, error: Exception, doing: str) -> DeliveryError:
        """Nothing was sent yet: a TLS problem needs a fix, anything else can be tried again."""
        where, security = self._where, self.settings.security
        if isinstance(error, ssl.SSLCertVerificationError):
            return DeliveryError(
                f"the TLS certificate of {where} does not verify ({error.verify_message}): "
                "check SMTP_HOST",
                fatal=True,
            )
        if isinstance(error, ssl.SSLError):
            return DeliveryError(
                f"TLS with {where} failed ({error.reason or _kind(error)}): "
                f"check SMTP_SECURITY ({security}) and SMTP_PORT",
                fatal=True,
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            return DeliveryError(
                f"{where} does not offer STARTTLS: set SMTP_SECURITY=ssl (usually port 465), "
                "or none on a trusted network",
                fatal=True,
            )
        if isinstance(error, smtplib.SMTPResponseException):
            return DeliveryError(f"{where} answered {self._said(error)} while {doing}")
        return DeliveryError(f"could not reach {where} while {doing} ({_kind(error)})")

    def _refused(self, what: str, variable: str, code: int, said: bytes) -> DeliveryError:
        return DeliveryError(
            f"{self._where} refused {what} ({code} {self._text(said)}): check {variable}",
            fatal=code >= 500,
        )

    def _said(self, error: smtplib.SMTPResponseException) -> str:
        return f"{error.smtp_code} {self._text(error.smtp_error)}"

    def _text(self, said: bytes | str) -> str:
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        text = " ".join(text.split())
        return redact(text, [self.settings.password or ""])


def _kind(error: BaseException) -> str:
    """A short, secret-free name for a low-level failure."""
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return type(error).__name__


def _hang_up(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def from_env(env: Mapping[str, str], *, timeout: float = 30.0) -> EmailChannel:
    settings = settings_from_env(env)
    return EmailChannel(settings, timeout=timeout, site_url=read_site_url(env, limit=LIMITS.url))
