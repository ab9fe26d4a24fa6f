"""Personal data at rest: SM4 (GCM) encryption through `cryptography`, and a keyed SM3 hash beside the
ciphertext for exact-match search. Stored form: "sm4:" + base64(nonce ‖ ciphertext ‖ tag)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

PREFIX = "sm4:"


def _key() -> bytes:
    return bytes.fromhex(settings.FIELD_ENCRYPTION_KEY)


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    raw = base64.b64decode(stored[len(PREFIX) :])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode()


def _sm3_hmac_digestmod() -> Any:
    if "sm3" in hashlib.algorithms_available:
        return lambda data=b"": hashlib.new("sm3", data)
    return hashlib.sha256


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value: equal inputs give equal hashes, the value cannot be read back."""
    if not value:
        return ""
    normalised = "".join(value.split()).upper()
    return hmac.new(
        bytes.fromhex(settings.FIELD_HASH_KEY), normalised.encode(), _sm3_hmac_digestmod()
    ).hexdigest()


class EncryptedTextField(models.TextField):
    """Text encrypted with SM4 in the database and plain in Python."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value and not str(value).startswith(PREFIX):
            return encrypt(str(value))
        return value
