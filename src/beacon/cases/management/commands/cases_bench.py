"""Benchmark the link graph: ``beacon cases_bench [--cases 20000 --identifiers 100000 --runs 30]``.

Builds a synthetic network inside one transaction, times ``link_graph`` (2 hops by default)
from random cases, prints median / p95 / max and the neighbourhood sizes, then rolls
everything back, so it leaves the database as it found it.

Network: every case holds 4 identifiers drawn uniformly from the whole pool and 1 from a
"shared" tenth of it, so identifiers are shared by one or a few cases, as phones, e-mails
and plates are in practice.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from beacon.cases.graph import link_graph
from beacon.cases.models import Case, CaseIdentifier
from beacon.core.models import Agency, Identifier, User


class Command(BaseCommand):
    help = "Time the 2-hop link graph on a synthetic network (rolled back afterwards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=20_000)
        parser.add_argument("--identifiers", type=int, default=100_000)
        parser.add_argument("--per-case", type=int, default=5)
        parser.add_argument("--hops", type=int, default=2)
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **o: Any) -> None:
        rng = random.Random(o["seed"])
        with transaction.atomic():
            started = time.perf_counter()
            agency = Agency.objects.create(name="Benchmark agency (temporary)", kind="law_enforcement")
            user = User.objects.create(username="cases-bench-temporary", agency=agency)
            from beacon.core.models import UserRole

            UserRole.objects.create(user=user, role="investigator")
            Identifier.objects.bulk_create(
                [Identifier(kind="phone", value=f"+1999{i:08d}") for i in range(o["identifiers"])], batch_size=5000)
            ident_ids = list(Identifier.objects.filter(value__startswith="+1999").values_list("pk", flat=True))
            shared = ident_ids[: max(1, len(ident_ids) // 10)]
            Case.objects.bulk_create(
                [Case(title=f"bench {i}", lead_agency=agency, lead_user=user, created_by=user)
                 for i in range(o["cases"])], batch_size=5000)
            case_ids = list(Case.objects.filter(lead_agency=agency).values_list("pk", flat=True))
            links = []
            for case_id in case_ids:
                chosen = set(rng.sample(ident_ids, o["per_case"] - 1)) | {rng.choice(shared)}
                links += [CaseIdentifier(case_id=case_id, identifier_id=i) for i in chosen]
            CaseIdentifier.objects.bulk_create(links, batch_size=5000)
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("ANALYZE cases_caseidentifier; ANALYZE cases_case; ANALYZE core_identifier;")
            self.stdout.write(f"{connection.vendor}: built {len(case_ids)} cases, {len(ident_ids)} identifiers, "
                              f"{len(links)} case identifiers in {time.perf_counter() - started:.1f} s")
            timings, sizes = [], []
            link_graph(user, "case", str(case_ids[0]), hops=o["hops"])  # warm up
            for _ in range(o["runs"]):
                start_id = rng.choice(case_ids)
                t0 = time.perf_counter()
                g = link_graph(user, "case", str(start_id), hops=o["hops"], max_nodes=1000)
                timings.append((time.perf_counter() - t0) * 1000)
                sizes.append(len(g.nodes))
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
            self.stdout.write(
                f"link_graph {o['hops']} hops over {o['runs']} random starts: median {statistics.median(timings):.1f} ms, "
                f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; nodes median {statistics.median(sizes):.0f}, "
                f"max {max(sizes)}")
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: nothing was kept.")
