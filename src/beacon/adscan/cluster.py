"""Operation clustering: near-duplicate text (MinHash-LSH) + shared identifiers
(phone, e-mail, handle, image hash), joined with union-find.

Giant components
----------------
A few identifiers are shared by unrelated ads: a hotline printed in a site
footer, a booking-agency number, a placeholder image.  Linking on them glues
thousands of unrelated ads into one "operation".  Two guards:

* a built-in stop-list of public hotlines (:data:`HOTLINES`), extendable;
* **hub detection**: an identifier that appears in more than
  ``max_identifier_groups`` *distinct text groups* (connected components of
  the near-duplicate graph alone) is a hub and is not used for linking.  A
  real operation re-uses a phone across a handful of templates; a hub spans
  hundreds.  Hubs are still reported on the ads and in the summary.

Batch mode (:func:`cluster_batch`) does this exactly on the whole corpus.
:class:`OperationIndex` does the same incrementally; when an identifier
becomes a hub the identifier links are rebuilt without it (rare, linear).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .minhash import MinHashParams, WordHasher, band_keys, lsh_edges, signature_one, signatures

__all__ = [
    "HOTLINES",
    "BatchClusters",
    "ClusterParams",
    "IdentifierLinks",
    "OperationIndex",
    "UnionFind",
    "cluster_batch",
    "cluster_hashed",
    "cluster_id_for",
    "cluster_signed",
]

HOTLINES: frozenset[str] = frozenset(
    {
        "tel:+18883737888",  # National Human Trafficking Hotline
        "tel:+18008435678",  # NCMEC CyberTipline
        "tel:+18002738255",  # former National Suicide Prevention Lifeline
        "tel:+18007997233",  # National Domestic Violence Hotline
        "tel:+18446746382",  # Missouri Human Trafficking hotline (MO AG)
    }
)


@dataclass(frozen=True, slots=True)
class ClusterParams:
    minhash: MinHashParams = field(default_factory=MinHashParams)
    max_identifier_groups: int = 5
    """An identifier seen in more distinct text groups than this is a hub."""
    stop_identifiers: frozenset[str] = HOTLINES
    use_identifiers: bool = True


def cluster_id_for(first_ad_id: str) -> str:
    """Stable cluster id derived from the id of the operation's first ad."""
    return "op-" + hashlib.sha1(first_ad_id.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


class UnionFind:
    """Union-find over 0..n-1 (growable) with path halving; the root of a
    set is always its smallest element (so ids are stable: oldest ad wins)."""

    def __init__(self, n: int = 0) -> None:
        self.parent: list[int] = list(range(n))

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return ra


@dataclass(slots=True)
class BatchClusters:
    labels: npt.NDArray[np.int64]
    """Component label per ad (the index of the component's first ad)."""
    text_labels: npt.NDArray[np.int64]
    hubs: dict[str, int]
    """Hub identifiers -> number of distinct text groups they span."""
    text_edges: int


def _components(n: int, src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    lab = lab.astype(np.int64)
    # relabel: label = smallest member index
    first = np.full(lab.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, lab, np.arange(n, dtype=np.int64))
    out: npt.NDArray[np.int64] = first[lab]
    return out


def cluster_batch(
    words: Sequence[Sequence[str]],
    identifiers: Sequence[Sequence[str]],
    params: ClusterParams | None = None,
    hasher: WordHasher | None = None,
) -> BatchClusters:
    """Cluster ``n`` ads given their shingle words and linking identifiers."""
    hasher = hasher or WordHasher()
    n = len(words)
    flat: list[int] = []
    offsets = np.zeros(n + 1, dtype=np.int64)
    for i, w in enumerate(words):
        flat.extend(hasher(w))
        offsets[i + 1] = len(flat)
    return cluster_hashed(np.asarray(flat, dtype=np.uint64), offsets, identifiers, params)


def cluster_hashed(
    word_hashes: npt.NDArray[np.uint64],
    offsets: npt.NDArray[np.int64],
    identifiers: Sequence[Sequence[str]],
    params: ClusterParams | None = None,
) -> BatchClusters:
    """:func:`cluster_batch` on pre-hashed words (see :class:`WordHasher`):
    ``word_hashes`` concatenated, ``offsets`` of length n+1."""
    params = params or ClusterParams()
    sig, ok = signatures(word_hashes, offsets, params.minhash)
    links = IdentifierLinks(params.stop_identifiers)
    for i, ids in enumerate(identifiers):
        links.add(i, ids)
    return cluster_signed(sig, ok, *links.arrays(), links.names(), params)


class IdentifierLinks:
    """The (ad index, identifier index) links :func:`cluster_signed` takes,
    identifiers numbered in order of first appearance, stop-list removed."""

    __slots__ = ("_ads", "_idents", "_index", "_stop")

    def __init__(self, stop: frozenset[str]) -> None:
        self._stop = stop
        self._index: dict[str, int] = {}
        self._ads = array("q")
        self._idents = array("q")

    def add(self, ad: int, identifiers: Iterable[str]) -> None:
        """Link ad number ``ad`` (0, 1, ... in order) to its identifiers."""
        index = self._index
        for ident in identifiers:
            if ident in self._stop:
                continue
            k = index.get(ident)
            if k is None:
                k = index[ident] = len(index)
            self._ads.append(ad)
            self._idents.append(k)

    def arrays(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Ad indices and identifier indices, as parallel arrays."""
        return np.frombuffer(self._ads, dtype=np.int64), np.frombuffer(self._idents, dtype=np.int64)

    def names(self) -> list[str]:
        """The identifiers, by index."""
        return list(self._index)


def cluster_signed(
    sig: npt.NDArray[np.uint32],
    ok: npt.NDArray[np.bool_],
    ea: npt.NDArray[np.int64],
    ei: npt.NDArray[np.int64],
    ident_names: Sequence[str],
    params: ClusterParams | None = None,
) -> BatchClusters:
    """:func:`cluster_batch` on MinHash signatures (see
    :func:`beacon.adscan.minhash.signatures`) and identifier links given as
    parallel arrays (ad index, identifier index into ``ident_names``, the
    identifiers numbered in order of first appearance, stop-list removed)."""
    params = params or ClusterParams()
    n = sig.shape[0]
    src, dst = lsh_edges(sig, ok, params.minhash)
    text_labels = _components(n, src, dst)
    hubs: dict[str, int] = {}
    m = len(ident_names)
    if not params.use_identifiers or m == 0:
        return BatchClusters(text_labels, text_labels, hubs, len(src))
    # distinct text groups per identifier
    pairs = np.unique(ei * (n + 1) + text_labels[ea])
    groups_per_ident = np.bincount(pairs // (n + 1), minlength=m)
    hub_mask = groups_per_ident > params.max_identifier_groups
    if hub_mask.any():
        for hk in np.nonzero(hub_mask)[0].tolist():
            hubs[ident_names[hk]] = int(groups_per_ident[hk])
        keep = ~hub_mask[ei]
        ea, ei = ea[keep], ei[keep]
    all_src = np.concatenate([src, ea])
    all_dst = np.concatenate([dst, ei + n])
    lab = _components(n + m, all_src, all_dst)[:n]
    return BatchClusters(lab, text_labels, hubs, len(src))


class OperationIndex:
    """Incremental clustering: ``add`` one ad at a time; new ads join existing
    operations without rescanning.  Same linking rules as :func:`cluster_batch`
    (up to LSH bucket sampling).

    Typical platform use: keep one index per deployment (pickle it, or rebuild
    it at start-up by ``add``-ing stored ads in ``posted_at`` order), call
    ``add`` for each new ad and store the returned cluster id.  When ``add``
    reports ``merged`` cluster ids, those operations were absorbed into the
    returned one.
    """

    def __init__(self, params: ClusterParams | None = None, bucket_sample: int = 8) -> None:
        self.params = params or ClusterParams()
        self.hasher = WordHasher()
        self.bucket_sample = bucket_sample
        self.ad_ids: list[str] = []
        self._sigs: list[npt.NDArray[np.uint32] | None] = []
        self._buckets: dict[tuple[int, int], list[int]] = {}
        self._text = UnionFind()
        self._ops = UnionFind()
        self._idents: list[tuple[str, ...]] = []
        self._ident_ads: dict[str, int] = {}  # identifier -> first ad carrying it
        self._ident_groups: dict[str, set[int]] = {}
        self.hubs: set[str] = set()
        self._index_of: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.ad_ids)

    def cluster_of(self, ad_id: str) -> str:
        i = self._index_of[ad_id]
        return cluster_id_for(self.ad_ids[self._ops.find(i)])

    def members(self, cluster_id: str) -> list[str]:
        return [a for a, c in zip(self.ad_ids, self.labels(), strict=True) if c == cluster_id]

    def add(self, ad_id: str, words: Sequence[str], identifiers: Sequence[str] = ()) -> tuple[str, list[str]]:
        """Add one ad; returns ``(cluster_id, merged_cluster_ids)``."""
        if ad_id in self._index_of:
            return self.cluster_of(ad_id), []
        p = self.params
        i = self._text.add()
        self._ops.add()
        self.ad_ids.append(ad_id)
        self._index_of[ad_id] = i
        idents = tuple(x for x in identifiers if x not in p.stop_identifiers) if p.use_identifiers else ()
        self._idents.append(idents)
        roots_before: set[int] = set()

        def link_ops(a: int, b: int) -> None:
            ra, rb = self._ops.find(a), self._ops.find(b)
            if ra != rb:
                roots_before.update((ra, rb))
                self._ops.union(ra, rb)

        sig = signature_one(words, p.minhash, self.hasher)
        self._sigs.append(sig)
        if sig is not None:
            keys = band_keys(sig[None, :], p.minhash)[0]
            matched: set[int] = set()
            for band, key in enumerate(keys.tolist()):
                bucket = self._buckets.setdefault((band, key), [])
                for j in bucket:
                    if j in matched:
                        continue
                    other = self._sigs[j]
                    if other is not None and float(np.mean(other == sig)) >= p.minhash.threshold:
                        matched.add(j)
                bucket.append(i)
                if len(bucket) > self.bucket_sample:
                    del bucket[0]
            for j in matched:
                self._text.union(i, j)
                link_ops(i, j)
        rebuild = False
        for ident in idents:
            groups = self._ident_groups.setdefault(ident, set())
            groups.add(self._text.find(i))
            if ident in self.hubs:
                continue
            if len(groups) > p.max_identifier_groups:
                groups = {self._text.find(g) for g in groups}
                self._ident_groups[ident] = groups
                if len(groups) > p.max_identifier_groups:
                    self.hubs.add(ident)
                    rebuild = True
                    continue
            first = self._ident_ads.setdefault(ident, i)
            if first != i:
                link_ops(i, first)
        if rebuild:
            self._rebuild_ops()
            return self.cluster_of(ad_id), []
        root = self._ops.find(i)
        merged = sorted(cluster_id_for(self.ad_ids[r]) for r in roots_before if r not in (root, i))
        return cluster_id_for(self.ad_ids[root]), merged

    def _rebuild_ops(self) -> None:
        n = len(self.ad_ids)
        ops = UnionFind(n)
        for i in range(n):
            r = self._text.find(i)
            if r != i:
                ops.union(i, r)
        first: dict[str, int] = {}
        for i, idents in enumerate(self._idents):
            for ident in idents:
                if ident in self.hubs:
                    continue
                f = first.setdefault(ident, i)
                if f != i:
                    ops.union(i, f)
        self._ops = ops

    def labels(self) -> list[str]:
        """Cluster id of every ad, in insertion order."""
        ids: dict[int, str] = {}  # root -> cluster id (hashed once per operation)
        out: list[str] = []
        for i in range(len(self.ad_ids)):
            r = self._ops.find(i)
            c = ids.get(r)
            if c is None:
                c = ids[r] = cluster_id_for(self.ad_ids[r])
            out.append(c)
        return out
