"""The glossary files: English term -> Korean rendering (or kept as is). Read by the prompt,
which asks the model to write terms the same way every day, and by the site's search, which
finds a paper by either form."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from dailypapers.errors import ConfigError

KEEP = "keep"


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
