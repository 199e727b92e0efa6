"""The brief and the closing report as an HTML page and a PDF.

Both take the same document (a title, a note, sections of lines with a link each), so
the HTML and the PDF carry the same figures. The HTML escapes every value
(:func:`html.escape`) and links each line to the records behind it. The PDF is drawn by
matplotlib with the CJK font the campaign report uses
(:func:`pingan.analytics.report.font_family`), text pages then one chart.
"""

from __future__ import annotations

import html
import io
import textwrap
from typing import TYPE_CHECKING, Any

from pingan.analytics.report import font_family

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

LINES_PER_PAGE = 38


def as_html(document: dict[str, Any], lang: str = "zh-CN") -> str:
    """A self-contained HTML page (no script); every figure links to its records."""
    esc = html.escape
    out = [
        "<!doctype html>",
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{esc(document['title'])}</title></head><body>",
        f"<h1>{esc(document['title'])}</h1>",
    ]
    if document.get("note"):
        out.append(f'<p class="note" data-simulated="1">{esc(document["note"])}</p>')
    for section in document["sections"]:
        out.append(f"<h2>{esc(section['heading'])}</h2><ul>")
        for line in section["lines"]:
            text = esc(line["text"])
            if line.get("link"):
                text = f'<a href="{esc(line["link"])}" data-record-link>{text}</a>'
            out.append(f"<li>{text}</li>")
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def _rc() -> dict[RcKeyType, Any]:
    family = font_family()
    rc: dict[RcKeyType, Any] = {"pdf.fonttype": 42, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family, "DejaVu Sans"]
    return rc


def _text_lines(document: dict[str, Any]) -> list[tuple[str, int, str]]:
    lines: list[tuple[str, int, str]] = [(document["title"], 16, "bold")]
    if document.get("note"):
        lines.append((document["note"], 10, "normal"))
    for section in document["sections"]:
        lines.append((section["heading"], 13, "bold"))
        for line in section["lines"]:
            width = 46 if any(ord(c) > 0x2E80 for c in line["text"]) else 95
            for part in textwrap.wrap(line["text"], width) or [""]:
                lines.append((part, 10, "normal"))
    return lines


def as_pdf(document: dict[str, Any], chart: dict[str, Any] | None = None) -> bytes:
    """Text pages, then ``chart`` (``title``, ``labels``, ``values``, optional ``targets``)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    out = io.BytesIO()
    lines = _text_lines(document)
    with matplotlib.rc_context(_rc()), PdfPages(out, metadata={"Title": document["title"]}) as pdf:
        for first in range(0, len(lines), LINES_PER_PAGE):
            fig = plt.figure(figsize=(8.27, 11.69))
            y = 0.95
            for text, size, weight in lines[first : first + LINES_PER_PAGE]:
                fig.text(0.07, y, text, fontsize=size, weight=weight)
                y -= 0.024
            pdf.savefig(fig)
            plt.close(fig)
        if chart and chart["values"]:
            fig, ax = plt.subplots(figsize=(8.27, 5.5))
            positions = range(len(chart["values"]))
            ax.bar(positions, chart["values"], color="#2f81f7")
            if chart.get("targets"):
                ax.scatter(positions, chart["targets"], color="#b00020", marker="_", s=400)
            ax.set_xticks(list(positions), chart["labels"], rotation=30, ha="right", fontsize=8)
            ax.set_title(chart["title"])
            fig.tight_layout()
            pdf.savefig(fig)
            plt.close(fig)
    return out.getvalue()
