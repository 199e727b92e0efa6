"""Anchors: the chain's head written down outside the database.

An anchor says "the chain had ``rows`` rows and row ``rows`` had digest ``digest``".
``pingan audit anchor`` appends one JSON line per anchor to an append-only file
(opened with ``O_APPEND``; make it append-only at the file-system level too, e.g.
``chattr +a``, or ship each line to a notary with ``--print``), and ``pingan audit
verify`` checks the chain against every anchor: a row rewritten at or before an
anchor no longer has the anchored digest, and rows deleted after an anchor leave the
chain shorter than the anchor counted.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from pingan.errors import InvalidInput

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Anchor:
    """Row count, the digest of the last row, when it was taken (ISO 8601, UTC) and the
    id of the key the chain was verified with."""

    rows: int
    digest: str
    at: str = ""
    key_id: str = ""

    def line(self) -> str:
        """The anchor as one JSON line (what the file holds and ``--print`` shows)."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def parse_anchor(text: str) -> Anchor:
    """An anchor from a JSON line or from ``ROWS:DIGEST`` (as a notary would give it back)."""
    text = text.strip()
    try:
        if text.startswith("{"):
            raw = json.loads(text)
            anchor = Anchor(
                rows=int(raw["rows"]),
                digest=str(raw["digest"]),
                at=str(raw.get("at", "")),
                key_id=str(raw.get("key_id", "")),
            )
        else:
            rows, _, digest = text.partition(":")
            anchor = Anchor(rows=int(rows), digest=digest.strip())
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(
            f"not an anchor: {text[:80]!r} (expected ROWS:DIGEST or a JSON line)", field="anchor"
        ) from None
    if anchor.rows < 0 or (anchor.rows > 0 and not _DIGEST.match(anchor.digest)):
        raise InvalidInput(f"not an anchor: {text[:80]!r}", field="anchor")
    return anchor


def read_anchors(path: Path | None) -> list[Anchor]:
    """Every anchor in the file (none when there is no file yet)."""
    if path is None or not path.exists():
        return []
    anchors = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                anchors.append(parse_anchor(line))
            except InvalidInput as exc:
                raise InvalidInput(exc.message, field=f"{path}, line {number}") from None
    return anchors


def append_anchor(path: Path, anchor: Anchor) -> None:
    """Append one line to ``path`` (created 0600) with ``O_APPEND`` and sync it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (anchor.line() + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
