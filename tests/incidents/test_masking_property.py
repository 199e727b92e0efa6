"""Property: phone, ID and card numbers in their common written forms, inside random Chinese
text, stored through the real API in a report's description, the reporter's name and phone,
an officer's note and the public status note, never come back to the analyst (no right to
personal data) or to an Open311 client, on any read path. One app per test; the examples
share it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from incidents_helpers import IN_A, Env

from pingan.incidents import open311

FORM = "application/x-www-form-urlencoded"
SURNAMES = "赵钱孙李周吴郑王冯陈欧阳"
GIVEN = "伟芳娜敏静丽强磊洋艳杰"
# words without the names' characters, digits, Latin letters or cue words
WORDS_TEXT = (
    "电动车 被偷 了 楼下 小区 门口 昨天 晚上 今天 早上 有人 打架 骗子 转账 请 帮忙 处理 谢谢"
    " 联系 电话 身份证 银行卡 号码 我的 手机 丢失 在 和 是"
)
WORDS = WORDS_TEXT.split()
FULL_WIDTH = str.maketrans("0123456789()-", "０１２３４５６７８９（）－")


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(how it is written, the digits that must stay hidden)."""
    number = draw(st.sampled_from(["13", "15", "17", "18", "19"])) + draw(_digits(9))
    a, b, c = number[:3], number[3:7], number[7:]
    sep = draw(st.sampled_from([" ", "-", "."]))
    written = draw(
        st.sampled_from(
            [
                number,
                f"{a}{sep}{b}{sep}{c}",
                f"({a}){b}-{c}",
                f"+86 {a} {b} {c}",
                f"+86{number}",
                f"0086-{number}",
                f"+86({a}){b}{sep}{c}",
                number.translate(FULL_WIDTH),
            ]
        )
    )
    return written, number[3:]


@st.composite
def landlines(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(["010", "021", "0755", "0571"]))
    local = draw(st.sampled_from("23456789")) + draw(_digits(7))
    written = draw(
        st.sampled_from(
            [
                f"{area}-{local}",
                f"{area} {local[:4]} {local[4:]}",
                f"({area}){local[:4]}-{local[4:]}",
                f"+86 {area[1:]} {local}",
            ]
        )
    )
    return written, area + local


@st.composite
def id_numbers(draw: st.DrawFn) -> tuple[str, str]:
    region = draw(st.sampled_from("123456")) + draw(_digits(5))
    year = draw(st.integers(1940, 2010))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    tail = draw(_digits(3)) + draw(st.sampled_from("0123456789X"))
    number = f"{region}{year}{month:02d}{day:02d}{tail}"
    written = draw(
        st.sampled_from([number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}"])
    )
    return written, number[:-4]


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str]:
    number = "62" + draw(_digits(draw(st.integers(14, 17))))
    sep = draw(st.sampled_from(["", " ", "-"]))
    written = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    return written, number[:-4]


def _text(draw: st.DrawFn, pieces: list[str]) -> str:
    out = []
    for piece in pieces:
        out.append("".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))))
        out.append(piece)
    out.append("".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))))
    return "，".join(out) if draw(st.booleans()) else "".join(out)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    numbers = draw(
        st.lists(st.one_of(mobiles(), landlines(), id_numbers(), cards()), min_size=1, max_size=3)
    )
    phone_written, phone_hidden = draw(mobiles())
    name = draw(st.sampled_from(SURNAMES)) + "".join(
        draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=3))
    )
    return {
        "description": _text(draw, [w for w, _ in numbers]),
        "note": _text(draw, [w for w, _ in reversed(numbers)]),
        "public": _text(draw, [numbers[0][0]]),
        "name": name,
        "phone": phone_written,
        "hidden": [h for _, h in numbers] + [phone_hidden],
    }


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _leaks(body: Any, hidden: list[str], name: str) -> list[str]:
    """The hidden digits and the name wherever a string of ``body`` holds them."""
    digits = [re.sub(r"[^\dX]", "", s.upper().translate(ASCII_DIGITS)) for s in _strings(body)]
    found = [h for h in hidden if any(h in d for d in digits)]
    return found + [name for s in _strings(body) if name in s]


@pytest.fixture
def open311_key(env: Env) -> str:
    with env.session() as session:
        key, _row = open311.create_key(session, "city-app", "station-a")
    return key


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_no_read_path_returns_personal_data_to_a_role_without_the_right(
    env: Env, open311_key: str, case: dict[str, Any]
) -> None:
    analyst, officer = env.headers("analyst"), env.headers("officer_a")
    client = env.client
    cursor = client.get("/api/v1/incidents/changes", headers=analyst).json()["cursor"]
    created = client.post(
        "/api/v1/reports",
        json={
            "description": case["description"],
            "lat": IN_A[0],
            "lon": IN_A[1],
            "reporter_name": case["name"],
            "reporter_phone": case["phone"],
        },
        headers=env.headers("citizen"),
    )
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    noted = client.post(
        f"/api/v1/incidents/{incident_id}/notes", json={"text": case["note"]}, headers=officer
    )
    assert noted.status_code == 201, noted.text
    posted = client.post(
        "/open311/v2/requests.json",
        content=urlencode(
            {
                "api_key": open311_key,
                "service_code": "theft.ebike",
                "lat": str(IN_A[0]),
                "long": str(IN_A[1]),
                "description": case["description"],
                "first_name": case["name"][1:],
                "last_name": case["name"][0],
                "phone": case["phone"],
            }
        ).encode("utf-8"),
        headers={"Content-Type": FORM},
    )
    assert posted.status_code == 201, posted.text
    request_id = int(posted.json()[0]["service_request_id"])
    for target in (incident_id, request_id):
        public = client.put(
            f"/api/v1/incidents/{target}/public-note",
            json={"text": case["public"]},
            headers=officer,
        )
        assert public.status_code == 200, public.text

    reads = {
        "incident": client.get(f"/api/v1/incidents/{incident_id}", headers=analyst),
        "list": client.get("/api/v1/incidents", params={"limit": 5}, headers=analyst),
        "reports": client.get(f"/api/v1/incidents/{incident_id}/reports", headers=analyst),
        "notes": client.get(f"/api/v1/incidents/{incident_id}/notes", headers=analyst),
        "changes": client.get(
            "/api/v1/incidents/changes", params={"cursor": cursor}, headers=analyst
        ),
        "open311 list": client.get("/open311/v2/requests.json", params={"api_key": open311_key}),
        "open311 one": client.get(
            f"/open311/v2/requests/{request_id}.json", params={"api_key": open311_key}
        ),
    }
    assert {k: r.status_code for k, r in reads.items()} == dict.fromkeys(reads, 200)
    leaks = {k: _leaks(r.json(), case["hidden"], case["name"]) for k, r in reads.items()}
    assert leaks == {key: [] for key in reads}
    # the reads did show the incident, masked (not an empty answer)
    assert reads["incident"].json()["reporter_name"] == case["name"][0] + "**"
    newest = reads["open311 list"].json()[0]
    assert newest["service_request_id"] == str(request_id)
    assert "*" in (newest["status_notes"] or "")
