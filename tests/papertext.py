"""Papers as Hugging Face's Markdown and as arXiv's LaTeXML HTML, for tests and the bench.

Real ones are made at test time from the real PDFs in the shared fixtures (their text never
enters the repository); synthetic ones from a title and an abstract. The HTML imitates what
LaTeXML writes: an ``<article class="ltx_document">``, ``h1`` title, ``h6`` abstract heading,
``h2`` sections, ``ltx_tabular`` tables, ``figcaption``, ``<math alttext>``, and, for failed
conversions, ``ltx_ERROR`` spans and raw LaTeX.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from pathlib import Path

from dailypapers.sources.pdf import extract_text, normalise_text
from dailypapers.summarize.budget import split_sections
from tests.shared_data import shared_path


@dataclass(frozen=True)
class Doc:
    arxiv_id: str
    title: str
    abstract: str
    #: (heading, body) of each top-level section, in order.
    sections: tuple[tuple[str, str], ...]


def real_pdfs() -> list[Path]:
    return sorted(shared_path("fixtures", "arxiv_pdfs").glob("*.pdf"))


@functools.cache
def real_doc(pdf: Path) -> Doc:
    """A real paper: its title (first line), abstract and sections as the PDF gives them."""
    text = normalise_text(extract_text(pdf, arxiv_id=pdf.stem).text)
    found = split_sections(text)
    front = found[0].text.split("\n")
    abstracts = [s.text.split("\n", 1)[-1] for s in found if s.kind == "abstract"]
    abstract = abstracts[0] if abstracts else " ".join(" ".join(front[3:]).split()[:200])
    sections = tuple(
        (s.name, s.text.split("\n", 1)[-1] if "\n" in s.text else "")
        for s in found
        if s.kind not in ("front", "abstract")
    )
    return Doc(pdf.stem, front[0].strip(), " ".join(abstract.split()), sections)


FILLER = (
    "The study measures efficient things under many settings and reports how accuracy "
    "improves as the budget grows. Each experiment repeats five times with fresh seeds. "
)


def synthetic_doc(arxiv_id: str, title: str, abstract: str, words: int = 1500) -> Doc:
    """A paper about ``title``: introduction, method, experiments, conclusion, references and
    an appendix, about ``words`` words in all."""
    per = max(words // 4 // len(FILLER.split()), 1)
    body = FILLER * per
    return Doc(
        arxiv_id,
        title,
        abstract,
        (
            ("1 Introduction", f"{abstract} {body}"),
            ("2 Method", body),
            ("3 Experiments", f"Table 1: accuracy of efficient things. {body}"),
            ("4 Conclusion", f"We studied efficient things. {body}"),
            ("References", "[1] A. Author. An earlier paper. 2020. " * 20),
            ("Appendix A Proofs", "Proof details of the lemma. " * 40),
        ),
    )


def as_markdown(doc: Doc) -> str:
    """As Hugging Face serves it: ``#`` title, ``## Abstract``, ``##`` sections, an image."""
    parts = [f"# {doc.title}", "## Abstract", doc.abstract]
    for name, body in doc.sections:
        parts += [f"## {name}", body]
        if name.lower().endswith("experiments"):
            parts += ["| model | accuracy |\n|---|---|\n| ours | 91.5 |", "![Figure 1](x.png)"]
    return "\n\n".join(parts) + "\n"


def as_html(doc: Doc, *, errors: int = 0, raw_latex: int = 0) -> str:
    """As arXiv's LaTeXML would write it; ``errors`` ltx_ERROR spans and ``raw_latex`` raw
    commands spread over the sections (a failed conversion)."""
    sections = []
    for index, (name, body) in enumerate(doc.sections):
        paragraphs = [html.escape(p) for p in body.split("\n\n") if p.strip()] or [""]
        for spot in range(errors if index == 0 else 0):
            paragraphs.append(f'<span class="ltx_ERROR undefined">\\macro{spot}</span>')
        for spot in range(raw_latex if index == 0 else 0):
            paragraphs.append(f"\\begin{{figure}}\\includegraphics{{f{spot}.pdf}}")
        inner = "".join(f'<p class="ltx_p">{p}</p>' for p in paragraphs)
        if name.lower().endswith("experiments"):
            inner += TABLE + FIGURE
        sections.append(
            f'<section class="ltx_section"><h2 class="ltx_title ltx_title_section">'
            f"{html.escape(name)}</h2>{inner}</section>"
        )
    return (
        "<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head><body>"
        '<nav class="ltx_page_navbar">Contents Back to arXiv</nav>'
        f'<article class="ltx_document"><h1 class="ltx_title ltx_title_document">'
        f"{html.escape(doc.title)}</h1>"
        f'<div class="ltx_abstract"><h6 class="ltx_title ltx_title_abstract">Abstract</h6>'
        f'<p class="ltx_p">{html.escape(doc.abstract)}</p></div>'
        + "".join(sections)
        + "</article><footer>About arXiv HTML</footer></body></html>"
    )


TABLE = (
    '<figure class="ltx_table"><figcaption class="ltx_caption">Table 2: Accuracy by model.'
    '</figcaption><table class="ltx_tabular"><tr><th>model</th><th>accuracy</th></tr>'
    '<tr><td>ours</td><td><math alttext="91.5\\pm 0.2">x</math></td></tr></table></figure>'
)
FIGURE = (
    '<figure class="ltx_figure"><img src="x.png" alt="plot"/>'
    '<figcaption class="ltx_caption">Figure 3: Accuracy grows with the budget.</figcaption>'
    "</figure>"
)

#: Another document entirely: what arXiv's HTML sometimes is instead of the paper.
CHECKLIST = Doc(
    "0000.00000",
    "NeurIPS Paper Checklist",
    "Answer each question with yes, no or not applicable, and justify the answer.",
    tuple(
        (
            f"{n} {topic}",
            (
                f"Question: Does the submission address {topic.lower()} properly? "
                "Answer: [Yes]. Justification: the reviewers guidelines are followed. "
                "Guidelines: authors should answer honestly; a negative answer is not grounds "
                "for rejection by the committee. "
            )
            * 12,
        )
        for n, topic in enumerate(
            ("Claims", "Limitations", "Theory", "Reproducibility", "Open access", "Licenses"),
            start=1,
        )
    ),
)
