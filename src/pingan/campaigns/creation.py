"""Create, find and read campaigns; targets from a TOML file.

One campaign runs per jurisdiction at a time: a campaign whose period overlaps another's
on any of the same jurisdictions is refused (:class:`~pingan.errors.Conflict`) with the
other campaign's name and period. A target names a known figure
(:data:`pingan.campaigns.catalogue.FIGURES`) of a jurisdiction the campaign covers.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns.catalogue import spec
from pingan.campaigns.models import Campaign, CampaignJurisdiction, CampaignTarget, FocusPlace
from pingan.campaigns.schemas import CampaignCreate, TargetIn
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def hhmm(minutes: int) -> str:
    """Minutes after midnight → ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def targets_from_toml(text: str) -> list[TargetIn]:
    """``[[target]]`` tables (``jurisdiction``, ``figure``, ``direction``, ``value``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"the targets file is no TOML: {exc}", field="targets") from None
    rows = data.get("target", [])
    if not isinstance(rows, list):
        raise InvalidInput("targets are [[target]] tables", field="targets")
    try:
        return [TargetIn.model_validate(row) for row in rows]
    except ValueError as exc:
        raise InvalidInput(f"a target is malformed: {exc}", field="targets") from None


def create_campaign(
    db_session: Session, principal: Principal, body: CampaignCreate, *, simulated: bool = False
) -> Campaign:
    """Store a campaign after checking who may, the figures, and overlaps."""
    principal.require("campaign", "write")
    nodes: dict[str, Jurisdiction] = {}
    for code in body.jurisdictions:
        node = db_session.scalar(select(Jurisdiction).where(Jurisdiction.code == code))
        if node is None or not principal.can("campaign", "write", node.path):
            raise NotFound(f"no such jurisdiction {code!r} held by you", field="jurisdictions")
        nodes[code] = node
    for target in body.targets:
        spec(target.figure)
        if target.jurisdiction not in nodes:
            raise InvalidInput(
                f"target on {target.jurisdiction!r}, which the campaign does not cover",
                field="targets.jurisdiction",
            )
    clash = db_session.execute(
        select(Campaign, Jurisdiction.code)
        .join(CampaignJurisdiction, CampaignJurisdiction.campaign_id == Campaign.id)
        .join(Jurisdiction, Jurisdiction.id == CampaignJurisdiction.jurisdiction_id)
        .where(
            CampaignJurisdiction.jurisdiction_id.in_([n.id for n in nodes.values()]),
            Campaign.starts_on <= body.ends_on,
            Campaign.ends_on >= body.starts_on,
        )
    ).first()
    if clash is not None:
        other, code = clash
        raise Conflict(
            f"{code} already has a campaign in that period: {other.name} "
            f"({other.starts_on} – {other.ends_on})"
        )
    campaign = Campaign(
        name=body.name,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        simulated=simulated,
        created_by=principal.user_id or None,
    )
    db_session.add(campaign)
    db_session.flush()
    for node in nodes.values():
        db_session.add(CampaignJurisdiction(campaign_id=campaign.id, jurisdiction_id=node.id))
    for place in body.focus_places:
        db_session.add(
            FocusPlace(
                campaign_id=campaign.id,
                name=place.name,
                lat=place.lat,
                lon=place.lon,
                radius_m=place.radius_m,
                polygon=None
                if place.polygon is None
                else {"type": "Polygon", "coordinates": [[list(p) for p in place.polygon]]},
                osm_place=place.osm_place,
                hours_from=_minutes(place.hours_from),
                hours_to=_minutes(place.hours_to),
            )
        )
    for target in body.targets:
        db_session.add(
            CampaignTarget(
                campaign_id=campaign.id,
                jurisdiction_id=nodes[target.jurisdiction].id,
                figure=target.figure,
                direction=target.direction,
                value=target.value,
            )
        )
    db_session.flush()
    return campaign


def jurisdictions_of(db_session: Session, campaign: Campaign) -> list[Jurisdiction]:
    """The jurisdictions a campaign covers, by code."""
    return list(
        db_session.scalars(
            select(Jurisdiction)
            .join(CampaignJurisdiction, CampaignJurisdiction.jurisdiction_id == Jurisdiction.id)
            .where(CampaignJurisdiction.campaign_id == campaign.id)
            .order_by(Jurisdiction.code)
        )
    )


def visible_campaigns(db_session: Session, principal: Principal) -> list[Campaign]:
    """Campaigns covering a jurisdiction the caller may read campaigns of, newest first."""
    principal.require("campaign", "read")
    return list(
        db_session.scalars(
            select(Campaign)
            .join(CampaignJurisdiction, CampaignJurisdiction.campaign_id == Campaign.id)
            .join(Jurisdiction, Jurisdiction.id == CampaignJurisdiction.jurisdiction_id)
            .where(principal.visible_clause("campaign", "read", Jurisdiction.path))
            .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
            .distinct()
        )
    )


def get_campaign(db_session: Session, principal: Principal, campaign_id: int | None) -> Campaign:
    """The campaign ``campaign_id`` (default: the caller's current or latest one)."""
    found = visible_campaigns(db_session, principal)
    if campaign_id is None:
        if not found:
            raise NotFound("no campaign", field="campaign")
        return found[0]
    for campaign in found:
        if campaign.id == campaign_id:
            return campaign
    raise NotFound("no such campaign", field="campaign")


def current_campaign(db_session: Session, principal: Principal, today: dt.date) -> Campaign | None:
    """The caller's campaign running on ``today``, else the latest one, else ``None``."""
    if not principal.matching_grants("campaign", "read"):
        return None
    found = visible_campaigns(db_session, principal)
    running = [c for c in found if c.starts_on <= today <= c.ends_on]
    pool = running or found
    return pool[0] if pool else None


def campaign_json(db_session: Session, campaign: Campaign) -> dict[str, Any]:
    """The campaign with its jurisdictions, focus places and targets."""
    codes = {j.id: j.code for j in jurisdictions_of(db_session, campaign)}
    places = db_session.scalars(
        select(FocusPlace).where(FocusPlace.campaign_id == campaign.id).order_by(FocusPlace.id)
    )
    targets = db_session.scalars(
        select(CampaignTarget)
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.id)
    )
    return {
        "id": campaign.id,
        "name": campaign.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "simulated": campaign.simulated,
        "jurisdictions": list(codes.values()),
        "focus_places": [
            {
                "id": p.id,
                "name": p.name,
                "lat": p.lat,
                "lon": p.lon,
                "radius_m": p.radius_m,
                "polygon": p.polygon,
                "osm_place": p.osm_place,
                "hours": f"{hhmm(p.hours_from)}–{hhmm(p.hours_to)}",
                "crosses_midnight": p.hours_to < p.hours_from,
            }
            for p in places
        ],
        "targets": [
            {
                "id": t.id,
                "jurisdiction": codes.get(t.jurisdiction_id, "?"),
                "figure": t.figure,
                "direction": t.direction,
                "value": t.value,
            }
            for t in targets
        ],
    }
