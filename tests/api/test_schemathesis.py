"""Property-based conformance of the whole API with its OpenAPI schema (schemathesis).

Every operation of ``/api/v1/schema/`` (``/api/v1/...`` and the HSDS ``/api/hsds/...``, so
endpoints added later are covered without touching this file) is called in-process through
WSGI with generated valid (positive) and invalid (negative) requests, anonymously and with
the tokens of a tip supervisor and a survivor-services caseworker (an advocate at an NGO).
Every schemathesis check runs on every response: no server error, status codes, content
types, headers and bodies as documented, invalid data refused, valid data accepted...

The run is derandomized (Hypothesis ``derandomize=True``: the examples are a fixed function
of each test), so CI is reproducible; ``BEACON_SCHEMATHESIS_EXAMPLES`` sets the examples per
operation, role and mode (default 4: about 1,600 cases a run).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from beacon.core.services import token_create

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("mo")]

EXAMPLES = int(os.environ.get("BEACON_SCHEMATHESIS_EXAMPLES", "4"))
MIN_CASES = 1_000

# Rules between parameters that OpenAPI 3.0 cannot state.  A valid-by-schema request that
# breaks one is answered 400 naming exactly these fields, and only then is schemathesis's
# "positive data rejected" not counted.  Any other 400 on valid data is still a failure.
CROSS_FIELD = {
    "GET /api/v1/training/coverage/": {"end"},  # end before start
    "GET /api/v1/outreach/counties/": {"end"},  # end before start
    "GET /api/v1/counties/resolve/": {"q"},  # give q, or both lat and lon
    "GET /api/hsds/service_at_locations/": {"proximity"},  # proximity needs a postcode
    "POST /api/v1/tips/": {"lat", "lon"},  # both latitude and longitude, or neither
    "POST /api/v1/outreach/campaigns/": {"end_date"},  # end before start
    "GET /api/v1/search/": {"q"},  # q must read as the chosen kind (a phone number, an e-mail, two names...)
    "GET /api/v1/exports/tips/": {"until"},  # until before since
    "GET /api/v1/exports/cases/": {"until"},
    "GET /api/v1/exports/referrals/": {"until"},
    "GET /api/v1/exports/audit/": {"until"},
}


def _cross_field_refusal(label: str, mode: GenerationMode, response: Any) -> bool:
    allowed = CROSS_FIELD.get(label)
    if not allowed or mode is not GenerationMode.POSITIVE or response.status_code != 400:
        return False
    fields = set(response.json().get("fields") or {})
    return bool(fields) and fields <= allowed


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str], failures: dict[str, str],
         statuses: Counter[int]) -> int:
    calls = 0
    cross_field = False

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal calls, cross_field
        calls += 1
        cross_field = False
        try:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            cross_field = _cross_field_refusal(operation.label, mode, response)
            case.validate_response(response, headers=headers)
        except BaseException as exc:  # a failed check: keep one example per operation and check
            for failure in getattr(exc, "exceptions", [exc]):
                if cross_field and type(failure).__name__ == "RejectedPositiveData":
                    continue
                key = f"{operation.label} [{mode.value}] {type(failure).__name__}: {getattr(failure, 'title', '')}"
                failures.setdefault(key, f"{failure}\n    {case.as_curl_command(headers=headers)}"[:1500])

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
        assert mode is GenerationMode.NEGATIVE
    return calls


def test_api_conforms_to_its_schema(user_factory: Any, agency_factory: Any) -> None:
    from beacon.wsgi import application

    supervisor = user_factory("supervisor", agency=agency_factory(task_force="kansas-city"))
    caseworker = user_factory("advocate", agency=agency_factory(kind="ngo"))
    roles = {
        "anonymous": {},
        "tip supervisor": {"Authorization": f"Token {token_create(user=supervisor)}"},
        "caseworker": {"Authorization": f"Token {token_create(user=caseworker)}"},
    }
    # Requests go through Django's real WSGI handler, whose request_started/finished signals
    # close the database connection (and with it the test's transaction on PostgreSQL):
    # disconnect them for the run, as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _sweep(application, roles)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _sweep(application: Any, roles: dict[str, dict[str, str]]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    failures: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    cases = operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for headers in roles.values():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                cases += _run(operation, mode, headers, failures, statuses)
    report = "\n".join(f"- {k}\n    {v}" for k, v in sorted(failures.items()))
    print(f"schemathesis: {operations} operations, {cases} cases, statuses {dict(statuses)}, {len(failures)} failures")
    assert cases >= MIN_CASES, f"only {cases} cases were generated"
    assert not failures, f"{len(failures)} schemathesis failures:\n{report}"
