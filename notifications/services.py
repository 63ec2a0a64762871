"""Every write of the notifications app: creating notifications, reading them, preferences.

Notifications are created only by the workflow hook (`hooks.py`) and the scheduled
jobs (`schedules.py`), never by a view. Creating is idempotent: one row per
recipient and `dedupe_key`, so a hook or reminder that runs twice notifies once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import apply_fields, lock_and_check, save_row

from .choices import Delivery, Kind, MailState
from .models import Notification, Preference, UserProfile, new_feed_token

logger = logging.getLogger("paktwerk.notifications")


@dataclass
class Message:
    """What one event tells its recipients (the same for each of them)."""

    kind: str
    board_id: int | None
    url: str
    dedupe_key: str
    params: dict = field(default_factory=dict)
    due_date: dt.date | None = None


def deliveries_for(users: Iterable, kind: str) -> dict[int, str]:
    """{user id: delivery} for one kind (default: immediately)."""
    ids = [u.pk for u in users]
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "delivery")
    )
    return {uid: chosen.get(uid, Delivery.IMMEDIATE) for uid in ids}


def _mail_state(user, delivery: str) -> str:
    if delivery == Delivery.OFF or not (user.email or "").strip():
        return MailState.NONE
    return MailState.DIGEST if delivery == Delivery.DIGEST else MailState.PENDING


def notify(message: Message, recipients: Iterable) -> list[Notification]:
    """Create the notification for each recipient who does not have it yet."""
    users = {u.pk: u for u in recipients if u is not None}
    if not users:
        return []
    existing = set(
        Notification.objects.filter(
            recipient_id__in=users, dedupe_key=message.dedupe_key
        ).values_list("recipient_id", flat=True)
    )
    delivery = deliveries_for(users.values(), message.kind)
    rows = [
        Notification(
            recipient=user,
            school_board_id=message.board_id,
            kind=message.kind,
            params=message.params,
            url=message.url[:500],
            due_date=message.due_date,
            dedupe_key=message.dedupe_key[:200],
            mail_state=_mail_state(user, delivery[uid]),
        )
        for uid, user in users.items()
        if uid not in existing
    ]
    # a parallel run may have created some meanwhile: the constraint keeps one of each
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.mail_state == MailState.PENDING for r in rows):
        transaction.on_commit(_send_soon)
    return rows


def _send_soon() -> None:
    """Hand the immediate e-mails to a task (outside the request); failures stay queued."""
    from .tasks import send_pending_mail

    try:
        send_pending_mail.enqueue()
    except Exception:  # the scheduler sends them anyway: nothing is lost
        logger.exception("could not enqueue notification e-mails; the scheduler sends them")


def mark_read(*, user, access, notification_ids: Iterable[int]) -> int:
    """Mark the user's own notifications read (others' ids are ignored)."""
    return (
        Notification.objects.for_recipient(user, access)
        .filter(pk__in=list(notification_ids), read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def mark_all_read(*, user, access, kind: str = "") -> int:
    qs = Notification.objects.for_recipient(user, access).unread()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


def profile_of(user) -> UserProfile:
    profile, _created = UserProfile.objects.get_or_create(user=user)
    return profile


PROFILE_FIELDS = ("language",)


@transaction.atomic
def preferences_update(
    *, actor, data: dict, expected_version: int | str | None = None
) -> UserProfile:
    """Save the language and the per-kind e-mail deliveries of the acting user.

    `data`: {"language": "de"|"en", "deliveries": {kind: delivery}}; unknown kinds or
    deliveries are refused with a message and nothing is changed.
    """
    profile = lock_and_check(profile_of(actor), expected_version)
    deliveries = data.get("deliveries") or {}
    errors = {}
    for kind, delivery in deliveries.items():
        if kind not in Kind.values:
            errors["deliveries"] = _("Unknown kind of notification: %(kind)s") % {"kind": kind}
        elif delivery not in Delivery.values:
            errors["deliveries"] = _("Choose immediately, daily digest or no e-mail.")
    if errors:
        raise ValidationError(errors)
    apply_fields(profile, data, PROFILE_FIELDS)
    save_row(profile, actor=actor)
    for kind, delivery in deliveries.items():
        Preference.objects.update_or_create(user=actor, kind=kind, defaults={"delivery": delivery})
    return profile


@transaction.atomic
def feed_token_create(*, actor) -> UserProfile:
    """A new secret calendar URL (any earlier one stops working)."""
    profile = lock_and_check(profile_of(actor), None)
    profile.feed_token = new_feed_token()
    profile.feed_token_created = timezone.now()
    save_row(profile, actor=actor)
    return profile


@transaction.atomic
def feed_token_revoke(*, actor) -> UserProfile:
    """Revoke the calendar URL: it answers 404 from now on."""
    profile = lock_and_check(profile_of(actor), None)
    profile.feed_token = ""
    profile.feed_token_created = None
    save_row(profile, actor=actor)
    return profile
