"""A province's day of traffic, generated from the rates of docs/scale.md, and one
partition's share of it written to a real PostgreSQL on this machine.

The province (issue 18): ~100 sub-bureaus, 1,500 stations, 12,000 group chats, 30,000
units. The rates below (per province day) drive a generator with a night-heavy hourly
profile; the script prints the day's totals and peak-hour rates, then writes ONE
sub-bureau's day (1/100) into list-partitioned tables (one partition per bureau, as the
plan proposes) with ``COPY``, and reports rows/s, bytes per row and the size of a day.

    .venv/bin/python bench/province_day.py            # one partition, written for real
    .venv/bin/python bench/province_day.py --bureaus 2
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

BUREAUS = 100
STATIONS = 1_500
CHATS = 12_000
UNITS = 30_000
#: share of units on duty at a time; each on-duty unit reports every 10 s
ON_DUTY = 1 / 3
POSITION_EVERY_S = 10
#: reports per province day (all channels), chat messages per group per day, audit rows
#: per incident (create, reads of personal data, dispatch, arrive, clear, close, notes)
REPORTS_PER_DAY = 60_000
CHAT_PER_GROUP_DAY = 150
AUDIT_PER_INCIDENT = 8
AUDIT_READS_PER_DAY = 200_000  # masked reads, logins, exports (province)
#: hourly weight of reports (local hour 0..23): evening and night heavy
HOURLY = np.array(
    [5, 4, 3, 2, 2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 8, 7, 6], dtype=float
)

SCHEMA = """
CREATE TABLE position_p (bureau int, unit_id int, at timestamptz, lat float8, lon float8)
  PARTITION BY LIST (bureau);
CREATE TABLE incident_p (bureau int, id bigint, station int, received_at timestamptz,
  updated_at timestamptz, type text, status text, lat float8, lon float8, description text)
  PARTITION BY LIST (bureau);
CREATE TABLE chat_p (bureau int, chat int, sent_at timestamptz, body text)
  PARTITION BY LIST (bureau);
CREATE TABLE audit_p (bureau int, seq bigint, at timestamptz, action text, object_id text,
  hash text) PARTITION BY LIST (bureau);
"""


def day_totals() -> dict[str, float]:
    positions = UNITS * ON_DUTY * 86_400 / POSITION_EVERY_S
    chats = CHATS * CHAT_PER_GROUP_DAY
    audit = REPORTS_PER_DAY * AUDIT_PER_INCIDENT + AUDIT_READS_PER_DAY
    peak = HOURLY.max() / HOURLY.sum()
    return {
        "positions": positions,
        "reports": REPORTS_PER_DAY,
        "chat_messages": chats,
        "audit_rows": audit,
        "positions_per_s": positions / 86_400,
        "reports_per_s_peak_hour": REPORTS_PER_DAY * peak / 3600,
        "chat_per_s_peak_hour": chats * peak / 3600,
    }


def _copy(cur, table: str, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def, type-arg]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(v) for v in row) + "\n")
    buffer.seek(0)
    with cur.copy(f"COPY {table} FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def one_bureau_day(bureau: int, rng: np.random.Generator, day: datetime) -> dict[str, list]:  # type: ignore[type-arg]
    """One sub-bureau's day: its share (1/BUREAUS) of every stream, hour by hour."""
    units = int(UNITS / BUREAUS)
    on_duty = int(units * ON_DUTY)
    per_unit = 86_400 // POSITION_EVERY_S
    unit_ids = np.repeat(np.arange(on_duty) + bureau * 1_000_000, per_unit)
    seconds = np.tile(np.arange(per_unit) * POSITION_EVERY_S, on_duty)
    lat = 30.2 + rng.normal(0, 0.05, len(seconds))
    lon = 120.15 + rng.normal(0, 0.05, len(seconds))
    positions = [
        (bureau, int(u), (day + timedelta(seconds=int(s))).isoformat(), f"{a:.6f}", f"{o:.6f}")
        for u, s, a, o in zip(unit_ids, seconds, lat, lon, strict=True)
    ]
    n_reports = int(REPORTS_PER_DAY / BUREAUS)
    hours = rng.choice(24, size=n_reports, p=HOURLY / HOURLY.sum())
    incidents = []
    for n, hour in enumerate(hours):
        at = day + timedelta(hours=int(hour), seconds=int(rng.integers(0, 3600)))
        incidents.append(
            (
                bureau,
                bureau * 10_000_000 + n,
                int(rng.integers(0, STATIONS // BUREAUS)),
                at.isoformat(),
                at.isoformat(),
                "theft.ebike",
                "closed",
                f"{30.2 + rng.normal(0, 0.05):.6f}",
                f"{120.15 + rng.normal(0, 0.05):.6f}",
                "东街小区楼下电动车被偷了 电瓶也被拿走",
            )
        )
    n_chat = int(CHATS * CHAT_PER_GROUP_DAY / BUREAUS)
    chat_hours = rng.choice(24, size=n_chat, p=HOURLY / HOURLY.sum())
    chats = [
        (
            bureau,
            int(rng.integers(0, CHATS // BUREAUS)),
            (day + timedelta(hours=int(h), seconds=int(rng.integers(0, 3600)))).isoformat(),
            "大家注意 最近小区里电动车被偷的多 晚上记得锁好",
        )
        for h in chat_hours
    ]
    n_audit = int((REPORTS_PER_DAY * AUDIT_PER_INCIDENT + AUDIT_READS_PER_DAY) / BUREAUS)
    audit = [
        (
            bureau,
            n,
            (day + timedelta(seconds=int(n * 86_400 / n_audit))).isoformat(),
            "incident.read.personal",
            str(n),
            f"{n:064x}",
        )
        for n in range(n_audit)
    ]
    return {"position_p": positions, "incident_p": incidents, "chat_p": chats, "audit_p": audit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bureaus", type=int, default=1, help="partitions written for real")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import psycopg

    from support.postgres import PostgresServer

    rng = np.random.default_rng(18)
    day = datetime(2026, 12, 4, tzinfo=UTC)
    result: dict[str, object] = {"province_day": day_totals(), "partitions": []}
    server = PostgresServer()
    url = server.start().replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(SCHEMA)
            for bureau in range(args.bureaus):
                for table in ("position_p", "incident_p", "chat_p", "audit_p"):
                    cur.execute(
                        f"CREATE TABLE {table}_{bureau} PARTITION OF {table} "
                        f"FOR VALUES IN ({bureau})"
                    )
                made = time.perf_counter()
                streams = one_bureau_day(bureau, rng, day)
                generated_s = time.perf_counter() - made
                written: dict[str, object] = {"bureau": bureau, "generate_s": round(generated_s, 1)}
                for table, rows in streams.items():
                    start = time.perf_counter()
                    _copy(cur, table, rows)
                    elapsed = time.perf_counter() - start
                    cur.execute(f"SELECT pg_total_relation_size('{table}_{bureau}')")
                    size = cur.fetchone()[0]  # type: ignore[index]
                    written[table] = {
                        "rows": len(rows),
                        "write_s": round(elapsed, 2),
                        "rows_per_s": round(len(rows) / elapsed),
                        "bytes_per_row": round(size / len(rows)),
                        "mb_per_day": round(size / 1e6, 1),
                    }
                start = time.perf_counter()
                cur.execute(
                    "SELECT count(*) FROM incident_p WHERE bureau = %s AND updated_at > %s",
                    (bureau, day + timedelta(hours=23)),
                )
                written["changes_last_hour_query_ms"] = round(
                    (time.perf_counter() - start) * 1e3, 1
                )
                result["partitions"].append(written)  # type: ignore[attr-defined]
    finally:
        server.stop()
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
