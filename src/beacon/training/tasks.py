"""Background work: training e-mails (queued with ``transaction.on_commit`` by the services)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(to: str, subject: str, body: str, attachment_name: str = "", attachment_b64: str = "") -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    if attachment_name and attachment_b64:
        message.attach(attachment_name, base64.b64decode(attachment_b64), "application/pdf")
    message.send()
