"""arXiv's LaTeXML HTML as Markdown-like text: ``#`` headings, tables as Markdown rows,
figure and table captions as their own paragraphs, formulas as ``$alttext$``.

What a failed conversion leaves is kept visible for the quality gates: an ``ltx_ERROR``
element becomes ``[LaTeXML error: ...]``. Pure: bytes in, text out (lxml parses, and copes
with broken markup as browsers do).
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

#: Never text of the paper: code, styles, the page's navigation and chrome.
DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "button", "form", "svg", "img"}
)
DROPPED_CLASSES = ("ltx_page_header", "ltx_page_footer", "ltx_page_navbar", "ltx_TOC")
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "li", "figure", "figcaption", "blockquote", "dd", "dt"}
    | {"ul", "ol", "dl", "table", "tr", "pre", "caption", "main", "body"}
)
HEADINGS = {f"h{level}": level for level in range(1, 7)}


class _Writer:
    """Blocks of text, and the line being built of inline pieces."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.line: list[str] = []

    def add(self, piece: str) -> None:
        self.line.append(piece)

    def flush(self) -> None:
        text = squash("".join(self.line))
        if text:
            self.blocks.append(text)
        self.line = []

    def block(self, text: str) -> None:
        self.flush()
        if text.strip():
            self.blocks.append(text.strip())


def squash(text: str) -> str:
    return " ".join(text.split())


def html_to_text(body: bytes) -> str:
    """The paper's text: its ``<article>`` (or the page's body) with headings and tables."""
    if not body.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return ""
    article = next(root.iter("article"), None)
    out = _Writer()
    _children(article if article is not None else root, out)
    out.flush()
    return "\n\n".join(out.blocks)


def _children(element: lxml_html.HtmlElement, out: _Writer) -> None:
    if element.text:
        out.add(element.text)
    for child in element:
        _element(child, out)


def _element(element: lxml_html.HtmlElement, out: _Writer) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    classes = element.get("class", "")
    if not tag or tag in DROPPED_TAGS or any(name in classes for name in DROPPED_CLASSES):
        pass
    elif "ltx_ERROR" in classes:
        out.add(f" [LaTeXML error: {squash(element.text_content())}] ")
    elif tag == "math":
        out.add(f" ${squash(element.get('alttext', '') or element.text_content())}$ ")
    elif tag in HEADINGS:
        out.block("#" * HEADINGS[tag] + " " + inline_text(element))
    elif tag == "table" and "ltx_equation" not in classes and "ltx_eqn" not in classes:
        out.block(_table(element))
    elif tag == "br":
        out.flush()
    elif tag in BLOCK_TAGS:
        out.flush()
        if tag == "li":
            out.add("- ")
        _children(element, out)
        out.flush()
    else:
        _children(element, out)
    if element.tail:
        out.add(element.tail)


def inline_text(element: lxml_html.HtmlElement) -> str:
    """An element's text on one line, formulas and errors written as in the body."""
    out = _Writer()
    _children(element, out)
    out.flush()
    return " ".join(out.blocks)


def _table(table: lxml_html.HtmlElement) -> str:
    """A table as Markdown rows (the first row as the header), its caption above it."""
    lines: list[str] = []
    for caption in table.iterchildren("caption"):
        lines.append(inline_text(caption))
    rows = [row for row in table.iter("tr")]
    for index, row in enumerate(rows):
        cells = [inline_text(c).replace("|", "/") for c in row if c.tag in ("td", "th")]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "---|" * max(len(cells), 1))
    return "\n".join(lines)
