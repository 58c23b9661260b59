"""Field encryption at rest (Fernet, AES-128-CBC + HMAC-SHA256) with key rotation.

``BEACON_FIELD_KEY`` holds one or more comma-separated Fernet keys: the first encrypts, every
key decrypts.  To rotate without downtime: put a new key first, deploy, run
``beacon keys rotate`` (re-encrypts every encrypted field under the first key), then drop
the old key.

Blind indexes (keyed hashes for equality look-ups on encrypted values) use their own key,
``BEACON_INDEX_KEY``: one or more comma-separated keys, newest first.  New indexes are made
with the first; look-ups try every key, so a deployment keeps matching while
``beacon keys rotate-index`` recomputes the stored indexes.  Rotating the field key never
changes an index.  See docs/security.md ("Keys").
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


def encrypt_bytes(data: bytes) -> bytes:
    """A file's contents encrypted under the first field key (files under ``MEDIA_ROOT``)."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken as exc:
        raise ValueError("Encrypted file cannot be read with the configured BEACON_FIELD_KEY.") from exc


def is_current_bytes(token: bytes) -> bool:
    """Whether the first field key alone decrypts these bytes (nothing left to rotate)."""
    try:
        Fernet(settings.BEACON_FIELD_KEYS[0].encode()).decrypt(token)
    except InvalidToken:
        return False
    return True


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
    try:
        return PREFIX + fernet().rotate(token[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted field cannot be read with the configured BEACON_FIELD_KEY.") from exc


@lru_cache(maxsize=4)
def _index_keys(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(hashlib.sha256(("beacon-index:" + k).encode()).digest() for k in keys)


def index_keys() -> tuple[bytes, ...]:
    """The HMAC keys of ``BEACON_INDEX_KEY``, newest first."""
    keys = tuple(settings.BEACON_INDEX_KEYS)
    if not keys:
        raise ValueError("BEACON_INDEX_KEY is empty: blind indexes need at least one key.")
    return _index_keys(keys)


def _hmac(key: bytes, value: str, purpose: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for equality lookups on encrypted values, under the newest index key (stored)."""
    return _hmac(index_keys()[0], value, purpose)


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """The value's blind index under every configured index key, newest first (for look-ups)."""
    return [_hmac(key, value, purpose) for key in index_keys()]


@dataclass(frozen=True)
class StoredIndex:
    """A stored blind index: ``compute(row)`` gives its value under the newest key, or None to keep it."""

    model: type[models.Model]
    field: str
    compute: Callable[[Any], str | None]
    select_related: tuple[str, ...] = ()


_STORED_INDEXES: list[StoredIndex] = []


def register_blind_index(model: type[models.Model], field: str, compute: Callable[[Any], str | None],
                         *, select_related: tuple[str, ...] = ()) -> None:
    """Declare a stored blind index so that ``beacon keys rotate-index`` recomputes it (AppConfig.ready)."""
    entry = StoredIndex(model, field, compute, select_related)
    if not any(e.model is model and e.field == field for e in _STORED_INDEXES):
        _STORED_INDEXES.append(entry)


def stored_indexes() -> list[StoredIndex]:
    return list(_STORED_INDEXES)


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


def encrypted_files() -> list[tuple[type[models.Model], list[str]]]:
    """Models whose files under ``MEDIA_ROOT`` are stored encrypted: they name their file fields in
    ``ENCRYPTED_FILE_FIELDS``; a model with an ``encrypted`` flag may still hold files written
    before encryption (``beacon keys rotate`` encrypts those and sets the flag)."""
    from django.apps import apps

    return [(m, list(getattr(m, "ENCRYPTED_FILE_FIELDS", ()))) for m in apps.get_models()
            if getattr(m, "ENCRYPTED_FILE_FIELDS", None)]


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


@lru_cache(maxsize=8)
def _purpose_keys(keys: tuple[str, ...], purpose: str) -> tuple[tuple[str, bytes], ...]:
    derived = []
    for k in keys:
        key = hashlib.sha256(f"beacon-{purpose}:{k}".encode()).digest()
        # The key id names the key in stored values (so rotation can keep verifying old ones)
        # without revealing it: a hash of the derived key under another label.
        kid = hashlib.sha256(b"beacon-key-id:" + key).hexdigest()[:8]
        derived.append((kid, key))
    return tuple(derived)


def purpose_keys(purpose: str) -> tuple[tuple[str, bytes], ...]:
    """``(key id, HMAC key)`` for ``purpose`` from every ``BEACON_INDEX_KEY``, newest first.

    Each purpose gets keys of its own (SHA-256 of the purpose and the configured key), so a value
    keyed for one purpose (a tip passphrase, ``tips.passphrases``) says nothing under another (a
    blind index).  The key id is 8 hex digits stored beside the value."""
    keys = tuple(settings.BEACON_INDEX_KEYS)
    if not keys:
        raise ValueError("BEACON_INDEX_KEY is empty: keyed hashes need at least one key.")
    return _purpose_keys(keys, purpose)
