"""Field encryption at rest (Fernet, AES-128-CBC + HMAC-SHA256) with key rotation.

``BEACON_FIELD_KEY`` holds one or more comma-separated Fernet keys: the first encrypts, every
key decrypts.  To rotate without downtime: put a new key first, deploy, run
``beacon keys rotate`` (re-encrypts every encrypted field under the first key), then drop
the old key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.BEACON_FIELD_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("Value is not an encrypted Beacon field.")
    try:
        return fernet().decrypt(token[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted field cannot be read with the configured BEACON_FIELD_KEY.") from exc


def rotate_token(token: str) -> str:
    return PREFIX + fernet().rotate(token[len(PREFIX):].encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for equality lookups on encrypted values (e.g. finding a phone again)."""
    key = hashlib.sha256(("beacon-index:" + settings.BEACON_FIELD_KEYS[-1]).encode()).digest()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; read back as plain text.  Cannot be filtered on (use a blind index)."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found
