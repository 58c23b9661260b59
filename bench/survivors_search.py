"""Directory search benchmark: 20,000 generated services, p50/p95 per query type.

    .venv/bin/python bench/survivors_search.py [--services 20000] [--runs 200]

Builds a throw-away SQLite database (or uses DATABASE_URL when given), loads the Missouri
geography, generates services spread over Missouri's places, then times each query type end
to end as a page is served: the index version check, the in-memory search and loading the
first page of 20 results from the database.  The one-off index build is reported apart.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="beacon-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from beacon.core.geo import load_geography
    from beacon.core.models import Place
    from beacon.survivors import search, selectors, taxonomy
    from beacon.survivors.models import (
        Language,
        Location,
        Organization,
        Service,
        ServiceArea,
        ServiceAtLocation,
        ServiceAttribute,
    )
    from beacon.survivors.services import bump_directory

    load_geography()
    terms = taxonomy.ensure_taxonomies()
    rng = random.Random(42)
    places = list(Place.objects.values_list("lat", "lon", "county_id"))
    needs = list(taxonomy.NEEDS)
    langs = ["en", "es", "vi", "ar", "sw", "bs"]
    orgs = [Organization(name=f"Bench org {i}", description="bench") for i in range(200)]
    Organization.objects.bulk_create(orgs)
    t0 = time.perf_counter()
    svcs, locs, sals, attrs, areas, languages = [], [], [], [], [], []
    for i in range(args.services):
        lat, lon, fips = rng.choice(places)
        s = Service(id=uuid.uuid4(), organization=rng.choice(orgs), name=f"Service {i:05d}",
                    minimum_age=rng.choice([None, None, 12, 18]), maximum_age=rng.choice([None, None, 24, 64]))
        loc = Location(id=uuid.uuid4(), organization=s.organization, latitude=lat + rng.uniform(-0.05, 0.05),
                       longitude=lon + rng.uniform(-0.05, 0.05), county_id=fips, confidential=rng.random() < 0.1)
        svcs.append(s)
        locs.append(loc)
        sals.append(ServiceAtLocation(service=s, location=loc))
        codes = set(rng.sample(needs, rng.randint(1, 3)))
        if rng.random() < 0.2:
            codes.add(taxonomy.OPEN_24_7)
        if rng.random() < 0.5:
            codes.add(taxonomy.FREE)
        if rng.random() < 0.1:
            codes.add(taxonomy.NOT_PUBLIC)
        attrs += [ServiceAttribute(service=s, taxonomy_term=terms[c]) for c in codes]
        areas.append(ServiceArea(service=s, county_id=fips, name=fips))
        languages += [Language(service=s, code=c) for c in {"en", rng.choice(langs)}]
    for model, rows in ((Service, svcs), (Location, locs), (ServiceAtLocation, sals), (ServiceAttribute, attrs),
                        (ServiceArea, areas), (Language, languages)):
        model.objects.bulk_create(rows, batch_size=2000)
    bump_directory()
    print(f"generated {args.services} services in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    search.current_index()
    print(f"index build (once per directory change): {(time.perf_counter() - t0) * 1000:.0f} ms")

    counties = sorted({p[2] for p in places})

    def point() -> tuple[float, float]:
        lat, lon, _ = rng.choice(places)
        return lat, lon

    queries = {
        "need": lambda: search.Query(need=rng.choice(needs)),
        "county": lambda: search.Query(county=rng.choice(counties)),
        "distance": lambda: search.Query(point=point()),
        "need+distance": lambda: search.Query(need=rng.choice(needs), point=point()),
        "need+county+distance": lambda: search.Query(need=rng.choice(needs), county=rng.choice(counties), point=point()),
        "language+24/7+distance": lambda: search.Query(language=rng.choice(langs), open_24_7=True, point=point()),
        "age+gender+free+distance": lambda: search.Query(age=rng.randint(10, 70), gender="women", free=True, point=point()),
    }
    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return values[max(0, int(len(values) * p) - 1)]

    print(f"{'query':28} {'p50 ms':>8} {'p95 ms':>8} {'search p95':>11} {'page p95':>9} {'avg hits':>9}")
    for make in queries.values():  # warm-up: first calls pay for imports, caches and the allocator
        for _ in range(10):
            selectors.search_rows(search.run(make())[:20], public=True)
    for name, make in queries.items():
        times, search_t, page_t, counts = [], [], [], []
        for _ in range(args.runs):
            q = make()
            t = time.perf_counter()
            hits = search.run(q)
            t1 = time.perf_counter()
            selectors.search_rows(hits[:20], public=True)
            t2 = time.perf_counter()
            times.append((t2 - t) * 1000)
            search_t.append((t1 - t) * 1000)
            page_t.append((t2 - t1) * 1000)
            counts.append(len(hits))
        print(f"{name:28} {statistics.median(times):8.1f} {pct(times, 0.95):8.1f} {pct(search_t, 0.95):11.1f} "
              f"{pct(page_t, 0.95):9.1f} {statistics.mean(counts):9.0f}")


if __name__ == "__main__":
    main()
