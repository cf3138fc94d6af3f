"""Logging for ``--verbose``, and the redaction that keeps secrets out of every message."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from rich.console import Console
from rich.logging import RichHandler

#: Environment variables whose values are secrets, by the end of their name.
SECRET_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_WEBHOOK_URL")
#: Shorter values are not treated as secrets: replacing them would garble ordinary text.
MIN_SECRET_LENGTH = 6
REDACTED = "[redacted]"


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """The values of every secret-looking variable in ``env``, longest first."""
    found = {
        value
        for name, value in env.items()
        if name.upper().endswith(SECRET_SUFFIXES) and len(value) >= MIN_SECRET_LENGTH
    }
    return tuple(sorted(found, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with every secret replaced; drops nothing."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.secrets)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(trace, self.secrets), None
        return True


def setup_logging(console: Console, *, verbose: bool, secrets: tuple[str, ...]) -> None:
    """Warnings always, and with ``verbose`` every step and HTTP request, on ``console``."""
    handler = RichHandler(console=console, show_path=False, markup=False, rich_tracebacks=False)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, RichHandler):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("dailypapers").setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in ("httpx", "httpx2", "openai"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
