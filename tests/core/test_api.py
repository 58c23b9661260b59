from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from beacon.core.models import AuditEvent

pytestmark = pytest.mark.usefixtures("mo")


def test_county_list_is_public_and_complete(django_assert_max_num_queries: Any) -> None:
    client = APIClient()
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/counties/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 115 and len(body["results"]) == 115
    row = next(r for r in body["results"] if r["fips"] == "29095")
    assert row["name"] == "Jackson County" and row["population"] > 700_000
    assert "geometry" not in row


def test_county_detail() -> None:
    response = APIClient().get("/api/v1/counties/29510/")
    assert response.status_code == 200
    assert response.json()["name"] == "St. Louis city"
    assert response.json()["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    missing = APIClient().get("/api/v1/counties/99999/")
    assert missing.status_code == 404
    assert missing.json() == {"error": "No Missouri county has FIPS code '99999'.", "fields": {}}


@pytest.mark.parametrize(
    ("params", "fips"),
    [({"q": "Saint Louis city"}, "29510"), ({"q": "st. louis county"}, "29189"), ({"q": "29510"}, "29510"),
     ({"lat": "39.0997", "lon": "-94.5786"}, "29095")],
)
def test_resolve(params: dict[str, str], fips: str) -> None:
    response = APIClient().get("/api/v1/counties/resolve/", params)
    assert response.status_code == 200, response.json()
    assert response.json()["fips"] == fips


def test_resolve_errors() -> None:
    client = APIClient()
    nothing = client.get("/api/v1/counties/resolve/", {"q": "Atlantis"})
    assert nothing.status_code == 404 and "Atlantis" in nothing.json()["error"]
    outside = client.get("/api/v1/counties/resolve/", {"lat": "41.88", "lon": "-87.63"})
    assert outside.status_code == 404 and "outside Missouri" in outside.json()["error"]
    bad = client.get("/api/v1/counties/resolve/", {"lat": "north", "lon": "-87"})
    assert bad.status_code == 400 and "lat" in bad.json()["fields"]
    out_of_range = client.get("/api/v1/counties/resolve/", {"lat": "123", "lon": "-87"})
    assert out_of_range.status_code == 400
    empty = client.get("/api/v1/counties/resolve/")
    assert empty.status_code == 400 and empty.json()["fields"]["q"]


def test_openapi_schema() -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/counties/resolve/" in schema["paths"]


def test_api_requires_authentication() -> None:
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"error", "fields"}


def test_token_authentication(api_client_for: Any) -> None:
    client, user = api_client_for("analyst")
    body = client.get("/api/v1/me/").json()
    assert body["username"] == user.username
    assert body["roles"] == ["analyst"]
    assert "monitoring.review" in body["permissions"] and "core.view_audit" not in body["permissions"]


def test_audit_api_admin_only(api_client_for: Any) -> None:
    analyst, user = api_client_for("analyst")
    response = analyst.get("/api/v1/audit/")
    assert response.status_code == 403
    assert response.json()["error"]
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="api").exists()

    admin, _ = api_client_for("admin")
    listing = admin.get("/api/v1/audit/", {"action": "denied"})
    assert listing.status_code == 200
    assert listing.json()["count"] >= 1
    assert all(e["action"] == "denied" for e in listing.json()["results"])
    assert admin.get("/api/v1/audit/", {"since": "yesterday"}).status_code == 400


def test_pagination(api_client_for: Any) -> None:
    admin, _ = api_client_for("admin")
    for _ in range(3):
        admin.get("/api/v1/audit/")
    page = admin.get("/api/v1/audit/", {"per_page": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
