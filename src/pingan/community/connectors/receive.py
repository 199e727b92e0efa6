"""A verified connector message taken in: the replay guard, the chat intake, the answer.

The message goes through the chat intake (:func:`pingan.incidents.chat.post_chat_message`)
as the group's officer would post it, in the group's grid: every message is kept, a
report becomes a draft incident or joins one about the same event. The message is linked
to its group, and the sender is answered with the new draft's status link (a report that
joined another citizen's draft gets no link: the link is that citizen's capability) and,
for a question about a scam, the anti-fraud desk's advice when the screening is confident
(:func:`pingan.antifraud.demand.answer_chat`, as the chat API answers).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pingan.antifraud import demand
from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.community import groups
from pingan.community.connectors.models import ConnectorSeen
from pingan.community.connectors.verify import Message
from pingan.community.models import ChatGroup, ChatGroupMessage
from pingan.config import Settings
from pingan.errors import Forbidden
from pingan.incidents import chat
from pingan.jurisdictions import service as jurisdictions

#: How long a nonce, signature or message id is remembered: longer than either
#: platform's timestamp window, so that a replay is refused or too old.
REMEMBER = timedelta(hours=2)

REPORT_FILED = "已收到您的报警信息，已生成待民警核实的警情草稿。查看处理进度：{link}"
REPORT_JOINED = "已收到，您的信息已并入同一事件的警情，民警会一并核实。"
FRAUD_ADVICE = "反诈提醒："


@dataclass(frozen=True)
class Receipt:
    message_id: int | None
    incident_id: int | None
    #: the answer to the sender, if any
    reply: str | None


def _digest(connector_id: int, once: str) -> str:
    return hashlib.sha256(f"{connector_id}\n{once}".encode()).hexdigest()


def remember(db_session: Session, message: Message, now: datetime) -> None:
    """Record the callback's nonces; :class:`Forbidden` when one was seen before."""
    checked = message.checked
    db_session.execute(delete(ConnectorSeen).where(ConnectorSeen.seen_at < now - REMEMBER))
    digests = [_digest(checked.connector_id, once) for once in checked.once]
    seen = db_session.scalar(
        select(ConnectorSeen.id).where(
            ConnectorSeen.connector_id == checked.connector_id, ConnectorSeen.digest.in_(digests)
        )
    )
    if seen is not None:
        raise Forbidden("replayed: this message was received before")
    for digest in digests:
        db_session.add(ConnectorSeen(connector_id=checked.connector_id, digest=digest, seen_at=now))
    try:
        db_session.flush()
    except IntegrityError:
        # the same callback, arriving twice at once: the other one took it
        raise Forbidden("replayed: this message was received before") from None


def take_in(
    db_session: Session, settings: Settings, message: Message, base_url: str, now: datetime
) -> Receipt:
    """Keep the message (and file or join a draft); the answer for the sender."""
    remember(db_session, message, now)
    if message.msgtype != "text" or not message.text:
        return Receipt(None, None, None)
    group = db_session.get_one(ChatGroup, message.checked.group_id)
    officer = db_session.get(User, group.officer_id)
    if officer is None or not officer.is_active:
        raise Forbidden("the group's officer account is not active")
    platform = group.platform.value
    principal = auth.principal_for(db_session, officer, client_addr=f"{platform} connector")
    outcome = chat.post_chat_message(
        db_session,
        settings,
        principal,
        group=group.name,
        sender=message.sender,
        sent_at=message.sent_at,
        text=message.text,
        jurisdiction_code=jurisdictions.get(db_session, group.jurisdiction_id).code,
        source_ref=f"{platform}:{message.msg_id}" if message.msg_id else None,
        from_police=message.sender in groups.officer_names(group, officer),
    )
    db_session.add(ChatGroupMessage(message_id=outcome.message.id, group_id=group.id))
    db_session.flush()
    incident = outcome.incident
    parts: list[str] = []
    if incident is not None:
        link = f"{base_url.rstrip('/')}/report/{incident.public_token}"
        parts.append(REPORT_JOINED if outcome.joined_existing else REPORT_FILED.format(link=link))
    # a question about a scam is counted as the desk's demand, and answered when confident
    advice = demand.answer_chat(db_session, settings, outcome.message)
    if advice is not None:
        parts.append(FRAUD_ADVICE + "".join(advice["advice_zh"]))
    reply = "\n".join(parts) or None
    return Receipt(outcome.message.id, incident.id if incident else None, reply)
