"""The DingTalk outgoing robot (钉钉机器人 outgoing) protocol, as DingTalk publishes it.

- each POST carries the headers ``timestamp`` (milliseconds since the epoch) and ``sign``:
  ``base64(HMAC-SHA256(key=app secret, message=timestamp + "\\n" + app secret))``;
- a timestamp more than an hour away from now is refused;
- the body is JSON: ``msgtype`` ("text"), ``text.content``, ``senderNick``,
  ``senderStaffId`` / ``senderId``, ``conversationId``, ``conversationTitle``, ``msgId``,
  ``createAt`` (ms), ``sessionWebhook``;
- the robot may answer in the response body with a message (``{"msgtype": "text",
  "text": {"content": ...}}``), which DingTalk posts in the conversation.

The signature covers the timestamp only, not the body: :mod:`.verify` refuses a
(timestamp, sign) pair seen before, so a captured pair cannot carry another body.
No database here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from pingan.community.connectors.wecom import ProtocolError

#: A timestamp more than this far from now (ms) is refused.
WINDOW_MS = 60 * 60 * 1000


def sign(timestamp_ms: str, app_secret: str) -> str:
    """The ``sign`` header for ``timestamp_ms``."""
    message = f"{timestamp_ms}\n{app_secret}".encode()
    digest = hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def check_headers(timestamp: str, given_sign: str, app_secret: str, now_ms: int) -> int:
    """The timestamp (ms) of a request whose ``sign`` is right and whose timestamp lies
    within :data:`WINDOW_MS` of ``now_ms``; :class:`ProtocolError` otherwise."""
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 15:
        raise ProtocolError("the timestamp header is not milliseconds since the epoch")
    if not hmac.compare_digest(
        sign(timestamp, app_secret).encode("ascii"), given_sign.encode("ascii", "replace")
    ):
        raise ProtocolError("the sign header does not match")
    at = int(timestamp)
    if abs(now_ms - at) > WINDOW_MS:
        raise ProtocolError("the timestamp is more than an hour away from now")
    return at


@dataclass(frozen=True)
class RobotMessage:
    msgtype: str
    content: str
    sender: str
    sender_id: str
    conversation_id: str
    msg_id: str
    create_at_ms: int | None


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def parse(raw: bytes) -> RobotMessage:
    """The fields of a robot's JSON body (missing ones empty)."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("the body is not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("the body is not a JSON object")
    text = data.get("text")
    content = _text(text, "content") if isinstance(text, dict) else ""
    create_at = data.get("createAt")
    return RobotMessage(
        msgtype=_text(data, "msgtype"),
        content=content.strip(),
        sender=_text(data, "senderNick"),
        sender_id=_text(data, "senderStaffId") or _text(data, "senderId"),
        conversation_id=_text(data, "conversationId"),
        msg_id=_text(data, "msgId"),
        create_at_ms=create_at if isinstance(create_at, int) and 0 < create_at < 10**14 else None,
    )


def text_answer(content: str) -> dict[str, Any]:
    """A synchronous answer DingTalk posts back in the conversation."""
    return {"msgtype": "text", "text": {"content": content}}
