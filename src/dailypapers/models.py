"""The nouns of the pipeline. Validated at the boundary, trusted inside."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from dailypapers.evidence import Grounding

#: The three sections of every summary, in the order they are written.
SECTION_KEYS: tuple[str, str, str] = ("What's New", "Technical Details", "Performance Highlights")

#: How the seed format writes a section key: the JSON key wrapped in three stars.
SECTION_LABELS: tuple[str, str, str] = tuple(f"***{key}***" for key in SECTION_KEYS)  # type: ignore[assignment]


def section_name(label: str) -> str:
    """``***What's New***`` as the digest writes it, without its emphasis: ``What's New``."""
    return label.strip().strip("*_ ").strip() or label.strip()


#: Shown under the authors of an entry whose summary was made without an LLM.
EXTRACTIVE_NOTE = (
    "Extractive summary: sentences taken from the paper itself (no LLM was configured)."
)

#: The model name under which extractive summaries (made without an LLM) are stored.
EXTRACTIVE_MODEL = "extractive"

#: Starts the line shown under the authors of an entry that did not pass every check.
FLAGGED_NOTE_PREFIX = "Flagged by the checks: "

#: The predecessor's formats before the seed format, oldest first (see ``digest/legacy.py``).
LEGACY_ERAS: tuple[str, str, str] = ("no-votes", "vote-bullets", "vote-sections-2star")
#: The era of an imported entry that no format explains, kept and rendered as written.
VERBATIM = "verbatim"

#: What never belongs in a title, a name or a summary: C0 and C1 control characters (ESC, NUL,
#: SOH: invalid in XML, live in a terminal), bidi overrides and isolates, zero-width characters.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` without control, bidi and zero-width characters; tabs and line breaks become
    spaces (a title, a name and a summary section are one line)."""
    if text.isprintable():  # none of UNPRINTABLE is: the common case, without the regex
        return text
    return UNPRINTABLE.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)


#: Links longer than this are left out of digests, pages and messages.
URL_LIMIT = 2048
#: A space or a control character, which no link we keep has (one regex search, not a
#: Python loop per character: a 50,000-paper site checks some 200,000 links).
URL_BREAK = re.compile(r"[\s\x00-\x1f]")


def web_url(url: str | None, limit: int = URL_LIMIT) -> str | None:
    """``url`` when it is an http(s) address with a host, without spaces or control characters,
    at most ``limit`` long; else None, so a ``javascript:`` link never reaches a reader."""
    url = (url or "").strip()
    if not url or len(url) > limit or URL_BREAK.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


SummaryKind = Literal["llm", "extractive", "imported"]
TextSource = Literal["hf", "html", "pdf", "abstract"]
#: Every source of a paper's text, in the default order they are tried.
TEXT_SOURCES: tuple[TextSource, ...] = ("hf", "html", "pdf", "abstract")
AuthorsStyle = Literal["comma", "python_list"]


@dataclass(frozen=True)
class Paper:
    """One entry of the Daily Papers list."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    upvotes: int
    thumbnail: str | None
    abstract: str
    published_at: str | None = None
    github_repo: str | None = None
    project_page: str | None = None
    ai_keywords: tuple[str, ...] = ()
    #: The organisation the paper is listed under on Hugging Face, when it has one.
    organization: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class PaperText:
    """The text of a paper that is handed to a summarizer, fitted into the token budget."""

    arxiv_id: str
    text: str
    source: TextSource
    tokens: int
    pages: int = 0
    full_text: str = field(default="", repr=False)
    missing_reason: str | None = None
    dropped_sections: tuple[str, ...] = ()
    kept_sections: tuple[str, ...] = ()
    #: The text was cut inside a section to fit the token budget.
    truncated: bool = False
    #: The quality gates this text passed (``dailypapers.sources.gates``).
    gates: tuple[str, ...] = ()
    #: Why each source tried before this one gave no text: ``"html: about-this-paper: ..."``.
    refusals: tuple[str, ...] = ()

    def provenance(self) -> str:
        """One line saying where the text came from and what of it the summarizer read."""
        return provenance_line(
            self.source,
            self.tokens,
            gates=self.gates,
            refusals=self.refusals,
            kept=self.kept_sections,
            dropped=self.dropped_sections,
            truncated=self.truncated,
        )


SOURCE_NAMES = {
    "hf": "Hugging Face Markdown",
    "html": "arXiv HTML",
    "pdf": "arXiv PDF",
    "abstract": "abstract only",
}


def provenance_line(
    source: str,
    tokens: int,
    *,
    gates: tuple[str, ...] = (),
    refusals: tuple[str, ...] = (),
    kept: tuple[str, ...] = (),
    dropped: tuple[str, ...] = (),
    truncated: bool = False,
) -> str:
    """``arXiv HTML, 9,812 tokens; gates passed: ...; 6 sections kept, 2 dropped
    (References, Appendix A); cut to fit; not used: hf (HTTP 404 Not Found)``."""
    parts = [f"{SOURCE_NAMES.get(source, source)}, {tokens:,} tokens"]
    if gates:
        parts.append(f"gates passed: {', '.join(gates)}")
    if kept or dropped:
        left_out = f" ({', '.join(dropped)})" if dropped else ""
        parts.append(f"{len(kept)} sections kept, {len(dropped)} dropped{left_out}")
    if truncated:
        parts.append("cut to fit")
    if refusals:
        parts.append(f"not used: {'; '.join(refusals)}")
    return "; ".join(parts)


def summary_provenance(
    *,
    kind: str,
    model: str,
    prompt_version: str,
    flagged: bool,
    source: str | None = None,
    truncated: bool = False,
    grounding: Grounding | None = None,
) -> str:
    """One line saying where a summary stands: ``arXiv HTML, whole; numbers verified 5/6;
    names verified 8/8; gpt-4o, prompt v3; flagged``."""
    if kind == "imported":
        text = "imported from a digest file, its paper text unknown"
    elif source is None:
        text = "paper text not stored"
    else:
        text = f"{SOURCE_NAMES.get(source, source)}, {'cut to fit' if truncated else 'whole'}"
    parts = [text]
    if grounding is None and kind == "extractive":
        parts.append("the paper's own sentences, not traced")
    elif grounding is None:
        parts.append("claims not traced")
    else:
        parts += [
            f"numbers verified {'/'.join(map(str, grounding.numbers))}",
            f"names verified {'/'.join(map(str, grounding.names))}",
        ]
        if grounding.verified is not None:
            supported = sum(check.found for check in grounding.verified)
            parts.append(f"sentences with a source span {supported}/{len(grounding.verified)}")
    who = model if kind != "imported" else f"{model} (predecessor)"
    parts.append(f"{who}, prompt {prompt_version}")
    parts.append("flagged" if flagged else "passed the checks")
    return "; ".join(parts)


@dataclass(frozen=True)
class Section:
    """One ``- LABEL: TEXT`` line of an entry. ``label`` is kept exactly as written."""

    label: str
    text: str


@dataclass(frozen=True)
class Summary:
    sections: tuple[Section, ...]
    kind: SummaryKind
    model: str
    prompt_version: str
    text_source: TextSource | None = None
    #: What the checks found, as "check: detail", when the summary was kept anyway.
    flags: tuple[str, ...] = ()
    #: Where each number and name comes from in the paper; None when it was not traced
    #: (no paper text, imported, or made before tracing existed).
    grounding: Grounding | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DigestEntry:
    """Everything one paper's block in a digest file shows."""

    arxiv_id: str
    title_md: str
    thumbnail: str | None
    votes: int
    authors: tuple[str, ...]
    sections: tuple[Section, ...]
    authors_style: AuthorsStyle = "comma"
    note: str | None = None
    #: The language its summary is written in (``ko``, ``en``, ...), when the store knows it;
    #: read from the summary, not part of what the entry is.
    lang: str | None = field(default=None, compare=False)
    #: The predecessor's older format the entry is written in (one of ``LEGACY_ERAS``), or
    #: ``VERBATIM`` for an entry no format explains; None for the seed format ours write.
    era: str | None = None
    #: A legacy entry's lines in order (``digest/legacy.py``), so it renders back as written.
    layout: str | None = None
    #: A verbatim entry's exact text, heading included: rendered back as it is.
    raw: str | None = None
    #: Made by dailypapers (not imported from a digest file): its names, summary, note and
    #: thumbnail are made inert when it is written (``digest/inert.py``).
    ours: bool = field(default=False, compare=False)
    #: What the checks found in its summary (``check: detail``), as stored; the note shows them.
    flags: tuple[str, ...] = field(default=(), compare=False)

    @property
    def votes_known(self) -> bool:
        """False when the entry shows no vote count (``no-votes`` era, ``Vote: -``)."""
        if self.era == VERBATIM or self.era == "no-votes":
            return False
        return self.layout is None or "vote" in self.layout.split()

    @property
    def bullets(self) -> bool:
        return are_bullets(self.sections)


def are_bullets(sections: tuple[Section, ...]) -> bool:
    """Whether a summary is a plain list of sentences (the predecessor's first eras) rather
    than labelled sections."""
    return bool(sections) and all(not section.label for section in sections)


#: Starts the prompt version of every summary imported from a digest file (``imported-DATE``).
IMPORTED_PREFIX = "imported-"


def is_imported(prompt_version: str) -> bool:
    """Whether a stored summary came from a digest file rather than from a run of ours."""
    return prompt_version.startswith(IMPORTED_PREFIX)


#: The language of summaries, and of a digest none of whose summaries says its own: the
#: predecessor's archive, and our default, is Korean.
DEFAULT_LANG = "ko"


def main_lang(langs: Iterable[str | None]) -> str:
    """The language most of ``langs`` are (on a tie, the first one's); ``DEFAULT_LANG`` when
    none is known."""
    counted = Counter(lang for lang in langs if lang)
    return counted.most_common(1)[0][0] if counted else DEFAULT_LANG


def summary_lang(kind: str, prompt_version: str) -> str | None:
    """The language of a stored summary: English for an extractive one (sentences of the
    paper), Korean for an imported one (the predecessor's archive), else the code its prompt
    version starts with (``en-sections-v2``: ``en``); None when that says nothing."""
    if kind == "extractive":
        return "en"
    if is_imported(prompt_version):
        return "ko"
    code, dash, _ = prompt_version.partition("-")
    return code.lower() if dash and code.isalpha() and 2 <= len(code) <= 3 else None


@dataclass(frozen=True)
class DigestRun:
    """One ``## Daily Papers (DATE)`` block: most files hold one, some hold two."""

    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True)
class Digest:
    date: str
    runs: tuple[DigestRun, ...]


@dataclass(frozen=True)
class LLMCall:
    """One chat request to an LLM, as recorded in ``llm_calls``."""

    arxiv_id: str
    model: str
    prompt_version: str
    attempt: int
    started_at: str
    duration_s: float
    input_tokens: int
    output_tokens: int
    ok: bool
    error: str | None
    raw_response: str | None
    #: Set when the call was answered through the Batch API (billed at the batch price).
    batch_id: str | None = None


@dataclass(frozen=True)
class StoredSummary:
    id: int
    summary: Summary
