"""Vectorised MinHash + LSH banding with numpy.

Shingles are word 3-grams hashed to 32 bits (crc32 of each word, combined
with a fixed multiply-xor mix, so results are identical across runs and
processes).  MinHash uses ``num_perm`` multiply-shift hash functions
``h(x) = ((a*x + b) mod 2**64) >> 32`` evaluated for all shingles of a chunk
of ads at once, and ``np.minimum.reduceat`` per ad.  LSH splits the signature
into ``bands`` of ``rows`` rows; ads with an identical band are candidates and
each candidate pair is verified by the estimated Jaccard similarity.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import is_
from typing import cast

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

_MASK32 = 0xFFFFFFFF
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0x165667B19E3779F9)


@dataclass(frozen=True, slots=True)
class MinHashParams:
    num_perm: int = 64
    bands: int = 16
    shingle: int = 3
    threshold: float = 0.5
    """Verified estimated Jaccard needed for a text link."""
    min_shingles: int = 6
    """Ads with fewer shingles never get a text link (too generic)."""
    seed: int = 1

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


class WordHasher:
    """crc32 of words with a cache (words repeat a lot across ads)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, words: Sequence[str]) -> list[int]:
        cache = self._cache
        out: list[int | None] = list(map(cache.get, words))
        if None in out:
            if len(cache) > 2_000_000:
                cache.clear()
            # visit only the misses (positions selected in C)
            for i in list(compress(count(), map(is_, out, repeat(None)))):
                w = words[i]
                h = zlib.crc32(w.encode("utf-8", "surrogatepass"))
                cache[w] = h
                out[i] = h
        return cast("list[int]", out)


def _perms(params: MinHashParams) -> tuple[U64, U64]:
    rng = np.random.default_rng(params.seed)
    a = rng.integers(1, 2**63 - 1, size=params.num_perm, dtype=np.int64).astype(np.uint64) * np.uint64(
        2
    ) + np.uint64(1)
    b = rng.integers(0, 2**63 - 1, size=params.num_perm, dtype=np.int64).astype(np.uint64)
    return a, b


def shingle_hashes(word_hashes: U64, offsets: I64, k: int) -> tuple[U64, I64]:
    """Shingle hashes for many documents at once.

    ``word_hashes`` is the concatenation of every document's word hashes and
    ``offsets`` (length n+1) the document boundaries.  Documents shorter than
    ``k`` words contribute one shingle (all their words) if non-empty.
    Returns the concatenated shingle hashes and their offsets.
    """
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)
    n_sh = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    sh_off = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(n_sh, out=sh_off[1:])
    total = int(sh_off[-1])
    if total == 0:
        return np.zeros(0, dtype=np.uint64), sh_off
    # start index (into word_hashes) of every shingle
    doc_of = np.repeat(np.arange(n_docs), n_sh)
    pos_in_doc = np.arange(total) - sh_off[doc_of]
    start = offsets[doc_of] + pos_in_doc
    last = offsets[doc_of + 1] - 1
    h = np.zeros(total, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            # documents shorter than k repeat their last word: harmless
            w = word_hashes[np.minimum(start + j, last)]
            h = (h ^ (w + np.uint64(j) * _M3)) * _M1
            h ^= h >> np.uint64(29)
        h = (h * _M2) >> np.uint64(32)
    return h, sh_off


def signatures(
    word_hashes: U64,
    offsets: I64,
    params: MinHashParams,
    chunk_shingles: int = 32_768,
    chunk_docs: int = 8_192,
) -> tuple[U32, npt.NDArray[np.bool_]]:
    """MinHash signatures (n_docs x num_perm, uint32) and the mask of docs
    with at least ``params.min_shingles`` shingles.

    Work is done ``chunk_docs`` documents at a time and ``chunk_shingles``
    shingles at a time, so peak memory stays flat whatever the corpus size.
    """
    n_docs = len(offsets) - 1
    sig = np.full((n_docs, params.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    ok = np.zeros(n_docs, dtype=bool)
    a, b = _perms(params)
    for d0 in range(0, n_docs, chunk_docs):
        d1 = min(n_docs, d0 + chunk_docs)
        w0, w1 = int(offsets[d0]), int(offsets[d1])
        sh, sh_off = shingle_hashes(word_hashes[w0:w1], offsets[d0 : d1 + 1] - w0, params.shingle)
        counts = np.diff(sh_off)
        ok[d0:d1] = counts >= max(1, params.min_shingles)
        docs = np.nonzero(counts > 0)[0]
        i = 0
        while i < len(docs):
            start_sh = sh_off[docs[i]]
            j = int(np.searchsorted(sh_off, start_sh + chunk_shingles, side="right")) - 1
            j = max(j, int(docs[i]) + 1)
            hi_i = int(np.searchsorted(docs, j, side="left"))
            sel = docs[i:hi_i]
            lo, hi = int(sh_off[sel[0]]), int(sh_off[sel[-1] + 1])
            x = sh[lo:hi]
            with np.errstate(over="ignore"):
                hv = a[:, None] * x[None, :]
                hv += b[:, None]
            starts = sh_off[sel] - lo
            sig[d0 + sel] = (np.minimum.reduceat(hv, starts, axis=1) >> np.uint64(32)).T.astype(np.uint32)
            i = hi_i
    return sig, ok


def band_keys(sig: U32, params: MinHashParams) -> U64:
    """One 64-bit key per (doc, band): shape (n_docs, bands)."""
    r = params.rows
    n = sig.shape[0]
    s = sig[:, : params.bands * r].astype(np.uint64).reshape(n, params.bands, r)
    key = np.zeros((n, params.bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(r):
            key = (key ^ s[:, :, j]) * _M1
            key ^= key >> np.uint64(31)
    return key


def lsh_edges(sig: U32, ok: npt.NDArray[np.bool_], params: MinHashParams) -> tuple[I64, I64]:
    """Verified near-duplicate pairs (i, j) among docs where ``ok``.

    Within each band, docs are sorted by key and each doc is compared with
    its predecessor in the same bucket (a chain, so a bucket of size m costs
    m-1 checks, never m^2).  A pair is kept when the fraction of equal
    signature values is >= ``params.threshold``.
    """
    idx = np.nonzero(ok)[0]
    if len(idx) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    keys = band_keys(sig[idx], params)
    src: list[I64] = []
    dst: list[I64] = []
    for band in range(params.bands):
        k = keys[:, band]
        order = np.argsort(k, kind="stable")
        sk = k[order]
        same = np.nonzero(sk[1:] == sk[:-1])[0]
        if len(same) == 0:
            continue
        i = idx[order[same]]
        j = idx[order[same + 1]]
        src.append(i)
        dst.append(j)
    if not src:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    i_all = np.concatenate(src)
    j_all = np.concatenate(dst)
    # dedupe pairs before verification
    lo = np.minimum(i_all, j_all)
    hi = np.maximum(i_all, j_all)
    pair = np.unique(lo.astype(np.int64) * (sig.shape[0] + 1) + hi)
    lo = pair // (sig.shape[0] + 1)
    hi = pair % (sig.shape[0] + 1)
    est = np.empty(len(lo), dtype=np.float64)
    step = 65536
    for s in range(0, len(lo), step):
        est[s : s + step] = (sig[lo[s : s + step]] == sig[hi[s : s + step]]).mean(axis=1)
    keep = est >= params.threshold
    return lo[keep], hi[keep]


def signature_one(words: Sequence[str], params: MinHashParams, hasher: WordHasher) -> U32 | None:
    """Signature of a single document (for incremental use), or None when it
    has fewer than ``min_shingles`` shingles."""
    wh = np.asarray(hasher(words), dtype=np.uint64)
    offsets = np.asarray([0, len(wh)], dtype=np.int64)
    sig, ok = signatures(wh, offsets, params)
    return sig[0] if bool(ok[0]) else None
