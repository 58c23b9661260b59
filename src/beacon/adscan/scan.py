"""End-to-end scan: records -> analysed ads -> operations -> output files."""

from __future__ import annotations

import gc
import json
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .analyse import analyse_ad
from .cluster import ClusterParams, cluster_hashed, cluster_id_for
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
        in_ops = sum(len(o.ad_ids) for o in self.operations)
        return {
            "ads": len(self.ads),
            "rejected": len(self.rejected),
            "operations": len(self.operations),
            "ads_in_operations": in_ops,
            "hub_identifiers": len(self.hubs),
            "seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "top": [
                {"cluster_id": o.cluster_id, "risk": o.risk, "ads": len(o.ad_ids), "phones": o.phones[:3]}
                for o in self.operations[:5]
            ],
        }


def _scan(
    items: Iterable[Ad | Rejected],
    params: ClusterParams | None,
    min_cluster_size: int,
    progress: Progress | None,
    region: str,
) -> ScanResult:
    # The scan allocates millions of long-lived, acyclic objects; the cyclic
    # garbage collector would re-traverse all of them again and again
    # (quadratic in corpus size), so it is paused for the duration.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan_inner(items, params, min_cluster_size, progress, region)
    finally:
        if enabled:
            gc.enable()


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
        idents,
        params,
    )
    t2 = time.perf_counter()
    members: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(bc.labels.tolist()):
        members[lab].append(i)
    ops: list[Operation] = []
    text_labels: list[int] = bc.text_labels.tolist()
    for lab, idx in members.items():
        if len(idx) < max(2, min_cluster_size):
            continue
        cid = cluster_id_for(ads[lab].ad.id)
        for i in idx:
            ads[i].cluster_id = cid
        ops.append(build_operation(cid, [ads[i] for i in idx], [text_labels[i] for i in idx]))
    if min_cluster_size <= 1:
        for lab, idx in members.items():
            if len(idx) == 1:
                cid = cluster_id_for(ads[lab].ad.id)
                ads[lab].cluster_id = cid
                ops.append(build_operation(cid, [ads[lab]], [lab]))
    ops.sort(key=lambda o: (-o.risk, -len(o.ad_ids), o.cluster_id))
    t3 = time.perf_counter()
    return ScanResult(
        ads,
        ops,
        rejected,
        bc.hubs,
        {"analyse": t1 - t0, "cluster": t2 - t1, "operations": t3 - t2, "total": t3 - t0},
    )


def scan_records(
    records: Iterable[Mapping[str, Any] | Ad],
    params: ClusterParams | None = None,
    min_cluster_size: int = 2,
    progress: Progress | None = None,
    region: str = "US",
) -> ScanResult:
    """Scan in-memory records (dicts with the input columns, or :class:`Ad`).

    Ads that end up alone have ``cluster_id`` None unless
    ``min_cluster_size`` is 1 (then every ad gets a singleton operation).
    """
    return _scan(iter_records(records), params, min_cluster_size, progress, region)


def scan_file(
    path: str | Path,
    params: ClusterParams | None = None,
    min_cluster_size: int = 2,
    progress: Progress | None = None,
    region: str = "US",
    hash_images: bool = True,
) -> ScanResult:
    """Scan a JSONL/CSV file (gzip allowed).  Raises
    :class:`beacon.adscan.records.InputError` when the file cannot be read.

    Every analysed ad stays in memory (about 6 KB each); for large files use
    :func:`beacon.adscan.scan_to_dir`, which writes the same output files
    with flat memory per ad."""
    hasher = None
    if hash_images:
        from .images import image_key

        base = str(Path(path).parent)

        def hasher(v: str) -> str:
            return image_key(v, base)

    return _scan(iter_file(path, hasher), params, min_cluster_size, progress, region)


def write_outputs(result: ScanResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``ads.jsonl``, ``clusters.jsonl``, ``rejected.jsonl`` and
    ``summary.json`` into ``out_dir`` (created if needed)."""
    enabled = gc.isenabled()
    gc.disable()  # see _scan: no cycles are created, avoid quadratic GC passes
    try:
        return _write_outputs(result, out_dir)
    finally:
        if enabled:
            gc.enable()


def _write_outputs(result: ScanResult, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "ads": out / "ads.jsonl",
        "clusters": out / "clusters.jsonl",
        "rejected": out / "rejected.jsonl",
        "summary": out / "summary.json",
    }
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with paths["ads"].open("w", encoding="utf-8") as f:
        for k in range(0, len(result.ads), 4096):
            f.write("".join([dumps(a.to_dict()) + "\n" for a in result.ads[k : k + 4096]]))
    with paths["clusters"].open("w", encoding="utf-8") as f:
        f.writelines(dumps(o.to_dict()) + "\n" for o in result.operations)
    with paths["rejected"].open("w", encoding="utf-8") as f:
        f.writelines(dumps(r.to_dict()) + "\n" for r in result.rejected)
    s = result.summary()
    s["hubs"] = dict(sorted(result.hubs.items(), key=lambda kv: -kv[1])[:50])
    paths["summary"].write_text(json.dumps(s, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths
