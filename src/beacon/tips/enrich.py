"""Background enrichment of the tips the lean intake accepted (issue #14).

``tips/intake.py`` stores a JSON tip as it came (``processing=True``), with its audit row, and
answers 201.  ``enrich_pending`` then does, in batches, what ``services.tip_submit`` does before
its answer: placement (``services.place``), routing (``services.route``), identifier linking
(``core.identifiers.identifier_ids``), spam and triage (``triage``), one audit row per tip, and
the P1 notification of the routed supervisors (``tasks.notify_supervisors``, queued on commit).
The same functions on the same stored input give the same result as the synchronous path
(``tests/tips/test_intake.py`` compares them field by field).

It runs as the ``tasks.enrich_tips`` task (django-tasks' database backend, ``beacon serve``'s
worker polls every 0.2 s); every run takes every tip still being processed, ``BATCH`` at a time.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from beacon.core import audit
from beacon.core.identifiers import identifier_ids
from beacon.core.models import TaskForce

from . import services, triage
from .extract import Candidate, identifiers_in_tip
from .models import Tip, TipIdentifier, TipRoute

log = logging.getLogger(__name__)

BATCH = 200
NOTIFY_PRIORITY = 50  # django-tasks priorities run from -100 to 100; 0 is the default
ENRICHED_FIELDS = ["county", "placement", "routed_at", "priority", "computed_priority", "priority_reasons",
                   "is_spam", "spam_reason", "processing", "updated_at"]


def pending_count() -> int:
    """How many accepted tips are still being processed (answered by the partial index)."""
    return Tip.objects.filter(processing=True).count()


def enrich_pending(*, batch: int = BATCH) -> int:
    """Enrich every tip still being processed, ``batch`` per transaction; returns how many.

    A batch that fails is retried one tip per transaction, so one bad tip cannot hold the
    others back; a tip that fails alone is logged and stays "being processed" (the next run
    tries it again)."""
    done = 0
    failed: set[int] = set()
    # Only the tips waiting when the run starts: those that come during it queue the next run
    # (none is waiting while this one runs), so a run stays short under a steady stream and the
    # notification task it queues is not held behind it.
    upto = Tip.objects.filter(processing=True).order_by("-id").values_list("id", flat=True).first()
    if upto is None:
        return 0
    while True:
        try:
            n = _enrich_batch(batch, exclude=failed, upto=upto)
        except Exception:  # a bad tip in the batch: one by one, so the others go through
            log.exception("tip enrichment: a batch failed; retrying its tips one by one")
            ids = list(Tip.objects.filter(processing=True, pk__lte=upto).exclude(pk__in=failed)
                       .order_by("id").values_list("pk", flat=True)[:batch])
            for tip_id in ids:
                try:
                    done += _enrich_batch(1, only=tip_id)
                except Exception:
                    log.exception("tip enrichment: tip #%s failed; left to the next run", tip_id)
                    failed.add(tip_id)
            continue  # every id is now enriched or in ``failed``: the loop ends
        done += n
        if n < batch:
            break
    # A tip that saw this run waiting but committed after it started is not in it; tips that
    # came during the run normally queued the next one, but not that one: queue it if needed.
    if Tip.objects.filter(processing=True, pk__gt=upto).exists():
        from .intake import queue_run_unless_waiting

        queue_run_unless_waiting()
    return done


@transaction.atomic
def _enrich_batch(batch: int, *, exclude: set[int] | None = None, only: int | None = None,
                  upto: int | None = None) -> int:
    qs = Tip.objects.filter(processing=True).order_by("id")
    if upto is not None:
        qs = qs.filter(pk__lte=upto)
    if only is not None:
        qs = qs.filter(pk=only)
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    if connection.features.has_select_for_update_skip_locked:  # two runs at once take different tips
        qs = qs.select_for_update(skip_locked=True)
    tips = list(qs[:batch])
    if not tips:
        return 0
    enrich(tips)
    return len(tips)


def enrich(tips: list[Tip]) -> None:
    """Place, route, link and triage ``tips`` (inside the caller's transaction): a handful of
    statements per batch, whatever its size (task forces once per county, identifiers in bulk)."""
    now = timezone.now()
    forces_of: dict[str | None, list[TaskForce]] = {}
    found: list[tuple[Tip, list[Candidate]]] = []
    events = []
    placed: dict[tuple[Any, ...], tuple[str | None, str]] = {}
    for tip in tips:
        where = (tip.county_id or "", tip.lat, tip.lon, tip.place_text)
        if where not in placed:  # the same place text once per batch (it may cost a query)
            placed[where] = services.place(county_fips=where[0], lat=tip.lat, lon=tip.lon, place_text=tip.place_text)
        fips, placement = placed[where]
        if fips not in forces_of:
            forces_of[fips] = services.route(fips)
        forces = forces_of[fips]
        candidates = identifiers_in_tip(narrative=tip.narrative, place_text=tip.place_text, subjects=tip.subjects)
        # The honeypot was read by the intake (it is not stored): a tip it marked stays spam.
        spam = tip.spam_reason if tip.is_spam else triage.spam_reason(
            honeypot="", url_count=sum(c.kind == "url" for c in candidates))
        result = triage.compute(danger=tip.danger, minor=tip.minor, indicators=tip.indicators,
                                identifier_count=len(candidates), spam_reason=spam, narrative=tip.narrative)
        tip.county_id, tip.placement, tip.routed_at = fips, placement, now
        tip.priority = tip.computed_priority = result.priority
        tip.priority_reasons = list(result.reasons)
        tip.is_spam, tip.spam_reason = bool(spam), spam[:200]
        tip.processing, tip.updated_at = False, now
        found.append((tip, candidates))
        events.append(dict(
            object_id=tip.pk,
            summary=f"Tip placed, routed and triaged: P{tip.priority}, routed to {', '.join(tf.name for tf in forces)}",
            detail={"priority": tip.priority, "county": fips, "placement": placement,
                    "task_forces": [tf.pk for tf in forces], "spam": bool(spam), "identifiers": len(candidates),
                    "photos": []},
        ))
    _update(tips)
    TipRoute.objects.bulk_create([TipRoute(tip=tip, task_force=tf) for tip in tips for tf in forces_of[tip.county_id]])
    _link(found)
    # Its own object type: the tip's "tip" event is its receipt (one per tip, as on the full path).
    audit.record_many(action=audit.Action.UPDATE, object_type="tip_enrichment", events=events)
    p1 = [tip.pk for tip in tips if tip.priority == 1 and not tip.is_spam]
    if p1:  # one task for the batch's P1 tips (the worker runs it next: within 2 s of their 201)
        from .tasks import notify_supervisors_batch

        # ahead of any waiting enrichment run (the worker takes the highest priority first)
        transaction.on_commit(lambda: notify_supervisors_batch.using(priority=NOTIFY_PRIORITY).enqueue(p1))


def _update(tips: list[Tip]) -> None:
    """One ``UPDATE`` per tip, sent together (``executemany``; a pipeline on PostgreSQL): Django's
    ``bulk_update`` builds a ``CASE`` per field and tip, about 15 ms of CPU per tip."""
    q = connection.ops.quote_name
    fields: list[Any] = [Tip._meta.get_field(name) for name in ENRICHED_FIELDS]
    sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
    rows = [[f.get_db_prep_save(getattr(tip, f.attname), connection) for f in fields] + [tip.pk] for tip in tips]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {q(Tip._meta.db_table)} SET {sets} WHERE {q('id')} = %s", rows)  # noqa: S608


def _link(found: list[tuple[Tip, list[Candidate]]]) -> list[TipIdentifier]:
    """``services.link_identifiers`` for a whole batch: one look-up (and insert of the missing) for
    every identifier of every tip, then one insert of the links."""
    pairs: dict[tuple[str, str], None] = {(c.kind, c.value): None for _, cs in found for c in cs}
    if not pairs:
        return []
    ids = identifier_ids(pairs)
    links: list[Any] = []
    for tip, candidates in found:
        links.extend(TipIdentifier(tip=tip, identifier_id=ids[(c.kind, c.value)], source=c.source, raw=c.raw[:300])
                     for c in candidates)
    return TipIdentifier.objects.bulk_create(links)
