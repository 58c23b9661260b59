"""Connected components over DataFrames: alternating large-star / small-star.

Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected Components in MapReduce and
Beyond" (SoCC 2014).  Edges are pairs of 64-bit node ids; each round is a few joins and
aggregations (shuffles), nothing comes back to the driver but one count per round.  The result
gives every node of an edge its component's smallest node id, which is the single process's
label (``beacon.adscan.cluster._components``: "label = smallest member index", with node ids
in input order).  The lineage is cut every ``checkpoint_every`` rounds (reliable checkpoint
when a checkpoint folder is set, else a local one), so long chains of rounds stay cheap to plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import functions as F  # noqa: N812 - Spark's convention

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["connected_components"]


def _large_star(e: DataFrame) -> DataFrame:
    """Each node's larger neighbours are attached to the smallest of its neighbourhood (itself included)."""
    both = e.select(F.col("a").alias("u"), F.col("b").alias("v")).union(e.select(F.col("b").alias("u"),
                                                                               F.col("a").alias("v")))  # fmt: skip
    m = both.groupBy("u").agg(F.min("v").alias("mv")).select("u", F.least("u", "mv").alias("m"))
    out = both.where(F.col("v") > F.col("u")).join(m, "u").select(F.col("v").alias("a"), F.col("m").alias("b"))
    return out.where(F.col("a") != F.col("b")).distinct()


def _small_star(e: DataFrame) -> DataFrame:
    """Each node and its smaller neighbours are attached to the smallest of them."""
    o = e.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
    m = o.groupBy("u").agg(F.min("v").alias("m"))
    out = o.join(m, "u").select(F.col("v").alias("a"), F.col("m").alias("b")).where(F.col("a") != F.col("b"))
    return out.union(m.select(F.col("u").alias("a"), F.col("m").alias("b"))).distinct()


def connected_components(edges: DataFrame, checkpoint_every: int = 3, max_rounds: int = 200) -> tuple[DataFrame, int]:
    """``(labels, rounds)``: ``labels`` has columns ``node`` and ``label`` (the smallest node of
    its component) for every node that is an endpoint of an edge of ``edges`` (columns ``a``,
    ``b``, long; self-loops and duplicates allowed).  Nodes without edges are their own label."""
    spark = edges.sparkSession
    has_dir = spark.sparkContext.getCheckpointDir() is not None
    e = edges.select(F.col("a").cast("long").alias("a"), F.col("b").cast("long").alias("b"))
    e = e.where(F.col("a") != F.col("b")).select(F.greatest("a", "b").alias("a"),
                                                  F.least("a", "b").alias("b")).distinct()  # fmt: skip
    e = e.localCheckpoint()
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - the count is returned
        # a DataFrame's plan is a tree: each star reads its input three times, so the lineage is
        # cut after every star (locally), and written out every few rounds (reliably)
        large = _large_star(e).localCheckpoint()
        nxt = _small_star(large)
        nxt = nxt.checkpoint() if has_dir and rounds % checkpoint_every == 0 else nxt.localCheckpoint()
        large.unpersist()
        # a star forest centred on each component's smallest node: no centre is anyone's leaf,
        # and no leaf has two centres
        o = nxt.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
        chained = o.join(o.select(F.col("u").alias("v")).distinct(), "v").limit(1).count()
        if chained == 0:
            chained = o.groupBy("u").count().where(F.col("count") > 1).limit(1).count()
        e.unpersist()
        e = nxt
        if chained == 0:
            break
    else:  # pragma: no cover - ~2 log n rounds suffice
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    o = e.select(F.greatest("a", "b").alias("node"), F.least("a", "b").alias("label"))
    centres = o.select(F.col("label").alias("node"), F.col("label")).distinct()
    return o.union(centres).distinct(), rounds
