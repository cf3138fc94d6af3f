"""A glossary so a term reads the same every day: English term -> rendering, or kept as is."""

from __future__ import annotations

import re

from dailypapers.glossary import KEEP as KEEP
from dailypapers.glossary import load_glossary as load_glossary

#: Most glossary lines put in one prompt: the terms the paper uses, longest first.
MAX_TERMS = 40


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
