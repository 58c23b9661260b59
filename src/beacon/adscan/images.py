"""Image identifiers: perceptual hashes and near-duplicate matching.

Input format (the ``images`` column of an ad record): a list of strings.
Each string is one of

* a 64-bit perceptual hash written as 16 hexadecimal digits
  (``"c3d1a0f0e0e0f0f1"``, optionally prefixed ``"phash:"``), e.g. the
  ``str()`` of ``imagehash.phash(img)`` with the default ``hash_size=8``;
* a path to an image file (``.jpg``, ``.png``...) relative to the input
  file: it is hashed with ``imagehash.phash`` on reading (``image_key``);
* anything else (an image URL, a site's photo id): kept as a string
  identifier, lower-cased, matched only by equality.

Re-posted photos are re-cropped and re-encoded, which flips a few bits of
their perceptual hash.  :func:`canonical_images` groups hashes that lie
within Hamming distance ``k`` (default :data:`DEFAULT_K` = 6 of 64 bits) of
one another (connected components) and maps every hash to its component's
representative (the smallest hash), so that the clusterer sees one
identifier per photo, like a phone number.

Why 6: re-encoding and light re-cropping of the same photo moves a 64-bit
DCT pHash by a few bits (commonly 0-4), while two unrelated hashes differ in
32 bits on average; for uniformly distributed 64-bit hashes the chance that
two unrelated ones fall within 6 bits is sum_{i<=6} C(64, i) / 2^64 = 4.1e-12,
so 1M distinct hashes (5e11 pairs) give about 2 false pairs.  Real photos'
hashes are less uniform than that (similar stock backgrounds), which argues
against a larger k.

The index is multi-index hashing by the pigeonhole principle: the 64 bits
are cut into ``k + 3`` blocks; two hashes within distance ``k`` differ in at
most ``k`` blocks, so they agree exactly on at least 3 blocks.  For each of
the C(k+3, 3) choices of 3 blocks the hashes are sorted by those bits
(numpy), equal runs give candidate pairs, and each candidate is checked with
a popcount.  No pair within distance ``k`` is missed, and the candidates per
choice stay few (3 blocks are about 21 bits), so 1M hashes take seconds
(``bench/images.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_K",
    "canonical_hashes",
    "canonical_images",
    "canonicalise_identifier_indices",
    "canonicalise_identifier_lists",
    "hamming",
    "image_key",
    "near_duplicate_pairs",
    "parse_phash",
]

DEFAULT_K = 6
"""Largest Hamming distance (of 64 bits) at which two photo hashes are one photo."""

_HEX64 = re.compile(r"(?:phash:)?([0-9a-f]{16})")


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


def parse_phash(value: str) -> int | None:
    """The 64-bit hash in ``value`` (16 hex digits, optionally ``phash:``), or None."""
    m = _HEX64.fullmatch(value.strip().lower())
    return int(m.group(1), 16) if m else None


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return (a ^ b).bit_count()


def _blocks(k: int) -> list[int]:
    """Bit masks of the ``k + 3`` blocks (contiguous, sizes differing by at most 1)."""
    m = k + 3
    sizes = [64 // m + (1 if i < 64 % m else 0) for i in range(m)]
    masks, pos = [], 0
    for s in sizes:
        masks.append(((1 << s) - 1) << pos)
        pos += s
    return masks


def near_duplicate_pairs(
    hashes: npt.NDArray[np.uint64], k: int = DEFAULT_K
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Index pairs ``(a, b)`` (``a != b``) of ``hashes`` within Hamming distance ``k``.

    Every such pair is reported exactly once, in some order.
    ``hashes`` should be distinct values (equal values are trivially one photo)."""
    if not 0 <= k <= 20:
        raise ValueError("k must be between 0 and 20")
    h = np.ascontiguousarray(hashes, dtype=np.uint64)
    n = len(h)
    out_a: list[npt.NDArray[np.int64]] = []
    out_b: list[npt.NDArray[np.int64]] = []
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    masks = _blocks(k)
    for combo in combinations(range(len(masks)), 3):
        mask = np.uint64(masks[combo[0]] | masks[combo[1]] | masks[combo[2]])
        # a pair is kept only under the first 3 blocks it agrees on: the
        # blocks before the last of ``combo`` that are not in it must differ
        must_differ = [np.uint64(masks[i]) for i in range(combo[2]) if i not in combo]
        key = h & mask
        order = np.argsort(key)  # (any order within equal keys: all pairs of a run are taken)
        sk = key[order]
        pos = np.flatnonzero(sk[1:] == sk[:-1])  # i with sk[i] == sk[i+1]
        d = 1
        while len(pos):
            a, b = order[pos], order[pos + d]
            x = h[a] ^ h[b]
            near = np.bitwise_count(x) <= k
            for bm in must_differ:
                near &= (x & bm) != 0
            if near.any():
                out_a.append(a[near].astype(np.int64))
                out_b.append(b[near].astype(np.int64))
            d += 1
            pos = pos[pos + d < n]
            pos = pos[sk[pos] == sk[pos + d]]
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)


def _components(n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Component label (its smallest member index) of each of ``n`` nodes."""
    if len(a) == 0:
        return np.arange(n, dtype=np.int64)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    ncomp, comp = connected_components(graph, directed=False)
    # the smallest member of each component (its first occurrence)
    first: npt.NDArray[np.int64] = np.zeros(int(ncomp), dtype=np.int64)
    seen, idx = np.unique(np.asarray(comp), return_index=True)
    first[seen] = idx
    out: npt.NDArray[np.int64] = first[np.asarray(comp)]
    return out


def canonical_hashes(values: Iterable[int], k: int = DEFAULT_K) -> dict[int, int]:
    """Map each 64-bit hash to the representative of its near-duplicate
    component (the smallest hash of the component)."""
    uniq = np.unique(np.fromiter(values, dtype=np.uint64))  # sorted: index 0 is the smallest
    a, b = near_duplicate_pairs(uniq, k)
    lab = _components(len(uniq), a, b)
    return dict(zip(uniq.tolist(), uniq[lab].tolist(), strict=True))


def canonical_images(identifiers: Iterable[str], k: int = DEFAULT_K, prefix: str = "img:") -> dict[str, str]:
    """The image identifiers that have a near-duplicate representative.

    ``identifiers`` are ad identifiers (``tel:...``, ``img:<hash>``...); those
    starting with ``prefix`` whose value is a 64-bit hash are grouped.  The
    result maps each such identifier to ``prefix + <16 hex digits of the
    representative>`` (only identifiers that change are listed: other
    identifiers, URL-like image ids and representatives written the same way
    are left out).  The result depends only on the set of identifiers, not on
    their order, so batch and parallel scans agree."""
    parsed: dict[str, int] = {}
    for ident in identifiers:
        if ident.startswith(prefix) and ident not in parsed:
            v = parse_phash(ident[len(prefix) :])
            if v is not None:
                parsed[ident] = v
    if not parsed:
        return {}
    rep = canonical_hashes(parsed.values(), k)
    out: dict[str, str] = {}
    for ident, v in parsed.items():
        canon = f"{prefix}{rep[v]:016x}"
        if canon != ident:
            out[ident] = canon
    return out


def canonicalise_identifier_lists(
    idents: Sequence[list[str]], k: int = DEFAULT_K, prefix: str = "img:"
) -> list[list[str]]:
    """``idents`` (one list per ad) with near-duplicate image hashes replaced
    by their representative (duplicates within an ad removed, order kept)."""
    canon = canonical_images((i for lst in idents for i in lst if i.startswith(prefix)), k, prefix)
    if not canon:
        return list(idents)
    return [list(dict.fromkeys(canon.get(i, i) for i in lst)) if lst else lst for lst in idents]


def canonicalise_identifier_indices(
    ei: npt.NDArray[np.int64], names: Sequence[str], k: int = DEFAULT_K, prefix: str = "img:"
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """The (ad, identifier) link form of :func:`canonicalise_identifier_lists`:
    identifier indices ``ei`` into ``names`` are redirected to the index of
    their representative (appended to the names if not present)."""
    out_names = list(names)
    canon = canonical_images((i for i in names if i.startswith(prefix)), k, prefix)
    if not canon:
        return ei, out_names
    index = {n: i for i, n in enumerate(out_names)}
    remap = np.arange(len(out_names), dtype=np.int64)
    for ident, rep in canon.items():
        j = index.get(rep)
        if j is None:
            j = index[rep] = len(out_names)
            out_names.append(rep)
        remap[index[ident]] = j
    return remap[ei], out_names
