"""Job ads in the platform: ingestion with a kind (CLI, API, upload), rejected kinds, per-kind operations,
the staff pages in English and Spanish, and escalation to a labor-trafficking case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from beacon.core.models import AuditEvent
from beacon.monitoring import services
from beacon.monitoring.models import Ad, IngestRun, Operation, RejectedRow

OFFER_EN = ("Farm workers needed now in {town}. Earn $40/hr, no experience needed! Housing provided, rent is deducted "
            "from your pay. Recruitment fee $400. We keep your passport. {company}. WhatsApp only: 573-555-0199")
OFFER_ES = ("Se buscan trabajadores para la cosecha en {town}. Gane $40 por hora, sin experiencia. Vivienda incluida, "
            "la renta se descuenta de su pago. Cuota de reclutamiento $400. Guardamos su pasaporte. {company}. "
            "Solo por WhatsApp: 573-555-0199")
LEGIT = ("Seasonal farm workers in {town}. $15.66/hr. Free housing and transportation provided. No fees are charged "
         "to workers. Delta Farms LLC, 1200 County Road 4, {town}, MO. Call 573-555-0123.")
TOWNS = ["Sikeston", "Poplar Bluff", "Cape Girardeau", "Farmington"]
COMPANIES = ["River Bend Farms LLC", "Ozark Produce LLC", "Cedar Farms LLC", "Heartland Farms LLC"]


def job_records() -> list[dict[str, Any]]:
    recs = []
    for i, (town, company) in enumerate(zip(TOWNS, COMPANIES, strict=True)):
        text = (OFFER_EN if i % 2 == 0 else OFFER_ES).format(town=town, company=company)
        recs.append({"id": f"job-{i}", "site": "jobs.example", "city": town, "state": "MO", "body": text,
                     "posted_at": f"2026-03-0{i + 1}T10:00:00Z"})
    for i, town in enumerate(TOWNS[:3]):
        recs.append({"id": f"legit-{i}", "site": "jobs.example", "city": town, "state": "MO",
                     "body": LEGIT.format(town=town), "posted_at": f"2026-03-0{i + 1}T12:00:00Z"})
    return recs


def jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def jobs_run(db: Any, tmp_path: Path) -> IngestRun:
    return services.ingest_file(jsonl(tmp_path / "jobs.jsonl", job_records()), acting_user=None, kind="job")


def recruiter(run: IngestRun) -> Operation:
    return Ad.objects.get(external_id="job-0").operation  # type: ignore[return-value]


def test_a_job_feed_is_stored_with_its_kind_details_and_one_operation_per_recruiter(jobs_run: IngestRun) -> None:
    assert jobs_run.created == 7 and jobs_run.rejected == 0
    assert set(Ad.objects.values_list("kind", flat=True)) == {"job"}
    ad = Ad.objects.get(external_id="job-0")
    assert ad.job["industry"] == "agriculture" and ad.job["messaging_only"] is True
    assert "recruitment" in ad.job["fees"]
    op = recruiter(jobs_run)
    assert op.ad_count == 4 and op.kinds == ["job"] and op.industry == "agriculture"
    codes = [r["code"] for r in op.reasons]
    assert "OP_JOB_MANY_EMPLOYERS" in codes and "OP_JOB_MANY_TOWNS" in codes
    legit = Ad.objects.get(external_id="legit-0").operation
    assert legit is not None and legit.pk != op.pk and legit.ad_count == 3
    # the lawful employer with housing and transport ranks far below the recruiter
    assert legit.risk < 2 < op.risk
    assert [r["code"] for r in legit.reasons if r["code"].startswith("OP_JOB_MANY_EMPLOYERS")] == []


def test_escort_and_job_ads_stay_apart_unless_an_identifier_links_them(jobs_run: IngestRun) -> None:
    text = "Sweet young girl new in town, ask for Candy, call now for fun tonight downtown 816-555-0142"
    services.ingest_records([{"id": "esc-1", "site": "esc.example", "body": text},
                             {"id": "esc-2", "site": "esc.example", "body": text + " xo"}], acting_user=None)
    escort_op = Ad.objects.get(external_id="esc-1").operation
    assert escort_op is not None and escort_op.kinds == ["escort"] and escort_op.ad_count == 2
    assert recruiter(jobs_run).kinds == ["job"]
    # a job ad with the escort ads' phone joins them, and the operation says which identifier links the kinds
    services.ingest_records([{"id": "job-x", "site": "jobs.example", "body": "Massage spa hiring, call 816-555-0142"}],
                            acting_user=None, kind="job")
    op = Ad.objects.get(external_id="job-x").operation
    assert op is not None and op.pk == escort_op.pk
    op.refresh_from_db()
    assert op.kinds == ["escort", "job"]
    cross = next(r for r in op.reasons if r["code"] == "OP_CROSS_KIND_LINK")
    assert "+18165550142" in cross["evidence"]


def test_bad_kinds_are_rejected_with_a_reason_and_the_rest_stored(db: Any, tmp_path: Path) -> None:
    recs = [{"id": "a", "body": "Farm work $15/hr"}, {"id": "b", "kind": "labour", "body": "x"},
            {"id": "c", "kind": "escort", "body": "new in town"}]
    run = services.ingest_file(jsonl(tmp_path / "f.jsonl", recs), acting_user=None, kind="job")
    assert run.created == 2 and run.rejected == 1
    row = RejectedRow.objects.get(run=run)
    assert row.line == 2 and row.reason == "unknown kind 'labour': expected one of escort, job"
    assert dict(Ad.objects.values_list("external_id", "kind")) == {"a": "job", "c": "escort"}
    with pytest.raises(services.IngestError, match="unknown kind 'jobs'"):
        services.ingest_file(tmp_path / "f.jsonl", acting_user=None, kind="jobs")


def test_command_line_takes_kind(db: Any, tmp_path: Path, capsys: Any) -> None:
    path = jsonl(tmp_path / "jobs.jsonl", job_records())
    call_command("ads", "ingest", str(path), "--kind", "job", "--quiet")
    assert "stored 7 new" in capsys.readouterr().out
    assert set(Ad.objects.values_list("kind", flat=True)) == {"job"}
    with pytest.raises(CommandError, match="unknown kind 'labor'"):
        call_command("ads", "ingest", str(path), "--kind", "labor", "--quiet")


def test_api_takes_kind_per_batch_and_per_record(api_client_for: Any) -> None:
    client, _ = api_client_for("analyst")
    url = "/api/v1/ads/batches/"
    response = client.post(f"{url}?kind=job", job_records()[:2], format="json")
    assert response.status_code == 201, response.content
    assert set(Ad.objects.values_list("kind", flat=True)) == {"job"}
    response = client.post(url, [{"id": "r1", "kind": "job", "body": "Farm work"}, {"id": "r2", "kind": "x"}],
                           format="json")
    assert response.status_code == 201
    assert response.json()["rejected"] == 1
    assert Ad.objects.get(external_id="r1").kind == "job"
    bad = client.post(f"{url}?kind=labour", job_records()[:1], format="json")
    assert bad.status_code == 400
    assert "unknown kind" in bad.json()["fields"]["kind"][0]
    upload = SimpleUploadedFile("jobs.jsonl", "".join(json.dumps(r) + "\n" for r in job_records()[4:]).encode())
    response = client.post(url, {"file": upload, "kind": "job"}, format="multipart")
    assert response.status_code == 201 and Ad.objects.get(external_id="legit-0").kind == "job"


def test_staff_upload_takes_kind(staff_client: Any) -> None:
    client, _ = staff_client("analyst")
    upload = SimpleUploadedFile("jobs.jsonl", "".join(json.dumps(r) + "\n" for r in job_records()).encode())
    response = client.post(reverse("monitoring:runs"), {"file": upload, "kind": "job"})
    assert response.status_code == 302
    assert set(Ad.objects.values_list("kind", flat=True)) == {"job"}


def test_operation_page_highlights_job_evidence_in_english_and_spanish(jobs_run: IngestRun, staff_client: Any) -> None:
    client, user = staff_client("analyst")
    op = recruiter(jobs_run)
    html = client.get(reverse("monitoring:operation", args=[op.pk])).content.decode()
    # evidence highlighted in both languages of the ads
    assert '<mark class="beacon-flag" data-code="JOB_WORKER_PAYS_FEES"' in html
    assert ">Recruitment fee</mark>" in html and ">Cuota de reclutamiento</mark>" in html
    assert ">We keep your passport</mark>" in html and ">Guardamos su pasaporte</mark>" in html
    assert ">WhatsApp only</mark>" in html and ">Solo por WhatsApp</mark>" in html
    assert "One job offer posted under several employer names" in html
    assert 'data-kind="job"' in html and "Agriculture &amp; Animal Husbandry" in html
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="operation").exists()



def test_job_labels_are_translated_to_spanish(jobs_run: IngestRun) -> None:
    """The staff pages' job-ad labels come from the Spanish catalogue when Spanish is active."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from beacon.monitoring.labels import INDICATOR_TITLES, indicator_title

    op = recruiter(jobs_run)
    with translation.override("es"):
        assert indicator_title("JOB_WORKER_PAYS_FEES") == "Se cobra al trabajador una cuota de reclutamiento, visa o colocación"
        assert indicator_title("OP_JOB_MANY_EMPLOYERS") == "Una oferta de empleo publicada con varios nombres de empleador"
        html = render_to_string("monitoring/_kinds.html", {"op": op})
    assert "Anuncios de empleo" in html and "Agricultura y ganadería" in html
    with translation.override("en"):
        english = {c: str(t) for c, t in INDICATOR_TITLES.items()}
    with translation.override("es"):
        spanish = {c: str(t) for c, t in INDICATOR_TITLES.items()}
    assert all(spanish[c] != english[c] for c in INDICATOR_TITLES), "every job label has a Spanish translation"


def test_queue_filters_by_kind(jobs_run: IngestRun, staff_client: Any) -> None:
    services.ingest_records([{"id": "e1", "body": "new in town call 816-555-0150"},
                             {"id": "e2", "body": "new in town call 816-555-0150 xo"}], acting_user=None)
    client, _ = staff_client("analyst")
    jobs = list(client.get(reverse("monitoring:index"), {"kind": "job", "status": "open", "min_ads": 2})
                .context["page"])
    escort = list(client.get(reverse("monitoring:index"), {"kind": "escort", "status": "open", "min_ads": 2})
                  .context["page"])
    assert jobs and all("job" in o.kinds for o in jobs)
    assert escort and all(o.kinds == ["escort"] for o in escort)
    assert jobs[0] == recruiter(jobs_run)  # the recruiter ranks above the lawful employer


def test_escalating_a_job_operation_opens_a_labor_case_with_its_venue_type(jobs_run: IngestRun,
                                                                           staff_client: Any) -> None:
    client, _ = staff_client("investigator")
    op = recruiter(jobs_run)
    response = client.post(reverse("monitoring:decide", args=[op.pk]), {"decision": "escalate"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/new/?from=operation%3A{op.pk}&kind=labor&venue_type=agriculture"
    form = client.get(response["Location"]).context["form"]
    assert form.initial["kind"] == "labor" and form.initial["venue_type"] == "agriculture"
    # unknown suggestions are dropped, not trusted
    form = client.get(f"/staff/cases/new/?from=operation:{op.pk}&kind=evil&venue_type=nowhere").context["form"]
    assert "kind" not in form.initial and "venue_type" not in form.initial


@pytest.mark.parametrize("role", ["advocate", "trainer", "viewer"])
def test_job_operations_are_refused_to_other_roles(role: str, jobs_run: IngestRun, staff_client: Any) -> None:
    client, user = staff_client(role)
    op = recruiter(jobs_run)
    assert client.get(reverse("monitoring:operation", args=[op.pk])).status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()
