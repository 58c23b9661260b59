"""Background work for tips: tell the routed supervisors about a new P1 tip; send SMS replies."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from beacon.core.selectors import supervisors_of

from .models import SmsConversation, Tip


@task()
def notify_supervisors(tip_id: int) -> int:
    """E-mail the supervisors of every task force the tip is routed to; returns how many were told.

    The message carries no detail of the tip (e-mail is not encrypted): priority, county and a link.
    """
    tip = Tip.objects.select_related("county").filter(pk=tip_id).first()
    if tip is None or tip.is_spam:
        return 0
    forces = list(tip.task_forces.all())
    recipients = sorted({u.email for u in supervisors_of(forces) if u.email})
    if not recipients:
        return 0
    url = settings.BEACON_BASE_URL.rstrip("/") + reverse("tips:detail", args=[tip.pk])
    county = tip.county.name if tip.county else "county unknown"
    send_mail(
        subject=f"[Beacon] New P1 tip #{tip.pk} ({county})",
        message=(
            f"A new priority 1 tip (#{tip.pk}, {county}) was routed to your task force.\n"
            f"Reasons: {'; '.join(tip.priority_reasons)}\n\nOpen it in Beacon: {url}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


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
