"""Background tasks of the notifications app (django-tasks)."""

from django_tasks import task


@task()
def send_pending_mail() -> str:
    """Send the immediate notification e-mails now (the scheduler also does every minute)."""
    from .mail import send_pending

    sent, failed = send_pending()
    return f"{sent} sent, {failed} failed"
