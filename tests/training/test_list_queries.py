"""N+1 guards on a workshop's registration list (page, attendance page and API)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beacon.training import services
from beacon.training.models import Workshop


def _register(workshop: Workshop, n: int, start: int) -> None:
    for k in range(start, start + n):
        services.registration_create(workshop_id=workshop.pk, name=f"Learner {k}", email=f"l{k}@example.org",
                                     organisation="Library", acting_user=None)


def test_registration_lists_have_no_n_plus_one(staff_client: Any, api_client_for: Any, trainer: Any,
                                               workshop_factory: Any, django_assert_max_num_queries: Any) -> None:
    workshop = workshop_factory(capacity=50)
    _register(workshop, 2, 0)
    page, _ = staff_client(user=trainer)
    api, _ = api_client_for(user=trainer)
    urls = [reverse("training:workshop", args=[workshop.pk]), reverse("training:attendance", args=[workshop.pk])]
    page.get(urls[0])
    counts = []
    for url in urls:
        with django_assert_max_num_queries(25) as few:
            assert page.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    with django_assert_max_num_queries(15) as few_api:
        assert api.get(reverse("training-workshop-registrations", args=[workshop.pk])).json()["count"] == 2

    _register(workshop, 10, 100)
    for url, n in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(n):
            response = page.get(url)
        assert len(response.context["registrations"]) == 12
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        assert api.get(reverse("training-workshop-registrations", args=[workshop.pk])).json()["count"] == 12
