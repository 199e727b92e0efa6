"""An incoming callback checked against its group's connector, before anything is stored.

Refusals: an unknown connector, a message for another group or corp, or a replayed
nonce, signature or message id → 403 (:class:`~pingan.errors.Forbidden`); a wrong
signature, undecryptable text or a timestamp outside the window → 401
(:class:`~pingan.errors.Unauthenticated`). Each says why; none names a secret. Nothing
here writes: :mod:`.receive` records the message's nonces with the message itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.community.connectors import dingtalk, sealing, wecom
from pingan.community.connectors.models import GroupConnector
from pingan.community.models import ChatGroup
from pingan.config import Settings
from pingan.errors import ConfigError, Forbidden, Unauthenticated

log = logging.getLogger(__name__)

#: A WeCom timestamp (seconds) more than this far from now is refused.
WECOM_WINDOW = timedelta(minutes=5)
#: A message's own send time further than this from the callback's is replaced by the
#: callback's.
SEND_TIME_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Checked:
    """A verified callback: the connector, and what the guard must remember of it."""

    connector_id: int
    group_id: int
    external_id: str
    slug: str
    #: kind:value strings; seen before, the callback is a replay
    once: tuple[str, ...]
    secrets: sealing.Secrets = field(repr=False)


@dataclass(frozen=True)
class Message:
    """A verified text message."""

    checked: Checked
    msgtype: str
    text: str
    sender: str
    sent_at: datetime
    msg_id: str
    #: WeCom: whom a passive reply goes to
    reply_to: str = ""


def refuse(error: Forbidden | Unauthenticated, platform: str, slug: str) -> NoReturn:
    log.warning("refused a %s callback on connector %s: %s", platform, slug, error.message)
    raise error


def _connector(db_session: Session, settings: Settings, platform: str, slug: str) -> Checked:
    connector = db_session.scalar(
        select(GroupConnector).where(
            GroupConnector.slug == slug, GroupConnector.platform == platform
        )
    )
    if connector is None:
        refuse(Forbidden(f"no {platform} group is connected at this address"), platform, slug)
    try:
        secrets = sealing.unseal(settings, connector.sealed)
    except ConfigError:
        refuse(Forbidden("this group's connector must be connected again"), platform, slug)
    group = db_session.get_one(ChatGroup, connector.group_id)
    return Checked(connector.id, group.id, group.external_id, slug, (), secrets)


def _seconds(text: str) -> int | None:
    """Whole seconds written in ASCII digits (at most 12), else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _sent_at(seconds: float | None, fallback: datetime) -> datetime:
    if seconds is None:
        return fallback
    try:
        at = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return fallback
    return at if abs(at - fallback) <= SEND_TIME_SLACK else fallback


# ----------------------------------------------------------------------------- WeCom


def _wecom_time(timestamp: str, now: datetime, slug: str) -> datetime:
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 10:
        refuse(Unauthenticated("the timestamp is not seconds since the epoch"), "wecom", slug)
    at = datetime.fromtimestamp(int(timestamp), UTC)
    if abs(at - now) > WECOM_WINDOW:
        refuse(Unauthenticated("the timestamp is outside the 5-minute window"), "wecom", slug)
    return at


def _wecom_open(
    checked: Checked, signature: str, timestamp: str, nonce: str, encrypted: str
) -> bytes:
    secrets = checked.secrets
    expected = wecom.signature(secrets["token"], timestamp, nonce, encrypted)
    if not wecom.signature_matches(expected, signature):
        refuse(Unauthenticated("msg_signature does not match"), "wecom", checked.slug)
    try:
        plain, receive_id = wecom.decrypt(wecom.aes_key(secrets["aes_key"]), encrypted)
    except wecom.ProtocolError as exc:
        refuse(Unauthenticated(f"cannot decrypt: {exc}"), "wecom", checked.slug)
    if receive_id != secrets["corp_id"]:
        refuse(Forbidden("the message is for another corp (receive id)"), "wecom", checked.slug)
    return plain


def wecom_echo(
    db_session: Session,
    settings: Settings,
    slug: str,
    *,
    signature: str,
    timestamp: str,
    nonce: str,
    echostr: str,
    now: datetime,
) -> str:
    """URL verification: the decrypted ``echostr``, when its signature is right."""
    checked = _connector(db_session, settings, "wecom", slug)
    _wecom_time(timestamp, now, slug)
    plain = _wecom_open(checked, signature, timestamp, nonce, echostr)
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        refuse(Unauthenticated("the echostr is not text"), "wecom", slug)


def wecom_message(
    db_session: Session,
    settings: Settings,
    slug: str,
    *,
    signature: str,
    timestamp: str,
    nonce: str,
    body: bytes,
    now: datetime,
) -> Message:
    """A POSTed WeCom message, verified and decrypted."""
    checked = _connector(db_session, settings, "wecom", slug)
    at = _wecom_time(timestamp, now, slug)
    try:
        outer = wecom.parse_xml(body)
    except wecom.ProtocolError as exc:
        refuse(Unauthenticated(str(exc)), "wecom", slug)
    plain = _wecom_open(checked, signature, timestamp, nonce, outer.get("Encrypt", ""))
    if outer.get("ToUserName") and outer["ToUserName"] != checked.secrets["corp_id"]:
        refuse(Forbidden("the message is for another corp (ToUserName)"), "wecom", slug)
    try:
        inner = wecom.parse_xml(plain)
    except wecom.ProtocolError as exc:
        refuse(Unauthenticated(f"decrypted: {exc}"), "wecom", slug)
    chat_id = inner.get("ChatId", "")
    if chat_id and chat_id != checked.external_id:
        refuse(Forbidden("the message is for another group (ChatId)"), "wecom", slug)
    msg_id = inner.get("MsgId", "")[:64]
    once = (f"nonce:{timestamp}:{nonce}", *([f"msg:{msg_id}"] if msg_id else []))
    created = inner.get("CreateTime", "")
    return Message(
        checked=replace(checked, once=once),
        msgtype=inner.get("MsgType", ""),
        text=inner.get("Content", "").strip(),
        sender=inner.get("FromUserName", "")[:100],
        sent_at=_sent_at(_seconds(created), at),
        msg_id=msg_id,
        reply_to=inner.get("FromUserName", ""),
    )


# ----------------------------------------------------------------------------- DingTalk


def dingtalk_message(
    db_session: Session,
    settings: Settings,
    slug: str,
    *,
    timestamp: str,
    sign: str,
    body: bytes,
    now: datetime,
) -> Message:
    """A DingTalk robot's POST, verified; it must carry the connected group's external id
    as its ``conversationId``."""
    checked = _connector(db_session, settings, "dingtalk", slug)
    try:
        at_ms = dingtalk.check_headers(
            timestamp, sign, checked.secrets["app_secret"], int(now.timestamp() * 1000)
        )
        robot = dingtalk.parse(body)
    except wecom.ProtocolError as exc:
        refuse(Unauthenticated(str(exc)), "dingtalk", slug)
    if robot.conversation_id != checked.external_id:
        refuse(Forbidden("the message is for another group (conversationId)"), "dingtalk", slug)
    msg_id = robot.msg_id[:64]
    once = (f"sign:{timestamp}:{sign}", *([f"msg:{msg_id}"] if msg_id else []))
    at = datetime.fromtimestamp(at_ms / 1000, UTC)
    create_at = robot.create_at_ms / 1000 if robot.create_at_ms is not None else None
    return Message(
        checked=replace(checked, once=once),
        msgtype=robot.msgtype,
        text=robot.content,
        sender=(robot.sender or robot.sender_id)[:100],
        sent_at=_sent_at(create_at, at),
        msg_id=msg_id,
    )
