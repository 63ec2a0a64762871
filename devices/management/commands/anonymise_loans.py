"""Retention job (§ 84a SchulG LSA): anonymise borrowers after the retention period."""

from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from core.management.base import LocalizedCommand
from devices.services import anonymise_expired_loans


class Command(LocalizedCommand):
    help = (
        "Anonymise borrower data of loans returned more than LOAN_RETENTION_MONTHS months "
        "ago (default 6) with no open claim; the history tables are anonymised too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Override settings.PAKTWERK['LOAN_RETENTION_MONTHS'].",
        )

    def handle(self, *args, months=None, **options):
        with scopes_disabled():
            count = anonymise_expired_loans(months=months)
        self.stdout.write(
            ngettext("%(count)s loan anonymised.", "%(count)s loans anonymised.", count)
            % {"count": count}
        )
