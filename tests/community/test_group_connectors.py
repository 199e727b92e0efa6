"""The WeCom and DingTalk connectors over the real app and database: requests built as the
platforms build them (:mod:`connector_platforms`) create draft incidents; the same
requests with one byte changed, replayed, stale, or for an unknown group are refused and
store nothing; the secrets appear in no log, answer or CLI output."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from connector_platforms import dingtalk_sign, wecom_decrypt, wecom_encrypt, wecom_signature
from defusedxml import ElementTree
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from pingan.cli import app as cli
from pingan.community.connectors.models import ConnectorSeen, GroupConnector
from pingan.community.models import ChatGroupMessage
from pingan.config import Settings, get_settings
from pingan.db import make_engine
from pingan.incidents.models import ChatMessage, Incident
from pingan.incidents.schemas import MAX_CHAT_CHARS
from support.app import seeded_client, token_for

CORP_ID = "ww8d3f0c2a91b7e655"
TOKEN = "Xq7Lw2VtNp9RgKc4"
AES_KEY = "kT3nB8vQ2mZx5rW9yH4jL7pS1dF6gA0cE3uI8oY2tR5"
APP_SECRET = "dt-Sk9fQ2wLx7Vb3Nm8Rj4Hc6Tz1Pg5Ye0Ua2Io9KqW7s"
SECRETS = (TOKEN, AES_KEY, APP_SECRET)
WECOM_GROUP = {
    "platform": "wecom",
    "external_id": "wrOgQhDgAAJ3Ez8vDongjie",
    "name": "东街企业微信警民群",
    "grid_code": "grid-a1",
    "officer": "officer_a",
    "member_count": 180,
    "created_on": "2025-09-01",
}
DING_GROUP = {
    "platform": "dingtalk",
    "external_id": "cidP3Vb7XyQ2kLm9==",
    "name": "夜市钉钉联防群",
    "grid_code": "grid-a1",
    "officer": "officer_a",
    "member_count": 58,
    "created_on": "2025-06-01",
}
REPORT = "今天下午三点左右我停在小区楼下车棚的红色雅迪电动车被偷了，锁也被剪断了"
REPORT_2 = "刚才在夜市烧烤摊旁边我的手机被人偷了，黑色华为，大概晚上九点"


@dataclass
class Connected:
    client: TestClient
    wecom_path: str
    ding_path: str
    cli_output: str


def _connect(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(cli, ["community", "groups", "connect", *args])
    assert result.exit_code == 0, result.output
    shown: dict[str, Any] = json.loads(result.output.strip().splitlines()[-1])
    return shown


@pytest.fixture
def connected(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> Any:
    caplog.set_level(logging.DEBUG)
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    for group in (WECOM_GROUP, DING_GROUP):
        assert client.post("/api/v1/community/groups", json=group, headers=officer).is_success
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PINGAN_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    runner = CliRunner()
    # the WeCom secrets typed at the prompts (no echo), the DingTalk one as an option
    result = runner.invoke(
        cli,
        ["community", "groups", "connect", "--platform", "wecom", "--group", WECOM_GROUP["name"]],
        input=f"{CORP_ID}\n{TOKEN}\n{AES_KEY}\n",
    )
    assert result.exit_code == 0, result.output
    wecom = json.loads(result.output.strip().splitlines()[-1])
    ding = _connect(
        runner,
        "--platform",
        "dingtalk",
        "--group",
        DING_GROUP["external_id"],
        "--app-secret",
        APP_SECRET,
    )
    get_settings.cache_clear()
    assert wecom["callback_path"].startswith("/api/v1/connectors/wecom/")
    assert ding["callback_path"].startswith("/api/v1/connectors/dingtalk/")
    yield Connected(client, wecom["callback_path"], ding["callback_path"], result.output)
    get_settings.cache_clear()


def _counts(settings: Settings) -> tuple[int, ...]:
    engine = make_engine(settings.effective_database_url)
    with engine.connect() as conn:
        counts = tuple(
            conn.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (ChatMessage, Incident, ChatGroupMessage, ConnectorSeen)
        )
    engine.dispose()
    return counts


# ----------------------------------------------------------------------------- WeCom


def _inner_xml(text: str, msg_id: str, sender: str = "LiAYi") -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{sender}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId>"
        f"<AgentID>1000002</AgentID><ChatId>{WECOM_GROUP['external_id']}</ChatId></xml>"
    ).encode()


@dataclass
class WeComRequest:
    query: dict[str, str]
    body: bytes


def _wecom_request(
    text: str, msg_id: str, *, nonce: str, stamp: int | None = None, corp: str = CORP_ID
) -> WeComRequest:
    """A POST as WeCom builds it: the message encrypted, wrapped and signed."""
    timestamp = str(stamp if stamp is not None else int(time.time()))
    encrypted = wecom_encrypt(AES_KEY, corp, _inner_xml(text, msg_id))
    body = (
        f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName>"
        f"<AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    ).encode()
    signature = wecom_signature(TOKEN, timestamp, nonce, encrypted)
    return WeComRequest({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}, body)


def _post_wecom(client: TestClient, path: str, request: WeComRequest) -> Any:
    return client.post(
        f"{path}?{urlencode(request.query)}",
        content=request.body,
        headers={"Content-Type": "text/xml"},
    )


def _flip(text: str, at: int) -> str:
    return text[:at] + ("7" if text[at] != "7" else "8") + text[at + 1 :]


def test_wecom_url_verification(connected: Connected, caplog: pytest.LogCaptureFixture) -> None:
    timestamp, nonce = str(int(time.time())), "263014780"
    echostr = wecom_encrypt(AES_KEY, CORP_ID, b"6827361298357172653")
    query = {
        "msg_signature": wecom_signature(TOKEN, timestamp, nonce, echostr),
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    answer = connected.client.get(connected.wecom_path, params=query)
    assert answer.status_code == 200, answer.text
    assert answer.text == "6827361298357172653"
    forged = dict(query, msg_signature=_flip(query["msg_signature"], 5))
    refused = connected.client.get(connected.wecom_path, params=forged)
    assert refused.status_code == 401
    assert "msg_signature" in refused.text
    unknown = connected.client.get("/api/v1/connectors/wecom/NoSuchConnector0", params=query)
    assert unknown.status_code == 403
    assert not any(secret in caplog.text for secret in SECRETS)


def test_wecom_message_creates_a_draft_and_is_answered_encrypted(
    connected: Connected, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client = connected.client
    request = _wecom_request(REPORT, "7402981234567890001", nonce="1372623149")
    before = _counts(settings)
    answer = _post_wecom(client, connected.wecom_path, request)
    assert answer.status_code == 200, answer.text
    after = _counts(settings)
    assert after[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
    # the passive reply, decrypted and checked as WeCom would
    outer = {child.tag: child.text or "" for child in ElementTree.fromstring(answer.content)}
    assert outer["MsgSignature"] == wecom_signature(
        TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"]
    )
    plain, receive_id = wecom_decrypt(AES_KEY, outer["Encrypt"])
    assert receive_id == CORP_ID
    reply = {child.tag: child.text or "" for child in ElementTree.fromstring(plain)}
    assert (reply["ToUserName"], reply["MsgType"]) == ("LiAYi", "text")
    link = reply["Content"].split("查看处理进度：")[1]
    token = link.rsplit("/report/", 1)[1]
    status = client.get(f"/api/v1/reports/{token}")
    assert status.status_code == 200, status.text
    officer = token_for(client, settings, "officer_a")
    drafts = client.get("/api/v1/incidents", params={"draft": "true"}, headers=officer).json()
    assert drafts["total"] == 1
    assert drafts["items"][0]["type"].startswith("theft")
    # the same request again: a replay
    replayed = _post_wecom(client, connected.wecom_path, request)
    assert replayed.status_code == 403
    assert "replayed" in replayed.text
    assert _counts(settings) == after
    assert not any(secret in caplog.text for secret in SECRETS)
    assert not any(secret in answer.text for secret in SECRETS)


def test_wecom_one_byte_changed_stale_or_unknown_is_refused(
    connected: Connected, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client, path = connected.client, connected.wecom_path
    before = _counts(settings)
    cases: list[tuple[str, WeComRequest, int]] = []
    good = _wecom_request(REPORT, "7402981234567890002", nonce="5501")
    sig = good.query["msg_signature"]
    cases.append(
        ("signature", WeComRequest(dict(good.query, msg_signature=_flip(sig, 0)), good.body), 401)
    )
    stamp = str(int(good.query["timestamp"]) + 1)
    cases.append(("timestamp", WeComRequest(dict(good.query, timestamp=stamp), good.body), 401))
    cases.append(("nonce", WeComRequest(dict(good.query, nonce="5502"), good.body), 401))
    at = good.body.index(b"<Encrypt><![CDATA[") + 30
    body = good.body[:at] + (b"A" if good.body[at : at + 1] != b"A" else b"B") + good.body[at + 1 :]
    cases.append(("ciphertext", WeComRequest(good.query, body), 401))
    other_corp = good.body.replace(CORP_ID.encode(), b"ww0000000000000000", 1)
    cases.append(("ToUserName", WeComRequest(good.query, other_corp), 403))
    stale = _wecom_request(
        REPORT, "7402981234567890003", nonce="5503", stamp=int(time.time()) - 3600
    )
    cases.append(("stale", stale, 401))
    wrong_id = _wecom_request(
        REPORT, "7402981234567890004", nonce="5504", corp="ww0000000000000000"
    )
    cases.append(("receive id", wrong_id, 403))
    for name, request, status in cases:
        answer = _post_wecom(client, path, request)
        assert answer.status_code == status, (name, answer.text)
        assert answer.json()["detail"], name
    unknown = _post_wecom(client, "/api/v1/connectors/wecom/NoSuchConnector0", good)
    assert unknown.status_code == 403
    dingtalk_path = _post_wecom(client, connected.ding_path.replace("dingtalk", "wecom"), good)
    assert dingtalk_path.status_code == 403
    assert _counts(settings) == before
    # the untouched request still goes through
    assert _post_wecom(client, path, good).status_code == 200
    assert _counts(settings)[1] == before[1] + 1
    assert not any(secret in caplog.text for secret in SECRETS)


# ----------------------------------------------------------------------------- DingTalk


def _ding_body(text: str, msg_id: str, conversation: str = DING_GROUP["external_id"]) -> bytes:
    body = {
        "msgtype": "text",
        "text": {"content": text},
        "msgId": msg_id,
        "createAt": int(time.time() * 1000),
        "conversationType": "2",
        "conversationId": conversation,
        "conversationTitle": DING_GROUP["name"],
        "senderId": "$:LWCP_v1:$Bq3QeFnx9vS0Kx2pHkT1wA==",
        "senderNick": "夜市王老板",
        "senderStaffId": "0256154236-1234",
        "chatbotUserId": "$:LWCP_v1:$RobotUserIdExample==",
        "isAdmin": False,
        "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=abc",
        "sessionWebhookExpiredTime": int(time.time() * 1000) + 3_600_000,
        "atUsers": [{"dingtalkId": "$:LWCP_v1:$RobotUserIdExample=="}],
        "isInAtList": True,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def _ding_headers(stamp_ms: int | None = None) -> dict[str, str]:
    stamp = str(stamp_ms if stamp_ms is not None else int(time.time() * 1000))
    return {
        "timestamp": stamp,
        "sign": dingtalk_sign(stamp, APP_SECRET),
        "Content-Type": "application/json; charset=utf-8",
    }


def test_dingtalk_robot_post_creates_a_draft_and_answers_with_the_link(
    connected: Connected, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client, path = connected.client, connected.ding_path
    headers, body = _ding_headers(), _ding_body(REPORT_2, "msgQ2xZ7pL9vK3")
    before = _counts(settings)
    answer = client.post(path, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    reply = answer.json()
    assert reply["msgtype"] == "text"
    token = reply["text"]["content"].rsplit("/report/", 1)[1]
    assert client.get(f"/api/v1/reports/{token}").status_code == 200
    after = _counts(settings)
    assert after[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
    # replayed as it was, or its signed headers with another body: refused
    assert client.post(path, content=body, headers=headers).status_code == 403
    other = _ding_body(REPORT_2.replace("九点", "十点"), "msgQ2xZ7pL9vK4")
    assert client.post(path, content=other, headers=headers).status_code == 403
    assert _counts(settings) == after
    assert not any(secret in caplog.text or secret in answer.text for secret in SECRETS)


def test_dingtalk_forged_stale_other_group_or_unknown_is_refused(
    connected: Connected, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client, path = connected.client, connected.ding_path
    body = _ding_body(REPORT_2, "msgQ2xZ7pL9vK5")
    good = _ding_headers()
    before = _counts(settings)
    cases = [
        (
            "sign",
            client.post(path, content=body, headers=dict(good, sign=_flip(good["sign"], 3))),
            401,
        ),
        (
            "timestamp",
            client.post(
                path, content=body, headers=dict(good, timestamp=str(int(good["timestamp"]) + 1))
            ),
            401,
        ),
        (
            "stale",
            client.post(
                path, content=body, headers=_ding_headers(int(time.time() * 1000) - 3_700_000)
            ),
            401,
        ),
        (
            "future",
            client.post(
                path, content=body, headers=_ding_headers(int(time.time() * 1000) + 3_700_000)
            ),
            401,
        ),
        (
            "other group",
            client.post(
                path, content=_ding_body(REPORT_2, "m6", "cidOTHERgroup=="), headers=_ding_headers()
            ),
            403,
        ),
        (
            "unknown",
            client.post("/api/v1/connectors/dingtalk/NoSuchConnector0", content=body, headers=good),
            403,
        ),
        ("not json", client.post(path, content=b"{not json", headers=_ding_headers()), 401),
        ("no sign", client.post(path, content=body, headers={"timestamp": good["timestamp"]}), 422),
    ]
    for name, answer, status in cases:
        assert answer.status_code == status, (name, answer.text)
    assert _counts(settings) == before
    assert client.post(path, content=body, headers=good).status_code == 200
    assert not any(secret in caplog.text for secret in SECRETS)


# ----------------------------------------------------------------------------- secrets


def test_secrets_sealed_at_rest_and_absent_from_answers(
    connected: Connected, settings: Settings
) -> None:
    assert not any(secret in connected.cli_output for secret in SECRETS)
    engine = make_engine(settings.effective_database_url)
    with engine.connect() as conn:
        sealed = conn.execute(select(GroupConnector.sealed)).scalars().all()
    engine.dispose()
    assert len(sealed) == 2
    assert not any(secret in row for row in sealed for secret in (*SECRETS, CORP_ID))
    officer = token_for(connected.client, settings, "officer_a")
    listed = connected.client.get("/api/v1/community/groups", headers=officer)
    assert listed.status_code == 200
    assert not any(secret in listed.text for secret in SECRETS)


# ----------------------------------------------------------------------------- garbage


def _signed_wecom(inner: bytes, nonce: str) -> WeComRequest:
    """Any inner payload, encrypted and signed as WeCom would (the platform is trusted for
    what it signs, but its payload is still parsed defensively)."""
    timestamp = str(int(time.time()))
    encrypted = wecom_encrypt(AES_KEY, CORP_ID, inner)
    body = f"<xml><ToUserName>{CORP_ID}</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
    query = {
        "msg_signature": wecom_signature(TOKEN, timestamp, nonce, encrypted),
        "timestamp": timestamp,
        "nonce": nonce,
    }
    return WeComRequest(query, body.encode())


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<xml><Encrypt>&lol2;</Encrypt></xml>"
)


def test_garbage_on_a_connected_address_is_a_4xx(connected: Connected, settings: Settings) -> None:
    client, path = connected.client, connected.wecom_path
    good = _wecom_request(REPORT, "7402981234567890009", nonce="9901")
    before = _counts(settings)
    wecom_cases = [
        (WeComRequest(dict(good.query, timestamp="１７３３３７１２００"), good.body), 401),
        (WeComRequest(dict(good.query, timestamp="99999999999"), good.body), 401),
        (WeComRequest(good.query, b"not xml at all"), 401),
        (WeComRequest(good.query, LAUGHS), 401),
        (WeComRequest(good.query, b"<html><Encrypt>x</Encrypt></html>"), 401),
        (_signed_wecom(LAUGHS, "9902"), 401),
        (_signed_wecom(b"\xff\xfe not utf-8", "9903"), 401),
        (_signed_wecom(_inner_xml("x" * (MAX_CHAT_CHARS + 1), "7402981234567890010"), "9904"), 422),
        (
            _signed_wecom(
                _inner_xml(REPORT, "7402981234567890013").replace(b"<ChatId>wr", b"<ChatId>xx"),
                "9907",
            ),
            403,
        ),
    ]
    for number, (request, status) in enumerate(wecom_cases):
        answer = _post_wecom(client, path, request)
        assert answer.status_code == status, (number, answer.text)
    assert _counts(settings) == before
    # a signed message that is not text (an image, an event) is acknowledged, not kept
    image = _inner_xml("", "7402981234567890011").replace(b"[text]", b"[image]")
    answer = _post_wecom(client, path, _signed_wecom(image, "9905"))
    assert (answer.status_code, answer.text) == (200, "")
    far_time = _inner_xml(REPORT, "7402981234567890012").replace(
        f"<CreateTime>{int(time.time())}".encode(), b"<CreateTime>" + b"9" * 5000
    )
    assert _post_wecom(client, path, _signed_wecom(far_time, "9906")).status_code == 200
    ding = connected.ding_path
    for body, status in [
        (b"[1, 2, 3]", 401),
        (json.dumps({"msgtype": "text", "text": ["a"]}).encode(), 403),
        (_ding_body(REPORT_2, "m-far").replace(b'"createAt": ', b'"createAt": 1' + b"0" * 40), 200),
    ]:
        answer = client.post(ding, content=body, headers=_ding_headers())
        assert answer.status_code == status, answer.text
        time.sleep(0.002)  # a new millisecond: a new timestamp and sign


def test_a_connected_group_is_rate_limited(connected: Connected, settings: Settings) -> None:
    client = seeded_client(settings.model_copy(update={"connector_rate_limit": "2/minute"}))
    texts = ["我家楼道里的电瓶车被偷了", "小区门口超市昨晚被撬了", "车棚里又丢了一辆自行车"]
    answers = []
    for number, text in enumerate(texts):
        answers.append(
            client.post(
                connected.ding_path,
                content=_ding_body(text, f"m-rate-{number}"),
                headers=_ding_headers(),
            )
        )
        time.sleep(0.002)
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["Retry-After"]
    assert _counts(settings)[0] == 2


def test_a_scam_question_is_answered_with_the_desks_advice(
    connected: Connected, settings: Settings
) -> None:
    question = "自称公安局的人说我涉嫌洗钱，让我把钱转到安全账户，是真的吗"
    answer = connected.client.post(
        connected.ding_path, content=_ding_body(question, "m-scam-1"), headers=_ding_headers()
    )
    assert answer.status_code == 200, answer.text
    content = answer.json()["text"]["content"]
    assert "反诈提醒：" in content
    assert "110" in content
