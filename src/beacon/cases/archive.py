"""Password-protected ZIP archives (WinZip AES-256, "AE-2"), written with ``cryptography`` only.

The format is the one 7-Zip, WinZip, macOS Archive Utility (via Keka/The Unarchiver) and
``pyzipper`` open: each entry is deflated, then encrypted with AES-256 in CTR mode
(little-endian counter from 1) under a key derived by PBKDF2-HMAC-SHA1 (1,000 rounds, 16-byte
random salt per entry), authenticated with HMAC-SHA1 (10 bytes), and marked with
compression method 99 and the 0x9901 extra field.  AE-2 stores no CRC (the HMAC replaces it).

``read_protected_zip`` is the matching reader (used by tests and for checking an export).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable
from datetime import datetime

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_KEY_LEN = 32  # AES-256
_SALT_LEN = 16
_ITERATIONS = 1000
_AES_EXTRA_ID = 0x9901
_METHOD_AES = 99
_FLAG_ENCRYPTED = 0x1
_FLAG_UTF8 = 0x800


class WrongPassword(ValueError):
    pass


def _derive(password: bytes, salt: bytes) -> tuple[bytes, bytes, bytes]:
    material = hashlib.pbkdf2_hmac("sha1", password, salt, _ITERATIONS, 2 * _KEY_LEN + 2)
    return material[:_KEY_LEN], material[_KEY_LEN:2 * _KEY_LEN], material[2 * _KEY_LEN:]


def _ctr_xor(key: bytes, data: bytes) -> bytes:
    """AES-CTR with WinZip's little-endian block counter starting at 1."""
    blocks = (len(data) + 15) // 16
    counters = b"".join(i.to_bytes(16, "little") for i in range(1, blocks + 1))
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305 - building CTR by hand
    stream = encryptor.update(counters) + encryptor.finalize()
    n = len(data)
    if n == 0:
        return b""
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream[:n], "big")).to_bytes(n, "big")


def _dos_time(when: datetime) -> tuple[int, int]:
    year = max(when.year, 1980)
    return (when.hour << 11) | (when.minute << 5) | (when.second // 2), ((year - 1980) << 9) | (when.month << 5) | when.day


def write_protected_zip(entries: Iterable[tuple[str, bytes]], password: str, *, when: datetime | None = None) -> bytes:
    """A ZIP of ``(name, data)`` entries, every entry AES-256 encrypted under ``password``."""
    if not password:
        raise ValueError("A password is required.")
    pw = password.encode()
    dos_time, dos_date = _dos_time(when or datetime.now())  # noqa: DTZ005 - ZIP stores local wall time
    extra = struct.pack("<HHHBBBH", _AES_EXTRA_ID, 7, 2, ord("A"), ord("E"), 3, zipfile.ZIP_DEFLATED)
    flags = _FLAG_ENCRYPTED | _FLAG_UTF8
    out = bytearray()
    central = bytearray()
    count = 0
    for name, data in entries:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        salt = os.urandom(_SALT_LEN)
        enc_key, auth_key, verifier = _derive(pw, salt)
        cipher = _ctr_xor(enc_key, deflated)
        mac = hmac.new(auth_key, cipher, hashlib.sha1).digest()[:10]
        body = salt + verifier + cipher + mac
        fname = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 51, flags, _METHOD_AES, dos_time, dos_date, 0,
                           len(body), len(data), len(fname), len(extra))
        out += fname + extra + body
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 51, 51, flags, _METHOD_AES, dos_time, dos_date, 0,
                               len(body), len(data), len(fname), len(extra), 0, 0, 0, 0, offset)
        central += fname + extra
        count += 1
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), cd_offset, 0)
    return bytes(out)


def read_protected_zip(data: bytes, password: str) -> dict[str, bytes]:
    """Decrypt and check every entry; ``WrongPassword`` when the password (or an HMAC) does not match."""
    import io

    pw = password.encode()
    result: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.compress_type != _METHOD_AES:
                raise ValueError(f"{info.filename} is not AES-encrypted")
            start = info.header_offset
            name_len, extra_len = struct.unpack("<HH", data[start + 26:start + 30])
            body = data[start + 30 + name_len + extra_len:start + 30 + name_len + extra_len + info.compress_size]
            salt, verifier, cipher, mac = body[:_SALT_LEN], body[_SALT_LEN:_SALT_LEN + 2], body[_SALT_LEN + 2:-10], body[-10:]
            enc_key, auth_key, expected_verifier = _derive(pw, salt)
            if not hmac.compare_digest(verifier, expected_verifier):
                raise WrongPassword("Wrong password.")
            if not hmac.compare_digest(hmac.new(auth_key, cipher, hashlib.sha1).digest()[:10], mac):
                raise WrongPassword("The archive is damaged or the password is wrong.")
            result[info.filename] = zlib.decompress(_ctr_xor(enc_key, cipher), -15)
    return result
