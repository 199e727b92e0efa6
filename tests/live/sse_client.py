"""A small server-sent-events reader for the live tests and the load bench."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Event:
    name: str
    id: str | None
    data: Any


def read_events(
    client: httpx.Client, url: str, headers: dict[str, str], last_id: str | None, max_s: float
) -> Iterator[Event]:
    """The events of one stream connection (ends when the server ends it after ``max_s``)."""
    sent = dict(headers)
    if last_id:
        sent["Last-Event-ID"] = last_id
    with client.stream(
        "GET", url, params={"max_s": max_s}, headers=sent, timeout=max_s + 30
    ) as response:
        assert response.status_code == 200, response.read()
        name, event_id, data = "message", None, ""
        for line in response.iter_lines():
            if not line:
                if data:
                    yield Event(name, event_id, json.loads(data))
                name, event_id, data = "message", None, ""
            elif line.startswith("event: "):
                name = line[7:]
            elif line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("data: "):
                data += line[6:]
