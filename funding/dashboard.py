from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Card

from .choices import ApplicationStatus as S
from .models import Application


def cards(access) -> list[Card]:
    counts = access.restrict(Application.objects.all()).aggregate(
        draft=Count("id", filter=Q(status__in=[S.DRAFT, S.CHANGES_REQUESTED])),
        review=Count("id", filter=Q(status__in=[S.SUBMITTED, S.FORWARDED])),
        approved=Count("id", filter=Q(status__in=[S.APPROVED, S.CLOSED])),
    )
    if access.is_reviewer and not access.edit_board_ids:
        return [
            Card(
                _("Applications to review"),
                counts["review"],
                reverse("funding:review-queue"),
                tone="warning" if counts["review"] else "success",
            )
        ]
    return [
        Card(
            _("Funding applications"),
            counts["draft"] + counts["review"] + counts["approved"],
            reverse("funding:application-list"),
            _("%(draft)s in progress, %(review)s in review, %(approved)s approved") % counts,
        ),
    ]
