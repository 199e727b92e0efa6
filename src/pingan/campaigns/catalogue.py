"""The figures a campaign target may name, with their names, kind and unit.

``kind`` says how a figure is estimated: ``change`` (a count against the same days last
year: exact conditional interval), ``share`` (k of n: Wilson interval), ``census`` (a
share of every record, no sampling: no interval), ``total`` (a sum to date, projected
linearly: no interval, it is no Poisson count).
"""

from __future__ import annotations

from dataclasses import dataclass

from pingan.errors import InvalidInput


@dataclass(frozen=True)
class FigureSpec:
    """One figure a target may name."""

    key: str
    name_zh: str
    name_en: str
    kind: str
    unit: str


FIGURES: dict[str, FigureSpec] = {
    spec.key: spec
    for spec in (
        FigureSpec(
            "incidents_yoy", "警情同比变化", "reported incidents against last year", "change", "%"
        ),
        FigureSpec("response_within_60", "1分钟到场率", "share reached within 1 min", "share", "%"),
        FigureSpec(
            "response_within_180", "3分钟到场率", "share reached within 3 min", "share", "%"
        ),
        FigureSpec(
            "response_within_300", "5分钟到场率", "share reached within 5 min", "share", "%"
        ),
        FigureSpec(
            "fraud_yoy", "诈骗警情同比变化", "fraud incidents against last year", "change", "%"
        ),
        FigureSpec(
            "fraud_losses_yoy", "诈骗损失同比变化", "fraud losses against last year", "ratio", "%"
        ),
        FigureSpec("rooms_surveyed", "消防控制室摸排率", "control rooms surveyed", "census", "%"),
        FigureSpec(
            "hazards_on_time", "隐患按期整改率", "hazards rectified by their deadline", "share", "%"
        ),
        FigureSpec(
            "focus_visibility",
            "重点部位见警率",
            "police visibility at focus places in focus hours",
            "share",
            "%",
        ),
        FigureSpec("volunteer_hours", "志愿者巡逻时长", "volunteer hours", "total", "h"),
    )
}
DIRECTIONS = ("<=", ">=")


def spec(key: str) -> FigureSpec:
    """The figure ``key``, or :class:`InvalidInput` naming the known ones."""
    found = FIGURES.get(key)
    if found is None:
        raise InvalidInput(
            f"unknown figure {key!r}; known: {', '.join(FIGURES)}", field="targets.figure"
        )
    return found
