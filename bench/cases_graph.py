"""Link-graph benchmark: builds 20,000 cases and 100,000 identifiers in one transaction, times
2-hop graphs from random cases, prints p50/p95, then rolls everything back.

    .venv/bin/python bench/cases_graph.py [--cases N --identifiers N --hops 2 --runs 30]

Runs against DATABASE_URL (PostgreSQL is the figure that matters); needs a migrated database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("cases_bench", *sys.argv[1:])


if __name__ == "__main__":
    main()
