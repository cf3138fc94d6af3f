"""The chain of text sources through the real CLI: Hugging Face's Markdown first, arXiv's
HTML, the PDF, the abstract; what the gates refuse never reaches the LLM, and the provenance
says why; a rerun downloads nothing; ``status`` and ``stats`` show where texts came from."""

from __future__ import annotations

from dailypapers.jobs.reading import read_paper_text
from dailypapers.sources.hf import parse_entry
from tests.e2e import World, invoke, one_line
from tests.fake_summarizer import FakeSummarizer, open_day
from tests.fakes import FakeOpenAI
from tests.papertext import CHECKLIST, as_html, as_markdown, synthetic_doc

DAY = "2024-12-06"


def llm_text(openai: FakeOpenAI) -> str:
    """Every message the summarizer sent, as one string."""
    return "\n".join(r.body.decode() for r in openai.requests)


def serve(world: World, count: int) -> list[str]:
    ids = world.add_day(DAY, count)
    return ids


def doc_of(world: World, arxiv_id: str):  # type: ignore[no-untyped-def]
    entry = next(e for e in world.hf.days[DAY] if e["paper"]["id"] == arxiv_id)
    return synthetic_doc(arxiv_id, entry["paper"]["title"], entry["paper"]["summary"])


def test_a_wrong_document_html_is_never_summarized_and_the_pdf_is_read_instead(
    world: World,
) -> None:
    (paper,) = serve(world, 1)
    world.arxiv.add_html(paper, as_html(CHECKLIST))

    result = world.run("--date", DAY)

    assert result.exit_code == 0, result.output
    sent = llm_text(world.openai)
    assert "NeurIPS Paper Checklist" not in sent
    assert "reviewers guidelines" not in sent
    assert len(world.arxiv.html_requests) == 1
    assert len(world.arxiv.requests) == 1  # the PDF
    status = one_line(invoke("status", "--date", DAY, "--out", str(world.out)).output)
    assert f"{paper} text: arXiv PDF," in status
    assert "not used: hf: Hugging Face Markdown: HTTP 404 Not Found (not there); html: " in status
    assert "html: about-this-paper: 0% of the title's and abstract's words in its beginning" in (
        status
    )


def test_markdown_first_then_html_then_pdf_each_paper_from_its_best_source(
    world: World,
) -> None:
    md, html, fallback, broken = serve(world, 4)
    world.hf.set_markdown(md, as_markdown(doc_of(world, md)))
    world.arxiv.add_html(html, as_html(doc_of(world, html)))
    fallback_doc = doc_of(world, fallback)
    world.hf.set_fallback(fallback, fallback_doc.title, fallback_doc.abstract)
    world.arxiv.add_html(broken, as_html(doc_of(world, broken), errors=200))

    result = world.run("--date", DAY)

    assert result.exit_code == 0, result.output
    assert len(world.arxiv.requests) == 2  # PDFs only for the last two
    status = one_line(invoke("status", "--date", DAY, "--out", str(world.out)).output)
    assert f"{md} text: Hugging Face Markdown," in status
    assert f"{html} text: arXiv HTML," in status
    assert "gates passed: not-blank, clean-conversion, about-this-paper, full-length" in status
    assert "References" in status  # dropped
    assert f"{fallback} text: arXiv PDF," in status
    # a fallback page of this short title and abstract is blank; a real one is too short
    # (tests/test_text_sources.py)
    assert "hf: not-blank: 15 words, 50 needed; html: not asked: Hugging Face's fallback" in status
    assert f"{broken} text: arXiv PDF," in status
    assert "html: clean-conversion: 200 conversion errors" in status
    assert world.arxiv.html_requests_for(fallback) == []  # a fallback page: arXiv has no HTML
    stats = one_line(invoke("stats", "--out", str(world.out)).output)
    assert "paper text by source" in stats
    assert "│ hf │ 1 │ 25% │ │ html │ 1 │ 25% │ │ pdf │ 2 │ 50% │" in stats

    again = world.run("--date", DAY, "--force")

    assert again.exit_code == 0, again.output
    assert len(world.hf.md_requests) == 4  # nothing asked twice: texts and 404s are cached
    assert len(world.arxiv.html_requests) == 2
    assert len(world.arxiv.requests) == 2


def test_the_order_is_configurable_and_hf_token_is_sent(world: World) -> None:
    (paper,) = serve(world, 1)
    world.hf.set_markdown(paper, as_markdown(doc_of(world, paper)))
    env = world.env() | {"DAILYPAPERS_TEXT_SOURCES": "pdf,hf", "HF_TOKEN": "hf_abcdefgh123"}

    result = world.run("--date", DAY, env=env)

    assert result.exit_code == 0, result.output
    assert world.hf.md_requests == []  # the PDF came first and was enough
    again = world.run("--date", DAY, "--force", "--sources", "hf,pdf", env=env)
    assert again.exit_code == 0, again.output
    (asked,) = world.hf.md_requests
    assert asked.headers["authorization"] == "Bearer hf_abcdefgh123"
    assert "hf_abcdefgh123" not in again.output


def test_an_unknown_source_is_refused_in_one_line(world: World) -> None:
    serve(world, 1)
    result = world.run("--date", DAY, "--sources", "hf,web")
    assert result.exit_code != 0
    assert "--sources hf,web: unknown source 'web'" in one_line(result.output)
    assert world.hf.requests == []


def test_a_stopping_run_asks_no_further_source(world: World) -> None:
    """Ctrl-C or an LLM that cannot work stops new downloads: a paper being read tries no
    further source once the run is stopping (its abstract is what it has)."""
    (paper,) = serve(world, 1)
    with open_day(world, FakeSummarizer()) as day:
        entry = parse_entry(world.hf.days[DAY][0])
        day.stopping.set()
        text = read_paper_text(day, entry)

    assert text.source == "abstract"
    assert world.hf.markdown_requests(paper) == []
    assert world.arxiv.html_requests == world.arxiv.requests == []
