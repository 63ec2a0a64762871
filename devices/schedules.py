"""Scheduled jobs of the device inventory."""

from datetime import timedelta

from django.conf import settings
from django_scopes import scopes_disabled

from core.scheduler import scheduled
from devices.services import anonymise_expired_loans


@scheduled("anonymise_loans", every=timedelta(hours=24))
def anonymise_loans() -> str:
    """Data-protection duty: anonymise borrowers after LOAN_RETENTION_MONTHS."""
    with scopes_disabled():
        count = anonymise_expired_loans()
    months = settings.PAKTWERK["LOAN_RETENTION_MONTHS"]
    return f"{count} loan(s) returned more than {months} months ago anonymised"
