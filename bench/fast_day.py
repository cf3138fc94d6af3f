"""How fast a 30-paper day goes with the defaults, against the fakes, paced as for real.

python bench/fast_day.py [--papers N] [--latency S] [--skip-pdf]

Drives the real CLI in-process (``dailypapers run``) against the fake Hugging Face, arXiv and
LLM on 127.0.0.1, with an LLM answer taking ``--latency`` seconds (4 by default) and arXiv
paced at its default one request every 3 s. Scenarios, each on a fresh output folder:

- unlimited: an LLM with no limit; every paper's text is Hugging Face's Markdown (a full paper
  made for its title and abstract, passing the gates), fetched within HF's allowance;
- limit-4: the same against an LLM that answers 429 (Retry-After 1 s) above 4 calls in flight;
- pdf: Hugging Face serves only its fallback page (title and abstract: arXiv has no HTML
  version), so every text is a PDF to download and arXiv's pacing (one request every 3 s)
  bounds the day;
- pdf-404: no Markdown at all (404) and no HTML version (404): each paper asks arXiv twice.

Nothing is cached before a scenario: each starts from an empty cache folder.

Prints wall time, LLM calls, 429s, the most calls the fake saw at once, and the run's own
concurrency line, beside the LLM-bound floor (papers x latency / calls at once).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e import fake_world, one_line  # noqa: E402
from tests.papertext import as_markdown, synthetic_doc  # noqa: E402

DAY = "2024-12-06"


def scenario(name: str, papers: int, latency: float, *, limit: int | None, markdown: bool) -> None:
    with fake_world() as world:
        hf, arxiv, openai = world.hf, world.arxiv, world.openai
        world.add_day(DAY, papers)
        for entry in hf.days[DAY] if markdown else []:
            paper = entry["paper"]
            if markdown == "fallback":
                hf.set_fallback(paper["id"], paper["title"], paper["summary"])
                continue
            doc = synthetic_doc(paper["id"], paper["title"], paper["summary"], words=6000)
            hf.set_markdown(paper["id"], as_markdown(doc))
        openai.latency = latency
        openai.concurrency_limit = limit
        env = world.cache_env()
        started = time.monotonic()
        result = world.run("--date", DAY, env=env)
        wall = time.monotonic() - started
        output = one_line(result.output)
        summarized = f"{papers} summarized" in output
        line = next((p for p in output.split(" · ") if "LLM concurrency" in p), "no report")
        at_once = limit or papers
        floor = max(latency, papers * latency / at_once)
        print(
            f"{name:10} wall {wall:6.1f} s  floor {floor:5.1f} s  ({wall / floor:.2f}x)  "
            f"calls {openai.calls:3}  429s {openai.rejected.get(429, 0):2}  "
            f"peak at once {openai.in_flight_peak:2}  all summarized {summarized}  "
            f"HF Markdown requests {len(hf.md_requests)}  "
            f"arXiv requests {len(arxiv.requests) + len(arxiv.html_requests)}"
        )
        print(f"{'':10} run: {line.split(' wrote ')[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--latency", type=float, default=4.0)
    parser.add_argument("--skip-pdf", action="store_true", help="leave out the ~90 s PDF path")
    args = parser.parse_args()
    scenario("unlimited", args.papers, args.latency, limit=None, markdown="full")
    scenario("limit-4", args.papers, args.latency, limit=4, markdown="full")
    if not args.skip_pdf:
        scenario("pdf", args.papers, args.latency, limit=None, markdown="fallback")
        scenario("pdf-404", args.papers, args.latency, limit=None, markdown=None)


if __name__ == "__main__":
    main()
