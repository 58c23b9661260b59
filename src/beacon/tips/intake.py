"""The lean intake of a JSON tip: accept durably in two statements, enrich in the background (issue #14).

``POST /api/v1/tips/`` with a JSON body is answered here, by ``LeanIntakeMiddleware``, before
the rest of the middleware stack, the URL resolver and DRF: a tip costs a few statements and a
few hundred microseconds of Python instead of ~10 statements and ~600 ORM calls.  What it does:

1. **Reads and checks the body** with the rules of ``api.TipSubmitSerializer`` (its fields'
   limits and choices are read from the serializer itself) and ``services.validate``.  Anything
   it does not accept as certainly valid (a wrong type, a missing field, a number where text is
   expected, a bad ``Idempotency-Key``, a body without ``Content-Length``, an ``Accept`` that is
   not JSON, a query string, ...) is **handed to the full path unchanged** (the DRF view, which
   answers it exactly as before): the errors, their shape and their statuses are the old ones by
   construction, and nothing has been counted or stored yet.
2. **Rate limits** (``core.ratelimit``, the same counters, keys and anonymity): statement 1 counts
   the attempt (``tip_submit_attempt``) in one upsert and, in the same statement, reads the
   client's ``tip_submit`` counter and the tip an ``Idempotency-Key`` already filed.  Over a
   limit: 429 with ``Retry-After``, as before; the same key again: 200 with the first receipt.
3. **Stores** (statement 2, one transaction): the tip (receipt code, passphrase HMAC,
   idempotency HMAC, what the reporter wrote, ``processing=True``), its audit row (``actor``
   none, no request: no address, no request id), the client's ``tip_submit`` count, and whether
   an enrichment run is already waiting.  On PostgreSQL this is a single ``INSERT ... RETURNING``
   with CTEs; on SQLite the same four statements in one transaction.
4. **Answers 201** with the receipt code and passphrase, with the headers the full path sends
   (the outer middleware adds the security headers; this adds DRF's, ``never_cache``'s, the
   locale's, X-Frame-Options and Content-Length).  When no enrichment run is waiting it queues
   ``tasks.enrich_tips`` (django-tasks), which places, routes, links and triages the tip
   (``enrich.py``) and notifies the supervisors of a P1 tip.

``BEACON_TIP_LEAN_INTAKE=0`` turns the lean path off (every tip takes the full path).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from rest_framework.exceptions import ParseError

from beacon.core import ratelimit
from beacon.core.models import AuditEvent, RateCounter
from beacon.core.parsers import loads_limited

from . import services, triage
from .models import PUBLIC_STATUS, Status, Tip

ATTEMPT, SUBMIT = "tip_submit_attempt", "tip_submit"
_ANSWERS = {True: True, False: False, None: None, "unknown": None}


# --- Reading the body with the serializer's rules -------------------------------------------
class _Rules:
    """The limits and choices of ``api.TipSubmitSerializer``, read from it once per process."""

    def __init__(self) -> None:
        from .api import SubjectsSerializer, TipSubmitSerializer

        fields: Any = TipSubmitSerializer().fields
        self.narrative: Any = fields["narrative"]
        self.text = {name: fields[name].max_length for name in ("occurred", "place_text", "contact", "website")}
        self.counties = frozenset(fields["county"].choice_strings_to_values)
        self.situations = frozenset(fields["situation"].choice_strings_to_values)
        self.situation_default = fields["situation"].default
        self.languages = frozenset(fields["language"].choice_strings_to_values)
        self.language_default = fields["language"].default
        self.indicators = frozenset(fields["indicators"].child.choice_strings_to_values)
        self.lat = (fields["lat"].min_value, fields["lat"].max_value)
        self.lon = (fields["lon"].min_value, fields["lon"].max_value)
        subjects: Any = SubjectsSerializer().fields
        # (name, kind, list length limit, item limits) in the serializer's order (the stored order)
        self.subjects: list[tuple[str, str, int | None, Any]] = []
        for name, field in subjects.items():
            if hasattr(field, "child") and hasattr(field.child, "fields"):  # a list of objects
                items = {k: f.max_length for k, f in field.child.fields.items()}
                self.subjects.append((name, "objects", field.max_length, items))
            else:
                self.subjects.append((name, "texts", field.max_length, field.child.max_length))


_rules: _Rules | None = None


def rules() -> _Rules:
    global _rules  # noqa: PLW0603 - built once per process, on the first tip
    if _rules is None:
        _rules = _Rules()
    return _rules


def _text(value: Any, limit: int | None, *, blank: bool = True) -> str | None:
    """DRF's ``CharField`` (trimmed, no NUL, at most ``limit``; Beacon refuses non-strings), or None."""
    if not isinstance(value, str) or "\x00" in value:
        return None
    value = value.strip()
    if (not value and not blank) or (limit is not None and len(value) > limit):
        return None
    return value


def _number(value: Any, bounds: tuple[Any, Any]) -> float | None | bool:
    """A coordinate as ``StrictFloatField`` reads a JSON number; ``False`` when not certainly valid."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        number = float(value)
    except OverflowError:
        return False
    low, high = bounds
    if not math.isfinite(number) or (low is not None and number < low) or (high is not None and number > high):
        return False
    return number


def _subjects(value: Any, r: _Rules) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    for name, kind, most, items in r.subjects:
        if name not in value:
            continue
        given = value[name]
        if not isinstance(given, list) or (most is not None and len(given) > most):
            return None
        if kind == "texts":
            texts = [_text(v, items, blank=False) for v in given]
            if any(t is None for t in texts):
                return None
            out[name] = texts
        else:
            objects = []
            for item in given:
                if not isinstance(item, dict):
                    return None
                cleaned = {}
                for key, limit in items.items():
                    if key in item:
                        text = _text(item[key], limit)
                        if text is None:
                            return None
                        cleaned[key] = text
                objects.append(cleaned)
            out[name] = objects
    return {k: v for k, v in out.items() if v}


def clean(body: Any) -> services.TipInput | None:
    """The tip as the full path would read it, or None when the full path must answer (an error,
    or anything this reader does not take as certainly valid)."""
    if not isinstance(body, dict) or "photos" in body:
        return None
    r = rules()
    narrative = body.get("narrative")
    if not isinstance(narrative, str):
        return None
    narrative = _text(narrative, r.narrative.max_length, blank=False)
    if narrative is None or len(narrative) < r.narrative.min_length:
        return None
    for validator in r.narrative.validators:
        try:
            validator(narrative)
        except (ValidationError, Exception):  # noqa: BLE001 - any refusal: the full path says why
            return None
    texts = {}
    for name, limit in r.text.items():
        text = _text(body.get(name, ""), limit)
        if text is None:
            return None
        texts[name] = text
    county = body.get("county", "")
    if county != "" and county not in r.counties:
        return None
    lat, lon = _number(body.get("lat"), r.lat), _number(body.get("lon"), r.lon)
    if lat is False or lon is False:
        return None
    situation = body.get("situation", r.situation_default)
    language = body.get("language", r.language_default)
    if situation not in r.situations or language not in r.languages:
        return None
    answers = []
    for name in ("danger", "minor"):
        answer = body.get(name)
        if not (answer is None or answer is True or answer is False or answer == "unknown"):
            return None
        answers.append(_ANSWERS[answer])
    indicators = body.get("indicators", [])
    if not isinstance(indicators, list) or not all(isinstance(i, str) and i in r.indicators for i in indicators):
        return None
    subjects: dict[str, Any] = {}
    if "subjects" in body:
        found = _subjects(body["subjects"], r)
        if found is None:
            return None
        subjects = found
    data = services.TipInput(
        narrative=narrative, occurred=texts["occurred"], place_text=texts["place_text"], county_fips=county,
        lat=lat, lon=lon, situation=situation, danger=answers[0], minor=answers[1],  # type: ignore[arg-type]
        indicators=list(indicators), subjects=subjects, language=str(language), contact=texts["contact"],
        honeypot=texts["website"])
    try:
        services.validate(data)
    except ValidationError:
        return None
    return data


# --- Statements -------------------------------------------------------------------------------
class _Sql:
    """The intake's statements for this database, made once per process from the models' tables."""

    def __init__(self) -> None:
        from django_tasks_db.models import DBTaskResult

        q = connection.ops.quote_name
        self.vendor = connection.vendor
        self.tip_fields: list[Any] = [f for f in Tip._meta.concrete_fields if not f.primary_key]
        # The prepared defaults of the columns the intake leaves alone, once per process.
        self.defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.tip_fields
                         if f.attname not in INTAKE_COLUMNS}
        tip, counter, audit_t = q(Tip._meta.db_table), q(RateCounter._meta.db_table), q(AuditEvent._meta.db_table)
        tasks = q(DBTaskResult._meta.db_table)
        k, n, exp = q("key"), q("count"), q("expires_at")
        columns = ", ".join(q(f.column) for f in self.tip_fields)
        marks = ", ".join(["%s"] * len(self.tip_fields))
        self.upsert = (f"INSERT INTO {counter} ({k}, {n}, {exp}) VALUES (%s, 1, %s) "  # noqa: S608 - our names
                       f"ON CONFLICT ({k}) DO UPDATE SET {n} = {counter}.{n} + 1")
        self.upsert_returning = f"{self.upsert} RETURNING {n}"
        self.counter_of = f"SELECT {n} FROM {counter} WHERE {k} = %s"  # noqa: S608
        self.tip_of = f"SELECT {q('receipt_code')}, {q('status')} FROM {tip} WHERE {q('idempotency_hash')} = %s"  # noqa: S608
        self.insert_tip = f"INSERT INTO {tip} ({columns}) VALUES ({marks}) RETURNING {q('id')}"  # noqa: S608
        audit_cols = ", ".join(q(c) for c in ("at", "actor_id", "actor_name", "agency_id", "action", "object_type",
                                              "object_id", "summary", "ip", "request_id", "detail"))
        self.audit_cols = audit_cols
        self.insert_audit = (f"INSERT INTO {audit_t} ({audit_cols}) "  # noqa: S608
                             "VALUES (%s, NULL, '', NULL, 'create', 'tip', %s, %s, NULL, '', %s)")
        ready = (f"SELECT 1 FROM {tasks} WHERE {q('status')} = 'READY' AND {q('task_path')} = %s "  # noqa: S608
                 f"AND {q('backend_name')} = %s LIMIT 1")
        self.ready = f"SELECT EXISTS ({ready})"
        if self.vendor == "postgresql":
            # One statement, one transaction: count the attempt (kept whatever follows), read the
            # client's tip_submit count and the tip an Idempotency-Key already filed, and only when
            # both limits allow and the key filed nothing: insert the tip, its audit row and the
            # tip_submit count.  Last, whether an enrichment run waits (no lock on it: a run that
            # starts before this commits leaves the tip to the next one, see enrich.enrich_pending).
            typed = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in self.tip_fields)
            self.one = (
                f"WITH hit AS ({self.upsert} RETURNING {n}), "  # noqa: S608 - our names
                f"prev AS (SELECT {q('receipt_code')}, {q('status')} FROM {tip} WHERE {q('idempotency_hash')} = %s), "
                f"subm AS ({self.counter_of}), "
                f"ok AS (SELECT 1 FROM hit WHERE hit.{n} <= %s AND NOT EXISTS (SELECT 1 FROM prev) "
                f"AND COALESCE((SELECT {n} FROM subm), 0) < %s), "
                f"t AS (INSERT INTO {tip} ({columns}) SELECT {typed} FROM ok RETURNING {q('id')}), "
                f"a AS (INSERT INTO {audit_t} ({audit_cols}) SELECT %s::timestamptz, NULL, '', NULL, 'create', 'tip', "
                "t.id::text, %s, NULL, '', %s::jsonb FROM t), "
                f"r AS (INSERT INTO {counter} ({k}, {n}, {exp}) SELECT %s, 1, %s::integer FROM t "
                f"ON CONFLICT ({k}) DO UPDATE SET {n} = {counter}.{n} + 1), "
                f"w AS ({ready}) "
                f"SELECT (SELECT {n} FROM hit), (SELECT {n} FROM subm), (SELECT {q('receipt_code')} FROM prev), "
                f"(SELECT {q('status')} FROM prev), (SELECT {q('id')} FROM t), EXISTS (SELECT 1 FROM w)")


    def row(self, values: dict[str, Any]) -> list[Any]:
        """The tip's INSERT parameters, in column order."""
        return [f.get_db_prep_save(values[f.attname], connection) if f.attname in values else self.defaults[f.attname]
                for f in self.tip_fields]


# What the intake writes (``_values``); every other column takes its model default.
INTAKE_COLUMNS = frozenset({
    "created_at", "updated_at", "receipt_code", "passphrase_hash", "idempotency_hash", "narrative", "occurred",
    "place_text", "lat", "lon", "situation", "danger", "minor", "indicators", "subjects", "language", "contact",
    "county_id", "is_spam", "spam_reason", "processing"})
_sql: _Sql | None = None


def sql() -> _Sql:
    global _sql  # noqa: PLW0603 - built once per process
    if _sql is None or _sql.vendor != connection.vendor:
        _sql = _Sql()
    return _sql


def _window(scope: str, now: int) -> tuple[int, int]:
    """(limit, window end) of ``scope`` at ``now``, and the counter name comes from ``ratelimit``."""
    limit, window = ratelimit.parse(scope)
    return limit, now - now % window + window


def _counters(request: HttpRequest, now: int, key_hash: str | None) -> tuple[int, int, str | None, str | None, str]:
    """SQLite: count the attempt; (attempts, accepted tips, earlier receipt code, its status, tip_submit counter name)."""
    _, a_end = _window(ATTEMPT, now)
    _, s_end = _window(SUBMIT, now)
    a_window, s_window = ratelimit.parse(ATTEMPT)[1], ratelimit.parse(SUBMIT)[1]
    a_key = ratelimit.client_key(request, ATTEMPT, a_end - a_window)
    s_key = ratelimit.client_key(request, SUBMIT, s_end - s_window)
    s = sql()
    with connection.cursor() as cursor:
        cursor.execute(s.upsert_returning, [a_key, a_end])
        attempts = cursor.fetchone()[0]
        cursor.execute(s.counter_of, [s_key])
        row = cursor.fetchone()
        accepted = row[0] if row else 0
        code = status = None
        if key_hash is not None:
            cursor.execute(s.tip_of, [key_hash])
            found = cursor.fetchone()
            if found:
                code, status = found
    if random.randrange(ratelimit.PURGE_EVERY) == 0:  # noqa: S311 - as ratelimit.hit does
        ratelimit.purge()
    return int(attempts), int(accepted or 0), code, status, s_key


def _store(values: dict[str, Any], s_key: str, s_end: int) -> tuple[int, bool]:
    """SQLite: tip, audit row and tip_submit count in one transaction; (tip id, whether an
    enrichment run is already waiting)."""
    from .tasks import enrich_tips

    s = sql()
    row = s.row(values)
    summary, detail = AUDIT_SUMMARY, AUDIT_DETAIL
    backend = enrich_tips.backend
    now = values["created_at"]
    at = Tip._meta.get_field("created_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        with transaction.atomic():
            cursor.execute(s.insert_tip, row)
            tip_id = int(cursor.fetchone()[0])
            cursor.execute(s.insert_audit, [at, str(tip_id), summary, detail])
            cursor.execute(s.upsert, [s_key, s_end])
            cursor.execute(s.ready, [enrich_tips.module_path, backend])
            waiting = bool(cursor.fetchone()[0])
        return tip_id, waiting


def _enqueue_enrichment() -> None:
    """Queue an enrichment run ``BEACON_TIP_ENRICH_DELAY`` seconds from now (0.5 by default): the
    tips of that half second wait for the same run (a waiting run is not queued again), so its
    fixed cost (claim, result, notification task) is shared, while a P1 tip is still notified
    well within 2 s.  Backends that cannot defer (the immediate one, in tests) run it now."""
    from .tasks import enrich_tips

    task = enrich_tips
    delay = float(getattr(settings, "BEACON_TIP_ENRICH_DELAY", 0.5))
    if delay > 0 and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue()


# --- Answers ----------------------------------------------------------------------------------
def _answer(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
    """A JSON answer with the headers the DRF view and the skipped middleware would add."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Allow"] = "POST, OPTIONS"  # DRF: the view's methods
    patch_vary_headers(response, ("Accept",))  # DRF: content negotiation
    add_never_cache_headers(response)  # the view's never_cache
    return _MIDDLEWARE.finish(request, response)


class _Finish:
    """The response side of the middleware the lean path skips, in the settings' order
    (Locale: Content-Language and Vary; Common: Content-Length; X-Frame-Options); the others
    (session, CSRF, auth, OTP, messages, htmx, axes, body size) add nothing to this answer."""

    def __init__(self) -> None:
        self.locale = LocaleMiddleware(lambda r: HttpResponse())
        self.common = CommonMiddleware(lambda r: HttpResponse())
        self.xframe = XFrameOptionsMiddleware(lambda r: HttpResponse())

    def start(self, request: HttpRequest) -> None:
        self.locale.process_request(request)  # the language the full path would use (for 429's text)

    def finish(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = self.xframe.process_response(request, response)
        response = self.common.process_response(request, response)  # type: ignore[assignment]
        return self.locale.process_response(request, response)  # type: ignore[return-value]


_MIDDLEWARE = _Finish()


def _throttled(request: HttpRequest, scope: str) -> HttpResponse:
    from .api import _throttled as throttled

    exc = throttled(scope)
    response = _answer(request, 429, {"error": str(exc.detail), "fields": {}})
    wait = getattr(exc, "wait", None)
    if wait:  # as DRF's exception handler
        response["Retry-After"] = f"{int(wait)}"
    return response


def _receipt(code: str, status: str, passphrase: str | None) -> dict[str, Any]:
    return {"receipt_code": code, "passphrase": passphrase, "status": PUBLIC_STATUS[Status(status)],
            "photos": 0, "photos_refused": []}


def _json_accepted(accept: str) -> bool:
    return all(part.split(";")[0].strip() in ("*/*", "application/json", "application/*", "")
               for part in accept.split(","))


def accept(request: HttpRequest) -> HttpResponse | None:
    """Answer a JSON tip, or None to let the full path (DRF) answer the request."""
    meta = request.META
    media, _, params = meta.get("CONTENT_TYPE", "").partition(";")
    if media.strip().lower() != "application/json" or meta.get("QUERY_STRING"):
        return None
    if params.strip() and params.strip().lower().replace(" ", "") not in ("charset=utf-8", 'charset="utf-8"'):
        return None
    if not _json_accepted(meta.get("HTTP_ACCEPT", "")):
        return None
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= int(settings.BEACON_PUBLIC_BODY_LIMIT):
        return None  # no Content-Length, or too large: the full path answers (413 and all)
    key = meta.get("HTTP_IDEMPOTENCY_KEY")
    if key is not None and not services.idempotency_key_ok(key):
        return None  # a sent but empty or malformed key: the full path refuses it (400)
    key = key or ""
    try:
        data = clean(loads_limited(request.body))
    except ParseError:
        return None
    if data is None:
        return None
    return _accept(request, data, key)


def _accept(request: HttpRequest, data: services.TipInput, key: str) -> HttpResponse:
    _MIDDLEWARE.start(request)
    now = int(time.time())
    key_hash = services.idempotency_hash(key) if key.strip() else None
    passphrase = services.new_passphrase()
    values = _values(data, key_hash, passphrase)
    try:
        if sql().vendor == "postgresql":
            attempts, accepted, code, status, tip_id, waiting = _one_statement(request, now, key_hash, values)
        else:
            attempts, accepted, code, status, s_key = _counters(request, now, key_hash)
            tip_id = waiting = None
            if attempts <= ratelimit.parse(ATTEMPT)[0] and code is None and accepted < ratelimit.parse(SUBMIT)[0]:
                tip_id, waiting = _store(values, s_key, _window(SUBMIT, now)[1])
    except IntegrityError:
        if key_hash is None:
            raise
        # The same key raced another request and lost: that one's receipt (as the full path does).
        earlier = Tip.objects.filter(idempotency_hash=key_hash).values_list("receipt_code", "status").first()
        if earlier is None:
            raise
        return _answer(request, 200, _receipt(earlier[0], earlier[1], None))
    # The full path's order: the flood ceiling, then the key's earlier tip, then tip_submit.
    if attempts > ratelimit.parse(ATTEMPT)[0]:
        return _throttled(request, ATTEMPT)
    if code is not None:  # this Idempotency-Key already filed a tip: its receipt, nothing stored
        return _answer(request, 200, _receipt(code, status or Status.NEW, None))
    if accepted >= ratelimit.parse(SUBMIT)[0] or tip_id is None:
        return _throttled(request, SUBMIT)
    if not waiting:
        _enqueue_enrichment()
    return _answer(request, 201, _receipt(values["receipt_code"], Status.NEW, passphrase))


def _values(data: services.TipInput, key_hash: str | None, passphrase: str) -> dict[str, Any]:
    """The tip row as ``services._tip_submit`` writes it, less what the enrichment adds."""
    spam = triage.spam_reason(honeypot=data.honeypot, url_count=0)  # the honeypot is not stored: read it now
    created = timezone.now()
    return {
        "created_at": created, "updated_at": created, "receipt_code": services.new_receipt_code(),
        "passphrase_hash": services.passphrase_hash(passphrase), "idempotency_hash": key_hash,
        "narrative": data.narrative.strip(), "occurred": data.occurred.strip()[:200],
        "place_text": data.place_text.strip()[:300], "lat": data.lat, "lon": data.lon,
        "situation": data.situation, "danger": data.danger, "minor": data.minor,
        "indicators": sorted(set(data.indicators)), "subjects": data.subjects,
        "language": data.language, "contact": data.contact.strip(),
        "county_id": data.county_fips or None,  # the picked county, checked; placement follows
        "is_spam": bool(spam), "spam_reason": spam[:200], "processing": True,
    }


def _one_statement(request: HttpRequest, now: int, key_hash: str | None,
                   values: dict[str, Any]) -> tuple[int, int, str | None, str | None, int | None, bool]:
    from .tasks import enrich_tips

    s = sql()
    a_limit, a_end = _window(ATTEMPT, now)
    s_limit, s_end = _window(SUBMIT, now)
    a_key = ratelimit.client_key(request, ATTEMPT, a_end - ratelimit.parse(ATTEMPT)[1])
    s_key = ratelimit.client_key(request, SUBMIT, s_end - ratelimit.parse(SUBMIT)[1])
    row = s.row(values)
    with connection.cursor() as cursor:
        cursor.execute(s.one, [a_key, a_end, key_hash, s_key, a_limit, s_limit, *row,
                               values["created_at"], AUDIT_SUMMARY, AUDIT_DETAIL, s_key, s_end,
                               enrich_tips.module_path, enrich_tips.backend])
        attempts, accepted, code, status, tip_id, waiting = cursor.fetchone()
    if random.randrange(ratelimit.PURGE_EVERY) == 0:  # noqa: S311 - as ratelimit.hit does
        ratelimit.purge()
    return int(attempts), int(accepted or 0), code, status, tip_id, bool(waiting)


AUDIT_SUMMARY = "Tip received (placement, routing and triage follow in the background)"
AUDIT_DETAIL = json.dumps({"intake": "lean"})


class LeanIntakeMiddleware:
    """Answers ``POST /api/v1/tips/`` with a JSON body through ``accept``; everything else, and
    every tip ``accept`` does not take, goes on down the stack unchanged.  Placed after the
    middleware that adds the request id and the security headers, so those still apply."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and getattr(settings, "BEACON_TIP_LEAN_INTAKE", True):
            if self.path is None:
                self.path = reverse("tips-submit")
            if request.path == self.path:
                answered = accept(request)
                if answered is not None:
                    return answered
        return self.get_response(request)


def queue_run_unless_waiting() -> bool:
    """Queue an enrichment run unless one is already waiting; True when one was queued."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import enrich_tips

    if (enrich_tips.get_backend().supports_defer and DBTaskResult.objects.filter(
            status="READY", task_path=enrich_tips.module_path, backend_name=enrich_tips.backend).exists()):
        return False
    _enqueue_enrichment()
    return True


def sweep() -> bool:
    """Queue an enrichment run when tips are waiting for one (at server and worker start: a tip
    whose request was cut off between its commit and its queueing is not left behind)."""
    if not Tip.objects.filter(processing=True).exists():
        return False
    _enqueue_enrichment()
    return True
