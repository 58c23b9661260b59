"""Training seed: the real starter courses (always) and, with ``demo``, a few workshops in rural and
urban counties taught by the demo user ``trainer``, two of them already held with attendance.

Idempotent: courses by slug (``content.load_courses``), workshops by title, registrations by
workshop + e-mail, completions by course + user."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from beacon.core.models import User

from . import services
from .content import load_courses
from .models import Completion, Course, Registration, Workshop

# title, audience, county FIPS, days from now, hour, venue, address, online, capacity, course slug
DEMO_WORKSHOPS = [
    ("Recognizing trafficking: community night, Kansas City (demo)", "public", "29095", 12, 18,
     "Central Library community room (demo)", "14 W 10th St, Kansas City", "", 40, "recognize-and-respond"),
    ("Truck-stop awareness for drivers, Rolla (demo)", "transportation", "29161", 20, 10,
     "I-44 Travel Plaza training room (demo)", "Rolla", "", 25, "trucking-transportation"),
    ("School staff training, Houston (demo)", "schools", "29215", 27, 15,
     "Houston High School library (demo)", "Houston", "", 30, "schools"),
    ("Hotel staff workshop, St. Louis (demo)", "hospitality", "29510", 34, 9,
     "Downtown hotel ballroom (demo)", "St. Louis", "", 50, "hospitality"),
    ("SOAR for rural clinics, online (demo)", "health_care", "29051", 16, 12,
     "", "", "https://meet.example.org/beacon-soar-demo", 100, "health-care"),
    ("Faith and community leaders, Kennett (demo)", "public", "29069", 41, 19,
     "First community hall (demo)", "Kennett", "", 20, "recognize-and-respond"),
    ("Community workshop, Columbia (demo)", "public", "29019", -30, 18,
     "Columbia public library (demo)", "Columbia", "", 30, "recognize-and-respond"),
    ("Drivers' session, Springfield (demo)", "transportation", "29077", -60, 10,
     "Springfield truck stop meeting room (demo)", "Springfield", "", 20, "trucking-transportation"),
]
DEMO_ATTENDEES = 6


@transaction.atomic
def seed_workshops(trainer: User) -> dict[str, int]:
    created = {"workshops": 0, "registrations": 0}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for title, audience, fips, days, hour, venue, address, online, capacity, slug in DEMO_WORKSHOPS:
        workshop = Workshop.objects.filter(title=title).first()
        if workshop is None:
            starts = timezone.localtime(now + dt.timedelta(days=days)).replace(hour=hour)
            workshop = services.workshop_create(
                acting_user=None, trainer=trainer, is_demo=True, title=title, audience=audience, county_id=fips,
                course=Course.objects.filter(slug=slug).first(), starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                venue_name=venue, venue_address=address, online_url=online, capacity=capacity,
                description="A sample session for trying Beacon out: the date, place and trainer are made up.",
            )
            created["workshops"] += 1
        if days < 0:
            for i in range(DEMO_ATTENDEES):
                email = f"attendee{i + 1}.{workshop.pk}@demo.beacon.invalid"
                if workshop.registrations.filter(email_index__in=services.email_keys(email)).exists():
                    continue
                Registration.objects.create(
                    workshop=workshop, name=f"Demo Attendee {i + 1}", email=email, email_index=services.email_key(email),
                    status=Registration.Status.CONFIRMED, created_at=workshop.starts_at - dt.timedelta(days=7), is_demo=True,
                )
                created["registrations"] += 1
            if workshop.attendance_taken_at is None:
                present = list(workshop.registrations.values_list("pk", flat=True))[: DEMO_ATTENDEES - 1]
                services.attendance_record(workshop=workshop, present_ids=present, acting_user=trainer, send_feedback=False)
    return created


def seed_completions() -> int:
    made = 0
    for username, slug in (("investigator", "law-enforcement"), ("supervisor", "law-enforcement"), ("advocate", "recognize-and-respond")):
        user = User.objects.filter(username=username).select_related("agency").first()
        course = Course.objects.filter(slug=slug).first()
        if user is None or course is None or Completion.objects.filter(user=user, course=course).exists():
            continue
        services.completion_create(course=course, score=100, learner_name=user.get_full_name() or username,
                                   acting_user=user, send_certificate=False, is_demo=True,
                                   completed_at=timezone.now() - dt.timedelta(days=20))
        made += 1
    return made


def run(*, demo: bool = True) -> dict[str, int]:
    counts = load_courses()
    if demo:
        trainer = User.objects.filter(username="trainer").first()
        if trainer is not None:
            counts.update(seed_workshops(trainer))
            counts["completions"] = seed_completions()
    return counts
