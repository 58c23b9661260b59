"""``kill -9`` at 10 points of a 100,000-ad ``beacon ads ingest DIR``, each followed by a rerun (issue 19).

The scan folder is made once (``beacon ads scan`` of ``bench.gen.synth_v1`` ads) and kept under
``var/test-cache/`` keyed by the source of the scanner and the generator, so the SQLite and the
PostgreSQL runs of ``make test`` scan it once.  The ingestion runs in child processes
(``bench/ingest_kill.py``): one uninterrupted, one killed with SIGKILL at 10 random points and rerun
after each; the digests of ``bench/ingest_state.py`` (every ad, its analysis, operation and text
group; every operation, its members and summary) must be equal.  On PostgreSQL the kills are aimed
at stages (during a COPY, during an UPDATE, between chunks, anywhere: ``bench.ingest_kill.STAGES``).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from bench.ingest import make_corpus, scan
from bench.ingest_kill import STAGES, ingest, kill_and_resume, state
from django.db import connection

from .test_bulk_ingest import _database_urls

ROOT = Path(__file__).resolve().parents[2]
ADS = 100_000
KILLS = 10
CHUNK = 2000  # services.CHUNK_SIZE, as in production


def _scan_folder() -> Path:
    """The scan folder of ``ADS`` generated ads, made once per version of the scanner and generator."""
    h = hashlib.sha256()
    for base in (ROOT / "src" / "beacon" / "adscan", ROOT / "bench" / "gen"):
        for f in sorted(base.rglob("*.py")):
            h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    work = ROOT / "var" / "test-cache" / f"ingest-kill-{h.hexdigest()[:12]}"
    folder, _ = scan(make_corpus(ADS, 7, work), work)
    return folder


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("BEACON_ARCHIVE_TESTS") != "1",
                    reason="the 100k-ad kill test runs with BEACON_ARCHIVE_TESTS=1 (about 7 minutes per database)")
@pytest.mark.django_db(transaction=True)
def test_kill_9_at_ten_points_of_a_100k_ad_ingest_then_rerun_stores_every_ad_once_with_the_same_operations(
        tmp_path: Path) -> None:
    t0 = time.perf_counter()
    folder = _scan_folder()
    t_scan = time.perf_counter() - t0
    clean_url, killed_url = _database_urls(tmp_path)
    ingest(clean_url, folder, chunk_size=CHUNK)
    clean = state(clean_url)
    assert clean["ads"] == ADS
    assert clean["operations"] > 0
    if clean_url == killed_url:  # PostgreSQL: the same database, emptied
        with connection.cursor() as cur:
            cur.execute("TRUNCATE monitoring_adband, monitoring_adkey, monitoring_adversion, monitoring_rejectedrow, "
                        "monitoring_operationdecision, monitoring_identifierlink, monitoring_ad, "
                        "monitoring_operation, monitoring_ingestrun CASCADE")
    t1 = time.perf_counter()
    events = kill_and_resume(killed_url, folder, ADS * 9 // 10, kills=KILLS, chunk_size=CHUNK, seed=19,
                             max_delay=1.0, stages=STAGES)
    kills = events[:-1]
    landed = [e for e in kills if e["killed"]]
    # (printed with -s, and in the report of a failure: where each kill landed)
    print(f"\nscan folder {t_scan:.0f} s, kills and reruns {time.perf_counter() - t1:.0f} s, "
          f"load {os.getloadavg()}: {events}")
    assert len(landed) >= KILLS - 1, events  # the kill points are below 90%: the run is still going
    assert len({e["stored_after"] for e in landed}) > 1, events  # killed at different places
    if connection.vendor == "postgresql":
        assert {"copy", "update", "between"} <= {e["stage"] for e in landed}, events
    assert events[-1]["stored_after"] == ADS
    assert state(killed_url) == clean
