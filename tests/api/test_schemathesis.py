"""Property-based conformance of the whole API with its OpenAPI schema (schemathesis).

Every operation of ``/api/v1/schema/`` (``/api/v1/...`` and the HSDS ``/api/hsds/...``, so
endpoints added later are covered without touching this file) is called in-process through
WSGI with generated valid (positive) and invalid (negative) requests, anonymously and with
the tokens of a tip supervisor and a survivor-services caseworker (an advocate at an NGO).
Every schemathesis check runs on every response: no server error, status codes, content
types, headers and bodies as documented, invalid data refused, valid data accepted...

Two kinds of cases, as the ``schemathesis`` CLI runs them: Hypothesis-generated ones, and
schemathesis's *coverage* phase (boundary values, empty values, wrong types, each parameter in
turn).  Both are deterministic (Hypothesis ``derandomize=True``; the coverage cases are a
function of the schema), so CI is reproducible; ``BEACON_SCHEMATHESIS_EXAMPLES`` sets the
generated examples per operation, role and mode (default 4: about 1,600 cases a run).

Rules beyond the schema's reach (an end date before the start date, an agency id that must
exist...) are listed once, in ``tests/api/schemathesis_hooks.py``, which ``schemathesis.toml``
loads for this test and for the CLI.
"""

from __future__ import annotations

import ast
import os
import tomllib
from collections import Counter
from pathlib import Path
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
MIN_COVERAGE_CASES = 3_000
MIN_CASES_PER_IDENTITY = 1_000  # the "at least 1,000 cases per run, anonymous and with two roles"
ROOT = Path(__file__).resolve().parents[2]


def _check(operation: Any, case: Any, mode: str, headers: dict[str, str], failures: dict[str, str],
           statuses: Counter[int]) -> None:
    """Call one case and run every check (schemathesis's and ``beacon_rules``, with the
    per-operation settings of ``schemathesis.toml``); keep one example per failure kind."""
    try:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, headers=headers)
    except BaseException as exc:
        for failure in getattr(exc, "exceptions", [exc]):
            key = f"{operation.label} [{mode}] {type(failure).__name__}: {getattr(failure, 'title', '')}"
            failures.setdefault(key, f"{failure}\n    {case.as_curl_command(headers=headers)}"[:1500])


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str], failures: dict[str, str],
         statuses: Counter[int]) -> int:
    calls = 0

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        _check(operation, case, mode.value, headers, failures, statuses)

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


def _coverage(schema: Any, operation: Any, roles: dict[str, dict[str, str]], failures: dict[str, str],
              statuses: Counter[int]) -> tuple[str, int]:
    """Schemathesis's coverage phase (the CLI's default, not Hypothesis's): boundary values,
    empty values, wrong types, missing required parts, each parameter in turn, valid and
    invalid.  Its cases are a fixed function of the schema, so this part is deterministic too.

    Each operation's cases run once, as the role that gets past its door (the generated cases
    above already try every role on every operation): anonymous for a public operation, else
    the tip supervisor, or the caseworker where the supervisor is refused (403)."""
    config = schema.config.generation_for(operation=operation, phase="coverage")
    cases = list(schema.iter_coverage_cases(operation, generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                            generation_config=config))
    if not cases:
        return "", 0
    public = "401" not in operation.definition.raw.get("responses", {})
    role = "anonymous" if public else "tip supervisor"
    if not public and cases[0].call(headers=roles[role]).status_code == 403:
        role = "caseworker"
    for case in cases:
        _check(operation, case, f"coverage {case.meta.generation.mode.value}", roles[role], failures, statuses)
    return role, len(cases)


def _sweep(application: Any, roles: dict[str, dict[str, str]]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    failures: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    operations = 0
    generated: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for role, headers in roles.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                generated[role] += _run(operation, mode, headers, failures, statuses)
        role, count = _coverage(schema, operation, roles, failures, statuses)
        covered[role] += count
    cases, coverage = generated.total(), covered.total()
    report = "\n".join(f"- {k}\n    {v}" for k, v in sorted(failures.items()))
    per_role = ", ".join(f"{role} {generated[role]} + {covered[role]}" for role in roles)
    print(f"schemathesis: {operations} operations, {cases} generated + {coverage} coverage cases "
          f"(per identity, generated + coverage: {per_role}), statuses {dict(sorted(statuses.items()))}, "
          f"{len(failures)} failures")
    assert cases >= MIN_CASES, f"only {cases} cases were generated"
    assert coverage >= MIN_COVERAGE_CASES, f"only {coverage} coverage cases"
    for role in roles:  # each identity on its own: at least MIN_CASES_PER_IDENTITY
        assert generated[role] + covered[role] >= MIN_CASES_PER_IDENTITY, f"{role}: {per_role}"
    assert not failures, f"{len(failures)} schemathesis failures:\n{report}"


def test_rules_beyond_the_schema_are_listed_once() -> None:
    """``schemathesis.toml`` lets exactly the operations of the hooks' ``RULES`` answer valid
    data with 400 (the ``beacon_rules`` check then holds them to the listed fields)."""
    # read, not imported: importing would register the hooks' check a second time
    hooks = ast.parse((ROOT / "tests" / "api" / "schemathesis_hooks.py").read_text())
    [rules] = [node.value for node in hooks.body if isinstance(node, ast.AnnAssign)
               and getattr(node.target, "id", "") == "RULES"]
    RULES = ast.literal_eval(rules)  # noqa: N806
    config = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    assert config["hooks"] == "tests/api/schemathesis_hooks.py"
    [lenient] = [o for o in config["operations"] if "positive_data_acceptance" in o.get("checks", {})]
    assert sorted(lenient["include-name"]) == sorted(RULES)
    assert "400" in lenient["checks"]["positive_data_acceptance"]["expected-statuses"]
