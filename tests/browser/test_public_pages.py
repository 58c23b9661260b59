"""Every public page, both languages, desktop and phone widths: axe-core finds no violation of any
impact (color contrast inside alerts included), and the public flows this branch changed work."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def public_data(mo: Any, user_factory: Any, agency_factory: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from beacon.training import services
    from beacon.training.content import load_courses

    load_courses()
    trainer = user_factory("trainer", agency=agency_factory(kind="ngo", county="29019"))
    starts = timezone.now() + dt.timedelta(days=10)
    workshop = services.workshop_create(
        acting_user=trainer, title="Community workshop", audience="public", county_id="29019", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), venue_name="Kirksville library", venue_address="100 Main St",
        capacity=20, waitlist_enabled=True, waitlist_limit=0)
    return {"course": "health-care", "workshop": workshop.pk}


@pytest.fixture(params=list(WIDTHS))
def sized_page(request: Any, browser: Any) -> Any:
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_public_pages_have_no_axe_violations(live_server: Any, sized_page: Any, public_data: dict[str, Any],
                                             prefix: str) -> None:
    page = sized_page
    course, workshop = public_data["course"], public_data["workshop"]
    paths = ["/", "/report/", "/report/follow-up/", "/services/", "/training/", f"/training/courses/{course}/",
             f"/training/courses/{course}/quiz/", "/training/workshops/", f"/training/workshops/{workshop}/",
             "/dashboard/", "/awareness/"]
    for path in paths:
        response = page.goto(f"{live_server.url}{prefix}{path}")
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page, where=f"{prefix}{path} at {page.viewport_size['width']}px")


def test_quiz_flow_asks_for_a_missing_answer_then_offers_the_certificate(live_server: Any, sized_page: Any,
                                                                         public_data: dict[str, Any]) -> None:
    from beacon.training.models import Course

    page = sized_page
    course = Course.objects.get(slug=public_data["course"])
    questions = list(course.questions.prefetch_related("choices"))
    page.goto(f"{live_server.url}/training/courses/{course.slug}/quiz/")
    for q in questions[1:]:
        for c in q.choices.all():
            if c.correct:
                page.locator(f'label[for="c{c.pk}"]').click()
    page.get_by_role("button", name="Submit answers").click()
    assert page.get_by_role("heading", name="Some questions have no answer yet").is_visible()
    assert_no_axe_violations(page, where="quiz with a missing answer")
    for c in questions[0].choices.all():
        if c.correct:
            page.locator(f'label[for="c{c.pk}"]').click()
    page.get_by_role("button", name="Submit answers").click()
    assert page.get_by_role("heading", name="You passed").is_visible()
    assert page.locator("li[data-chosen]").count() >= len(questions)
    assert_no_axe_violations(page, where="quiz result")
    page.goto(f"{live_server.url}/training/courses/{course.slug}/")
    assert page.get_by_role("link", name="Take the quiz").count() == 0
    page.get_by_label("Name to print on the certificate").fill("Nguyễn Thị Hương")
    page.get_by_role("button", name="Issue my certificate").click()
    assert page.get_by_role("link", name="Download the PDF").is_visible()
    assert_no_axe_violations(page, where="certificate page")


def test_dashboard_tables_are_reachable_by_keyboard(live_server: Any, sized_page: Any, public_data: dict[str, Any]) -> None:
    page = sized_page
    page.goto(f"{live_server.url}/dashboard/")
    region = page.locator(".outreach-table-scroll").first
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('outreach-table-scroll')")
    # Chart text is at least 12 px on screen at either width.
    size = page.evaluate("(() => { const t = document.querySelector('svg.outreach-chart text');"
                         " return t.getBoundingClientRect().height; })()")
    assert size >= 12, size
