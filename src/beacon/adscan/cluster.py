"""Operation clustering: near-duplicate text (MinHash-LSH) + shared identifiers
(phone, e-mail, handle, image hash), joined with union-find.

One rule, one implementation
----------------------------
Near-duplicate ads (estimated Jaccard >= threshold) are always joined.  An
identifier joins the ads that carry it when :func:`decide_identifier` says so,
from the evidence of the ads behind it, not from a count of text groups:

* an analyst's mark wins (``ClusterParams.marks``: ``True`` "link",
  ``False`` "shared, do not link");
* the built-in stop-list of public hotlines (:data:`HOTLINES`) never links;
* otherwise the identifier is *shared* (set aside) when its ads belong to
  ``min_identities`` (3) or more separate posters: posters who each give their
  own contact (phone, e-mail, handle) and whose contacts are not connected by
  any second piece of evidence (appearing on one ad together, a common
  near-duplicate text group, a common photo).  A footer hotline or a
  placeholder photo is carried by such posters; an operation's phone is carried
  by ads that give no other contact or whose other contacts hang together, so
  it links however much the operation spins its text.

The decisions depend only on the set of ads, never on their order.  The rule
reads its data through :class:`LinkStore`: :class:`MemoryStore` serves the
batch scan (:func:`cluster_signed`, what ``beacon ads scan`` runs) and
:class:`OperationIndex` (incremental, in memory); the platform's
``beacon.monitoring.clustering`` implements the same protocol over the
database.  Every decision is a :class:`LinkDecision` with its reason; the
operations list the identifiers that joined them and those set aside.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, cast

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
    "LinkDecision",
    "LinkStore",
    "MemoryStore",
    "OperationIndex",
    "UnionFind",
    "cluster_batch",
    "cluster_hashed",
    "cluster_id_for",
    "cluster_signed",
    "decide_all",
    "decide_identifier",
    "links_of_operation",
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
    min_identities: int = 3
    """An identifier whose ads belong to this many separate posters is shared (not linked)."""
    stop_identifiers: frozenset[str] = HOTLINES
    use_identifiers: bool = True
    marks: Mapping[str, bool] = field(default_factory=dict)
    """Analysts' decisions: identifier -> ``True`` (link) / ``False`` (shared, do not link)."""


# ---------------------------------------------------------------- identifier linking
CONTACT_PREFIXES: tuple[str, ...] = ("tel:", "email:", "handle:")
"""Identifiers that are a way to reach a poster (an identity); images only connect."""


@dataclass(frozen=True, slots=True)
class LinkDecision:
    """Whether one identifier links the ads that carry it, and why."""

    identifier: str
    link: bool
    carriers: int
    """Ads carrying it (as seen when decided)."""
    identities: int
    """Separate posters among its carriers (see :func:`decide_identifier`)."""
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"identifier": self.identifier, "link": self.link, "ads": self.carriers,
                "identities": self.identities, "reason": self.reason}  # fmt: skip


class LinkStore(Protocol):
    """What the linking rule reads: the one storage interface behind batch scans
    (:class:`MemoryStore`) and the platform (``beacon.monitoring.clustering``)."""

    def carriers(self, identifier: str) -> Collection[Hashable]:
        """The ads carrying ``identifier`` (any hashable ad key)."""
        ...

    def identifiers_of(self, ad: Hashable) -> Sequence[str]:
        """The linking identifiers of one ad (stop-list already removed or not: both work)."""
        ...

    def text_group(self, ad: Hashable) -> Hashable:
        """The ad's near-duplicate text group (connected component of the text graph)."""
        ...

    def prefetch(self, identifiers: Iterable[str]) -> None:
        """A hint, given before the rule reads the carriers of many identifiers: a store over a
        database reads them (with the identifiers and text groups of those ads) in one go instead of
        one query per identifier; an in-memory store ignores it.  Never changes what is read."""
        ...


def is_contact(identifier: str) -> bool:
    return identifier.startswith(CONTACT_PREFIXES)


def decide_identifier(
    identifier: str, store: LinkStore, params: ClusterParams, shared: Collection[str] = ()
) -> LinkDecision:
    """The linking rule, one identifier at a time (no count of text groups).

    Order of precedence: an analyst's mark (``params.marks``), the stop-list of
    public numbers, then the evidence of the ads behind the identifier:

    * the **other contacts** (phones, e-mails, handles) that those ads carry,
      leaving out *companions* (contacts on at least half of them: the second
      number of the same footer, or the same operation's other phone);
    * two such contacts are **one identity** when a second, independent piece
      of evidence connects them: they appear on one ad together, or ads
      carrying them share a near-duplicate text group or an image (identifiers
      already found ``shared`` do not connect);
    * the identifier is **shared** (set aside, not linked) when its ads belong
      to ``min_identities`` or more separate identities: a footer hotline or a
      placeholder photo sits on ads of posters who each give their own phone
      and have nothing else in common.  An operation's phone is carried by ads
      that give no other contact, or contacts that co-occur, share templates or
      photos: one identity, so it links, however many text groups its spun ads
      fall into.  A booking agent posting for many people under the agent's
      phones is one identity and one operation.

    The decision depends only on the set of ads (not their order), which is what
    lets batch and incremental clustering agree.
    """
    mark = params.marks.get(identifier)
    carriers = store.carriers(identifier)
    n = len(carriers)
    if mark is not None:
        return LinkDecision(identifier, mark, n, 0,
                            "analyst marked it: link" if mark else "analyst marked it: shared, do not link")  # fmt: skip
    if identifier in params.stop_identifiers:
        return LinkDecision(identifier, False, n, 0, "public number on the stop-list")
    if not params.use_identifiers:
        return LinkDecision(identifier, False, n, 0, "identifier linking is off")
    ignored = set(shared)
    ignored.add(identifier)
    together: dict[str, int] = {}
    for ad in carriers:
        for other in store.identifiers_of(ad):
            if (
                other not in ignored
                and other not in params.stop_identifiers
                and params.marks.get(other) is not False
            ):
                together[other] = together.get(other, 0) + 1
    half = max(2, (n + 1) // 2)
    contacts = {c for c, k in together.items() if is_contact(c) and k < half}
    if len(contacts) < params.min_identities:
        return LinkDecision(identifier, True, n, len(contacts),
                            f"its {n} ads give {len(contacts)} other contact(s): one poster")  # fmt: skip
    store.prefetch(contacts)
    # union-find over integer nodes: the contacts (0..k-1), then text groups and
    # photos as they are met (one partition whatever the order, so the same count)
    cnode = {c: k for k, c in enumerate(contacts)}
    gnode: dict[Hashable, int] = {}
    inode: dict[str, int] = {}
    parent = list(range(len(cnode)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for c, ci in cnode.items():
        for ad in store.carriers(c):
            g = store.text_group(ad)
            gi = gnode.get(g)
            if gi is None:
                gi = gnode[g] = len(parent)
                parent.append(gi)
            union(ci, gi)
            for other in store.identifiers_of(ad):
                oi = cnode.get(other)
                if oi is not None:
                    if oi != ci:
                        union(ci, oi)
                elif other not in ignored and not is_contact(other) and other not in params.stop_identifiers:
                    ii = inode.get(other)  # a shared photo connects
                    if ii is None:
                        ii = inode[other] = len(parent)
                        parent.append(ii)
                    union(ci, ii)
    identities = len({find(k) for k in range(len(cnode))})
    if identities >= params.min_identities:
        return LinkDecision(identifier, False, n, identities,
                            f"shared: its {n} ads belong to {identities} posters with their own contacts "
                            "and nothing else in common")  # fmt: skip
    return LinkDecision(identifier, True, n, identities,
                        f"its {n} ads give {len(contacts)} other contacts, connected into "
                        f"{identities} poster(s) by shared ads, templates or photos")  # fmt: skip


def decide_all(identifiers: Iterable[str], store: LinkStore, params: ClusterParams,
               rounds: int = 4) -> dict[str, LinkDecision]:  # fmt: skip
    """:func:`decide_identifier` for every identifier carried by two or more ads,
    to a fixed point: an identifier found shared no longer connects the
    identities of others (a placeholder photo does not make one poster of a
    footer's posters).  Each round decides every identifier with the shared
    set of the previous round, so the result does not depend on their order."""
    given = set(identifiers)
    store.prefetch(given)
    idents = sorted({i for i in given if len(store.carriers(i)) >= 2})
    wanted = set(idents)
    shared: frozenset[str] = frozenset()
    out: dict[str, LinkDecision] = {}
    todo = idents
    for _ in range(max(1, rounds)):
        out.update({i: decide_identifier(i, store, params, shared) for i in todo})
        now = frozenset(i for i, d in out.items() if not d.link)
        if now == shared:
            break
        # only identifiers within two hops of a changed one can see the change
        changed = now.symmetric_difference(shared)
        todo = sorted(around(store, (a for x in changed for a in store.carriers(x))) & wanted)
        shared = now
    return out


def around(store: LinkStore, ads: Iterable[Hashable]) -> set[str]:
    """Identifiers of the ads, and of every ad sharing one of their identifiers: all whose
    decision can change when these ads change (or an identifier on them changes)."""
    ads = list(ads)
    store.prefetch({x for a in ads for x in store.identifiers_of(a)})  # (a superset of what is read below)
    out: set[str] = set()
    for a in ads:
        for x in store.identifiers_of(a):
            if x in out:
                continue
            out.add(x)
            for b in store.carriers(x):
                out.update(store.identifiers_of(b))
    return out


def links_of_operation(members: Iterable[int], store: MemoryStore,
                       decisions: Mapping[str, LinkDecision], limit: int = 20) -> dict[str, list[dict[str, object]]]:  # fmt: skip
    """Which identifiers joined an operation (linked, carried by ads of more than
    one of its text groups) and which of its identifiers were set aside, why."""
    if not store.ad_idents:  # clustered without identifiers
        return {"joined_by": [], "set_aside": []}
    groups: dict[str, set[int]] = {}
    count: dict[str, int] = {}
    for i in members:
        g = store.text_group(i)
        for x in store.identifiers_of(i):
            groups.setdefault(x, set()).add(g)
            count[x] = count.get(x, 0) + 1
    joined: list[dict[str, object]] = []
    aside: list[dict[str, object]] = []
    for x in sorted(count, key=lambda k: (-count[k], k)):
        d = decisions.get(x)
        if d is None:
            continue
        if d.link and len(groups[x]) > 1:
            joined.append({**d.to_dict(), "ads_here": count[x], "text_groups_here": len(groups[x])})
        elif not d.link:
            aside.append({**d.to_dict(), "ads_here": count[x]})
    return {"joined_by": joined[:limit], "set_aside": aside[:limit]}


class MemoryStore:
    """:class:`LinkStore` over integer ad indices, for batch scans and the in-memory index."""

    __slots__ = ("ad_idents", "ident_ads", "groups")

    def __init__(self) -> None:
        self.ad_idents: list[list[str]] = []
        self.ident_ads: dict[str, list[int]] = {}
        self.groups: list[int] = []

    def add(self, identifiers: Iterable[str], group: int) -> int:
        i = len(self.ad_idents)
        ids = list(dict.fromkeys(identifiers))
        self.ad_idents.append(ids)
        self.groups.append(group)
        for x in ids:
            self.ident_ads.setdefault(x, []).append(i)
        return i

    def carriers(self, identifier: str) -> list[int]:
        return self.ident_ads.get(identifier, [])

    def identifiers_of(self, ad: Hashable) -> list[str]:
        return self.ad_idents[cast(int, ad)]

    def text_group(self, ad: Hashable) -> int:
        return self.groups[cast(int, ad)]

    def prefetch(self, identifiers: Iterable[str]) -> None:
        """Nothing to do: everything is in memory."""


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
    """Identifiers set aside (shared, not linked) -> separate posters among their ads."""
    text_edges: int
    store: MemoryStore = field(default_factory=lambda: MemoryStore())
    """Each ad's identifiers and text group, as the linking rule saw them."""
    decisions: dict[str, LinkDecision] = field(default_factory=dict)
    """The decision on every identifier carried by ads of two or more text groups."""


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
    store = MemoryStore()
    if not params.use_identifiers or m == 0:
        return BatchClusters(text_labels, text_labels, hubs, len(src), store, {})
    per_ad: list[list[str]] = [[] for _ in range(n)]
    for a, k in zip(ea.tolist(), ei.tolist(), strict=True):
        per_ad[a].append(ident_names[k])
    for ids, g in zip(per_ad, text_labels.tolist(), strict=True):
        store.add(ids, g)
    del per_ad
    # only identifiers whose ads span two or more text groups can join anything
    pairs = np.unique(ei * (n + 1) + text_labels[ea])
    groups_per_ident = np.bincount(pairs // (n + 1), minlength=m)
    multi = [ident_names[k] for k in np.nonzero(groups_per_ident > 1)[0].tolist()]
    decisions = decide_all(multi, store, params)
    linked = np.zeros(m, dtype=bool)
    for k, name in enumerate(ident_names):
        d = decisions.get(name)
        if d is None or d.link:
            linked[k] = True
        else:
            hubs[name] = d.identities
    keep = linked[ei]
    ea, ei = ea[keep], ei[keep]
    all_src = np.concatenate([src, ea])
    all_dst = np.concatenate([dst, ei + n])
    lab = _components(n + m, all_src, all_dst)[:n]
    return BatchClusters(lab, text_labels, hubs, len(src), store, decisions)


class _IndexStore(MemoryStore):
    """:class:`MemoryStore` whose text groups follow a growing union-find."""

    __slots__ = ("text",)

    def __init__(self, text: UnionFind) -> None:
        super().__init__()
        self.text = text

    def text_group(self, ad: Hashable) -> int:
        return self.text.find(cast(int, ad))


def spans_groups(identifier: str, store: LinkStore) -> bool:
    """Whether the ads carrying ``identifier`` lie in two or more text groups
    (only then can linking on it join anything, and only then is it decided)."""
    first: Hashable = None
    for k, ad in enumerate(store.carriers(identifier)):
        g = store.text_group(ad)
        if k == 0:
            first = g
        elif g != first:
            return True
    return False


class OperationIndex:
    """Incremental clustering: ``add`` one ad at a time; new ads join existing
    operations without rescanning.  The same rule as :func:`cluster_batch`
    (:func:`decide_identifier`): after each ad, the identifiers whose evidence
    it changed (its own, and those carried by ads that share one of its
    identifiers or a text group it merged) are decided again; a link withdrawn
    (an identifier found shared) rebuilds the operations (rare, linear).  Given
    the same near-duplicate text groups, the operations equal the batch ones
    (text groups themselves can differ slightly: the index compares a new ad
    with the ``bucket_sample`` latest ads of each LSH bucket).

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
        self.store = _IndexStore(self._text)
        self.decisions: dict[str, LinkDecision] = {}
        self._index_of: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.ad_ids)

    @property
    def hubs(self) -> set[str]:
        """Identifiers set aside (shared, not linked)."""
        return {x for x, d in self.decisions.items() if not d.link}

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
        self.store.add(
            [x for x in identifiers if x not in p.stop_identifiers] if p.use_identifiers else (), i
        )
        roots_before: set[int] = set()

        def link_ops(a: int, b: int) -> None:
            ra, rb = self._ops.find(a), self._ops.find(b)
            if ra != rb:
                roots_before.update((ra, rb))
                self._ops.union(ra, rb)

        sig = signature_one(words, p.minhash, self.hasher)
        self._sigs.append(sig)
        touched = [i]
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
            groups = {self._text.find(j) for j in matched}
            if len(groups) > 1:  # the ad bridges text groups: their identifiers' evidence changed
                sizes = self._group_sizes(groups)
                biggest = max(groups, key=lambda g: (sizes[g], -g))
                touched.extend(a for a in range(i) if self._text.find(a) in groups - {biggest})
            for j in matched:
                self._text.union(i, j)
                link_ops(i, j)
        if self._redecide(touched, link_ops):
            self._rebuild_ops()
            return self.cluster_of(ad_id), []
        for x in self.store.identifiers_of(i):
            d = self.decisions.get(x)
            if d is None or d.link:
                for j in self.store.carriers(x)[:1]:
                    link_ops(i, j)
        root = self._ops.find(i)
        merged = sorted(cluster_id_for(self.ad_ids[r]) for r in roots_before if r not in (root, i))
        return cluster_id_for(self.ad_ids[root]), merged

    def _group_sizes(self, groups: set[int]) -> dict[int, int]:
        sizes = dict.fromkeys(groups, 0)
        for a in range(len(self.ad_ids) - 1):
            r = self._text.find(a)
            if r in sizes:
                sizes[r] += 1
        return sizes

    def _around(self, ads: Iterable[int]) -> set[str]:
        return around(self.store, ads)

    def _redecide(self, ads: Iterable[int], union: Callable[[int, int], None]) -> bool:
        """Decide again the identifiers around ``ads`` (to a fixed point); link the
        newly linked ones.  Returns whether a link was withdrawn (rebuild needed)."""
        p, store = self.params, self.store
        todo = self._around(ads)
        withdrawn = False
        for _ in range(4):
            flipped: list[str] = []
            shared = self.hubs
            for x in sorted(todo):
                old = self.decisions.get(x)
                d = decide_identifier(x, store, p, shared) if spans_groups(x, store) else None
                if d is None:
                    self.decisions.pop(x, None)
                else:
                    self.decisions[x] = d
                was = old is None or old.link
                now = d is None or d.link
                if was != now:
                    flipped.append(x)
                    withdrawn = withdrawn or not now
                if now and d is not None:
                    carriers = store.carriers(x)
                    for b in carriers[1:]:
                        union(carriers[0], b)
            if not flipped:
                break
            todo = self._around(a for x in flipped for a in store.carriers(x))
        return withdrawn

    def _rebuild_ops(self) -> None:
        n = len(self.ad_ids)
        ops = UnionFind(n)
        for i in range(n):
            r = self._text.find(i)
            if r != i:
                ops.union(i, r)
        for x, carriers in self.store.ident_ads.items():
            d = self.decisions.get(x)
            if d is None or d.link:
                for b in carriers[1:]:
                    ops.union(carriers[0], b)
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
