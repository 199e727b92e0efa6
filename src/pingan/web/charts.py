"""Small inline SVG charts for the pages (no chart library, no script needed).

Each function takes plain numbers and already translated labels and returns
escaped SVG markup. Charts scale to their container (``viewBox``) and carry a
``<title>`` and ``role="img"`` so screen readers name them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str


def _nice_max(value: float) -> float:
    """The smallest 1/2/2.5/5 × 10^k at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def grouped_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    width: int = 640,
    height: int = 240,
    value_format: str = "{:.0f}",
) -> Markup:
    """Vertical bars, one group per category and one bar per series, with a legend."""
    left, right, top, bottom = 40, 10, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = _nice_max(max(values, default=0.0))
    if value_format == "{:.0f}":
        top_value = max(top_value, 4.0)  # whole-number ticks for counts
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for step in range(5):
        tick = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(_fmt(tick))}</text>'
        )
    n_groups = max(len(categories), 1)
    group_w = plot_w / n_groups
    bar_w = max(2.0, min(28.0, (group_w * 0.75) / max(len(series), 1)))
    for gi, category in enumerate(categories):
        x0 = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, one in enumerate(series):
            value = one.values[gi] if gi < len(one.values) else None
            if value is None:
                continue
            h = plot_h * value / top_value
            x = x0 + si * bar_w
            y = top + plot_h - h
            label = f"{one.label}, {category}: {value_format.format(value)}{unit}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'rx="2" fill="{escape(one.colour)}"><title>{escape(label)}</title></rect>'
            )
        parts.append(
            f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    x = left
    for one in series:
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" rx="2" fill="{escape(one.colour)}"/>'
            f'<text x="{x + 14}" y="15">{escape(one.label)}</text>'
        )
        x += 24 + 8 * len(one.label) + (6 * sum(1 for c in one.label if ord(c) > 0x2E80))
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    tier_labels: Sequence[str],
    colours: Sequence[str],
    *,
    width: int = 440,
    row_height: int = 22,
) -> Markup:
    """Horizontal bars of shares (0–1): one block of bars per row, one bar per tier."""
    left, right, top = 110, 46, 24
    block = row_height * len(tier_labels) + 10
    height = top + block * max(len(rows), 1) + 6
    plot_w = width - left - right
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    x = left
    for label, colour in zip(tier_labels, colours, strict=True):
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" rx="2" fill="{escape(colour)}"/>'
            f'<text x="{x + 14}" y="15">{escape(label)}</text>'
        )
        x += 90
    for ri, (name, shares) in enumerate(rows):
        y0 = top + ri * block
        parts.append(
            f'<text x="{left - 8}" y="{y0 + block / 2:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        for ti, share in enumerate(shares):
            y = y0 + ti * row_height
            parts.append(
                f'<rect x="{left}" y="{y}" width="{plot_w}" height="{row_height - 6}" rx="3" '
                f'fill="currentColor" opacity=".07"/>'
            )
            if share is None:
                parts.append(f'<text x="{left + 6}" y="{y + row_height - 10}">–</text>')
                continue
            w = plot_w * max(0.0, min(1.0, share))
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row_height - 6}" rx="3" '
                f'fill="{escape(colours[ti])}"><title>{escape(tier_labels[ti])}: '
                f"{share * 100:.0f}%</title></rect>"
                f'<text x="{left + plot_w + 6}" y="{y + row_height - 10}">{share * 100:.0f}%</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
