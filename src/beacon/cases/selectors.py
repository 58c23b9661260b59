"""Reads for cases; each takes the acting user so visibility is decided by ``access`` only."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from beacon.core import crypto
from beacon.core.links import LinkedObject, providers

from .access import can_see_victim_identity, can_write, visible_cases
from .models import Attachment, Case, CaseLink, DeconflictionAlert


def attachment_content(item: Attachment) -> bytes:
    """An attachment's bytes, decrypted (the caller has passed the case door and audits the read)."""
    with item.file.open("rb") as fh:
        data = fh.read()
    return crypto.decrypt_bytes(data) if item.encrypted else data


def case_list(*, user: Any, status: str = "", q: str = "") -> QuerySet[Case]:
    qs = visible_cases(user).select_related("lead_agency", "lead_user").prefetch_related("counties")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(pk=int(q)) if q.isdigit() else Q(title__icontains=q))
    return qs.annotate(open_alerts=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True))).order_by(
        "-opened_on", "-id")


def alert_list(*, user: Any, include_acknowledged: bool = False) -> QuerySet[DeconflictionAlert]:
    """Alerts addressed to the user, or on cases the user may see."""
    qs = DeconflictionAlert.objects.filter(Q(recipient=user) | Q(case__in=visible_cases(user).values("pk")))
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.select_related("other_agency", "case", "acknowledged_by").order_by("-created_at", "-id")


def alert_for(*, user: Any, alert_id: int) -> DeconflictionAlert | None:
    return alert_list(user=user, include_acknowledged=True).filter(pk=alert_id).first()


def linked_objects(case: Case) -> list[tuple[CaseLink, LinkedObject | None]]:
    """The case's tips and operations, described by their providers (None when a provider is gone)."""
    links = list(case.links.all())
    by_type: dict[str, list[str]] = {}
    for link in links:
        by_type.setdefault(link.object_type, []).append(link.object_id)
    registered = providers()
    described: dict[tuple[str, str], LinkedObject] = {}
    for t, ids in by_type.items():
        if t in registered:
            for i, obj in registered[t].describe(ids).items():
                described[(t, i)] = obj
    return [(link, described.get((link.object_type, link.object_id))) for link in links]


def case_detail(*, user: Any, case: Case) -> dict[str, Any]:
    """Everything the case page shows, with potential victims' identities only for need-to-know."""
    show_identity = can_see_victim_identity(user, case)
    persons = list(case.persons.order_by("id"))
    victim_ids = {p.pk for p in persons if p.is_victim}
    identifiers = list(case.identifiers.select_related("identifier", "person").order_by("id"))
    return {
        "case": case,
        "can_write": can_write(user, case),  # lead or participating agency; a grant alone reads only
        "show_identity": show_identity,
        "persons": persons,
        "victim_ids": victim_ids,
        "identifiers": [(ci, ci.person_id in victim_ids and not show_identity) for ci in identifiers],
        "participating": list(case.participating_agencies.order_by("name")),
        "counties": list(case.counties.order_by("name")),
        "tasks": list(case.tasks.select_related("owner")),
        "events": list(case.events.select_related("created_by")),
        "attachments": list(case.attachments.select_related("uploaded_by")),
        "alerts": list(case.alerts.select_related("other_agency").order_by("acknowledged_at", "-created_at")),
        "grants": list(case.grants.select_related("user", "agency", "granted_by")),
        "links": linked_objects(case),
    }



# --- Escalation and linking: what the forms offer ---------------------------------------------
KIND_FROM_SITUATION = {"sex": Case.Kind.SEX, "labor": Case.Kind.LABOR, "both": Case.Kind.BOTH}
SUMMARY_CHARS = 600


def source_initial(*, object_type: str, object_id: str) -> dict[str, Any]:
    """What a case opened from a tip starts with (the caller passed ``access_source`` first).

    The trafficking type from the tip's situation, its county, a summary of the narrative and
    the identifiers the case will receive when it is opened.
    """
    from django.utils import timezone
    from django.utils.text import Truncator

    from beacon.core.links import provider

    described = provider(object_type).describe([object_id]).get(object_id)
    identifier_ids = provider(object_type).identifiers_of([object_id]).get(object_id, set())
    from beacon.core.models import Identifier

    identifiers = list(Identifier.objects.filter(pk__in=identifier_ids).order_by("kind", "value"))
    initial: dict[str, Any] = {"title": described.label if described else f"{object_type} {object_id}",
                               "identifiers": identifiers}
    if object_type == "tip":
        from beacon.tips.models import Tip

        tip = Tip.objects.select_related("county").get(pk=int(object_id))
        when = timezone.localtime(tip.created_at)
        initial.update({
            "title": f"Tip #{tip.pk}" + (f", {tip.county.name}" if tip.county else ""),
            "kind": KIND_FROM_SITUATION.get(tip.situation, Case.Kind.UNKNOWN),
            "counties": [tip.county] if tip.county else [],
            "summary": f"From tip #{tip.pk} received {when:%Y-%m-%d %H:%M}: "
                       + Truncator(" ".join(tip.narrative.split())).chars(SUMMARY_CHARS),
        })
    return initial


def link_search(*, user: Any, q: str, limit: int = 20) -> list[LinkedObject]:
    """Tips and ad operations the user may see whose number, text or identifier matches ``q``.

    Candidates come from each area's records; what is shown is decided by the link providers'
    ``visible_to`` (the same rule as linking itself), and described by them.
    """
    from beacon.adscan import normalise_phone
    from beacon.monitoring.models import Operation
    from beacon.tips.models import Tip

    q = (q or "").strip()
    if len(q) < 2 and not q.isdigit():
        return []
    number = q.lstrip("#")
    phone = normalise_phone(q)
    tip_match = Q(narrative__icontains=q) | Q(place_text__icontains=q) | Q(identifiers__value__icontains=q)
    op_match = Q(template__icontains=q) | Q(ads__title__icontains=q) | Q(ads__keys__key__icontains=q)
    if phone:
        tip_match |= Q(identifiers__value=phone)
        op_match |= Q(ads__keys__key=f"tel:{phone}")
    if number.isdigit():
        tip_match |= Q(pk=int(number))
        op_match |= Q(pk=int(number))
    candidates = {
        "tip": [str(i) for i in Tip.objects.filter(tip_match).order_by("-created_at").values_list("pk", flat=True).distinct()[:200]],
        "operation": [str(i) for i in Operation.objects.filter(op_match).order_by("-risk").values_list("pk", flat=True).distinct()[:200]],
    }
    found: list[LinkedObject] = []
    registered = providers()
    for object_type, ids in candidates.items():
        if object_type not in registered or not ids:
            continue
        seen = registered[object_type].visible_to(user, ids)
        described = registered[object_type].describe([i for i in ids if i in seen])
        found += [described[i] for i in ids if i in described]
    return found[:limit]
