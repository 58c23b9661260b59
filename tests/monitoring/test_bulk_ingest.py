"""The bulk ingestion path: scan folders, set-based storage, cost independent of the store, kill -9."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from bench.gen.synth_v1 import generate
from bench.ingest_kill import ingest, kill_and_resume, state
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.adscan import scan_to_dir
from beacon.adscan.cluster import MemoryStore, decide_all
from beacon.adscan.handoff import STORE_NAME
from beacon.core.models import AuditEvent
from beacon.monitoring import clustering, services, storage
from beacon.monitoring.models import Ad, AdBand, AdKey, IngestRun, Operation


def corpus(path: Path, n: int, seed: int, prefix: str = "", bad_lines: int = 0) -> Path:
    lines = []
    for r in generate(n, seed=seed).records:
        r["id"] = f"{prefix}{r['id']}"
        lines.append(json.dumps(r))
    lines[5:5] = ["{not json"] * bad_lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Ads and operations without database ids (operations by key, text groups by the oldest ad's id)."""
    ext = dict(Ad.objects.values_list("pk", "external_id"))
    keys = dict(Operation.objects.values_list("pk", "key"))
    ads = sorted((a.external_id, a.content_hash, a.risk, json.dumps(a.indicators), a.phones, a.place_name,
                  bytes(a.signature or b""), keys.get(a.operation_id), ext.get(a.text_group),
                  sorted(AdBand.objects.filter(ad=a).values_list("band", "key")),
                  sorted(AdKey.objects.filter(ad=a).values_list("key", "identifier_id")))
                 for a in Ad.objects.all())
    ops = sorted((o.key, o.status, keys.get(o.merged_into_id), o.ad_count, o.risk, o.phones, o.template)
                 for o in Operation.objects.all())
    return ads, ops


@pytest.mark.django_db
def test_scan_folder_is_stored_like_the_file_without_analysing_again(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    src = corpus(tmp_path / "feed.jsonl", 300, seed=3, bad_lines=2)
    scan_to_dir(src, tmp_path / "scan", store=True)
    from_file = services.ingest_file(src, acting_user=None, chunk_size=70)
    assert (from_file.created, from_file.rejected) == (300, 2)
    expected = snapshot()
    Ad.objects.all().delete()
    Operation.objects.all().delete()

    def no_analysis(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a scan folder's ads must not be analysed again")

    monkeypatch.setattr("beacon.monitoring.analysis.analyse_ad", no_analysis)
    run = services.ingest_file(tmp_path / "scan", acting_user=None, chunk_size=70)
    assert (run.status, run.created, run.rejected, run.received) == (IngestRun.Status.DONE, 300, 2, 302)
    assert snapshot() == expected
    assert run.rejected_rows.count() == 2
    # the run's audit rows: started, one per chunk (5 of 70 records), finished
    events = AuditEvent.objects.filter(object_type="ad_ingest_run", object_id=str(run.pk))
    assert events.count() == 1 + 5 + 1


@pytest.mark.django_db
def test_scan_folder_without_store_file_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    src = corpus(tmp_path / "feed.jsonl", 20, seed=4)
    scan_to_dir(src, tmp_path / "scan")  # the Django-free scan writes store.jsonl only when asked
    with pytest.raises(services.IngestError, match="beacon ads scan"):
        services.ingest_file(tmp_path / "scan", acting_user=None)
    assert not IngestRun.objects.exists()
    (tmp_path / "scan" / STORE_NAME).write_text('{"ad": 1}\n', encoding="utf-8")
    with pytest.raises(services.IngestError, match="line 1: not a store record"):
        services.ingest_file(tmp_path / "scan", acting_user=None)
    assert not Ad.objects.exists()


@pytest.mark.django_db
def test_platform_scan_command_writes_the_store_file(tmp_path: Path) -> None:
    src = corpus(tmp_path / "feed.jsonl", 30, seed=5)
    call_command("ads", "scan", str(src), "--out", str(tmp_path / "out"), "--quiet")
    assert sum(1 for _ in (tmp_path / "out" / STORE_NAME).open()) == 30


@pytest.mark.django_db
def test_statements_per_chunk_do_not_grow_with_the_store(tmp_path: Path) -> None:
    """The same 200-ad chunk costs no more statements with 1,000 ads stored before it than with 200."""
    batch = corpus(tmp_path / "batch.jsonl", 200, seed=9, prefix="b")
    counts = []
    for stored in (200, 1000):
        Ad.objects.all().delete()
        Operation.objects.all().delete()
        services.ingest_file(corpus(tmp_path / f"s{stored}.jsonl", stored, seed=8, prefix="s"), acting_user=None)
        with CaptureQueriesContext(connection) as ctx:
            services.ingest_file(batch, acting_user=None, chunk_size=200)
        counts.append(len(ctx.captured_queries))
    # (equal but for the insert of identifiers first seen: with the larger store, all were known)
    assert counts[1] <= counts[0]
    assert counts[0] < 60  # a handful per chunk, not one per ad


@pytest.mark.django_db
def test_linking_rule_reads_the_database_in_a_few_statements_and_decides_as_in_memory(tmp_path: Path) -> None:
    """``DbStore`` (the rule over the database) gives the decisions of adscan's ``MemoryStore`` on the
    same ads, keys and text groups, and reads all of them in a handful of statements (it read the
    carriers of each identifier one query at a time)."""
    services.ingest_file(corpus(tmp_path / "feed.jsonl", 400, seed=4), acting_user=None)
    params = clustering.params_now()
    index: dict[int, int] = {}
    memory = MemoryStore()
    keys_of: dict[int, list[str]] = {}
    for ad_id, key in AdKey.objects.order_by("ad_id", "id").values_list("ad_id", "key"):
        keys_of.setdefault(ad_id, []).append(key)
    for pk, tg in Ad.objects.order_by("pk").values_list("pk", "text_group"):
        index[pk] = memory.add([k for k in keys_of.get(pk, []) if k not in params.stop_identifiers], tg or pk)
    keys = sorted(k for k, ads in memory.ident_ads.items() if len(ads) >= 2)
    assert len(keys) > 50
    expected = decide_all(keys, memory, params)
    assert any(not d.link for d in expected.values())  # the corpus has shared keys: the rule reads 2 hops
    store = clustering.DbStore(stop=params.stop_identifiers)
    with CaptureQueriesContext(connection) as ctx:
        store.prefetch_around(keys)  # as ``assign`` does for a chunk's keys
        got = decide_all(keys, store, params)
    assert got == expected
    assert len(ctx.captured_queries) <= 6, [q["sql"][:80] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_bucket_lookup_returns_only_the_most_recent_ads_of_a_bucket() -> None:
    run = IngestRun.objects.create(source=IngestRun.Source.CLI)
    ads = Ad.objects.bulk_create([Ad(site="s", external_id=str(i), content_hash="h", first_run=run) for i in range(9)])
    AdBand.objects.bulk_create([AdBand(ad=a, band=3, key=77) for a in ads] + [AdBand(ad=ads[0], band=4, key=77)])
    got = storage.bucket_members([(3, 77), (4, 77), (5, 1)], cap=4)
    assert got == {(3, 77): sorted((a.pk for a in ads), reverse=True)[:4], (4, 77): [ads[0].pk]}


@pytest.mark.django_db
def test_update_from_sets_each_row_its_own_values() -> None:
    ops = Operation.objects.bulk_create([Operation(key=f"k{i}") for i in range(3)])
    storage.update_from(Operation._meta.db_table, "id", ["risk", "phones"],
                        [(ops[0].pk, 2, storage.jsonb(["+1"])), (ops[2].pk, 3.5, storage.jsonb([]))], ["bigint", "double precision", "jsonb"])
    got = {o.key: (o.risk, o.phones) for o in Operation.objects.all()}
    assert got == {"k0": (2.0, ["+1"]), "k1": (0.0, []), "k2": (3.5, [])}


def _database_urls(tmp_path: Path) -> tuple[str, str]:
    """Two databases the child processes can write to, migrated: copies of the (in-memory) test
    database on SQLite; the test database itself, twice, on PostgreSQL (emptied in between)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        first = tmp_path / "a.sqlite3"
        import sqlite3

        target = sqlite3.connect(first)
        connection.connection.backup(target)
        target.close()
        shutil.copyfile(first, tmp_path / "b.sqlite3")
        return f"sqlite:///{first}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return url, url


@pytest.mark.django_db(transaction=True)
def test_kill_9_at_random_points_then_rerun_stores_every_ad_once_with_the_same_operations(tmp_path: Path) -> None:
    """``beacon ads ingest`` in a child process killed with SIGKILL at random points (3 here; 10 on
    100,000 ads in bench/ingest_kill.py), rerun each time: same ads and operations as one clean run."""
    src = corpus(tmp_path / "feed.jsonl", 1000, seed=12, bad_lines=2)
    clean_url, killed_url = _database_urls(tmp_path)
    ingest(clean_url, src, chunk_size=100)
    clean = state(clean_url)
    assert clean["ads"] == 1000
    if clean_url == killed_url:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE monitoring_adband, monitoring_adkey, monitoring_rejectedrow, monitoring_ad, "
                        "monitoring_operation, monitoring_ingestrun CASCADE")
    # kill points among the first 600 ads stored, each at most 0.1 s after that point: on a fast
    # machine too, the kills land while the run still has chunks to store
    events = kill_and_resume(killed_url, src, 600, kills=3, chunk_size=100, seed=20, max_delay=0.1)
    assert any(e.get("killed") for e in events), events  # at least one kill landed while it ran
    assert events[-1]["stored_after"] == 1000
    assert state(killed_url) == clean


@pytest.mark.django_db
def test_an_operation_left_without_ads_has_an_empty_summary_whenever_it_was_last_summarised(
        tmp_path: Path) -> None:
    """Found by the kill test: an operation summarised before it was merged kept its old risk and
    cities (one summarised only after the merge had none), so a resumed run differed."""
    from beacon.monitoring import clustering

    services.ingest_file(corpus(tmp_path / "feed.jsonl", 60, seed=2), acting_user=None)
    op = Operation.objects.filter(ad_count__gt=0).order_by("-risk").first()
    assert op is not None and op.risk > 0 and op.phones
    other = Operation.objects.create(key="other")
    Ad.objects.filter(operation=op).update(operation=other)
    clustering.summarise([op.pk, other.pk])
    op.refresh_from_db()
    other.refresh_from_db()
    assert (op.ad_count, op.risk, op.phones, op.cities, op.kinds, op.template, op.first_seen) == (0, 0, [], [], [], "",
                                                                                                   None)
    assert other.ad_count > 0 and other.risk > 0
