from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from beacon.core.models import AuditEvent
from beacon.monitoring import services
from beacon.monitoring.models import Ad, IngestRun, Operation, OperationDecision
from beacon.monitoring.selectors import Mark, highlight

REVIEWERS = ["analyst", "investigator", "supervisor"]
OTHERS = ["admin", "advocate", "trainer", "viewer"]


def i70(ingested: IngestRun) -> Operation:
    return Ad.objects.get(external_id="demo-i70-01").operation  # type: ignore[return-value]


@pytest.mark.parametrize("role", REVIEWERS)
def test_reviewers_see_the_queue_ranked_by_risk(role: str, mo: Any, ingested: IngestRun, staff_client: Any,
                                                django_assert_max_num_queries: Any) -> None:
    client, _user = staff_client(role)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("monitoring:index"))
    assert response.status_code == 200
    ops = list(response.context["page"])
    assert [o.risk for o in ops] == sorted((o.risk for o in ops), reverse=True)
    assert ops[0] == i70(ingested) and len(ops) == 3
    assert b"OP_RAPID_MOVEMENT" in response.content and b"Moves between cities quickly" in response.content


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused(role: str, mo: Any, ingested: IngestRun, staff_client: Any) -> None:
    client, user = staff_client(role)
    op = i70(ingested)
    assert client.get(reverse("monitoring:index")).status_code == 403
    assert client.get(reverse("monitoring:operation", args=[op.pk])).status_code == 403
    response = client.post(reverse("monitoring:decide", args=[op.pk]), {"decision": "dismiss", "reason": "x"})
    assert response.status_code == 403
    op.refresh_from_db()
    assert op.status == Operation.Status.NEW and not OperationDecision.objects.exists()
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 3


def test_operation_page_highlights_spans_and_draws_the_map(mo: Any, ingested: IngestRun, staff_client: Any) -> None:
    client, user = staff_client("analyst")
    op = i70(ingested)
    response = client.get(reverse("monitoring:operation", args=[op.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<mark class="beacon-flag" data-code="AD_YOUTH_LANGUAGE"' in html
    assert ">sweet young</mark>" in html
    assert 'data-code="AD_OBSCURED_PHONE"' in html and ">eight one six 555 o1o2</mark>" in html
    assert html.count('class="county"') == 115  # Missouri's county-level units
    assert html.count('class="stop"') == len(op.movement) >= 4
    assert html.count('class="ad-dot"') == 8  # the timeline: one dot per dated ad
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="operation", object_id=str(op.pk)).exists()


def test_highlight_escapes_text_and_evidence() -> None:
    out = highlight("<script>x</script> young & <b>", [Mark(19, 24, "AD_<i>", "t\"itle")])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<mark class="beacon-flag" data-code="AD_&lt;i&gt;" title="t&quot;itle">young</mark>' in out
    assert out.endswith("&amp; &lt;b&gt;")
    # overlapping and out-of-range spans never duplicate text
    assert highlight("abcdef", [Mark(0, 4, "A", ""), Mark(2, 6, "B", ""), Mark(5, 99, "C", "")]).count("mark") == 4


def test_missing_operation_is_a_404_and_audited(mo: Any, staff_client: Any, db: Any) -> None:
    client, user = staff_client("analyst")
    assert client.get(reverse("monitoring:operation", args=[999999])).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="operation").exists()


def test_dismiss_needs_a_reason_then_is_audited(mo: Any, ingested: IngestRun, staff_client: Any) -> None:
    client, user = staff_client("investigator")
    op = i70(ingested)
    url = reverse("monitoring:decide", args=[op.pk])
    client.post(url, {"decision": "dismiss", "reason": " "})
    op.refresh_from_db()
    assert op.status == Operation.Status.NEW and not OperationDecision.objects.exists()
    response = client.post(url, {"decision": "dismiss", "reason": "legitimate agency ads"})
    assert response.status_code == 302
    op.refresh_from_db()
    assert op.status == Operation.Status.DISMISSED and op.decided_by == user
    assert op.decision_reason == "legitimate agency ads"
    event = AuditEvent.objects.get(actor=user, action="update", object_type="operation", object_id=str(op.pk))
    assert event.detail["decision"] == "dismiss"
    # a dismissed operation leaves the open queue
    assert op not in list(client.get(reverse("monitoring:index")).context["page"])


def test_watch_and_escalate(mo: Any, ingested: IngestRun, staff_client: Any) -> None:
    client, _user = staff_client("supervisor")
    op = i70(ingested)
    url = reverse("monitoring:decide", args=[op.pk])
    client.post(url, {"decision": "watch"})
    op.refresh_from_db()
    assert op.status == Operation.Status.WATCH
    response = client.post(url, {"decision": "escalate"})
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/new/?from=operation%3A{op.pk}&kind=sex&venue_type=escort_services"
    op.refresh_from_db()
    assert op.status == Operation.Status.ESCALATED
    assert list(op.decisions.values_list("decision", flat=True)) == ["escalate", "watch"]


def test_new_ads_reopen_a_dismissed_operation(mo: Any, ingested: IngestRun, user_factory: Any) -> None:
    op = i70(ingested)
    services.operation_decide(operation=op, decision="dismiss", reason="test", acting_user=user_factory("analyst"))
    services.ingest_records([{"id": "demo-i70-99", "site": "classifieds.example.com", "title": "(demo)",
                              "body": "new number same girl call 816-555-0101 tonight"}], acting_user=None)
    op.refresh_from_db()
    assert op.status == Operation.Status.NEW and op.ad_count == 9


def test_ingestion_page_upload_and_rejected_rows(mo: Any, staff_client: Any, tmp_path: Path) -> None:
    client, user = staff_client("analyst")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = b'{"id": "u1", "site": "example.com", "body": "call 816-555-0190 (demo)"}\n{bad\n'
    response = client.post(reverse("monitoring:runs"), {"file": SimpleUploadedFile("feed.jsonl", data)})
    run = IngestRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("monitoring:run", args=[run.pk])
    assert (run.created, run.rejected, run.submitted_by) == (1, 1, user)
    page = client.get(reverse("monitoring:run", args=[run.pk]))
    assert b"invalid JSON" in page.content
    # investigators review but do not ingest
    other, _ = staff_client("investigator")
    assert other.get(reverse("monitoring:runs")).status_code == 403
    # an analyst of another agency does not see this run
    stranger, _ = staff_client("analyst")
    assert stranger.get(reverse("monitoring:run", args=[run.pk])).status_code == 404


def test_queue_search_by_phone_written_any_way(mo: Any, ingested: IngestRun, staff_client: Any) -> None:
    client, _ = staff_client("analyst")
    found = list(client.get(reverse("monitoring:index"), {"q": "(417) 555-0111", "status": "open"}).context["page"])
    assert [o.pk for o in found] == [Ad.objects.get(external_id="demo-i44-01").operation_id]
    assert list(client.get(reverse("monitoring:index"), {"q": "demo_ozark"}).context["page"]) == found


@given(text=st.text(alphabet=st.sampled_from(list("ab<>&\"' /script=")), max_size=40),
       spans=st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45)), max_size=5))
def test_highlight_never_lets_markup_through(text: str, spans: list[tuple[int, int]]) -> None:
    """Whatever the ad text and whatever spans the indicators claim, the only tags are our ``<mark>``s
    and the text reads back exactly."""
    import html as _html

    out = str(highlight(text, [Mark(a, b, "<x>", '"t"') for a, b in spans]))
    tags = re.findall(r"<[^>]*>", out)
    assert all(re.fullmatch(r'<mark class="beacon-flag" data-code="&lt;x&gt;" title="&quot;t&quot;">|</mark>', t)
               for t in tags)
    assert _html.unescape(re.sub(r"<[^>]*>", "", out)) == text
