"""Tables of the community package.

Two sections: volunteers, teams, shifts, check-ins and clues (15.1-3); drills and the
police–citizen group chats (15.4-5).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import Base, UTCDateTime, utcnow


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20)


# --- volunteers, shifts, check-ins, clues (15.1-3) ---


class VolunteerStatus(enum.StrEnum):
    applied = "applied"  # from the public page, waiting for an officer
    approved = "approved"  # approved, not on duty yet
    active = "active"
    paused = "paused"
    left = "left"


class TeamKind(enum.StrEnum):
    red_armband = "red_armband"  # 红袖标
    firefly = "firefly"  # 萤火虫
    named = "named"  # named by the station


class VolunteerTeam(Base):
    """A volunteer team of a station, with its lead and home grid.

    ``lead_volunteer_id`` names a member (checked by the service; no foreign key, since
    volunteers refer to their team).
    """

    __tablename__ = "volunteer_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[TeamKind] = mapped_column(_enum(TeamKind), default=TeamKind.named)
    home_grid_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"))
    lead_volunteer_id: Mapped[int | None] = mapped_column(Integer)
    #: Shown on the points leaderboard (teams opt in).
    leaderboard_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Volunteer(Base):
    """A volunteer of a station (personal data: name, phone and ID number are masked for
    roles without ``volunteer.personal_data`` and unmasked reads are audited)."""

    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The station the volunteer serves.
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    #: The volunteer's account (for the phone page), when there is one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(32))
    #: Skills as short codes (first_aid, driving, lang_en …).
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: When the volunteer can serve, as written (平日晚上, weekends …).
    availability: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[VolunteerStatus] = mapped_column(
        _enum(VolunteerStatus), default=VolunteerStatus.applied
    )
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)


class Qualification(Base):
    """A qualification a volunteer holds (first aid …) until its expiry day."""

    __tablename__ = "volunteer_qualification"
    __table_args__ = (UniqueConstraint("volunteer_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    expires_on: Mapped[date | None] = mapped_column(Date)


class PointKind(enum.StrEnum):
    post = "post"  # a plan's post (where a group stands)
    stop = "stop"  # a stop of a plan's hot-spot loop


class Shift(Base):
    """A volunteer shift on the active patrol plan's post or loop, with a police group.

    ``group_no`` is the plan's police group the volunteers patrol with (the post's or the
    loop's group). ``required`` lists the qualification kinds every member must hold,
    valid on the shift's day.
    """

    __tablename__ = "volunteer_shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plan.id"), index=True)
    point_kind: Mapped[PointKind] = mapped_column(_enum(PointKind))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_plan_post.id"))
    route_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_plan_route.id"))
    group_no: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    min_people: Mapped[int] = mapped_column(Integer, default=1)
    max_people: Mapped[int] = mapped_column(Integer, default=4)
    required: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: The joint patrol's unit in dispatch (made on the first check-in).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShiftMember(Base):
    """A volunteer signed up for a shift."""

    __tablename__ = "volunteer_shift_member"
    __table_args__ = (UniqueConstraint("shift_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_shift.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CheckKind(enum.StrEnum):
    check_in = "in"
    check_out = "out"


class CheckIn(Base):
    """A check-in or check-out at a plan's point by QR code, with the phone's position."""

    __tablename__ = "volunteer_checkin"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_shift.id"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plan.id"))
    #: The point as in its QR code: "post:12" or "stop:4:2".
    point: Mapped[str] = mapped_column(String(32))
    kind: Mapped[CheckKind] = mapped_column(_enum(CheckKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)


class ClueStatus(enum.StrEnum):
    new = "new"
    linked = "linked"  # linked to an incident or a series (a case)
    useful = "useful"  # kept on file
    duplicate = "duplicate"
    rejected = "rejected"


class Clue(Base):
    """A clue (线索) handed in by a volunteer or a citizen, and its triage."""

    __tablename__ = "clue"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    #: Stored photos: [{"token": ..., "ext": "jpg"}].
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    place_text: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the text core read in the text: {"type", "place", "time", "items"}.
    extracted: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The incident or series the submitter named.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("crime_series.id"))
    status: Mapped[ClueStatus] = mapped_column(_enum(ClueStatus), default=ClueStatus.new)
    #: The triage: the incident or series linked, the clue it duplicates, the reason.
    linked_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    linked_series_id: Mapped[int | None] = mapped_column(ForeignKey("crime_series.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("clue.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Property returned to its owner thanks to the clue (verified by an officer).
    property_returned: Mapped[bool] = mapped_column(Boolean, default=False)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class PointsReason(enum.StrEnum):
    patrol_shift = "patrol_shift"
    stall = "stall"  # an anti-fraud stall
    clue = "clue"  # a clue handed in (credited when triaged as not rejected)
    clue_useful = "clue_useful"
    clue_case = "clue_case"  # the clue led to a case (linked)
    property_returned = "property_returned"


class PointsEntry(Base):
    """Points (积分) credited to a volunteer for an officer-verified outcome, once per
    reason and source (clue or shift)."""

    __tablename__ = "points_entry"
    __table_args__ = (UniqueConstraint("volunteer_id", "reason", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    reason: Mapped[PointsReason] = mapped_column(_enum(PointsReason))
    #: What earned them: "clue:12", "shift:40", "stall:3".
    source: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# --- drills and group chats (15.4-5) ---


class DrillKind(enum.StrEnum):
    fight = "fight"  # 打架斗殴 (a barbecue street at night)
    fire = "fire"  # 火灾 (a KTV, a market)
    missing_person = "missing_person"  # 走失 (a child at a night market)
    crowd = "crowd"  # 人群聚集、踩踏
    other = "other"


class Drill(Base):
    """A drill (演练): a scenario played at a place, with who took part and how fast.

    ``assemble_s`` is the time from the alarm until the participants stood assembled;
    ``first_action_s`` the time from the alarm until the first action on the scenario.
    """

    __tablename__ = "drill"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    kind: Mapped[DrillKind] = mapped_column(_enum(DrillKind), default=DrillKind.other)
    scenario: Mapped[str] = mapped_column(String(300))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place_text: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    police_count: Mapped[int] = mapped_column(Integer, default=0)
    venue_staff_count: Mapped[int] = mapped_column(Integer, default=0)
    assemble_s: Mapped[int] = mapped_column(Integer)
    first_action_s: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DrillTeam(Base):
    """A volunteer team that took part in a drill."""

    __tablename__ = "drill_team"

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_team.id"), primary_key=True)


class DrillVolunteer(Base):
    """A volunteer who took part in a drill."""

    __tablename__ = "drill_volunteer"

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), primary_key=True)


class ChatPlatform(enum.StrEnum):
    wechat = "wechat"  # 微信
    wecom = "wecom"  # 企业微信
    dingtalk = "dingtalk"  # 钉钉
    other = "other"


class ChatGroup(Base):
    """A registered police–citizen group chat (警民群).

    ``name`` is the group's name as the chat intake receives it (``ChatMessage.group_name``);
    a message is linked to the group whose name or external id it carries, inside the
    group's station. ``officer_senders`` lists the names (one a line) under which officers
    write in the group, besides the owning officer's display name: their messages are the
    police's answers.
    """

    __tablename__ = "chat_group"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    platform: Mapped[ChatPlatform] = mapped_column(_enum(ChatPlatform))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    officer_senders: Mapped[str] = mapped_column(Text, default="")
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    created_on: Mapped[date] = mapped_column(Date)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatGroupMessage(Base):
    """The link of one chat message (kept by :mod:`pingan.incidents.chat`) to its group."""

    __tablename__ = "chat_group_message"

    message_id: Mapped[int] = mapped_column(ForeignKey("chat_message.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id"), index=True)
