"""Run every benchmark at its quick size and print their figures (`make bench`).

The full-size runs are documented in docs/benchmarks.md; each script takes its own size flags.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = [
    ["adscan.py", "--n", "10000"],
    ["survivors_search.py", "--services", "20000", "--runs", "100"],
    ["cases_graph.py", "--cases", "5000", "--identifiers", "25000", "--runs", "20"],
]


def main() -> int:
    failed = 0
    for script, *args in QUICK:
        print(f"\n=== {script} {' '.join(args)} ===", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode != 0  # noqa: S603
    print("\nThe tip-line load test needs a running server: see bench/tips_load.py --help.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
