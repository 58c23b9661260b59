"""Writes of the monitoring area: ingestion (idempotent, resumable), decisions on operations.

Ingestion commits in chunks: each chunk (its ads, versions, clustering state, operation
changes, the run's counters and an audit event) is one transaction.  A run killed midway
leaves whole chunks only; running the same input again skips what is stored (same
(site, id) and content hash) and finishes the rest, so nothing is duplicated or lost.
"""

from __future__ import annotations

import gzip
import io
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.adscan import Ad as ScanAd
from beacon.adscan import InputError, Rejected, iter_file
from beacon.adscan.handoff import STORE_NAME, Stored, iter_scan_dir, store_files

# Not re-exported by beacon.adscan: image hashing of file paths and validation of in-memory records.
from beacon.adscan.records import check_kind, iter_records
from beacon.adscan.scan import file_image_hasher
from beacon.core import audit
from beacon.core.identifiers import identifier_ids

from . import clustering, storage
from .analysis import (
    IDENTIFIER_KINDS,
    Clustering,
    analyse_content,
    apply_analysis,
    clusterings,
    content_hash,
    content_of,
    set_content,
)
from .models import Ad, AdBand, AdKey, AdVersion, IngestRun, Operation, OperationDecision, RejectedRow

CHUNK_SIZE = 2000  # records per transaction (measured: docs/benchmarks.md, ingestion)
SUMMARY_EVERY = 10  # chunks between summary refreshes (an operation growing over many chunks is summarised once)
INLINE_LIMIT = 200  # API batches above this many records are stored by a background task
UPLOAD_MAX_BYTES = 64 * 1024 * 1024  # an uploaded file, and its text once gunzipped
Item = ScanAd | Stored | Rejected  # Stored: an ad of a scan folder, analysed by the scan
Progress = Callable[[int], None]


class IngestError(Exception):
    """The input cannot be read at all (missing file, CSV without an ``id`` column)."""


# --- Runs ---------------------------------------------------------------------------------
@transaction.atomic
def run_create(*, source: str, acting_user: Any, filename: str = "", payload: dict[str, Any] | None = None,
               queued: bool = False) -> IngestRun:
    run = IngestRun.objects.create(
        source=source, filename=filename[:300], payload=payload,
        submitted_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        status=IngestRun.Status.QUEUED if queued else IngestRun.Status.RUNNING,
    )
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="ad_ingest_run", object_id=run.pk,
                 summary=f"ad ingestion started ({source}{': ' + filename if filename else ''})")
    return run


def _chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def ingest_items(run: IngestRun, items: Iterable[Item], *, acting_user: Any, chunk_size: int = CHUNK_SIZE,
                 progress: Progress | None = None) -> IngestRun:
    """Store validated ads and rejected rows in chunks; marks the run done (or failed and re-raises)."""
    if run.status != IngestRun.Status.RUNNING:
        IngestRun.objects.filter(pk=run.pk).update(status=IngestRun.Status.RUNNING)
        run.status = IngestRun.Status.RUNNING
    done = 0
    try:
        refresh_summaries()  # left stale by an interrupted run
        for n, chunk in enumerate(_chunked(items, chunk_size), start=1):
            store_chunk(run, chunk, acting_user=acting_user)
            done += len(chunk)
            if n % SUMMARY_EVERY == 0:
                refresh_summaries()
            if progress is not None:
                progress(done)
        refresh_summaries()
    except BaseException as exc:
        _finish(run, acting_user=acting_user, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    return _finish(run, acting_user=acting_user)


@transaction.atomic
def _finish(run: IngestRun, *, acting_user: Any, error: str = "") -> IngestRun:
    run.refresh_from_db()
    run.status = IngestRun.Status.FAILED if error else IngestRun.Status.DONE
    run.error = error
    run.payload = None
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "payload", "finished_at"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="ad_ingest_run", object_id=run.pk,
                 summary=f"ad ingestion {run.status}: {run.created} new, {run.updated} updated, "
                         f"{run.unchanged} unchanged, {run.rejected} rejected",
                 detail={"error": error} if error else None)
    return run


@transaction.atomic
def refresh_summaries() -> int:
    """Recompute the summaries (risk, reasons, movement, template) of operations that received ads."""
    ids = list(Operation.objects.filter(summary_stale=True).values_list("pk", flat=True))
    clustering.summarise(ids)
    Operation.objects.filter(pk__in=ids).update(summary_stale=False)
    return len(ids)


def rescore(*, acting_user: Any = None, chunk_size: int = 1000,
            progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Re-weigh every stored ad's indicators with the current catalogue (``adscan.indicators``),
    recompute its risk, then every operation's summary and risk.

    For when the indicator weights change: the stored evidence is kept, only the weights and
    the sums move (a code no longer in the catalogue is dropped). Each chunk is its own
    transaction, so a long run can be interrupted and simply run again.
    """
    from beacon.adscan.indicators import AD_INDICATORS, ad_risk

    changed = seen = 0
    last = 0
    while True:
        with transaction.atomic():
            rows = list(Ad.objects.filter(pk__gt=last).order_by("pk").only("pk", "indicators", "risk")[:chunk_size])
            if not rows:
                break
            dirty: list[Ad] = []
            for row in rows:
                kept = [{**i, "weight": AD_INDICATORS[i["code"]].weight}
                        for i in row.indicators or [] if i.get("code") in AD_INDICATORS]
                risk = ad_risk(i["weight"] for i in kept)
                if kept != row.indicators or risk != row.risk:
                    row.indicators, row.risk = kept, risk
                    dirty.append(row)
            Ad.objects.bulk_update(dirty, ["indicators", "risk"], batch_size=500)
            changed += len(dirty)
            seen += len(rows)
            last = rows[-1].pk
        if progress is not None:
            progress(seen)
    Operation.objects.update(summary_stale=True)
    operations = refresh_summaries()
    result = {"ads": seen, "ads_changed": changed, "operations": operations}
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="ad_rescore", summary=(
        f"indicator weights re-applied: {changed} of {seen} ads changed, {operations} operations re-summarised"),
        detail=result)
    return result


def _identifiers(keys: Iterable[str]) -> dict[str, int]:
    """core.Identifier id for every phone / e-mail / handle linking key (shared rows, created on first sight)."""
    wanted: dict[tuple[str, str], str] = {}
    for key in keys:
        prefix, _, value = key.partition(":")
        kind = IDENTIFIER_KINDS.get(prefix)
        if kind and value and len(value) <= 300:
            wanted[(kind, value.lower() if kind != "phone" else value)] = key
    ids = identifier_ids(wanted)
    return {key: ids[pair] for pair, key in wanted.items() if pair in ids}


def _column_writers() -> list[tuple[str, Callable[[Any], Any]]]:
    """(column, value -> database value) for every stored column of ``Ad`` but its id."""
    from django.db import connection, models

    out: list[tuple[str, Callable[[Any], Any]]] = []
    for f in Ad._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, models.JSONField):
            out.append((f.column, storage.jsonb))
        elif isinstance(f, models.DateTimeField):
            out.append((f.column, connection.ops.adapt_datetimefield_value))
        else:
            out.append((f.column, lambda v: v))
    return out


def _insert_ads(rows: list[Ad]) -> dict[tuple[str, str], int]:
    """Insert new ads in one set-based statement; (site, id) -> pk of those inserted (an ad stored
    meanwhile by a concurrent run is skipped)."""
    now = timezone.now()
    writers = _column_writers()
    values = []
    for row in rows:
        row.created_at = row.updated_at = now
        values.append(tuple(write(getattr(row, attname)) for (_col, write), attname in
                            zip(writers, _AD_ATTNAMES, strict=True)))
    got = storage.insert_new(Ad._meta.db_table, [c for c, _ in writers], values, conflict=["site", "external_id"],
                             returning=["id", "site", "external_id"])
    return {(site, ext): pk for pk, site, ext in got}


_AD_ATTNAMES = [f.attname for f in Ad._meta.concrete_fields if not f.primary_key]


def _clusterings(rows: list[Ad], sources: list[Stored | None]) -> list[Clustering]:
    """Each row's analysis and clustering state, in order: the scan's analysis for ads of a scan
    folder, adscan's analysis now for the others; the signatures of all in one batch."""
    made = iter(analyse_content([r for r, src in zip(rows, sources, strict=True) if src is None]))
    words: list[bytes] = []
    keys: list[list[str]] = []
    for row, src in zip(rows, sources, strict=True):
        if src is None:
            w, k = next(made)
        else:
            apply_analysis(row, src.analysed)
            w, k = src.words, list(src.analysed.identifiers)
        words.append(w)
        keys.append(k)
    return clusterings(rows, words, keys)


@transaction.atomic
def store_chunk(run: IngestRun, items: Sequence[Item], *, acting_user: Any) -> dict[str, int]:
    """Store one chunk in one transaction, set-based; returns its counts.

    Statements per chunk do not depend on its size beyond the batching of ``storage`` (thousands
    of rows each), nor on the number of ads already stored: a look-up of the chunk's keys on the
    ``(site, external_id)`` unique index, one insert of the new ads, one COPY of their band keys
    and one of their linking keys, ``clustering.assign`` (bounded look-ups) and one audit row.
    """
    counts = {"received": len(items), "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    rejected = [i for i in items if isinstance(i, Rejected)]
    ads = [i.analysed.ad if isinstance(i, Stored) else i for i in items if not isinstance(i, Rejected)]
    prepared = {id(i.analysed.ad): i for i in items if isinstance(i, Stored)}
    RejectedRow.objects.bulk_create([RejectedRow(run=run, line=r.line, reason=r.reason[:300], raw=r.raw[:2000])
                                     for r in rejected])
    counts["rejected"] = len(rejected)
    stored: dict[tuple[str, str], tuple[int, str]] = {}
    sites = sorted({a.site[:200] for a in ads})
    ids = sorted({a.id[:200] for a in ads})
    for i in range(0, len(ids), 900):  # site IN (..) AND external_id IN (..): answered by the unique index
        for pk, site, ext, digest in Ad.objects.filter(site__in=sites, external_id__in=ids[i : i + 900]).values_list(
                "pk", "site", "external_id", "content_hash"):
            stored[(site, ext)] = (pk, digest)
    new_rows: list[Ad] = []
    to_change: dict[int, tuple[ScanAd, str]] = {}
    seen: set[tuple[str, str]] = set()
    sources: list[Stored | None] = []
    for ad in ads:
        key = (ad.site[:200], ad.id[:200])
        if key in seen:
            counts["unchanged"] += 1
            continue
        seen.add(key)
        digest = content_hash(ad)
        found = stored.get(key)
        if found is not None and found[1] == digest:
            counts["unchanged"] += 1
        elif found is None:
            row = Ad(site=key[0], external_id=key[1], content_hash=digest, first_run=run, last_run=run)
            set_content(row, ad)
            new_rows.append(row)
            sources.append(prepared.get(id(ad)))
        else:
            to_change[found[0]] = (ad, digest)
    fresh = list(zip(new_rows, _clusterings(new_rows, sources), strict=True))
    if fresh:
        inserted = _insert_ads([r for r, _ in fresh])
        kept = []
        for row, c in fresh:
            new_pk = inserted.get((row.site, row.external_id))
            if new_pk is None:  # stored meanwhile by a concurrent run: that run links it
                counts["unchanged"] += 1
                continue
            row.pk, row._state.adding = new_pk, False
            kept.append((row, c))
        counts["created"] = len(kept)
        fresh = kept
    versions: list[AdVersion] = []
    changing = list(Ad.objects.filter(pk__in=list(to_change)).order_by("pk")) if to_change else []
    for row in changing:
        ad, digest = to_change[row.pk]
        versions.append(AdVersion(ad=row, version=row.version, content_hash=row.content_hash,
                                  content=content_of(row), replaced_by_run=run))
        set_content(row, ad)
        row.content_hash, row.version, row.last_run = digest, row.version + 1, run
    changed = list(zip(changing, _clusterings(changing, [prepared.get(id(to_change[r.pk][0])) for r in changing]),
                       strict=True))
    AdVersion.objects.bulk_create(versions)
    for row, _c in changed:
        row.save()
    counts["updated"] = len(changed)
    work = fresh + changed
    if changed:
        AdBand.objects.filter(ad__in=[r for r, _ in changed]).delete()
        AdKey.objects.filter(ad__in=[r for r, _ in changed]).delete()
    identifier_ids = _identifiers(k for _, c in work for k in c.keys)
    storage.copy_rows(AdBand._meta.db_table, ["ad_id", "band", "key"],
                      [(row.pk, b, k) for row, c in work for b, k in c.bands])
    storage.copy_rows(AdKey._meta.db_table, ["ad_id", "key", "identifier_id"],
                      [(row.pk, k[:320], identifier_ids.get(k)) for row, c in work for k in dict.fromkeys(c.keys)])
    assignment = clustering.assign(work)
    stale = assignment.touched | {r.operation_id for r, _ in changed if r.operation_id}
    stale |= {op for _, absorbed in assignment.merges for op in absorbed}  # their summaries are emptied
    Operation.objects.filter(pk__in=stale).update(summary_stale=True)
    for survivor, absorbed in assignment.merges:
        audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="operation", object_id=survivor,
                     summary=f"operations {', '.join(map(str, absorbed))} merged in (shared text or identifiers)",
                     detail={"absorbed": absorbed, "run": run.pk})
    for op_id in assignment.reopened:
        audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="operation", object_id=op_id,
                     summary="dismissed operation reopened: new ads joined it", detail={"run": run.pk})
    for field, n in counts.items():
        setattr(run, field, getattr(run, field) + n)
    run.save(update_fields=list(counts))
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="ad_ingest_run", object_id=run.pk,
                 summary=f"stored {counts['created']} new and {counts['updated']} updated ads, "
                         f"{counts['unchanged']} unchanged, {counts['rejected']} rejected",
                 detail={**counts, "operations_created": len(assignment.created), "merges": len(assignment.merges)})
    return counts


# --- Entry points -------------------------------------------------------------------------
def feed_kind(kind: str | None) -> str:
    """A feed's kind (``escort`` when not given), or ``IngestError`` naming the accepted kinds."""
    try:
        return check_kind(kind or "escort")
    except ValueError as exc:
        raise IngestError(str(exc)) from exc


def ingest_file(path: str | Path, *, acting_user: Any, source: str = IngestRun.Source.CLI,
                chunk_size: int = CHUNK_SIZE, progress: Progress | None = None, kind: str = "escort") -> IngestRun:
    """``beacon ads ingest INPUT [--kind job]``: a JSONL or CSV file (gzip allowed); ``kind`` is the feed's
    kind (a record's own ``kind`` wins)."""
    p = Path(path)
    kind = feed_kind(kind)
    if not p.exists():
        raise IngestError(f"input not found: {p}")
    if p.is_dir():
        return ingest_scan_dir(p, acting_user=acting_user, source=source, chunk_size=chunk_size, progress=progress)
    run = run_create(source=source, acting_user=acting_user, filename=p.name)
    try:
        items = iter_file(p, file_image_hasher(p, hash_images=True), kind)
        return ingest_items(run, items, acting_user=acting_user, chunk_size=chunk_size, progress=progress)
    except InputError as exc:
        raise IngestError(str(exc)) from exc


def ingest_scan_dir(folder: str | Path, *, acting_user: Any, source: str = IngestRun.Source.CLI,
                    chunk_size: int = CHUNK_SIZE, progress: Progress | None = None) -> IngestRun:
    """``beacon ads ingest DIR``: the folder ``beacon ads scan INPUT --out DIR`` wrote. Its ads are
    stored with the scan's analysis (``store.jsonl``, see ``beacon.adscan.handoff``), not analysed
    again; the operations are then formed incrementally, as for any other input."""
    p = Path(folder)
    if not store_files(p):  # store.jsonl, or the store/ part files of --engine spark
        raise IngestError(f"{p} has no {STORE_NAME}: scan with 'beacon ads scan INPUT --out {p}' first "
                          "(or 'python -m beacon.adscan scan INPUT --out DIR --store')")
    run = run_create(source=source, acting_user=acting_user, filename=f"{p.name}/{STORE_NAME}")
    try:
        return ingest_items(run, iter_scan_dir(p), acting_user=acting_user, chunk_size=chunk_size,
                            progress=progress)
    except (ValueError, OSError) as exc:
        raise IngestError(str(exc)) from exc


def ingest_records(records: Iterable[Mapping[str, Any]], *, acting_user: Any, source: str = IngestRun.Source.API,
                   filename: str = "", chunk_size: int = CHUNK_SIZE, run: IngestRun | None = None,
                   kind: str = "escort") -> IngestRun:
    kind = feed_kind(kind)
    run = run or run_create(source=source, acting_user=acting_user, filename=filename)
    return ingest_items(run, iter_records(records, kind=kind), acting_user=acting_user, chunk_size=chunk_size)


def ingest_text(text: str, *, name: str, acting_user: Any, run: IngestRun | None = None,
                kind: str = "escort") -> IngestRun:
    """An uploaded JSONL or CSV file (already decoded); ``kind`` is the feed's kind."""
    kind = feed_kind(kind)
    run = run or run_create(source=IngestRun.Source.API, acting_user=acting_user, filename=name)
    suffix = ".csv" if name.lower().endswith(".csv") else ".jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            return ingest_items(run, iter_file(path, kind=kind), acting_user=acting_user)
        except InputError as exc:
            raise IngestError(str(exc)) from exc


def read_upload(upload: Any) -> str:
    """An uploaded file (form or API) as text, refused when larger than ``UPLOAD_MAX_BYTES``."""
    if (upload.size or 0) > UPLOAD_MAX_BYTES:
        raise IngestError(f"The file is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB; split it or use "
                          "'beacon ads ingest' on the server.")
    return decode_upload(upload.read())


def decode_upload(data: bytes) -> str:
    """Upload bytes as text (gunzipped when gzip); invalid UTF-8 is replaced and then rejected per row.

    The gunzipped text is capped too (``UPLOAD_MAX_BYTES``): a small gzip file can unpack to gigabytes.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                data = fh.read(UPLOAD_MAX_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise IngestError("The file is not valid gzip.") from exc
        if len(data) > UPLOAD_MAX_BYTES:
            raise IngestError(f"The unpacked file is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB; split it or "
                              "use 'beacon ads ingest' on the server.")
    return data.decode("utf-8", "replace")


def submit_batch(*, acting_user: Any, records: list[Any] | None = None, text: str | None = None,
                 name: str = "", kind: str = "escort") -> IngestRun:
    """API batch: small batches are stored now, larger ones by a background task.  ``kind`` is the
    batch's kind (``escort`` or ``job``; a record's own ``kind`` wins)."""
    kind = feed_kind(kind)
    size = len(records) if records is not None else (text or "").count("\n")
    payload: dict[str, Any] = {"records": records} if records is not None else {"text": text, "name": name}
    payload["kind"] = kind
    if size <= INLINE_LIMIT:
        run = run_create(source=IngestRun.Source.API, acting_user=acting_user, filename=name)
        if records is not None:
            return ingest_records(records, acting_user=acting_user, run=run, kind=kind)
        return ingest_text(text or "", name=name, acting_user=acting_user, run=run, kind=kind)
    with transaction.atomic():
        run = run_create(source=IngestRun.Source.API, acting_user=acting_user, filename=name, payload=payload,
                         queued=True)
        from .tasks import process_run

        run_id = run.pk
        transaction.on_commit(lambda: process_run.enqueue(run_id))
    return run


def process_queued_run(run_id: int) -> IngestRun | None:
    """Store a queued API batch (called by the background task; a finished run is left alone)."""
    run = IngestRun.objects.filter(pk=run_id).select_related("submitted_by").first()
    if run is None or run.status in {IngestRun.Status.DONE, IngestRun.Status.FAILED} or not run.payload:
        return run
    payload, actor = run.payload, run.submitted_by
    kind = payload.get("kind") or "escort"
    if "records" in payload:
        return ingest_records(payload["records"], acting_user=actor, run=run, kind=kind)
    return ingest_text(payload.get("text", ""), name=payload.get("name", ""), acting_user=actor, run=run, kind=kind)


# --- Decisions ----------------------------------------------------------------------------
DECISION_STATUS: dict[str, str] = {
    OperationDecision.Decision.DISMISS: Operation.Status.DISMISSED,
    OperationDecision.Decision.WATCH: Operation.Status.WATCH,
    OperationDecision.Decision.ESCALATE: Operation.Status.ESCALATED,
}


class DecisionError(ValueError):
    pass


@transaction.atomic
def operation_decide(*, operation: Operation, decision: str, reason: str = "", acting_user: Any,
                     request: Any = None) -> OperationDecision:
    """Dismiss (a reason is required), watch or escalate an operation; audited."""
    reason = (reason or "").strip()
    if decision not in DECISION_STATUS:
        raise DecisionError("Unknown decision.")
    if decision == OperationDecision.Decision.DISMISS and not reason:
        raise DecisionError("Give a reason to dismiss an operation.")
    if operation.status == Operation.Status.MERGED:
        raise DecisionError("This operation was merged into another one; decide on that one.")
    op = Operation.objects.select_for_update().get(pk=operation.pk)
    before = op.status
    op.status = DECISION_STATUS[decision]
    op.decided_by, op.decided_at, op.decision_reason = acting_user, timezone.now(), reason
    op.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    made = OperationDecision.objects.create(operation=op, decision=decision, reason=reason, decided_by=acting_user)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="operation", object_id=op.pk,
                 summary=f"decision: {decision} (was {before})" + (f": {reason[:200]}" if reason else ""),
                 request=request, detail={"decision": decision, "from": before, "to": op.status})
    operation.status, operation.decided_by, operation.decided_at = op.status, op.decided_by, op.decided_at
    operation.decision_reason = reason
    return made
