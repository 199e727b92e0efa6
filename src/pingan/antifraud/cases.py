"""The cases library (典型案例): one case per fraud type, read by all staff and edited by
the desk in Chinese and English."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.antifraud.models import FraudCase
from pingan.antifraud.schemas import CaseWrite
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.principal import Principal


def case_json(case: FraudCase) -> dict[str, Any]:
    return {
        "fraud_type": case.fraud_type,
        "story_zh": case.story_zh,
        "story_en": case.story_en,
        "signs_zh": case.signs_zh,
        "signs_en": case.signs_en,
        "say_zh": case.say_zh,
        "say_en": case.say_en,
        "updated_at": case.updated_at,
    }


def list_cases(db_session: Session, principal: Principal) -> list[dict[str, Any]]:
    principal.require("case", "read")
    rows = db_session.scalars(select(FraudCase).order_by(FraudCase.fraud_type))
    return [case_json(case) for case in rows]


def get_case(db_session: Session, principal: Principal, fraud_type: str) -> dict[str, Any]:
    principal.require("case", "read")
    case = db_session.scalar(select(FraudCase).where(FraudCase.fraud_type == fraud_type))
    if case is None:
        raise NotFound(f"no case for {fraud_type!r} yet", field="fraud_type")
    return case_json(case)


def save_case(
    db_session: Session, principal: Principal, fraud_type: str, body: CaseWrite
) -> dict[str, Any]:
    """Write the case of ``fraud_type`` (one of the ten MPS types), new or edited."""
    principal.require("case", "write")
    if fraud_type not in FRAUD_TYPES:
        raise InvalidInput(
            f"unknown fraud type {fraud_type!r}; one of {', '.join(FRAUD_TYPES)}",
            field="fraud_type",
        )
    blank = [name for name, text in body.model_dump().items() if not text.strip()]
    if blank:
        raise InvalidInput("the text is blank", field=blank[0])
    case = db_session.scalar(select(FraudCase).where(FraudCase.fraud_type == fraud_type))
    if case is None:
        case = FraudCase(fraud_type=fraud_type)
        db_session.add(case)
    case.story_zh, case.story_en = body.story_zh.strip(), body.story_en.strip()
    case.signs_zh, case.signs_en = body.signs_zh.strip(), body.signs_en.strip()
    case.say_zh, case.say_en = body.say_zh.strip(), body.say_en.strip()
    case.updated_at = utcnow()
    case.updated_by_id = principal.user_id
    db_session.flush()
    return case_json(case)
