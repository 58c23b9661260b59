"""Background work for tips: tell the routed supervisors about a new P1 tip; send SMS replies."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from beacon.core.selectors import supervisors_of

from .models import SmsConversation, Tip


@task()
def enrich_tips() -> int:
    """Place, route, link and triage every tip the lean intake accepted (``enrich.enrich_pending``);
    queued by the intake when no run is waiting (``intake.py``).  Returns how many were enriched."""
    from .enrich import enrich_pending

    return enrich_pending()


@task()
def notify_supervisors(tip_id: int) -> int:
    """E-mail the supervisors of every task force the tip is routed to; returns how many were told.

    The message carries no detail of the tip (e-mail is not encrypted): priority, county and a link.
    """
    return _notify([tip_id])


@task()
def notify_supervisors_batch(tip_ids: list[int]) -> int:
    """``notify_supervisors`` for the P1 tips of one enrichment batch: one task, the tips read in
    two queries, each task force set's supervisors once, the e-mails sent over one connection;
    returns how many e-mails were sent."""
    return _notify(tip_ids)


def _notify(tip_ids: list[int]) -> int:
    tips = (Tip.objects.select_related("county").prefetch_related("task_forces")
            .filter(pk__in=tip_ids, is_spam=False).order_by("id"))
    recipients_of: dict[tuple[int, ...], list[str]] = {}
    messages = []
    sent = 0
    for tip in tips:
        forces = list(tip.task_forces.all())
        key = tuple(sorted(tf.pk for tf in forces))
        if key not in recipients_of:
            recipients_of[key] = sorted({u.email for u in supervisors_of(forces) if u.email})
        recipients = recipients_of[key]
        if not recipients:
            continue
        url = settings.BEACON_BASE_URL.rstrip("/") + reverse("tips:detail", args=[tip.pk])
        county = tip.county.name if tip.county else "county unknown"
        messages.append(EmailMessage(
            subject=f"[Beacon] New P1 tip #{tip.pk} ({county})",
            body=(
                f"A new priority 1 tip (#{tip.pk}, {county}) was routed to your task force.\n"
                f"Reasons: {'; '.join(tip.priority_reasons)}\n\nOpen it in Beacon: {url}\n"
            ),
            to=recipients,
        ))
        sent += len(recipients)
    if messages:
        get_connection().send_messages(messages)
    return sent


@task()
def sms_send(conversation_id: int, body: str) -> bool:
    """Text ``body`` to the conversation's number (read here, never passed in the task's arguments).

    False when the number is gone (STOP or purged) by the time the task runs.
    """
    from .sms import gateway

    conversation = SmsConversation.objects.filter(pk=conversation_id).first()
    if conversation is None or not conversation.number:
        return False
    gateway().send(conversation.number, body)
    return True
