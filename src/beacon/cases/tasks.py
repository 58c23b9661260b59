"""Background work for cases: deconfliction e-mails (queued on commit by the services)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_deconfliction_emails(alert_ids: list[int]) -> int:
    """E-mail each alert's recipient.  Tells only the other agency's name and contact and the
    shared identifier type, and says so truthfully (cases/access.py: neither case is opened to the
    other agency by the alert or by task-force membership).  Idempotent enough: it only reads the alerts."""
    from .models import DeconflictionAlert

    sent = 0
    for alert in DeconflictionAlert.objects.filter(pk__in=alert_ids).select_related("recipient", "other_agency"):
        if not alert.recipient.email:
            continue
        agency = alert.other_agency
        contact = ", ".join(x for x in (agency.contact_email, agency.contact_phone) if x) or _("no contact on file")
        url = settings.BEACON_BASE_URL.rstrip("/") + reverse("cases:alerts")
        body = _(
            "Deconfliction notice for your case #%(case)s.\n\n"
            "Another agency holds the same %(kind)s on one of its cases:\n"
            "  %(agency)s — %(contact)s\n\n"
            "Contact them before acting.\n\n"
            "Beacon tells each side only the other agency's name and contact and the type of identifier "
            "(not its value, nor the other case's number, title or contents), and it does not open either "
            "case to the other agency: task-force membership alone gives no access. A lead agency shares "
            "its case only by adding the other agency as a participant or by granting time-limited, "
            "read-only access.\n\n"
            "Acknowledge the notice at %(url)s\n"
        ) % {"case": alert.case_id, "kind": alert.identifier_kind_label.lower(), "agency": agency.name,
             "contact": contact, "url": url}
        send_mail(_("Beacon deconfliction notice: case #%(case)s") % {"case": alert.case_id}, body,
                  settings.DEFAULT_FROM_EMAIL, [alert.recipient.email])
        sent += 1
    return sent
