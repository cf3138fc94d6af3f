"""What ``--verify llm`` adds to a 30-paper day: time, calls and tokens, against the fakes.

python bench/verify_cost.py [--papers N] [--latency S] [--words W] [--limit N]

Drives the real CLI in-process (``dailypapers run``) against the fake Hugging Face, arXiv and
LLM on 127.0.0.1, twice on fresh folders: without ``--verify`` and with ``--verify llm``. Every
paper's text is Hugging Face's Markdown (a generated full paper of ``--words`` words, as
``bench/fast_day.py`` makes it), so the LLM stage is the day's bound; each LLM answer takes
``--latency`` seconds (verify answers too). Then the same against an LLM that answers 429
(Retry-After 1 s) above ``--limit`` calls in flight (4 by default), where the extra calls
queue behind the summaries.

Tokens are the fake server's counts, which are estimates of a real model's: the request's
message contents counted with o200k (no per-message framing) and the answer's content counted
the same way. The fake's answers are short (six Korean sentences for a summary, six quoted
sentences of the paper for the spans), so real answers cost more output tokens; the input, the
paper sent twice, is the bulk either way. Dollars are at gpt-4o list price.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dailypapers.summarize.cost import DEFAULT_PRICES  # noqa: E402
from tests.e2e import fake_world, one_line  # noqa: E402
from tests.papertext import as_markdown, synthetic_doc  # noqa: E402

DAY = "2024-12-06"


@dataclass
class Measured:
    wall: float
    calls: int
    verify_calls: int
    input_tokens: int
    output_tokens: int
    summarized: bool
    report: str

    @property
    def usd(self) -> float:
        return DEFAULT_PRICES["gpt-4o"].of(self.input_tokens, self.output_tokens)


def day(papers: int, latency: float, words: int, limit: int | None, *verify: str) -> Measured:
    with fake_world() as world:
        hf, openai = world.hf, world.openai
        world.add_day(DAY, papers)
        for entry in hf.days[DAY]:
            paper = entry["paper"]
            doc = synthetic_doc(paper["id"], paper["title"], paper["summary"], words=words)
            hf.set_markdown(paper["id"], as_markdown(doc))
        openai.latency = latency
        openai.concurrency_limit = limit
        env = world.cache_env()
        started = time.monotonic()
        result = world.run("--date", DAY, *verify, env=env)
        wall = time.monotonic() - started
        output = one_line(result.output)
        report = re.search(r"verify llm: .*? sentences without a source span", output)
        return Measured(
            wall,
            openai.calls,
            openai.verify_calls,
            openai.prompt_tokens,
            openai.completion_tokens,
            f"{papers} summarized" in output,
            report.group(0) if report else "",
        )


def share(extra: float, base: float) -> str:
    return f"+{100 * (extra - base) / base:.0f}%" if base else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--latency", type=float, default=4.0)
    parser.add_argument("--words", type=int, default=6000)
    parser.add_argument("--limit", type=int, default=4)
    args = parser.parse_args()
    for limit in (None, args.limit):
        print(f"LLM {'with no limit' if limit is None else f'limited to {limit} calls at once'}:")
        plain = day(args.papers, args.latency, args.words, limit)
        checked = day(args.papers, args.latency, args.words, limit, "--verify", "llm")
        compare(plain, checked)


def compare(plain: Measured, checked: Measured) -> None:
    for name, m in (("off", plain), ("llm", checked)):
        print(
            f"  verify {name:3}  wall {m.wall:6.1f} s  "
            f"calls {m.calls:3} (verify {m.verify_calls:2})  "
            f"tokens in {m.input_tokens:8,} out {m.output_tokens:6,}  ${m.usd:.4f}  "
            f"all summarized {m.summarized}"
        )
    print(
        f"  extra of --verify llm: wall {share(checked.wall, plain.wall)}, "
        f"calls {share(checked.calls, plain.calls)}, "
        f"tokens in {share(checked.input_tokens, plain.input_tokens)}, "
        f"out {share(checked.output_tokens, plain.output_tokens)}, "
        f"cost {share(checked.usd, plain.usd)}"
    )
    print(f"  run report: {checked.report}")


if __name__ == "__main__":
    main()
