"""The demo's group chats and drills: about 60 simulated groups fed through the chat intake,
a month of simulated drills, all marked simulated; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from pingan.community.models import ChatGroup, ChatGroupMessage, Drill
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.demo.community_groups import seed_community_groups
from pingan.incidents.models import Channel, ChatMessage, Incident
from support.app import seeded_client, token_for


def _run(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        seed_community_groups(db_session, settings, lambda *_: None)
    engine.dispose()


def _count(settings: Settings, query) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        value = conn.execute(query).scalar_one()
    engine.dispose()
    return int(value)


def test_demo_groups_and_drills_are_simulated_and_made_once(settings: Settings) -> None:
    _run(settings)
    groups = _count(settings, select(func.count()).select_from(ChatGroup))
    assert groups == 60
    assert _count(settings, select(func.count()).where(ChatGroup.simulated.is_(False))) == 0
    messages = _count(settings, select(func.count()).select_from(ChatMessage))
    linked = _count(settings, select(func.count()).select_from(ChatGroupMessage))
    assert messages > 300
    assert linked == messages  # every message of the demo reached its group
    drafts = select(func.count()).where(Incident.channel == Channel.chat)
    assert _count(settings, drafts) > 0
    assert _count(settings, drafts.where(Incident.simulated.is_(False))) == 0
    assert _count(settings, select(func.count()).where(Drill.simulated.is_(True))) == 8
    _run(settings)
    assert _count(settings, select(func.count()).select_from(ChatGroup)) == groups
    assert _count(settings, select(func.count()).select_from(ChatMessage)) == messages
    assert _count(settings, select(func.count()).select_from(Drill)) == 8

    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    health = client.get("/api/v1/community/groups/health", headers=chief).json()
    assert health["totals"]["groups"] == 42  # station A's two grids
    assert health["totals"]["silent_groups"] >= 1  # the neglected ones
    assert client.get("/api/v1/community/groups/unanswered", headers=chief).json() != []
    teams = client.get("/api/v1/community/drills", headers=chief).json()
    assert teams["total"] == 4
    assert all(d["simulated"] and d["lat"] is not None for d in teams["items"])
