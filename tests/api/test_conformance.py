"""What the schemathesis CLI's coverage phase found (issue #11), each pinned by a plain test:
empty query values, numbers where text is documented, values outside a documented enum or
type, and periods given by one bound only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from beacon.core.errors import EMPTY_MESSAGE

pytestmark = pytest.mark.usefixtures("mo")


# --- text fields take text only ------------------------------------------------------------
@pytest.mark.parametrize("field", [serializers.CharField(), serializers.EmailField(), serializers.URLField(),
                                   serializers.RegexField(r".*"), serializers.SlugField()])
@pytest.mark.parametrize("value", [0, -102178261, 1.5, True, [], {}])
def test_text_fields_refuse_numbers_and_other_json_types(field: Any, value: Any) -> None:
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation(value)
    assert "string" in str(refused.value.detail[0]).lower()


def test_text_fields_still_take_text() -> None:
    assert serializers.CharField().run_validation("  0 ") == "0"
    assert serializers.EmailField().run_validation("a@example.org") == "a@example.org"


@pytest.mark.parametrize("value", [0, 1, 0.0, None, [], {}])
def test_a_boolean_in_a_json_body_is_not_a_number(value: Any) -> None:
    class Body(serializers.Serializer):
        flag = serializers.BooleanField()

    body = Body(data={"flag": value})
    assert not body.is_valid() and set(body.errors) == {"flag"}
    assert Body(data={"flag": False}).is_valid()


def test_a_boolean_in_a_query_string_or_form_is_text() -> None:
    from django.http import QueryDict

    class Body(serializers.Serializer):
        flag = serializers.BooleanField()

    assert Body(data={"flag": "true"}).is_valid()  # a multipart part, read into a dict

    class Params(serializers.Serializer):
        flag = serializers.BooleanField()

    for text, value in (("true", True), ("false", False), ("1", True), ("0", False)):
        params = Params(data=QueryDict(f"flag={text}"))
        assert params.is_valid() and params.validated_data["flag"] is value


def test_a_number_for_text_in_a_json_body_is_a_400_naming_the_field() -> None:
    response = APIClient().post("/api/v1/tips/", {"narrative": 1234567890}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"narrative"}


def test_the_spam_reason_must_be_text(api_client_for: Any, agency_factory: Any) -> None:
    from beacon.tips.models import Tip

    api, _ = api_client_for("supervisor", agency=agency_factory(task_force="kansas-city"))
    tip = APIClient().post("/api/v1/tips/", {"narrative": "Someone is kept at a motel in Kansas City.",
                                             "county": "29095"}, format="json")
    assert tip.status_code == 201
    tip_id = Tip.objects.latest("pk").pk
    response = api.post(f"/api/v1/tips/queue/{tip_id}/spam/", {"is_spam": False, "reason": 0}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"reason"}


# --- empty query values --------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "/api/v1/training/workshops/?county=",
    "/api/hsds/services/?modified_after=",
    "/api/v1/services/search/?need=",
    "/api/v1/counties/resolve/?q=&lat=1",
    "/api/v1/courses/?page=",
])
def test_an_empty_query_value_is_a_400_naming_it(url: str) -> None:
    response = APIClient().get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.json() == {"error": "Some fields are not valid.", "fields": {name: [EMPTY_MESSAGE]}}


def test_an_empty_query_value_is_refused_for_staff_too(api_client_for: Any) -> None:
    api, _ = api_client_for("supervisor")
    response = api.get("/api/v1/tips/queue/", {"until": "", "status": "new"})
    assert response.status_code == 400 and response.json()["fields"] == {"until": [EMPTY_MESSAGE]}
    assert api.get("/api/v1/tips/queue/", {"status": "new"}).status_code == 200


def test_the_schema_gives_every_text_query_parameter_a_minimum_length() -> None:
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["schema"].get("type") == "string":
                    checked += 1
                    assert parameter["schema"].get("minLength", 0) >= 1 or "enum" in parameter["schema"], \
                        (method, path, parameter["name"])
                    assert not parameter.get("allowEmptyValue"), (method, path, parameter["name"])
    assert checked > 50


# --- values outside the documented type or enum ---------------------------------------------
def test_hsds_page_size_is_checked_for_ndjson_too() -> None:
    response = APIClient().get("/api/hsds/organizations/", {"per_page": "null", "format": "ndjson"})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"per_page"}
    assert APIClient().get("/api/hsds/organizations/", {"per_page": "5", "format": "ndjson"}).status_code == 200


def test_hsds_full_is_checked_when_minimal_wins() -> None:
    """CLI rerun (anonymous, --max-examples 20): ``minimal=true&full=188518655161`` was a 200."""
    response = APIClient().get("/api/hsds/services/", {"minimal": "true", "full": "188518655161"})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"full"}
    assert APIClient().get("/api/hsds/services/", {"minimal": "true", "full": "true"}).status_code == 200


def test_county_resolve_states_the_coordinate_ranges_it_checks() -> None:
    """CLI rerun: ``lat=-1.3e87`` was valid by the schema (a plain number) and refused (400)."""
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/counties/resolve/"]["get"]["parameters"]}
    assert (parameters["lat"]["minimum"], parameters["lat"]["maximum"]) == (-90, 90)
    assert (parameters["lon"]["minimum"], parameters["lon"]["maximum"]) == (-180, 180)
    response = APIClient().get("/api/v1/counties/resolve/", {"lat": "-1.3447672530966147e+87", "lon": "8.3e263"})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"lat"}


def test_workshop_audience_must_be_one_of_the_listed() -> None:
    response = APIClient().get("/api/v1/training/workshops/", {"audience": "AAA"})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"audience"}
    assert APIClient().get("/api/v1/training/workshops/", {"audience": "faith"}).status_code == 200


def test_ad_operation_status_must_be_one_of_the_listed(api_client_for: Any) -> None:
    api, _ = api_client_for("investigator")
    response = api.get("/api/v1/ads/operations/", {"status": "AAA"})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"status"}
    assert api.get("/api/v1/ads/operations/", {"status": "new"}).status_code == 200


@pytest.mark.parametrize(("value", "status"), [("null", 400), ("yes", 400), ("true", 200), ("false", 200), ("1", 200)])
def test_alerts_all_is_a_boolean(api_client_for: Any, value: str, status: int) -> None:
    api, _ = api_client_for("investigator")
    response = api.get("/api/v1/cases/alerts/", {"all": value})
    assert response.status_code == status
    if status == 400:
        assert set(response.json()["fields"]) == {"all"}


# --- periods given by one bound ----------------------------------------------------------------
def test_training_coverage_with_only_an_end_is_the_year_before_it(api_client_for: Any) -> None:
    api, _ = api_client_for("supervisor")
    assert api.get("/api/v1/training/coverage/", {"end": "2000-01-01"}).status_code == 200
    assert api.get("/api/v1/training/coverage/", {"start": "2999-01-01"}).status_code == 200
    refused = api.get("/api/v1/training/coverage/", {"start": "2000-01-02", "end": "2000-01-01"})
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"end"}


def test_outreach_counties_with_only_an_end_is_the_period_before_it(api_client_for: Any) -> None:
    from beacon.core.api import period

    api, _ = api_client_for("supervisor")
    assert api.get("/api/v1/outreach/counties/", {"end": "2000-01-01", "per_page": 1}).status_code == 200
    refused = api.get("/api/v1/outreach/counties/", {"start": "2000-01-02", "end": "2000-01-01"})
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"end"}
    year = dt.timedelta(days=365)
    today = timezone.localdate()
    assert period(None, dt.date(2000, 1, 1), default_end=today, length=year) == (dt.date(1999, 1, 1), dt.date(2000, 1, 1))
    assert period(dt.date(2000, 1, 1), None, default_end=today, length=year) == (dt.date(2000, 1, 1), dt.date(2000, 12, 31))
    assert period(None, None, default_end=today, length=year) == (today - year, today)
