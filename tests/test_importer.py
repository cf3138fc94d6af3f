"""Importing an archive of digests and rendering it back, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dailypapers.digest.render import digest_path
from tests.e2e import invoke
from tests.shared_data import shared_path

PYTHON_LIST_AUTHORS = re.compile(r"^Authors: \[.*\]$", re.MULTILINE)


@pytest.mark.parametrize("folder", ["logs", "legacy"])
def test_every_reference_digest_round_trips_through_the_database(
    tmp_path: Path, folder: str
) -> None:
    """Every era: the seed format (``logs/``) and the three older ones (``legacy/``)."""
    logs = shared_path("reference", folder)
    out = tmp_path / "out"

    imported = invoke("import-logs", str(logs), "--out", str(out))
    rendered = invoke("render", "--all", "--out", str(out))

    assert imported.exit_code == 0, imported.output
    assert rendered.exit_code == 0, rendered.output
    files = sorted(logs.glob("*.md"))
    assert f"from {len(files)} days" in imported.output
    assert_rendered_back(files, out)


def test_both_reference_folders_import_together_with_nothing_refused(tmp_path: Path) -> None:
    """The reference folder holds ``logs/`` and ``legacy/`` (one day is in both, same bytes)."""
    reference = shared_path("reference")
    files = sorted(reference.glob("logs/*.md")) + sorted(
        shared_path("reference", "legacy").glob("*.md")
    )
    days = {file.stem for file in files}
    out = tmp_path / "out"

    imported = invoke("import-logs", str(reference), "--out", str(out))
    rendered = invoke("render", "--all", "--out", str(out))

    assert imported.exit_code == 0, imported.output
    assert "error" not in imported.output
    assert "kept verbatim" not in imported.output
    assert f"from {len(days)} days" in imported.output
    assert rendered.exit_code == 0, rendered.output
    assert_rendered_back(files, out)


def assert_rendered_back(files: list[Path], out: Path) -> None:
    mismatched = []
    for source in files:
        original = source.read_text(encoding="utf-8")
        again = digest_path(out, source.stem).read_text(encoding="utf-8")
        if again != original:
            mismatched.append(source.name)
    assert mismatched == []


def test_a_paper_tree_imports_and_feeds_dedupe(tmp_path: Path, fake_hf, fake_openai) -> None:  # type: ignore[no-untyped-def]
    tree = tmp_path / "archive" / "paper_logs" / "2024" / "12"
    tree.mkdir(parents=True)
    (tree / "05.md").write_text(
        "## Daily Papers (2024-12-05)\n\n"
        "### [Old paper](https://arxiv.org/abs/2412.00001)\n\n"
        "![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2412.00001.png)\n\n"
        "Vote: 4\n\nAuthors: A, B\n\n"
        "- ***What's New***: 새로운 것.\n- ***Technical Details***: 기술.\n"
        "- ***Performance Highlights***: 성능.\n\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert invoke("import-logs", str(tmp_path / "archive"), "--out", str(out)).exit_code == 0
    from tests.fakes import make_entry

    fake_hf.set_day("2024-12-06", [make_entry("2412.00001", "Old paper", upvotes=50)])
    env = {"HF_ENDPOINT": fake_hf.url, "OPENAI_BASE_URL": fake_openai.url + "/v1"}

    result = invoke("run", "--date", "2024-12-06", "--out", str(out), env=env)

    assert result.exit_code == 0, result.output
    assert "1 already published" in result.output
    assert fake_openai.calls == 0
    assert not digest_path(out, "2024-12-06").exists()
    assert (out / "README.md").read_text(encoding="utf-8").count("Old paper") == 1
