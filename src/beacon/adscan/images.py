"""Perceptual hashes for image file paths (``imagehash.phash``).

A value in ``images`` that is an existing file path is hashed; anything else
is taken to be a hash already (lower-cased).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["image_key"]


@lru_cache(maxsize=65536)
def image_key(value: str, base: str = "") -> str:
    """Return the perceptual hash (hex) of an image path, or ``value``
    lower-cased when it is not a readable image file."""
    if "." not in value:  # no file suffix: a hash (the common case, no Path needed)
        return value.strip().lower()
    p = Path(base, value) if base else Path(value)
    if len(value) < 1024 and p.suffix.lower() in {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"}:
        try:
            if p.is_file():
                import imagehash
                from PIL import Image

                with Image.open(p) as im:
                    return "phash:" + str(imagehash.phash(im))
        except (OSError, ValueError):
            return value.strip().lower()
    return value.strip().lower()
