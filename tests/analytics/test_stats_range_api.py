"""Statistics and report date ranges are bounded: 1970-01-01 … 2100-12-31, at most 3,660 days."""

from __future__ import annotations

BAD = [
    ("from=0001-01-01&to=2025-06-10", "from"),
    ("from=1969-12-31&to=1970-01-10", "from"),
    ("from=2025-06-01&to=9999-12-31", "to"),
    ("from=2100-12-31&to=2101-01-01", "to"),
    ("from=1970-01-01&to=2100-12-31", "to"),  # 47,846 days
    ("from=2000-01-01&to=2010-01-09", "to"),  # 3,661 days
    ("from=2025-06-10&to=2025-06-01", "to"),
]


def test_out_of_range_dates_answer_422(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    for path in ("stats", "report.pdf", "report/types.png"):
        for query, field in BAD:
            response = client.get(f"/api/v1/analytics/{path}?{query}", headers=headers["analyst"])
            assert response.status_code == 422, (path, query, response.text)
            assert response.json()["field"] == field, (path, query)


def test_edges_of_the_range_are_accepted(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    for query in (
        "from=1970-01-01&to=1970-01-01",
        "from=2100-12-31&to=2100-12-31",
        "from=2000-01-01&to=2010-01-08",  # exactly 3,660 days
    ):
        response = client.get(f"/api/v1/analytics/stats?{query}", headers=headers["analyst"])
        assert response.status_code == 200, (query, response.text)
        assert response.json()["total"]["count"] == 0
