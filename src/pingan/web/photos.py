"""Photos attached to citizens' reports, stored under the data directory.

A photo is kept as ``<data_dir>/report-photos/<public token>/photo.<ext>``. Only
JPEG, PNG and WebP are accepted, recognised by their first bytes (never by the
file name or the browser's content type), and at most :data:`MAX_PHOTO_BYTES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pingan.config import Settings
from pingan.errors import InvalidInput

MAX_PHOTO_BYTES = 5 * 1024 * 1024
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class StoredPhoto:
    path: Path
    media_type: str


def sniff(head: bytes) -> str | None:
    """The file extension for an image's first bytes, or None when it is not one we take."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(data: bytes) -> str:
    """Validate an uploaded photo; returns its extension.

    Raises
    ------
    InvalidInput
        Too large, empty, or not a JPEG/PNG/WebP image (field ``photo``).
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput("the photo is larger than 5 MB", field="photo")
    if not data:
        raise InvalidInput("the photo file is empty", field="photo")
    extension = sniff(data[:16])
    if extension is None:
        raise InvalidInput("the photo must be a JPEG, PNG or WebP image", field="photo")
    return extension


def _folder(settings: Settings, token: str) -> Path:
    if not TOKEN_PATTERN.match(token):
        raise InvalidInput("malformed report token", field="token")
    return settings.data_dir / "report-photos" / token


def save_photo(settings: Settings, token: str, data: bytes) -> StoredPhoto:
    """Check and store the photo of the report with ``token`` (replacing an earlier one)."""
    extension = check_photo(data)
    folder = _folder(settings, token)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("photo.*"):
        old.unlink()
    path = folder / f"photo.{extension}"
    partial = folder / f".photo.{extension}.part"
    partial.write_bytes(data)
    partial.replace(path)
    return StoredPhoto(path, MEDIA_TYPES[extension])


def find_photo(settings: Settings, token: str) -> StoredPhoto | None:
    if not TOKEN_PATTERN.match(token):
        return None
    folder = settings.data_dir / "report-photos" / token
    for extension, media_type in MEDIA_TYPES.items():
        path = folder / f"photo.{extension}"
        if path.is_file():
            return StoredPhoto(path, media_type)
    return None
