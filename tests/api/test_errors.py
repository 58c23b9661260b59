"""Issue #11: small inputs must not give server errors, and every /api/ error is JSON."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from rest_framework.test import APIClient

from beacon.core.parsers import nesting_depth
from beacon.tips.models import Tip

pytestmark = pytest.mark.usefixtures("mo")

NARRATIVE = "A long enough description of what happened."


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "fields"} and body["error"]
    return body


# --- nesting depth --------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/api/v1/tips/", "/api/v1/tips/follow-up/", "/api/v1/tips/follow-up/messages/"])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(url: str) -> None:
    body = '{"subjects": ' + nested(950) + "}"  # ~2 KB; gave a 500 (RecursionError)
    response = Client().post(url, body, content_type="application/json")
    error = assert_error_shape(response, 400)
    assert "nested too deeply" in error["error"] and "32" in error["error"]
    assert Tip.objects.count() == 0


def test_nesting_up_to_the_limit_is_parsed(settings: Any) -> None:
    settings.BEACON_JSON_MAX_DEPTH = 4
    client = APIClient()
    ok = client.post("/api/v1/tips/", f'{{"narrative": "{NARRATIVE}", "subjects": {{"people": ["A"]}}, "x": [[[]]]}}',
                     content_type="application/json")
    assert ok.status_code == 201, ok.content
    too_deep = client.post("/api/v1/tips/", f'{{"narrative": "{NARRATIVE}", "x": [[[[]]]]}}',
                           content_type="application/json")
    assert "nested too deeply" in assert_error_shape(too_deep, 400)["error"]


def test_nesting_depth_ignores_brackets_inside_strings() -> None:
    assert nesting_depth(b'{"a": [[1]]}', 32) == 3
    assert nesting_depth(json.dumps({"a": "[[[[{{{{"}).encode(), 32) == 1
    assert nesting_depth(json.dumps(["\\", ["\"[["]]).encode(), 32) == 2
    assert nesting_depth(nested(100_000).encode(), 32) == 33  # stops at the limit


def test_malformed_json_is_a_400() -> None:
    response = Client().post("/api/v1/tips/", '{"narrative": ', content_type="application/json")
    assert "JSON parse error" in assert_error_shape(response, 400)["error"]
    nan = Client().post("/api/v1/tips/", '{"narrative": NaN}', content_type="application/json")
    assert_error_shape(nan, 400)


# --- booleans are not numbers -----------------------------------------------------------------
@pytest.mark.parametrize("coords", [{"lat": True, "lon": -94.5}, {"lat": 39.1, "lon": False}])
def test_booleans_are_refused_as_coordinates(coords: dict[str, Any]) -> None:
    response = APIClient().post("/api/v1/tips/", {"narrative": NARRATIVE, **coords}, format="json")
    body = assert_error_shape(response, 400)
    assert set(body["fields"]) == set(k for k, v in coords.items() if isinstance(v, bool))
    assert Tip.objects.count() == 0


def test_numbers_are_still_coordinates() -> None:
    response = APIClient().post("/api/v1/tips/", {"narrative": NARRATIVE, "lat": 39, "lon": -94.5786}, format="json")
    assert response.status_code == 201, response.content
    assert Tip.objects.get().lat == 39.0


# --- every error under /api/ is JSON ------------------------------------------------------------
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/api/v1/no-such-thing/", "/api/hsds/no/such/", "/api/v2/"])
def test_unknown_api_paths_are_a_json_404(settings: Any, url: str, debug: bool) -> None:
    settings.DEBUG = debug
    assert_error_shape(Client().get(url), 404)


def test_unknown_page_paths_stay_html() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_json_405() -> None:
    response = Client().delete("/api/v1/tips/")
    assert_error_shape(response, 405)
    assert "POST" in response["Allow"]


def test_unsupported_media_type_is_a_json_415() -> None:
    response = Client().post("/api/v1/tips/", "narrative=x", content_type="text/plain")
    assert_error_shape(response, 415)


def test_public_body_limit_is_a_json_413() -> None:
    response = APIClient().post("/api/v1/tips/", {"narrative": "x" * 70_000}, format="json")
    assert "too large" in assert_error_shape(response, 413)["error"]


def test_django_upload_limit_is_a_json_413(api_client_for: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client, _ = api_client_for("analyst")
    records = [{"id": f"ad{i}", "body": "x" * 100} for i in range(20)]
    response = client.post("/api/v1/ads/batches/", records, format="json")
    assert "too large" in assert_error_shape(response, 413)["error"]
    form = client.post("/api/v1/ads/batches/", {"note": "x" * 2048})  # multipart: Django's RequestDataTooBig
    assert_error_shape(form, 413)


def test_rate_limit_is_a_json_429(settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "1/3600"}
    client = APIClient()
    assert client.post("/api/v1/tips/", {"narrative": NARRATIVE}, format="json").status_code == 201
    limited = client.post("/api/v1/tips/", {"narrative": NARRATIVE}, format="json")
    assert_error_shape(limited, 429)
    assert int(limited["Retry-After"]) > 0


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_exception_is_a_json_500_without_traceback(settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    with mock.patch("beacon.core.api_views.geo.resolve_place", side_effect=RuntimeError("secret-detail")):
        response = client.get("/api/v1/counties/resolve/", {"q": "Springfield"})
    body = assert_error_shape(response, 500)
    assert "secret-detail" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert body["fields"] == {}


def test_unhandled_exception_outside_drf_is_a_json_500(settings: Any) -> None:
    client = Client(raise_request_exception=False)
    with mock.patch("beacon.survivors.hsds_api.ApiMeta.get", side_effect=RuntimeError("secret-detail")):
        response = client.get("/api/hsds/")
    assert_error_shape(response, 500)
    assert "secret-detail" not in response.content.decode()
