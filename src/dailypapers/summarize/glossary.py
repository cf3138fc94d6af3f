"""A glossary so a term reads the same every day: English term -> rendering, or kept as is."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

from dailypapers.errors import ConfigError

KEEP = "keep"
#: Most glossary lines put in one prompt: the terms the paper uses, longest first.
MAX_TERMS = 40


def load_glossary(path: Path | None, lang: str) -> dict[str, str]:
    """The file at ``path``, else the built-in starter glossary for ``lang`` (Korean only)."""
    if path is None:
        starter = resources.files("dailypapers") / "data" / f"glossary_{lang}.toml"
        if not starter.is_file():
            return {}
        return _parse(starter.read_text(encoding="utf-8"), f"built-in glossary {lang}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"glossary {path}: {e.strerror}") from None
    return _parse(text, str(path))


def _parse(text: str, where: str) -> dict[str, str]:
    try:
        terms = tomllib.loads(text).get("terms", {})
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"glossary {where}: {e}") from None
    if not isinstance(terms, dict) or not all(isinstance(v, str) for v in terms.values()):
        raise ConfigError(f'glossary {where}: [terms] must map "English term" = "rendering"')
    return {str(k): v.strip() for k, v in terms.items() if str(k).strip() and v.strip()}


def glossary_for(glossary: dict[str, str], text: str) -> list[str]:
    """Prompt lines for the terms that occur in ``text`` (whole words, any case)."""
    lowered = text.lower()
    used = [
        term
        for term in sorted(glossary, key=len, reverse=True)
        if re.search(rf"(?<!\w){re.escape(term.lower())}(?!\w)", lowered)
    ][:MAX_TERMS]
    return [_line(term, glossary[term]) for term in used]


def _line(term: str, rendering: str) -> str:
    if rendering.lower() == KEEP:
        return f"- {term}: keep in English"
    return f"- {term}: {rendering}({term})"
