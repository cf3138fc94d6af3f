"""Money: a price table per model, the cost of calls, and a cap on a run's spend."""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dailypapers.errors import ConfigError


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float

    def of(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input + output_tokens * self.output) / 1_000_000


#: List prices in USD per million tokens (standard tier, no caching), as the vendors published
#: them; a prices file (DAILYPAPERS_PRICES) overrides or extends this table. Local models are free.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "claude-sonnet-4-5": Price(3.00, 15.00),
    "claude-haiku-4-5": Price(1.00, 5.00),
    "gemini-2.5-flash": Price(0.30, 2.50),
    "gemini-2.5-pro": Price(1.25, 10.00),
    "deepseek-chat": Price(0.28, 0.42),
    "openai/gpt-4o": Price(2.50, 10.00),
}
#: What the OpenAI Batch API charges, as a share of the list price.
BATCH_DISCOUNT = 0.5
BATCH_SUFFIX = " (batch)"


def load_prices(path: Path | None) -> dict[str, Price]:
    """The default table, updated from a TOML file of ``[models."NAME"] input = .. output = ..``."""
    prices = dict(DEFAULT_PRICES)
    if path is None:
        return prices
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"prices file {path}: {e}") from None
    for name, entry in (data.get("models") or {}).items():
        try:
            prices[name] = Price(float(entry["input"]), float(entry["output"]))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(
                f'prices file {path}: [models."{name}"] needs numbers input and output'
            ) from None
    return prices


def price_of(model: str, prices: dict[str, Price]) -> Price | None:
    """The price of ``model``, also for dated versions (gpt-4o-2024-08-06 costs as gpt-4o);
    ``MODEL (batch)`` costs the Batch API's share of the model's price."""
    if model.endswith(BATCH_SUFFIX):
        price = price_of(model.removesuffix(BATCH_SUFFIX), prices)
        return Price(price.input * BATCH_DISCOUNT, price.output * BATCH_DISCOUNT) if price else None
    if model in prices:
        return prices[model]
    matches = [name for name in prices if model.startswith(name + "-")]
    return prices[max(matches, key=len)] if matches else None


class SpendCap:
    """Shared by the workers: a paper starts only if its estimated cost fits under the cap."""

    def __init__(self, cap_usd: float) -> None:
        self.cap = cap_usd
        self.spent = 0.0
        self.reserved = 0.0
        self._lock = threading.Lock()

    def reserve(self, estimate: float) -> bool:
        with self._lock:
            if self.spent + self.reserved + estimate > self.cap:
                return False
            self.reserved += estimate
            return True

    def settle(self, estimate: float, actual: float) -> None:
        with self._lock:
            self.reserved -= estimate
            self.spent += actual


@dataclass
class Spend:
    """Calls, tokens and dollars of one group (a day, a model or a paper)."""

    calls: int = 0
    input: int = 0
    output: int = 0
    usd: float = 0.0
    unpriced: bool = False

    def add(self, calls: int, input_tokens: int, output_tokens: int, price: Price | None) -> None:
        self.calls += calls
        self.input += input_tokens
        self.output += output_tokens
        if price is None:
            self.unpriced = self.unpriced or bool(input_tokens or output_tokens)
        else:
            self.usd += price.of(input_tokens, output_tokens)


@dataclass
class SpendReport:
    by_day: dict[str, Spend]
    by_model: dict[str, Spend]
    by_paper: dict[str, Spend]
    total: Spend


def spend_report(
    rows: list[tuple[str, str, str, int, int, int]], prices: dict[str, Price]
) -> SpendReport:
    """Group (day, model, paper, calls, input, output) rows by day, model and paper."""
    report = SpendReport({}, {}, {}, Spend())
    for day, model, arxiv_id, calls, tokens_in, tokens_out in rows:
        price = price_of(model, prices)
        for group, key in (
            (report.by_day, day),
            (report.by_model, model),
            (report.by_paper, arxiv_id),
        ):
            group.setdefault(key, Spend()).add(calls, tokens_in, tokens_out, price)
        report.total.add(calls, tokens_in, tokens_out, price)
    return report
