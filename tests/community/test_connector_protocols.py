"""The connectors' protocols on WeCom's published vectors and against the tests' own,
independent implementation of both platforms (:mod:`connector_platforms`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from connector_platforms import (
    dingtalk_sign,
    wecom_decrypt,
    wecom_encrypt,
    wecom_signature,
)

from pingan.community.connectors import dingtalk, sealing, wecom
from pingan.config import Settings
from pingan.errors import ConfigError

# WeCom's sample configuration and callbacks, from its "加解密方案说明" page
# (developer.work.weixin.qq.com/document/path/90968) and its sample code.
TOKEN = "QDG6eK"
CORP_ID = "wx5823bf96d3bd56c7"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
ECHO = (
    "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "1409659589",
    "263014780",
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
)
MESSAGE = (
    "477715d11cdb4164915debcba66cb864d751f3e6",
    "1409659813",
    "1372623149",
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qczc"
    "dCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLj"
    "vd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMn"
    "vw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k"
    "22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Yoy"
    "yH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
)


def test_wecom_published_url_verification_vector() -> None:
    signature, timestamp, nonce, echostr = ECHO
    assert wecom.signature(TOKEN, timestamp, nonce, echostr) == signature
    assert wecom_signature(TOKEN, timestamp, nonce, echostr) == signature
    key = wecom.aes_key(AES_KEY)
    assert wecom.decrypt(key, echostr) == (b"1616140317555161061", CORP_ID)
    assert wecom_decrypt(AES_KEY, echostr) == (b"1616140317555161061", CORP_ID)


def test_wecom_published_message_vector() -> None:
    signature, timestamp, nonce, encrypted = MESSAGE
    assert wecom.signature(TOKEN, timestamp, nonce, encrypted) == signature
    plain, receive_id = wecom.decrypt(wecom.aes_key(AES_KEY), encrypted)
    assert receive_id == CORP_ID
    fields = wecom.parse_xml(plain)
    assert (fields["MsgType"], fields["Content"], fields["FromUserName"]) == (
        "text",
        "hello",
        "mycreate",
    )
    assert (fields["CreateTime"], fields["MsgId"]) == ("1409659813", "4561255354251345929")
    assert wecom_decrypt(AES_KEY, encrypted)[0] == plain


@pytest.mark.parametrize(
    "message",
    [b"", b"x", "东街菜市场门口电动车被偷了".encode(), b"a" * 12, b"b" * 31, b"c" * 2048],
)
def test_wecom_round_trip_both_ways(message: bytes) -> None:
    prefix = bytes(range(16))
    ours = wecom.encrypt(wecom.aes_key(AES_KEY), CORP_ID, message, random16=prefix)
    theirs = wecom_encrypt(AES_KEY, CORP_ID, message, prefix)
    assert ours == theirs  # the same prefix gives the same ciphertext
    assert wecom_decrypt(AES_KEY, ours) == (message, CORP_ID)
    fresh = wecom_encrypt(AES_KEY, CORP_ID, message)
    assert wecom.decrypt(wecom.aes_key(AES_KEY), fresh) == (message, CORP_ID)


def test_wecom_one_byte_changed_is_refused() -> None:
    signature, timestamp, nonce, encrypted = MESSAGE
    key = wecom.aes_key(AES_KEY)
    flipped = encrypted[:40] + ("A" if encrypted[40] != "A" else "B") + encrypted[41:]
    assert wecom.signature(TOKEN, timestamp, nonce, flipped) != signature
    for bad in (flipped[:-4], encrypted[:-2] + "!!", "not base64 at all", ""):
        with pytest.raises(wecom.ProtocolError):
            wecom.decrypt(key, bad)
    with pytest.raises(wecom.ProtocolError):
        wecom.aes_key(AES_KEY[:-1])


def test_dingtalk_sign_matches_the_independent_implementation() -> None:
    secret = "SEC-this-is-not-a-real-dingtalk-app-secret-7f3a9c"
    stamp = "1733371200000"
    assert dingtalk.sign(stamp, secret) == dingtalk_sign(stamp, secret)
    now = int(stamp) + 59 * 60 * 1000
    assert dingtalk.check_headers(stamp, dingtalk_sign(stamp, secret), secret, now) == int(stamp)
    with pytest.raises(wecom.ProtocolError, match="hour"):
        dingtalk.check_headers(stamp, dingtalk_sign(stamp, secret), secret, now + 2 * 60 * 1000)
    with pytest.raises(wecom.ProtocolError, match="sign"):
        dingtalk.check_headers(stamp, dingtalk_sign(stamp, secret + "x"), secret, now)
    with pytest.raises(wecom.ProtocolError, match="sign"):
        dingtalk.check_headers(str(int(stamp) + 1), dingtalk_sign(stamp, secret), secret, now)


def test_sealed_secrets_need_the_same_secret_key(tmp_path: Path) -> None:
    secrets = sealing.Secrets({"token": TOKEN, "aes_key": AES_KEY, "corp_id": CORP_ID})
    assert TOKEN not in repr(secrets)
    assert AES_KEY not in repr(secrets)
    settings = Settings(secret_key="connector-test-secret-0123456789", data_dir=tmp_path)
    sealed = sealing.seal(settings, secrets)
    assert TOKEN not in sealed
    assert AES_KEY not in sealed
    assert sealing.unseal(settings, sealed)["aes_key"] == AES_KEY
    other = settings.model_copy(update={"secret_key": "another-secret-key-9876543210"})
    with pytest.raises(ConfigError, match="connect the group again"):
        sealing.unseal(other, sealed)
