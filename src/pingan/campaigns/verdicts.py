"""Projection to a campaign's end and the verdict of one target, and the verdicts in words.

A total (hours) is carried to the end at its rate so far, with no interval (hours are no
Poisson count); a rate, share or change is carried as it stands, interval and all. The
verdict (:func:`pingan.algo.campaign_stats.verdict`) compares the target with the
projection's interval: on track, at risk, off track; once the campaign has ended, met or
missed.
"""

from __future__ import annotations

from typing import Any

from pingan.algo import campaign_stats as cs

VERDICT_WORDS = {
    "zh-CN": {
        "on_track": "进度正常",
        "at_risk": "存在风险",
        "off_track": "明显滞后",
        "met": "已完成",
        "missed": "未完成",
        None: "无法判断",
    },
    "en": {
        "on_track": "on track",
        "at_risk": "at risk",
        "off_track": "off track",
        "met": "met",
        "missed": "missed",
        None: "cannot tell",
    },
}


def project(figure: dict[str, Any], elapsed: int, total: int) -> dict[str, Any]:
    value = figure["value"]
    if value is None:
        return {"value": None, "interval": None, "reason": "no value to date"}
    if figure["kind"] == "total":
        return {
            "value": round(value * total / elapsed, 1),
            "interval": None,
            "reason": "carried at the rate so far; hours are no Poisson count, no interval",
        }
    band = figure["interval"]
    return {
        "value": value,
        "interval": band,
        "reason": None if band else figure["interval_reason"],
    }


def judge(projection: dict[str, Any], direction: str, target: float, ended: bool) -> str | None:
    value = projection["value"]
    if value is None:
        return None
    if ended:
        return "met" if cs.meets(value, direction, target) else "missed"
    band = projection["interval"]
    interval = None
    if band is not None:
        low = band[0] if band[0] is not None else float("-inf")
        high = band[1] if band[1] is not None else float("inf")
        interval = cs.Interval(low, high)
    return cs.verdict(value, interval, direction, target)
