"""Prices, the cost cap and `dailypapers stats`, end to end against the fakes."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from dailypapers.config import build_config
from dailypapers.errors import ConfigError
from dailypapers.summarize.cost import DEFAULT_PRICES, Price, load_prices, price_of, spend_report
from tests.e2e import World, invoke

DATE = "2024-12-06"


def test_a_dated_model_costs_as_its_family() -> None:
    assert price_of("gpt-4o-2024-08-06", DEFAULT_PRICES) == DEFAULT_PRICES["gpt-4o"]
    assert price_of("gpt-4o-mini-2024-07-18", DEFAULT_PRICES) == DEFAULT_PRICES["gpt-4o-mini"]
    assert price_of("llama3:8b", DEFAULT_PRICES) is None


def test_a_prices_file_overrides_and_extends_the_table(tmp_path: Path) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(
        '[models."gpt-4o"]\ninput = 1.0\noutput = 2.0\n[models."my-model"]\ninput = 0\noutput = 0\n'
    )

    prices = load_prices(path)

    assert prices["gpt-4o"] == Price(1.0, 2.0)
    assert prices["my-model"] == Price(0.0, 0.0)
    assert prices["gpt-4o-mini"] == DEFAULT_PRICES["gpt-4o-mini"]


def test_a_broken_prices_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "prices.toml"
    path.write_text('[models."gpt-4o"]\ninput = "cheap"\n')

    with pytest.raises(ConfigError, match=r"needs numbers input and output"):
        load_prices(path)


def test_spend_is_grouped_by_day_model_and_paper() -> None:
    rows = [
        ("2024-12-05", "gpt-4o", "a", 1, 1_000_000, 0),
        ("2024-12-06", "gpt-4o", "b", 2, 0, 100_000),
        ("2024-12-06", "llama3", "c", 1, 5_000, 500),
    ]

    spend = spend_report(rows, DEFAULT_PRICES)

    assert spend.by_day["2024-12-05"].usd == pytest.approx(2.50)
    assert spend.by_day["2024-12-06"].usd == pytest.approx(1.00)
    assert spend.by_day["2024-12-06"].unpriced
    assert spend.by_model["gpt-4o"].calls == 3
    assert spend.total.usd == pytest.approx(3.50)


def test_a_cost_cap_skips_the_rest_without_failing(world: World) -> None:
    world.add_day(DATE, 6)
    # Each paper costs about $0.0024 at gpt-4o prices (500 tokens in, 117 out) but starts only
    # if $0.012 more fits (its text plus 1,000 tokens reserved for the answer).
    capped = world.run("--date", DATE, "--max-cost", "0.016", "--concurrency", "1")

    assert capped.exit_code == 0, capped.output
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        statuses = dict(db.execute("SELECT status, count(*) FROM papers GROUP BY status"))
    assert statuses == {"summarized": 2, "skipped": 4}
    assert "4 skipped" in capped.output
    assert "cost cap ($0.016) would be passed" in capped.output
    assert world.openai.calls == 2

    uncapped = world.run("--date", DATE)

    assert uncapped.exit_code == 0
    assert world.openai.calls == 6


def test_a_cap_smaller_than_one_paper_sends_nothing(world: World) -> None:
    world.add_day(DATE, 2)

    result = world.run("--date", DATE, "--max-cost", "0.001")

    assert result.exit_code == 0
    assert world.openai.calls == 0
    assert "2 skipped" in result.output


def test_a_cap_needs_a_price_for_the_model(world: World) -> None:
    result = world.run("--date", DATE, "--max-cost", "1", "--model", "llama3:8b")

    assert result.exit_code == 2
    assert "--max-cost needs a price for model llama3:8b" in result.output


def test_stats_show_tokens_and_cost_per_day_model_and_paper(world: World) -> None:
    world.add_day(DATE, 3)
    world.run("--date", DATE)
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        tokens_in, tokens_out = db.execute(
            "SELECT sum(input_tokens), sum(output_tokens) FROM llm_calls"
        ).fetchone()
    expected = DEFAULT_PRICES["gpt-4o"].of(tokens_in, tokens_out)

    result = invoke("stats", "--out", str(world.out), env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "LLM spend per day" in result.output
    assert "LLM spend per model" in result.output
    assert "the 3 costliest papers" in result.output
    assert f"total: 3 calls, {tokens_in:,} tokens in, {tokens_out:,} out, ${expected:.4f}" in (
        result.output
    )


def test_the_run_report_shows_the_cost(world: World) -> None:
    world.add_day(DATE, 1)

    result = world.run("--date", DATE)

    assert "at list price" in result.output
    assert build_config({}, out=world.out).max_cost is None


def test_a_cost_cap_covers_a_whole_range_not_each_day(world: World) -> None:
    world.add_day("2024-12-05", 3, day=5)
    world.add_day(DATE, 3, day=6)

    result = world.run(
        "--since", "2024-12-05", "--until", DATE, "--max-cost", "0.016", "--concurrency", "1"
    )

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 2  # the same two papers the cap allows for one day


def test_stats_since_leaves_out_earlier_days(world: World) -> None:
    world.add_day("2024-12-05", 1, day=5)
    world.add_day(DATE, 2, day=6)
    world.run("--date", "2024-12-05")
    world.run("--date", DATE)

    result = invoke("stats", "--out", str(world.out), "--since", DATE, env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "total: 2 calls" in result.output
    assert "2024-12-05" not in result.output
