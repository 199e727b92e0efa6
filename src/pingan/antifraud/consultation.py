"""Consultations: a citizen asks "是不是诈骗？ / Is this a scam?" and sees the tier and the
advice at once. A red result tells them to call 110 now and puts a red warning on the desk
of their station; asking for a call back (a phone) puts a warning there too: orange for an
orange result, yellow for a lesser one. A question about a scam counts as demand
(:mod:`pingan.antifraud.demand`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.antifraud import demand, screening
from pingan.antifraud.intake import WarningInput, add_warning
from pingan.antifraud.models import FraudCase, QuestionChannel, Tier, WarningSource
from pingan.antifraud.schemas import ConsultationCreate
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def _station_of(db_session: Session, body: ConsultationCreate) -> int:
    """The station from the point, else from the code, else the top of the tree."""
    if (body.lat is None) != (body.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    if body.lat is not None and body.lon is not None:
        found = jurisdictions.jurisdiction_id_for_point(db_session, body.lat, body.lon)
        if found is not None:
            return found
    if body.jurisdiction_code is not None:
        return jurisdictions.get_by_code(db_session, body.jurisdiction_code).id
    root = db_session.scalar(
        select(Jurisdiction.id).where(Jurisdiction.parent_id.is_(None)).order_by(Jurisdiction.id)
    )
    if root is None:
        raise InvalidInput("no jurisdiction to send the warning to", field="jurisdiction_code")
    return root


def _warning_tier(tier: str, callback_phone: str | None) -> Tier | None:
    """Red always warns the desk; a call back asked for warns it at orange or yellow."""
    if tier == Tier.red:
        return Tier.red
    if not callback_phone:
        return None
    return Tier.orange if tier == Tier.orange else Tier.yellow


def _case_advice(db_session: Session, fraud_type: str | None) -> dict[str, str] | None:
    """The cases library's signs and words for ``fraud_type``, when it holds a case."""
    if fraud_type is None:
        return None
    case = db_session.scalar(select(FraudCase).where(FraudCase.fraud_type == fraud_type))
    if case is None:
        return None
    return {
        "signs_zh": case.signs_zh,
        "signs_en": case.signs_en,
        "say_zh": case.say_zh,
        "say_en": case.say_en,
    }


def consult(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    body: ConsultationCreate,
) -> dict[str, Any]:
    """The screening with ``call_110`` and ``desk_warned`` (see ``ConsultationRead``)."""
    result = screening.screen(body.text)
    phone = (body.callback_phone or "").strip() or None
    tier = _warning_tier(result.tier, phone)
    station = _station_of(db_session, body) if tier is not None or result.is_fraud else None
    if station is not None:
        demand.record_question(
            db_session,
            result,
            jurisdiction_id=station,
            channel=QuestionChannel.consultation,
            answered=True,
        )
    if tier is not None and station is not None:
        data = WarningInput(
            jurisdiction_id=station,
            tier=tier,
            source=WarningSource.consultation,
            fraud_type=result.fraud_type,
            target_phone=phone,
            situation=body.text,
        )
        add_warning(
            db_session,
            settings,
            data,
            created_by_id=principal.user_id if principal is not None else None,
        )
    answer = screening.screening_json(result)
    answer["call_110"] = result.tier == Tier.red
    answer["desk_warned"] = tier is not None
    answer["case"] = _case_advice(db_session, result.fraud_type)
    return answer
