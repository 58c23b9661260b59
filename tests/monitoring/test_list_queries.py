"""N+1 guards on the ingestion list and the operation page: the query count does not grow with rows."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beacon.monitoring import services
from beacon.monitoring.demo import feed
from beacon.monitoring.models import Ad, IngestRun, Operation


def _batch(user: Any, n: int, start: int) -> None:
    for k in range(start, start + n):
        services.submit_batch(acting_user=user, records=[
            {"id": f"q{k}", "site": "example.com", "body": f"call 816-555-{k:04d} (demo)"}])


def test_ingestion_list_has_no_n_plus_one(mo: Any, staff_client: Any, django_assert_max_num_queries: Any) -> None:
    client, user = staff_client("analyst")
    _batch(user, 2, 100)
    client.get(reverse("monitoring:runs"))
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("monitoring:runs")).status_code == 200
    _batch(user, 10, 200)
    assert IngestRun.objects.count() == 12
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("monitoring:runs"))
    assert len(response.context["page"]) == 12


def test_operation_page_queries_do_not_grow_with_its_ads(mo: Any, staff_client: Any,
                                                         django_assert_max_num_queries: Any) -> None:
    client, user = staff_client("analyst")
    services.ingest_records(feed(), acting_user=user, run=services.run_create(
        source=IngestRun.Source.API, acting_user=user, filename=""))
    ops = sorted(Operation.objects.filter(merged_into__isnull=True), key=lambda o: Ad.objects.filter(operation=o).count())
    small, large = ops[0], ops[-1]
    n_small, n_large = (Ad.objects.filter(operation=o).count() for o in (small, large))
    assert n_large >= n_small + 4
    client.get(reverse("monitoring:operation", args=[small.pk]))
    with django_assert_max_num_queries(25) as few:
        assert client.get(reverse("monitoring:operation", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("monitoring:operation", args=[large.pk]))
    assert len(response.context["rows"]) == n_large
