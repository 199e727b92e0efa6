"""Referrals from banks and the 96110 centre: a CSV file becomes warnings, all or nothing.

Columns are mapped onto warning fields as for the 110 import
(``target_phone=电话,tier=等级,...``; :func:`pingan.incidents.imports.parse_mapping`).
``target_phone`` is required; a row without a tier gets it from screening its situation
(only red and orange become warnings). Every row is checked first; the first bad one is
named (line and column) and nothing is stored.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.antifraud import screening
from pingan.antifraud.intake import WarningInput, add_warning
from pingan.antifraud.models import Tier, WarningSource
from pingan.antifraud.schemas import MAX_SITUATION_CHARS
from pingan.config import Settings
from pingan.errors import Forbidden, InvalidInput
from pingan.incidents.imports import decode_upload
from pingan.jurisdictions import service as jurisdictions
from pingan.principal import Principal

#: Warning fields a CSV column can map to; ``target_phone`` is required.
REFERRAL_FIELDS = ("target_phone", "target_name", "situation", "tier", "fraud_type", "received_at")
#: Longest value of each short field (characters).
_LIMITS = {"target_phone": 32, "target_name": 100, "situation": MAX_SITUATION_CHARS}


def _check_mapping(mapping: dict[str, str], header: list[str]) -> None:
    unknown = [f for f in mapping if f not in REFERRAL_FIELDS]
    if unknown:
        raise InvalidInput(
            f"unknown field {unknown[0]!r} in the mapping; fields: {', '.join(REFERRAL_FIELDS)}",
            field="mapping",
        )
    if "target_phone" not in mapping:
        raise InvalidInput("the mapping must name a column for target_phone", field="mapping")
    absent = [c for c in mapping.values() if c not in header]
    if absent:
        raise InvalidInput(
            f"line 1: the header has no column {absent[0]!r} (columns: {', '.join(header)})",
            field="line 1",
        )


class _Row:
    """One CSV row read through the mapping; errors name the line and the column."""

    def __init__(self, row: dict[str, str], mapping: dict[str, str], line: int) -> None:
        self.row, self.mapping, self.line = row, mapping, line

    def cell(self, name: str) -> str:
        column = self.mapping.get(name)
        value = (self.row.get(column) or "").strip() if column else ""
        if len(value) > _LIMITS.get(name, 64):
            raise self.fail(name, f"longer than {_LIMITS.get(name, 64)} characters")
        return value

    def fail(self, name: str, reason: str) -> InvalidInput:
        where = f"line {self.line}, column {self.mapping[name]}"
        return InvalidInput(f"{where}: {reason}", field=where)


def _received(row: _Row, zone: ZoneInfo) -> datetime | None:
    raw = row.cell("received_at")
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("/", "-"))
    except ValueError:
        raise row.fail("received_at", f"{raw!r} is not a date and time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _tier_and_type(row: _Row) -> tuple[Tier, str | None]:
    fraud_type = row.cell("fraud_type") or None
    if fraud_type is not None and fraud_type not in FRAUD_TYPES:
        raise row.fail("fraud_type", f"unknown fraud type {fraud_type!r}")
    raw_tier = row.cell("tier")
    if raw_tier:
        if raw_tier not in Tier.__members__:
            raise row.fail("tier", f"{raw_tier!r} is not red, orange or yellow")
        return Tier(raw_tier), fraud_type
    situation = row.cell("situation")
    if not situation:
        raise row.fail(
            "tier" if "tier" in row.mapping else "target_phone", "no tier and no situation"
        )
    result = screening.screen(situation)
    if result.tier not in (Tier.red, Tier.orange):
        raise row.fail("situation", f"screens as {result.tier!r}; give a tier")
    return Tier(result.tier), fraud_type or result.fraud_type


def _row_input(row: _Row, jurisdiction_id: int) -> WarningInput:
    phone = row.cell("target_phone")
    if not phone:
        raise row.fail("target_phone", "a phone number is required")
    tier, fraud_type = _tier_and_type(row)
    return WarningInput(
        jurisdiction_id=jurisdiction_id,
        tier=tier,
        source=WarningSource.referral,
        fraud_type=fraud_type,
        target_name=row.cell("target_name") or None,
        target_phone=phone,
        situation=row.cell("situation") or None,
    )


def _station(db_session: Session, principal: Principal, code: str | None) -> int:
    if code is None:
        grant = principal.deepest_grant("warning", "write")
        if grant is None:
            raise Forbidden("your roles do not allow write on warning")
        return grant.jurisdiction_id
    node = jurisdictions.get_by_code(db_session, code)
    principal.check("warning", "write", node.path)
    return node.id


def import_referrals(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    raw: bytes,
    mapping: dict[str, str],
    *,
    jurisdiction_code: str | None = None,
) -> dict[str, Any]:
    """Store one warning per row, or none when any row is bad; the new warnings' ids."""
    principal.require("warning", "write")
    reader = csv.DictReader(io.StringIO(decode_upload(raw), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InvalidInput("line 1: the file has no header row", field="line 1")
    reader.fieldnames = header
    _check_mapping(mapping, header)
    station = _station(db_session, principal, jurisdiction_code)
    zone = ZoneInfo(settings.time_zone)
    checked = []
    for row in reader:
        read = _Row(row, mapping, reader.line_num)
        checked.append((_row_input(read, station), _received(read, zone)))
    if not checked:
        raise InvalidInput("the file holds no referrals", field="file")
    ids = [
        add_warning(db_session, settings, data, created_by_id=principal.user_id, now=at).id
        for data, at in checked
    ]
    return {"created_warnings": ids, "rows": len(ids)}
