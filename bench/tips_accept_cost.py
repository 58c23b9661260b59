"""What an accept-only tip path would cost, against today's synchronous ``tip_submit`` (issue #14).

    DATABASE_URL=postgres://... .venv/bin/python bench/tips_accept_cost.py [--n 600]

Both run in this process, without HTTP, on the same generated tips, in alternating rounds:

- *full*: DRF's ``TipSubmitSerializer`` then ``services.tip_submit`` (validate, place, route,
  link identifiers, triage, audit: what the API does before its 201 today);
- *accept*: the same serializer and ``services.validate``, triage computed in memory, then one
  transaction with the tip's INSERT and its audit row only (placement, routing and linking
  left for later).  A sketch to price the option, not a code path of Beacon: the tips it
  writes are not routed, so run it against a scratch database.

Prints this process's CPU and this connection's PostgreSQL backend CPU (``/proc``) per tip.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="tips per round")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    os.environ.setdefault("BEACON_TASKS", "immediate")
    import django

    django.setup()
    from django.db import connection, transaction

    import tips_load
    from beacon.core import audit
    from beacon.tips import services, triage
    from beacon.tips.api import TipSubmitSerializer
    from beacon.tips.extract import identifiers_in_tip
    from beacon.tips.models import Tip

    def pg_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        return tips_load._stat(pid)[1]  # type: ignore[index]

    def accept(body: dict[str, object]) -> None:
        serializer = TipSubmitSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        data = serializer.to_input()
        services.validate(data)
        found = identifiers_in_tip(narrative=data.narrative, place_text=data.place_text, subjects=data.subjects)
        result = triage.compute(danger=data.danger, minor=data.minor, indicators=data.indicators,
                                identifier_count=len(found), spam_reason="")
        with transaction.atomic():
            tip = Tip(receipt_code=services.new_receipt_code(),
                      passphrase_hash=services.passphrase_hash(services.new_passphrase()),
                      narrative=data.narrative, situation=data.situation, danger=data.danger, minor=data.minor,
                      indicators=data.indicators, county_id=data.county_fips or None, priority=result.priority,
                      computed_priority=result.priority, priority_reasons=list(result.reasons))
            tip.save(force_insert=True)
            audit.record(actor=None, action=audit.Action.CREATE, object_type="tip", object_id=tip.pk,
                         summary="Tip received")

    def full(body: dict[str, object]) -> None:
        serializer = TipSubmitSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        services.tip_submit(data=serializer.to_input())

    rng = random.Random(9)
    bodies = [tips_load.tip_body(i, rng) for i in range(args.n + 50)]
    for name, run in (("full", full), ("accept", accept), ("full", full), ("accept", accept)):
        for body in bodies[:50]:
            run(body)
        cpu, pg = time.process_time(), pg_cpu()
        for body in bodies[50:]:
            run(body)
        print(f"{name:>6}: app {(time.process_time() - cpu) / args.n * 1000:.2f} ms, "
              f"PostgreSQL {(pg_cpu() - pg) / args.n * 1000:.2f} ms of CPU per tip")
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
