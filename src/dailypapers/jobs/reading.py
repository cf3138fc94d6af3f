"""A paper's text as the summarizer gets it: from the first source in the configured order
(Hugging Face Markdown, arXiv HTML, the PDF, the abstract) that has a text passing the
quality gates, fitted into the token budget, with its provenance."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import replace

from dailypapers.errors import DailyPapersError
from dailypapers.http import MB
from dailypapers.jobs.context import Day
from dailypapers.models import Paper, PaperText
from dailypapers.periods import now
from dailypapers.sources.arxiv import download_pdf
from dailypapers.sources.arxiv_html import fetch_html_text
from dailypapers.sources.gates import judge
from dailypapers.sources.markdown import fetch_markdown
from dailypapers.sources.pdf import normalise_text
from dailypapers.summarize.budget import fit_markdown, fit_text

log = logging.getLogger(__name__)


#: Refusals of Hugging Face's Markdown that show its fallback page (title and abstract alone).
HF_FALLBACK = ("hf: not-blank:", "hf: full-length:")
NO_HTML = "not asked: Hugging Face's fallback page says arXiv has no HTML version"


def read_paper_text(day: Day, paper: Paper) -> PaperText:
    """The text of the first source that has one passing the gates; the abstract at last.

    Each source tried before records why it gave nothing (``PaperText.refusals``): its
    download failed, or a gate refused its text (the gate's name and what it measured).
    Hugging Face's fallback page (a text too short to be the paper) means arXiv has no HTML
    version, since Hugging Face's Markdown is made from it: arXiv is not asked for it then.
    """
    refusals: list[str] = []
    for source in day.config.text_sources:
        if source == "abstract" or day.stopping.is_set():  # stopping: no further download
            break
        if source == "html" and any(r.startswith(HF_FALLBACK) for r in refusals):
            refusals.append(f"html: {NO_HTML}")
            continue
        try:
            text = _read_pdf(day, paper) if source == "pdf" else _read_converted(day, paper, source)
        except DailyPapersError as e:
            text = e.reason
        if isinstance(text, str):
            log.info("%s: no text from %s: %s", paper.arxiv_id, source, text)
            refusals.append(f"{source}: {text}")
            continue
        log.info("%s: %s", paper.arxiv_id, text.provenance())
        return replace(text, refusals=tuple(refusals))
    return _abstract_only(day, paper, tuple(refusals))


def _read_converted(day: Day, paper: Paper, source: str) -> PaperText | str:
    """Hugging Face's Markdown or arXiv's HTML, fitted by its own headings; the gate's
    refusal when it is not the paper, whole and readable."""
    markdown = _fetch_markdown(day, paper) if source == "hf" else _fetch_html(day, paper)
    verdict = judge(paper.title, paper.abstract, markdown)
    if verdict.failed is not None:
        return verdict.failed.refusal()
    fitted = fit_markdown(paper.title, paper.abstract, markdown, day.config.token_budget)
    return PaperText(
        arxiv_id=paper.arxiv_id,
        text=fitted.text,
        source="hf" if source == "hf" else "html",
        tokens=fitted.tokens,
        full_text=markdown,
        dropped_sections=fitted.dropped,
        kept_sections=fitted.kept,
        truncated=fitted.truncated,
        gates=verdict.passed,
    )


def _fetch_markdown(day: Day, paper: Paper) -> str:
    """Hugging Face's Markdown, within Hugging Face's allowance."""
    fetch = functools.partial(fetch_markdown, endpoint=day.config.hf_endpoint, pacer=day.hf_pacer)
    return _fetch(day, paper, fetch)


def _fetch_html(day: Day, paper: Paper) -> str:
    """arXiv's HTML version, paced with the PDFs (arXiv's one rule for robots)."""
    fetch = functools.partial(
        fetch_html_text, endpoint=day.config.arxiv_endpoint, pacer=day.arxiv_pacer
    )
    return _fetch(day, paper, fetch)


def _fetch(day: Day, paper: Paper, fetch: Callable[..., str]) -> str:
    config = day.config
    return fetch(
        day.http,
        arxiv_id=paper.arxiv_id,
        cache_dir=config.cache_dir,
        today=now()[:10],
        attempts=config.http_attempts,
        backoff=config.http_backoff,
        seconds=config.download_seconds,
    )


def _read_pdf(day: Day, paper: Paper) -> PaperText:
    """The PDF read and fitted by its numbered headings, as before the other sources came."""
    config = day.config
    pdf = download_pdf(
        day.http,
        config.arxiv_endpoint,
        paper.arxiv_id,
        config.cache_dir,
        attempts=config.http_attempts,
        backoff=config.http_backoff,
        pacer=day.arxiv_pacer,
        max_bytes=config.max_pdf_mb * MB,
        seconds=config.download_seconds,
    )
    extracted = day.extractor.extract(pdf, arxiv_id=paper.arxiv_id)
    body = normalise_text(extracted.text)
    fitted = fit_text(paper.title, paper.abstract, body, config.token_budget)
    log.info("%s: %d pages of PDF", paper.arxiv_id, extracted.pages)
    return PaperText(
        arxiv_id=paper.arxiv_id,
        text=fitted.text,
        source="pdf",
        tokens=fitted.tokens,
        pages=extracted.pages,
        full_text=body,
        dropped_sections=fitted.dropped,
        kept_sections=fitted.kept,
        truncated=fitted.truncated,
    )


def _abstract_only(day: Day, paper: Paper, refusals: tuple[str, ...]) -> PaperText:
    """The abstract alone; ``missing_reason`` says why no fuller text was used."""
    fitted = fit_text(paper.title, paper.abstract, "", day.config.token_budget)
    reason = refusals[-1].split(": ", 1)[1] if refusals else None
    return PaperText(
        paper.arxiv_id,
        fitted.text,
        "abstract",
        fitted.tokens,
        missing_reason=reason,
        refusals=refusals,
    )
