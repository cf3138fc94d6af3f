"""Fitting a paper into the token budget: what is kept, what is dropped first."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.sources.pdf import extract_text, normalise_text
from dailypapers.summarize.budget import count_tokens, fit_text, split_sections, truncate_tokens
from tests.shared_data import shared_path


def paper(sizes: dict[str, int]) -> str:
    """A paper whose sections hold ``sizes[name]`` repetitions of a marker sentence."""
    parts = ["Some Title\nAlice, Bob\nAbstract\nThe abstract as printed."]
    for number, name in enumerate(["Introduction", "Related Work", "Method", "Experiments"], 1):
        parts.append(f"{number} {name}\n" + f"{name} sentence. " * sizes.get(name, 20))
    parts.append("5 Conclusion\n" + "Conclusion sentence. " * sizes.get("Conclusion", 20))
    parts.append("References\n" + "[1] A. Author. Title. 2020. " * 300)
    parts.append("A Extra Tables\n" + "Appendix sentence. " * 200)
    return "\n".join(parts)


def test_sections_are_found_and_classified() -> None:
    kinds = [(s.name, s.kind) for s in split_sections(paper({}))]

    assert kinds == [
        ("front matter", "front"),
        ("Abstract", "abstract"),
        ("1 Introduction", "introduction"),
        ("2 Related Work", "related"),
        ("3 Method", "method"),
        ("4 Experiments", "experiments"),
        ("5 Conclusion", "conclusion"),
        ("References", "references"),
        ("A Extra Tables", "appendix"),
    ]


def test_numbers_out_of_sequence_are_not_headings() -> None:
    text = "1 Introduction\nText.\n8 NVIDIA H100 GPUs. In the second stage\n2 Method\nMore."

    assert [s.name for s in split_sections(text)] == ["1 Introduction", "2 Method"]


def test_no_headings_is_one_section() -> None:
    assert [s.kind for s in split_sections("just words\nand more words")] == ["other"]


def test_with_room_everything_but_references_is_sent_in_order() -> None:
    fitted = fit_text("T", "Our abstract.", paper({}), 16_000)

    assert fitted.text.startswith("Abstract: Our abstract.\n\n1 Introduction")
    assert fitted.kept == (
        "1 Introduction", "2 Related Work", "3 Method", "4 Experiments", "5 Conclusion",
        "A Extra Tables",
    )  # fmt: skip
    assert fitted.dropped == ("front matter", "Abstract", "References")
    assert "[1] A. Author" not in fitted.text
    assert not fitted.truncated


def test_a_tight_budget_keeps_the_core_and_cuts_related_work_and_appendix() -> None:
    fitted = fit_text("T", "Our abstract.", paper({"Related Work": 400}), 900)

    assert fitted.tokens <= 900
    assert fitted.kept == (
        "1 Introduction", "2 Related Work", "3 Method", "4 Experiments", "5 Conclusion",
    )  # fmt: skip
    assert fitted.text.count("Related Work sentence.") < 400  # cut to what was left
    assert "A Extra Tables" in fitted.dropped
    assert fitted.truncated


def test_an_abstract_longer_than_the_budget_is_cut() -> None:
    fitted = fit_text("T", "word " * 2000, "1 Introduction\nText.", 500)

    assert fitted.tokens <= 500
    assert fitted.truncated
    assert fitted.kept == ()


def test_an_empty_body_gives_the_abstract() -> None:
    fitted = fit_text("T", "Only the abstract.", "", 16_000)

    assert fitted.text == "Abstract: Only the abstract."
    assert (fitted.kept, fitted.dropped, fitted.truncated) == ((), (), False)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=50, max_value=6000))
def test_the_budget_is_never_exceeded(budget: int) -> None:
    fitted = fit_text("A title", "An abstract. " * 30, paper({"Method": 300}), budget)

    assert fitted.tokens == count_tokens(fitted.text)
    assert fitted.tokens + count_tokens("A title") <= budget


def test_truncate_tokens_counts_with_o200k() -> None:
    assert count_tokens("hello world") == 2
    assert truncate_tokens("one two three four", 2) == "one two"
    assert truncate_tokens("short", 10) == "short"


@pytest.mark.parametrize("arxiv_id", ["2501.10120", "2206.10883", "2203.00130"])
def test_real_papers_fit_the_default_budget(arxiv_id: str) -> None:
    pdf = shared_path("fixtures", "arxiv_pdfs", f"{arxiv_id}.pdf").read_bytes()
    body = normalise_text(extract_text(pdf, arxiv_id=arxiv_id).text)

    fitted = fit_text("T", "An abstract.", body, 16_000)
    kinds = {s.name: s.kind for s in split_sections(body)}

    assert fitted.tokens <= 16_000
    assert any(kinds[name] == "introduction" for name in fitted.kept)
    assert any(kinds[name] == "references" for name in fitted.dropped)
