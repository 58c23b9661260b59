from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beacon.core.models import AuditEvent
from beacon.monitoring import services
from beacon.monitoring.demo import feed
from beacon.monitoring.models import Ad, IngestRun

URL = "/api/v1/ads/batches/"


def test_analyst_posts_a_json_batch(api_client_for: Any) -> None:
    client, user = api_client_for("analyst")
    records = [*feed()[:6], {"title": "no id"}]
    response = client.post(URL, records, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["created"], body["rejected"]) == ("done", 6, 1)
    assert body["rejected_rows"] == [{"line": 7, "reason": "missing required field 'id'"}]
    again = client.post(URL, records, format="json").json()
    assert (again["created"], again["unchanged"]) == (0, 6)
    assert Ad.objects.count() == 6
    detail = client.get(f"{URL}{body['id']}/")
    assert detail.status_code == 200 and detail.json()["created"] == 6


def test_upload_jsonl_and_csv(api_client_for: Any) -> None:
    client, _ = api_client_for("analyst")
    csv = b"id,site,body\nx1,example.com,call 816-555-0181 (demo)\n"
    response = client.post(URL, {"file": SimpleUploadedFile("a.csv", csv)}, format="multipart")
    assert response.status_code == 201 and response.json()["created"] == 1
    jsonl = b'{"id": "x2", "site": "example.com", "body": "call 816-555-0182"}\nnot json\n'
    response = client.post(URL, {"file": SimpleUploadedFile("a.jsonl", jsonl)}, format="multipart")
    assert response.json()["created"] == 1 and response.json()["rejected_rows"][0]["line"] == 2
    response = client.post(URL, {"file": SimpleUploadedFile("b.csv", b"name,body\na,b\n")}, format="multipart")
    assert response.status_code == 400 and "no 'id' column" in response.json()["fields"]["file"][0]


def test_large_batch_is_queued_to_a_task(api_client_for: Any, django_capture_on_commit_callbacks: Any,
                                         monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "INLINE_LIMIT", 5)
    client, _ = api_client_for("analyst")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, feed(), format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert len(callbacks) == 1
    run = IngestRun.objects.get(pk=response.json()["id"])
    assert run.status == IngestRun.Status.DONE and run.created == len(feed()) and run.payload is None
    assert Ad.objects.count() == len(feed())


@pytest.mark.parametrize("role", ["investigator", "supervisor", "viewer", "advocate"])
def test_only_ingesting_roles_may_post(role: str, api_client_for: Any) -> None:
    client, user = api_client_for(role)
    response = client.post(URL, feed()[:2], format="json")
    assert response.status_code == 403 and response.json()["error"]
    assert not Ad.objects.exists() and not IngestRun.objects.exists()
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()


def test_bad_body_is_a_validation_error(api_client_for: Any) -> None:
    client, _ = api_client_for("analyst")
    response = client.post(URL, {"id": "x"}, format="json")
    assert response.status_code == 400 and "JSON list" in response.json()["error"]
    assert client.post(URL, [], format="json").status_code == 400


def test_batch_of_another_agency_is_not_found(api_client_for: Any) -> None:
    client, _ = api_client_for("analyst")
    run_id = client.post(URL, feed()[:1], format="json").json()["id"]
    other, user = api_client_for("analyst")
    assert other.get(f"{URL}{run_id}/").status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="ad_ingest_run").exists()


def test_operations_api(api_client_for: Any, ingested: IngestRun, django_assert_max_num_queries: Any) -> None:
    client, user = api_client_for("investigator")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/ads/operations/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3 and results[0]["risk"] >= results[1]["risk"] >= results[2]["risk"]
    detail = client.get(f"/api/v1/ads/operations/{results[0]['id']}/").json()
    assert len(detail["ads"]) == detail["ad_count"] == 8
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="operation").exists()
    viewer, _ = api_client_for("viewer")
    assert viewer.get("/api/v1/ads/operations/").status_code == 403
    assert client.get("/api/v1/ads/operations/?min_ads=x").status_code == 400


def test_uploads_are_capped_before_and_after_gunzip(api_client_for: Any, staff_client: Any, monkeypatch: Any) -> None:
    """A file over the cap, a small gzip that unpacks past it, or broken gzip: a 400 with a reason, nothing stored."""
    import gzip

    monkeypatch.setattr(services, "UPLOAD_MAX_BYTES", 1000)
    client, _ = api_client_for("analyst")
    big = b"id,site,body\n" + b"x1,example.com," + b"a" * 2000 + b"\n"
    response = client.post(URL, {"file": SimpleUploadedFile("big.csv", big)}, format="multipart")
    assert response.status_code == 400 and "larger than" in response.json()["fields"]["file"][0]
    bomb = gzip.compress(b"id,site,body\n" + b"x2,example.com,call 816-555-0181\n" * 200)
    assert len(bomb) < 1000
    response = client.post(URL, {"file": SimpleUploadedFile("bomb.csv.gz", bomb)}, format="multipart")
    assert response.status_code == 400 and "unpacked file is larger" in response.json()["fields"]["file"][0]
    broken = b"\x1f\x8b" + b"not gzip at all"
    response = client.post(URL, {"file": SimpleUploadedFile("broken.gz", broken)}, format="multipart")
    assert response.status_code == 400 and "not valid gzip" in response.json()["fields"]["file"][0]
    page_client, _ = staff_client("analyst")
    page = page_client.post("/staff/ads/ingest/", {"file": SimpleUploadedFile("bomb.csv.gz", bomb)})
    assert page.status_code == 200 and b"unpacked file is larger" in page.content
    assert Ad.objects.count() == 0 and IngestRun.objects.count() == 0
