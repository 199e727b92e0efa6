"""Lifecycle (valid steps, 409 for the rest), notes, merge/split, and live changes."""

from __future__ import annotations

from incidents_helpers import IN_A, IN_B, Env


def _report(env: Env, text: str, point: tuple[float, float] = IN_A) -> dict:
    response = env.client.post(
        "/api/v1/reports",
        json={"description": text, "lat": point[0], "lon": point[1]},
        headers=env.headers("citizen"),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_lifecycle_steps_and_invalid_transitions(env: Env) -> None:
    created = _report(env, "幸福路菜市场门口有人打架 有人受伤了")
    chief = env.headers("chief_a")
    url = f"/api/v1/incidents/{created['id']}"
    wrong = env.client.post(f"{url}/transition", json={"status": "on_scene"}, headers=chief)
    assert wrong.status_code == 409
    assert "received cannot become on_scene" in wrong.json()["detail"]
    for status in ("confirmed", "dispatched", "on_scene", "resolved", "closed"):
        step = env.client.post(
            f"{url}/transition", json={"status": status, "note": f"now {status}"}, headers=chief
        )
        assert step.status_code == 200, step.text
        assert step.json()["status"] == status
    reopened = env.client.post(f"{url}/transition", json={"status": "confirmed"}, headers=chief)
    assert reopened.status_code == 409
    assert "allowed: none" in reopened.json()["detail"]

    note = env.client.post(f"{url}/notes", json={"text": "回访：当事人已和解"}, headers=chief)
    assert note.status_code == 201
    notes = env.client.get(f"{url}/notes", headers=chief).json()
    assert [n["to_status"] for n in notes if n["kind"] == "status"] == [
        "confirmed",
        "dispatched",
        "on_scene",
        "resolved",
        "closed",
    ]
    assert notes[-1]["text"] == "回访：当事人已和解"
    assert notes[-1]["author"] == "chief_a"
    page = env.client.get(f"/api/v1/reports/{created['public_token']}").json()
    assert page["status"] == "closed"
    assert len(page["history"]) == 5


def test_who_may_change_an_incident(env: Env) -> None:
    in_b = _report(env, "西湖边有人吵架", IN_B)
    in_a = _report(env, "东街有人吵架")
    body = {"status": "confirmed"}
    officer = env.headers("officer_a")
    assert (
        env.client.post(
            f"/api/v1/incidents/{in_b['id']}/transition", json=body, headers=officer
        ).status_code
        == 404
    )
    analyst = env.headers("analyst")
    assert (
        env.client.post(
            f"/api/v1/incidents/{in_a['id']}/transition", json=body, headers=analyst
        ).status_code
        == 403
    )
    done = env.client.post(f"/api/v1/incidents/{in_a['id']}/transition", json=body, headers=officer)
    assert done.status_code == 200


def test_merge_and_split(env: Env) -> None:
    first = _report(env, "锦绣花园3栋楼下的电动车被偷了 黑色爱玛")
    second = _report(env, "我看见有人在锦绣花园3栋推走一辆黑色电动车")
    third = _report(env, "锦绣花园电动车被偷 爱玛的")
    chief = env.headers("chief_a")
    merged = env.client.post(
        f"/api/v1/incidents/{first['id']}/merge",
        json={"other_ids": [second["id"], third["id"]], "note": "同一起"},
        headers=chief,
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["report_count"] == 3
    other = env.client.get(f"/api/v1/incidents/{second['id']}", headers=chief).json()
    assert other["status"] == "duplicate"
    assert other["duplicate_of_id"] == first["id"]
    assert other["report_count"] == 0
    again = env.client.post(
        f"/api/v1/incidents/{first['id']}/merge", json={"other_ids": [second["id"]]}, headers=chief
    )
    assert again.status_code == 409
    itself = env.client.post(
        f"/api/v1/incidents/{first['id']}/merge", json={"other_ids": [first["id"]]}, headers=chief
    )
    assert itself.status_code == 422

    reports = env.client.get(f"/api/v1/incidents/{first['id']}/reports", headers=chief).json()
    assert len(reports) == 3
    moving = reports[2]["id"]
    split = env.client.post(
        f"/api/v1/incidents/{first['id']}/split", json={"report_ids": [moving]}, headers=chief
    )
    assert split.status_code == 201, split.text
    new = split.json()
    assert new["report_count"] == 1
    assert new["description"] == "锦绣花园电动车被偷 爱玛的"
    assert new["items"][0]["brand"] == "爱玛"
    source = env.client.get(f"/api/v1/incidents/{first['id']}", headers=chief).json()
    assert source["report_count"] == 2
    all_out = env.client.post(
        f"/api/v1/incidents/{first['id']}/split",
        json={"report_ids": [r["id"] for r in reports[:2]]},
        headers=chief,
    )
    assert all_out.status_code == 409
    foreign = env.client.post(
        f"/api/v1/incidents/{first['id']}/split", json={"report_ids": [moving]}, headers=chief
    )
    assert foreign.status_code == 422
    assert "do not belong" in foreign.json()["detail"]


def test_changes_since_follows_updates(env: Env) -> None:
    chief = env.headers("chief_a")
    start = env.client.get("/api/v1/incidents/changes", headers=chief).json()
    assert start["items"] == []
    created = _report(env, "东街18号KTV太吵了")
    _report(env, "西湖边有人吵架", IN_B)  # station B: not in chief A's stream
    first = env.client.get(
        "/api/v1/incidents/changes", params={"cursor": start["cursor"]}, headers=chief
    ).json()
    assert [i["id"] for i in first["items"]] == [created["id"]]
    quiet = env.client.get(
        "/api/v1/incidents/changes", params={"cursor": first["cursor"]}, headers=chief
    ).json()
    assert quiet["items"] == []
    env.client.post(
        f"/api/v1/incidents/{created['id']}/transition",
        json={"status": "confirmed"},
        headers=chief,
    )
    later = env.client.get(
        "/api/v1/incidents/changes", params={"cursor": first["cursor"]}, headers=chief
    ).json()
    assert [(i["id"], i["status"]) for i in later["items"]] == [(created["id"], "confirmed")]


def test_list_filters_and_paging(env: Env) -> None:
    for text in ("东街有人打架", "东街18号KTV太吵了", "有人打架了 东街路口"):
        _report(env, text)
    chief = env.headers("chief_a")
    fights = env.client.get("/api/v1/incidents", params={"type": "assault"}, headers=chief).json()
    assert fights["total"] == 2
    page = env.client.get("/api/v1/incidents", params={"limit": 2}, headers=chief).json()
    assert (page["total"], len(page["items"])) == (3, 2)
    rest = env.client.get(
        "/api/v1/incidents", params={"limit": 2, "offset": 2}, headers=chief
    ).json()
    assert len(rest["items"]) == 1
    closed = env.client.get("/api/v1/incidents", params={"status": "closed"}, headers=chief)
    assert closed.json()["total"] == 0
    foreign = env.client.get(
        "/api/v1/incidents", params={"jurisdiction": "station-b"}, headers=chief
    )
    assert foreign.status_code == 404
    bad = env.client.get("/api/v1/incidents", params={"since": "yesterday"}, headers=chief)
    assert bad.status_code == 422
