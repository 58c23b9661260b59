"""Background work: referral e-mails (no survivor details ever go in an e-mail) and HSDS imports."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_referral_email(to: str, referral_id: int, text: str) -> None:
    base = getattr(settings, "BEACON_BASE_URL", "").rstrip("/")
    send_mail(
        subject="Beacon: referral update",
        message=f"{text}\n\nSign in to Beacon to see it: {base}/staff/survivors/referrals/{referral_id}/\n",
        from_email=None,
        recipient_list=[to],
    )


@task()
def run_directory_import(job_id: int) -> None:
    """Import an uploaded HSDS package (idempotent: a finished import is left alone)."""
    from .services import directory_import_run

    directory_import_run(job_id)
