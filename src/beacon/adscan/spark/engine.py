"""The Spark scan: the single process's rules (:mod:`beacon.adscan.stream`), distributed.

Stages (each a Spark job or a few; nothing at ad or edge scale comes to the driver):

1. **read**: the input files are listed through Hadoop's file system (local disk, ``hdfs://``,
   ``s3a://``...).  JSON-lines files are split into line ranges (gzip files: one task each);
   each partition's first line number comes from a count per partition, so every ad and
   rejected line keeps its 1-based line number.  The lines go through the same reader as the
   single process (``records._iter_jsonl`` / ``records._iter_csv``, CSV one file per task
   since a quoted field may span lines).  An ad's position ``pos`` = file number x 2^40 +
   line orders ads as the single process numbers them.
2. **duplicates**: ads are grouped on (site, id); the first by position is kept, the others
   are rejected with the single process's reason.
3. **analysis** in ``mapPartitions``: :func:`beacon.adscan.stream._digest_batch` (the same
   ``analyse_ad``, ``ads.jsonl`` line and shingle word hashes) and
   :func:`beacon.adscan.handoff.store_line`.
4. **photos**: 64-bit perceptual hashes within Hamming distance 6 become one identifier, by the
   same multi-index rule as :func:`beacon.adscan.images.near_duplicate_pairs` (grouping on
   each choice of 3 of the 9 blocks) and connected components; the representative is the
   smallest hash.
5. **MinHash** per partition (:func:`beacon.adscan.minhash.signatures`, :func:`band_keys`),
   **LSH banding** by grouping on (band, key) with each ad paired to its predecessor by
   position (the single process's chain), **verification** of the pairs by joining the
   signatures, and **text groups** = connected components.
6. **identifier decisions**: for each identifier whose ads span two or more text groups, its
   evidence (its ads, and the ads of the other contacts they carry) is gathered by grouping on
   the identifier, and :func:`beacon.adscan.cluster.decide_identifier` decides it.  The
   single process's iteration (an identifier found shared no longer connects others' posters,
   up to 4 rounds) is the same fixed point decided round by round over every identifier: a
   decision depends on the shared set only within two hops, which is exactly what
   ``decide_all`` re-decides (see ``docs/monitoring.md``).  The set of shared identifiers
   (hubs: few, bounded by the identifiers, not the ads) is broadcast between rounds.
7. **operations**: components over the text edges and a star per linked identifier; each
   operation is built by :func:`beacon.adscan.operations.build_operation` and
   :func:`beacon.adscan.cluster.links_of_operation` on its own ads (grouped on the label).
8. **outputs**: ``ads/``, ``clusters/``, ``rejected/`` (and ``store/``) as JSON-lines part
   files with ``_SUCCESS``, sorted as the single process writes them, and ``summary.json``;
   ``single_file`` merges each folder into ``ads.jsonl``... (local output only).
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

import numpy as np

from ..cluster import ClusterParams, LinkDecision, MemoryStore, cluster_id_for, decide_identifier, is_contact
from ..cluster import links_of_operation as _links_of_operation
from ..images import DEFAULT_K, _blocks, parse_phash
from ..jsonio import dumps
from ..minhash import band_keys, signatures
from ..models import Ad, Rejected
from ..operations import build_operation
from ..records import InputError, _iter_csv, _iter_jsonl, _sniff_format, check_kind
from ..scan import file_image_hasher, run_summary
from ..stream import _digest_batch, _light_ad
from . import SparkUnavailable, spark_problem
from .components import connected_components

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

__all__ = ["OUTPUTS", "SparkScan", "scan_spark", "spark_session"]

OUTPUTS = ("ads", "clusters", "rejected", "store")
"""Output folders (part files + ``_SUCCESS``); ``store`` only with ``store=True``."""
LINE_BITS = 40
"""pos = file number << 40 | line number: 1e12 lines per file, 8 million files."""
_BATCH = 1024
_WORK = "_work"
Step = Callable[[str], None]


@dataclasses.dataclass(slots=True)
class SparkScan:
    """What :func:`scan_spark` reports (the figures of ``summary.json``)."""

    ads: int
    rejected: int
    summary: dict[str, Any]
    paths: dict[str, str]
    component_rounds: dict[str, int] = dataclasses.field(default_factory=dict)
    decision_rounds: int = 0


def spark_session(master: str = "local[*]", partitions: int | None = None, app: str = "beacon ads scan") -> SparkSession:
    """A SparkSession for scans (raises :class:`SparkUnavailable` with one line when pyspark or
    Java is missing or Spark does not start)."""
    problem = spark_problem()
    if problem:
        raise SparkUnavailable(problem)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    b = SparkSession.builder.master(master).appName(app)
    b = b.config("spark.ui.enabled", "false").config("spark.log.level", "ERROR")
    b = b.config("spark.ui.showConsoleProgress", "false")
    if partitions:
        b = b.config("spark.sql.shuffle.partitions", str(partitions)).config("spark.default.parallelism", str(partitions))
    try:
        s = b.getOrCreate()
    except Exception as e:  # noqa: BLE001 - Py4J/JVM start-up errors: one line, not a stack trace
        raise SparkUnavailable(f"Spark could not start with master {master!r}: {_first_line(e)}") from e
    s.sparkContext.setLogLevel("ERROR")
    return s


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "Traceback")):
            return line[:300]
    return text.splitlines()[0][:300]


# ---------------------------------------------------------------- input files
def _is_local(uri: str) -> bool:
    return urlparse(uri).scheme in ("", "file")


def _local_path(uri: str) -> str:
    p = urlparse(uri)
    return p.path if p.scheme == "file" else uri


def list_inputs(spark: SparkSession, pattern: str) -> list[str]:
    """The input files (sorted) of a file, a folder (recursively) or a glob, on any Hadoop file
    system; raises :class:`InputError` when nothing matches."""
    if _is_local(pattern) and not pattern.startswith("file:"):
        pattern = os.path.abspath(pattern)
    sc = spark.sparkContext
    jvm: Any = sc._jvm
    conf: Any = sc._jsc.hadoopConfiguration()
    try:
        path = jvm.org.apache.hadoop.fs.Path(pattern)
        fs = path.getFileSystem(conf)
        found = fs.globStatus(path)
    except Exception as e:  # noqa: BLE001 - an unknown scheme or an unreachable file system
        raise InputError(f"cannot list {pattern}: {_first_line(e)}") from e
    files: list[str] = []
    for st in found or []:
        if st.isDirectory():
            it = fs.listFiles(st.getPath(), True)
            while it.hasNext():
                f = it.next()
                name = f.getPath().getName()
                if f.isFile() and not name.startswith(("_", ".")):
                    files.append(f.getPath().toString())
        else:
            files.append(st.getPath().toString())
    if not files:
        raise InputError(f"input not found: {pattern}")
    return sorted(files)


def _format_of(spark: SparkSession, uri: str) -> str:
    name = urlparse(uri).path.rsplit("/", 1)[-1].lower()
    base = name[:-3] if name.endswith(".gz") else name
    if base.endswith((".jsonl", ".ndjson", ".json", ".csv", ".tsv")):
        return _sniff_format(Path(name), b"")
    first = spark.sparkContext.textFile(uri).take(1)
    return _sniff_format(Path(name), first[0].encode("utf-8") if first else b"")


def _csv_header_check(spark: SparkSession, uri: str) -> None:
    import csv

    first = spark.sparkContext.textFile(uri).take(1)
    if not first:
        return
    header = [h.strip().lstrip("\ufeff").lower() for h in next(csv.reader([first[0]]))]
    if "id" not in header:
        raise InputError(f"{uri}: CSV header has no 'id' column")


def _hasher_for(uri: str, hash_images: bool) -> Any:
    if not hash_images or not _is_local(uri):
        return None
    return file_image_hasher(_local_path(uri), True)


def _renumbered(item: Ad | Rejected, start: int) -> Ad | Rejected:
    return dataclasses.replace(item, line=item.line + start) if start else item


def read_items(spark: SparkSession, files: list[str], kind: str, hash_images: bool) -> RDD[tuple[int, Any]]:
    """``(pos, Ad | Rejected)`` for every record of the input files (see the module docstring)."""
    sc = spark.sparkContext
    kind = check_kind(kind)
    parts: list[RDD[tuple[int, Any]]] = []
    jsonl: list[tuple[int, str]] = []
    for k, uri in enumerate(files):
        fmt = _format_of(spark, uri)
        if fmt == "csv":
            _csv_header_check(spark, uri)
            hasher = _hasher_for(uri, hash_images)

            def read_csv(pair: tuple[str, bytes], k: int = k, hasher: Any = hasher) -> Iterator[tuple[int, Any]]:
                data = pair[1]
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                for item in _iter_csv(io.BytesIO(data), hasher, kind):
                    yield (k << LINE_BITS) | item.line, item

            parts.append(sc.binaryFiles(uri, minPartitions=1).flatMap(read_csv))
        else:
            jsonl.append((k, uri))
    if jsonl:
        texts = [sc.textFile(uri) for _, uri in jsonl]
        lines = sc.union(texts) if len(texts) > 1 else texts[0]
        owner: list[tuple[int, str]] = []
        for (k, uri), t in zip(jsonl, texts, strict=True):
            owner.extend([(k, uri)] * t.getNumPartitions())
        counts = dict(lines.mapPartitionsWithIndex(lambda i, it: [(i, sum(1 for _ in it))]).collect())
        starts: list[int] = []
        seen: dict[int, int] = {}
        for i, (k, _) in enumerate(owner):
            starts.append(seen.get(k, 0))
            seen[k] = seen.get(k, 0) + counts.get(i, 0)
        hashers = {k: _hasher_for(uri, hash_images) for k, uri in jsonl}
        plan = [(k, s) for (k, _), s in zip(owner, starts, strict=True)]

        def read_jsonl(i: int, it: Iterable[str]) -> Iterator[tuple[int, Any]]:
            k, start = plan[i]
            raw = (line.encode("utf-8", "surrogatepass") + b"\n" for line in it)
            for item in _iter_jsonl(cast(Any, raw), hashers[k], kind):
                item = _renumbered(item, start)
                yield (k << LINE_BITS) | item.line, item

        parts.append(lines.mapPartitionsWithIndex(read_jsonl))
    return sc.union(parts) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------- per-ad analysis
def _first_of_each(group: tuple[Any, Iterable[tuple[int, Ad]]]) -> Iterator[tuple[int, Ad | Rejected]]:
    """The first ad (by position) of one (site, id); the others rejected as the single process does."""
    items = sorted(group[1], key=lambda t: t[0])
    yield items[0]
    for pos, ad in items[1:]:
        yield pos, Rejected(ad.line, f"duplicate id {ad.id!r} for site {ad.site!r}", "")


def _analyse(region: str) -> Callable[[Iterable[tuple[int, Any]]], Iterator[tuple[int, tuple[Any, ...]]]]:
    from ..handoff import store_line

    def run(it: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
        import gc

        gc.disable()  # acyclic objects only (see scan.gc_paused)
        batch: list[tuple[int, Ad]] = []

        def flush() -> Iterator[tuple[int, tuple[Any, ...]]]:
            digests = _digest_batch([ad for _, ad in batch], region)
            for (pos, ad), (line, wh, idents, s) in zip(batch, digests, strict=True):
                store = store_line(ad, line, wh, idents, s[1], s[6])
                yield pos, (ad.id, line, wh, list(idents), s, ad.body or ad.title, store)
            batch.clear()

        for x in it:
            batch.append(x)
            if len(batch) >= _BATCH:
                yield from flush()
        if batch:
            yield from flush()

    return run


def _sign(params: ClusterParams) -> Callable[[Iterable[tuple[int, bytes]]], Iterator[tuple[int, bytes, list[int]]]]:
    """MinHash signatures and band keys of a partition's ads (8,192 at a time, as the single process)."""
    mh = params.minhash

    def run(it: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, bytes, list[int]]]:
        chunk: list[tuple[int, bytes]] = []

        def flush() -> Iterator[tuple[int, bytes, list[int]]]:
            words = np.frombuffer(b"".join(w for _, w in chunk), dtype=np.uint32).astype(np.uint64)
            offs = np.zeros(len(chunk) + 1, dtype=np.int64)
            np.cumsum([len(w) // 4 for _, w in chunk], out=offs[1:])
            sig, ok = signatures(words, offs, mh)
            keys = band_keys(sig, mh).view(np.int64)  # (signed, for Spark's long)
            for j, (pos, _) in enumerate(chunk):
                if ok[j]:
                    yield pos, sig[j].tobytes(), keys[j].tolist()
            chunk.clear()

        for x in it:
            chunk.append(x)
            if len(chunk) >= 8192:
                yield from flush()
        if chunk:
            yield from flush()

    return run


# ---------------------------------------------------------------- photos
def _photo_pairs(k: int) -> tuple[Callable[[tuple[str, int]], Iterator[tuple[tuple[int, int], int]]],
                                  Callable[[tuple[tuple[int, int], Iterable[int]]], Iterator[tuple[int, int]]]]:  # fmt: skip
    """Multi-index hashing as :func:`beacon.adscan.images.near_duplicate_pairs`: the 64 bits in
    ``k + 3`` blocks, hashes grouped on each choice of 3 blocks; a pair is checked only under
    the first 3 blocks it agrees on."""
    masks = _blocks(k)
    combos = list(combinations(range(len(masks)), 3))
    cmask = [masks[a] | masks[b] | masks[c] for a, b, c in combos]
    differ = [[masks[i] for i in range(c[2]) if i not in c] for c in combos]

    def keys(iv: tuple[str, int]) -> Iterator[tuple[tuple[int, int], int]]:
        v = iv[1]
        for n, m in enumerate(cmask):
            yield (n, v & m), v

    def pairs(group: tuple[tuple[int, int], Iterable[int]]) -> Iterator[tuple[int, int]]:
        vals = sorted(set(group[1]))
        if len(vals) < 2:
            return
        must = differ[group[0][0]]
        for i, a in enumerate(vals):
            for b in vals[i + 1 :]:
                x = a ^ b
                if x.bit_count() <= k and all(x & bm for bm in must):
                    yield a, b

    return keys, pairs


_SIGN = 1 << 63


def _to_long(v: int) -> int:
    """An unsigned 64-bit value as a signed long, order kept (so Spark's min is the smallest hash)."""
    return v - _SIGN


def _canonical_photos(spark: SparkSession, idents: RDD[str], k: int) -> tuple[RDD[tuple[str, str]], int]:
    """``(identifier, representative)`` for the photo identifiers that change, and the rounds."""
    parsed = idents.filter(lambda x: x.startswith("img:")).map(lambda x: (x, parse_phash(x[4:]))).filter(
        lambda t: t[1] is not None).map(lambda t: (t[0], int(cast(int, t[1]))))  # fmt: skip
    keys, pairs = _photo_pairs(k)
    near = parsed.flatMap(keys).groupByKey().flatMap(pairs).map(lambda ab: (_to_long(ab[0]), _to_long(ab[1])))
    rounds = 0
    rep: RDD[tuple[int, int]] = spark.sparkContext.emptyRDD()
    if not near.isEmpty():
        labels, rounds = connected_components(spark.createDataFrame(near, "a long, b long"))
        rep = labels.rdd.map(lambda r: (int(r["node"]), int(r["label"])))
    # every 64-bit hash is written as its representative's 16 hex digits (itself when alone)
    out = parsed.map(lambda t: (_to_long(t[1]), t[0])).leftOuterJoin(rep).map(
        lambda kv: (kv[1][0], f"img:{(kv[0] if kv[1][1] is None else kv[1][1]) + _SIGN:016x}")).filter(
        lambda t: t[0] != t[1])  # fmt: skip
    return out, rounds


# ---------------------------------------------------------------- linking decisions
class Evidence:
    """:class:`beacon.adscan.cluster.LinkStore` over the ads behind one identifier: its
    carriers and the carriers of the other contacts they give (all the rule reads)."""

    __slots__ = ("ads", "carry")

    def __init__(self) -> None:
        self.ads: dict[int, tuple[int, list[str]]] = {}
        self.carry: dict[str, list[int]] = {}

    def carriers(self, identifier: str) -> list[int]:
        return self.carry.get(identifier, [])

    def identifiers_of(self, ad: object) -> list[str]:
        return self.ads[cast(int, ad)][1]

    def text_group(self, ad: object) -> int:
        return self.ads[cast(int, ad)][0]

    def identifiers(self) -> set[str]:
        return {x for _, ids in self.ads.values() for x in ids}

    def prefetch(self, identifiers: Iterable[str]) -> None:
        """Nothing to do: the evidence was gathered by grouping on the identifier."""


def _candidates(params: ClusterParams) -> Callable[[tuple[str, Iterable[tuple[int, int, list[str]]]]], list[tuple[str, str]]]:
    """The other contacts an identifier's ads give that may count as separate posters whatever is
    found shared (``decide_identifier``'s contacts before the shared set is removed): their
    carriers are the second hop of the evidence.  None when fewer than ``min_identities``."""

    def run(group: tuple[str, Iterable[tuple[int, int, list[str]]]]) -> list[tuple[str, str]]:
        x, ads = group
        ads = list(ads)
        n = len(ads)
        together: dict[str, int] = {}
        for _, _, ids in ads:
            for o in ids:
                if o != x and o not in params.stop_identifiers and params.marks.get(o) is not False:
                    together[o] = together.get(o, 0) + 1
        half = max(2, (n + 1) // 2)
        cands = [c for c, k in together.items() if is_contact(c) and k < half]
        if len(cands) < params.min_identities or x in params.marks:
            return []
        return [(c, x) for c in cands]

    return run


def _evidence(group: tuple[str, tuple[Iterable[tuple[int, int, list[str]]], Iterable[tuple[str, int, int, list[str]]]]]) -> tuple[str, Evidence]:
    x, (own, second) = group
    ev = Evidence()
    mine = ev.carry.setdefault(x, [])
    for pos, g, ids in own:
        ev.ads[pos] = (g, ids)
        mine.append(pos)
    for c, pos, g, ids in second:
        ev.ads[pos] = (g, ids)
        ev.carry.setdefault(c, []).append(pos)
    for v in ev.carry.values():
        v.sort()
    return x, ev


# ---------------------------------------------------------------- operations
def _operation(params: ClusterParams, min_size: int, has_links: bool) -> Callable[[tuple[int, tuple[Iterable[Any], Iterable[Any]]]], Iterator[tuple[str, Any]]]:
    def run(group: tuple[int, tuple[Iterable[Any], Iterable[Any]]]) -> Iterator[tuple[str, Any]]:
        label, (members_it, decided) = group
        members = sorted(members_it, key=lambda m: m[0])  # (pos, ad id, summary, text, group, ids)
        if len(members) < max(2, min_size) and not (min_size <= 1 and len(members) == 1):
            return
        cid = cluster_id_for(members[0][1])
        texts: list[str] = []
        found = 0
        for m in members:
            if m[3] and found < 6:
                texts.append(m[3])
                found += 1
            else:
                texts.append("")
        ads = [_light_ad(m[1], m[2], t) for m, t in zip(members, texts, strict=True)]
        if len(members) == 1:
            op = build_operation(cid, ads, [0])
        else:
            op = build_operation(cid, ads, [m[4] for m in members])
            store = MemoryStore()
            if has_links:
                for m in members:
                    store.add(m[5], m[4])
            decisions: dict[str, LinkDecision] = dict(decided)
            op.links = _links_of_operation(range(len(members)), store, decisions)
        for m in members:
            yield "ad", (m[0], cid)
        yield "op", (float(op.risk), len(op.ad_ids), cid, dumps(op.to_dict()), op.phones[:3])

    return run


# ---------------------------------------------------------------- outputs
def _fs(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    sc = spark.sparkContext
    jvm: Any = sc._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(sc._jsc.hadoopConfiguration()), path


def _write_text(spark: SparkSession, uri: str, text: str) -> None:
    if _is_local(uri):
        Path(_local_path(uri)).write_text(text, encoding="utf-8")
        return
    fs, path = _fs(spark, uri)
    out = fs.create(path, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def _delete(spark: SparkSession, uri: str) -> None:
    fs, path = _fs(spark, uri)
    fs.delete(path, True)


def _write_lines(spark: SparkSession, rows: RDD[tuple[int, str]], uri: str) -> None:
    """JSON lines ordered by ``pos`` into part files (+ ``_SUCCESS``)."""
    df = spark.createDataFrame(rows, "pos long, value string")
    df.orderBy("pos").select("value").write.mode("overwrite").text(uri)


def merge_parts(folder: Path, target: Path) -> None:
    """Concatenate a local output folder's part files (in name order) into ``target``; the folder
    is removed."""
    with target.open("wb") as out:
        for part in sorted(folder.glob("part-*")):
            with part.open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    shutil.rmtree(folder)


def write_summary_json(spark: SparkSession, uri: str, summary: dict[str, Any], hubs: list[tuple[str, int]]) -> None:
    summary["hubs"] = dict(hubs[:50])
    _write_text(spark, uri, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- the scan
def scan_spark(
    spark: SparkSession,
    input_uri: str,
    out_uri: str,
    params: ClusterParams | None = None,
    min_cluster_size: int = 2,
    region: str = "US",
    kind: str = "escort",
    hash_images: bool = True,
    store: bool = False,
    single_file: bool = False,
    step: Step | None = None,
) -> SparkScan:
    """Scan ``input_uri`` (file, folder or glob; JSONL/CSV, gzip ok; any Hadoop URI) into
    ``out_uri`` (see the module docstring).  Raises :class:`InputError` for an input that cannot
    be read at all (nothing matches, a CSV without ``id``)."""
    from pyspark import StorageLevel

    params = params or ClusterParams()
    say = step or (lambda _s: None)
    sc = spark.sparkContext
    kind = check_kind(kind)
    if single_file and not _is_local(out_uri):
        raise InputError("--single-file needs a local --out folder")
    if _is_local(out_uri) and not out_uri.startswith("file:"):
        out_uri = os.path.abspath(out_uri)
        Path(out_uri).mkdir(parents=True, exist_ok=True)
    out = out_uri.rstrip("/")
    work = f"{out}/{_WORK}"
    sc.setCheckpointDir(f"{work}/checkpoints")
    disk = StorageLevel.MEMORY_AND_DISK
    timings: dict[str, float] = {}
    rounds: dict[str, int] = {}
    t0 = time.perf_counter()

    say("reading")
    files = list_inputs(spark, input_uri)
    items = read_items(spark, files, kind, hash_images)
    bad = items.filter(lambda t: isinstance(t[1], Rejected))
    good = items.filter(lambda t: isinstance(t[1], Ad)).map(lambda t: ((t[1].site, t[1].id), t))
    firsts = good.groupByKey().flatMap(_first_of_each).persist(disk)
    rejected = bad.union(firsts.filter(lambda t: isinstance(t[1], Rejected))).persist(disk)

    say("analysing ads")
    analysed = firsts.filter(lambda t: isinstance(t[1], Ad)).mapPartitions(_analyse(region)).persist(disk)
    n_ads = analysed.count()
    n_rej = rejected.count()
    firsts.unpersist()
    t1 = time.perf_counter()
    timings["read_analyse"] = t1 - t0

    say("MinHash and LSH")
    mh = params.minhash
    signed = analysed.map(lambda t: (t[0], t[1][2])).mapPartitions(_sign(params)).persist(disk)
    sigs = signed.map(lambda t: (t[0], t[1]))
    bands = signed.flatMap(lambda t: [(b, key, t[0]) for b, key in enumerate(t[2])])
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812

    bdf = spark.createDataFrame(bands, "band int, key long, pos long")
    prev = F.lag("pos").over(Window.partitionBy("band", "key").orderBy("pos"))
    cand = bdf.select(prev.alias("a"), F.col("pos").alias("b")).where(F.col("a").isNotNull()).distinct()
    threshold = mh.threshold

    def agree(kv: tuple[int, tuple[tuple[int, bytes], bytes]]) -> bool:
        _, ((_, sa), sb) = kv
        x, y = np.frombuffer(sa, dtype=np.uint32), np.frombuffer(sb, dtype=np.uint32)
        return bool(float((x == y).mean()) >= threshold)

    pairs = cand.rdd.map(lambda r: (int(r["a"]), int(r["b"])))
    verified = pairs.join(sigs).map(lambda kv: (kv[1][0], (kv[0], kv[1][1]))).join(sigs).filter(agree).map(
        lambda kv: (kv[1][0][0], kv[0]))  # fmt: skip
    text_edges = spark.createDataFrame(verified, "a long, b long").persist(disk)
    n_text_edges = text_edges.count()
    tl, rounds["text"] = connected_components(text_edges) if n_text_edges else (None, 0)
    groups = (tl.rdd.map(lambda r: (int(r["node"]), int(r["label"]))) if tl is not None else sc.emptyRDD()).persist(disk)
    signed.unpersist()
    t2 = time.perf_counter()
    timings["minhash_lsh_text"] = t2 - t1

    say("linking identifiers")
    stop = params.stop_identifiers
    raw_links = analysed.flatMap(lambda t: [(x, (t[0], i)) for i, x in enumerate(dict.fromkeys(t[1][3])) if x not in stop])
    shared: frozenset[str] = frozenset()
    decisions: RDD[tuple[str, LinkDecision]] = sc.emptyRDD()
    has_links = params.use_identifiers and not raw_links.isEmpty()
    links: RDD[tuple[str, int]] = sc.emptyRDD()
    if has_links:
        canon, rounds["photos"] = _canonical_photos(spark, raw_links.keys().distinct(), DEFAULT_K)
        links = raw_links.leftOuterJoin(canon).map(lambda kv: (kv[1][1] or kv[0], kv[1][0][0])).distinct().persist(disk)
        # each ad's identifiers (canonical, stop-list removed) and text group
        per_ad = links.map(lambda t: (t[1], t[0])).groupByKey().leftOuterJoin(groups).map(
            lambda kv: (kv[0], (kv[0] if kv[1][1] is None else kv[1][1], sorted(kv[1][0])))).persist(disk)  # fmt: skip
        # identifiers whose ads span two or more text groups: the ones decided
        carried = links.map(lambda t: (t[1], t[0])).join(per_ad).map(lambda kv: (kv[1][0], (kv[0], *kv[1][1])))
        multi = carried.map(lambda t: (t[0], t[1][1])).distinct().map(lambda t: (t[0], 1)).reduceByKey(
            lambda a, b: a + b).filter(lambda t: t[1] > 1)  # fmt: skip
        own = carried.join(multi).map(lambda kv: (kv[0], kv[1][0])).persist(disk)  # (X, (pos, group, ids))
        asks = own.groupByKey().flatMap(_candidates(params))  # (contact, X)
        second = asks.join(carried).map(lambda kv: (kv[1][0], (kv[0], *kv[1][1])))  # (X, (c, pos, group, ids))
        evidence = own.cogroup(second).map(_evidence).persist(disk)

        def decide(sh: Any) -> Callable[[tuple[str, Evidence]], tuple[str, LinkDecision]]:
            def run(xe: tuple[str, Evidence]) -> tuple[str, LinkDecision]:
                x, ev = xe
                near = sh.value & ev.identifiers() if sh.value else frozenset()
                return x, decide_identifier(x, ev, params, near)

            return run

        rounds["decisions"] = 0
        for _ in range(4):  # decide_all's rounds
            bc = sc.broadcast(shared)
            decisions = evidence.map(decide(bc)).persist(disk)
            now = frozenset(decisions.filter(lambda t: not t[1].link).keys().collect())
            rounds["decisions"] += 1
            if now == shared:
                break
            shared = now
        own.unpersist()
    t3 = time.perf_counter()
    timings["decisions"] = t3 - t2

    say("forming operations")
    shared_bc = sc.broadcast(shared)
    linked = links.filter(lambda t: t[0] not in shared_bc.value)
    first = linked.reduceByKey(min)
    stars = linked.join(first).filter(lambda kv: kv[1][0] != kv[1][1]).map(lambda kv: (kv[1][1], kv[1][0]))
    op_edges = text_edges.union(spark.createDataFrame(stars, "a long, b long"))
    ol, rounds["operations"] = connected_components(op_edges) if not op_edges.isEmpty() else (None, 0)
    labels = ol.rdd.map(lambda r: (int(r["node"]), int(r["label"]))) if ol is not None else sc.emptyRDD()
    ids_of = per_ad.mapValues(lambda gi: gi[1]) if has_links else sc.emptyRDD()
    members = analysed.map(lambda t: (t[0], (t[1][0], t[1][4], t[1][5]))).leftOuterJoin(labels).leftOuterJoin(
        groups).leftOuterJoin(ids_of).map(  # fmt: skip
        lambda kv: (kv[0] if kv[1][0][0][1] is None else kv[1][0][0][1],
                    (kv[0], kv[1][0][0][0][0], kv[1][0][0][0][1], kv[1][0][0][0][2],
                     kv[0] if kv[1][0][1] is None else kv[1][0][1], kv[1][1] or [])))  # fmt: skip
    if has_links:
        label_idents = members.flatMap(lambda t: [(x, t[0]) for x in t[1][5]])
        decided = label_idents.join(decisions).map(lambda kv: (kv[1][0], (kv[0], kv[1][1]))).distinct()
    else:
        decided = sc.emptyRDD()
    built = members.cogroup(decided).flatMap(_operation(params, min_cluster_size, has_links)).persist(disk)
    t4 = time.perf_counter()
    timings["operations"] = t4 - t3

    say("writing")
    paths = {name: f"{out}/{name}" for name in OUTPUTS if name != "store" or store}
    cids = built.filter(lambda t: t[0] == "ad").map(lambda t: t[1])

    def with_cluster(kv: tuple[int, tuple[str, str | None]]) -> tuple[int, str]:
        pos, (line, cid) = kv
        return pos, line if cid is None else f'{line[:-5]}"{cid}"}}'

    _write_lines(spark, analysed.map(lambda t: (t[0], t[1][1])).leftOuterJoin(cids).map(with_cluster), paths["ads"])
    _write_lines(spark, rejected.map(lambda t: (t[0], dumps(cast(Rejected, t[1]).to_dict()))), paths["rejected"])
    if store:
        _write_lines(spark, analysed.map(lambda t: (t[0], t[1][6].rstrip("\n"))), paths["store"])
    ops = spark.createDataFrame(built.filter(lambda t: t[0] == "op").map(lambda t: t[1][:4]),
                                "risk double, n long, cid string, value string")  # fmt: skip
    ops = ops.orderBy(F.desc("risk"), F.desc("n"), F.asc("cid")).persist(disk)
    ops.select("value").write.mode("overwrite").text(paths["clusters"])
    n_ops = ops.count()
    in_ops = int(ops.agg(F.sum("n")).collect()[0][0] or 0)
    top = [json.loads(r["value"]) for r in ops.limit(5).collect()]
    hubs = decisions.filter(lambda t: not t[1].link).map(lambda t: (t[0], t[1].identities)).collect() if has_links else []
    if hubs:  # ties in the order identifiers first appear (as the single process lists them)
        hb = sc.broadcast({h for h, _ in hubs})
        firsts_seen = dict(raw_links.filter(lambda kv: kv[0] in hb.value).reduceByKey(min).collect())
        far = (1 << 62, 0)
        hubs.sort(key=lambda h: (-h[1], firsts_seen.get(h[0], far), h[0]))
    t5 = time.perf_counter()
    timings["write"] = t5 - t4
    timings["total"] = t5 - t0
    summary = run_summary(n_ads, n_rej, [], {}, timings)
    summary.update(operations=n_ops, ads_in_operations=in_ops, hub_identifiers=len(hubs),
                   top=[{"cluster_id": o["cluster_id"], "risk": o["risk"], "ads": len(o["ad_ids"]),
                         "phones": o["phones"][:3]} for o in top],
                   engine={"name": "spark", "master": sc.master, "text_edges": n_text_edges,
                           "component_rounds": rounds})  # fmt: skip
    paths["summary"] = f"{out}/summary.json"
    write_summary_json(spark, paths["summary"], summary, hubs)
    for rdd in (analysed, rejected, groups, built):
        rdd.unpersist()
    spark.catalog.clearCache()
    _delete(spark, work)
    if single_file:
        for name in list(paths):
            if name != "summary":
                folder = Path(_local_path(paths[name]))
                target = folder.with_name(f"{name}.jsonl")
                merge_parts(folder, target)
                paths[name] = str(target)
    return SparkScan(n_ads, n_rej, summary, paths, rounds, rounds.get("decisions", 0))
