"""The predecessor's older eras: imported, rendered back byte for byte, shown and checked.

The examples are written by hand in each era's shape (no text of the real archive).
"""

from __future__ import annotations

import json
from pathlib import Path

from dailypapers.digest.legacy import read_archive_digest
from dailypapers.digest.render import digest_path, render_digest
from dailypapers.models import VERBATIM
from tests.e2e import World, invoke, one_line
from tests.fakes import make_entry

#: no-votes: a thumbnail glued to the heading, no Authors line, a <video> tag, more blank lines.
NO_VOTES = (
    "## Daily Papers (2023-11-20)\n\n"
    "### [First old paper](https://arxiv.org/abs/2311.00001)\n"
    "![](https://example.org/a.png)\n"
    "\n"
    "- 첫 번째 문장으로 논문의 목표를 설명합니다.\n"
    "- 두 번째 문장: 콜론이 들어 있는 평범한 문장입니다.\n"
    "\n"
    "### [A video paper](https://arxiv.org/abs/2311.00002)\n"
    "\n"
    "<video src='https://example.org/v.mp4'></video>\n"
    "\n"
    "Authors: Kim A, Lee B\n"
    "\n"
    "- 동영상으로 소개된 논문을 요약합니다.\n"
    "\n"
    "\n"
)
#: vote-bullets: a bare "Watch Video" link, seven bullets, and a "Vote: -" line.
BULLETS = (
    "## Daily Papers (2024-03-05)\n\n"
    "### [Bullet paper](https://arxiv.org/abs/2403.00001)\n\n"
    "[Watch Video]https://example.org/w.mp4\n"
    '<div><video controls src="https://example.org/w.mp4" muted="false"></video></div>\n\n'
    "Vote: 12\n\nAuthors: Park C\n\n"
    + "".join(f"- 일곱 문장 가운데 {n}번째 문장입니다.\n" for n in range(1, 8))
    + "\n"
    "### [Unknown vote](https://arxiv.org/abs/2403.00002)\n\n"
    "![](https://example.org/b.png)\n\nVote: -\n\nAuthors: Choi D\n\n"
    "- 추천 수가 기록되지 않은 논문입니다.\n\n"
)
#: vote-sections-2star: a numbered list continuing a section; then an entry no era explains.
SECTIONS = (
    "## Daily Papers (2024-08-15)\n\n"
    "### [Sections paper](https://arxiv.org/abs/2408.00001)\n\n"
    "![](https://example.org/c.png)\n\nVote: 3\n\nAuthors: Jung E, Han F\n\n"
    "- **What's New**: 새로운 학습 방법을 제안합니다.\n"
    "- **Technical Details**: 구성 요소는 다음과 같습니다.\n"
    "1. **Tokenizer**: 새 토크나이저를 사용합니다.\n"
    "2) 두 번째 구성 요소입니다.\n"
    "- **Performance Highlights**: 기존 방법보다 성능이 높습니다.\n\n"
    "### [Odd paper](https://arxiv.org/abs/2408.00002)\n\n"
    "![](https://example.org/d.png)\n\nVote: 5\n\n"
    "Something nobody expected\n\n"
    "Authors: Yoon G\n\n- 이상한 줄이 있는 항목입니다.\n\n"
)
ODD_LINE = SECTIONS.split("\n").index("Something nobody expected") + 1
DAYS = {"2023-11-20": NO_VOTES, "2024-03-05": BULLETS, "2024-08-15": SECTIONS}


def predecessor_checkout(root: Path, days: dict[str, str] = DAYS) -> Path:
    """A checkout of the predecessor: README, papers_list.csv and the paper_logs/ tree."""
    root.mkdir(parents=True)
    (root / "README.md").write_text("# Daily Papers\n\nSomething else entirely.\n")
    for when, text in days.items():
        year, month, day = when.split("-")
        folder = root / "paper_logs" / year / month
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{day}.md").write_text(text, encoding="utf-8")
    (root / "paper_logs" / "papers_list.csv").write_text("date,title,url\n")
    return root


def test_each_era_is_read_into_what_it_says() -> None:
    no_votes = read_archive_digest(NO_VOTES).digest.runs[0].entries
    bullets = read_archive_digest(BULLETS).digest.runs[0].entries
    sections = read_archive_digest(SECTIONS)

    assert [e.era for e in no_votes] == ["no-votes", "no-votes"]
    assert no_votes[0].authors == ()
    assert no_votes[1].thumbnail == "https://example.org/v.mp4"
    assert [e.era for e in bullets] == ["vote-bullets", "vote-bullets"]
    assert len(bullets[0].sections) == 7
    assert bullets[0].bullets
    assert (bullets[0].votes_known, bullets[1].votes_known) == (True, False)
    sectioned, odd = sections.digest.runs[0].entries
    assert sectioned.era == "vote-sections-2star"
    assert [s.label for s in sectioned.sections] == [
        "**What's New**",
        "**Technical Details**",
        "**Performance Highlights**",
    ]
    assert sectioned.sections[1].text.endswith("\n2) 두 번째 구성 요소입니다.")
    assert odd.era == VERBATIM
    (irregular,) = sections.irregular
    assert irregular.where == f"<digest>:{ODD_LINE}"
    assert irregular.arxiv_id == "2408.00002"
    for text in DAYS.values():
        assert render_digest(read_archive_digest(text).digest) == text


def test_every_era_imports_from_a_checkout_and_renders_back(tmp_path: Path) -> None:
    checkout = predecessor_checkout(tmp_path / "predecessor")
    out = tmp_path / "out"

    imported = invoke("import-logs", str(checkout), "--out", str(out))
    rendered = invoke("render", "--all", "--out", str(out))

    assert imported.exit_code == 0, imported.output
    said = one_line(imported.output)
    assert "imported 6 papers from 3 days" in said
    assert f"warning: {checkout}/paper_logs/2024/08/15.md:{ODD_LINE}: 2408.00002 kept" in said
    assert "line not in any known format: 'Something nobody expected'" in said
    assert "1 entries kept verbatim" in said
    assert rendered.exit_code == 0, rendered.output
    for when, text in DAYS.items():
        assert digest_path(out, when).read_text(encoding="utf-8") == text


def test_a_file_that_cannot_be_read_fails_the_import_and_the_rest_goes_in(tmp_path: Path) -> None:
    days = {**DAYS, "2024-03-06": "### [No header](https://arxiv.org/abs/2403.00009)\n\n"}
    checkout = predecessor_checkout(tmp_path / "predecessor", days)

    result = invoke("import-logs", str(checkout), "--out", str(tmp_path / "out"))

    said = one_line(result.output)
    assert result.exit_code == 1
    assert "imported 6 papers from 3 days" in said
    assert "error: " in said
    assert "2024/03/06.md:1: expected '## Daily Papers" in said


def test_a_day_of_ours_is_kept_unless_replace(tmp_path: Path, world: World) -> None:
    out = tmp_path / "out"
    env = world.env()
    world.hf.set_day("2024-03-05", [make_entry("2403.00007", "Our own paper", upvotes=9)])
    assert invoke("run", "--date", "2024-03-05", "--out", str(out), env=env).exit_code == 0
    ours = digest_path(out, "2024-03-05").read_text(encoding="utf-8")
    checkout = predecessor_checkout(tmp_path / "predecessor")

    kept = invoke("import-logs", str(checkout), "--out", str(out), env=env)
    after_kept = invoke("render", "--all", "--out", str(out), env=env)
    kept_text = digest_path(out, "2024-03-05").read_text(encoding="utf-8")
    replaced = invoke("import-logs", str(checkout), "--out", str(out), "--replace", env=env)
    after_replace = invoke("render", "--all", "--out", str(out), env=env)

    assert kept.exit_code == 0, kept.output
    said = one_line(kept.output)
    assert "kept the digest of 2024-03-05 stored by a run of dailypapers" in said
    assert "imported 4 papers from 2 days" in said
    assert after_kept.exit_code == 0
    assert kept_text == ours
    assert replaced.exit_code == 0, replaced.output
    assert "imported 6 papers from 3 days" in one_line(replaced.output)
    assert after_replace.exit_code == 0, after_replace.output
    assert digest_path(out, "2024-03-05").read_text(encoding="utf-8") == BULLETS


def test_an_old_era_paper_is_not_summarized_again(tmp_path: Path, world: World) -> None:
    out = tmp_path / "out"
    imported = invoke("import-logs", str(predecessor_checkout(tmp_path / "p")), "--out", str(out))
    assert imported.exit_code == 0, imported.output
    world.hf.set_day("2024-12-06", [make_entry("2403.00001", "Bullet paper (v2)", upvotes=50)])
    env = world.env()

    result = invoke("run", "--date", "2024-12-06", "--out", str(out), env=env)

    assert result.exit_code == 0, result.output
    assert "1 already published" in result.output
    assert world.openai.calls == 0


def test_old_eras_are_shown_on_the_site_in_search_and_feeds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    imported = invoke("import-logs", str(predecessor_checkout(tmp_path / "p")), "--out", str(out))
    assert imported.exit_code == 0, imported.output

    built = invoke("site", "build", str(tmp_path / "site"), "--out", str(out))

    assert built.exit_code == 0, built.output
    site = tmp_path / "site"
    page = (site / "days" / "2024-03-05.html").read_text(encoding="utf-8")
    assert '<ul class="bullets">' in page
    assert "일곱 문장 가운데 7번째 문장입니다." in page
    assert page.count('class="votes"') == 2  # in the list and the entry; "Vote: -" shows none
    sections = (site / "days" / "2024-08-15.html").read_text(encoding="utf-8")
    assert "<dt>Technical Details</dt>" in sections
    assert "1. **Tokenizer**" in sections
    assert '<pre class="verbatim">' in sections
    assert "Something nobody expected" in sections
    assert "2023-11-20" in (site / "archive.html").read_text(encoding="utf-8")
    index = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "2403.00001" in index
    assert "2311.00002" in index
    assert "nobody" in index
    data = json.loads((site / "data" / "2024-03-05.json").read_text(encoding="utf-8"))
    bullet = data["papers"][0]
    assert bullet["era"] == "vote-bullets"
    assert len(bullet["bullets"]) == 7
    assert "Bullet paper" in (site / "feed.xml").read_text(encoding="utf-8")


def test_check_reads_each_era_with_its_own_rules(tmp_path: Path) -> None:
    checkout = predecessor_checkout(tmp_path / "p")

    result = invoke("check", "--json", str(checkout / "paper_logs"))

    lines = {json.loads(line)["arxiv_id"]: json.loads(line) for line in result.stdout.splitlines()}
    assert set(lines) == {
        "2311.00001",
        "2311.00002",
        "2403.00001",
        "2403.00002",
        "2408.00001",
        "2408.00002",
    }
    found = json.dumps(lines, ensure_ascii=False)
    assert "missing section" not in found
    assert "unexpected section" not in found
    assert lines["2403.00001"]["findings"] == []
    assert [f["check"] for f in lines["2408.00002"]["findings"]] == ["format"]
    assert "kept verbatim" in lines["2408.00002"]["findings"][0]["detail"]


def test_doctor_does_not_advise_running_imported_days_of_any_era(tmp_path: Path) -> None:
    out = tmp_path / "out"
    imported = invoke("import-logs", str(predecessor_checkout(tmp_path / "p")), "--out", str(out))
    assert imported.exit_code == 0, imported.output
    assert invoke("render", "--all", "--out", str(out)).exit_code == 0

    result = invoke("doctor", "--out", str(out))

    said = one_line(result.output)
    assert "in 3 stored days" in said
    for when in DAYS:
        assert f"--date {when}" not in said
        assert f"--since {when}" not in said
        assert f"--until {when}" not in said


def test_a_week_that_reuses_a_bullet_era_summary_writes_its_bullets(
    tmp_path: Path, world: World
) -> None:
    out = tmp_path / "out"
    imported = invoke("import-logs", str(predecessor_checkout(tmp_path / "p")), "--out", str(out))
    assert imported.exit_code == 0, imported.output
    world.hf.set_week("2024-W10", [make_entry("2403.00001", "Bullet paper (v2)", upvotes=50)])
    env = world.env()

    result = invoke("run", "--week", "2024-W10", "--out", str(out), env=env)

    assert result.exit_code == 0, result.output
    weekly = (out / "paper_logs" / "weekly" / "2024-W10.md").read_text(encoding="utf-8")
    assert "- 일곱 문장 가운데 7번째 문장입니다.\n" in weekly
    assert "- : " not in weekly
    assert world.openai.calls == 0
