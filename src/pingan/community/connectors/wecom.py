"""The WeCom (企业微信) app callback protocol, as WeCom publishes it ("加解密方案说明").

- ``msg_signature`` is the SHA-1 hex digest of the token, the timestamp, the nonce and the
  encrypted text, sorted as strings and joined without separator;
- the AES key is ``base64decode(EncodingAESKey + "=")`` (43 characters → 32 bytes); the
  cipher is AES-256-CBC with the first 16 bytes of the key as IV;
- the plaintext is 16 random bytes, the message's length as 4 bytes big-endian, the
  message, and the receive id (the corp id), padded PKCS#7 to a multiple of 32 bytes;
- messages are XML: ``<xml><ToUserName/><AgentID/><Encrypt/></xml>`` outside, and inside
  ``MsgType``, ``Content``, ``FromUserName``, ``CreateTime``, ``MsgId`` (and ``ChatId`` in
  group callbacks).

No database here: :mod:`pingan.community.connectors.verify` applies it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

#: WeCom pads to 32-byte blocks (PKCS#7 with k = 32).
BLOCK = 32
#: An EncodingAESKey is 43 characters of base64.
AES_KEY_CHARS = 43
#: The longest encrypted text taken (a text message is at most 2,048 bytes on WeCom).
MAX_ENCRYPTED_CHARS = 16_384


class ProtocolError(ValueError):
    """A message that does not follow the protocol; the text says why (never a secret)."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """``msg_signature``: SHA-1 over the four strings, sorted and concatenated."""
    joined = "".join(sorted([token, timestamp, nonce, encrypted]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def signature_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii", "replace"))


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of an EncodingAESKey."""
    if len(encoding_aes_key) != AES_KEY_CHARS:
        raise ProtocolError(f"an EncodingAESKey has {AES_KEY_CHARS} characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ProtocolError("the EncodingAESKey is not base64") from None
    return key


def _cipher(key: bytes) -> Cipher[modes.CBC]:
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(key: bytes, receive_id: str, message: bytes, random16: bytes | None = None) -> str:
    """The base64 ``Encrypt`` text of ``message`` for ``receive_id``."""
    prefix = os.urandom(16) if random16 is None else random16
    if len(prefix) != 16:
        raise ProtocolError("the random prefix has 16 bytes")
    plain = prefix + struct.pack(">I", len(message)) + message + receive_id.encode("utf-8")
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = _cipher(key).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(key: bytes, encrypted: str) -> tuple[bytes, str]:
    """The message and the receive id inside an ``Encrypt`` text."""
    if len(encrypted) > MAX_ENCRYPTED_CHARS:
        raise ProtocolError("the encrypted text is too long")
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError("the encrypted text is not base64") from None
    if not raw or len(raw) % BLOCK:
        raise ProtocolError("the encrypted text is not a whole number of blocks")
    decryptor = _cipher(key).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise ProtocolError("the decrypted text is not padded")
    body = plain[16:-pad]
    if len(body) < 4:
        raise ProtocolError("the decrypted text is too short")
    (length,) = struct.unpack(">I", body[:4])
    if length > len(body) - 4:
        raise ProtocolError("the decrypted message length is wrong")
    message, receive_id = body[4 : 4 + length], body[4 + length :]
    try:
        return message, receive_id.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the receive id is not text") from None


def parse_xml(raw: bytes | str) -> dict[str, str]:
    """The child elements of a WeCom ``<xml>`` document, by tag (text stripped of nothing)."""
    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ProtocolError("the body is not WeCom XML") from None
    if root.tag != "xml":
        raise ProtocolError("the body is not WeCom XML (no <xml> root)")
    return {child.tag: child.text or "" for child in root}


def text_xml(to_user: str, from_user: str, create_time: int, content: str) -> str:
    """A passive reply's inner message: text to the sender."""
    return (
        "<xml>"
        f"<ToUserName>{escape(to_user)}</ToUserName>"
        f"<FromUserName>{escape(from_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        "<MsgType>text</MsgType>"
        f"<Content>{escape(content)}</Content>"
        "</xml>"
    )


def reply_xml(
    token: str, key: bytes, receive_id: str, inner: str, timestamp: str, nonce: str
) -> str:
    """The encrypted and signed passive reply: ``Encrypt``, ``MsgSignature``,
    ``TimeStamp`` and ``Nonce``."""
    encrypted = encrypt(key, receive_id, inner.encode("utf-8"))
    return (
        "<xml>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{signature(token, timestamp, nonce, encrypted)}]]></MsgSignature>"
        f"<TimeStamp>{escape(timestamp)}</TimeStamp>"
        f"<Nonce><![CDATA[{escape(nonce)}]]></Nonce>"
        "</xml>"
    )
