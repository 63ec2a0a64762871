"""Named read shapes of notifications."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user, access):
        """A user's own notifications, only of boards they still belong to (or none)."""
        return self.filter(recipient=user).filter(
            Q(school_board__isnull=True) | Q(school_board_id__in=access.board_ids)
        )

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self):
        return self.order_by("-created_at", "-id")

    def mail_due(self, now):
        """Immediate e-mails waiting or due for another attempt."""
        from .choices import MailState

        return self.filter(
            Q(mail_state=MailState.PENDING)
            | Q(mail_state=MailState.RETRYING, mail_next_try__lte=now)
        )
