"""What a day costs: our default token budget against the predecessor's 100k-token head cut.

    python bench/cost.py [--papers 30]

Input tokens per paper are counted with o200k on real arXiv PDFs (``../shared/fixtures``;
generated PDFs otherwise): our fitted text (16,000-token budget) against the first 100,000
tokens of the whole extracted text, each counted on the messages as sent (instructions and
starter glossary included). Output tokens are those of the predecessor's published summaries
as a JSON answer (``../shared/reference``; 700 otherwise).
Prices are the built-in list prices.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.models import Paper, PaperText  # noqa: E402
from dailypapers.sources.pdf import extract_text, normalise_text  # noqa: E402
from dailypapers.summarize.budget import count_tokens, fit_text, truncate_tokens  # noqa: E402
from dailypapers.summarize.cost import BATCH_DISCOUNT, DEFAULT_PRICES  # noqa: E402
from dailypapers.summarize.glossary import load_glossary  # noqa: E402
from dailypapers.summarize.prompt import build_messages, estimate_tokens  # noqa: E402
from tests.pdfgen import make_paper_pdf  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

HEAD_CUT = 100_000
MODELS = ("gpt-4o", "gpt-4o-mini", "gemini-2.5-flash", "deepseek-chat")
GLOSSARY = load_glossary(None, "ko")


def paper_texts() -> list[str]:
    folder = SHARED / "fixtures" / "arxiv_pdfs"
    pdfs = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    if not pdfs:
        print("(shared fixtures absent: generated PDFs)")
        bodies = [make_paper_pdf(title=f"P{i}", abstract="We propose X.") for i in range(3)]
    else:
        bodies = [p.read_bytes() for p in pdfs]
    return [normalise_text(extract_text(b, arxiv_id="bench").text) for b in bodies]


def output_tokens() -> float:
    records = SHARED / "reference" / "records.jsonl"
    if not records.is_file():
        print("(reference absent: assuming 700 output tokens per summary)")
        return 700.0
    counts = []
    for line in records.read_text(encoding="utf-8").splitlines():
        sections = json.loads(line)["sections"]
        answer = {label.strip("*"): text for label, text in sections}
        counts.append(count_tokens(json.dumps(answer, ensure_ascii=False)))
    return statistics.mean(counts)


def prompt_tokens(text: str) -> int:
    """Input tokens of the request that sends ``text``, counted as the summarizer counts its
    own: the messages as built, with the starter Korean glossary."""
    paper = Paper("bench", "", (), 0, None, "")
    messages = build_messages(paper, PaperText("bench", text, "pdf", 0), glossary=GLOSSARY)
    return estimate_tokens(messages).input_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--papers", type=int, default=30)
    args = parser.parse_args()
    texts = paper_texts()
    ours = [prompt_tokens(fit_text("", "", text, 16_000).text) for text in texts]
    theirs = [prompt_tokens(truncate_tokens(text, HEAD_CUT)) for text in texts]
    out = output_tokens()
    mean_ours, mean_theirs = statistics.mean(ours), statistics.mean(theirs)
    print(f"{len(texts)} papers, whole texts {min(theirs):,}-{max(theirs):,} tokens")
    print(f"input per paper:  ours {mean_ours:,.0f}, 100k head cut {mean_theirs:,.0f}")
    print(f"output per paper: {out:,.0f} tokens (the predecessor's summaries as JSON)")
    print(f"\nUSD per day of {args.papers} papers at list price:")
    print(f"{'model':<18}{'ours':>9}{'head cut':>10}{'ours, batch':>13}")
    for model in MODELS:
        price = DEFAULT_PRICES[model]
        day_ours = args.papers * price.of(int(mean_ours), int(out))
        day_theirs = args.papers * price.of(int(mean_theirs), int(out))
        print(f"{model:<18}{day_ours:>9.3f}{day_theirs:>10.3f}{day_ours * BATCH_DISCOUNT:>13.3f}")


if __name__ == "__main__":
    main()
