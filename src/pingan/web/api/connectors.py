"""Routes of the group connectors: the WeCom app callback and the DingTalk outgoing robot.

Each connected group has its own address (``pingan community groups connect`` prints it).
A callback is verified on a read-only session (:mod:`pingan.community.connectors.verify`),
counted against ``connector_rate_limit`` per connector, then taken in on a writing
session (:mod:`pingan.community.connectors.receive`): a refused one stores nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from pingan.community.connectors import dingtalk, receive, verify, wecom
from pingan.config import Settings
from pingan.db import unit_of_work, utcnow
from pingan.ratelimit import RateLimiter
from pingan.web.ratelimit import limiter_of

router = APIRouter(prefix="/api/v1/connectors", tags=["connectors"])

Slug = Annotated[str, Path(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Signature = Annotated[str, Query(min_length=1, max_length=64)]
Stamp = Annotated[str, Query(min_length=1, max_length=16)]
Nonce = Annotated[str, Query(min_length=1, max_length=64)]

_XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string", "maxLength": 20000}}},
    }
}
_JSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _verify_then_take(
    request: Request,
    slug: str,
    check: Any,
    now: datetime,
) -> tuple[verify.Message, receive.Receipt]:
    """Verify on a read-only session, count the connector's hit, take in on a writing one."""
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = limiter_of(request)
    reader: sessionmaker[Session] = request.app.state.read_session_factory
    with unit_of_work(reader) as db_session:
        message: verify.Message = check(db_session, settings)
    limiter.hit(
        settings.connector_rate_limit,
        "connector",
        slug,
        reason="too many messages on this group's connector; try again later",
    )
    with unit_of_work(request.app.state.session_factory) as db_session:
        receipt = receive.take_in(db_session, settings, message, str(request.base_url), now)
    return message, receipt


@router.get("/wecom/{slug}", response_class=PlainTextResponse)
def wecom_verify_url(
    request: Request,
    slug: Slug,
    msg_signature: Signature,
    timestamp: Stamp,
    nonce: Nonce,
    echostr: Annotated[str, Query(min_length=1, max_length=1024)],
) -> PlainTextResponse:
    """WeCom's URL verification: answers the decrypted ``echostr``."""
    reader: sessionmaker[Session] = request.app.state.read_session_factory
    with unit_of_work(reader) as db_session:
        plain = verify.wecom_echo(
            db_session,
            request.app.state.settings,
            slug,
            signature=msg_signature,
            timestamp=timestamp,
            nonce=nonce,
            echostr=echostr,
            now=utcnow(),
        )
    return PlainTextResponse(plain)


@router.post("/wecom/{slug}", response_class=Response, openapi_extra=_XML_BODY)
async def wecom_callback(
    request: Request, slug: Slug, msg_signature: Signature, timestamp: Stamp, nonce: Nonce
) -> Response:
    """A WeCom app message (encrypted XML). A report is answered with an encrypted,
    signed passive reply holding its status link; anything else with an empty body."""
    body = await request.body()
    now = utcnow()

    def check(db_session: Session, settings: Settings) -> verify.Message:
        return verify.wecom_message(
            db_session,
            settings,
            slug,
            signature=msg_signature,
            timestamp=timestamp,
            nonce=nonce,
            body=body,
            now=now,
        )

    message, receipt = await run_in_threadpool(_verify_then_take, request, slug, check, now)
    if receipt.reply is None:
        return Response(content=b"", media_type="text/plain")
    secrets = message.checked.secrets
    inner = wecom.text_xml(
        message.reply_to, secrets["corp_id"], int(now.timestamp()), receipt.reply
    )
    xml = wecom.reply_xml(
        secrets["token"],
        wecom.aes_key(secrets["aes_key"]),
        secrets["corp_id"],
        inner,
        str(int(now.timestamp())),
        nonce,
    )
    return Response(content=xml, media_type="application/xml")


@router.post("/dingtalk/{slug}", openapi_extra=_JSON_BODY)
async def dingtalk_callback(
    request: Request,
    slug: Slug,
    timestamp: Annotated[str, Header(min_length=1, max_length=16)],
    sign: Annotated[str, Header(min_length=1, max_length=64)],
) -> JSONResponse:
    """A DingTalk outgoing robot's message (JSON, signed headers). A report is answered
    in the body with its status link, which DingTalk posts in the group."""
    body = await request.body()
    now = utcnow()

    def check(db_session: Session, settings: Settings) -> verify.Message:
        return verify.dingtalk_message(
            db_session, settings, slug, timestamp=timestamp, sign=sign, body=body, now=now
        )

    _, receipt = await run_in_threadpool(_verify_then_take, request, slug, check, now)
    if receipt.reply is None:
        return JSONResponse({})
    return JSONResponse(dingtalk.text_answer(receipt.reply))
