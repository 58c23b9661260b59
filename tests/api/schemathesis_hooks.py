"""Schemathesis hooks for Beacon's API, loaded through ``schemathesis.toml`` (``hooks = ...``)
by the ``schemathesis`` CLI and by ``tests/api/test_schemathesis.py`` alike.  Free of Django:
the CLI process only talks HTTP to a running server.

Some rules of the API are beyond what OpenAPI 3.0 can state: a rule between parameters (an
end date before the start date, ``proximity`` without ``postcode``), or one that depends on
the data (an agency id that exists, a campaign name not yet taken, a county the campaign
targets).  A request that is valid by the schema but breaks one is answered 400 naming the
fields concerned.  ``RULES`` lists them per operation; ``schemathesis.toml`` lets these
operations (and only these) answer a valid request with 400, and the ``beacon_rules`` check
below then insists that such a 400 names only the listed fields: any other refusal of valid
data is still a failure.
"""

from __future__ import annotations

from typing import Any

import schemathesis

RULES: dict[str, set[str]] = {
    # rules between parameters
    "GET /api/v1/training/coverage/": {"end"},  # end before start
    "GET /api/v1/outreach/counties/": {"end"},  # end before start
    "GET /api/v1/cases/reports/federal/": {"end"},  # end before start
    "GET /api/v1/exports/tips/": {"until"},  # until before since
    "GET /api/v1/exports/cases/": {"until"},
    "GET /api/v1/exports/referrals/": {"until"},
    "GET /api/v1/exports/audit/": {"until"},
    "GET /api/v1/counties/resolve/": {"q"},  # give q, or both lat and lon
    "GET /api/hsds/service_at_locations/": {"proximity"},  # proximity needs a postcode
    "GET /api/v1/search/": {"q"},  # q must read as the chosen kind (a phone number, an e-mail, two names...)
    "POST /api/v1/tips/": {"lat", "lon"},  # both latitude and longitude, or neither
    "POST /api/v1/outreach/campaigns/": {"end_date", "name"},  # end before start; a name already taken
    "POST /api/v1/cases/{case_id}/identifiers/": {"raw", "value", "person"},  # the value must read as its kind;
    # `person` must be a person of this case (data)
    # rules that depend on the data
    "POST /api/v1/cases/{case_id}/agencies/": {"agency"},  # an existing agency
    "POST /api/v1/survivors/{survivor_id}/consents/": {"recipient_agency"},  # an existing agency
    "POST /api/v1/referrals/": {"service"},  # an existing service
    "POST /api/v1/tips/queue/{tip_id}/assign/": {"assignee"},  # an existing user who may work the tip
    "POST /api/v1/outreach/campaigns/{campaign_id}/activities/": {"county"},  # one of the campaign's counties
}


def refused_fields(response: Any) -> set[str]:
    try:
        body = response.json()
    except ValueError:
        return set()
    return set(body.get("fields") or {}) if isinstance(body, dict) else set()


@schemathesis.check
def beacon_rules(ctx: Any, response: Any, case: Any) -> None:
    """A valid request refused with 400 (allowed on the operations of ``RULES`` only) must
    name only the fields of the rule it breaks."""
    allowed = RULES.get(case.operation.label)
    meta = case.meta
    if not allowed or meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return
    fields = refused_fields(response)
    if not fields or not fields <= allowed:
        raise AssertionError(f"Valid data rejected with 400 on {sorted(fields) or 'no field'}: only a rule on "
                             f"{sorted(allowed)} may refuse a request that matches the schema")
