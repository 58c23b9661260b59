"""Demo ads for the review queue: the fictional feed of ``demo.py`` stored through the real ingestion.

Idempotent: ingestion skips ads already stored (same site, id and content), so a second run creates nothing.
"""

from __future__ import annotations

from .demo import SITE, feed
from .models import Ad, IngestRun


def run(*, demo: bool = True) -> dict[str, int]:
    if not demo:
        return {}
    from .services import ingest_records

    records = feed()
    if Ad.objects.filter(site=SITE, external_id__in=[r["id"] for r in records]).count() == len(records):
        return {"ads": 0}
    result: IngestRun = ingest_records(records, acting_user=None, source=IngestRun.Source.SEED, filename="demo feed")
    return {"ads": result.created}
