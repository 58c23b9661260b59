from __future__ import annotations

import gzip
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.models import AuditEvent
from beacon.monitoring import seed
from beacon.monitoring.demo import feed
from beacon.monitoring.management.commands import ads as ads_command
from beacon.monitoring.models import Ad, IngestRun, Operation


def test_ingest_command_with_progress_bar_and_rejected_rows(db: Any, tmp_path: Path, monkeypatch: Any,
                                                            user_factory: Any) -> None:
    user = user_factory("analyst")
    path = tmp_path / "feed.jsonl.gz"
    lines = [json.dumps(r) for r in feed()] + ["{broken"]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    monkeypatch.setattr(ads_command, "PROGRESS_FROM", 5)  # draw the rich bar on this small file
    out = StringIO()
    call_command("ads", "ingest", str(path), "--user", user.username, stdout=out)
    assert f"stored {len(feed())} new" in out.getvalue() and "1 rejected" in out.getvalue()
    assert f"line {len(lines)}: invalid JSON" in out.getvalue()
    run = IngestRun.objects.get()
    assert run.submitted_by == user and run.status == IngestRun.Status.DONE
    out = StringIO()
    call_command("ads", "ingest", str(path), "--quiet", stdout=out)
    assert "stored 0 new" in out.getvalue() and f"{len(feed())} unchanged" in out.getvalue()
    assert Ad.objects.count() == len(feed())


def test_ingest_command_errors(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="input not found"):
        call_command("ads", "ingest", str(tmp_path / "missing.jsonl"), stdout=StringIO())
    (tmp_path / "x.csv").write_text("name,body\na,b\n")
    with pytest.raises(CommandError, match="no 'id' column"):
        call_command("ads", "ingest", str(tmp_path / "x.csv"), stdout=StringIO())


def test_scan_command_delegates_to_adscan_without_the_database(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in feed()) + "\n")
    call_command("ads", "scan", str(path), "--out", str(tmp_path / "out"), "--quiet", stdout=StringIO())
    clusters = [json.loads(line) for line in (tmp_path / "out" / "clusters.jsonl").read_text().splitlines()]
    assert sorted(c["size"] for c in clusters) == [3, 6, 8]


def test_seed_is_idempotent_and_fills_the_queue(mo: Any) -> None:
    assert seed.run(demo=False) == {}
    assert seed.run() == {"ads": len(feed())}
    events = AuditEvent.objects.count()
    assert seed.run() == {"ads": 0}
    assert AuditEvent.objects.count() == events and IngestRun.objects.count() == 1
    assert Operation.objects.filter(ad_count__gte=2).count() == 3
    assert all("(demo)" in t for t in Ad.objects.values_list("title", flat=True))
    phones = {p for ps in Ad.objects.values_list("phones", flat=True) for p in ps}
    assert phones and all(p[5:10] == "55501" for p in phones), phones  # fictional 555-01xx numbers only


def test_rescore_reapplies_changed_indicator_weights(ingested: Any, monkeypatch: Any) -> None:
    from dataclasses import replace

    from beacon.adscan import indicators

    flagged = [a for a in Ad.objects.all() if any(i["code"] == "AD_OBSCURED_PHONE" for i in a.indicators)]
    assert flagged, "the demo feed has obscured phones"
    before_ads = {a.pk: a.risk for a in Ad.objects.all()}
    op = Operation.objects.filter(ads__in=flagged).distinct().first()
    assert op is not None
    before_op = op.risk
    # Nothing changed yet: a rescore changes no ad.
    out = StringIO()
    call_command("ads", "rescore", "--quiet", stdout=out)
    assert f"0 of {len(before_ads)} ads changed" in out.getvalue()
    # Analysts raise the weight of an obscured phone by 3.
    old = indicators.AD_INDICATORS["AD_OBSCURED_PHONE"]
    monkeypatch.setitem(indicators.AD_INDICATORS, "AD_OBSCURED_PHONE", replace(old, weight=old.weight + 3))
    call_command("ads", "rescore", "--quiet", stdout=StringIO())
    for ad in flagged:
        ad.refresh_from_db()
        assert ad.risk == pytest.approx(before_ads[ad.pk] + 3)
        assert next(i for i in ad.indicators if i["code"] == "AD_OBSCURED_PHONE")["weight"] == old.weight + 3
    unflagged = Ad.objects.exclude(pk__in=[a.pk for a in flagged])
    assert all(a.risk == before_ads[a.pk] for a in unflagged)
    op.refresh_from_db()
    assert op.risk > before_op and not Operation.objects.filter(summary_stale=True).exists()
    assert AuditEvent.objects.filter(object_type="ad_rescore").count() == 2
