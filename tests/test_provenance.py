"""Every summary says where it stands, and where each of its numbers and names comes from:
in ``status``, in the site's JSON and in each paper's Markdown file, through the real CLI."""

from __future__ import annotations

import json
import re

from dailypapers.digest.render import digest_path
from tests.e2e import World, invoke, one_line

DAY = "2024-12-06"
#: Paper 3 of ``World.add_day``: its abstract says "It improves accuracy by 3.5% over ours."
GROUNDED = {
    "What's New": "이 논문은 효율적인 추론(reasoning)을 위한 새로운 방법을 제안합니다. "
    "기존 방법보다 정확도(accuracy)를 3.5% 높입니다.",
    "Technical Details": "제안된 방법은 FooNet-9 구조로 효율적인 워크플로(workflow)를 "
    "구성합니다. 학습 과정은 단순합니다.",
    "Performance Highlights": "실험에서 정확도(accuracy)가 3.5% 향상되었습니다. "
    "추론 속도도 개선되었습니다.",
}


def run_one_paper(world: World) -> str:
    """One paper whose summary (both tries) states a number of the abstract and names a
    model that the paper never mentions: kept, flagged, its claims traced."""
    (paper,) = world.add_day(DAY, 1, first=3)
    for _ in range(2):
        world.openai.enqueue_content(json.dumps(GROUNDED, ensure_ascii=False))
    result = world.run("--date", DAY)
    assert result.exit_code == 0, result.output
    return paper


def test_status_gives_each_summary_its_provenance_line(world: World) -> None:
    paper = run_one_paper(world)

    status = one_line(invoke("status", "--date", DAY, "--out", str(world.out)).output)

    line = re.search(rf"{paper} summary: ([^\n]+?flagged)", status)
    assert line is not None, status
    assert line.group(1).startswith("arXiv PDF, whole; numbers verified 1/1; names verified ")
    assert re.search(r"names verified (\d+)/(\d+)", line.group(1))
    found, total = map(int, re.findall(r"names verified (\d+)/(\d+)", line.group(1))[0])
    assert found == total - 1  # FooNet-9 only
    assert "gpt-4o, prompt " in line.group(1)
    assert "> Flagged by the checks: names: not in the paper: FooNet-9" in (
        digest_path(world.out, DAY).read_text(encoding="utf-8")
    )


def test_the_sites_data_and_markdown_carry_the_evidence(world: World) -> None:
    paper = run_one_paper(world)
    site = world.out / "site"

    built = invoke("site", "build", str(site), "--out", str(world.out))

    assert built.exit_code == 0, built.output
    data = json.loads((site / "data" / f"{DAY}.json").read_text(encoding="utf-8"))
    (entry,) = data["papers"]
    assert entry["provenance"]["summary"].startswith("arXiv PDF, whole; numbers verified 1/1")
    assert entry["provenance"]["text"].startswith("arXiv PDF, ")
    number = next(item for item in entry["evidence"] if item["claim"] == "3.5%")
    assert number["sentence"] == "It improves accuracy by 3.5% over ours."
    assert number["where"] == "Abstract"
    missing = next(item for item in entry["evidence"] if item["claim"] == "FooNet-9")
    assert missing["sentence"] is None
    markdown = (site / "papers" / f"{paper}.md").read_text(encoding="utf-8")
    assert "## Evidence" in markdown
    assert '- 3.5% (number, What\'s New): "It improves accuracy by 3.5% over ours." (Abstract)' in (
        markdown.replace("\u201c", '"').replace("\u201d", '"')
    )
    assert "- FooNet-9 (name, Technical Details): not found in the text sent or the abstract" in (
        markdown
    )


def test_stats_and_check_report_how_much_is_grounded(world: World) -> None:
    run_one_paper(world)
    db = str(world.out / "dailypapers.db")

    stats = one_line(invoke("stats", "--out", str(world.out)).output)
    check = invoke("check", "--db", db)
    lines = invoke("check", "--db", db, "--json").stdout.splitlines()

    assert "grounded: 0 of 1 traced summaries (0%) have every number and name found" in stats
    assert "numbers 1/1 (100%), names " in stats
    assert check.exit_code == 1
    assert "names: not in the paper: FooNet-9" in one_line(check.output)
    assert "evidence: numbers 1/1 (100%) and names " in one_line(check.output)
    assert "0 of 1 summaries grounded (0%)" in one_line(check.output)
    (line,) = [json.loads(line) for line in lines]
    assert line["numbers_found"] == [1, 1]
    found, total = line["names_found"]
    assert found == total - 1
    assert {"check": "names", "detail": "not in the paper: FooNet-9"} in line["findings"]
    assert any(item["claim"] == "3.5%" and item["sentence"] for item in line["evidence"])


def test_an_extractive_summary_says_it_is_the_papers_own_sentences(world: World) -> None:
    (paper,) = world.add_day(DAY, 1, first=3)
    assert world.run("--date", DAY, env=world.env(llm=False)).exit_code == 0

    status = one_line(invoke("status", "--date", DAY, "--out", str(world.out)).output)
    stats = one_line(invoke("stats", "--out", str(world.out)).output)

    assert f"{paper} summary: arXiv PDF, " in status
    assert "; the paper's own sentences, not traced; extractive, prompt " in status
    assert "grounded:" not in stats  # no LLM summary: nothing to count, none "made before"
