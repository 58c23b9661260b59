"""Incremental operation clustering kept in the database.

Each stored ad keeps its MinHash signature, its LSH band keys (``AdBand``) and its linking
keys (``AdKey``: phones, e-mails, handles, image hashes).  A new chunk of ads is matched by
band lookups (candidates verified with the signature's estimated Jaccard similarity, the same
threshold as ``beacon.adscan``) and by shared linking keys, and joined with a union-find
whose nodes are existing operations and the new ads.  Nothing already stored is re-scanned.

Rules: the same code as adscan's batch clustering.  Whether a linking key joins its ads is
decided by ``beacon.adscan.cluster.decide_identifier`` reading the database through
:class:`DbStore` (the ``LinkStore`` protocol): analysts' marks (``IdentifierLink`` rows of source
``analyst``) win, the public hotlines never link, and a key whose ads belong to several separate
posters (their own contacts, nothing else in common) is *shared* and does not link.  Every key of
a chunk's ads that spans two or more text groups is decided again with the chunk; the decision is
kept as an ``IdentifierLink`` row (source ``rule``).

- operations merge: the oldest (smallest id) absorbs the others, which keep a ``merged_into``
  pointer; their ads move to it (full path compression);
- a key that had linked and is now shared (more posters came in, or an analyst marked it) makes
  :func:`resplit` re-cluster the operations holding its ads: an operation whose ads no longer
  hang together is split, the part holding its oldest ad keeps it.

Bounded difference from the batch scan (same text groups): a key not carried by the chunk's
ads is decided again only when an ad carrying it arrives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import numpy as np
from django.db import connection
from django.utils import timezone

from beacon.adscan import build_operation, cluster_id_for
from beacon.adscan.cluster import ClusterParams, LinkDecision, decide_all, is_contact, spans_groups

from . import storage
from .analysis import PARAMS, Clustering, analysed_from_row
from .models import Ad, AdKey, IdentifierLink, Operation

BUCKET_CAP = 64  # candidates examined per LSH bucket (the most recent ads)
_IN_CHUNK = 900  # ids per IN (...) query
T = TypeVar("T", bound=Hashable)

SUMMARY_FIELDS = ("external_id", "site", "url", "posted_at", "title", "body", "city", "state", "phone", "age", "images",
                  "phones", "emails", "handles", "ages", "names", "prices", "indicators", "risk", "place_name",
                  "place_state", "lat", "lon", "text_group", "operation_id", "kind", "job")
# the summary columns written by ``summarise`` and their PostgreSQL types
SUMMARY_COLUMNS = ("ad_count", "updated_at", "risk", "reasons", "phones", "emails", "handles", "images", "cities",
                   "movement", "template", "first_seen", "last_seen", "kinds", "industry", "links")
SUMMARY_TYPES = ("bigint", "integer", "timestamptz", "double precision", "jsonb", "jsonb", "jsonb", "jsonb", "jsonb",
                 "jsonb", "jsonb", "text", "timestamptz", "timestamptz", "jsonb", "text", "jsonb")
STATUS_STRENGTH: dict[str, int] = {
    Operation.Status.ESCALATED: 4, Operation.Status.WATCH: 3, Operation.Status.NEW: 2, Operation.Status.DISMISSED: 1,
    Operation.Status.MERGED: 0,
}


class _UnionFind(Generic[T]):
    """Union-find over hashable nodes (a thin dict wrapper; adscan's is index based)."""

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, x: T) -> T:
        p = self.parent
        p.setdefault(x, x)
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: T, b: T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> dict[T, list[T]]:
        out: dict[T, list[T]] = defaultdict(list)
        for x in list(self.parent):
            out[self.find(x)].append(x)
        return out


@dataclass
class Assignment:
    touched: set[int] = field(default_factory=set)  # operations whose summary must be recomputed
    created: list[int] = field(default_factory=list)
    merges: list[tuple[int, list[int]]] = field(default_factory=list)  # (survivor, absorbed)
    reopened: list[int] = field(default_factory=list)  # dismissed operations that received new ads
    hubs: set[str] = field(default_factory=set)  # keys set aside (shared)
    splits: list[tuple[int, list[int]]] = field(default_factory=list)  # (operation, new operations split off)


def params_now() -> ClusterParams:
    """adscan's parameters with the analysts' marks of the database."""
    marks = dict(IdentifierLink.objects.filter(source=IdentifierLink.Source.ANALYST).values_list("key", "link"))
    return replace(PARAMS, marks=marks)


class DbStore:
    """``beacon.adscan.cluster.LinkStore`` over ``AdKey`` rows and ``Ad.text_group``, read set-based.

    :meth:`prefetch` reads, in one statement (``storage.carrier_rows``), every ad carrying one of the
    identifiers with all its keys and its text group; :meth:`prefetch_around` then does the same for
    the contacts (phones, e-mails, handles) of those ads: the two hops the rule reads when it
    decides an identifier (``decide_identifier``).  ``assign`` reads both hops for all the keys of
    a chunk, and the rule calls ``prefetch`` before it reads many identifiers, so a chunk costs a few
    statements whatever the number of stored ads; a look-up of something not read still works
    (read then, in one go for the identifier).  The public
    hotlines (``stop``) are left out of each ad's identifiers: the rule ignores them anyway (the
    protocol allows both), and their carriers, thousands of unrelated ads, are never read."""

    def __init__(self, group_of: dict[int, int] | None = None, stop: Collection[str] = ()) -> None:
        self.group_of: dict[int, int] = dict(group_of or {})
        self.stop = frozenset(stop)
        self._carriers: dict[str, list[int]] = {}
        self._idents: dict[int, list[str]] = {}
        self._expanded: set[str] = set()  # identifiers whose carriers' contacts are read too

    def _read(self, keys: Iterable[str]) -> None:
        want = {k for k in keys if k not in self._carriers}
        if not want:
            return
        for k in sorted(want):
            self._carriers[k] = []
        fresh: dict[int, list[str]] = {}
        for ad, key, group in storage.carrier_rows(want):
            if key in want:
                self._carriers[key].append(ad)
            if ad in self._idents:
                continue
            self.group_of.setdefault(ad, group or ad)
            if key not in self.stop:
                fresh.setdefault(ad, []).append(key)
            else:
                fresh.setdefault(ad, [])
        self._idents.update(fresh)

    def prefetch(self, keys: Iterable[str]) -> None:
        """Carriers of ``keys``, with their keys and text groups (the protocol's hint: one statement)."""
        self._read(keys)

    def prefetch_around(self, keys: Iterable[str]) -> None:
        """:meth:`prefetch` of ``keys`` and of the contacts on their carriers: the two hops the rule
        reads to decide ``keys`` (two statements)."""
        keys = [k for k in keys if k not in self._expanded]
        if not keys:
            return
        self._read(keys)
        self._read({x for k in keys for a in self._carriers[k] for x in self._idents.get(a, ()) if is_contact(x)})
        self._expanded.update(keys)

    def _load_ads(self, ads: Iterable[int]) -> None:
        ads = set(ads)
        need = sorted(a for a in ads if a not in self._idents)
        if need:
            for a in need:
                self._idents[a] = []
            for ad_id, key in AdKey.objects.filter(ad_id__in=storage.one_of(need, "bigint")).order_by(
                    "ad_id", "id").values_list("ad_id", "key"):
                if key not in self.stop:
                    self._idents[ad_id].append(key)
        missing = sorted(a for a in ads if a not in self.group_of)
        if missing:
            for pk, tg in Ad.objects.filter(pk__in=storage.one_of(missing, "bigint")).values_list("pk", "text_group"):
                self.group_of[pk] = tg or pk

    def carriers(self, identifier: str) -> list[int]:
        if identifier not in self._carriers:
            self._read([identifier])
        return self._carriers[identifier]

    def identifiers_of(self, ad: Hashable) -> list[str]:
        if ad not in self._idents:
            self._load_ads([ad])  # type: ignore[list-item]
        return self._idents[ad]  # type: ignore[index]

    def text_group(self, ad: Hashable) -> int:
        if ad not in self.group_of:
            self._load_ads([ad])  # type: ignore[list-item]
        return self.group_of[ad]  # type: ignore[index]


def _record(decisions: dict[str, LinkDecision]) -> set[str]:
    """Keep the rule's decisions (never over an analyst's mark); returns the keys whose link was withdrawn."""
    if not decisions:
        return set()
    before: dict[str, tuple[bool, str]] = {}
    for k, link, source in IdentifierLink.objects.filter(key__in=storage.one_of(sorted(decisions))).values_list(
            "key", "link", "source"):
        before[k] = (link, source)
    rows = [IdentifierLink(key=k[:320], link=d.link, source=IdentifierLink.Source.RULE, reason=d.reason[:2000],
                           identities=d.identities)
            for k, d in decisions.items() if before.get(k, (True, "rule"))[1] == IdentifierLink.Source.RULE]
    IdentifierLink.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"],
                                       update_fields=["link", "reason", "identities", "decided_at"])
    return {k for k, d in decisions.items() if not d.link and before.get(k, (False, ""))[0]}


def _stored_links(keys: Iterable[str]) -> dict[str, bool]:
    """The stored decisions (rule or analyst) on ``keys``."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return dict(IdentifierLink.objects.filter(key__in=storage.one_of(wanted)).values_list("key", "link"))


def links_of(ads: Sequence[Ad], keys_of: Mapping[int, Sequence[str]] | None = None,
             rows: Mapping[str, IdentifierLink] | None = None) -> dict[str, list[dict[str, Any]]]:
    """An operation's ``links``: the keys that joined its text groups and the keys set aside, with the reasons.

    ``keys_of`` (ad id -> its keys) and ``rows`` (key -> its ``IdentifierLink``) may be given, read for many
    operations at once (``summarise``); otherwise they are read here."""
    groups: dict[str, set[int]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    if keys_of is None:
        keys_of = _keys_of_ads([a.pk for a in ads])
    for a in ads:
        for k in keys_of.get(a.pk, ()):
            groups[k].add(a.text_group or a.pk)
            count[k] += 1
    if rows is None:
        rows = _link_rows(count)
    joined: list[dict[str, Any]] = []
    aside: list[dict[str, Any]] = []
    for k in sorted(count, key=lambda x: (-count[x], x)):
        r = rows.get(k)
        if k in PARAMS.stop_identifiers:
            aside.append({"identifier": k, "link": False, "reason": "public number on the stop-list", "ads_here": count[k]})
        elif r is not None and not r.link:
            aside.append({"identifier": k, "link": False, "reason": r.reason, "source": r.source, "ads_here": count[k]})
        elif len(groups[k]) > 1:
            joined.append({"identifier": k, "link": True, "reason": r.reason if r else "", "source": r.source if r else "rule",
                           "ads_here": count[k], "text_groups_here": len(groups[k])})
    return {"joined_by": joined[:20], "set_aside": aside[:20]}


def _keys_of_ads(ads: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if ads:
        for ad_id, key in AdKey.objects.filter(ad_id__in=storage.one_of(ads, "bigint")).values_list("ad_id", "key"):
            out[ad_id].append(key)
    return out


def _link_rows(keys: Iterable[str]) -> dict[str, IdentifierLink]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return {r.key: r for r in IdentifierLink.objects.filter(key__in=storage.one_of(wanted))}


def _chunks(ids: Sequence[T]) -> Iterable[Sequence[T]]:
    for i in range(0, len(ids), _IN_CHUNK):
        yield ids[i : i + _IN_CHUNK]


def assign(chunk: Sequence[tuple[Ad, Clustering]]) -> Assignment:
    """Join the chunk's ads (saved, with their bands and keys stored) to operations."""
    result = Assignment()
    if not chunk:
        return result
    rows = {row.pk: row for row, _ in chunk}
    # --- candidates: LSH buckets and shared keys --------------------------------------------
    # (storage: one bounded query per 5,000 buckets, at most BUCKET_CAP rows each; see storage.py)
    buckets = storage.bucket_members((pair for _, c in chunk for pair in c.bands), BUCKET_CAP)
    params = params_now()
    link_keys = sorted({k for _, c in chunk for k in c.keys
                        if k not in params.stop_identifiers and params.marks.get(k) is not False})
    holders: dict[str, set[int]] = defaultdict(set)
    if params.use_identifiers and link_keys:
        for holder, lkey in AdKey.objects.filter(key__in=storage.one_of(link_keys)).values_list("ad_id", "key"):
            holders[lkey].add(holder)
    involved = sorted({a for b in buckets.values() for a in b} | {a for h in holders.values() for a in h} - set(rows))
    op_of: dict[int, int | None] = {pk: r.operation_id for pk, r in rows.items()}
    group_of: dict[int, int] = {pk: r.text_group or pk for pk, r in rows.items()}
    sig_of: dict[int, bytes | None] = {pk: bytes(r.signature) if r.signature is not None else None
                                       for pk, r in rows.items()}
    if involved:
        for pk, op, tg, sig in Ad.objects.filter(pk__in=storage.one_of(involved, "bigint")).values_list(
                "pk", "operation_id", "text_group", "signature"):
            op_of[pk], group_of[pk], sig_of[pk] = op, tg or pk, bytes(sig) if sig is not None else None
    # --- near-duplicate text links ------------------------------------------------------------
    # (candidates verified in one numpy comparison: the same estimate as ``similarity`` per pair)
    width = PARAMS.minhash.num_perm * 4
    pairs: list[tuple[int, int]] = []
    mine: list[bytes] = []
    theirs: list[bytes] = []
    for row, c in chunk:
        if c.signature is None or len(c.signature) != width:
            continue
        seen: set[int] = {row.pk}
        for pair in c.bands:
            for other in buckets.get(pair, ()):
                if other in seen:
                    continue
                seen.add(other)
                sig = sig_of.get(other)
                if sig is not None and len(sig) == width:
                    pairs.append((row.pk, other))
                    mine.append(c.signature)
                    theirs.append(sig)
    edges: list[tuple[int, int]] = []
    if pairs:
        left = np.frombuffer(b"".join(mine), dtype="<u4").reshape(len(pairs), -1)
        right = np.frombuffer(b"".join(theirs), dtype="<u4").reshape(len(pairs), -1)
        keep = (left == right).mean(axis=1) >= PARAMS.minhash.threshold
        edges = [p for p, k in zip(pairs, keep.tolist(), strict=True) if k]
    text: _UnionFind[int] = _UnionFind()
    for a, b in edges:
        text.union(group_of[a], group_of[b])
    new_group: dict[int, int] = {}
    for text_members in text.groups().values():
        smallest = min(text_members)
        for m in text_members:
            new_group[m] = smallest
    moved: dict[int, list[int]] = defaultdict(list)
    for old, new in new_group.items():
        if old != new:
            moved[new].append(old)
    storage.update_from(Ad._meta.db_table, "text_group", ["text_group"],
                        [(old, new) for new, olds in moved.items() for old in olds], ["bigint", "bigint"])
    for pk in group_of:
        group_of[pk] = new_group.get(group_of[pk], group_of[pk])
    for pk, row in rows.items():
        row.text_group = group_of[pk]
    # --- operations ---------------------------------------------------------------------------
    def node(pk: int) -> tuple[str, int]:
        op = op_of.get(pk)
        return ("op", op) if op is not None else ("ad", pk)

    ops: _UnionFind[tuple[str, int]] = _UnionFind()
    for pk in rows:
        ops.find(node(pk))
    for a, b in edges:
        ops.union(node(a), node(b))
    store = DbStore(group_of, params.stop_identifiers)
    store.prefetch_around(holders)
    decisions = decide_all([k for k in holders if spans_groups(k, store)], store, params)
    withdrawn = _record(decisions)
    for link, carriers in holders.items():
        d = decisions.get(link)
        if d is not None and not d.link:
            result.hubs.add(link)
            continue
        head, *rest = sorted(carriers)
        for other in rest:
            ops.union(node(head), node(other))
    chunk_nodes = {node(pk) for pk in rows}
    plans: list[tuple[list[int], list[int]]] = []
    for members in ops.groups().values():
        if chunk_nodes.intersection(members):
            plans.append((sorted(m[1] for m in members if m[0] == "op"), sorted(m[1] for m in members if m[0] == "ad")))
    # storage: the surviving operations locked in one query (id order), the new ones created in one
    survivors: dict[int, Operation] = {}
    for ids in _chunks(sorted({op_ids[0] for op_ids, _ in plans if op_ids})):
        survivors.update((op.pk, op) for op in Operation.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    fresh = [Operation(key=cluster_id_for(f"{rows[new_ads[0]].site}:{rows[new_ads[0]].external_id}"))
             for op_ids, new_ads in plans if not op_ids]
    Operation.objects.bulk_create(fresh)
    result.created.extend(op.pk for op in fresh)
    fresh_ops = iter(fresh)
    for op_ids, new_ads in plans:
        survivor = survivors[op_ids[0]] if op_ids else next(fresh_ops)
        absorbed = op_ids[1:]
        if absorbed:
            statuses = list(Operation.objects.filter(pk__in=absorbed).values_list("status", flat=True))
            best = max([survivor.status, *statuses], key=lambda s: STATUS_STRENGTH.get(s, 0))
            Operation.objects.filter(merged_into__in=absorbed).update(merged_into=survivor)
            Operation.objects.filter(pk__in=absorbed).update(status=Operation.Status.MERGED, merged_into=survivor)
            Ad.objects.filter(operation_id__in=absorbed).update(operation=survivor)
            if best != survivor.status:
                survivor.status = best
                survivor.save(update_fields=["status", "updated_at"])
            result.merges.append((survivor.pk, absorbed))
        if survivor.status == Operation.Status.DISMISSED and (new_ads or absorbed) and op_ids:
            survivor.status = Operation.Status.NEW
            survivor.save(update_fields=["status", "updated_at"])
            result.reopened.append(survivor.pk)
        for pk in new_ads:
            rows[pk].operation = survivor
        result.touched.add(survivor.pk)
    storage.update_from(Ad._meta.db_table, "id", ["operation_id", "text_group"],
                        [(pk, row.operation_id, row.text_group) for pk, row in rows.items()],
                        ["bigint", "bigint", "bigint"])
    if withdrawn:
        held = {op for k in withdrawn for op in Ad.objects.filter(
            pk__in=store.carriers(k), operation__isnull=False).values_list("operation_id", flat=True)}
        for op_id, parts in resplit(held, params).items():
            result.splits.append((op_id, parts))
            result.touched.update([op_id, *parts])
            result.created.extend(parts)
    return result


def resplit(operation_ids: Iterable[int], params: ClusterParams | None = None) -> dict[int, list[int]]:
    """Re-cluster the ads of the given operations with the current decisions (the rule's and the
    analysts'): an operation whose ads no longer hang together (near-duplicate text or a linking key
    that links) is split; the part holding its oldest ad keeps it, each other part becomes a new
    operation.  Returns {operation: [new operations]}.  Only splits: it never joins operations."""
    params = params or params_now()
    out: dict[int, list[int]] = {}
    for op_id in sorted(set(operation_ids)):
        rows = list(Ad.objects.filter(operation_id=op_id).order_by("pk").values_list("pk", "text_group", "site",
                                                                                       "external_id"))
        if len(rows) < 2:
            continue
        uf: _UnionFind[int] = _UnionFind()
        members = {pk for pk, *_ in rows}
        store = DbStore({pk: tg or pk for pk, tg, _s, _e in rows})
        carriers: dict[str, list[int]] = defaultdict(list)
        for part in _chunks(sorted(members)):
            for ad_id, key in AdKey.objects.filter(ad_id__in=part).values_list("ad_id", "key"):
                carriers[key].append(ad_id)
        by_group: dict[int, list[int]] = defaultdict(list)
        for pk, tg, _s, _e in rows:
            uf.find(pk)
            by_group[tg or pk].append(pk)
        for group_members in by_group.values():
            for other in group_members[1:]:
                uf.union(group_members[0], other)
        stored = _stored_links(carriers)
        for key, ads in carriers.items():
            if key in params.stop_identifiers:
                continue
            mark = params.marks.get(key)
            link = mark if mark is not None else stored.get(key, True)
            if not link and not spans_groups(key, store):
                link = True  # all its ads are near-duplicates: joined by text anyway
            if link:
                for other in ads[1:]:
                    uf.union(ads[0], other)
        parts = sorted((sorted(m) for m in uf.groups().values()), key=lambda m: m[0])
        if len(parts) < 2:
            continue
        info = {pk: (s, e) for pk, _tg, s, e in rows}
        new_ops: list[int] = []
        for part in parts[1:]:
            site, ext = info[part[0]]
            key, n = cluster_id_for(f"{site}:{ext}"), 0
            while Operation.objects.filter(key=key).exists():
                n += 1
                key = cluster_id_for(f"{site}:{ext}:split{n}")
            new = Operation.objects.create(key=key)
            Ad.objects.filter(pk__in=part).update(operation=new)
            new_ops.append(new.pk)
        out[op_id] = new_ops
    return out


def summarise(operation_ids: Iterable[int]) -> None:
    """Recompute the summary (adscan ``build_operation``) of the given operations from their stored ads."""
    ids = sorted(set(operation_ids))
    if not ids:
        return
    by_op: dict[int, list[Ad]] = defaultdict(list)
    for chunk in _chunks(ids):
        for row in Ad.objects.filter(operation_id__in=chunk).only(*SUMMARY_FIELDS).order_by("posted_at", "id"):
            by_op[row.operation_id].append(row)  # type: ignore[index]
    # the keys of all these ads and the decisions on them: two statements for all the operations
    keys_of = _keys_of_ads([a.pk for ads in by_op.values() for a in ads])
    rows = _link_rows(k for keys in keys_of.values() for k in keys)
    now = timezone.now()
    summaries: list[tuple[Any, ...]] = []
    when = connection.ops.adapt_datetimefield_value
    js = storage.jsonb
    for op_id, key in Operation.objects.filter(pk__in=ids).values_list("pk", "key"):
        ads = by_op.get(op_id, [])
        if not ads:  # (merged into another, or its ads were deleted): an empty summary, whenever it was last made
            summaries.append((op_id, 0, when(now), 0.0, "[]", "[]", "[]", "[]", "[]", "[]", "[]", "", None, None,
                              "[]", "", "{}"))
            continue
        built = build_operation(key, [analysed_from_row(r) for r in ads], [r.text_group or r.pk for r in ads])
        data = built.to_dict()
        summaries.append((
            op_id, len(ads), when(now), built.risk, js(data["reasons"]), js(built.phones), js(built.emails),
            js(built.handles), js(built.images), js(data["cities"]), js(data["movement"]), built.template,
            when(built.first_seen), when(built.last_seen), js(built.kinds), built.industry, js(links_of(ads, keys_of, rows)),
        ))
    # storage: one UPDATE for all (was one per operation)
    storage.update_from(Operation._meta.db_table, "id", SUMMARY_COLUMNS, summaries, SUMMARY_TYPES)
