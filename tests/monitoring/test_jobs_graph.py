"""Issue #17 review: the link graph works for job-ad operations as for escort ones, and shows the
identifier that joins a job-ad operation to escort ads when (and only when) they share one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beacon.monitoring import services
from beacon.monitoring.models import Ad
from tests.monitoring.test_jobs import job_records, jsonl


def _ids(data: dict[str, Any], prefix: str = "") -> set[str]:
    return {n["id"] for n in data["nodes"] if n["id"].startswith(prefix)}


def test_the_link_graph_of_a_job_operation_and_its_shared_identifier(db: Any, tmp_path: Path,
                                                                     api_client_for: Any, user_factory: Any) -> None:
    services.ingest_file(jsonl(tmp_path / "jobs.jsonl", job_records()), acting_user=None, kind="job")
    job_op = Ad.objects.get(external_id="job-0").operation
    assert job_op is not None
    # escort ads on another phone stay apart: not in the job operation's graph
    services.ingest_records([{"id": "e1", "body": "new in town, sweet and discreet, call 816-555-0150"},
                             {"id": "e2", "body": "new in town, sweet and discreet, call 816-555-0150 xo"}],
                            acting_user=None)
    escort_op = Ad.objects.get(external_id="e1").operation
    assert escort_op is not None and escort_op.pk != job_op.pk
    api, _ = api_client_for(user=user_factory("investigator"))
    data = api.get("/api/v1/cases/graph/", {"start": f"operation:{job_op.pk}", "hops": 2}).json()
    labels = {n["id"]: n.get("label", "") for n in data["nodes"]}
    assert f"operation:{escort_op.pk}" not in labels
    phones = [label for nid, label in labels.items() if nid.startswith("identifier:") and "5735550199" in label]
    assert phones, labels  # the recruiter's WhatsApp number is in the graph
    # an escort ad on the recruiter's number joins the job-ad operation, through that identifier
    services.ingest_records([{"id": "e3", "body": "new girl in town, call 573-555-0199"}], acting_user=None)
    joined = Ad.objects.get(external_id="e3").operation
    assert joined is not None
    joined.refresh_from_db()
    assert set(joined.ads.values_list("kind", flat=True)) == {"escort", "job"}
    data = api.get("/api/v1/cases/graph/", {"start": f"operation:{joined.pk}", "hops": 1}).json()
    assert any("5735550199" in n.get("label", "") for n in data["nodes"] if n["id"].startswith("identifier:"))
