"""Period comparisons (同比, 环比) in words, in the current language.

The numbers come from :func:`pingan.analytics.stats.incident_stats` (the exact Poisson
test of :func:`pingan.algo.stats.compare_counts`); this module only words them.
"""

from __future__ import annotations

from typing import Any

from pingan.web import i18n


def change_text(change: float | None) -> str:
    """``+5%`` / ``−5%`` / ``±0%``; ``–`` when there is nothing to compare with."""
    if change is None:
        return "–"
    percent = round(change * 100)
    if percent == 0:
        return "±0%"
    return f"+{percent}%" if percent > 0 else f"−{-percent}%"


def p_text(p_value: float) -> str:
    if p_value < 0.001:
        return "p < 0.001"
    if p_value >= 0.995:
        return "p = 1"
    return f"p = {p_value:.2g}"


def comparison_view(comparison: dict[str, Any]) -> dict[str, Any]:
    """What a page shows of one comparison: the change, its direction and the verdict."""
    _ = i18n.gettext_
    change = comparison.get("change")
    before, after = int(comparison["before"]), int(comparison["after"])
    if change is None:
        verdict = (
            _("no incidents in either period")
            if before == 0 and after == 0
            else _("none in the earlier period")
        )
    elif comparison["significant"]:
        verdict = _("beyond chance (%(p)s)") % {"p": p_text(float(comparison["p_value"]))}
    else:
        verdict = _("within chance (%(p)s)") % {"p": p_text(float(comparison["p_value"]))}
    direction = "flat"
    if change is not None and round(change * 100) != 0:
        direction = "up" if change > 0 else "down"
    return {
        "before": before,
        "after": after,
        "change": change_text(change),
        "direction": direction,
        "significant": bool(comparison["significant"]),
        "verdict": verdict,
    }


__all__ = ["change_text", "comparison_view", "p_text"]
