"""A tip sent as multipart/form-data (the body that carries photos) reads as its schema says:
``subjects`` is one part holding JSON (``encoding`` in the OpenAPI request body), ``indicators``
repeated text parts, ``null`` or an empty part for no coordinate; a malformed part is a 400 in
the ``{"error", "fields"}`` shape and nothing is stored.

Bodies are encoded here as HTTP clients and schemathesis encode them (urllib3's encoder: a part
with its own ``Content-Type``), not by Django's test client, which can only send text fields."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client
from urllib3.filepost import encode_multipart_formdata

from beacon.core.schema import NOT_BLANK
from beacon.tips.models import Tip

from .conftest import JACKSON

NARRATIVE = "A man keeps three women in an apartment on Troost, text 816 555 0177."
SUBJECTS = {"people": ["Marcus, about 40"], "phones": ["816-555-0177"], "accounts": ["@star_model_scout"],
            "vehicles": [{"description": "white van", "plate": "ABC123", "state": "MO"}],
            "businesses": [{"name": "Golden Spa", "address": "3900 Troost Ave"}]}


def post_parts(parts: list[tuple[str, Any]]) -> Any:
    body, content_type = encode_multipart_formdata(parts)
    return Client().post("/api/v1/tips/", body, content_type=content_type)


def subjects_part(text: str | bytes, content_type: str | None = "application/json") -> tuple[str, Any]:
    return ("subjects", (None, text, content_type) if content_type else (None, text))


@pytest.mark.parametrize("content_type", ["application/json", None])
def test_subjects_as_a_json_part_are_stored(mo: Any, content_type: str | None) -> None:
    response = post_parts([("narrative", NARRATIVE), ("county", JACKSON), ("indicators", "threatened"),
                           ("indicators", "debt"), subjects_part(json.dumps(SUBJECTS), content_type)])
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert tip.subjects == SUBJECTS
    assert sorted(tip.indicators) == ["debt", "threatened"]


def test_the_same_tip_as_json_and_as_multipart_is_stored_alike(mo: Any) -> None:
    fields = {"narrative": NARRATIVE, "county": JACKSON, "situation": "labor", "danger": True,
              "lat": 39.05, "lon": -94.57, "subjects": SUBJECTS}
    assert Client().post("/api/v1/tips/", fields, content_type="application/json").status_code == 201
    assert post_parts([("narrative", NARRATIVE), ("county", JACKSON), ("situation", "labor"), ("danger", "true"),
                       ("lat", "39.05"), ("lon", "-94.57"),
                       subjects_part(json.dumps(SUBJECTS))]).status_code == 201
    first, second = Tip.objects.order_by("id")
    for name in ("narrative", "county_id", "situation", "danger", "subjects", "lat", "lon"):
        assert getattr(first, name) == getattr(second, name), name


@pytest.mark.parametrize(("text", "message"), [
    ('{"people": ["Marcus"', "JSON"),  # cut off
    ("people=Marcus", "JSON"),  # form-encoded, not JSON
    ('{"people": ' + "[" * 40 + "]" * 40 + "}", "deep"),  # nested past BEACON_JSON_MAX_DEPTH
    ('["Marcus"]', "dictionary"),  # JSON, but not an object
    ('{"people": "Marcus"}', "list"),  # the object's own fields are checked as in a JSON body
    ('{"vehicles": [' + ",".join(['{"plate": "A"}'] * 11) + "]}", "10"),  # at most 10 vehicles (maxItems)
    ('{"phones": ["\\u001c"]}', "blank"),  # only a character Python strips: blank
])
def test_a_malformed_subjects_part_is_a_400_naming_it(mo: Any, text: str, message: str) -> None:
    response = post_parts([("narrative", NARRATIVE), subjects_part(text)])
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "fields"} and list(body["fields"]) == ["subjects"]
    assert message.lower() in json.dumps(body["fields"]).lower()
    assert Tip.objects.count() == 0


@pytest.mark.parametrize("empty", ["null", ""])
def test_a_multipart_tip_without_coordinates_spells_them_null_or_empty(mo: Any, empty: str) -> None:
    # schemathesis and JSON-minded clients send None as "null"; an HTML form sends ""
    response = post_parts([("narrative", NARRATIVE), ("lat", empty), ("lon", empty)])
    assert response.status_code == 201, response.content
    assert Tip.objects.get().lat is None


@pytest.mark.parametrize("value", ["true", "false", "north"])
def test_a_multipart_coordinate_must_be_a_number(mo: Any, value: str) -> None:
    response = post_parts([("narrative", NARRATIVE), ("lat", value), ("lon", "-94.57")])
    assert response.status_code == 400 and list(response.json()["fields"]) == ["lat"]
    assert Tip.objects.count() == 0


def test_a_json_body_cannot_carry_photos_and_says_so_in_the_schema(mo: Any) -> None:
    client = Client()
    schema = client.get("/api/v1/schema/?format=json").json()
    body = schema["paths"]["/api/v1/tips/"]["post"]["requestBody"]["content"]
    json_schema = schema["components"]["schemas"][body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert json_schema["properties"]["photos"]["maxItems"] == 0
    form_schema = schema["components"]["schemas"][body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert form_schema["properties"]["photos"]["items"] == {"type": "string", "format": "binary"}
    assert body["multipart/form-data"]["encoding"] == {"subjects": {"contentType": "application/json"}}
    refused = client.post("/api/v1/tips/", {"narrative": NARRATIVE, "photos": [""]}, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["photos"]
    accepted = client.post("/api/v1/tips/", {"narrative": NARRATIVE, "photos": []}, content_type="application/json")
    assert accepted.status_code == 201


def test_subjects_schema_states_the_list_bounds_the_serializer_checks(mo: Any) -> None:
    schema = Client().get("/api/v1/schema/?format=json").json()["components"]["schemas"]["SubjectsRequest"]
    assert schema["properties"]["vehicles"]["maxItems"] == 10
    assert schema["properties"]["businesses"]["maxItems"] == 10
    assert schema["properties"]["phones"]["items"]["pattern"] == NOT_BLANK


def test_not_blank_pattern_means_what_drf_trimming_means() -> None:
    """For every code point, the schema's pattern (read by an ECMA validator, as schemathesis and
    API clients read it) accepts a one-character string exactly when DRF keeps it after trimming."""
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": NOT_BLANK})
    disagree = [hex(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
                and validator.is_valid(chr(c)) != bool(chr(c).strip())]
    assert disagree == []
    old = jsonschema_rs.validator_for({"type": "string", "pattern": r"\S"})
    assert old.is_valid("\x1c") and not "\x1c".strip()  # what the old pattern let through


# --- Idempotency-Key: found by the schemathesis CLI (docs/security.md) ------------------------
def test_an_empty_idempotency_key_is_refused_not_ignored(mo: Any) -> None:
    response = Client().post("/api/v1/tips/", {"narrative": NARRATIVE}, content_type="application/json",
                             HTTP_IDEMPOTENCY_KEY="")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["Idempotency-Key"]
    assert Tip.objects.count() == 0


@pytest.mark.parametrize("body", [b"0", b'{"narrative": "short"}', b"\x00"])
def test_a_resent_key_with_an_invalid_body_is_a_400(mo: Any, body: bytes) -> None:
    key = "3f1c9a8e-6b2d-4c57-9a41-1e0d2b7c5f60"
    client = Client()
    first = client.post("/api/v1/tips/", {"narrative": NARRATIVE}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/v1/tips/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    assert again.status_code == 400 and set(again.json()) == {"error", "fields"}
    resent = client.post("/api/v1/tips/", {"narrative": NARRATIVE}, content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY=key)
    assert resent.status_code == 200 and resent.json()["receipt_code"] == first.json()["receipt_code"]
    assert Tip.objects.count() == 1
