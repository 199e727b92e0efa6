"""Counts, 环比 and 同比 with the exact Poisson test, checked by hand.

This period is 1–10 June 2025 (10 days); the period before is 22–31 May; the same period
last year 1–10 June 2024. Totals 6, 8 and 3:

- 环比: 6 against 8, n = 14, p0 = 1/2: outcomes as unlikely as 6 are 0..6 and 8..14, so
  p = 2 · (1 + 14 + 91 + 364 + 1001 + 2002 + 3003) / 2^14 = 12952 / 16384 = 0.7905;
- 同比: 6 against 3, n = 9: outcomes 0..3 and 6..9, p = 2 · (1 + 9 + 36 + 84) / 512 = 0.5078;
- e-bike thefts 4 against 8 (n = 12): p = 2 · (1 + 12 + 66 + 220 + 495) / 4096 = 0.3877.
"""

from __future__ import annotations

import re

import pytest

from analytics.conftest import EAST, file_incident

WEST = (60.1700, 24.9380)  # station B


def _history(client, desk, chief_b) -> None:  # type: ignore[no-untyped-def]
    def add(kind: str, day: str, where=EAST, headers=desk) -> int:  # type: ignore[no-untyped-def]
        return file_incident(
            client,
            headers,
            incident_type=kind,
            at=f"{day}T12:00:00+08:00",
            lat=where[0],
            lon=where[1],
        )

    for day in ("2025-06-01", "2025-06-03", "2025-06-05", "2025-06-10"):
        add("theft.ebike", day)
    add("assault", "2025-06-02")
    add("assault", "2025-06-09", WEST, chief_b)
    add("theft.ebike", "2025-06-11")  # the day after the period
    rejected = add("theft.ebike", "2025-06-04")
    moved = client.post(
        f"/api/v1/incidents/{rejected}/transition", json={"status": "rejected"}, headers=desk
    )
    assert moved.status_code == 200, moved.text
    for day in range(22, 30):
        add("theft.ebike", f"2025-05-{day}")
    add("theft.ebike", "2024-06-01")
    add("theft.ebike", "2024-06-10")
    add("assault", "2024-06-05")


def test_stats_by_type_and_station(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    _history(client, headers["dispatcher_a"], headers["chief_b"])
    url = "/api/v1/analytics/stats?from=2025-06-01&to=2025-06-10"
    response = client.get(url + "&group_by=type", headers=headers["analyst"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["periods"]["previous"] == {"from": "2025-05-22", "to": "2025-05-31"}
    assert body["periods"]["last_year"] == {"from": "2024-06-01", "to": "2024-06-10"}
    total = body["total"]
    assert (total["count"], total["previous"], total["last_year"]) == (6, 8, 3)
    assert total["period_over_period"]["change"] == pytest.approx(-0.25)
    assert total["period_over_period"]["p_value"] == pytest.approx(12952 / 16384, abs=1e-6)
    assert total["period_over_period"]["verdict"] == "−25% is within chance (p = 0.79)"
    assert total["year_over_year"]["change"] == pytest.approx(1.0)
    assert total["year_over_year"]["p_value"] == pytest.approx(260 / 512, abs=1e-6)
    assert total["year_over_year"]["significant"] is False
    groups = {g["key"]: g for g in body["groups"]}
    assert list(groups) == ["theft.ebike", "assault"]
    ebike = groups["theft.ebike"]
    assert (ebike["count"], ebike["previous"], ebike["last_year"]) == (4, 8, 2)
    assert ebike["name_zh"] == "电动车被盗"
    assert ebike["period_over_period"]["p_value"] == pytest.approx(1588 / 4096, abs=1e-6)
    assert ebike["period_over_period"]["verdict"] == "−50% is within chance (p = 0.39)"
    assault = groups["assault"]
    assert (assault["count"], assault["previous"], assault["last_year"]) == (2, 0, 1)
    assert assault["year_over_year"]["p_value"] == pytest.approx(1.0)

    by_station = client.get(url + "&group_by=station", headers=headers["analyst"]).json()
    counts = {g["key"]: (g["count"], g["previous"], g["last_year"]) for g in by_station["groups"]}
    assert counts == {"station-a": (5, 8, 3), "station-b": (1, 0, 0)}
    # a station chief counts only the station's own incidents
    own = client.get(url, headers=headers["chief_a"]).json()
    assert own["total"]["count"] == 5
    assert client.get(url, headers=headers["dispatcher_a"]).status_code == 403
    bad = client.get(
        "/api/v1/analytics/stats?from=2025-06-10&to=2025-06-01", headers=headers["analyst"]
    )
    assert bad.status_code == 422


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_report_pdf_and_charts(api, lang: str) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    _history(client, headers["dispatcher_a"], headers["chief_b"])
    query = f"from=2025-06-01&to=2025-06-10&lang={lang}"
    pdf = client.get(f"/api/v1/analytics/report.pdf?{query}", headers=headers["analyst"])
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert _pages(pdf.content) == 4
    png = client.get(f"/api/v1/analytics/report/types.png?{query}", headers=headers["analyst"])
    assert png.status_code == 200, png.text
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert (
        client.get(
            f"/api/v1/analytics/report/pie.png?{query}", headers=headers["analyst"]
        ).status_code
        == 422
    )
    assert (
        client.get(
            f"/api/v1/analytics/report.pdf?{query}", headers=headers["dispatcher_a"]
        ).status_code
        == 403
    )
