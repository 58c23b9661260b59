"""Command line: ``python -m beacon.adscan scan INPUT --out DIR``.

Exit codes: 0 when at least one ad was scanned, 1 when nothing could be
scanned (every record rejected or empty input), 2 for usage errors or an
unreadable input (missing file, CSV without an ``id`` column).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .cluster import ClusterParams
from .minhash import MinHashParams
from .records import InputError
from .stream import scan_to_dir

__all__ = ["load_marks", "main"]

_MH = MinHashParams()
_CP = ClusterParams()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m beacon.adscan", description="Beacon ad scanning (no database)."
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", help="scan a JSONL/CSV file (gzip ok) and write ads/clusters/rejected JSONL")
    s.add_argument("input", type=Path)
    s.add_argument("--out", type=Path, required=True, help="output directory")
    s.add_argument("--threshold", type=float, default=_MH.threshold, help="near-duplicate Jaccard")
    s.add_argument("--num-perm", type=int, default=_MH.num_perm)
    s.add_argument("--bands", type=int, default=_MH.bands)
    s.add_argument(
        "--min-identities",
        type=int,
        default=_CP.min_identities,
        help="an identifier whose ads belong to this many separate posters is shared (not linked)",
    )
    s.add_argument(
        "--marks",
        type=Path,
        help='analysts\' link decisions: JSON lines {"identifier": "tel:+1...", "decision": "link"|"shared"}',
    )
    s.add_argument("--min-cluster-size", type=int, default=2)
    s.add_argument("--region", default="US", help="default phone region")
    s.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes analysing ads (default 1; results do not depend on it)",
    )
    s.add_argument(
        "--kind",
        choices=["escort", "job"],
        default="escort",
        help="kind of the feed's ads (a record's own 'kind' column wins; default escort)",
    )
    s.add_argument(
        "--store",
        action="store_true",
        help="also write store.jsonl, what 'beacon ads ingest DIR' stores without analysing again",
    )
    s.add_argument(
        "--engine",
        choices=["single", "spark"],
        default="single",
        help="single: this process (default); spark: Apache Spark, for archives (INPUT may then be a "
        "folder, a glob or a Hadoop URI; needs pip install -e '.[spark]' and Java 17)",
    )
    s.add_argument("--master", default="local[*]", help="Spark master URL (--engine spark; default local[*])")
    s.add_argument(
        "--partitions", type=int, default=None, help="Spark shuffle partitions (--engine spark; default Spark's)"
    )
    s.add_argument(
        "--single-file",
        action="store_true",
        help="--engine spark: merge each output folder's part files into one file (small outputs, local --out)",
    )
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    return p


def load_marks(path: Path) -> dict[str, bool]:
    """Analysts' identifier marks from a JSON-lines file (what ``beacon ads marks`` exports):
    ``{"identifier": "tel:+18165550101", "decision": "shared"}``; ``link`` -> True, ``shared`` -> False."""
    out: dict[str, bool] = {}
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                ident, decision = str(row["identifier"]), row["decision"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise ValueError(f'line {n}: expected {{"identifier": ..., "decision": ...}} ({e})') from e
            if decision not in ("link", "shared"):
                raise ValueError(f'line {n}: decision must be "link" or "shared", not {decision!r}')
            out[ident] = decision == "link"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.num_perm % args.bands:
        print("error: --num-perm must be a multiple of --bands", file=sys.stderr)
        return 2
    try:
        marks = load_marks(args.marks) if args.marks else {}
    except (OSError, ValueError) as e:
        print(f"error: --marks {args.marks}: {e}", file=sys.stderr)
        return 2
    params = ClusterParams(
        minhash=MinHashParams(num_perm=args.num_perm, bands=args.bands, threshold=args.threshold),
        min_identities=args.min_identities,
        marks=marks,
    )
    show = not args.quiet and sys.stderr.isatty()
    if args.engine == "spark":
        return _main_spark(args, params, show)
    try:
        if show:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            with Progress(
                SpinnerColumn(),
                TextColumn("[bold]scanning"),
                BarColumn(),
                TextColumn("{task.completed:,} ads"),
                TimeElapsedColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("scan", total=None)
                result = scan_to_dir(
                    args.input,
                    args.out,
                    params,
                    args.min_cluster_size,
                    lambda n: bar.update(task, completed=n),
                    args.region,
                    workers=args.workers,
                    kind=args.kind,
                    store=args.store,
                )
        else:
            result = scan_to_dir(
                args.input,
                args.out,
                params,
                args.min_cluster_size,
                None,
                args.region,
                workers=args.workers,
                kind=args.kind,
                store=args.store,
            )
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: cannot read {args.input}: {e}", file=sys.stderr)
        return 2
    paths = result.paths
    s = result.summary()
    if args.json:
        print(json.dumps(s, indent=2, ensure_ascii=False))
    else:
        secs = s["seconds"].get("total", 0.0)
        rate = f" ({result.ads / secs:,.0f} ads/s)" if secs > 0 else ""
        print(
            f"scanned {s['ads']:,} ads in {secs:.1f}s{rate}; rejected {s['rejected']:,} (see {paths['rejected']})"
        )
        print(
            f"operations: {s['operations']:,} covering {s['ads_in_operations']:,} ads; "
            f"{s['hub_identifiers']} hub identifier(s) not used for linking"
        )
        for o in s["top"]:
            print(f"  {o['cluster_id']}  risk {o['risk']:6.2f}  {o['ads']:5d} ads  {', '.join(o['phones'])}")
        print(f"wrote {paths['ads']}, {paths['clusters']}, {paths['rejected']}")
    if not result.ads:
        rejected = int(s["rejected"])
        why = (
            f"all {rejected:,} record(s) were rejected; each line and its reason is in {paths['rejected']}"
            if rejected
            else "it holds no records"
        )
        print(f"error: no ad could be scanned from {args.input}: {why}", file=sys.stderr)
        return 1
    return 0


def _main_spark(args: argparse.Namespace, params: ClusterParams, show: bool) -> int:
    """``scan --engine spark``: one clear line and exit status 2 when Spark cannot run or the
    input cannot be read (never a JVM stack trace alone)."""
    from .spark import SparkUnavailable, spark_problem

    problem = spark_problem()
    if problem:
        print(f"error: --engine spark: {problem}", file=sys.stderr)
        return 2
    from pyspark.sql import SparkSession

    from .spark.engine import scan_spark, spark_session

    steps = ["reading", "analysing ads", "MinHash and LSH", "linking identifiers", "forming operations", "writing"]
    ours = SparkSession.getActiveSession() is None  # (a session the caller made is left running)
    try:
        spark = spark_session(args.master, args.partitions)
    except SparkUnavailable as e:
        print(f"error: --engine spark: {e}", file=sys.stderr)
        return 2
    try:
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("[bold]spark scan: {task.fields[step]}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), transient=True) as bar:  # fmt: skip
                task = bar.add_task("scan", total=len(steps), step="starting")

                def step(name: str) -> None:
                    bar.update(task, completed=steps.index(name) if name in steps else 0, step=name)

                res = scan_spark(spark, str(args.input), str(args.out), params, args.min_cluster_size, args.region,
                                 args.kind, store=args.store, single_file=args.single_file, step=step)  # fmt: skip
        else:
            res = scan_spark(spark, str(args.input), str(args.out), params, args.min_cluster_size, args.region,
                             args.kind, store=args.store, single_file=args.single_file)  # fmt: skip
    except (InputError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a Spark job failed: its first line, not the JVM's stack trace
        from .spark.engine import _first_line

        print(f"error: the Spark scan failed: {_first_line(e)}", file=sys.stderr)
        return 1
    finally:
        if ours:
            spark.stop()
    s = res.summary
    if args.json:
        print(json.dumps(s, indent=2, ensure_ascii=False))
    else:
        secs = s["seconds"].get("total", 0.0)
        print(f"scanned {s['ads']:,} ads in {secs:.1f}s on Spark ({s['engine']['master']}); "
              f"rejected {s['rejected']:,} (see {res.paths['rejected']})")  # fmt: skip
        print(f"operations: {s['operations']:,} covering {s['ads_in_operations']:,} ads; "
              f"{s['hub_identifiers']} hub identifier(s) not used for linking")  # fmt: skip
        for o in s["top"]:
            print(f"  {o['cluster_id']}  risk {o['risk']:6.2f}  {o['ads']:5d} ads  {', '.join(o['phones'])}")
        print("wrote " + ", ".join(v for k, v in res.paths.items() if k != "summary") + ", " + res.paths["summary"])
    return 0 if res.ads else 1
