"""Photos and screenshots on a tip: checked by content, re-encoded without metadata, stored encrypted.

A reporter may add up to ``MAX_PHOTOS`` files of at most ``MAX_BYTES`` each.  Each file must
open in Pillow as JPEG, PNG, WebP (or HEIC/HEIF when the installed Pillow can read it); the
name and the declared content type are ignored.  The pixels are copied into a fresh image
(orientation applied first, then scaled to at most ``MAX_SIDE`` pixels on the longer side)
and saved again, so no metadata block of the original survives: no EXIF (GPS, device,
time), no XMP, no IPTC, no comments and no ICC profile (dropped too: a rare colour shift is
a fair price for one less device fingerprint).  The result is encrypted with the field key
(``BEACON_FIELD_KEY``, Fernet) and written under ``MEDIA_ROOT/tips/``; it is decrypted only
by the staff download, behind the tip door, with a ``read`` audit row.

A refused file never costs the reporter the tip: the tip is stored with the files that
passed, and each refused file is named with the reason.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from beacon.core import crypto

MAX_PHOTOS = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 4096
MAX_PIXELS = 60_000_000  # refuses decompression bombs before decoding (a 10 MB PNG can claim 1e9 pixels)

# Pillow format -> (format saved, content type, extension)
_OUTPUT = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),  # phone JPEGs with a second frame: the first is kept
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "HEIF": ("JPEG", "image/jpeg", "jpg"),
}


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded image, ready to store (plain bytes; encrypted when saved)."""

    name: str
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str


def _name(upload: Any) -> str:
    return str(getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:100]


def clean(upload: Any) -> CleanPhoto:
    """The upload re-encoded without metadata; ``ValueError`` with a reporter-facing reason otherwise."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_BYTES:
        raise ValueError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if size == 0:
        raise ValueError(_("The file is empty."))
    upload.seek(0)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValueError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    not_image = _("Only photos and screenshots can be added (JPEG, PNG or WebP); this file is not one.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format or ""
                if fmt not in _OUTPUT:
                    raise ValueError(not_image)
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValueError(_("The image has too many pixels."))
                probe.seek(0)
                image = ImageOps.exif_transpose(probe)  # keep the picture upright once EXIF is gone
                image.load()
    except ValueError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise ValueError(not_image) from exc
    out_format, content_type, ext = _OUTPUT[fmt]
    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if out_format == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # A fresh image from the pixels alone: nothing of ``info`` (exif, xmp, icc_profile, comment) follows.
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": 90} if out_format in {"JPEG", "WEBP"} else {"optimize": True}
    fresh.save(buffer, format=out_format, **options)
    stem = _name(upload).rsplit(".", 1)[0][:90] or "photo"
    return CleanPhoto(name=f"{stem}.{ext}", data=buffer.getvalue(), content_type=content_type,
                      width=fresh.width, height=fresh.height)


def prepare(uploads: list[Any]) -> tuple[list[CleanPhoto], list[Refused]]:
    """Check and re-encode the uploads (before the tip's transaction): the good ones and the refused."""
    good: list[CleanPhoto] = []
    refused: list[Refused] = []
    for upload in uploads:
        if len(good) >= MAX_PHOTOS:
            refused.append(Refused(_name(upload), _("A report can have at most %(n)d photos.") % {"n": MAX_PHOTOS}))
            continue
        try:
            good.append(clean(upload))
        except ValueError as exc:
            refused.append(Refused(_name(upload), str(exc)))
    return good, refused


def encrypted_file(photo: CleanPhoto) -> ContentFile[bytes]:
    return ContentFile(crypto.fernet().encrypt(photo.data), name="photo")


def decrypt(data: bytes) -> bytes:
    return crypto.fernet().decrypt(data)
