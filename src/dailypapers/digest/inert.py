"""Nothing live in the Markdown we write: what makes our own entries safe to render.

An author name, an LLM answer or a thumbnail URL from the Hugging Face list may carry HTML
(``<script>``, ``<img onerror=...>``) or a ``javascript:`` link, which any renderer that passes
HTML through would run. Before an entry of ours becomes Markdown, its text is made inert:

- a ``<`` that could open a tag, a comment or an autolink (before a letter, ``/``, ``!`` or
  ``?``) is escaped as ``\\<``, which Markdown shows as ``<``; ``x < y`` and ``a<3`` stay;
- a Markdown link or image whose address is not http(s) is dropped, its text kept;
- a thumbnail that is not an http(s) address is dropped, and the characters that would end
  it early in ``![](URL)`` or ``src="URL"`` are percent-encoded.

Entries imported from the predecessor's files are never passed through here: they render
back byte for byte, ``<think>`` and all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote

from dailypapers.models import DigestEntry, Section, web_url

#: A ``<`` that is not already escaped (an even number of backslashes before it, none
#: included) and could start HTML: a tag, a closing tag, a comment or declaration, a
#: processing instruction, or an autolink such as ``<javascript:...>``.
LIVE_ANGLE = re.compile(r"(?<!\\)((?:\\\\)*)<(?=[A-Za-z/!?])")
#: The start of an inline link or image: ``[text](`` or ``![alt](``, the text without
#: unescaped brackets. Where its address ends is found by counting parentheses.
LINK_START = re.compile(r"(!?)\[((?:[^\[\]\\]|\\.)*)\]\(")
#: Where any inline link's text ends and its address begins: a ``](`` whose ``]`` is not
#: escaped (the text may hold balanced brackets, which ``LINK_START`` does not follow).
LINK_END = re.compile(r"(?<!\\)((?:\\\\)*)\]\(")
#: What would end a URL early in ``![](URL)``, ``[Watch Video](URL)`` or ``src="URL"``.
ENDS_URL = re.compile(r"[()<>\"'`\\\s]")


def inert_entry(entry: DigestEntry) -> DigestEntry:
    """``entry`` as it may be written: its names, summary and note inert, its thumbnail
    http(s) or none. The title is escaped already (``escape_title``)."""
    return replace(
        entry,
        thumbnail=inert_url(entry.thumbnail),
        authors=tuple(inert_text(name) for name in entry.authors),
        sections=tuple(Section(s.label, inert_text(s.text)) for s in entry.sections),
        note=inert_text(entry.note) if entry.note else entry.note,
    )


def inert_text(text: str) -> str:
    """``text`` with no link but http(s) ones and no ``<`` that could start HTML."""
    while (shorter := without_unsafe_links(text)) != text:
        text = shorter  # ``[[a](x:)](y:)`` joins into a new link once the inner one goes
    return LIVE_ANGLE.sub(r"\1\\<", text) if "<" in text else text


def inert_url(url: str | None) -> str | None:
    """An http(s) address that stays one token in a Markdown line or an HTML attribute;
    None for any other (``javascript:``, ``data:``, no host)."""
    usable = web_url(url)
    if usable is None:
        return None
    return ENDS_URL.sub(lambda match: quote(match.group()), usable)


def without_unsafe_links(text: str) -> str:
    """``text`` with every ``[text](address)`` and ``![alt](address)`` whose address is not
    http(s) replaced by its text. A link whose text holds brackets (``[a [b] c](x:)``) loses
    its ``(address)``, and a ``](`` never closed has its ``(`` escaped."""
    if "](" not in text:  # no link at all: most summaries and every name
        return text
    text = _replace_links(LINK_START, text, lambda match: match.group(2))
    return _replace_links(LINK_END, text, lambda match: match.group(1) + "]")


def _replace_links(start: re.Pattern[str], text: str, keep: Callable[[re.Match[str]], str]) -> str:
    """``text`` with each link found by ``start`` (which ends at its ``(``) whose address is not
    http(s) replaced by ``keep(match)``."""
    parts: list[str] = []
    done = 0
    for match in start.finditer(text):
        if match.start() < done:
            continue  # inside a link already dropped
        end = _closing_paren(text, match.end())
        if end is None:  # not a link, unless a line written after it closes it: escaped
            parts.append(text[done : match.end() - 1] + "\\(")
            done = match.end()
            continue
        if web_url(_address(text[match.end() : end])) is not None:
            continue
        parts.append(text[done : match.start()])
        parts.append(keep(match))
        done = end + 1
    parts.append(text[done:])
    return "".join(parts)


def _closing_paren(text: str, start: int) -> int | None:
    """Where the ``(`` just before ``start`` is closed, skipping backslash escapes and
    nested parentheses; None when it never is."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return None


def _address(inside: str) -> str:
    """The destination of a link from what its parentheses hold (``<url> "title"`` or
    ``url "title"``)."""
    inside = inside.strip()
    if inside.startswith("<"):
        return inside[1:].split(">", 1)[0]
    return inside.split(maxsplit=1)[0] if inside else ""
