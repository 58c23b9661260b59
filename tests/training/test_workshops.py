from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from beacon.core.models import AuditEvent
from beacon.training import ical, services
from beacon.training.models import Registration, Workshop


def register(workshop: Workshop, n: int, **kw: Any) -> Registration:
    return services.registration_create(workshop_id=workshop.pk, name=f"Person {n}", email=f"p{n}@example.org", **kw)


def test_registration_fills_then_waitlists_then_cancellation_promotes_and_emails(
        workshop_factory: Any, django_capture_on_commit_callbacks: Any) -> None:
    workshop = workshop_factory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = register(workshop, 1), register(workshop, 2)
        third = register(workshop, 3)
        fourth = register(workshop, 4)
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [m.to[0] for m in mail.outbox] == ["p1@example.org", "p2@example.org", "p3@example.org", "p4@example.org"]
    assert mail.outbox[0].subject.startswith("You are registered") and mail.outbox[2].subject.startswith("You are on the waitlist")
    # The cancel link in the first person's e-mail cancels their place and promotes the first on the waitlist.
    link = re.search(r"http://\S+/training/cancel/(\S+)/", mail.outbox[0].body)
    assert link is not None
    mail.outbox.clear()
    client = Client()
    page = client.get(f"/training/cancel/{link.group(1)}/")
    assert page.status_code == 200 and b"Yes, cancel my registration" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/training/cancel/{link.group(1)}/")
    assert b"Your registration is cancelled" in done.content
    first.refresh_from_db()
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert first.status == "cancelled" and third.status == "confirmed" and third.promoted_at is not None
    assert fourth.status == "waitlisted"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["p3@example.org"]
    assert mail.outbox[0].subject.startswith("A place opened up") and "/training/cancel/" in mail.outbox[0].body
    # Cancelling again changes nothing and promotes nobody.
    assert services.registration_cancel(registration=first) == []
    assert Registration.objects.filter(workshop=workshop, status="confirmed").count() == 2


def test_full_session_refuses_when_waitlist_is_off_or_full(workshop_factory: Any) -> None:
    closed = workshop_factory(capacity=1, waitlist_enabled=False)
    register(closed, 1)
    with pytest.raises(services.WorkshopFull):
        register(closed, 2)
    limited = workshop_factory(capacity=1, waitlist_limit=1)
    register(limited, 1)
    assert register(limited, 2).status == "waitlisted"
    with pytest.raises(services.WorkshopFull):
        register(limited, 3)
    assert limited.registrations.count() == 2


def test_same_email_twice_and_closed_sessions_are_refused(workshop_factory: Any) -> None:
    workshop = workshop_factory(capacity=5)
    register(workshop, 1)
    with pytest.raises(services.AlreadyRegistered):
        services.registration_create(workshop_id=workshop.pk, name="Again", email=" P1@Example.org ")
    past = workshop_factory(starts_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(services.RegistrationClosed):
        register(past, 1)


def test_invalid_tokens_are_not_found(workshop_factory: Any) -> None:
    workshop = workshop_factory()
    reg = register(workshop, 1)
    client = Client()
    assert client.get("/training/cancel/not-a-token/").status_code == 404
    # A feedback token is not a cancel token.
    assert client.get(f"/training/cancel/{services.feedback_token(reg)}/").status_code == 404


def test_public_registration_page_stores_no_ip_and_is_rate_limited(workshop_factory: Any, settings: Any,
                                                                   django_capture_on_commit_callbacks: Any) -> None:
    workshop = workshop_factory(capacity=1)
    client = Client()
    url = reverse("training_public:workshop", args=[workshop.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Register" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, {"name": "Ana Ruiz", "email": "ana@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 302 and "status=confirmed" in ok.url
    assert b"Your place" in client.get(ok.url).content
    event = AuditEvent.objects.get(object_type="training_registration")
    assert event.ip is None and event.actor is None and "203.0.113.9" not in str(event.detail)
    waitlisted = client.post(url, {"name": "Ben", "email": "ben@example.org"})
    assert "status=waitlisted" in waitlisted.url
    assert b"on the waitlist" in client.get(waitlisted.url).content
    dup = client.post(url, {"name": "Ana", "email": "ana@example.org"})
    assert dup.status_code == 400 and b"already registered" in dup.content
    bot = client.post(url, {"name": "Bot", "email": "bot@example.org", "website": "spam"})
    assert bot.status_code == 400 and not Registration.objects.filter(name="Bot").exists()
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "3/3600"}
    limited = client.post(url, {"name": "Cy", "email": "cy@example.org"})
    assert limited.status_code == 429
    assert Registration.objects.filter(workshop=workshop).count() == 2


def test_workshop_listing_filters_and_map(client: Client, workshop_factory: Any, django_assert_max_num_queries: Any) -> None:
    workshop_factory(title="Rural session", county_id="29215", audience="schools")
    workshop_factory(title="City session", county_id="29510", audience="hospitality")
    workshop_factory(title="Old session", starts_at=timezone.now() - dt.timedelta(days=3))
    cancelled = workshop_factory(title="Cancelled session")
    services.workshop_cancel(workshop=cancelled, acting_user=None)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("training_public:workshops"))
    text = page.content.decode()
    assert "Rural session" in text and "City session" in text
    assert "Old session" not in text and "Cancelled session" not in text
    assert text.count('<path d="M') == 115
    assert 'class="training-map-dot"' in text and 'data-fips="29215" class="training-map-dot"' in text
    filtered = client.get(reverse("training_public:workshops"), {"county": "29215"}).content.decode()
    assert "Rural session" in filtered and "City session" not in filtered
    assert filtered.count('class="training-map-dot"') == 1
    by_audience = client.get(reverse("training_public:workshops"), {"audience": "hospitality"}).content.decode()
    assert "City session" in by_audience and "Rural session" not in by_audience
    day = (timezone.localtime() + dt.timedelta(days=10)).date().isoformat()
    by_date = client.get(reverse("training_public:workshops"), {"date_from": day, "date_to": day}).content.decode()
    assert "City session" in by_date
    spanish = client.get("/es/training/workshops/")
    assert spanish.status_code == 200


def test_ical_feed_follows_rfc_5545(client: Client, workshop_factory: Any) -> None:
    workshop = workshop_factory(title="Signs, safety; and what to do — a long title " + "x" * 60, capacity=3)
    response = client.get(reverse("training_public:feed"))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert f"UID:workshop-{workshop.pk}@" in unfolded
    assert "SUMMARY:Signs\\, safety\\; and what to do — a long title" in unfolded
    start = workshop.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in unfolded


def test_fold_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "ñ" * 100
    folded = ical.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_api_workshops_list_is_public_and_bounded(client: Client, workshop_factory: Any,
                                                  django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        workshop_factory(title=f"Session {i}")
    with django_assert_max_num_queries(3):
        data = client.get(reverse("training-workshops")).json()
    assert data["count"] == 5 and data["results"][0]["county_fips"] == "29019"
    assert "trainer" not in data["results"][0]
    courses = client.get(reverse("training-courses")).json()
    assert courses["count"] == 0 or "slug" in courses["results"][0]


def test_past_session_page_shows_registration_closed(client: Client, workshop_factory: Any) -> None:
    past = workshop_factory(starts_at=timezone.now() - dt.timedelta(hours=1))
    page = client.get(reverse("training_public:workshop", args=[past.pk])).content.decode()
    assert "Registration for this session is closed." in page and 'data-testid="register"' not in page


def test_emails_use_the_registrants_language_whoever_triggers_them(workshop_factory: Any,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    workshop = workshop_factory(capacity=1)
    client = Client()
    url = reverse("training_public:workshop", args=[workshop.pk])
    with django_capture_on_commit_callbacks(execute=True):
        english = register(workshop, 1)
        spanish = client.post(f"/es{url}", {"name": "Ana Ruiz", "email": "ana@example.org"})
    assert spanish.status_code == 302
    ana = Registration.objects.get(workshop=workshop, status="waitlisted")
    assert english.language == "en" and ana.language == "es"
    assert mail.outbox[0].subject.startswith("You are registered")
    assert mail.outbox[1].to == ["ana@example.org"] and not mail.outbox[1].subject.startswith("You are on the waitlist")
    mail.outbox.clear()
    # An English-speaking cancellation promotes Ana, who is told in Spanish; the reverse holds too.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_cancel(registration=english) == [ana]
    assert mail.outbox[0].to == ["ana@example.org"] and not mail.outbox[0].subject.startswith("A place opened up")
    mail.outbox.clear()
    from django.utils import translation
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        register(workshop, 5, language="en")
    assert mail.outbox[0].subject.startswith("You are on the waitlist")


def test_cancel_link_stops_working_once_the_session_has_started(workshop_factory: Any) -> None:
    workshop = workshop_factory(capacity=2)
    reg = register(workshop, 1)
    url = f"/training/cancel/{services.cancel_token(reg)}/"
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    client = Client()
    page = client.get(url)
    assert b"already started" in page.content and b"Yes, cancel my registration" not in page.content
    client.post(url)
    reg.refresh_from_db()
    assert reg.status == "confirmed"


def test_confirmation_repeats_date_and_place_and_links_use_the_serving_host(
        workshop_factory: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.ALLOWED_HOSTS = ["beacon.example.org"]
    settings.BEACON_BASE_URL = "https://configured.example.net"
    workshop = workshop_factory(capacity=5, venue_name="Kirksville library", venue_address="6 Main St")
    client = Client(HTTP_HOST="beacon.example.org")
    url = reverse("training_public:workshop", args=[workshop.pk])
    page = client.get(url).content.decode()
    # The honeypot stays out of the keyboard's way.
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"|<input[^>]*tabindex="-1"[^>]*name="website"', page)
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, {"name": "Ana Ruiz", "email": "ana@example.org"})
    html = client.get(ok.url).content.decode()
    when = date_format(timezone.localtime(workshop.starts_at), "DATETIME_FORMAT")
    assert "Kirksville library, 6 Main St" in html and when in html
    body = mail.outbox[-1].body
    assert "http://beacon.example.org/training/" in body and ":8000" not in body and "configured.example" not in body
    # Without a request (a background task or command), links start with BEACON_BASE_URL.
    assert services.site_url(None) == "https://configured.example.net"
    reg = Registration.objects.get(workshop=workshop)
    with django_capture_on_commit_callbacks(execute=True):
        services._registration_email(reg, "registration_confirmed")
    assert "https://configured.example.net/training/" in mail.outbox[-1].body


def test_certificate_links_use_the_serving_host(settings: Any, courses: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    from pypdf import PdfReader

    from beacon.training.models import Course

    settings.ALLOWED_HOSTS = ["beacon.example.org"]
    course = Course.objects.get(slug="health-care")
    client = Client(HTTP_HOST="beacon.example.org")
    client.post(reverse("training_public:quiz", args=[course.slug]),
                {f"q{q.pk}": [str(c.pk) for c in q.choices.all() if c.correct] for q in course.questions.all()})
    with django_capture_on_commit_callbacks(execute=True):
        issued = client.post(reverse("training_public:certificate_request", args=[course.slug]),
                             {"learner_name": "Maria Lopez", "learner_email": "maria@example.org"})
    body = mail.outbox[-1].body
    assert "http://beacon.example.org/training/verify/" in body and ":8000" not in body
    pdf = client.get(issued.url + "pdf/").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "http://beacon.example.org/training/verify/" in text and ":8000" not in text


def test_demo_text_does_not_name_the_seed_command() -> None:
    from beacon.training import seed

    assert "beacon seed" not in Path(seed.__file__).read_text()
