"""Escalating a real tip: the case form starts from the tip, the tip is marked and links back; link search."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beacon.cases.models import Case, CaseLink
from beacon.core.models import AuditEvent
from beacon.tips import services as tip_services
from beacon.tips.models import Status, Tip


def _tip(**kw: Any) -> Tip:
    data = {"narrative": "Workers at the farm near the highway say the boss keeps their passports. Call 816-555-0144.",
            "county_fips": "29095", "situation": "labor"}
    data.update(kw)
    return tip_services.tip_submit(data=tip_services.TipInput(**data)).tip


def test_escalate_prefills_the_case_and_marks_the_tip(world: Any, staff_client: Any) -> None:
    tip = _tip()
    client, user = staff_client(user=world.kc_inv)
    form = client.get(reverse("cases:create"), {"from": f"tip:{tip.pk}"})
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["kind"] == Case.Kind.LABOR
    assert [c.fips for c in initial["counties"]] == ["29095"]
    assert initial["summary"].startswith(f"From tip #{tip.pk} received ") and "keeps their passports" in initial["summary"]
    assert initial["title"] == f"Tip #{tip.pk}, Jackson County"
    page = form.content.decode()
    assert "+18165550144" in page  # the identifiers the case will receive are listed
    assert '<option value="29095" selected>Jackson County</option>' in page
    response = client.post(reverse("cases:create") + f"?from=tip:{tip.pk}", {
        "title": initial["title"], "kind": "labor", "summary": initial["summary"], "counties": ["29095"],
        "opened_on": "2026-03-01"})
    assert response.status_code == 302
    case = Case.objects.get(title=initial["title"])
    assert [c.fips for c in case.counties.all()] == ["29095"]
    tip.refresh_from_db()
    assert tip.status == Status.ESCALATED
    assert AuditEvent.objects.filter(object_type="tip", object_id=str(tip.pk), action="update",
                                     summary__contains="escalated").exists()
    detail = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in detail and "Escalated to a case" in detail


def test_tip_page_counts_cases_the_user_may_not_open(world: Any, staff_client: Any, user_factory: Any) -> None:
    tip = _tip()
    client, _ = staff_client(user=world.kc_inv)
    client.post(reverse("cases:create") + f"?from=tip:{tip.pk}", {"title": "Hidden", "kind": "labor",
                                                                    "opened_on": "2026-03-01"})
    case = Case.objects.get(title="Hidden")
    colleague = user_factory("investigator", agency=world.stl)  # another force: the tip is routed to KC only
    assert not CaseLink.objects.filter(case__lead_agency=world.stl).exists()
    supervisor = user_factory("supervisor", agency=world.kc)
    sup_client, _ = staff_client(user=supervisor)
    page = sup_client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    # Same agency: the supervisor sees the case; the STL colleague cannot see the tip at all.
    assert f"Case #{case.pk}" in page
    other_client, _ = staff_client(user=colleague)
    assert other_client.get(reverse("tips:detail", args=[tip.pk])).status_code == 404


def test_link_search_finds_only_what_the_user_may_see(world: Any, staff_client: Any, open_case: Any) -> None:
    mine = _tip(narrative="Massage place on Main Street, girls live upstairs, call 816 555 0170", county_fips="29095")
    theirs = _tip(narrative="Massage place in St. Louis, girls live upstairs, call 314 555 0170", county_fips="29510")
    case = open_case(world.kc_inv)
    client, _ = staff_client(user=world.kc_inv)
    response = client.get(reverse("cases:link", args=[case.pk]), {"q": "massage"})
    found = [(o.object_type, o.object_id) for o in response.context["results"]]
    assert ("tip", str(mine.pk)) in found and ("tip", str(theirs.pk)) not in found
    by_phone = client.get(reverse("cases:link", args=[case.pk]), {"q": "(816) 555-0170"}).context["results"]
    assert [(o.object_type, o.object_id) for o in by_phone] == [("tip", str(mine.pk))]
    by_number = client.get(reverse("cases:link", args=[case.pk]), {"q": f"#{theirs.pk}"}).context["results"]
    assert by_number == []
    # The result's button posts the source: the tip is linked and its identifiers copied.
    assert client.post(reverse("cases:link", args=[case.pk]), {"source": f"tip:{mine.pk}"}).status_code == 302
    assert case.links.get().object_id == str(mine.pk)
