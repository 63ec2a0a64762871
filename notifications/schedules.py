"""Scheduled jobs of the notifications app: mail queue, digest, reminders (all idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from core.scheduler import scheduled

from . import reminders
from .choices import Kind
from .mail import send_digests, send_pending


@scheduled("notifications_send_mail", every=timedelta(minutes=1))
def send_mail_job() -> str:
    """Send waiting notification e-mails; failed ones are retried with backoff."""
    sent, failed = send_pending()
    return f"{sent} e-mail(s) sent, {failed} failed (kept for retry)"


@scheduled("notifications_digest", every=timedelta(hours=24))
def digest_job() -> str:
    """The daily digest: one e-mail per user with everything collected for it."""
    mails, items = send_digests()
    return f"{mails} digest e-mail(s) with {items} notification(s)"


@scheduled("notifications_reminders", every=timedelta(hours=24))
def reminders_job() -> str:
    """Proofs of use due, overdue loans and defects, earmarking and warranty ending."""
    with transaction.atomic():
        counts = {
            "proof_due": reminders.proof_due_reminders(),
            "loan_overdue": reminders.loan_overdue_reminders(),
            "defect_overdue": reminders.defect_overdue_reminders(),
            "earmarking": reminders.ending_reminders("earmarking_end", Kind.EARMARKING_ENDING),
            "warranty": reminders.ending_reminders("warranty_end", Kind.WARRANTY_ENDING),
        }
    return ", ".join(f"{k}: {v}" for k, v in counts.items())


@scheduled("notifications_jobs", every=timedelta(minutes=1))
def jobs_job() -> str:
    """Tell users that their background job finished or failed."""
    return f"{reminders.job_notifications()} job notification(s)"
