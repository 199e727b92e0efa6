"""Open311 API keys in the ``X-API-Key`` header: a client can keep its key out of URLs
(and so out of access logs) for every route that needs one."""

from __future__ import annotations

from urllib.parse import urlencode

from incidents_helpers import IN_A, Env

from pingan.incidents import open311

FORM = "application/x-www-form-urlencoded"


def _key(env: Env, name: str = "city-app") -> str:
    with env.session() as session:
        key, _row = open311.create_key(session, name, "station-a")
    return key


def _fields() -> dict[str, str]:
    return {
        "service_code": "noise",
        "lat": str(IN_A[0]),
        "long": str(IN_A[1]),
        "description": "楼下KTV太吵了",
    }


def _post(env: Env, fields: dict[str, str], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return env.client.post(
        "/open311/v2/requests.json",
        content=urlencode(fields).encode("ascii"),
        headers={"Content-Type": FORM, **headers},
    )


def test_header_key_posts_lists_and_reads(env: Env) -> None:
    key = _key(env)
    posted = _post(env, _fields(), {"X-API-Key": key})
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]
    assert env.counts()["incident"] == 1

    listed = env.client.get("/open311/v2/requests.json", headers={"X-API-Key": key})
    assert listed.status_code == 200
    assert [r["service_request_id"] for r in listed.json()] == [request_id]
    [read] = env.client.get(
        f"/open311/v2/requests/{request_id}.json", headers={"x-api-key": key}
    ).json()
    assert read["service_code"] == "noise"

    # another client's key in the header reads none of it
    other = _key(env, "other-app")
    missing = env.client.get(
        f"/open311/v2/requests/{request_id}.json", headers={"X-API-Key": other}
    )
    assert missing.status_code == 404
    assert env.client.get("/open311/v2/requests.json", headers={"X-API-Key": other}).json() == []


def test_wrong_or_conflicting_header_key_is_refused(env: Env) -> None:
    key = _key(env)
    wrong = _post(env, _fields(), {"X-API-Key": "o311_wrong"})
    assert wrong.status_code == 403
    assert "api_key is invalid" in wrong.json()[0]["description"]

    # a valid parameter does not rescue a different header key, nor the reverse
    conflicting = _post(env, {**_fields(), "api_key": key}, {"X-API-Key": "o311_wrong"})
    assert conflicting.status_code == 400
    assert "differ" in conflicting.json()[0]["description"]
    listed = env.client.get(
        "/open311/v2/requests.json", params={"api_key": "o311_wrong"}, headers={"X-API-Key": key}
    )
    assert listed.status_code == 400
    assert env.counts()["incident"] == 0

    # the same key in both places is one key
    same = _post(env, {**_fields(), "api_key": key}, {"X-API-Key": key})
    assert same.status_code == 201, same.text


def test_no_key_at_all_is_refused(env: Env) -> None:
    response = _post(env, _fields(), {})
    assert response.status_code == 403
    assert response.json()[0]["description"] == "api_key is required"
    assert env.client.get("/open311/v2/requests.json").status_code == 403
