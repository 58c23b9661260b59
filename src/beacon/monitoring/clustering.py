"""Incremental operation clustering kept in the database.

Each stored ad keeps its MinHash signature, its LSH band keys (``AdBand``) and its linking
keys (``AdKey``: phones, e-mails, handles, image hashes).  A new chunk of ads is matched by
band lookups (candidates verified with the signature's estimated Jaccard similarity, the same
threshold as ``beacon.adscan``) and by shared linking keys, and joined with a union-find
whose nodes are existing operations and the new ads.  Nothing already stored is re-scanned.

Rules (the same as adscan's batch clustering):
- the public hotlines of ``adscan.cluster.HOTLINES`` never link;
- a linking key carried by ads of more than ``max_identifier_groups`` distinct near-duplicate
  text groups is a *hub* (a site footer number, a placeholder image) and does not link;
- operations only merge: the oldest (smallest id) absorbs the others, which keep a
  ``merged_into`` pointer; their ads move to it (full path compression).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
from django.db import connection
from django.utils import timezone

from beacon.adscan import build_operation, cluster_id_for

from . import storage
from .analysis import PARAMS, Clustering, analysed_from_row
from .models import Ad, AdKey, Operation

BUCKET_CAP = 64  # candidates examined per LSH bucket (the most recent ads)
_IN_CHUNK = 900  # ids per IN (...) query
T = TypeVar("T", bound=Hashable)

SUMMARY_FIELDS = ("external_id", "site", "url", "posted_at", "title", "body", "city", "state", "phone", "age", "images",
                  "phones", "emails", "handles", "ages", "names", "prices", "indicators", "risk", "place_name",
                  "place_state", "lat", "lon", "text_group", "operation_id", "kind", "job")
# the summary columns written by ``summarise`` and their PostgreSQL types
SUMMARY_COLUMNS = ("ad_count", "updated_at", "risk", "reasons", "phones", "emails", "handles", "images", "cities",
                   "movement", "template", "first_seen", "last_seen", "kinds", "industry")
SUMMARY_TYPES = ("bigint", "integer", "timestamptz", "double precision", "jsonb", "jsonb", "jsonb", "jsonb", "jsonb",
                 "jsonb", "jsonb", "text", "timestamptz", "timestamptz", "jsonb", "text")
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
    hubs: set[str] = field(default_factory=set)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
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
    link_keys = sorted({k for _, c in chunk for k in c.keys if k not in PARAMS.stop_identifiers})
    holders: dict[str, set[int]] = defaultdict(set)
    if PARAMS.use_identifiers:
        for i in range(0, len(link_keys), _IN_CHUNK):
            for holder, lkey in AdKey.objects.filter(key__in=link_keys[i : i + _IN_CHUNK]).values_list("ad_id", "key"):
                holders[lkey].add(holder)
    involved = sorted({a for b in buckets.values() for a in b} | {a for h in holders.values() for a in h} - set(rows))
    op_of: dict[int, int | None] = {pk: r.operation_id for pk, r in rows.items()}
    group_of: dict[int, int] = {pk: r.text_group or pk for pk, r in rows.items()}
    sig_of: dict[int, bytes | None] = {pk: bytes(r.signature) if r.signature is not None else None
                                       for pk, r in rows.items()}
    for ids in _chunks(involved):
        for pk, op, tg, sig in Ad.objects.filter(pk__in=ids).values_list("pk", "operation_id", "text_group", "signature"):
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
    for link, carriers in holders.items():
        groups = {group_of.get(a, a) for a in carriers}
        if len(groups) > PARAMS.max_identifier_groups:
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
    return result


def summarise(operation_ids: Iterable[int]) -> None:
    """Recompute the summary (adscan ``build_operation``) of the given operations from their stored ads."""
    ids = sorted(set(operation_ids))
    if not ids:
        return
    by_op: dict[int, list[Ad]] = defaultdict(list)
    for chunk in _chunks(ids):
        for row in Ad.objects.filter(operation_id__in=chunk).only(*SUMMARY_FIELDS).order_by("posted_at", "id"):
            by_op[row.operation_id].append(row)  # type: ignore[index]
    now = timezone.now()
    summaries: list[tuple[Any, ...]] = []
    when = connection.ops.adapt_datetimefield_value
    js = storage.jsonb
    for op_id, key in Operation.objects.filter(pk__in=ids).values_list("pk", "key"):
        ads = by_op.get(op_id, [])
        if not ads:  # (merged into another, or its ads were deleted): an empty summary, whenever it was last made
            summaries.append((op_id, 0, when(now), 0.0, "[]", "[]", "[]", "[]", "[]", "[]", "[]", "", None, None,
                              "[]", ""))
            continue
        built = build_operation(key, [analysed_from_row(r) for r in ads], [r.text_group or r.pk for r in ads])
        data = built.to_dict()
        summaries.append((
            op_id, len(ads), when(now), built.risk, js(data["reasons"]), js(built.phones), js(built.emails),
            js(built.handles), js(built.images), js(data["cities"]), js(data["movement"]), built.template,
            when(built.first_seen), when(built.last_seen), js(built.kinds), built.industry,
        ))
    # storage: one UPDATE for all (was one per operation)
    storage.update_from(Operation._meta.db_table, "id", SUMMARY_COLUMNS, summaries, SUMMARY_TYPES)
