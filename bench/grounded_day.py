"""How much of a 30-paper day is grounded, against the fakes: numbers and names traced to the
paper, the answers that invented one, and what ``--verify llm`` adds.

python bench/grounded_day.py [--papers 30] [--wrong 0.3] [--seed 7]

The papers are the five real PDFs of the shared fixtures (their text extracted by our own code,
served as Hugging Face's Markdown), each listed ``papers / 5`` times under another id. The fake
LLM writes each summary from the paper it is sent: up to eight of its names (those of its title
and abstract, then those its text uses three times or more) and two of its numbers, in Korean
sentences. A share ``--wrong`` of the first answers also names a baseline the paper never ran,
and half as many state a number it never gives, as real models sometimes do; an answer asked
again (the checks named what they found) is faithful. Drives the real CLI in-process, twice:
without and with ``--verify llm``. Prints the share of numbers and names found, the answers
flagged and asked again, the summaries grounded in the end, and time, calls and tokens of both.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dailypapers.evidence import GroundingShare  # noqa: E402
from dailypapers.models import SECTION_KEYS  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from dailypapers.summarize.checks import find_numbers  # noqa: E402
from tests.e2e import World, fake_world  # noqa: E402
from tests.fakes import make_entry  # noqa: E402
from tests.papertext import Doc, as_markdown, real_doc, real_pdfs  # noqa: E402
from tests.planted import BASELINES, Paper, paper_names, summary  # noqa: E402

DAY = "2024-12-06"
INVENTED_NUMBER = "97.31%"


@dataclass
class Writer:
    """The fake LLM's summaries: faithful, or (first answers only, by chance) not."""

    wrong: float
    seed: int
    first_answers: int = 0
    planted_names: int = 0
    planted_numbers: int = 0

    def __call__(self, messages: list[dict[str, str]]) -> dict[str, str]:
        paper = messages[1]["content"]
        retry = len(messages) > 2
        names = paper_names(Paper("", "", "", paper))
        numbers = [n.text for n in find_numbers(paper) if n.unit == "%" or "." in n.text]
        stated = f" 주요 수치는 {numbers[0]}와 {numbers[-1]}입니다." if numbers else ""
        extra = ""
        if not retry:
            self.first_answers += 1
            rng = random.Random(f"{self.seed}:{paper[:200]}:{self.first_answers}")
            if rng.random() < self.wrong:
                baseline = next(b for b in BASELINES if _alnum(b) not in _alnum(paper))
                extra += f" {baseline}와 비교해도 더 나은 결과를 보였습니다."
                self.planted_names += 1
            if rng.random() < self.wrong / 2:
                extra += f" 정확도는 {INVENTED_NUMBER} 향상되었습니다."
                self.planted_numbers += 1
        texts = [text for _, text in summary(names, stated + extra)]
        return dict(zip(SECTION_KEYS, texts, strict=True))


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def serve(world: World, docs: list[Doc], papers: int) -> None:
    entries = []
    for i in range(papers):
        doc = docs[i % len(docs)]
        arxiv_id = f"2412.06{i:03d}"
        entries.append(make_entry(arxiv_id, doc.title, upvotes=100 - i, summary=doc.abstract))
        world.hf.set_markdown(arxiv_id, as_markdown(doc))
    world.hf.set_day(DAY, entries)


def scenario(docs: list[Doc], papers: int, wrong: float, seed: int, verify: bool) -> None:
    with fake_world() as world:
        openai = world.openai
        serve(world, docs, papers)
        writer = Writer(wrong, seed)
        openai.writer = writer
        env = world.cache_env()
        args = ["--date", DAY] + (["--verify", "llm"] if verify else [])
        started = time.monotonic()
        result = world.run(*args, env=env)
        wall = time.monotonic() - started
        if result.exit_code != 0:
            raise SystemExit(result.output)
        with Store.open(world.out / "dailypapers.db") as store:
            groundings = store.published_groundings()
            flagged = sum(
                1
                for state in store.day_states(DAY)
                if state.summary_provenance and state.summary_provenance.endswith("flagged")
            )
        share = GroundingShare.of(groundings)
        print(f"\n== {'with --verify llm' if verify else 'checks only'}: {papers} papers")
        print(
            f"first answers: {writer.first_answers}, with a planted baseline "
            f"{writer.planted_names}, with an invented number {writer.planted_numbers}"
        )
        asked_again = openai.calls - openai.verify_calls - papers
        print(
            f"answers with a finding, asked again: {asked_again} of {writer.first_answers}; "
            f"kept flagged: {flagged}"
        )
        print(
            f"numbers found {share.numbers[0]}/{share.numbers[1]} "
            f"({_pct(share.numbers)}), names found {share.names[0]}/{share.names[1]} "
            f"({_pct(share.names)}); summaries grounded {share.grounded}/{share.traced}"
        )
        print(
            f"wall {wall:.1f} s; LLM calls {openai.calls} (verify {openai.verify_calls}); "
            f"tokens in {openai.prompt_tokens:,}, out {openai.completion_tokens:,}"
        )


def _pct(pair: tuple[int, int]) -> str:
    return f"{pair[0] / pair[1]:.1%}" if pair[1] else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--wrong", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    pdfs = real_pdfs()
    if not pdfs:
        raise SystemExit("needs the real PDFs of the shared fixtures (DAILYPAPERS_SHARED)")
    docs = [real_doc(pdf) for pdf in pdfs]
    for verify in (False, True):
        scenario(docs, options.papers, options.wrong, options.seed, verify)


if __name__ == "__main__":
    main()
