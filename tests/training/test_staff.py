from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beacon.core.models import AuditEvent
from beacon.training import services, stats
from beacon.training.models import Completion, Course, Feedback, Registration, Workshop


def register(workshop: Workshop, n: int) -> Registration:
    return services.registration_create(workshop_id=workshop.pk, name=f"Person {n}", email=f"p{n}@example.org")


def held(workshop_factory: Any, *, county: str, audience: str, present: int, absent: int = 0, days_ago: int = 10,
         trainer: Any = None) -> Workshop:
    """A workshop that took place `days_ago` with `present` attendees and `absent` no-shows."""
    extra = {"trainer": trainer} if trainer else {}
    workshop = workshop_factory(county_id=county, audience=audience, capacity=present + absent + 1, **extra)
    regs = [register(workshop, i) for i in range(present + absent)]
    services.attendance_record(workshop=workshop, present_ids=[r.pk for r in regs[:present]],
                               acting_user=workshop.trainer, send_feedback=False)
    starts = timezone.now() - dt.timedelta(days=days_ago)
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    workshop.refresh_from_db()
    return workshop


@pytest.mark.parametrize("role", ["viewer", "investigator", "advocate", "admin", "trainer"])
def test_index_works_for_every_staff_role(role: str, staff_client: Any) -> None:
    client, _ = staff_client(role)
    response = client.get(reverse("training:index"))
    assert response.status_code == 200
    assert (b"New session" in response.content) == (role == "trainer")


def test_non_trainer_cannot_manage_sessions(staff_client: Any, workshop_factory: Any) -> None:
    workshop = workshop_factory()
    client, user = staff_client("investigator")
    before = Workshop.objects.count()
    for name, args in [("training:workshop_new", []), ("training:workshop", [workshop.pk]),
                       ("training:attendance", [workshop.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("training:workshop_new"), {"title": "x"}).status_code == 403
    assert Workshop.objects.count() == before
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 4


def test_trainer_manages_only_their_own_sessions(staff_client: Any, workshop_factory: Any, api_client_for: Any) -> None:
    theirs = workshop_factory(title="Someone else's")
    register(theirs, 1)
    client, me = staff_client("trainer")
    for name in ("training:workshop", "training:attendance", "training:workshop_edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    response = client.post(reverse("training:attendance", args=[theirs.pk]), {"present": [theirs.registrations.get().pk]})
    assert response.status_code == 404
    assert client.post(reverse("training:workshop_cancel", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.attendance_taken_at is None and theirs.status == "scheduled"
    assert theirs.registrations.get().attended is None
    denied = AuditEvent.objects.filter(actor=me, action="denied", object_type="training_workshop", object_id=str(theirs.pk))
    assert denied.count() == 5
    assert not AuditEvent.objects.filter(actor=me, action="read").exists()
    rest, _ = api_client_for(user=me)
    assert rest.get(reverse("training-workshop-registrations", args=[theirs.pk])).status_code == 404


def test_trainer_creates_edits_and_reads_registrations(staff_client: Any, api_client_for: Any, mo: Any) -> None:
    client, me = staff_client("trainer")
    start = (timezone.localtime() + dt.timedelta(days=5)).replace(second=0, microsecond=0)
    data = {"title": "Drivers' night", "audience": "transportation", "language": "en", "county": "29161",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "venue_name": "", "online_url": "", "capacity": "1", "waitlist_enabled": "on", "waitlist_limit": "0"}
    refused = client.post(reverse("training:workshop_new"), data)
    assert refused.status_code == 400 and b"Give a venue or an online link." in refused.content
    created = client.post(reverse("training:workshop_new"), {**data, "venue_name": "Travel plaza"})
    workshop = Workshop.objects.get(title="Drivers' night")
    assert created.status_code == 302 and workshop.trainer == me and workshop.county_id == "29161"
    first, second = register(workshop, 1), register(workshop, 2)
    assert second.status == "waitlisted"
    # Raising the capacity promotes the waitlist.
    edit = client.post(reverse("training:workshop_edit", args=[workshop.pk]), {**data, "venue_name": "Travel plaza", "capacity": "2"})
    assert edit.status_code == 302
    second.refresh_from_db()
    assert second.status == "confirmed"
    page = client.get(reverse("training:workshop", args=[workshop.pk]))
    assert b"p1@example.org" in page.content
    assert AuditEvent.objects.filter(actor=me, action="read", object_type="training_workshop_registrations").count() == 1
    rest, _ = api_client_for(user=me)
    body = rest.get(reverse("training-workshop-registrations", args=[workshop.pk])).json()
    assert {r["email"] for r in body["results"]} == {"p1@example.org", "p2@example.org"}
    assert first.status == "confirmed"


def test_attendance_marks_present_and_sends_feedback_survey(staff_client: Any, trainer: Any, workshop_factory: Any,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    workshop = workshop_factory(capacity=3)
    regs = [register(workshop, i) for i in range(3)]
    client, _ = staff_client(user=trainer)
    page = client.get(reverse("training:attendance", args=[workshop.pk]))
    assert page.status_code == 200 and b'name="viewport"' in page.content and b"Person 2" in page.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(reverse("training:attendance", args=[workshop.pk]), {"present": [regs[0].pk, regs[2].pk]})
    assert saved.status_code == 302
    assert [r.attended for r in Registration.objects.filter(workshop=workshop).order_by("pk")] == [True, False, True]
    workshop.refresh_from_db()
    assert workshop.attendance_taken_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p2@example.org"]
    link = re.search(r"http://\S+(/training/feedback/\S+/)", mail.outbox[0].body)
    assert link is not None
    public = Client()
    form = public.get(link.group(1))
    assert form.status_code == 200 and b"How was the workshop?" in form.content
    public.post(link.group(1), {"rating": "5", "knows_what_to_do": "yes", "comments": "Clear and useful."})
    feedback = Feedback.objects.get()
    assert feedback.rating == 5 and feedback.registration.attended
    assert b"Thank you for your feedback." in public.post(link.group(1), {"rating": "1", "knows_what_to_do": "no"}).content
    assert Feedback.objects.count() == 1
    summary = client.get(reverse("training:workshop", args=[workshop.pk])).content.decode()
    assert "1 response, average usefulness 5.0 of 5." in summary and "Clear and useful." in summary
    assert "Know what to do: 1 yes, 0 not sure, 0 no." in summary
    # Saving again does not send the survey twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:attendance", args=[workshop.pk]), {"present": [regs[0].pk, regs[1].pk, regs[2].pk]})
    assert [m.to[0] for m in mail.outbox] == ["p1@example.org"]


def test_coverage_counts_match_a_fixture(mo: Any, workshop_factory: Any, staff_client: Any, agency_factory: Any,
                                         user_factory: Any, api_client_for: Any, courses: list[Course]) -> None:
    held(workshop_factory, county="29019", audience="public", present=3, absent=1, days_ago=10)  # Boone
    held(workshop_factory, county="29019", audience="schools", present=2, days_ago=40)
    held(workshop_factory, county="29215", audience="transportation", present=4, days_ago=20)  # Texas (rural)
    held(workshop_factory, county="29215", audience="public", present=5, days_ago=500)  # outside the period
    not_held = workshop_factory(county_id="29510")  # upcoming, no attendance: not counted
    register(not_held, 99)
    cancelled = held(workshop_factory, county="29510", audience="public", present=2, days_ago=5)
    services.workshop_cancel(workshop=cancelled, acting_user=None)
    police = agency_factory(county="29215")
    officer = user_factory("investigator", agency=police)
    course = Course.objects.get(slug="law-enforcement")
    services.completion_create(course=course, score=100, learner_name="Officer", acting_user=officer, send_certificate=False)
    services.completion_create(course=course, score=100, learner_name="Member of the public", send_certificate=False)

    now = timezone.now()
    start, end = now - dt.timedelta(days=365), now + dt.timedelta(days=1)
    assert stats.people_trained_by_county(start, end) == {"29019": 5, "29215": 5}
    assert stats.workshops_by_county(start, end) == {"29019": 2, "29215": 1}
    months = stats.trainings_by_month(start, end)
    assert sum(sum(m.values()) for m in months.values()) == 10
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for months_ in months.values() for m in months_)
    assert sum(stats.workshops_by_month(start, end)["29019"].values()) == 2

    client, _ = staff_client("viewer")
    page = client.get(reverse("training:coverage"))
    assert page.status_code == 200 and b"10 people trained and 3 workshops held" in page.content
    assert b"1 more courses completed online by the public" in page.content
    export = client.get(reverse("training:coverage_csv"), {"start": start.date().isoformat(), "end": now.date().isoformat()})
    rows = {r["fips"]: r for r in csv.DictReader(io.StringIO(export.content.decode()))}
    assert len(rows) == 115
    texas = rows["29215"]
    assert texas["people_trained"] == "5" and texas["workshops_held"] == "1" and texas["rural"] == "1"
    assert texas["trained_transportation"] == "4" and texas["trained_law_enforcement"] == "1"
    from beacon.core.models import County

    population = County.objects.get(fips="29215").population
    assert float(texas["people_trained_per_10k"]) == round(5 * 10000 / population, 2)
    assert rows["29510"]["people_trained"] == "0"
    assert AuditEvent.objects.filter(action="export", object_type="training_coverage").count() == 1
    only_schools = client.get(reverse("training:coverage"), {"start": start.date().isoformat(),
                                                              "end": now.date().isoformat(), "audience": "schools"})
    assert b"2 people trained and 1 workshops held" in only_schools.content
    rest, _u = api_client_for("viewer")
    body = rest.get(reverse("training-coverage")).json()
    assert body["total_trained"] == 10 and body["total_held"] == 3 and body["by_audience"]["transportation"]["trained"] == 4
    assert rest.get(reverse("training-coverage"), {"start": "nope"}).json()["fields"]["start"] == ["Use YYYY-MM-DD."]
    assert Completion.objects.count() == 2


def test_coverage_api_needs_analytics_permission(api_client_for: Any) -> None:
    client, _ = api_client_for()
    assert client.get(reverse("training-coverage")).status_code == 403
    assert Client().get(reverse("training:coverage")).status_code == 302


def test_trainer_hides_and_publishes_a_course(staff_client: Any, courses: list[Course]) -> None:
    viewer, _ = staff_client("viewer")
    assert viewer.post(reverse("training:courses"), {"slug": "schools", "published": "0"}).status_code == 403
    assert Course.objects.get(slug="schools").published
    client, me = staff_client("trainer")
    page = client.get(reverse("training:courses"))
    assert page.status_code == 200 and b"Published" in page.content
    client.post(reverse("training:courses"), {"slug": "schools", "published": "0"})
    assert not Course.objects.get(slug="schools").published
    public = Client()
    assert public.get(reverse("training_public:course", args=["schools"])).status_code == 404
    assert b"guide for school staff" not in public.get(reverse("training_public:catalog")).content
    assert AuditEvent.objects.filter(actor=me, action="update", object_type="training_course").count() == 1
    client.post(reverse("training:courses"), {"slug": "schools", "published": "1"})
    assert public.get(reverse("training_public:course", args=["schools"])).status_code == 200


def test_staff_lists_do_not_grow_queries_with_rows(staff_client: Any, trainer: Any, workshop_factory: Any,
                                                   courses: list[Course], django_assert_max_num_queries: Any) -> None:
    client, _ = staff_client(user=trainer)
    for i in range(6):
        register(workshop_factory(title=f"S{i}"), i)
    client.get(reverse("training:index"))  # warm the session and permission caches
    with django_assert_max_num_queries(20):
        page = client.get(reverse("training:index"))
    assert len(re.findall(rb'href="/staff/training/workshops/\d+/"', page.content)) == 6
    with django_assert_max_num_queries(12):
        assert client.get(reverse("training:courses")).status_code == 200
    with django_assert_max_num_queries(5):
        assert Client().get(reverse("training-courses")).json()["count"] == 6
