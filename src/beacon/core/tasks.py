"""Background work for accounts: invitation, enrolment and password-reset e-mails.

Queued with ``transaction.on_commit`` by ``beacon.core.services_people``: a rolled-back
change sends nothing, and a slow mail server never holds up the administrator's page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from . import crypto


@task()
def send_account_email(to: str, subject: str, body: str, sealed: bool = False) -> None:
    """``sealed``: ``body`` is encrypted with the field key.  The queue keeps a task's arguments in
    the database (and its backups) after it ran, and the body holds a one-time enrolment or
    password-reset link, which must not be readable there (only its digest is stored)."""
    if sealed:
        body = crypto.decrypt(body)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()
