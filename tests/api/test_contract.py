"""Issue #11: the OpenAPI schema matches what the API does (focused regression tests; the
property-based sweep of every operation is test_schemathesis.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.usefixtures("mo")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))  # as served (lazy strings rendered)


def op(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    return schema["paths"][path][method]


def test_error_component_is_the_api_error_shape(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "fields"} and set(error["required"]) == {"error", "fields"}


@pytest.mark.parametrize(("path", "method", "statuses"), [
    ("/api/v1/tips/", "post", {"400", "413", "415", "429"}),
    ("/api/v1/tips/follow-up/", "post", {"400", "403", "429"}),
    ("/api/v1/tips/queue/", "get", {"400", "401", "403", "404"}),
    ("/api/v1/tips/queue/{tip_id}/", "get", {"401", "403", "404"}),
    ("/api/v1/me/", "get", {"401"}),
    ("/api/v1/counties/resolve/", "get", {"400", "404"}),
    ("/api/v1/cases/", "post", {"400", "401", "403", "413", "415"}),
    ("/api/v1/outreach/campaigns/", "post", {"400", "401", "403"}),
    ("/api/v1/training/certificates/{code}/", "get", {"404", "429"}),
    ("/api/hsds/services/", "get", {"400"}),
    ("/api/hsds/services/{id}/", "get", {"404"}),
])
def test_operations_list_the_errors_they_give(schema: dict[str, Any], path: str, method: str,
                                              statuses: set[str]) -> None:
    responses = op(schema, path, method)["responses"]
    assert statuses <= set(responses), set(responses)
    for status in statuses:
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error"


def test_public_operations_do_not_list_401(schema: dict[str, Any]) -> None:
    assert "401" not in op(schema, "/api/v1/tips/", "post")["responses"]
    assert "401" not in op(schema, "/api/hsds/services/")["responses"]


@pytest.mark.parametrize("path", ["/api/v1/services/search/", "/api/v1/outreach/campaigns/",
                                  "/api/v1/outreach/counties/", "/api/v1/survivors/", "/api/v1/referrals/"])
def test_paginated_lists_are_documented_as_pages(schema: dict[str, Any], path: str) -> None:
    ok = op(schema, path)["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert page["type"] == "object" and {"count", "next", "previous", "results"} <= set(page["properties"])
    names = [p["name"] for p in op(schema, path)["parameters"]]
    assert names.count("page") == 1 and names.count("per_page") == 1


def test_ndjson_is_documented(schema: dict[str, Any]) -> None:
    content = op(schema, "/api/hsds/services/")["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/x-ndjson"}


def test_pagination_parameters_are_bounded_in_the_schema(schema: dict[str, Any]) -> None:
    params = {p["name"]: p for p in op(schema, "/api/v1/training/courses/")["parameters"]}
    assert params["per_page"]["schema"] == {"type": "integer", "minimum": 1}
    assert params["page"]["schema"] == {"type": "integer", "minimum": 1}


def test_county_fields_list_the_missouri_counties(schema: dict[str, Any]) -> None:
    enum = schema["components"]["schemas"]["TipSubmitRequest"]["properties"]["county"]["anyOf"][0]["enum"]
    assert len(enum) == 116 and "" in enum and "29510" in enum


# --- behaviour the schema now promises --------------------------------------------------------
@pytest.mark.parametrize("per_page", ["null", "0", "-3", "abc", "1.5", ""])
def test_bad_per_page_is_a_400(per_page: str) -> None:
    response = APIClient().get("/api/v1/training/courses/", {"per_page": per_page})
    assert response.status_code == 400 and "per_page" in response.json()["fields"]


def test_per_page_given_twice_is_a_400() -> None:
    response = APIClient().get("/api/v1/training/courses/?per_page=1&per_page=2")
    assert response.status_code == 400 and "per_page" in response.json()["fields"]


def test_large_per_page_is_clamped_and_page_past_the_end_is_a_404() -> None:
    ok = APIClient().get("/api/v1/counties/", {"per_page": 100_000})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 115
    assert APIClient().get("/api/v1/counties/", {"page": 0}).status_code == 400
    assert APIClient().get("/api/v1/counties/", {"page": "last"}).status_code == 400
    past = APIClient().get("/api/v1/counties/", {"page": 99})
    assert past.status_code == 404 and set(past.json()) == {"error", "fields"}


@pytest.mark.parametrize(("per_page", "size"), [("0", 1), ("-5", 1), ("2", 2), ("100000", 500)])
def test_hsds_per_page_follows_hsds(per_page: str, size: int) -> None:
    """HSDS 3's OpenAPI declares per_page a plain integer: any integer is a valid request."""
    response = APIClient().get("/api/hsds/taxonomy_terms/", {"per_page": per_page})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["contents"]) == min(size, body["total_items"])
    assert APIClient().get("/api/hsds/taxonomy_terms/", {"per_page": "many"}).status_code == 400
    assert APIClient().get("/api/hsds/taxonomy_terms/", {"page": "-2"}).json()["page_number"] == 1


def test_hsds_booleans_are_checked() -> None:
    response = APIClient().get("/api/hsds/services/", {"full": "null"})
    assert response.status_code == 400 and "full" in response.json()["fields"]
    assert APIClient().get("/api/hsds/services/", {"full": "false"}).status_code == 200


def test_search_parameters_are_checked() -> None:
    bad = APIClient().get("/api/v1/services/search/", {"need": "nonsense", "radius_km": "far"})
    assert bad.status_code == 400 and {"need", "radius_km"} <= set(bad.json()["fields"])


def test_ndjson_content_type() -> None:
    response = APIClient().get("/api/hsds/taxonomy_terms/", {"format": "ndjson"})
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"


@pytest.mark.parametrize("start", ["0326-12-21", "0001-01-01", "9999-12-31"])
def test_coverage_dates_are_rfc3339(api_client_for: Any, start: str) -> None:
    import re

    client, _ = api_client_for("trainer")
    response = client.get("/api/v1/training/coverage/", {"start": start, "end": "9999-12-31"})
    assert response.status_code == 200, response.content
    rfc3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
    assert rfc3339.match(response.json()["start"]) and rfc3339.match(response.json()["end"]), response.json()


def test_nul_in_query_is_a_400() -> None:
    response = APIClient().get("/api/hsds/services/", {"search": "a\x00b"})
    assert response.status_code == 400 and "NUL" in response.json()["error"]


def test_unpaired_surrogate_is_a_400() -> None:
    body = '{"narrative": "A long enough description \\ud800 of it."}'
    response = APIClient().post("/api/v1/tips/", body, content_type="application/json")
    assert response.status_code == 400 and "surrogate" in response.json()["error"]
    paired = '{"narrative": "A long enough description \\ud83d\\ude00 of it."}'
    assert APIClient().post("/api/v1/tips/", paired, content_type="application/json").status_code == 201


@pytest.mark.parametrize("narrative", [" " * 20 + "x", "\n\n\n\n\n\n\n\n\nabc"])
def test_blank_padded_narrative_is_refused_as_the_schema_says(narrative: str) -> None:
    response = APIClient().post("/api/v1/tips/", {"narrative": narrative}, format="json")
    assert response.status_code == 400 and "narrative" in response.json()["fields"]


def test_campaign_ending_before_it_starts_names_the_field(api_client_for: Any) -> None:
    client, _ = api_client_for("supervisor")
    body = {"name": "Spring", "start_date": "2030-03-01", "end_date": "2030-02-01", "counties": ["29095"]}
    response = client.post("/api/v1/outreach/campaigns/", body, format="json")
    assert response.status_code == 400  # was {"__all__": ["Constraint ... is violated."]}
    assert response.json()["fields"] == {"end_date": ["The campaign cannot end before it starts."]}


def test_forms_are_not_api_bodies(api_client_for: Any) -> None:
    client, _ = api_client_for("supervisor")
    response = client.post("/api/v1/outreach/campaigns/", {"name": "Spring"})  # multipart
    assert response.status_code == 415 and set(response.json()) == {"error", "fields"}
