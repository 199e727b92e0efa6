"""A campaign's targets rolled up over its jurisdictions: one row per figure and direction.

The roll-up is measured from the stations' own counts, not averaged from their figures:

* a change against last year sums this year's and last year's counts, then takes the
  exact conditional interval and the Poisson test of the sums;
* a share sums ``k`` and ``n`` (Wilson interval of the sums); a census sums rooms surveyed
  and registered; a change of yuan sums the yuan; a total sums the stations' totals;
* visibility at focus places counts each focus place once (a place no station's area
  holds counts for every station, and is not summed twice).

The roll-up's target is the one the stations' targets imply together: for a total, their
sum; for a share, change or ratio, their mean weighted by each station's denominator (the
cases ``n``, last year's count or yuan), since if every station meets its own target the
whole meets that mean, and the other way round no better bound holds. Its projection and
verdict are the stations' (:mod:`pingan.campaigns.verdicts`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pingan.campaigns.figures import change_figure, figure_body, share_figure
from pingan.campaigns.verdicts import judge, project


def _weight(row: dict[str, Any]) -> float:
    detail = row.get("detail") or {}
    for key in ("last_year", "n", "last_year_yuan", "hours"):
        if key in detail:
            return float(detail[key])
    return 0.0


def _target(rows: list[dict[str, Any]], kind: str) -> float:
    if kind == "total":
        return round(float(sum(r["target"] for r in rows)), 4)
    weights = [_weight(r) for r in rows]
    if sum(weights) <= 0:
        weights = [1.0] * len(rows)
    weighted = sum(w * float(r["target"]) for w, r in zip(weights, rows, strict=True))
    return round(weighted / sum(weights), 4)


def _combine(key: str, kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    details = [r.get("detail") or {} for r in rows]
    simulated = any(r["simulated"] for r in rows)
    if kind == "change":
        return change_figure(
            key,
            sum(int(d.get("last_year", 0)) for d in details),
            sum(int(d.get("count", 0)) for d in details),
            simulated,
            None,
        )
    if key == "focus_visibility":
        places = {p["id"]: p for d in details for p in d.get("places", [])}
        seen = sum(p["seen_hours"] for p in places.values())
        hours = sum(p["hours"] for p in places.values())
        if not hours or not any(d.get("positions") for d in details):
            return figure_body(key, interval_reason=rows[0]["interval_reason"], simulated=simulated)
        out = share_figure(key, round(seen), round(hours), simulated, None)
        out["value"] = round(seen / hours, 4)
        out["detail"].update(seen_hours=round(seen, 2), hours=round(hours, 2))
        return out
    if kind in ("share", "census"):
        k = sum(int(d.get("k", 0)) for d in details)
        n = sum(int(d.get("n", 0)) for d in details)
        if kind == "share":
            return share_figure(key, k, n, simulated, None)
        return figure_body(
            key,
            value=None if n == 0 else round(k / n, 4),
            interval_reason="every registered room is counted (no sample)",
            detail={"k": k, "n": n},
        )
    if kind == "ratio":
        now = sum(int(d.get("losses_yuan", 0)) for d in details)
        then = sum(int(d.get("last_year_yuan", 0)) for d in details)
        return figure_body(
            key,
            value=None if then == 0 else round(now / then - 1, 4),
            interval_reason="a sum of yuan is no Poisson count: no interval",
            simulated=simulated,
            detail={"losses_yuan": now, "last_year_yuan": then},
        )
    values = [r["value"] for r in rows if r["value"] is not None]
    return figure_body(
        key,
        value=round(sum(values), 1) if values else None,
        interval_reason=rows[0]["interval_reason"],
        simulated=simulated,
    )


def rollup(
    rows: list[dict[str, Any]], elapsed: int, total_days: int, ended: bool
) -> list[dict[str, Any]]:
    """One roll-up row per (figure, direction) among the measured target rows."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if "kind" in row:
            groups[(row["figure"], row["direction"])].append(row)
    out = []
    for (key, direction), members in groups.items():
        kind = members[0]["kind"]
        figure = _combine(key, kind, members)
        target = _target(members, kind)
        projection = project(figure, elapsed, total_days)
        out.append(
            {
                "figure": key,
                "name_zh": figure["name_zh"],
                "name_en": figure["name_en"],
                "kind": kind,
                "direction": direction,
                "target": target,
                "jurisdictions": [m["jurisdiction"] for m in members],
                "value": figure["value"],
                "interval": figure["interval"],
                "interval_reason": None if figure["interval"] else figure["interval_reason"],
                "projection": projection,
                "verdict": judge(projection, direction, target, ended),
                "simulated": figure["simulated"],
                "detail": figure["detail"],
                "parts": [
                    {
                        "jurisdiction": m["jurisdiction"],
                        "value": m["value"],
                        "target": m["target"],
                        "verdict": m["verdict"],
                        "query": m["query"],
                    }
                    for m in members
                ],
            }
        )
    return out
