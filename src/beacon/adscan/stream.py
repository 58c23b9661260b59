"""Streaming scan of a file: flat memory per ad, output written as it goes.

:func:`beacon.adscan.scan_file` keeps every :class:`AnalysedAd` in memory
(about 6 KB per ad), which is fine for a few hundred thousand ads but not for
millions.  :func:`scan_to_dir` produces the same output files with only
compact per-ad state kept in memory:

* the MinHash signature (64 x uint32), computed every 8,192 ads;
* the linking identifiers as integers (interned strings);
* a small summary tuple for the operation summaries (time, place, phones,
  names, ages, indicator codes, risk, image keys);
* the ``ads.jsonl`` line (without its cluster id) and the template text are
  spilled to temporary files in the output directory.

After clustering, ``ads.jsonl`` is written from the spill with the cluster
ids filled in, and each operation's summary is built from the compact state
(reading back only the few texts a template needs).  The files are identical
to those of ``scan_file`` + ``write_outputs``.

``workers > 1`` analyses ads in that many processes (the parent reads,
validates and clusters); results do not depend on it.
"""

from __future__ import annotations

import gc
import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .analyse import analyse_ad
from .cluster import ClusterParams, IdentifierLinks, cluster_signed
from .handoff import STORE_NAME, store_line
from .images import canonicalise_identifier_indices
from .indicators import AD_INDICATORS
from .jsonio import dumps
from .minhash import WordHasher, signatures
from .models import Ad, AnalysedAd, Indicator, Operation, Place, Rejected
from .operations import build_operation
from .records import iter_file
from .scan import file_image_hasher, gc_paused, group_operations, output_paths, run_summary, write_summary

__all__ = ["StreamResult", "scan_to_dir"]

Progress = Callable[[int], None]
_CHUNK = 8192
_DUMPS = dumps  # (orjson, with json's exact text)
_NULL_TAIL = "null}"
_SPILLS = (".ads.spill", ".text.spill")

# what one analysed ad leaves behind:
# (ads.jsonl line without cluster id, word hashes, identifiers, summary)
Summary = tuple[
    datetime | None,  # posted_at
    Place | None,
    tuple[str, ...],  # phones (E.164, in order)
    tuple[str, ...],  # emails
    tuple[str, ...],  # handles
    tuple[str, ...],  # images
    tuple[str, ...],  # names
    tuple[int, ...],  # ages
    tuple[str, ...],  # indicator codes
    float,  # risk
    str,  # kind
    str,  # job ads: employer
    str,  # job ads: industry
]
Digest = tuple[str, bytes, list[str], Summary]


@dataclass(slots=True)
class StreamResult:
    ads: int
    ad_ids: list[str]
    cluster_ids: list[str | None]
    """Cluster id of each scanned ad (same order as ``ad_ids``)."""
    operations: list[Operation]
    rejected: int
    hubs: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return run_summary(self.ads, self.rejected, self.operations, self.hubs, self.timings)


_HASHER = WordHasher()
_INTERN: dict[str, str] = {}


def _intern(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:  # (most ads have no e-mail, handle...)
        return ()
    it = _INTERN
    if len(it) > 4_000_000:
        it.clear()
    return tuple([it.setdefault(v, v) for v in values])


def _summary(a: AnalysedAd) -> Summary:
    ad = a.ad
    return (
        ad.posted_at,
        a.place,
        tuple(a.phones),
        tuple(a.emails),
        tuple(a.handles),
        ad.images,
        tuple(a.names),
        tuple(a.ages),
        tuple([i.code for i in a.indicators]),
        a.risk,
        ad.kind,
        a.job["employer"] if a.job else "",
        a.job["industry"] if a.job else "",
    )


def _digest_batch(batch: list[Ad], region: str) -> list[Digest]:
    """Analyse ads and keep only what the streaming scan needs.

    Each step runs over the whole batch in a tight loop: measurably faster
    than running all steps ad by ad (instruction and data caches)."""
    analysed = [analyse_ad(ad, region) for ad in batch]
    lines = [_DUMPS(a.to_dict()) for a in analysed]
    hashes = [array("I", _HASHER(a.shingle_text.split())).tobytes() for a in analysed]
    return [
        (line, wh, a.identifiers, _summary(a)) for line, wh, a in zip(lines, hashes, analysed, strict=True)
    ]


def _digest_in_worker(batch: list[Ad], region: str) -> list[Digest]:
    gc.disable()  # acyclic objects only (see scan.gc_paused)
    return _digest_batch(batch, region)


def _digests(
    items: Iterable[Ad | Rejected], region: str, workers: int
) -> Iterator[tuple[Ad | Rejected, Digest | None]]:
    if workers <= 1:
        # in batches: reading, analysing and writing each run in a tight loop
        # (measurably faster than interleaving them ad by ad)
        it = iter(items)
        while batch := list(islice(it, 1024)):
            results = iter(_digest_batch([g for g in batch if isinstance(g, Ad)], region))
            for g in batch:
                yield g, (None if isinstance(g, Rejected) else next(results))
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    pending: list[tuple[list[Ad | Rejected], Future[list[Digest]]]] = []
    with ProcessPoolExecutor(workers) as pool:

        def drain(limit: int) -> Iterator[tuple[Ad | Rejected, Digest | None]]:
            while len(pending) > limit:
                group, fut = pending.pop(0)
                results = iter(fut.result())
                for it in group:
                    yield it, (None if isinstance(it, Rejected) else next(results))

        group: list[Ad | Rejected] = []
        for item in items:
            group.append(item)
            if len(group) >= 512:
                ads = [g for g in group if isinstance(g, Ad)]
                pending.append((group, pool.submit(_digest_in_worker, ads, region)))
                group = []
                yield from drain(workers * 3)
        if group:
            ads = [g for g in group if isinstance(g, Ad)]
            pending.append((group, pool.submit(_digest_in_worker, ads, region)))
        yield from drain(0)


def _light_ad(ad_id: str, s: Summary, text: str) -> AnalysedAd:
    """An :class:`AnalysedAd` carrying just what :func:`build_operation` reads."""
    inds = [Indicator(c, "", AD_INDICATORS[c].weight) for c in s[8]]
    return AnalysedAd(
        ad=Ad(id=ad_id, posted_at=s[0], body=text, images=s[5], kind=s[10]),
        phones=list(s[2]),
        emails=list(s[3]),
        urls=[],
        handles=list(s[4]),
        prices=[],
        ages=list(s[7]),
        place=s[1],
        indicators=inds,
        risk=s[9],
        shingle_text="",
        identifiers=[],
        names=list(s[6]),
        job={"employer": s[11], "industry": s[12]} if s[10] != "escort" else None,
    )


def scan_to_dir(
    path: str | Path,
    out_dir: str | Path,
    params: ClusterParams | None = None,
    min_cluster_size: int = 2,
    progress: Progress | None = None,
    region: str = "US",
    hash_images: bool = True,
    workers: int = 1,
    kind: str = "escort",
    store: bool = False,
) -> StreamResult:
    """Scan a JSONL/CSV file (gzip allowed) and write ``ads.jsonl``,
    ``clusters.jsonl``, ``rejected.jsonl`` and ``summary.json`` into
    ``out_dir`` with flat memory per ad (see the module docstring); with
    ``store``, also ``store.jsonl`` (:mod:`beacon.adscan.handoff`)."""
    with gc_paused():
        try:
            return _scan_to_dir(
                path, out_dir, params, min_cluster_size, progress, region, hash_images, workers, kind, store
            )
        except BaseException:
            for spill in _SPILLS:
                (Path(out_dir) / spill).unlink(missing_ok=True)
            raise


def _scan_to_dir(
    path: str | Path,
    out_dir: str | Path,
    params: ClusterParams | None,
    min_cluster_size: int,
    progress: Progress | None,
    region: str,
    hash_images: bool,
    workers: int,
    kind: str = "escort",
    store: bool = False,
) -> StreamResult:
    params = params or ClusterParams()
    mh = params.minhash
    t0 = time.perf_counter()
    # read the first record before creating anything: an unreadable input
    # raises InputError / OSError here
    items: Iterator[Ad | Rejected] = iter_file(path, file_image_hasher(path, hash_images), kind)
    first = next(items, None)
    if first is not None:
        items = chain([first], items)
    paths = output_paths(out_dir)
    spill_lines, spill_text = (Path(out_dir) / name for name in _SPILLS)
    ad_ids: list[str] = []
    summaries: list[Summary] = []
    text_off = array("q", [0])
    sig_parts: list[npt.NDArray[np.uint32]] = []
    ok_parts: list[npt.NDArray[np.bool_]] = []
    chunk_words = array("I")
    chunk_offs = array("q", [0])
    links = IdentifierLinks(params.stop_identifiers)
    link = links.add
    n_rej = 0

    def flush() -> None:
        if len(chunk_offs) == 1:
            return
        sig, ok = signatures(
            np.frombuffer(chunk_words, dtype=np.uint32).astype(np.uint64),
            np.frombuffer(chunk_offs, dtype=np.int64),
            mh,
        )
        sig_parts.append(sig)
        ok_parts.append(ok)
        del chunk_words[:]
        del chunk_offs[1:]

    count = 0
    with (
        paths["rejected"].open("w", encoding="utf-8") as frej,
        spill_lines.open("w", encoding="utf-8") as flines,
        spill_text.open("wb") as ftext,
        (Path(out_dir) / STORE_NAME).open("w", encoding="utf-8") if store else nullcontext() as fstore,
    ):
        for item, dg in _digests(items, region, workers):
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
            if dg is None:
                assert isinstance(item, Rejected)
                frej.write(_DUMPS(item.to_dict()) + "\n")
                n_rej += 1
                continue
            assert isinstance(item, Ad)
            line, wh, idents, summ = dg
            i = len(ad_ids)
            ad_ids.append(item.id)
            s = summ
            summaries.append(
                (s[0], s[1], _intern(s[2]), _intern(s[3]), _intern(s[4]), _intern(s[5]), _intern(s[6]),
                 s[7], _intern(s[8]), s[9], s[10], s[11], s[12])
            )  # fmt: skip
            flines.write(line)
            flines.write("\n")
            if fstore is not None:
                fstore.write(store_line(item, line, wh, idents, s[1], s[6]))
            tb = (item.body or item.title).encode("utf-8")
            ftext.write(tb)
            text_off.append(text_off[-1] + len(tb))
            chunk_words.frombytes(wh)
            chunk_offs.append(len(chunk_words))
            link(i, idents)
            if len(chunk_offs) > _CHUNK:
                flush()
        flush()
    if progress is not None:
        progress(count)
    t1 = time.perf_counter()
    n = len(ad_ids)
    sig = np.concatenate(sig_parts) if sig_parts else np.zeros((0, mh.num_perm), dtype=np.uint32)
    ok = np.concatenate(ok_parts) if ok_parts else np.zeros(0, dtype=bool)
    sig_parts.clear()
    ok_parts.clear()
    ea, ei = links.arrays()
    ei, ident_names = canonicalise_identifier_indices(ei, links.names())  # near-duplicate photo hashes
    bc = cluster_signed(sig, ok, ea, ei, ident_names, params)
    del sig, ok, links, link
    t2 = time.perf_counter()
    with spill_text.open("rb") as fread:

        def texts_of(idx: list[int]) -> list[str]:
            out: list[str] = []
            found = 0
            for i in idx:
                lo, hi = text_off[i], text_off[i + 1]
                if hi > lo and found < 6:
                    fread.seek(lo)
                    out.append(fread.read(hi - lo).decode("utf-8"))
                    found += 1
                else:
                    out.append("")
            return out

        def op_for(cid: str, idx: list[int], groups: list[int]) -> Operation:
            texts = texts_of(idx)
            return build_operation(
                cid, [_light_ad(ad_ids[i], summaries[i], t) for i, t in zip(idx, texts, strict=True)], groups
            )

        cluster_ids, ops = group_operations(bc, ad_ids, min_cluster_size, op_for)
    summaries.clear()
    t3 = time.perf_counter()
    tail = len(_NULL_TAIL)
    with spill_lines.open("r", encoding="utf-8") as fin, paths["ads"].open("w", encoding="utf-8") as fout:
        buf: list[str] = []
        for i, line in enumerate(fin):
            c = cluster_ids[i]
            if c is None:
                buf.append(line)
            else:
                buf.append(f'{line[: -tail - 1]}"{c}"}}\n')
            if len(buf) >= 4096:
                fout.write("".join(buf))
                buf.clear()
        fout.write("".join(buf))
    spill_lines.unlink()
    spill_text.unlink()
    with paths["clusters"].open("w", encoding="utf-8") as f:
        f.writelines(_DUMPS(o.to_dict()) + "\n" for o in ops)
    t4 = time.perf_counter()
    res = StreamResult(
        n,
        ad_ids,
        cluster_ids,
        ops,
        n_rej,
        bc.hubs,
        {"analyse": t1 - t0, "cluster": t2 - t1, "operations": t3 - t2, "total": t3 - t0, "write": t4 - t3},
        paths,
    )
    write_summary(paths["summary"], res.summary(), res.hubs)
    return res


def default_workers() -> int:
    """One worker per available core (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
