"""Open311 GeoReport v2: pingan's incident types as services, requests, tokens, API keys.

Requests are posted form-encoded with an API key that names the client and the
jurisdiction it files into: in the ``X-API-Key`` header (preferred: headers stay out of
access logs) or, as GeoReport v2 has it, in the ``api_key`` parameter. Police reports are
not public records: a key reads back only the requests it filed (``GET requests.json``
and ``requests/{id}.json`` need the key too); a token (the report's public token)
resolves to its request id for anyone holding it. Times are ISO 8601 with offset; status
is ``open`` or ``closed``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.text.lexicon import FRAUD_TYPES, INCIDENT_TYPES
from pingan.audit import service as audit
from pingan.bounds import INT32_MAX
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound, Unauthenticated
from pingan.incidents import privacy, rows, writer
from pingan.incidents.lifecycle import CLOSED_STATUSES
from pingan.incidents.models import Channel, Incident, Open311Key
from pingan.incidents.placement import ReportInput, prepare
from pingan.incidents.schemas import MAX_DESCRIPTION_CHARS, ItemIn
from pingan.jurisdictions import service as jurisdictions

#: Most ids one ``GET requests.json`` may ask for.
MAX_REQUEST_IDS = 200

#: service_code → (中文名, English name, group)
SERVICE_NAMES: dict[str, tuple[str, str, str]] = {
    "theft.ebike": ("电动车被盗", "E-bike or battery theft", "theft"),
    "theft.bicycle": ("自行车被盗", "Bicycle theft", "theft"),
    "theft.phone": ("手机被盗", "Phone theft", "theft"),
    "theft.burglary": ("入室盗窃", "Burglary", "theft"),
    "theft.vehicle": ("机动车及车内财物被盗", "Car or theft from a car", "theft"),
    "theft.other": ("其他盗窃", "Other theft", "theft"),
    "robbery": ("抢劫抢夺", "Robbery", "violence"),
    "fraud": ("诈骗", "Fraud", "fraud"),
    "assault": ("殴打他人", "Assault", "violence"),
    "dispute": ("纠纷", "Dispute", "order"),
    "noise": ("噪音扰民", "Noise", "order"),
    "fire_hazard": ("消防隐患", "Fire hazard", "safety"),
    "traffic": ("交通事故及违法", "Traffic", "safety"),
    "missing_person": ("人员走失", "Missing person", "people"),
    "suspicious": ("可疑情况", "Suspicious activity", "order"),
    "vice": ("黄赌毒", "Gambling, drugs, prostitution", "order"),
    "other": ("其他警情", "Other", "other"),
}
assert set(SERVICE_NAMES) == set(INCIDENT_TYPES)

_FRAUD_NAMES_ZH = {
    "rebate_task": "刷单返利",
    "investment": "虚假投资理财",
    "fake_shopping": "虚假购物、服务",
    "customer_service": "冒充电商物流客服",
    "loan": "虚假贷款",
    "credit_record": "虚假征信",
    "impersonating_acquaintance": "冒充领导、熟人",
    "impersonating_officials": "冒充公检法及政府机关",
    "romance": "网络婚恋、交友",
    "game_trade": "网络游戏产品虚假交易",
}
_COLOURS = ("black", "white", "red", "blue", "green", "yellow", "grey", "silver", "pink", "other")
_THEFT_KIND = {
    "theft.ebike": "ebike",
    "theft.bicycle": "bicycle",
    "theft.phone": "phone",
    "theft.vehicle": "car",
}


def _attribute(
    code: str, description: str, datatype: str, order: int, values: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": "",
        "order": order,
        "description": description,
        "values": [{"key": k, "name": n} for k, n in values],
    }


def attributes_for(service_code: str) -> list[dict[str, Any]]:
    """The extra fields a service asks for (all optional; text extraction fills gaps)."""
    attrs = [
        _attribute("occurred_at", "When it happened (ISO 8601) 发生时间", "datetime", 1),
    ]
    if service_code.startswith("theft.") or service_code == "robbery":
        attrs += [
            _attribute("item_brand", "Brand 品牌", "string", 2),
            _attribute(
                "item_colour", "Colour 颜色", "singlevaluelist", 3, [(c, c) for c in _COLOURS]
            ),
            _attribute("plate", "Plate or frame number 车牌/车架号", "string", 4),
            _attribute("value_yuan", "Value in yuan 价值（元）", "number", 5),
        ]
    if service_code == "fraud":
        attrs += [
            _attribute(
                "fraud_type",
                "Kind of fraud 诈骗类型",
                "singlevaluelist",
                2,
                [(k, _FRAUD_NAMES_ZH[k]) for k in FRAUD_TYPES],
            ),
            _attribute("amount_yuan", "Money lost in yuan 损失金额（元）", "number", 3),
        ]
    return attrs


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": "2026-07-01T00:00:00+08:00",
        "contact": "the district's police station (pingan)",
        "key_service": "pingan open311 keys add NAME --jurisdiction CODE",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base_url.rstrip("/") + "/open311/v2",
                "changeset": "2026-07-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


def services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": code,
            "service_name": f"{zh} {en}",
            "description": f"{zh} / {en}",
            "metadata": True,
            "type": "realtime",
            "keywords": code.replace(".", ","),
            "group": group,
        }
        for code, (zh, en, group) in SERVICE_NAMES.items()
    ]


def service_definition(service_code: str) -> dict[str, Any]:
    if service_code not in SERVICE_NAMES:
        raise NotFound(f"unknown service code {service_code!r}", field="service_code")
    return {"service_code": service_code, "attributes": attributes_for(service_code)}


# --------------------------------------------------------------------------- keys


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def create_key(db_session: Session, name: str, jurisdiction_code: str) -> tuple[str, Open311Key]:
    """Make a new API key for an Open311 client; the key itself is shown only once."""
    if not name.strip() or len(name) > 100:
        raise InvalidInput("the key name must have 1 to 100 characters", field="name")
    node = jurisdictions.get_by_code(db_session, jurisdiction_code)
    key = "o311_" + secrets.token_urlsafe(24)
    row = Open311Key(name=name.strip(), key_hash=_key_hash(key), jurisdiction_id=node.id)
    db_session.add(row)
    db_session.flush()
    audit.record(
        db_session,
        action="open311.key_create",
        object_type="open311_key",
        object_id=row.id,
        actor="cli",
        role="admin",
        jurisdiction_id=node.id,
    )
    return key, row


#: The request header that may carry the API key instead of the ``api_key`` parameter.
KEY_HEADER = "X-API-Key"


def given_key(header: str | None, parameter: str | None) -> str | None:
    """The key a request presents: the ``X-API-Key`` header, else the ``api_key`` parameter.

    Raises
    ------
    InvalidInput
        Both are given and differ.
    """
    if header and parameter and header != parameter:
        raise InvalidInput(
            f"api_key and the {KEY_HEADER} header differ; send the key once", field="api_key"
        )
    return header or parameter or None


def authenticate_key(db_session: Session, api_key: str | None) -> Open311Key:
    if not api_key:
        raise Unauthenticated("api_key is required")
    row = db_session.scalar(select(Open311Key).where(Open311Key.key_hash == _key_hash(api_key)))
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("api_key is invalid or revoked")
    return row


# --------------------------------------------------------------------------- requests


def parse_form(body: bytes) -> dict[str, str]:
    """Decode an ``application/x-www-form-urlencoded`` body strictly (UTF-8 only)."""
    try:
        text = body.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InvalidInput("the request body is not valid UTF-8", field="body") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def _float(form: dict[str, str], name: str) -> float | None:
    raw = form.get(name, "").strip()
    if raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number", field=name) from None


def _int(form: dict[str, str], name: str) -> int | None:
    value = _float(form, name)
    if value is None:
        return None
    if value < 0:
        raise InvalidInput(f"{name} must not be negative", field=name)
    if not value <= 2_147_483_647:  # also nan and inf
        raise InvalidInput(f"{name} must be a whole number up to 2147483647", field=name)
    return int(value)


def create_request(
    db_session: Session,
    settings: Settings,
    form: dict[str, str],
    *,
    header_key: str | None = None,
    geocode: Any = None,
) -> rows.Written:
    """``POST requests.json``: one Open311 service request becomes an incident.

    The key is ``header_key`` (the ``X-API-Key`` header) or the form's ``api_key``.
    Written like a JSON report (:func:`pingan.incidents.writer.write`: group
    commit on a SQLite snapshot session)."""
    key = authenticate_key(db_session, given_key(header_key, form.get("api_key")))
    code = form.get("service_code", "")
    if not code:
        raise InvalidInput("service_code is required", field="service_code")
    if code not in SERVICE_NAMES:
        raise InvalidInput(f"unknown service code {code!r}", field="service_code")
    lat, lon = _float(form, "lat"), _float(form, "long")
    address = form.get("address_string") or None
    if (lat is None or lon is None) and not address and not form.get("address_id"):
        raise InvalidInput("a location is required: lat and long, or address_string", field="lat")
    description = form.get("description", "")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidInput(
            f"the description has {len(description)} characters; at most "
            f"{MAX_DESCRIPTION_CHARS} are accepted",
            field="description",
        )
    name = " ".join(p for p in (form.get("last_name", ""), form.get("first_name", "")) if p)
    occurred_start = occurred_end = None
    occurred_raw = form.get("attribute[occurred_at]", "").strip()
    if occurred_raw:
        try:
            occurred = datetime.fromisoformat(occurred_raw)
        except ValueError:
            raise InvalidInput(
                "attribute[occurred_at] must be ISO 8601", field="attribute[occurred_at]"
            ) from None
        if occurred.tzinfo is None:
            occurred = occurred.replace(tzinfo=ZoneInfo(settings.time_zone))
        occurred_start = occurred_end = occurred
    items = None
    kind = _THEFT_KIND.get(code)
    if kind and any(form.get(f"attribute[{a}]") for a in ("item_brand", "item_colour", "plate")):
        items = [
            ItemIn(
                kind=kind,
                brand=form.get("attribute[item_brand]") or None,
                colour=form.get("attribute[item_colour]") or None,
                plate=form.get("attribute[plate]") or None,
                value_yuan=_int(form, "attribute[value_yuan]"),
            )
        ]
    fraud_type = form.get("attribute[fraud_type]") or None
    if fraud_type is not None and fraud_type not in FRAUD_TYPES:
        raise InvalidInput(f"unknown fraud type {fraud_type!r}", field="attribute[fraud_type]")
    data = ReportInput(
        text=description,
        channel=Channel.open311,
        received_at=utcnow(),
        type=code,
        fraud_type=fraud_type if code == "fraud" else None,
        lat=lat,
        lon=lon,
        place_text=address,
        occurred_start=occurred_start,
        occurred_end=occurred_end,
        reporter_name=name or None,
        reporter_phone=form.get("phone") or None,
        items=items,
        source_ref=f"open311 key {key.id}",
        open311_key_id=key.id,
        point_field="lat",
    )
    placed = prepare(db_session, settings, data, key.jurisdiction_id, geocode=geocode)
    pending = rows.pending_report(placed, principal=None, actor=f"open311:{key.name}"[:64])
    return writer.write(db_session, [pending])[0]


def _status(incident: Incident) -> str:
    return "closed" if incident.status in CLOSED_STATUSES else "open"


def request_json(incident: Incident) -> dict[str, Any]:
    """The GeoReport v2 body of a request. ``status_notes`` is the public status note that
    staff wrote on purpose (never an internal note); it, the description and the address
    pass :func:`pingan.incidents.privacy.redact` with nothing shown (a key is no person)."""
    zh, en, _group = SERVICE_NAMES.get(incident.type, SERVICE_NAMES["other"])
    return {
        "service_request_id": str(incident.id),
        "status": _status(incident),
        "status_notes": privacy.redact(incident.public_note, privacy.NOBODY),
        "service_name": f"{zh} {en}",
        "service_code": incident.type,
        "description": privacy.redact(incident.description, privacy.NOBODY),
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": incident.received_at.isoformat(),
        "updated_datetime": incident.updated_at.isoformat(),
        "expected_datetime": None,
        "address": privacy.redact(incident.place_text, privacy.NOBODY),
        "address_id": None,
        "zipcode": None,
        "lat": incident.lat,
        "long": incident.lon,
        "media_url": None,
    }


def _parse_date(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{name} must be ISO 8601 (W3C)", field=name) from None
    if parsed.tzinfo is None:
        raise InvalidInput(f"{name} needs a UTC offset", field=name)
    return parsed


def list_requests(
    db_session: Session,
    api_key: str | None,
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """``GET requests.json`` with the standard filters, over this key's own requests.

    Without ids or dates, the last 90 days; at most 1000 requests, newest first.
    """
    key = authenticate_key(db_session, api_key)
    query = select(Incident).where(Incident.open311_key_id == key.id)
    if service_request_id:
        parts = [part.strip() for part in service_request_id.split(",") if part.strip()]
        if len(parts) > MAX_REQUEST_IDS or not all(_is_id(part) for part in parts):
            raise InvalidInput(
                f"service_request_id must be at most {MAX_REQUEST_IDS} numbers "
                f"(1 to {INT32_MAX}) separated by commas",
                field="service_request_id",
            )
        query = query.where(Incident.id.in_([int(part) for part in parts]))
    else:
        start = _parse_date(start_date, "start_date")
        end = _parse_date(end_date, "end_date")
        if start is None and end is None:
            start = utcnow() - timedelta(days=90)
        if start is not None:
            query = query.where(Incident.received_at >= start)
        if end is not None:
            query = query.where(Incident.received_at <= end)
        if service_code:
            codes = [c.strip() for c in service_code.split(",") if c.strip()]
            unknown = [c for c in codes if c not in SERVICE_NAMES]
            if unknown:
                raise InvalidInput(f"unknown service code {unknown[0]!r}", field="service_code")
            query = query.where(Incident.type.in_(codes))
        if status:
            wanted = {s.strip() for s in status.split(",") if s.strip()}
            if not wanted <= {"open", "closed"}:
                raise InvalidInput("status must be open, closed or both", field="status")
            closed = [s.value for s in CLOSED_STATUSES]
            if wanted == {"open"}:
                query = query.where(Incident.status.not_in(closed))
            elif wanted == {"closed"}:
                query = query.where(Incident.status.in_(closed))
    rows = db_session.scalars(query.order_by(Incident.received_at.desc()).limit(1000))
    return [request_json(i) for i in rows]


def _is_id(text: str) -> bool:
    """A record id written in ASCII digits within 1 … 2^31 - 1 (a longer number would
    overflow the database's integer)."""
    return len(text) <= 10 and text.isascii() and text.isdigit() and 1 <= int(text) <= INT32_MAX


def get_request(db_session: Session, api_key: str | None, request_id: str) -> dict[str, Any]:
    key = authenticate_key(db_session, api_key)
    if not _is_id(request_id):
        raise NotFound("no such service request")
    incident = db_session.get(Incident, int(request_id))
    if incident is None or incident.open311_key_id != key.id:
        raise NotFound("no such service request")
    return request_json(incident)


def resolve_token(db_session: Session, token: str) -> dict[str, str]:
    incident = db_session.scalar(select(Incident).where(Incident.public_token == token))
    if incident is None:
        raise NotFound("no such token")
    return {"service_request_id": str(incident.id), "token": token}
