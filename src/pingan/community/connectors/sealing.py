"""The connectors' secrets encrypted at rest.

Secrets are sealed with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``)
under a key derived by HKDF-SHA256 from ``PINGAN_SECRET_KEY``: the key is never in the
database, so a copy of the database does not carry the secrets. Changing
``PINGAN_SECRET_KEY`` makes the sealed secrets unreadable: connect the groups again.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pingan.config import Settings
from pingan.errors import ConfigError

_INFO = b"pingan group connector secrets v1"


@dataclass(frozen=True)
class Secrets:
    """A connector's secrets by name (``token``, ``aes_key``, ``corp_id``; ``app_secret``);
    left out of ``repr``."""

    values: dict[str, str] = field(repr=False)

    def __getitem__(self, name: str) -> str:
        return self.values[name]


def _fernet(settings: Settings) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        settings.secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(settings: Settings, secrets: Secrets) -> str:
    payload = json.dumps(secrets.values, sort_keys=True).encode("utf-8")
    return _fernet(settings).encrypt(payload).decode("ascii")


def unseal(settings: Settings, sealed: str) -> Secrets:
    try:
        payload = _fernet(settings).decrypt(sealed.encode("ascii"))
    except InvalidToken:
        raise ConfigError(
            "a group connector's secrets cannot be read with this PINGAN_SECRET_KEY; "
            "connect the group again"
        ) from None
    values = json.loads(payload)
    return Secrets({str(k): str(v) for k, v in values.items()})
