"""Logging for ``--verbose``, and the redaction that keeps secrets out of every message."""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote, urlsplit

from rich.console import Console
from rich.logging import RichHandler

#: Environment variables whose values are secrets, by the end of their name.
SECRET_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_WEBHOOK_URL")
#: Shorter values are not treated as secrets: replacing them would garble ordinary text.
MIN_SECRET_LENGTH = 6
REDACTED = "[redacted]"


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """The values of every secret-looking variable in ``env`` (surrounding whitespace left
    out, as every reader of a secret strips it), and the credentials written into any URL
    (``https://user:pass@host``), longest first."""
    found = {
        value.strip()
        for name, value in env.items()
        if name.upper().endswith(SECRET_SUFFIXES) and len(value.strip()) >= MIN_SECRET_LENGTH
    }
    for value in env.values():
        found.update(url_credentials(value))
    return tuple(sorted(found, key=len, reverse=True))


def url_credentials(value: str) -> set[str]:
    """The ``user:pass`` of a URL, and the password alone, when they are long enough to be told
    apart from ordinary words; none for anything else. A user name alone (``ssh://git@host``)
    is no secret: hiding it would hide every "git" in every message."""
    if "://" not in value or "@" not in value:
        return set()
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return set()
    if not parts.password or len(unquote(parts.password)) < MIN_SECRET_LENGTH:
        return set()
    userinfo = parts.netloc.rpartition("@")[0]
    return {userinfo, unquote(userinfo), parts.password, unquote(parts.password)}


@functools.lru_cache(maxsize=256)
def secret_forms(secret: str) -> tuple[str, ...]:
    """Every way ``secret`` can be spelled in a message, longest first: as it is and stripped,
    as Python shows it in a ``repr`` of a str or of bytes (``b'Bearer sk-...\\n'``), escaped
    in JSON, URL-encoded, and base64 as in a ``Basic`` header."""
    forms = set()
    for value in {secret, secret.strip()}:
        if not value:
            continue
        forms |= {
            value,
            repr(value)[1:-1],
            repr(value.encode())[2:-1],
            json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1],
            quote(value, safe=""),
            quote_plus(value, safe=""),
            base64.b64encode(value.encode()).decode().rstrip("="),
        }
    return tuple(sorted(forms, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret (see ``secret_forms``) replaced."""
    for secret in secrets:
        if secret:
            for form in secret_forms(secret):
                text = text.replace(form, REDACTED)
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
