"""Task forces, agencies and county coverage: staff pages and ``beacon taskforce``, one audited service layer."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from beacon.core.models import Agency, AuditEvent, County, Role, TaskForce
from beacon.tips import services as tip_services
from beacon.tips.models import Tip

JACKSON = "29095"  # covered by the Kansas City Area Task Force


def routed(fips: str) -> set[str]:
    result = tip_services.tip_submit(data=tip_services.TipInput(
        narrative="A teenager is kept at a house and not allowed to leave.", county_fips=fips))
    return set(Tip.objects.get(pk=result.tip.pk).routes.values_list("task_force__slug", flat=True))


@pytest.fixture
def uncovered(mo: Any) -> County:
    """A county no regional task force covers (its tips go to the statewide task force)."""
    return County.objects.exclude(task_forces__statewide=False).order_by("fips").first()  # type: ignore[return-value]


def test_admin_creates_a_task_force_and_its_coverage_changes_routing(platform_admin: Any, uncovered: County,
                                                                       agency_factory: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "1000/3600"}
    client, admin = platform_admin
    assert routed(uncovered.fips) == {"statewide"}
    response = client.post(reverse("core:taskforce_create"), {"name": "Ozark Border Task Force", "slug": "ozark"})
    assert response.status_code == 302 and response.url == reverse("core:taskforce", args=["ozark"])
    tf = TaskForce.objects.get(slug="ozark")
    member = agency_factory()
    page = client.get(reverse("core:taskforce", args=["ozark"]))
    assert page.status_code == 200 and b"data-checklist-filter" in page.content and uncovered.name.encode() in page.content
    saved = client.post(reverse("core:taskforce", args=["ozark"]), {
        "tf-name": "Ozark Border Task Force", "tf-description": "Pilot", "cov-agencies": [member.pk],
        "cov-counties": [uncovered.fips, JACKSON]})
    assert saved.status_code == 302
    assert set(tf.counties.values_list("fips", flat=True)) == {uncovered.fips, JACKSON}
    assert list(tf.agencies.all()) == [member]
    # A new tip from the newly covered county now goes to the new task force, not statewide.
    assert routed(uncovered.fips) == {"ozark"}
    assert routed(JACKSON) == {"kansas-city", "ozark"}
    events = AuditEvent.objects.filter(actor=admin, object_type="task_force", object_id=str(tf.pk))
    assert events.filter(action="create").count() == 1
    assert events.filter(detail__covered=sorted([uncovered.fips, JACKSON])).count() == 1
    assert events.filter(detail__agency_added=member.pk).count() == 1
    # Removing the county sends its next tip back to the statewide task force.
    client.post(reverse("core:taskforce", args=["ozark"]), {
        "tf-name": "Ozark Border Task Force", "tf-description": "Pilot", "cov-agencies": [member.pk],
        "cov-counties": [JACKSON]})
    assert routed(uncovered.fips) == {"statewide"}
    assert events.filter(detail__uncovered=[uncovered.fips]).count() == 1


def test_admin_creates_and_edits_an_agency(platform_admin: Any) -> None:
    client, admin = platform_admin
    response = client.post(reverse("core:agency_create"), {"name": "Ozark County Sheriff", "kind": "law_enforcement",
                                                           "county": "29153"})
    assert response.status_code == 302
    agency = Agency.objects.get(name="Ozark County Sheriff")
    assert agency.kind == "law_enforcement" and agency.county_id == "29153"
    client.post(reverse("core:agency_edit", args=[agency.pk]), {"name": "Ozark County Sheriff", "kind": "other",
                                                                 "county": "29153"})
    agency.refresh_from_db()
    assert agency.kind == "other"
    assert AuditEvent.objects.filter(actor=admin, object_type="agency", object_id=str(agency.pk)).count() == 2
    bad = client.post(reverse("core:agency_create"), {"name": "Ozark County Sheriff", "kind": "law_enforcement"})
    assert bad.status_code == 200 and b"already exists" in bad.content


def test_statewide_coverage_cannot_shrink(platform_admin: Any) -> None:
    from django.core.exceptions import ValidationError

    from beacon.core.services_taskforces import task_force_uncover

    statewide = TaskForce.objects.get(statewide=True)
    with pytest.raises(ValidationError):
        task_force_uncover(task_force=statewide, counties=[County.objects.get(fips=JACKSON)], acting_user=None)
    assert statewide.counties.count() == County.objects.count()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_task_force_pages_refuse_non_admins(role: str, staff_client: Any, mo: Any) -> None:
    client, user = staff_client(role)
    before = set(TaskForce.objects.get(slug="kansas-city").counties.values_list("fips", flat=True))
    assert client.get(reverse("core:taskforces")).status_code == 403
    assert client.post(reverse("core:taskforce", args=["kansas-city"]), {"tf-name": "x", "cov-counties": []}).status_code == 403
    assert set(TaskForce.objects.get(slug="kansas-city").counties.values_list("fips", flat=True)) == before
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2


def test_cli_manages_task_forces(mo: Any, uncovered: County, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "1000/3600"}

    def run(*args: str) -> str:
        out = StringIO()
        call_command("taskforce", *args, stdout=out)
        return out.getvalue()

    assert "created" in run("create", "river", "River Counties Task Force").lower()
    assert "Created agency" in run("add-agency", "river", "River County Sheriff", "--kind", "law_enforcement",
                                   "--county", "Jackson")
    assert "was already in" in run("add-agency", "river", "River County Sheriff")
    assert "1 more" in run("cover", "river", uncovered.name.removesuffix(" County"))
    assert routed(uncovered.fips) == {"river"}
    listing = run("list")
    assert "river\tRiver Counties Task Force\t1 counties\t1 agencies" in listing and "River County Sheriff" in listing
    assert "no longer covers 1" in run("uncover", "river", uncovered.fips)
    assert routed(uncovered.fips) == {"statewide"}
    assert "left" in run("remove-agency", "river", "River County Sheriff")
    tf = TaskForce.objects.get(slug="river")
    events = AuditEvent.objects.filter(object_type="task_force", object_id=str(tf.pk))
    # create, add, cover, uncover, remove (the no-op second add writes nothing)
    assert events.count() == 5 and all(e.detail.get("via") == "cli" and e.actor is None for e in events)
    with pytest.raises(CommandError, match="Unknown Missouri county"):
        run("cover", "river", "Atlantis")
    with pytest.raises(CommandError, match="No task force"):
        run("cover", "nowhere", JACKSON)
    with pytest.raises(CommandError, match="add --kind"):
        run("add-agency", "river", "Unknown Agency")
    with pytest.raises(CommandError, match="already"):
        run("create", "river", "River Counties Task Force")
