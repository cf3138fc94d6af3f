"""The extractive summarizer picks the right sentences, not the first ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.models import SECTION_KEYS
from dailypapers.summarize.extractive import (
    PLACEHOLDERS,
    short_name,
    split_sentences,
    summarize_extractive,
)

ABSTRACT = (
    "Large language models are used widely in many applications today. "
    "However, they remain expensive to run on small devices. "
    "We propose TinyReasoner, a novel distillation method for small models. "
    "TinyReasoner outperforms the strongest baseline by 4.2% on GSM8K."
)
BODY = """1 Introduction
Reasoning has been studied for decades by many research groups.
In this work, we introduce a new training signal for reasoning.
3 Method
The framework consists of a planner module and a solver module.
We train the planner with a contrastive loss on 120,000 problems.
4 Experiments
Our model achieves 87.3% accuracy and runs 2.1x faster than the baseline.
References
[1] A. Author. We propose nothing here at all in this reference entry. 2020.
"""


def test_each_section_gets_its_kind_of_sentence() -> None:
    result = summarize_extractive("TinyReasoner", ABSTRACT, BODY)

    assert list(result) == list(SECTION_KEYS)
    assert "We propose TinyReasoner" in result["What's New"]
    assert "Large language models are used widely" not in result["What's New"]
    assert "consists of a planner module" in result["Technical Details"]
    assert "We train the planner" in result["Technical Details"]
    assert "outperforms the strongest baseline by 4.2%" in result["Performance Highlights"]
    assert "reference entry" not in " ".join(result.values())


def test_no_sentence_is_used_twice() -> None:
    result = summarize_extractive("T", ABSTRACT, BODY)
    sentences = [s for value in result.values() for s in split_sentences(value)]

    assert len(sentences) == len(set(sentences))


def test_an_abstract_alone_fills_all_three_sections() -> None:
    result = summarize_extractive("T", ABSTRACT, "")

    assert all(value and value not in PLACEHOLDERS.values() for value in result.values())


def test_nothing_to_read_gives_placeholders() -> None:
    assert summarize_extractive("T", "", "") == PLACEHOLDERS


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("We follow Smith et al. in this study of models. Results are shown in Fig. 3 below.", 2),
        (
            "It reaches 87.3% accuracy, e.g. on GSM8K, which is good. "
            "Then we stop this test right here.",
            2,
        ),
        ("J. R. R. Tolkien wrote many books about hobbits. This sentence is the second one.", 2),
        (
            "Figure 3: A caption that should be ignored here. A real sentence of the running text.",
            1,
        ),
        ("12 34 56 78 90 12 34 56 78 90 12 34 56", 0),
    ],
)
def test_sentences_are_split_around_abbreviations(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count


def test_the_same_input_gives_the_same_summary() -> None:
    assert summarize_extractive("T", ABSTRACT, BODY) == summarize_extractive("T", ABSTRACT, BODY)


@settings(max_examples=60, deadline=None)
@given(st.text(), st.text())
def test_any_text_gives_three_non_empty_sections(abstract: str, body: str) -> None:
    result = summarize_extractive("T", abstract, body)

    assert list(result) == list(SECTION_KEYS)
    assert all(result.values())


def test_a_sentence_naming_the_method_wins_for_whats_new() -> None:
    abstract = (
        "This paper studies how agents search for papers on the web. "
        "The new agent PaSa searches, reads papers and selects references."
    )

    named = summarize_extractive("PaSa: An LLM Agent", abstract, "", per_section=1)
    unnamed = summarize_extractive("An LLM Agent", abstract, "", per_section=1)

    assert named["What's New"].startswith("The new agent PaSa")
    assert unnamed["What's New"].startswith("This paper studies")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("PaSa: An LLM Agent for Paper Search", "PaSa"),
        ("Large Vision Models: A Survey", "Large Vision Models"),
        ("A Survey of Everything", None),
        ("Why do we need this many words before a colon: x", None),
    ],
)
def test_short_name(title: str, name: str | None) -> None:
    assert short_name(title) == name
