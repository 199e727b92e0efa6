"""The platforms' side, written for the tests apart from pingan's code: how WeCom encrypts
and signs an app callback, and how DingTalk signs an outgoing robot's post.

Built from the published algorithms with other means than
:mod:`pingan.community.connectors` (``cryptography``'s PKCS#7 padder, ``int.to_bytes``,
an incremental SHA-1), so that a round trip between the two checks both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def wecom_key(encoding_aes_key: str) -> bytes:
    return base64.b64decode(encoding_aes_key + "=")


def wecom_encrypt(encoding_aes_key: str, receive_id: str, msg: bytes, prefix: bytes = b"") -> str:
    key = wecom_key(encoding_aes_key)
    framed = (prefix or os.urandom(16)) + len(msg).to_bytes(4, "big") + msg + receive_id.encode()
    padder = padding.PKCS7(256).padder()  # 256 bits: WeCom pads to 32-byte blocks
    padded = padder.update(framed) + padder.finalize()
    encryptor = Cipher(algorithms.AES256(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def wecom_decrypt(encoding_aes_key: str, text: str) -> tuple[bytes, str]:
    key = wecom_key(encoding_aes_key)
    decryptor = Cipher(algorithms.AES256(key), modes.CBC(key[:16])).decryptor()
    padded = decryptor.update(base64.b64decode(text)) + decryptor.finalize()
    unpadder = padding.PKCS7(256).unpadder()
    framed = unpadder.update(padded) + unpadder.finalize()
    size = int.from_bytes(framed[16:20], "big")
    return framed[20 : 20 + size], framed[20 + size :].decode()


def wecom_signature(*parts: str) -> str:
    digest = hashlib.sha1()
    for part in sorted(parts):
        digest.update(part.encode())
    return digest.hexdigest()


def dingtalk_sign(timestamp_ms: str, app_secret: str) -> str:
    mac = hmac.digest(app_secret.encode(), (timestamp_ms + "\n" + app_secret).encode(), "sha256")
    return base64.b64encode(mac).decode()
