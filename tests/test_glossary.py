"""The glossary and the output languages: in the prompt, and end to end through the CLI."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from dailypapers.errors import ConfigError
from dailypapers.models import Paper, PaperText
from dailypapers.summarize import build_messages, system_prompt
from dailypapers.summarize.glossary import glossary_for, load_glossary
from dailypapers.summarize.languages import LANGUAGES
from tests.e2e import World

DATE = "2024-12-06"


def test_the_starter_glossary_has_common_terms() -> None:
    glossary = load_glossary(None, "ko")

    assert len(glossary) >= 40
    assert glossary["large language model"] == "대형 언어 모델"
    assert glossary["Transformer"] == "keep"
    assert load_glossary(None, "en") == {}


def test_only_terms_the_paper_uses_go_into_the_prompt() -> None:
    glossary = {
        "large language model": "대형 언어 모델",
        "Transformer": "keep",
        "agent": "에이전트",
    }

    lines = glossary_for(glossary, "A Large Language Model built on a transformer.")

    assert lines == [
        "- large language model: 대형 언어 모델(large language model)",
        "- Transformer: keep in English",
    ]


def test_the_glossary_is_part_of_the_instructions_not_the_data() -> None:
    paper = Paper("2412.00001", "Agents at scale", ("A",), 1, None, "We study an agent.")
    text = PaperText("2412.00001", "We study an agent with a reward model.", "pdf", 10)

    system, user = build_messages(paper, text, glossary=load_glossary(None, "ko"))

    assert "- agent: 에이전트(agent)" in system["content"]
    assert "- reward model: 보상 모델(reward model)" in system["content"]
    assert "에이전트" not in user["content"]


def test_a_user_glossary_replaces_the_starter(tmp_path: Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text('[terms]\n"diffusion model" = "디퓨전 모델"\n', encoding="utf-8")

    assert load_glossary(path, "ko") == {"diffusion model": "디퓨전 모델"}


def test_a_broken_glossary_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text("[terms]\nagent = 3\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="must map"):
        load_glossary(path, "ko")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_language_keeps_the_english_section_keys(lang: str) -> None:
    prompt = system_prompt(lang)

    assert '"What\'s New"' in prompt
    assert f"for {LANGUAGES[lang][0]}-speaking ML engineers" in prompt


@pytest.mark.parametrize("lang", ["en", "ja", "zh"])
def test_a_run_in_another_language(world: World, lang: str) -> None:
    world.add_day(DATE, 2)

    result = world.run("--date", DATE, "--lang", lang)

    assert result.exit_code == 0, result.output
    assert "flagged" not in result.output  # the checks used that language's script
    sent = json.loads(world.openai.requests[-1].body)["messages"][0]["content"]
    assert f"{LANGUAGES[lang][0]}-speaking" in sent
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        versions = {row[0] for row in db.execute("SELECT prompt_version FROM summaries")}
    assert versions == {f"{lang}-sections-v2"}
    digest = (world.out / "paper_logs" / "2024" / "12" / "06.md").read_text(encoding="utf-8")
    assert "***What's New***" in digest


def test_an_unknown_language_is_refused(world: World) -> None:
    result = world.run("--date", DATE, "--lang", "fr")

    assert result.exit_code == 2
    assert "--lang fr: unknown language: choose one of ko, en, ja, zh" in result.output
