"""Connecting a registered group to its platform: the secrets checked, sealed and kept.

A group is connected once; connecting it again replaces its secrets (a rotation) and
keeps its callback address. Functions ``flush()``; the caller commits.
"""

from __future__ import annotations

import secrets as random
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.community.connectors import sealing, wecom
from pingan.community.connectors.models import GroupConnector
from pingan.community.models import ChatGroup, ChatPlatform
from pingan.config import Settings
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.principal import Principal

#: The secrets each platform needs, and the longest value taken.
NEEDED = {
    ChatPlatform.wecom: ("corp_id", "token", "aes_key"),
    ChatPlatform.dingtalk: ("app_secret",),
}
MAX_SECRET_CHARS = 256


def _check_secrets(platform: ChatPlatform, values: dict[str, str]) -> sealing.Secrets:
    needed = NEEDED.get(platform)
    if needed is None:
        raise InvalidInput("only wecom and dingtalk groups can be connected", field="platform")
    kept: dict[str, str] = {}
    for name in needed:
        value = (values.get(name) or "").strip()
        if not value or len(value) > MAX_SECRET_CHARS or not value.isprintable():
            raise InvalidInput(f"give the {name} (1 to {MAX_SECRET_CHARS} characters)", field=name)
        kept[name] = value
    if platform is ChatPlatform.wecom:
        try:
            wecom.aes_key(kept["aes_key"])
        except wecom.ProtocolError as exc:
            raise InvalidInput(str(exc), field="aes_key") from None
    return sealing.Secrets(kept)


def find_group(db_session: Session, platform: ChatPlatform, reference: str) -> ChatGroup:
    """The ``platform`` group whose external id, else whose name, is ``reference``."""
    found = list(
        db_session.scalars(
            select(ChatGroup)
            .where(
                ChatGroup.platform == platform,
                or_(ChatGroup.external_id == reference, ChatGroup.name == reference),
            )
            .order_by(ChatGroup.id)
        )
    )
    by_id = [g for g in found if g.external_id == reference]
    if len(by_id) == 1:
        return by_id[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"no {platform.value} group {reference!r} is registered", field="group")
    raise InvalidInput(
        f"{len(found)} groups are named {reference!r}: give the group id", field="group"
    )


def connect_group(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    platform: ChatPlatform,
    group: str,
    values: dict[str, str],
) -> GroupConnector:
    """Connect (or reconnect) the group; its secrets are sealed, never stored in clear."""
    principal.require("chat_group", "write")
    chosen = find_group(db_session, platform, group)
    principal.check(
        "chat_group", "write", jurisdictions.get(db_session, chosen.jurisdiction_id).path
    )
    sealed = sealing.seal(settings, _check_secrets(platform, values))
    connector = db_session.scalar(
        select(GroupConnector).where(GroupConnector.group_id == chosen.id)
    )
    if connector is None:
        connector = GroupConnector(
            group_id=chosen.id,
            platform=platform.value,
            slug=random.token_urlsafe(12),
            sealed=sealed,
        )
        db_session.add(connector)
    else:
        connector.sealed = sealed
    db_session.flush()
    audit.record(
        db_session,
        action="chat_group.connect",
        object_type="chat_group",
        object_id=chosen.id,
        principal=principal,
        jurisdiction_id=chosen.jurisdiction_id,
    )
    return connector


def connector_json(db_session: Session, connector: GroupConnector) -> dict[str, Any]:
    """What may be shown of a connector: its group and callback path, no secret."""
    group = db_session.get_one(ChatGroup, connector.group_id)
    return {
        "group_id": group.id,
        "group": group.name,
        "external_id": group.external_id,
        "platform": connector.platform,
        "callback_path": f"/api/v1/connectors/{connector.platform}/{connector.slug}",
    }
