"""Open311 GeoReport v2: a client lists services, posts a request, resolves its token
and reads it back; errors come as the spec's JSON array; nothing half-stored."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from incidents_helpers import IN_A, OUTSIDE, Env

from pingan.incidents import open311

FORM = "application/x-www-form-urlencoded"


def _key(env: Env, name: str = "city-app", where: str = "station-a") -> str:
    with env.session() as session:
        key, _row = open311.create_key(session, name, where)
    return key


def _post(env: Env, fields: dict[str, str] | bytes):  # type: ignore[no-untyped-def]
    body = fields if isinstance(fields, bytes) else urlencode(fields).encode("ascii")
    return env.client.post(
        "/open311/v2/requests.json", content=body, headers={"Content-Type": FORM}
    )


def test_client_flow(env: Env) -> None:
    discovery = env.client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")
    services = env.client.get("/open311/v2/services.json").json()
    assert len(services) == 17
    assert {"service_code": "theft.ebike", "group": "theft"}.items() <= services[0].items()
    definition = env.client.get("/open311/v2/services/theft.ebike.json").json()
    codes = [a["code"] for a in definition["attributes"]]
    assert codes == ["occurred_at", "item_brand", "item_colour", "plate", "value_yuan"]
    fraud = env.client.get("/open311/v2/services/fraud.json").json()
    assert len(fraud["attributes"][1]["values"]) == 10

    key = _key(env)
    posted = _post(
        env,
        {
            "api_key": key,
            "service_code": "theft.ebike",
            "lat": str(IN_A[0]),
            "long": str(IN_A[1]),
            "description": "电动车在楼下被偷了",
            "first_name": "三",
            "last_name": "张",
            "phone": "13812345678",
            "attribute[item_brand]": "雅迪",
            "attribute[item_colour]": "green",
            "attribute[value_yuan]": "2600",
        },
    )
    assert posted.status_code == 201, posted.text
    [answer] = posted.json()
    token = answer["token"]
    resolved = env.client.get(f"/open311/v2/tokens/{token}.json").json()
    assert resolved == [{"service_request_id": answer["service_request_id"], "token": token}]
    request_id = answer["service_request_id"]
    [read] = env.client.get(
        f"/open311/v2/requests/{request_id}.json", params={"api_key": key}
    ).json()
    assert read["status"] == "open"
    assert read["service_code"] == "theft.ebike"
    assert (read["lat"], read["long"]) == IN_A
    assert read["description"] == "电动车在楼下被偷了"
    listed = env.client.get(
        "/open311/v2/requests.json", params={"api_key": key, "status": "open"}
    ).json()
    assert [r["service_request_id"] for r in listed] == [request_id]
    closed = env.client.get(
        "/open311/v2/requests.json", params={"api_key": key, "status": "closed"}
    ).json()
    assert closed == []
    by_code = env.client.get(
        "/open311/v2/requests.json", params={"api_key": key, "service_code": "noise"}
    ).json()
    assert by_code == []
    # an officer sees the stolen e-bike and the reporter
    incident = env.client.get(
        f"/api/v1/incidents/{request_id}", headers=env.headers("chief_a")
    ).json()
    assert incident["channel"] == "open311"
    assert incident["reporter_name"] == "张 三"
    assert incident["items"][0] == {
        "kind": "ebike",
        "brand": "雅迪",
        "colour": "green",
        "plate": None,
        "frame_number": None,
        "count": 1,
        "value_yuan": 2600,
    }
    # another client's key does not read this one's requests
    other = _key(env, "other-app")
    missing = env.client.get(f"/open311/v2/requests/{request_id}.json", params={"api_key": other})
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def _base(key: str) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "noise",
        "lat": str(IN_A[0]),
        "long": str(IN_A[1]),
        "description": "楼下KTV太吵了",
    }


BAD = [
    ({"api_key": "wrong"}, 403, "api_key is invalid"),
    ({"service_code": "spaceship"}, 400, "unknown service code 'spaceship'"),
    ({"description": ""}, 400, "the text is empty"),
    ({"description": "吵" * 4001}, 400, "at most 4000"),
    ({"description": "🔊🔊🔊😤"}, 400, "no words"),
    ({"lat": str(OUTSIDE[0]), "long": str(OUTSIDE[1])}, 400, "outside the city"),
    ({"lat": "north"}, 400, "lat must be a number"),
]


@pytest.mark.parametrize(("change", "status", "reason"), BAD, ids=[r for *_, r in BAD])
def test_bad_requests_answer_the_open311_error_format(
    env: Env, change: dict[str, str], status: int, reason: str
) -> None:
    response = _post(env, {**_base(_key(env)), **change})
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status
    assert reason in error["description"]
    assert set(env.counts().values()) == {0}


def test_invalid_utf8_and_wrong_content_type(env: Env) -> None:
    key = _key(env)
    raw = urlencode({**_base(key), "description": "X"}).encode().replace(b"=X", b"=%FF%FE")
    response = _post(env, raw)
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "the request body is not valid UTF-8"}]
    as_json = env.client.post("/open311/v2/requests.json", json=_base(key))
    assert as_json.status_code == 400
    assert "form-encoded" in as_json.json()[0]["description"]
    unknown = env.client.get("/open311/v2/services/spaceship.json")
    assert unknown.status_code == 404
    assert unknown.json()[0]["description"].startswith("service_code: unknown service code")
    assert env.client.get("/open311/v2/tokens/nope.json").status_code == 404
    assert set(env.counts().values()) == {0}
