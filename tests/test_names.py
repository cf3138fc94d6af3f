"""The name check: what counts as a name, and when the paper states it."""

from __future__ import annotations

import pytest

from dailypapers.summarize.checks import Finding, check_bullets, check_summary
from dailypapers.summarize.names import find_names, is_name, unsupported_names

PAPER = """Scaling Long Outputs
We fine-tune LLaMA-3-8B and Qwen2.5-7B-Instruct on LongWriter-6K with reinforcement learning.
# 4 Results
Our model beats GPT-4o on LongBench-Write and HellaSwag, measured by CLIPScore. The code is at
https://github.com/longout/longout and runs on Node.js. The
Attack Success Rate drops to 3%. We use retrieval-augmented generation and quantized weights.
"""


@pytest.mark.parametrize(
    "token",
    ["GPT-4o", "LLaMA-3-8B", "Qwen2.5", "o1", "CoT", "mIoU", "MMLU", "LongBench-Write", "F1"],
)
def test_names_are_tokens_no_ordinary_word_looks_like(token: str) -> None:
    assert is_name(token)


@pytest.mark.parametrize(
    "token",
    [
        *("Transformer", "High", "Chain-of-Thought", "Fine-Tuning", "accuracy"),
        *("7B", "3D", "5-shot", "256x256", "v2", "II"),
    ],
)
def test_ordinary_words_values_and_versions_are_not_names(token: str) -> None:
    assert not is_name(token)


def test_a_summary_names_each_name_once_and_leaves_out_the_fields_vocabulary() -> None:
    summary = (
        "고품질 데이터(High Quality Data)로 LLM을 학습합니다. LongWriter-6K 데이터셋과 "
        "GPT-4o를 비교하고, GPU 8개로 강화 학습(Reinforcement Learning)을 합니다. "
        "GPT-4o는 느립니다."
    )

    names = [name.text for name in find_names(summary)]

    assert names == ["강화 학습", "LongWriter-6K", "GPT-4o"]


def test_a_slash_parts_two_words_and_a_suffix_is_not_part_of_the_name() -> None:
    summary = "CPU/GPU 80 GB 환경에서 o1-like 추론과 GPT-4o-based 평가, 2D/3D 데이터를 씁니다."

    assert [name.text for name in find_names(summary)] == ["o1", "GPT-4o"]


@pytest.mark.parametrize(
    "claim",
    [
        "CLIP-Score",  # hyphen
        "CLIP score",  # a space for none
        "LLaMA 3 8B",  # spaces for hyphens
        "llama-3-8b",  # case
        "LLaMAs",  # plural
        "LongBenchWrite",  # no hyphen
        "HellaSwga",  # one letter swapped in a long name
        "Qwen2.5-7B",  # a prefix of the paper's longer name
        "ASR",  # written out, capitalised
        "RAG",  # a common abbreviation written out
        "강화 학습",  # a glossary rendering: reinforcement learning
        "강화학습",  # the same without the space
        "양자화",  # quantization, as "quantized"
        "GitHub",  # in a link
        "Node.js",
    ],
)
def test_a_name_the_paper_states_passes_in_any_fair_spelling(claim: str) -> None:
    assert unsupported_names(f"이 논문은 {claim}를 씁니다.", PAPER) == []


@pytest.mark.parametrize(
    ("claim", "why"),
    [
        ("GPT-4", "another model than GPT-4o"),
        ("LLaMA-2-7B", "the digits differ"),
        ("LLaMA-3-70B", "the size differs"),
        ("MMLU", "a benchmark the paper never ran"),
        ("MMLU-Pro", "longer than anything in the paper"),
        ("LLaVA", "one letter from LLaMA, but too short for a typo"),
        ("HumanEval", "absent"),
        ("DPO", "an abbreviation the paper neither writes nor writes out"),
        ("지식 증류", "knowledge distillation, not in the paper"),
    ],
)
def test_a_name_the_paper_does_not_state_is_unsupported(claim: str, why: str) -> None:
    assert unsupported_names(f"이 논문은 {claim}를 씁니다.", PAPER) == [claim], why


def test_the_check_names_what_the_paper_lacks_beside_the_number_findings() -> None:
    sections = [
        ("***What's New***", "이 논문은 LongWriter-6K로 긴 출력을 학습하는 방법을 제안합니다."),
        ("***Technical Details***", "LLaMA-3-8B를 강화 학습(RL)으로 미세 조정합니다."),
        (
            "***Performance Highlights***",
            "MMLU와 GSM8K에서 GPT-4o보다 97.5% 높은 점수를 얻었습니다.",
        ),
    ]

    findings = check_summary(sections, source=PAPER)

    assert Finding("numbers", "not in the paper: 97.5%") in findings
    assert Finding("names", "not in the paper: MMLU, GSM8K") in findings


def test_without_the_paper_names_are_not_checked() -> None:
    sections = [("***What's New***", "MMLU에서 좋은 결과를 얻었습니다. " * 3)]

    assert not [f for f in check_summary(sections) if f.check == "names"]


def test_the_predecessors_bullets_are_checked_for_names_too() -> None:
    findings = check_bullets(["이 논문은 MMLU에서 LLaMA-3-8B를 평가합니다."], source=PAPER)

    assert Finding("names", "not in the paper: MMLU") in findings
