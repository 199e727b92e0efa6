from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    role: str
    jurisdiction_id: int | None
    action: str
    object_type: str
    object_id: str
    outcome: str
    client_addr: str
    hash: str


class ChainRead(BaseModel):
    rows: int
    ok: bool
    first_bad_seq: int | None
    reason: str
    head_digest: str
    anchors: int
    unkeyed_rows: int
