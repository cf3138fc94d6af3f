"""Fetch stage: one day's (or one ISO week's) Daily Papers list from the Hugging Face API.

``fetch_day`` and ``fetch_list`` do the I/O and return the raw JSON entries; ``parse_entries``
is pure and turns them into ``Paper`` objects, leniently: the API's fields arrived and changed
over the years, and one broken entry never stops the day.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import quote

import httpx2
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dailypapers.errors import FetchError
from dailypapers.http import MB, HTTPFailure, Limits, get_with_retry
from dailypapers.models import Paper, printable, web_url

ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(v\d+)?$", re.IGNORECASE | re.ASCII)
#: JSON escapes can spell half of a surrogate pair; UTF-8 (the database, the files) cannot.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: What would end a URL early in a Markdown line: whitespace, and quotes in an HTML attribute.
BREAKS_URL = re.compile(r'[\s"]')
#: How much of a link left out is shown in its note.
SHOWN_URL = 80
#: The largest integer SQLite stores.
MAX_INT = 2**63 - 1
#: What a page that is not JSON shows of itself in the error: its first characters.
FIRST_WORDS = 80
#: Markup to drop from such a page: scripts and styles with their content, then every tag.
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")
#: The largest page of the list read: a real page of 50 entries is about 100 KB.
MAX_PAGE_BYTES = 20 * MB
#: How long fetching one page may take in all, retries included.
DEFAULT_PAGE_SECONDS = 300.0


def fetch_day(
    client: httpx2.Client,
    endpoint: str,
    date: str,
    *,
    page_size: int = 50,
    max_pages: int = 40,
    attempts: int = 4,
    backoff: float = 1.0,
    seconds: float | None = DEFAULT_PAGE_SECONDS,
) -> list[Any]:
    """All entries of a day: pages ``p=0,1,...`` until a page is short (or repeats itself)."""
    return fetch_list(
        client,
        endpoint,
        "date",
        date,
        page_size=page_size,
        max_pages=max_pages,
        attempts=attempts,
        backoff=backoff,
        seconds=seconds,
    )


def fetch_list(
    client: httpx2.Client,
    endpoint: str,
    key: Literal["date", "week"],
    value: str,
    *,
    page_size: int = 50,
    max_pages: int = 40,
    attempts: int = 4,
    backoff: float = 1.0,
    seconds: float | None = DEFAULT_PAGE_SECONDS,
) -> list[Any]:
    """The entries listed for ``key=value`` (a day, or an ISO week ``2024-W49``), every page:
    each at most ``MAX_PAGE_BYTES``, fetched within ``seconds`` (retries included)."""
    entries: list[Any] = []
    seen: set[str] = set()
    for page in range(max_pages):
        params: dict[str, str | int] = {key: value, "p": page, "limit": page_size}
        try:
            response = get_with_retry(
                client,
                f"{endpoint}/api/daily_papers",
                params=params,
                attempts=attempts,
                backoff=backoff,
                limits=Limits(max_bytes=MAX_PAGE_BYTES, seconds=seconds),
            )
        except HTTPFailure as e:
            hint = f" (the API refuses the {key})" if e.status == 400 else ""
            raise FetchError(f"daily papers for {value}: {e.reason}{hint}") from e
        batch = parse_page_body(
            response.content,
            date=value,
            url=str(response.url),
            content_type=response.headers.get("content-type", "no content type"),
        )
        ids = {_entry_id(entry) for entry in batch} - {None}
        if batch and ids and ids <= seen:
            return entries  # the server ignores `p` and sent the first page again
        seen |= {i for i in ids if i}
        entries.extend(batch)
        if len(batch) < page_size:
            return entries
    raise FetchError(f"daily papers for {value}: more than {max_pages} pages of {page_size}")


def parse_page_body(
    body: bytes, *, date: str, url: str | None = None, content_type: str | None = None
) -> list[Any]:
    """The JSON list of one page, or a FetchError that says what came instead: the URL and
    content type (when given) and, for a body that is not JSON, its first words."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as e:  # JSONDecodeError, UnicodeDecodeError, too deep
        where = f"{url} answered {content_type}, " if url else ""
        if body.lstrip()[:1] in (b"[", b"{"):  # JSON, broken: where it broke helps
            what = f"malformed JSON: {e}: {first_words(body)}"
        else:  # a maintenance page, a proxy's error: what it says helps
            what = f"not JSON: {first_words(body)}"
        raise FetchError(f"daily papers for {date}: {where}{what}") from None
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        keys = ", ".join(sorted(map(str, data))[:5]) or "none"
        got = f"an object with keys {keys}"
    else:
        got = type(data).__name__
    raise FetchError(f"daily papers for {date}: expected a JSON list of papers, got {got}")


def first_words(body: bytes) -> str:
    """The start of a body as one short quoted line: tags dropped, whitespace collapsed."""
    text = body[: FIRST_WORDS * 100].decode("utf-8", errors="replace")
    text = collapse(TAG.sub(" ", SCRIPT_OR_STYLE.sub(" ", text)))
    if not text:
        return "an empty body" if not body else "no readable text"
    if len(text) > FIRST_WORDS:
        text = text[:FIRST_WORDS].rstrip() + "…"
    return f'"{text}"'


def _entry_id(entry: Any) -> str | None:
    if isinstance(entry, dict) and isinstance(entry.get("paper"), dict):
        value = entry["paper"].get("id")
        return str(value) if value is not None else None
    return None


class _Author(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = ""


class _Organization(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = ""
    fullname: str = ""


class _PaperFields(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: str
    title: str = ""
    summary: str = ""
    authors: list[_Author] = Field(default_factory=list)
    upvotes: Annotated[int, Field(le=MAX_INT)] | None = 0
    published_at: str | None = Field(default=None, alias="publishedAt")
    github_repo: str | None = Field(default=None, alias="githubRepo")
    project_page: str | None = Field(default=None, alias="projectPage")
    ai_keywords: list[str] = Field(default_factory=list)
    organization: _Organization | None = None


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    paper: _PaperFields
    title: str = ""
    summary: str = ""
    thumbnail: str | None = None
    media_url: str | None = Field(default=None, alias="mediaUrl")
    organization: _Organization | None = None


@dataclass(frozen=True)
class ParsedDay:
    papers: list[Paper]
    #: Entries skipped, each with the reason.
    problems: list[str]
    #: Links left out of papers that were kept, because they are not http(s) addresses
    #: (a ``javascript:`` or ``data:`` thumbnail, say): each names the entry and the link.
    dropped: list[str] = field(default_factory=list)


def parse_entries(entries: list[Any]) -> ParsedDay:
    day = ParsedDay([], [])
    seen: set[str] = set()
    for position, raw in enumerate(entries):
        try:
            paper, dropped = parse_entry_links(raw)
        except ValueError as e:
            day.problems.append(f"entry {position}: {e}")
            continue
        if paper.arxiv_id in seen:
            day.problems.append(
                f"entry {position}: {paper.arxiv_id} is listed twice; kept the first"
            )
            continue
        seen.add(paper.arxiv_id)
        day.papers.append(paper)
        day.dropped.extend(f"entry {position}: {paper.arxiv_id}: {what}" for what in dropped)
    return day


def parse_entry(raw: Any) -> Paper:
    """One API entry as a Paper; ValueError says what is missing or wrong."""
    return parse_entry_links(raw)[0]


def parse_entry_links(raw: Any) -> tuple[Paper, list[str]]:
    """One API entry as a Paper, and what was left out of its links (``parse_entry``): only
    http(s) addresses are kept as its thumbnail, repository and project page."""
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object, got {type(raw).__name__}")
    raw = _without_lone_surrogates(raw)
    if not isinstance(raw.get("paper"), dict) or raw["paper"].get("id") in (None, ""):
        raise ValueError("missing paper.id")
    try:
        entry = _Entry.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None
    arxiv_id = _arxiv_id(entry.paper.id)
    title = collapse(entry.title) or collapse(entry.paper.title)
    if not title:
        raise ValueError(f"{arxiv_id} has no title")
    dropped: list[str] = []
    paper = Paper(
        arxiv_id=arxiv_id,
        title=title,
        authors=_authors(entry.paper.authors),
        upvotes=max(entry.paper.upvotes or 0, 0),
        thumbnail=_link("thumbnail", entry.thumbnail, dropped)
        or _link("mediaUrl", entry.media_url, dropped),
        abstract=collapse(entry.paper.summary) or collapse(entry.summary),
        published_at=entry.paper.published_at,
        github_repo=_link("githubRepo", entry.paper.github_repo, dropped),
        project_page=_link("projectPage", entry.paper.project_page, dropped),
        ai_keywords=tuple(k for k in map(collapse, entry.paper.ai_keywords) if k),
        organization=_organization(entry.organization or entry.paper.organization),
        raw=raw,
    )
    return paper, dropped


def _organization(organization: _Organization | None) -> str | None:
    """The organisation's display name (``fullname``), else its short ``name``."""
    if organization is None:
        return None
    return collapse(organization.fullname) or collapse(organization.name) or None


def _link(name: str, value: str | None, dropped: list[str]) -> str | None:
    """``value`` as a URL (``_url``) when it is an http(s) address; else None, and a line in
    ``dropped`` that says which link was left out."""
    url = _url(value)
    if url is None or web_url(url) is not None:
        return url
    shown = url if len(url) <= SHOWN_URL else url[: SHOWN_URL - 1] + "…"
    dropped.append(f"{name} {shown!r} is not an http(s) address")
    return None


def _without_lone_surrogates(raw: dict[str, Any]) -> dict[str, Any]:
    """The entry with each lone surrogate replaced by U+FFFD; the same object if it has none."""
    try:
        text = json.dumps(raw, ensure_ascii=False, default=repr)
    except RecursionError:  # the database could not store it either
        raise ValueError("the entry is nested too deeply") from None
    if not LONE_SURROGATE.search(text):
        return raw
    fixed: dict[str, Any] = json.loads(LONE_SURROGATE.sub("\ufffd", text))
    return fixed


def _url(value: str | None) -> str | None:
    """A URL that stays one token in a digest line: trimmed, inner spaces and quotes encoded."""
    value = (value or "").strip()
    return BREAKS_URL.sub(lambda match: quote(match.group()), value) or None


def _arxiv_id(value: str) -> str:
    value = value.strip()
    match = ARXIV_ID.match(value)
    if not match:
        raise ValueError(f"paper.id {value!r} is not an arXiv id")
    return match.group(1)


def _authors(authors: list[_Author]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for author in authors:
        name = collapse(author.name)
        if name:
            names.setdefault(name, None)
    return tuple(names)


def collapse(text: str | None) -> str:
    """Runs of whitespace (newlines too) become one space; control, bidi and zero-width
    characters are dropped."""
    return " ".join(printable(text).split()) if text else ""
