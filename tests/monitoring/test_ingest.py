from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.adscan.scan import scan_records
from beacon.core.models import AuditEvent, Identifier
from beacon.monitoring import services
from beacon.monitoring.demo import feed
from beacon.monitoring.models import Ad, AdBand, AdKey, AdVersion, IngestRun, Operation, RejectedRow

from .conftest import write_jsonl


def partition() -> set[frozenset[str]]:
    """Operations as sets of ad ids (ignoring singletons)."""
    groups: dict[int, set[str]] = {}
    for ext, op in Ad.objects.values_list("external_id", "operation_id"):
        groups.setdefault(op, set()).add(ext)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def test_ingest_stores_ads_and_operations(ingested: IngestRun) -> None:
    run = ingested
    assert run.status == IngestRun.Status.DONE
    assert (run.created, run.updated, run.unchanged, run.rejected) == (len(feed()), 0, 0, 0)
    assert Ad.objects.count() == len(feed())
    assert Ad.objects.filter(operation__isnull=True).count() == 0
    groups = partition()
    assert frozenset(f"demo-i70-{i:02d}" for i in range(1, 9)) in groups
    assert frozenset(f"demo-i44-{i:02d}" for i in range(1, 7)) in groups
    assert frozenset(f"demo-spa-{i:02d}" for i in range(1, 4)) in groups
    assert len(groups) == 3
    i70 = Operation.objects.get(ads__external_id="demo-i70-01")
    assert i70.ad_count == 8 and i70.status == Operation.Status.NEW
    assert {"+18165550101", "+18165550102", "+18165550103"} <= set(i70.phones)
    assert [c["city"] for c in i70.movement][:2] == ["Kansas City", "Independence"]
    assert "OP_RAPID_MOVEMENT" in {r["code"] for r in i70.reasons}
    assert i70.risk > Operation.objects.get(ads__external_id="demo-spa-01").risk
    # the same partition as the batch scan of adscan
    batch = {frozenset(o.ad_ids) for o in scan_records(feed()).operations}
    assert batch == groups
    # clustering state is kept and phones point at the shared identifiers
    assert AdBand.objects.filter(ad__external_id="demo-i70-01").count() == 16
    phone = Identifier.objects.get(kind="phone", value="+18165550102")
    assert AdKey.objects.filter(identifier=phone).count() >= 2
    assert AuditEvent.objects.filter(object_type="ad_ingest_run", object_id=str(run.pk)).exists()


def test_reingesting_adds_nothing(ingested: IngestRun, demo_file: Path) -> None:
    before = (Ad.objects.count(), Operation.objects.count(), AdKey.objects.count(), AdBand.objects.count(), partition())
    again = services.ingest_file(demo_file, acting_user=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(feed()))
    assert (Ad.objects.count(), Operation.objects.count(), AdKey.objects.count(), AdBand.objects.count(),
            partition()) == before


def test_changed_ad_is_a_new_version(ingested: IngestRun, tmp_path: Path) -> None:
    records = feed()
    records[0]["body"] += " Now also in Sedalia."
    run = services.ingest_file(write_jsonl(tmp_path / "v2.jsonl", records), acting_user=None)
    assert (run.created, run.updated, run.unchanged) == (0, 1, len(records) - 1)
    ad = Ad.objects.get(external_id="demo-i70-01")
    assert ad.version == 2 and ad.body.endswith("Sedalia.")
    old = AdVersion.objects.get(ad=ad)
    assert old.version == 1 and not old.content["body"].endswith("Sedalia.")
    assert Ad.objects.count() == len(records)
    assert ad.operation.ads.count() == 8  # still in its operation


def test_rejected_rows_are_set_aside_with_line_and_reason(db: Any, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", feed()[:5], extra_lines=["{not json", json.dumps({"title": "no id"})])
    run = services.ingest_file(path, acting_user=None)
    assert run.created == 5 and run.rejected == 2
    rows = list(RejectedRow.objects.filter(run=run).order_by("line"))
    assert [r.line for r in rows] == [4, 5]
    assert "invalid JSON" in rows[0].reason and "id" in rows[1].reason
    assert Ad.objects.count() == 5


def test_csv_input(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text("id,site,title,body,city,phone\n"
                    "c1,example.com,Hello (demo),Call me at 816-555-0199 any time,Kansas City,\n"
                    "c2,example.com,too,many,fields,here,x\n", encoding="utf-8")
    run = services.ingest_file(path, acting_user=None)
    assert run.created == 1 and run.rejected == 1
    assert Ad.objects.get(external_id="c1").phones == ["+18165550199"]


def test_crash_midway_then_rerun_finishes_without_duplicates(db: Any, demo_file: Path, monkeypatch: Any) -> None:
    real = services.store_chunk
    calls = {"n": 0}

    def crashing(*args: Any, **kwargs: Any) -> dict[str, int]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "store_chunk", crashing)
    with pytest.raises(KeyboardInterrupt):
        services.ingest_file(demo_file, acting_user=None, chunk_size=5)
    assert Ad.objects.count() == 10  # two whole chunks, nothing of the third
    failed = IngestRun.objects.get()
    assert failed.status == IngestRun.Status.FAILED and "killed" in failed.error
    assert Operation.objects.filter(summary_stale=True).exists()  # summaries are refreshed by the next run
    monkeypatch.setattr(services, "store_chunk", real)
    rerun = services.ingest_file(demo_file, acting_user=None, chunk_size=5)
    assert (rerun.created, rerun.unchanged) == (len(feed()) - 10, 10)
    assert Ad.objects.count() == len(feed())
    assert partition() == {frozenset(o.ad_ids) for o in scan_records(feed()).operations}
    assert not Operation.objects.filter(summary_stale=True).exists()
    assert Operation.objects.get(ads__external_id="demo-i70-01").ad_count == 8


def test_incremental_join_and_merge(db: Any) -> None:
    records = feed()
    i70 = [r for r in records if r["id"].startswith("demo-i70")]
    # first half of the I-70 ads with phone 0101 only; second half with the other phones
    services.ingest_records(i70[:1], acting_user=None)
    first_op = Ad.objects.get(external_id="demo-i70-01").operation
    scans_before = AdBand.objects.count()
    run = services.ingest_records(i70[1:], acting_user=None)
    assert run.created == 7
    assert Ad.objects.filter(operation=first_op).count() == 8  # joined the existing operation
    assert AdBand.objects.count() == scans_before + 7 * 16  # only the new ads were analysed


def test_two_operations_merge_when_an_ad_links_them(db: Any) -> None:
    base = {"site": "example.com", "title": "(demo)", "posted_at": "2026-03-01T10:00:00+00:00"}
    services.ingest_records([{**base, "id": "a", "body": "quiet studio rental by the hour call 816-555-0171"},
                             {**base, "id": "b", "body": "used bicycle for sale, good tires, call 816-555-0172"}],
                            acting_user=None)
    a, b = Ad.objects.get(external_id="a"), Ad.objects.get(external_id="b")
    assert a.operation_id != b.operation_id
    services.ingest_records([{**base, "id": "c", "body": "two numbers 816-555-0171 or 816-555-0172"}], acting_user=None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.operation_id == b.operation_id == min(a.operation_id, b.operation_id)
    merged = Operation.objects.get(status=Operation.Status.MERGED)
    assert merged.merged_into_id == a.operation_id
    assert Operation.objects.get(pk=a.operation_id).ad_count == 3
    assert AuditEvent.objects.filter(object_type="operation", summary__contains="merged in").exists()


def test_hotline_never_links(db: Any) -> None:
    base = {"site": "example.com", "title": "(demo)"}
    services.ingest_records([{**base, "id": "h1", "body": "blue sofa for sale, hotline 1-888-373-7888"},
                             {**base, "id": "h2", "body": "piano lessons downtown, hotline 1-888-373-7888"}],
                            acting_user=None)
    assert Ad.objects.values("operation").distinct().count() == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(list(range(12))), split=st.integers(min_value=1, max_value=11))
def test_any_arrival_order_gives_the_batch_partition(db: Any, order: list[int], split: int) -> None:
    """Ingesting in two runs, in any order, yields the same operations as one batch scan."""
    Ad.objects.all().delete()
    Operation.objects.all().delete()
    records = [r for r in feed() if not r["id"].startswith("demo-misc")][:12]
    shuffled = [records[i] for i in order]
    services.ingest_records(shuffled[:split], acting_user=None, chunk_size=4)
    services.ingest_records(shuffled, acting_user=None, chunk_size=4)
    assert Ad.objects.count() == 12
    live = Operation.objects.exclude(status=Operation.Status.MERGED)
    assert sum(o.ad_count for o in live) == 12
    assert partition() == {frozenset(o.ad_ids) for o in scan_records(records).operations}
