"""Identifier linking in the platform: the same operations as the batch scan, analysts' marks."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest

from beacon.adscan import scan_records
from beacon.core.models import AuditEvent
from beacon.monitoring import services
from beacon.monitoring.models import Ad, IdentifierLink, Operation

URL = "/api/v1/ads/identifier-links/"
FOOTER = "816-234-9999"


def text(tag: str) -> str:
    r = random.Random(tag)
    return " ".join("".join(r.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(25))


def records() -> list[dict[str, Any]]:
    """An operation of 30 spun ads on one phone, and 12 posters (2 ads each, own phone and photo),
    a third of them with the same footer number on one ad."""
    out: list[dict[str, Any]] = []
    for i in range(30):
        out.append({"id": f"op-{i}", "site": "s.example", "body": f"{text(f'op{i}')} call 816-234-0001"})
    for p in range(12):
        for j in range(2):
            body = f"{text(f'poster{p}')} call 816-234-{1000 + p}"
            if p % 3 == 0 and j == 0:
                body += f" report abuse {FOOTER}"
            out.append({"id": f"poster-{p}-{j}", "site": "s.example", "body": body, "images": [f"{p:016x}"]})
    return out


def partition(pairs: list[tuple[str, object]]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = {}
    for ad_id, label in pairs:
        groups.setdefault(label if label is not None else ad_id, set()).add(ad_id)
    return {frozenset(g) for g in groups.values()}


def batch_partition(recs: list[dict[str, Any]]) -> set[frozenset[str]]:
    res = scan_records(recs)
    return partition([(a.ad.id, a.cluster_id) for a in res.ads])


@pytest.mark.django_db
@pytest.mark.parametrize(("chunk", "seed"), [(1, 1), (5, 2), (200, 3)])
def test_ingestion_in_chunks_gives_the_batch_operations(chunk: int, seed: int) -> None:
    recs = records()
    random.Random(seed).shuffle(recs)
    services.ingest_records(recs, acting_user=None, chunk_size=chunk)
    stored = partition(list(Ad.objects.values_list("external_id", "operation_id")))
    assert stored == batch_partition(records())
    footer = IdentifierLink.objects.get(key="tel:+18162349999")
    assert not footer.link and footer.source == "rule" and footer.identities == 4
    op = Operation.objects.get(ads__external_id="op-0")
    services.refresh_summaries()
    op.refresh_from_db()
    assert op.ad_count == 30 and op.links["joined_by"][0]["identifier"] == "tel:+18162340001"


@pytest.mark.django_db
def test_analyst_marks_shared_and_link(api_client_for: Any) -> None:
    services.ingest_records(records(), acting_user=None, chunk_size=50)
    client, user = api_client_for("analyst")
    op = Operation.objects.get(ads__external_id="op-0")
    response = client.post(URL, {"identifier": "tel:+18162340001", "decision": "shared",
                                 "reason": "the number of a motel front desk"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["decision"] == "shared" and response.json()["source"] == "analyst"
    assert Ad.objects.filter(operation=op).count() == 1  # split: each spun ad on its own
    assert Ad.objects.filter(external_id__startswith="op-").values("operation").distinct().count() == 30
    assert AuditEvent.objects.filter(object_type="identifier_link", actor=user).exists()
    assert AuditEvent.objects.filter(object_type="operation", object_id=str(op.pk), summary__contains="split").exists()
    response = client.post(URL, {"identifier": "tel:+18162340001", "decision": "link", "reason": "checked: one"},
                           format="json")
    assert response.status_code == 201
    assert Ad.objects.filter(external_id__startswith="op-").values("operation").distinct().count() == 1
    detail = client.get(f"/api/v1/ads/operations/{Ad.objects.get(external_id='op-3').operation_id}/").json()
    assert detail["links"]["joined_by"][0]["identifier"] == "tel:+18162340001"
    assert detail["links"]["joined_by"][0]["source"] == "analyst"
    listed = client.get(URL, {"source": "analyst"}).json()
    assert [(m["identifier"], m["decision"], m["decided_by"]) for m in listed] == [
        ("tel:+18162340001", "link", user.username)]
    # the next ingestion applies the mark too: a new ad with the phone joins
    services.ingest_records([{"id": "op-new", "site": "s.example", "body": f"{text('new')} call 816-234-0001"}],
                            acting_user=None)
    assert Ad.objects.get(external_id="op-new").operation_id == Ad.objects.get(external_id="op-3").operation_id


@pytest.mark.django_db
def test_mark_errors_have_the_error_shape(api_client_for: Any) -> None:
    services.ingest_records(records()[:3], acting_user=None)
    client, _ = api_client_for("analyst")
    bad = client.post(URL, {"identifier": "tel:+18162340001", "decision": "maybe", "reason": "x"}, format="json")
    assert bad.status_code == 400 and "decision" in bad.json()["fields"]
    unknown = client.post(URL, {"identifier": "tel:+19999999999", "decision": "link", "reason": "x"}, format="json")
    assert unknown.status_code == 404 and "No stored ad" in unknown.json()["error"]
    malformed = client.post(URL, {"identifier": "816-234-0001", "decision": "link", "reason": "x"}, format="json")
    assert malformed.status_code == 400 and "identifier" in malformed.json()["fields"]
    no_reason = client.post(URL, {"identifier": "tel:+18162340001", "decision": "link"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    assert not IdentifierLink.objects.filter(source="analyst").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("analyst", True), ("investigator", True), ("supervisor", True),
                                               ("advocate", False), ("trainer", False)])
def test_who_may_mark(role: str, allowed: bool, api_client_for: Any, staff_client: Any) -> None:
    services.ingest_records(records()[:3], acting_user=None)
    client, _ = api_client_for(role)
    body = {"identifier": "tel:+18162340001", "decision": "shared", "reason": "front desk"}
    assert client.post(URL, body, format="json").status_code == (201 if allowed else 403)
    assert client.get(URL).status_code == (200 if allowed else 403)
    op = Ad.objects.get(external_id="op-1").operation_id or 0
    web, _ = staff_client(role)
    response = web.post(f"/staff/ads/operations/{op}/mark/", {**body, "decision": "link"})
    if allowed:
        assert response.status_code == 302
        assert IdentifierLink.objects.get(key="tel:+18162340001").link
    else:
        assert response.status_code in (403, 404)
        assert IdentifierLink.objects.filter(source="analyst").count() == 0


@pytest.mark.django_db
def test_operation_page_shows_links_and_mark_buttons(staff_client: Any) -> None:
    services.ingest_records(records(), acting_user=None)
    services.refresh_summaries()
    op = Operation.objects.get(ads__external_id="op-0")
    web, _ = staff_client("analyst")
    page = web.get(f"/staff/ads/operations/{op.pk}/").content.decode()
    assert 'id="identifier-links"' in page and "tel:+18162340001" in page
    assert f'action="/staff/ads/operations/{op.pk}/mark/"' in page and 'value="shared"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["B behaviour", "C mutate"])
def test_ingestion_gives_the_batch_operations_on_a_generated_corpus(name: str) -> None:
    """An evaluation generator's corpus (spun operations, booking agents, aggregator reposts,
    shared stock lines and footers), ingested in chunks in another order: the stored operations
    are the batch scan's."""
    from bench.adscan_eval import GENERATORS, draw_settings

    p = draw_settings(name, 1, 4, 250, 250)[0]
    p.update(op_max=80, boilerplate=0.4, aggregator=0.25, agent_share=0.3, spin=0.25, phones_max=4, one_off=0.4)
    recs = GENERATORS[name](4, p).records
    expected = batch_partition(recs)
    assert any(len(g) >= 20 for g in expected)
    order = list(recs)
    random.Random(3).shuffle(order)
    services.ingest_records(order, acting_user=None, chunk_size=60)
    assert partition(list(Ad.objects.values_list("external_id", "operation_id"))) == expected
