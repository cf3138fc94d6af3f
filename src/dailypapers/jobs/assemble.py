"""A day's digest blocks, rebuilt from the store after its papers are summarized: imported
blocks as they were, our blocks with their papers, and a new block for the papers summarized
since (late papers, failed ones retried)."""

from __future__ import annotations

from dailypapers.digest.render import paper_entry
from dailypapers.models import DigestEntry
from dailypapers.store import Store
from dailypapers.summarize import Summarizer


def assemble_day(store: Store, when: str, summarizer: Summarizer) -> None:
    """Rebuild the day's own digest blocks: each with its papers, most votes first.

    Blocks imported from an archive stay as they were. A paper published in one of our blocks
    stays in it (with its newest summary and votes, so ``--force`` moves nothing); papers
    summarized since the last block (late papers, failed ones retried) make a new block after
    it. Papers already shown on another day are left out, so no paper is published twice.
    """
    runs = _runs(store, when)
    first_run = store.imported_runs(when)
    votes = dict(store.listing(when))
    placed = {e.arxiv_id for run in runs for e in run}
    ours = [[e.arxiv_id for e in run] for run in runs[first_run:]]
    new = [
        arxiv_id
        for arxiv_id in votes
        if arxiv_id not in placed and not any(d != when for d in store.digest_dates(arxiv_id))
    ]
    blocks = [_block(store, ids, votes, summarizer) for ids in [*ours, new]]
    with store.transaction():
        store.replace_runs_from(when, first_run, [block for block in blocks if block])


def _block(
    store: Store, arxiv_ids: list[str], votes: dict[str, int], summarizer: Summarizer
) -> list[tuple[DigestEntry, int]]:
    """The entries of one digest block: each paper with a summary, most votes first."""
    chosen: list[tuple[DigestEntry, int]] = []
    for arxiv_id in arxiv_ids:
        stored = store.best_summary(arxiv_id, summarizer.model, summarizer.prompt_version)
        paper = store.get_paper(arxiv_id)
        if stored is None or paper is None:
            continue
        shown = votes.get(arxiv_id, paper.upvotes)
        chosen.append((paper_entry(paper, stored.summary.sections, shown), stored.id))
    chosen.sort(key=lambda pair: -pair[0].votes)
    return chosen


def _runs(store: Store, when: str) -> list[list[DigestEntry]]:
    digest = store.load_digest(when)
    return [list(run.entries) for run in digest.runs] if digest else []
