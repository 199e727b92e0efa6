"""The brief and the closing report as background jobs: 202 with the job, a real worker
writes the text, HTML and PDF, the job's result serves them to its station only; the
morning scheduler queues the day's briefs the same way."""

from __future__ import annotations

import datetime as dt

from pingan.campaigns.schedule import briefs_due, start_brief_scheduler
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from support.app import seeded_client, token_for
from support.jobs import follow, job_worker

CAMPAIGN = {
    "name": "夜市整治",
    "from": "2026-06-01",
    "to": "2026-09-08",
    "jurisdictions": ["station-a"],
}


def test_brief_and_report_are_jobs_whose_documents_only_their_station_reads(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    created = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=chief)
    assert created.status_code == 201, created.text
    campaign = created.json()["id"]

    # bad requests are refused at once, and queue nothing
    assert (
        client.post(f"/api/v1/campaigns/{campaign}/brief", json={}, headers=chief).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/campaigns/{campaign}/brief", json={"date": "2026-07-15", "lang": "fr"},
            headers=chief,
        ).status_code
        == 422
    )  # fmt: skip
    other = token_for(client, settings, "chief_b")
    refused = client.post(
        f"/api/v1/campaigns/{campaign}/brief", json={"date": "2026-07-15"}, headers=other
    )
    assert refused.status_code == 404, refused.text
    analyst = token_for(client, settings, "analyst")
    assert (
        client.post(f"/api/v1/campaigns/{campaign}/report", json={}, headers=analyst).status_code
        == 403
    )
    assert client.get("/api/v1/jobs", headers=chief).json() == []

    brief = client.post(
        f"/api/v1/campaigns/{campaign}/brief", json={"date": "2026-07-15"}, headers=chief
    )
    report = client.post(f"/api/v1/campaigns/{campaign}/report", json={"lang": "en"}, headers=chief)
    assert (brief.status_code, report.status_code) == (202, 202), (brief.text, report.text)
    assert brief.headers["location"] == f"/api/v1/jobs/{brief.json()['id']}"
    assert brief.json()["kind"] == "campaign.brief"
    # not written yet: the document is not there
    early = client.get(
        f"/api/v1/campaigns/{campaign}/documents/{brief.json()['id']}", headers=chief
    )
    assert early.status_code == 409, early.text

    with job_worker(settings):
        brief_state = follow(client, chief, brief.headers["location"])
        report_state = follow(client, chief, report.headers["location"])
    assert (brief_state["status"], report_state["status"]) == ("done", "done"), (
        brief_state,
        report_state,
    )
    url = brief_state["result_url"]
    assert url == f"/api/v1/campaigns/{campaign}/documents/{brief.json()['id']}"
    pdf = client.get(url, headers=chief)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = client.get(url + "?format=text", headers=chief)
    assert text.text.startswith("夜市整治每日通报（2026-07-15）")
    # the same words the brief's own route gives for that day
    direct = client.get(
        f"/api/v1/campaigns/{campaign}/brief?date=2026-07-15&format=text", headers=chief
    )
    assert text.text == direct.text
    html = client.get(url + "?format=html", headers=chief)
    assert html.headers["content-type"].startswith("text/html")
    assert "<script" not in html.text
    report_text = client.get(report_state["result_url"] + "?format=text", headers=chief)
    assert report_text.status_code == 200
    assert "夜市整治" in report_text.text
    # another station's chief reads neither the job nor its document
    assert client.get(url, headers=other).status_code == 404
    assert client.get(url + "?format=exe", headers=chief).status_code == 422


def test_the_morning_scheduler_queues_the_briefs_a_worker_writes(settings: Settings) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    created = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=chief)
    assert created.status_code == 201, created.text
    factory = make_session_factory(make_engine(settings.effective_database_url))
    queued = briefs_due(factory, settings, dt.date(2026, 7, 16))
    assert len(queued) == 1
    assert briefs_due(factory, settings, dt.date(2026, 10, 1)) == []  # the campaign is over
    with job_worker(settings):
        state = follow(client, chief, f"/api/v1/jobs/{queued[0]}")
    assert state["status"] == "done", state
    assert state["started_by"] == "scheduler"
    text = client.get(state["result_url"] + "?format=text", headers=chief)
    assert text.text.startswith("夜市整治每日通报（2026-07-15）")
    # no hour configured: no thread
    _stop, thread = start_brief_scheduler(lambda _s: factory, settings)
    assert thread is None
