"""Repeated questions as demand: consultations (是不是诈骗？) and group-chat messages about
the same scam are counted per fraud type and per week, and the most-asked scams ranked.

A reply in a group chat interrupts everyone in it, so a chat question gets an answer only
on a confident match (the screening's confidence at least
``settings.antifraud_chat_reply_confidence``); below that there is no reply, and the
question still counts. Nothing of the words is kept, only the type, tier and confidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.antifraud import screening
from pingan.antifraud.models import FraudQuestion, QuestionChannel
from pingan.antifraud.schemas import MAX_SITUATION_CHARS
from pingan.config import Settings
from pingan.db import utcnow
from pingan.incidents.models import ChatMessage
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

if TYPE_CHECKING:
    from pingan.algo.text.fraud import Screening

#: How many of the most-asked scams the figures list.
TOP = 5


def record_question(
    db_session: Session,
    result: Screening,
    *,
    jurisdiction_id: int,
    channel: QuestionChannel,
    answered: bool,
    at: datetime | None = None,
    chat_message_id: int | None = None,
) -> FraudQuestion | None:
    """Count a question about a scam (nothing is counted when the screening found none)."""
    if not result.is_fraud or result.fraud_type is None:
        return None
    question = FraudQuestion(
        jurisdiction_id=jurisdiction_id,
        channel=channel,
        fraud_type=result.fraud_type,
        risk=result.tier,
        confidence=round(float(result.confidence), 3),
        answered=answered,
        asked_at=at or utcnow(),
        chat_message_id=chat_message_id,
    )
    db_session.add(question)
    db_session.flush()
    return question


def _reply(result: Screening) -> dict[str, Any]:
    return {
        "fraud_type": result.fraud_type,
        "risk": result.tier,
        "confidence": round(float(result.confidence), 3),
        "call_110": result.tier == "red",
        "advice_zh": list(result.advice_zh),
        "advice_en": list(result.advice_en),
    }


def _screen_message(message: ChatMessage) -> Screening | None:
    """The screening of a chat message that asks about a scam (else ``None``)."""
    text = message.text.strip()[:MAX_SITUATION_CHARS]
    if not text:
        return None
    result = screening.screen(text)
    if not result.is_fraud or result.fraud_type is None:
        return None
    return result


def answer_chat(
    db_session: Session, settings: Settings, message: ChatMessage
) -> dict[str, Any] | None:
    """Screen a stored group-chat message: a scam question is counted as demand, and
    answered (the advice to post back in the group) only on a confident match."""
    result = _screen_message(message)
    if result is None:
        return None
    confident = result.confidence >= settings.antifraud_chat_reply_confidence
    record_question(
        db_session,
        result,
        jurisdiction_id=message.jurisdiction_id,
        channel=QuestionChannel.chat,
        answered=confident,
        at=message.sent_at,
        chat_message_id=message.id,
    )
    return _reply(result) if confident else None


def last_chat_message_id(db_session: Session) -> int:
    """The newest stored chat message's id (0 when there is none)."""
    return int(db_session.scalar(select(func.max(ChatMessage.id))) or 0)


def count_imported_chat(db_session: Session, after_id: int, group: str) -> int:
    """Count the scam questions among the messages of ``group`` stored after ``after_id``
    (a chat export just imported). An export is history: nothing is answered."""
    counted = select(FraudQuestion.chat_message_id).where(
        FraudQuestion.chat_message_id.is_not(None)
    )
    messages = db_session.scalars(
        select(ChatMessage)
        .where(
            ChatMessage.id > after_id,
            ChatMessage.group_name == group,
            ChatMessage.id.not_in(counted),
        )
        .order_by(ChatMessage.id)
    ).all()
    n = 0
    for message in messages:
        result = _screen_message(message)
        if result is None:
            continue
        record_question(
            db_session,
            result,
            jurisdiction_id=message.jurisdiction_id,
            channel=QuestionChannel.chat,
            answered=False,
            at=message.sent_at,
            chat_message_id=message.id,
        )
        n += 1
    return n


def _week(at: datetime, zone: ZoneInfo) -> str:
    year, week, _ = at.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def weekly_demand(
    db_session: Session, settings: Settings, principal: Principal, *, weeks: int = 8
) -> dict[str, Any]:
    """Questions of the caller's stations in the last ``weeks`` weeks: ``by_week`` (one row
    per week and fraud type, with the consultations, the chat questions and how many were
    answered) and ``top`` (the most-asked scams with their counts)."""
    principal.require("warning", "read")
    zone = ZoneInfo(settings.time_zone)
    found = db_session.scalars(
        select(FraudQuestion)
        .join(Jurisdiction, Jurisdiction.id == FraudQuestion.jurisdiction_id)
        .where(
            principal.visible_clause("warning", "read", Jurisdiction.path),
            FraudQuestion.asked_at >= utcnow() - timedelta(weeks=weeks),
        )
    ).all()
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for question in found:
        cell = cells[(_week(question.asked_at, zone), question.fraud_type)]
        cell[question.channel.value] += 1
        cell["answered"] += question.answered
        totals[question.fraud_type] += 1
    by_week = [
        {
            "week": week,
            "fraud_type": fraud_type,
            "questions": cell["consultation"] + cell["chat"],
            "consultations": cell["consultation"],
            "chat": cell["chat"],
            "answered": cell["answered"],
        }
        for (week, fraud_type), cell in sorted(cells.items())
    ]
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    top = [{"fraud_type": fraud_type, "questions": n} for fraud_type, n in ranked]
    return {"weeks": weeks, "by_week": by_week, "top": top}
