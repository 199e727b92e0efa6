"""The authorisation policy: the single source of truth for who may do what.

It imports nothing else of pingan, so that every layer can use the roles and the policy.

A rule grants an action on a resource to a set of roles. Every role is held on a
jurisdiction subtree, and a record is reachable only when its jurisdiction lies
in that subtree. Scope ``own`` narrows further to records the caller created
(a citizen's own reports). Anything not listed is denied.

Tests are generated from :data:`POLICY`: every role against every resource and
action, on its own station and on a foreign one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    citizen = "citizen"
    volunteer = "volunteer"
    officer = "officer"
    dispatcher = "dispatcher"
    station_chief = "station_chief"
    analyst = "analyst"
    fire_officer = "fire_officer"
    antifraud_officer = "antifraud_officer"
    admin = "admin"
    auditor = "auditor"


class Scope(enum.StrEnum):
    subtree = "subtree"
    own = "own"


@dataclass(frozen=True)
class Rule:
    resource: str
    action: str
    roles: frozenset[Role]
    scope: Scope = Scope.subtree


R = Role
STAFF = frozenset(
    {
        R.officer,
        R.dispatcher,
        R.station_chief,
        R.analyst,
        R.fire_officer,
        R.antifraud_officer,
        R.admin,
    }
)
OPERATIONS = frozenset({R.officer, R.dispatcher, R.station_chief, R.admin})
EVERYONE = frozenset(Role)


def _rule(
    resource: str, action: str, roles: set[Role] | frozenset[Role], scope: Scope = Scope.subtree
) -> Rule:
    return Rule(resource, action, frozenset(roles), scope)


POLICY: tuple[Rule, ...] = (
    # the tree itself and the accounts
    _rule("jurisdiction", "read", STAFF | {R.volunteer, R.auditor}),
    _rule("jurisdiction", "write", {R.admin}),
    _rule("user", "read", {R.admin}),
    _rule("user", "write", {R.admin}),
    _rule("audit", "read", {R.auditor}),
    # the city map is public inside the district
    _rule("city", "read", EVERYONE),
    _rule("city", "write", {R.admin}),
    # incidents: citizens file reports and read their own
    _rule("report", "create", EVERYONE),
    _rule("report", "read", {R.citizen, R.volunteer}, Scope.own),
    _rule("incident", "read", OPERATIONS | {R.analyst}),
    _rule("incident", "write", OPERATIONS),
    _rule("incident", "personal_data", OPERATIONS),
    # licence plates in incident text and items: the roles that work cases (not analysts)
    _rule("incident", "plates", OPERATIONS),
    _rule("chat", "write", OPERATIONS | {R.volunteer}),
    # rapid response
    _rule("unit", "read", OPERATIONS | {R.analyst, R.volunteer}),
    _rule("unit", "write", {R.dispatcher, R.station_chief, R.admin}),
    _rule("unit", "position", {R.officer, R.volunteer, R.dispatcher, R.admin}),
    _rule("dispatch", "read", OPERATIONS | {R.analyst}),
    _rule("dispatch", "write", {R.dispatcher, R.station_chief}),
    # drills (演练) and the police–citizen group chats (警民群): officers keep them, the
    # chief watches the groups' health
    _rule("drill", "read", OPERATIONS | {R.analyst}),
    _rule("drill", "write", {R.officer, R.station_chief, R.admin}),
    _rule("chat_group", "read", OPERATIONS | {R.analyst}),
    _rule("chat_group", "write", {R.officer, R.station_chief, R.admin}),
    # volunteers (群防群治): officers approve and keep the roster, the chief watches it; a
    # volunteer acts on their own record (the services check it is theirs)
    _rule("volunteer", "read", OPERATIONS),
    _rule("volunteer", "write", {R.officer, R.station_chief, R.admin}),
    _rule("volunteer", "personal_data", {R.officer, R.station_chief}),
    _rule("volunteer", "self", {R.volunteer}),
    # shifts and joint patrols on the active plan's posts and loops
    _rule("shift", "read", OPERATIONS | {R.volunteer}),
    _rule("shift", "write", {R.officer, R.station_chief, R.admin}),
    # clues (线索): volunteers and citizens hand them in and read their own; officers triage
    _rule("clue", "create", {R.citizen, R.volunteer}),
    _rule("clue", "own", {R.citizen, R.volunteer}, Scope.own),
    _rule("clue", "read", {R.officer, R.dispatcher, R.station_chief, R.admin}),
    _rule("clue", "triage", {R.officer, R.station_chief}),
    # patrol planning and analysis
    _rule("plan", "read", OPERATIONS | {R.analyst, R.volunteer}),
    _rule("plan", "write", {R.station_chief, R.analyst, R.admin}),
    _rule("analytics", "read", {R.analyst, R.station_chief, R.admin}),
    _rule("analytics", "write", {R.analyst, R.admin}),
    # crime series and camera canvass: the analyst and the station chief
    _rule("series", "read", {R.analyst, R.station_chief}),
    _rule("series", "write", {R.analyst, R.station_chief}),
    _rule("canvass", "read", {R.analyst, R.station_chief}),
    _rule("canvass", "write", {R.analyst, R.station_chief}),
    # the anti-fraud desk: any staff may screen a described situation (it stores nothing)
    _rule("antifraud", "screen", STAFF),
    # warnings (预警): the desk and the station chief work them and see who is at risk
    _rule("warning", "read", {R.antifraud_officer, R.station_chief, R.admin}),
    _rule("warning", "write", {R.antifraud_officer, R.station_chief, R.admin}),
    _rule("warning", "personal_data", {R.antifraud_officer, R.station_chief}),
    # outreach (反诈宣传): stalls and talks, and the figures stations report
    _rule("outreach", "read", {R.antifraud_officer, R.station_chief, R.admin}),
    _rule("outreach", "write", {R.antifraud_officer, R.station_chief}),
    # the cases library (典型案例): read by all staff, edited by the desk
    _rule("case", "read", STAFF),
    _rule("case", "write", {R.antifraud_officer, R.admin}),
    # fire-safety and venue ledgers (消防台账): the fire officer keeps them, the chief reads
    _rule("ledger", "read", {R.fire_officer, R.station_chief, R.admin}),
    _rule("ledger", "write", {R.fire_officer, R.admin}),
    _rule("ledger", "personal_data", {R.fire_officer, R.station_chief}),
    # campaigns (专项行动): the chief sets them and is judged by them; the analyst reads
    _rule("campaign", "read", {R.station_chief, R.analyst, R.admin}),
    _rule("campaign", "write", {R.station_chief, R.admin}),
)

RESOURCES: tuple[str, ...] = tuple(dict.fromkeys(rule.resource for rule in POLICY))


def find_rule(resource: str, action: str) -> Rule | None:
    for rule in POLICY:
        if rule.resource == resource and rule.action == action:
            return rule
    return None


def actions_of(resource: str) -> list[str]:
    return [rule.action for rule in POLICY if rule.resource == resource]
