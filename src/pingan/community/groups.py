"""The registry of police–citizen group chats (警民群), its CSV import, and the links of the
chat intake's messages to it.

The chat intake (:mod:`pingan.incidents.chat`) keeps every message with the group's name
as the chat bridge sends it; it does not know the registry (``incidents`` sits below
``community``). A message is linked to the registered group whose ``name`` or
``external_id`` it carries and whose station holds the message's jurisdiction
(:class:`~pingan.community.models.ChatGroupMessage`): the API and the CLI link each new
message right after the intake stores it, and a newly registered group takes in the
earlier messages that carry its name. Functions ``flush()``; the caller commits.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.auth.models import User
from pingan.community.group_schemas import ChatGroupCreate, ChatGroupUpdate
from pingan.community.models import ChatGroup, ChatGroupMessage, ChatPlatform
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents.imports import decode_upload
from pingan.incidents.models import ChatMessage
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.principal import Principal

#: CSV columns of the registry and the Chinese headers taken for them.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "平台"),
    "external_id": ("external_id", "群号", "群ID"),
    "name": ("name", "群名", "群名称"),
    "grid_code": ("grid", "grid_code", "网格"),
    "officer": ("officer", "负责民警"),
    "member_count": ("member_count", "成员数", "群成员数"),
    "created_on": ("created_on", "建群日期"),
    "officer_senders": ("officer_senders", "民警昵称"),
}
_REQUIRED = ("platform", "external_id", "name", "grid_code", "officer", "created_on")
#: Platform words a CSV may use.
_PLATFORMS = {
    "wechat": ChatPlatform.wechat,
    "微信": ChatPlatform.wechat,
    "wecom": ChatPlatform.wecom,
    "企业微信": ChatPlatform.wecom,
    "dingtalk": ChatPlatform.dingtalk,
    "钉钉": ChatPlatform.dingtalk,
    "other": ChatPlatform.other,
    "其他": ChatPlatform.other,
}


def station_path(node: Jurisdiction, db_session: Session) -> str:
    """The path of the station that holds ``node`` (a grid's parent, or the node itself)."""
    if node.level is Level.grid and node.parent_id is not None:
        return jurisdictions.get(db_session, node.parent_id).path
    return node.path


def sender_names(group: ChatGroup) -> list[str]:
    return [n for n in group.officer_senders.split("\n") if n]


def officer_names(group: ChatGroup, officer: User) -> frozenset[str]:
    """The names whose messages in ``group`` are the police's: the owner's display name and
    the registered officer senders."""
    return frozenset(
        [*sender_names(group), *([officer.display_name] if officer.display_name else [])]
    )


# ----------------------------------------------------------------------------- registry


def _audit(
    db_session: Session,
    principal: Principal,
    action: str,
    object_id: object,
    jurisdiction_id: int | None,
) -> None:
    """One audit row; the CLI's operator (no account, user id 0) is named, not linked."""
    audit.record(
        db_session,
        action=action,
        object_type="chat_group",
        object_id=object_id,
        principal=principal if principal.user_id else None,
        actor=principal.username,
        jurisdiction_id=jurisdiction_id,
        client_addr=principal.client_addr,
    )


def _grid(db_session: Session, principal: Principal, code: str, field: str) -> Jurisdiction:
    try:
        node = jurisdictions.get_by_code(db_session, code)
    except NotFound:
        raise InvalidInput(f"no jurisdiction {code!r}", field=field) from None
    if node.level not in (Level.grid, Level.station):
        raise InvalidInput(f"{code!r} is a {node.level.value}, not a grid or station", field=field)
    if not principal.can("chat_group", "write", node.path):
        raise NotFound(f"no grid {code!r} in your jurisdictions", field=field)
    return node


def _officer(db_session: Session, username: str, field: str) -> User:
    user = db_session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise InvalidInput(f"no active account {username!r}", field=field)
    return user


def _check_unique(
    db_session: Session, platform: ChatPlatform, external_id: str, field: str
) -> None:
    taken = db_session.scalar(
        select(ChatGroup.id).where(
            ChatGroup.platform == platform, ChatGroup.external_id == external_id
        )
    )
    if taken is not None:
        raise Conflict(f"{platform.value} group {external_id!r} is registered already", field=field)


@dataclass(frozen=True)
class _Checked:
    data: ChatGroupCreate
    node: Jurisdiction
    officer: User


def _check(db_session: Session, principal: Principal, data: ChatGroupCreate) -> _Checked:
    node = _grid(db_session, principal, data.grid_code, "grid_code")
    officer = _officer(db_session, data.officer, "officer")
    _check_unique(db_session, data.platform, data.external_id, "external_id")
    return _Checked(data, node, officer)


def _check_row(
    db_session: Session,
    principal: Principal,
    data: ChatGroupCreate,
    line: int,
    columns: dict[str, str],
) -> _Checked:
    """:func:`_check` for a CSV row: the error names the line and the file's column (a grid
    out of the caller's reach reads as unknown)."""
    try:
        return _check(db_session, principal, data)
    except (InvalidInput, Conflict, NotFound) as exc:
        field = exc.field if exc.field in columns else "grid_code"
        where = f"line {line}, column {columns[field]}"
        message = f"{where}: {exc.message}"
        if isinstance(exc, Conflict):
            raise Conflict(message, field=where) from None
        raise InvalidInput(message, field=where) from None


def _store(db_session: Session, checked: _Checked, *, simulated: bool) -> ChatGroup:
    data = checked.data
    group = ChatGroup(
        jurisdiction_id=checked.node.id,
        platform=data.platform,
        external_id=data.external_id,
        name=data.name,
        officer_id=checked.officer.id,
        officer_senders=_senders(data.officer_senders),
        member_count=data.member_count,
        created_on=data.created_on,
        simulated=simulated,
    )
    db_session.add(group)
    db_session.flush()
    return group


def register_group(
    db_session: Session, principal: Principal, data: ChatGroupCreate, *, simulated: bool = False
) -> ChatGroup:
    """Register one group and link the messages the intake kept for it before."""
    principal.require("chat_group", "write")
    group = _store(db_session, _check(db_session, principal, data), simulated=simulated)
    link_history(db_session, [group])
    _audit(db_session, principal, "chat_group.register", group.id, group.jurisdiction_id)
    return group


def _senders(names: Iterable[str]) -> str:
    return "\n".join(dict.fromkeys(n.strip() for n in names if n.strip()))


def update_group(
    db_session: Session, principal: Principal, group_id: int, data: ChatGroupUpdate
) -> ChatGroup:
    """Change a group's name, grid, owner, officer names or member count."""
    group = get_group(db_session, principal, group_id)
    principal.check(
        "chat_group", "write", jurisdictions.get(db_session, group.jurisdiction_id).path
    )
    if data.grid_code is not None:
        group.jurisdiction_id = _grid(db_session, principal, data.grid_code, "grid_code").id
    if data.officer is not None:
        group.officer_id = _officer(db_session, data.officer, "officer").id
    if data.officer_senders is not None:
        group.officer_senders = _senders(data.officer_senders)
    if data.member_count is not None:
        group.member_count = data.member_count
    if data.name is not None:
        group.name = data.name
    db_session.flush()
    link_history(db_session, [group])
    _audit(db_session, principal, "chat_group.update", group.id, group.jurisdiction_id)
    return group


def get_group(db_session: Session, principal: Principal, group_id: int) -> ChatGroup:
    group = db_session.get(ChatGroup, group_id)
    if group is None:
        raise NotFound("no such chat_group")
    node = jurisdictions.get(db_session, group.jurisdiction_id)
    principal.check("chat_group", "read", node.path)
    return group


def visible_groups(db_session: Session, principal: Principal) -> list[ChatGroup]:
    """The groups of the caller's jurisdictions, by grid then name."""
    principal.require("chat_group", "read")
    return list(
        db_session.scalars(
            select(ChatGroup)
            .join(Jurisdiction, Jurisdiction.id == ChatGroup.jurisdiction_id)
            .where(principal.visible_clause("chat_group", "read", Jurisdiction.path))
            .order_by(Jurisdiction.code, ChatGroup.name, ChatGroup.id)
        )
    )


def group_json(db_session: Session, group: ChatGroup) -> dict[str, Any]:
    node = jurisdictions.get(db_session, group.jurisdiction_id)
    officer = db_session.get_one(User, group.officer_id)
    return {
        "id": group.id,
        "platform": group.platform,
        "external_id": group.external_id,
        "name": group.name,
        "grid_code": node.code,
        "officer": officer.username,
        "officer_name": officer.display_name,
        "officer_senders": sender_names(group),
        "member_count": group.member_count,
        "created_on": group.created_on,
        "simulated": group.simulated,
    }


# ----------------------------------------------------------------------------- CSV


def _header_map(header: list[str]) -> dict[str, str]:
    """Registry field → the file's column; the required ones must be there."""
    found: dict[str, str] = {}
    for name, aliases in CSV_COLUMNS.items():
        column = next((h for h in header if h.strip().lower() in aliases), None)
        if column is not None:
            found[name] = column
    missing = [CSV_COLUMNS[n][0] for n in _REQUIRED if n not in found]
    if missing:
        raise InvalidInput(
            f"line 1: the header has no column {missing[0]!r} (columns: {', '.join(header)})",
            field="line 1",
        )
    return found


def _cell(row: dict[str, str], columns: dict[str, str], name: str) -> str:
    column = columns.get(name)
    return (row.get(column) or "").strip() if column else ""


def _row_data(row: dict[str, str], columns: dict[str, str], line: int) -> ChatGroupCreate:
    def fail(name: str, reason: str) -> InvalidInput:
        where = f"line {line}, column {columns[name]}"
        return InvalidInput(f"{where}: {reason}", field=where)

    raw_platform = _cell(row, columns, "platform")
    platform = _PLATFORMS.get(raw_platform.lower())
    if platform is None:
        raise fail("platform", f"{raw_platform!r} is not wechat, wecom, dingtalk or other")
    raw_count = _cell(row, columns, "member_count") or "0"
    if not raw_count.isdigit():
        raise fail("member_count", f"{raw_count!r} is not a whole number")
    raw_date = _cell(row, columns, "created_on").replace("/", "-")
    try:
        created_on = date.fromisoformat(raw_date)
    except ValueError:
        raise fail("created_on", f"{raw_date!r} is not a date (2026-07-01)") from None
    senders = _cell(row, columns, "officer_senders").replace("；", ";").replace("、", ";")
    values = {
        "platform": platform,
        "external_id": _cell(row, columns, "external_id"),
        "name": _cell(row, columns, "name"),
        "grid_code": _cell(row, columns, "grid_code"),
        "officer": _cell(row, columns, "officer"),
        "member_count": int(raw_count),
        "created_on": created_on,
        "officer_senders": [s.strip() for s in senders.split(";") if s.strip()],
    }
    try:
        return ChatGroupCreate.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0])
        raise fail(name, error["msg"]) from None


def import_groups(
    db_session: Session, principal: Principal, raw: bytes, *, simulated: bool = False
) -> dict[str, Any]:
    """Register one group per CSV row, or none when any row is bad (the error names the line
    and the column); then link the messages the intake kept for them."""
    principal.require("chat_group", "write")
    reader = csv.DictReader(io.StringIO(decode_upload(raw), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InvalidInput("line 1: the file has no header row", field="line 1")
    reader.fieldnames = header
    columns = _header_map(header)
    checked: list[_Checked] = []
    seen: dict[tuple[ChatPlatform, str], int] = {}
    for row in reader:
        line = reader.line_num
        data = _row_data(row, columns, line)
        key = (data.platform, data.external_id)
        if key in seen:
            where = f"line {line}, column {columns['external_id']}"
            raise InvalidInput(f"{where}: the same group as line {seen[key]}", field=where)
        seen[key] = line
        checked.append(_check_row(db_session, principal, data, line, columns))
    if not checked:
        raise InvalidInput("the file holds no groups", field="file")
    groups = [_store(db_session, c, simulated=simulated) for c in checked]
    linked = link_history(db_session, groups)
    _audit(db_session, principal, "chat_group.import", f"{len(groups)} groups", None)
    return {
        "created_groups": [g.id for g in groups],
        "rows": len(groups),
        "linked_messages": linked,
    }


# ----------------------------------------------------------------------------- links


def _unlinked() -> Any:
    return ~exists().where(ChatGroupMessage.message_id == ChatMessage.id)


#: Group names looked up per query when many groups link their history at once.
_NAMES_PER_QUERY = 500


def _link(
    db_session: Session, messages: Iterable[tuple[int, str, str]], groups: Sequence[ChatGroup]
) -> int:
    """Link (message id, group name, jurisdiction path) triples to the one group each names
    inside its station; an external id match wins over a name match, and a name that two
    groups of the station share links nowhere."""
    stations = {
        g.id: station_path(jurisdictions.get(db_session, g.jurisdiction_id), db_session)
        for g in groups
    }
    by_external: dict[str, list[ChatGroup]] = defaultdict(list)
    by_name: dict[str, list[ChatGroup]] = defaultdict(list)
    for group in groups:
        by_external[group.external_id].append(group)
        by_name[group.name].append(group)
    count = 0
    for message_id, group_name, path in messages:
        match = [g for g in by_external.get(group_name, []) if path.startswith(stations[g.id])]
        if not match:
            match = [g for g in by_name.get(group_name, []) if path.startswith(stations[g.id])]
        if len(match) == 1:
            db_session.add(ChatGroupMessage(message_id=message_id, group_id=match[0].id))
            count += 1
    db_session.flush()
    return count


def _groups_named(db_session: Session, names: set[str]) -> list[ChatGroup]:
    if not names:
        return []
    return list(
        db_session.scalars(
            select(ChatGroup).where(
                or_(ChatGroup.name.in_(names), ChatGroup.external_id.in_(names))
            )
        )
    )


def is_police_sender(db_session: Session, group_name: str, sender: str) -> bool:
    """Whether ``sender`` writes for the police in the registered group ``group_name`` (its
    officer's display name or a registered officer sender): such a message is an answer,
    never a citizen's report."""
    for group in _groups_named(db_session, {group_name}):
        officer = db_session.get(User, group.officer_id)
        if officer is not None and sender in officer_names(group, officer):
            return True
    return False


def _link_where(db_session: Session, *conditions: Any) -> int:
    """Link the unlinked messages that meet ``conditions``."""
    rows = db_session.execute(
        select(ChatMessage.id, ChatMessage.group_name, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == ChatMessage.jurisdiction_id)
        .where(*conditions, _unlinked())
        .order_by(ChatMessage.id)
    ).all()
    groups = _groups_named(db_session, {name for _, name, _ in rows})
    return _link(db_session, [(r[0], r[1], r[2]) for r in rows], groups)


def link_messages(db_session: Session, message_ids: Sequence[int]) -> int:
    """Link the chat intake's new messages to their registered groups; how many were linked.

    Messages already linked, or naming no registered group of their station, are left."""
    if not message_ids:
        return 0
    return _link_where(db_session, ChatMessage.id.in_(list(message_ids)))


def last_message_id(db_session: Session) -> int:
    """The newest chat message's id (0 with none): an import links what comes after it."""
    return db_session.scalar(select(func.max(ChatMessage.id))) or 0


def link_messages_after(db_session: Session, after_id: int, group_name: str) -> int:
    """Link the messages of ``group_name`` stored after message ``after_id`` (a chat
    export's import)."""
    return _link_where(db_session, ChatMessage.id > after_id, ChatMessage.group_name == group_name)


def link_history(db_session: Session, groups: Sequence[ChatGroup]) -> int:
    """Link the messages kept before ``groups`` were registered that carry their names or
    external ids (a few hundred names per query)."""
    keys = sorted({k for g in groups for k in (g.name, g.external_id)})
    return sum(
        _link_where(db_session, ChatMessage.group_name.in_(keys[i : i + _NAMES_PER_QUERY]))
        for i in range(0, len(keys), _NAMES_PER_QUERY)
    )
