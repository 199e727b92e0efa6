"""The audit chain's key: where it comes from and how writers find it.

The chain is keyed with HMAC-SHA256 under a secret that is never stored in the
database, so whoever can rewrite the database cannot recompute a valid chain. The
key comes, in order, from ``PINGAN_AUDIT_KEY``, from the file named by
``PINGAN_AUDIT_KEY_FILE`` (outside the data folder), or, in demo mode only, from a
key file generated once in ``<data_dir>-keys/audit.key`` beside the data folder.
Outside demo mode pingan refuses to start without one
(:meth:`pingan.config.Settings.check_audit_key`).

Writers find the key on their engine: the web app and the CLI build theirs with
:func:`keyed`, and :func:`pingan.audit.service.record` reads it from the session's
connection, so the forty-odd places that audit need not pass it along.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from pingan.config import Settings
from pingan.errors import ConfigError

#: Execution option of an engine (or connection) carrying the :class:`AuditKey`.
KEY_OPTION = "pingan_audit_key"
MIN_KEY_CHARS = 32
DEMO_KEY_NAME = "audit.key"
DEMO_ANCHOR_NAME = "audit-anchors.jsonl"


@dataclass(frozen=True)
class AuditKey:
    """The HMAC secret. ``key_id`` names it in each row without revealing it, so that
    ``verify`` can tell a row keyed with another key from an altered one."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return hmac.new(self.secret, b"pingan audit key id", hashlib.sha256).hexdigest()[:12]


def load_key(settings: Settings) -> AuditKey:
    """The configured key; in demo mode a generated one when none is configured."""
    settings.check_audit_key()
    if settings.audit_key:
        return AuditKey(settings.audit_key.encode("utf-8"))
    if settings.audit_key_file is not None:
        return _read_key_file(settings.audit_key_file)
    return _demo_key(settings.demo_keys_dir / DEMO_KEY_NAME)


def retired_keys(settings: Settings) -> tuple[AuditKey, ...]:
    """The keys used before the last rotations (``PINGAN_AUDIT_RETIRED_KEY_FILES``), oldest
    first. Rotate by moving the key file to this list and configuring a new key."""
    settings.check_audit_key()
    return tuple(_read_key_file(path) for path in settings.audit_retired_key_files)


def anchor_file(settings: Settings) -> Path | None:
    """The append-only anchor file: the configured one, else in demo mode the one beside
    the generated key, else none (anchors are then only printed for a notary)."""
    if settings.audit_anchor_file is not None:
        return settings.audit_anchor_file
    if settings.demo_mode:
        return settings.demo_keys_dir / DEMO_ANCHOR_NAME
    return None


def keyed(engine: Engine, key: AuditKey) -> Engine:
    """``engine`` (sharing its pool) whose sessions key the audit rows they write."""
    return engine.execution_options(**{KEY_OPTION: key})


def key_of(connection: Connection) -> AuditKey | None:
    """The key carried by ``connection``'s engine, if any."""
    key = connection.get_execution_options().get(KEY_OPTION)
    return key if isinstance(key, AuditKey) else None


def _read_key_file(path: Path) -> AuditKey:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the audit key file {path}: {exc.strerror}") from None
    if len(text) < MIN_KEY_CHARS:
        raise ConfigError(f"the audit key file {path} holds fewer than {MIN_KEY_CHARS} characters")
    return AuditKey(text.encode("utf-8"))


def _demo_key(path: Path) -> AuditKey:
    """Read the demo key, creating it (mode 0600) on first use. The key is written to a
    private temporary file and linked into place, so a concurrent reader never sees a
    half-written key and two first runs agree on one key."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    return _read_key_file(path)
