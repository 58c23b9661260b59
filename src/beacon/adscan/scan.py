"""End-to-end scan: records -> analysed ads -> operations -> output files."""

from __future__ import annotations

import gc
import json
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .analyse import analyse_ad
from .cluster import BatchClusters, ClusterParams, cluster_hashed, cluster_id_for, links_of_operation
from .images import canonicalise_identifier_lists
from .jsonio import dumps
from .minhash import WordHasher
from .models import Ad, AnalysedAd, Operation, Rejected
from .operations import build_operation
from .records import iter_file, iter_records

__all__ = ["ScanResult", "scan_file", "scan_records", "write_outputs"]

Progress = Callable[[int], None]


@dataclass(slots=True)
class ScanResult:
    ads: list[AnalysedAd]
    operations: list[Operation]
    """Operations with at least ``min_cluster_size`` ads, highest risk first."""
    rejected: list[Rejected]
    hubs: dict[str, int] = field(default_factory=dict)
    """Identifiers not used for linking (too common) -> text groups spanned."""
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return run_summary(len(self.ads), len(self.rejected), self.operations, self.hubs, self.timings)


def run_summary(
    ads: int, rejected: int, operations: list[Operation], hubs: dict[str, int], timings: dict[str, float]
) -> dict[str, Any]:
    """The ``summary.json`` figures of a scan (batch or streaming)."""
    return {
        "ads": ads,
        "rejected": rejected,
        "operations": len(operations),
        "ads_in_operations": sum(len(o.ad_ids) for o in operations),
        "hub_identifiers": len(hubs),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "top": [
            {"cluster_id": o.cluster_id, "risk": o.risk, "ads": len(o.ad_ids), "phones": o.phones[:3]}
            for o in operations[:5]
        ],
    }


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    A scan allocates millions of long-lived, acyclic objects; the collector
    would re-traverse all of them again and again (quadratic in corpus size)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def output_paths(out_dir: str | Path) -> dict[str, Path]:
    """The output files of a scan in ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {
        "ads": out / "ads.jsonl",
        "clusters": out / "clusters.jsonl",
        "rejected": out / "rejected.jsonl",
        "summary": out / "summary.json",
    }


def write_summary(path: Path, summary: dict[str, Any], hubs: dict[str, int]) -> None:
    """Write ``summary.json``: ``summary`` plus the 50 most spanning hubs."""
    summary["hubs"] = dict(sorted(hubs.items(), key=lambda kv: -kv[1])[:50])
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def file_image_hasher(path: str | Path, hash_images: bool) -> Callable[[str], str] | None:
    """The ``image_hasher`` for :func:`iter_file`: image paths relative to
    the input file's folder are hashed (None when ``hash_images`` is off)."""
    if not hash_images:
        return None
    from .images import image_key

    base = str(Path(path).parent)

    def hasher(v: str) -> str:
        return image_key(v, base)

    return hasher


def _scan(
    items: Iterable[Ad | Rejected],
    params: ClusterParams | None,
    min_cluster_size: int,
    progress: Progress | None,
    region: str,
) -> ScanResult:
    with gc_paused():
        return _scan_inner(items, params, min_cluster_size, progress, region)


def _scan_inner(
    items: Iterable[Ad | Rejected],
    params: ClusterParams | None,
    min_cluster_size: int,
    progress: Progress | None,
    region: str,
) -> ScanResult:
    t0 = time.perf_counter()
    hasher = WordHasher()
    ads: list[AnalysedAd] = []
    rejected: list[Rejected] = []
    flat = array("Q")
    offsets = array("q", [0])
    idents: list[list[str]] = []
    count = 0
    for item in items:
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
        if isinstance(item, Rejected):
            rejected.append(item)
            continue
        a = analyse_ad(item, region)
        flat.extend(hasher(a.shingle_text.split()))
        offsets.append(len(flat))
        a.shingle_text = ""
        idents.append(a.identifiers)
        ads.append(a)
    if progress is not None:
        progress(count)
    t1 = time.perf_counter()
    bc = cluster_hashed(
        np.frombuffer(flat, dtype=np.uint64) if len(flat) else np.zeros(0, dtype=np.uint64),
        np.frombuffer(offsets, dtype=np.int64),
        canonicalise_identifier_lists(idents),  # near-duplicate photo hashes: one identifier
        params,
    )
    t2 = time.perf_counter()
    cluster_ids, ops = group_operations(
        bc,
        [a.ad.id for a in ads],
        min_cluster_size,
        lambda cid, idx, groups: build_operation(cid, [ads[i] for i in idx], groups),
    )
    for a, cid in zip(ads, cluster_ids, strict=True):
        a.cluster_id = cid
    t3 = time.perf_counter()
    return ScanResult(
        ads,
        ops,
        rejected,
        bc.hubs,
        {"analyse": t1 - t0, "cluster": t2 - t1, "operations": t3 - t2, "total": t3 - t0},
    )


def group_operations(
    bc: BatchClusters,
    ad_ids: Sequence[str],
    min_cluster_size: int,
    build: Callable[[str, list[int], list[int]], Operation],
) -> tuple[list[str | None], list[Operation]]:
    """Each ad's cluster id and the operations, highest risk first.

    Clusters of at least ``min_cluster_size`` (and 2) ads are operations;
    with ``min_cluster_size`` <= 1 every lone ad is one too (others get
    None).  ``build(cluster_id, ad indices, their text groups)`` makes one."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(bc.labels.tolist()):
        members[lab].append(i)
    text_labels: list[int] = bc.text_labels.tolist()
    cluster_ids: list[str | None] = [None] * len(ad_ids)
    ops: list[Operation] = []
    for lab, idx in members.items():
        if len(idx) < max(2, min_cluster_size):
            continue
        cid = cluster_id_for(ad_ids[lab])
        for i in idx:
            cluster_ids[i] = cid
        op = build(cid, idx, [text_labels[i] for i in idx])
        op.links = links_of_operation(idx, bc.store, bc.decisions)
        ops.append(op)
    if min_cluster_size <= 1:
        for lab, idx in members.items():
            if len(idx) == 1:
                cid = cluster_id_for(ad_ids[lab])
                cluster_ids[lab] = cid
                ops.append(build(cid, [lab], [lab]))
    ops.sort(key=lambda o: (-o.risk, -len(o.ad_ids), o.cluster_id))
    return cluster_ids, ops


def scan_records(
    records: Iterable[Mapping[str, Any] | Ad],
    params: ClusterParams | None = None,
    min_cluster_size: int = 2,
    progress: Progress | None = None,
    region: str = "US",
    kind: str = "escort",
) -> ScanResult:
    """Scan in-memory records (dicts with the input columns, or :class:`Ad`);
    ``kind`` is the feed's kind (``escort`` or ``job``; a record's own wins).

    Ads that end up alone have ``cluster_id`` None unless
    ``min_cluster_size`` is 1 (then every ad gets a singleton operation).
    """
    return _scan(iter_records(records, kind=kind), params, min_cluster_size, progress, region)


def scan_file(
    path: str | Path,
    params: ClusterParams | None = None,
    min_cluster_size: int = 2,
    progress: Progress | None = None,
    region: str = "US",
    hash_images: bool = True,
    kind: str = "escort",
) -> ScanResult:
    """Scan a JSONL/CSV file (gzip allowed).  Raises
    :class:`beacon.adscan.records.InputError` when the file cannot be read.

    Every analysed ad stays in memory (about 6 KB each); for large files use
    :func:`beacon.adscan.scan_to_dir`, which writes the same output files
    with flat memory per ad."""
    return _scan(
        iter_file(path, file_image_hasher(path, hash_images), kind), params, min_cluster_size, progress, region
    )


def write_outputs(result: ScanResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``ads.jsonl``, ``clusters.jsonl``, ``rejected.jsonl`` and
    ``summary.json`` into ``out_dir`` (created if needed)."""
    with gc_paused():
        return _write_outputs(result, out_dir)


def _write_outputs(result: ScanResult, out_dir: str | Path) -> dict[str, Path]:
    paths = output_paths(out_dir)
    with paths["ads"].open("w", encoding="utf-8") as f:
        for k in range(0, len(result.ads), 4096):
            f.write("".join([dumps(a.to_dict()) + "\n" for a in result.ads[k : k + 4096]]))
    with paths["clusters"].open("w", encoding="utf-8") as f:
        f.writelines(dumps(o.to_dict()) + "\n" for o in result.operations)
    with paths["rejected"].open("w", encoding="utf-8") as f:
        f.writelines(dumps(r.to_dict()) + "\n" for r in result.rejected)
    write_summary(paths["summary"], result.summary(), result.hubs)
    return paths
