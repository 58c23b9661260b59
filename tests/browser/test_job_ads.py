"""Issue #17 in real Chromium: an analyst opens a job-ad operation (one recruiter, four company names,
ads in English and Spanish) and sees its evidence highlighted in both languages of the ads, with the
page in English and in Spanish, and escalates it to a labor-trafficking case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from beacon.monitoring import services
from beacon.monitoring.models import Ad
from tests.browser.staff import signed_in_page, tr
from tests.monitoring.test_jobs import job_records, jsonl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (indicator code, highlighted text in the English ads, in the Spanish ads)
HIGHLIGHTS = [
    ("JOB_WORKER_PAYS_FEES", "Recruitment fee", "Cuota de reclutamiento"),
    ("JOB_DOCUMENTS_HELD", "We keep your passport", "Guardamos su pasaporte"),
    ("JOB_MESSAGING_ONLY", "WhatsApp only", "Solo por WhatsApp"),
    ("JOB_DEBT_DEDUCTIONS", "deducted from your pay", "se descuenta"),
]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_analyst_sees_a_job_operation_with_its_evidence_highlighted(live_server: Any, browser: Any, mo: Any,
                                                                    user_factory: Any, tmp_path: Path,
                                                                    lang: str) -> None:
    services.ingest_file(jsonl(tmp_path / "jobs.jsonl", job_records()), acting_user=None, kind="job")
    op = Ad.objects.get(external_id="job-0").operation
    assert op is not None
    page = signed_in_page(browser, live_server, user_factory("investigator"), 1280, language=lang)
    page.goto(f"{live_server.url}/staff/ads/?kind=job")
    assert page.locator("html").get_attribute("lang") == lang
    # the recruiter's operation is first in the job-ad queue
    page.locator("#queue tbody tr").first.get_by_role("link", name=f"#{op.pk}").click()
    page.wait_for_url(f"{live_server.url}/staff/ads/operations/{op.pk}/")
    for code, english, spanish in HIGHLIGHTS:
        marks = page.locator(f'mark.beacon-flag[data-code="{code}"]')
        texts = {marks.nth(k).inner_text() for k in range(marks.count())}
        assert {english, spanish} <= texts, (code, texts)
        assert marks.first.is_visible()
    # the reasons are named in the page's language
    body = page.locator("main").inner_text()
    assert tr(lang, "One job offer posted under several employer names") in body
    # escalation opens a labor case with the venue type of the typology
    page.get_by_role("button", name=tr(lang, "Escalate to a case")).click()
    page.wait_for_url(f"{live_server.url}/staff/cases/new/**")
    assert page.get_by_label(tr(lang, "Trafficking type")).input_value() == "labor"
    assert page.get_by_label(tr(lang, "Venue / industry (Polaris typology)")).input_value() == "agriculture"
    assert not page.js_errors
