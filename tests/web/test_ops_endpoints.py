"""Operations: liveness, readiness, Prometheus metrics, JSON logs with a request id and no
personal data, and the jobs API's access rules (real app, real database, real worker)."""

from __future__ import annotations

import io
import json
import logging

from sqlalchemy import select

from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.logs import JsonFormatter
from support.app import seeded_client, token_for
from support.jobs import job_worker

#: A citizen's report with a name and a mobile number in it.
NAME = "王小明"
PHONE = "13912345678"
REPORT = {
    "description": f"我叫{NAME}，电动车在楼下被偷了，电话{PHONE}",
    "reporter_name": NAME,
    "reporter_phone": PHONE,
}


def test_healthz_readyz_and_metrics(settings: Settings) -> None:
    client = seeded_client(settings)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) == {"database", "migrations", "queue"}
    assert all(check["ok"] for check in checks.values())
    client.get("/api/v1/jobs/123", headers=token_for(client, settings, "chief_a"))
    text = client.get("/metrics").text
    # the route's template, never the filled-in path
    assert 'route="/api/v1/jobs/{job_id}"' in text
    assert "/api/v1/jobs/123" not in text
    assert 'pingan_jobs{status="queued"}' in text
    assert "pingan_events_pushed_total" in text


def test_json_logs_carry_a_request_id_and_no_personal_data(settings: Settings) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        client = seeded_client(settings)
        headers = token_for(client, settings, "citizen")
        created = client.post(
            "/api/v1/reports", json=REPORT, headers={**headers, "X-Request-ID": "trace-42"}
        )
        assert created.status_code == 201, created.text
        assert created.headers["x-request-id"] == "trace-42"
        assert len(client.get("/healthz").headers["x-request-id"]) == 32  # a fresh one
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line.get("request_id") == "trace-42"]
    assert any(
        line["msg"] == "request" and line["status"] == 201 and line["route"] == "/api/v1/reports"
        for line in mine
    )
    output = stream.getvalue()
    # the name, the number and its first digits (not "138" alone: a random request id may
    # hold those three digits), the report's words
    for personal in (NAME, PHONE, PHONE[:7], "电动车"):
        assert personal not in output


def test_jobs_api_reach_cancel_and_audit(settings: Settings) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    body = {"city": "helsinki", "station_code": "station-a", "groups": 2, "time_limit_s": 5}
    started = client.post("/api/v1/plans", headers=chief, json=body)
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["status"], job["kind"], job["started_by"]) == ("queued", "plan.solve", "chief_a")
    # another station's chief neither sees nor cancels it; a bad request never queues
    other = token_for(client, settings, "chief_b")
    assert client.get(job["url"], headers=other).status_code == 404
    assert client.post(job["url"] + "/cancel", headers=other).status_code == 404
    assert client.get("/api/v1/jobs", headers=other).json() == []
    bad = client.post("/api/v1/plans", headers=chief, json={**body, "shift": "25:00-02:00"})
    assert bad.status_code == 422, bad.text
    assert [j["id"] for j in client.get("/api/v1/jobs", headers=chief).json()] == [job["id"]]
    cancelled = client.post(job["url"] + "/cancel", headers=chief)
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(job["url"] + "/cancel", headers=chief).status_code == 409
    with job_worker(settings):  # a worker takes the cancelled job's message and skips it
        pass
    assert client.get(job["url"], headers=chief).json()["status"] == "cancelled"
    with unit_of_work(make_session_factory(make_engine(settings.database_url))) as db_session:
        actions = set(
            db_session.scalars(
                select(AuditEvent.action).where(AuditEvent.object_type == "job")
            ).all()
        )
    assert actions == {"job.start", "job.cancel"}
