"""A paper's text as the summarizer gets it: the PDF read and fitted into the token budget,
or the abstract alone when the PDF cannot be had."""

from __future__ import annotations

import logging

from dailypapers.errors import DailyPapersError
from dailypapers.http import MB
from dailypapers.jobs.context import Day
from dailypapers.models import Paper, PaperText
from dailypapers.sources.arxiv import download_pdf
from dailypapers.sources.pdf import normalise_text
from dailypapers.summarize.budget import fit_text

log = logging.getLogger(__name__)


def read_paper_text(day: Day, paper: Paper) -> PaperText:
    """The paper's text fitted into the budget; the abstract alone when the PDF fails."""
    config = day.config
    try:
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
    except DailyPapersError as e:
        log.info("%s: no PDF text (%s); using the abstract", paper.arxiv_id, e.reason)
        fitted = fit_text(paper.title, paper.abstract, "", config.token_budget)
        return PaperText(
            paper.arxiv_id, fitted.text, "abstract", fitted.tokens, missing_reason=e.reason
        )
    body = normalise_text(extracted.text)
    fitted = fit_text(paper.title, paper.abstract, body, config.token_budget)
    log.info(
        "%s: %d pages, %d tokens sent of the text (left out: %s)",
        paper.arxiv_id,
        extracted.pages,
        fitted.tokens,
        ", ".join(fitted.dropped) or "nothing",
    )
    return PaperText(
        arxiv_id=paper.arxiv_id,
        text=fitted.text,
        source="pdf",
        tokens=fitted.tokens,
        pages=extracted.pages,
        full_text=body,
        dropped_sections=fitted.dropped,
    )
