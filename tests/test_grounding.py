"""Evidence for every claim (numbers and names traced to the paper's sentences) and the name
check measured on planted faults in real papers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dailypapers.evidence import Evidence
from dailypapers.models import StoredSummary
from dailypapers.store import Store
from dailypapers.summarize.grounding import MAX_SENTENCE, ground
from tests import planted
from tests.e2e import World, invoke
from tests.fakes import korean_summary
from tests.shared_data import shared_path

DATE = "2024-12-06"
TITLE = "LongOut: Scaling Long Outputs with HiLo Decoding"
ABSTRACT = "We present LongOut, which improves CLIPScore by 2.6x over the baseline."
MARKDOWN = """Abstract: We present LongOut, which improves CLIPScore by 2.6x over the baseline.

# 3 Method

We fine-tune LLaMA-3-8B with reinforcement learning on 120,000 prompts.

# 4 Results

| Model | GSM8K | MATH |
|---|---|---|
| LongOut | 87.3 | 48.5 |

LongOut reaches 87.3% on GSM8K. In a smaller run on older hardware, it reached 87.3% as well.
"""
PDF_TEXT = """Abstract: We present LongOut.

1 Introduction
Long outputs are hard. We study them.
4 Experiments
We evaluate on GSM8K. Our model achieves 87.3% accuracy on GSM8K, and it outperforms the
strongest baseline by 4.2% while running 2.1x faster.
"""


def _evidence(
    parts: list[tuple[str, str]], text: str = MARKDOWN, **kwargs: str
) -> dict[tuple[str, str], Evidence]:
    found = ground(parts, title=TITLE, abstract=ABSTRACT, text=text, **kwargs)
    return {(e.kind, e.claim): e for e in found.evidence}


def test_a_number_is_traced_to_its_sentence_and_its_markdown_section() -> None:
    found = _evidence([("***Technical Details***", "12만 개(120,000)의 프롬프트로 학습합니다.")])

    evidence = found["number", "120,000"]
    assert evidence.sentence == (
        "We fine-tune LLaMA-3-8B with reinforcement learning on 120,000 prompts."
    )
    assert evidence.where == "3 Method"
    assert evidence.part == "Technical Details"


def test_a_number_in_pdf_text_is_traced_under_the_pdfs_numbered_heading() -> None:
    parts = [("Performance Highlights", "가장 강한 기준선보다 4.2% 높고 2.1배 빠릅니다.")]

    found = _evidence(parts, text=PDF_TEXT)

    assert found["number", "4.2%"].where == "4 Experiments"
    assert found["number", "2.1배"].sentence is not None
    assert "running 2.1x faster" in found["number", "2.1배"].sentence
    assert found["number", "2.1배"].matched == "2.1x"


def test_a_table_row_is_kept_as_the_row() -> None:
    found = _evidence([("Performance Highlights", "MATH에서 48.5점을 얻었습니다.")])

    assert found["number", "48.5"].sentence == "| LongOut | 87.3 | 48.5 |"
    assert found["number", "48.5"].where == "4 Results"


def test_the_sentence_sharing_most_words_with_the_claim_is_chosen() -> None:
    parts = [
        (
            "Performance Highlights",
            "GSM8K에서 87.3%의 정확도를 보입니다 (smaller run, older hardware).",
        )
    ]

    found = _evidence(parts)

    assert "older hardware" in (found["number", "87.3%"].sentence or "")


def test_the_abstract_and_the_title_are_places_too() -> None:
    found = _evidence(
        [("What's New", "HiLo 디코딩의 LongOut은 CLIPScore를 2.6배 높입니다.")], text=""
    )

    assert found["number", "2.6배"].where == "Abstract"
    assert found["number", "2.6배"].sentence == ABSTRACT
    assert found["name", "LongOut"].where == "Abstract"  # shares the most words with the claim
    assert found["name", "HiLo"].where == "Title"
    assert found["name", "HiLo"].sentence == TITLE


def test_a_name_found_under_another_spelling_says_the_papers_spelling() -> None:
    parts = [("What's New", "CLIP-Score와 LLaMA 3 8B, 강화 학습(Reinforcement Learning)을 씁니다.")]

    found = _evidence(parts)

    assert found["name", "CLIP-Score"].matched == "CLIPScore"
    assert found["name", "LLaMA"].matched is None  # "LLaMA 3 8B": the name, then two numbers
    assert found["name", "강화 학습"].matched == "reinforcement learning"
    assert found["name", "강화 학습"].where == "3 Method"


def test_a_claim_the_paper_does_not_state_has_no_sentence() -> None:
    parts = [("Performance Highlights", "MMLU에서 91.2%를 기록했고, GSM8K에서 87.3%입니다.")]

    grounding = ground(parts, title=TITLE, abstract=ABSTRACT, text=MARKDOWN)

    assert grounding.unsupported("name") == ["MMLU"]
    assert grounding.unsupported("number") == ["91.2%"]
    assert grounding.names == (1, 2)
    assert not grounding.grounded


def test_a_long_sentence_is_cut_around_the_claim() -> None:
    filler = "and many other words that say nothing in particular " * 12
    text = f"# 2 Data\n\nWe collected data {filler} until we had 98,765 samples {filler} in all."

    found = _evidence([("Technical Details", "98,765개의 샘플을 모았습니다.")], text=text)

    sentence = found["number", "98,765"].sentence or ""
    assert "98,765" in sentence
    assert len(sentence) <= MAX_SENTENCE + 2
    assert sentence.startswith("…")
    assert sentence.endswith("…")


def test_an_extractive_summary_of_a_real_paper_is_grounded_in_its_own_sentences() -> None:
    from dailypapers.sources.pdf import extract_text, normalise_text
    from dailypapers.summarize.budget import fit_text
    from dailypapers.summarize.extractive import summarize_extractive

    pdf = shared_path("fixtures", "arxiv_pdfs", "2501.10120.pdf")
    body = normalise_text(extract_text(pdf, arxiv_id="2501.10120").text)
    fitted = fit_text("", "", body, 16_000).text
    parts = list(summarize_extractive("", "", body).items())

    grounding = ground(parts, title="", abstract="", text=fitted, lang="en")

    assert grounding.grounded
    assert grounding.names[1] >= 5  # PaSa, AutoScholarQuery, RealScholarQuery, GPT-4o, ...


# planted faults ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases() -> list[planted.Case]:
    shared = shared_path("reference", "records.jsonl").parents[1]
    shared_path("fixtures", "arxiv_pdfs")
    return planted.make_cases(planted.load_papers(shared), planted.load_reference(shared))


def test_planted_wrong_names_are_caught_and_faithful_summaries_pass(
    cases: list[planted.Case],
) -> None:
    counts, caught = Counter[str](), Counter[str]()
    for case in cases:
        counts[case.category] += 1
        caught[case.category] += case.caught()
    wrong = [c for c in (*planted.PLANTED, planted.ATTACK)]
    faithful = sum(counts[c] for c in planted.FAITHFUL)

    assert sum(counts[c] for c in wrong) >= 200
    assert faithful >= 200
    for category in wrong:
        assert counts[category] >= 30, category
        assert caught[category] >= 0.95 * counts[category], (category, caught[category])
    false_alarms = [c for c in cases if c.faithful and c.caught()]
    assert [(c.category, c.paper.arxiv_id, c.name_findings()) for c in false_alarms] == []


def test_every_faithful_kind_is_there(cases: list[planted.Case]) -> None:
    counts = Counter(case.category for case in cases)

    assert all(counts[category] >= 5 for category in planted.FAITHFUL), counts


# through the real CLI ------------------------------------------------------------------------


def _with_model(name: str) -> str:
    answer = korean_summary("x")
    answer["Performance Highlights"] = (
        f"GSM8K에서 87.3%의 정확도(accuracy)로 {name}보다 높았습니다. MATH에서도 개선되었습니다."
    )
    return json.dumps(answer, ensure_ascii=False)


def _stored(world: World, arxiv_id: str) -> StoredSummary | None:
    with Store.open(world.out / "dailypapers.db") as store:
        return store.best_summary(arxiv_id, "gpt-4o", "")


def test_a_model_absent_from_the_paper_is_asked_again_by_name_then_the_clean_answer_kept(
    world: World,
) -> None:
    (paper,) = world.add_day(DATE, 1)
    world.openai.enqueue_content(_with_model("DeepSeek-VL"))
    world.openai.enqueue_content(_with_model("the strongest baseline"))

    run = world.run("--date", DATE)

    assert run.exit_code == 0, run.output
    retry = json.loads(world.openai.requests[-1].body)["messages"][-1]["content"]
    assert "names: not in the paper: DeepSeek-VL" in retry
    stored = _stored(world, paper)
    assert stored is not None
    assert stored.summary.flags == ()
    grounding = stored.summary.grounding
    assert grounding is not None
    assert grounding.grounded
    assert grounding.names == (2, 2)  # GSM8K, MATH
    gsm8k = next(e for e in grounding.evidence if e.claim == "87.3%")
    assert gsm8k.where == "4 Experiments"
    assert "87.3% accuracy on GSM8K" in (gsm8k.sentence or "")


def test_a_model_absent_from_both_answers_is_kept_flagged_and_checked_again(
    world: World,
) -> None:
    (paper,) = world.add_day(DATE, 1)
    for _ in range(2):
        world.openai.enqueue_content(_with_model("DeepSeek-VL"))
    world.run("--date", DATE)

    result = invoke("check", "--db", str(world.out / "dailypapers.db"))

    stored = _stored(world, paper)
    assert stored is not None
    assert stored.summary.flags == ("names: not in the paper: DeepSeek-VL",)
    assert stored.summary.grounding is not None
    assert stored.summary.grounding.unsupported("name") == ["DeepSeek-VL"]
    assert result.exit_code == 1
    assert "names: not in the paper: DeepSeek-VL" in " ".join(result.output.split())


def test_clean_runs_stay_clean_for_every_summarizer(world: World, tmp_path: Path) -> None:
    world.add_day(DATE, 2)
    world.run("--date", DATE)
    extractive = World(world.hf, world.arxiv, world.openai, tmp_path / "extractive")
    extractive.run("--date", DATE, env=extractive.env(llm=False))

    for out in (world.out, extractive.out):
        result = invoke("check", "--db", str(out / "dailypapers.db"))
        assert result.exit_code == 0, result.output
