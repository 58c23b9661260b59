"""Records benchmark: staff search, streamed export and the retention run on a synthetic set.

    .venv/bin/python bench/records.py [--tips 20000 --cases 5000 --identifiers 50000 --runs 30]

Builds tips (routed to one task force) and cases holding phones, in one transaction; times
the identifier search (median / p95), a free-text search, the CSV export of every tip (rows per
second and the peak Python memory while streaming, which stays flat as the row count grows),
and a retention run anonymising every tip; then rolls everything back.  Runs against
DATABASE_URL (PostgreSQL is the figure that matters); needs a migrated, seeded database
(`beacon seed --no-demo` for the task forces).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tips", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--identifiers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    o = parser.parse_args()

    import django

    django.setup()
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from beacon.cases.models import Case, CaseIdentifier
    from beacon.core.models import Agency, Identifier, TaskForce, User, UserRole
    from beacon.records import exports, retention, search
    from beacon.records.models import RecordKind
    from beacon.tips.models import Tip, TipIdentifier, TipRoute

    rng = random.Random(o.seed)
    force = TaskForce.objects.filter(slug="kansas-city").first()
    if force is None:
        raise SystemExit("Run `beacon seed --no-demo` first (the task forces are needed).")
    with transaction.atomic():
        started = time.perf_counter()
        agency = Agency.objects.create(name="Records benchmark agency (temporary)", kind="law_enforcement")
        force.agencies.add(agency)
        user = User.objects.create(username="records-bench-temporary", agency=agency)
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in ("supervisor", "admin")])
        # Valid numbers in Missouri area codes; exchanges 201.. so none is a real-world reserved 555.
        areas = ("816", "314", "417", "573", "660", "636", "975", "557")
        values = [f"+1{areas[i % len(areas)]}{201 + (i // len(areas)) // 10000}{(i // len(areas)) % 10000:04d}"
                  for i in range(o.identifiers)]
        Identifier.objects.bulk_create([Identifier(kind="phone", value=v) for v in values], batch_size=5000,
                                       ignore_conflicts=True)
        idents = list(Identifier.objects.filter(kind="phone", value__in=values).values_list("pk", "value"))
        old = timezone.now() - dt.timedelta(days=400)
        Tip.objects.bulk_create([Tip(receipt_code=f"B{i:09d}", passphrase_hash="!",  # noqa: S106 - no follow-up
                                     narrative=f"bench tip {i} near the truck stop",
                                     contact="call 555-0100", county_id="29095") for i in range(o.tips)], batch_size=5000)
        tip_ids = list(Tip.objects.filter(receipt_code__startswith="B").values_list("pk", flat=True))
        Tip.objects.filter(pk__in=tip_ids).update(created_at=old)
        TipRoute.objects.bulk_create([TipRoute(tip_id=t, task_force=force) for t in tip_ids], batch_size=5000)
        TipIdentifier.objects.bulk_create([TipIdentifier(tip_id=t, identifier_id=rng.choice(idents)[0], source="text")
                                           for t in tip_ids], batch_size=5000, ignore_conflicts=True)
        Case.objects.bulk_create([Case(title=f"bench case {i}", lead_agency=agency, lead_user=user, created_by=user)
                                  for i in range(o.cases)], batch_size=5000)
        case_ids = list(Case.objects.filter(lead_agency=agency).values_list("pk", flat=True))
        CaseIdentifier.objects.bulk_create([CaseIdentifier(case_id=c, identifier_id=rng.choice(idents)[0])
                                            for c in case_ids], batch_size=5000, ignore_conflicts=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE tips_tip; ANALYZE tips_tipidentifier; ANALYZE cases_caseidentifier; "
                            "ANALYZE core_identifier; ANALYZE cases_case;")
        print(f"{connection.vendor}: built {len(tip_ids)} tips, {len(case_ids)} cases, {len(idents)} phones "
              f"in {time.perf_counter() - started:.1f} s")

        search.search(user=user, q="truck stop")  # warm up (the first reverse() builds the URL resolver)
        timings = []
        for _ in range(o.runs):
            value = rng.choice(idents)[1]
            t0 = time.perf_counter()
            found = search.search(user=user, q=value)
            assert [t.kind for t in found.terms] == ["phone"], found.terms
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"search by phone, {o.runs} runs: median {statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms")
        t0 = time.perf_counter()
        result = search.search(user=user, q="truck stop")
        print(f"search by words (capped at {search.LIMIT * 10} candidates per type): "
              f"{(time.perf_counter() - t0) * 1000:.1f} ms, {result.total} shown")

        for limit in (o.tips // 4, o.tips):
            qs = exports.tips_queryset(user, exports.Filters())
            ids = list(qs.values_list("pk", flat=True)[:limit])
            qs = qs.filter(pk__in=ids) if limit < o.tips else qs
            t0 = time.perf_counter()
            rows = sum(1 for _ in exports.csv_lines(exports.TIP_COLUMNS, exports.tip_rows(user, qs))) - 1
            elapsed = time.perf_counter() - t0
            tracemalloc.start()  # a second pass under tracemalloc (which slows Python down) for the peak
            sum(1 for _ in exports.csv_lines(exports.TIP_COLUMNS, exports.tip_rows(user, qs)))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"CSV export of {rows} tips: {rows / elapsed:,.0f} rows/s, peak Python memory {peak / 1e6:.1f} MB")

        retention.policy_set(acting_user=user, kind=RecordKind.TIPS, days=365, action="anonymise")
        t0 = time.perf_counter()
        run = retention.run_retention(kinds=[RecordKind.TIPS])
        elapsed = time.perf_counter() - t0
        n = run.counts["tips"]["anonymised"]
        print(f"retention run: anonymised {n} tips in {elapsed:.1f} s ({n / elapsed:,.0f} per s)")
        transaction.set_rollback(True)
    print("Rolled back: nothing was kept.")


if __name__ == "__main__":
    main()
