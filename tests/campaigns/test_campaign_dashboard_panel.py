"""The chief's dashboard opens on the campaign's progress; a campaign's and a focus
place's names are shown as text, never as markup (stored XSS)."""

from __future__ import annotations

from pingan.config import Settings
from support.app import seeded_client, token_for
from support.pages import page_login

PAYLOAD = '<img src=x onerror="alert(1)">夏季行动'


def test_dashboard_opens_on_campaign_progress(settings: Settings) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    created = client.post(
        "/api/v1/campaigns",
        json={
            "name": PAYLOAD,
            "from": "2026-06-01",
            "to": "2026-09-08",
            "jurisdictions": ["station-a"],
            "focus_places": [
                {
                    "name": PAYLOAD,
                    "lat": 60.17,
                    "lon": 24.948,
                    "hours_from": "20:00",
                    "hours_to": "02:00",
                }
            ],
            "targets": [
                {
                    "jurisdiction": "station-a",
                    "figure": "incidents_yoy",
                    "direction": "<=",
                    "value": -0.05,
                }
            ],
        },
        headers=chief,
    )
    assert created.status_code == 201, created.text
    place = created.json()["focus_places"][0]
    assert place["crosses_midnight"] is True
    assert place["hours"] == "20:00–02:00"
    # the analyst reads campaigns; a dispatcher does not
    analyst = token_for(client, settings, "analyst")
    assert client.get("/api/v1/campaigns", headers=analyst).status_code == 200
    dispatcher = token_for(client, settings, "dispatcher_a")
    assert client.get("/api/v1/campaigns", headers=dispatcher).status_code == 403
    # chief B does not see station A's campaign
    chief_b = token_for(client, settings, "chief_b")
    assert client.get("/api/v1/campaigns", headers=chief_b).json() == []

    campaign_id = created.json()["id"]
    for url, params, status in (
        (f"/api/v1/campaigns/{campaign_id}/brief", {"date": "1900-01-01"}, 422),
        (f"/api/v1/campaigns/{campaign_id}/brief", {"date": "2026-07-15", "lang": "fr"}, 422),
        (f"/api/v1/campaigns/{campaign_id}/brief", {"date": "2026-07-15", "format": "doc"}, 422),
        ("/api/v1/campaigns/999/progress", {}, 404),
        (f"/api/v1/campaigns/{campaign_id}/report", {"format": "text"}, 200),
    ):
        answer = client.get(url, params=params, headers=chief)
        assert answer.status_code == status, (url, answer.text)
    foreign = client.get(f"/api/v1/campaigns/{campaign_id}/progress", headers=chief_b)
    assert foreign.status_code == 404
    outside = client.get(
        f"/api/v1/campaigns/{campaign_id}/brief", params={"date": "2026-10-01"}, headers=chief
    ).json()
    assert outside["sections"] == []
    assert "不在行动期间" in outside["note"]

    assert page_login(client, settings, "chief_a") == "/dashboard"
    page = client.get("/dashboard", params={"days": 7})
    assert page.status_code == 200
    html = page.text
    assert html.index("data-campaign=") < html.index('class="dash"')
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
    assert 'data-verdict="' in html
