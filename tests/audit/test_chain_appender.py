"""Many threads append to the audit chain through one appender: every row lands once, the
chain stays whole and keyed, and each caller returns only after its rows are committed."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from pingan.audit import keys
from pingan.audit import service as audit
from pingan.audit.appender import appender_for
from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine

THREADS = 12
APPENDS = 15


def test_concurrent_appends_are_all_chained_once(settings: Settings) -> None:
    key = keys.load_key(settings)
    engine = keys.keyed(make_engine(settings.effective_database_url), key)
    appender = appender_for(engine)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    seen_committed: list[bool] = []
    errors: list[BaseException] = []

    def reader(n: int) -> None:
        try:
            for i in range(APPENDS):
                object_id = f"{n}-{i}"
                entries = [
                    audit.AuditEntry.of(
                        action="personal_data.read",
                        object_type="incident",
                        object_id=object_id,
                        actor=f"board-{n}",
                        role="dispatcher",
                    ),
                    audit.AuditEntry.of(
                        action="personal_data.read",
                        object_type="incident",
                        object_id=f"{object_id}b",
                        actor=f"board-{n}",
                        role="dispatcher",
                    ),
                ]
                appender.append(entries)
                # once append returns, another connection sees the rows
                with engine.connect() as conn:
                    found = conn.execute(
                        text("SELECT count(*) FROM audit_event WHERE object_id = :o"),
                        {"o": object_id},
                    ).scalar_one()
                seen_committed.append(found == 1)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seen_committed == [True] * (THREADS * APPENDS)
    with engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        ids = conn.execute(
            text("SELECT object_id FROM audit_event WHERE action = 'personal_data.read'")
        ).scalars()
        counted = sorted(ids)
    assert after - before == THREADS * APPENDS * 2
    assert len(counted) == len(set(counted))
    assert sum(appender.batch_sizes) == THREADS * APPENDS * 2
    with Session(engine) as session:
        report = audit.verify_chain(session, key)
    assert report.ok, report.reason
    assert report.rows == after
    engine.dispose()
