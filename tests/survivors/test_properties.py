from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.core.models import Agency
from beacon.survivors import hsds_io, services
from beacon.survivors.models import SHAREABLE_FIELDS, Referral, Service

FIELDS = sorted(SHAREABLE_FIELDS)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(consented=st.sets(st.sampled_from(FIELDS), min_size=1), shared=st.sets(st.sampled_from(FIELDS)))
def test_a_referral_is_sent_iff_the_consent_covers_every_shared_field(
    mo: Any, agency_factory: Callable[..., Agency], user_factory: Any, provider: Callable[..., Service],
    consented: set[str], shared: set[str],
) -> None:
    ours, theirs = agency_factory("ngo"), agency_factory("ngo")
    advocate = user_factory("advocate", agency=ours)
    survivor = services.survivor_create(acting_user=advocate, preferred_name="P")
    consent = services.consent_record(acting_user=advocate, survivor=survivor, recipient_agency=theirs,
                                      fields=sorted(consented), purpose="p", method="written",
                                      expires_at=timezone.now() + dt.timedelta(days=3))
    service = provider("S", agency=theirs, needs=["legal"])
    allowed = bool(shared) and shared <= consented
    try:
        referral = services.referral_create(acting_user=advocate, survivor=survivor, service=service, consent=consent,
                                            shared_fields=sorted(shared))
    except ValidationError:
        assert not allowed
        assert not Referral.objects.filter(survivor=survivor).exists()
    else:
        assert allowed
        from beacon.survivors.selectors import referral_shared_fields

        assert set(referral_shared_fields(referral)) == shared


services_strategy = st.lists(
    st.fixed_dictionaries({
        "name": st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40)
        .filter(str.strip),
        "minimum_age": st.one_of(st.none(), st.integers(0, 30)),
        "status": st.sampled_from(["active", "inactive", "defunct", "temporarily closed"]),
    }),
    min_size=1, max_size=6,
)


@SETTINGS
@given(items=services_strategy)
def test_json_ingestion_is_idempotent(mo: Any, items: list[dict[str, Any]]) -> None:
    org_id = str(uuid.uuid4())
    doc = {"id": org_id, "name": "Org", "description": "d",
           "services": [{"id": str(uuid.uuid4()), **{k: v for k, v in item.items() if v is not None}} for item in items]}
    first = hsds_io.import_rows(hsds_io.flatten_json([doc]))
    assert first.rejected == [] and first.created["service"] == len(items)
    state = set(Service.objects.filter(organization_id=org_id).values_list("id", "name", "minimum_age", "status"))
    second = hsds_io.import_rows(hsds_io.flatten_json([doc]))
    assert sum(second.created.values()) == 0 and second.updated["service"] == len(items)
    assert set(Service.objects.filter(organization_id=org_id).values_list("id", "name", "minimum_age", "status")) == state
