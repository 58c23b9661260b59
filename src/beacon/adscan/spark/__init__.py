"""Archive-scale scans on Apache Spark: ``beacon ads scan INPUT --out DIR --engine spark``.

The same rules as the single process (:mod:`beacon.adscan.stream`), distributed end to end:
the per-ad analysis runs the same :mod:`beacon.adscan` functions inside ``mapPartitions``,
the linking decisions call :func:`beacon.adscan.cluster.decide_identifier` on the evidence
gathered by grouping on each identifier, and the connected components are computed by the
large-star/small-star algorithm over DataFrames (:mod:`.components`).  See
``docs/monitoring.md`` ("Archive scans on Spark").

Spark is optional (``pip install -e .[spark]``, Java 17): importing this package never
imports pyspark; :func:`spark_problem` says in one line why the engine cannot run here.
"""

from __future__ import annotations

import os
import shutil
import subprocess

__all__ = ["SparkUnavailable", "spark_problem"]


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing, or Spark could not start (the message is one line)."""


def _java_problem() -> str | None:
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return ("Java is not installed (the Spark engine needs Java 17: "
                "apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")  # fmt: skip
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603 - the java on PATH or JAVA_HOME
    except (OSError, subprocess.SubprocessError) as e:
        return f"Java at {java} does not run ({e})"
    text = out.stderr + out.stdout
    for token in text.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and token[0].isdigit():
            if int(head) < 17:
                return f"Java {token} is too old: the Spark engine needs Java 17 or later"
            return None
    return None


def spark_problem() -> str | None:
    """Why the Spark engine cannot run here (one line), or None when pyspark and Java are present."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: pip install -e '.[spark]' (or pip install -r requirements.lock)"
    return _java_problem()
