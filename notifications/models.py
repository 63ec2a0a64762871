"""Notifications (Benachrichtigungen): one row per recipient, the inbox and the mail queue."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Delivery, Kind, MailState
from .querysets import NotificationQuerySet


class Notification(models.Model):
    """A notification (Benachrichtigung) for one user about one object.

    Owned by its recipient (nobody else ever reads it) and, where it concerns a
    board, by that board: a user who leaves the board no longer sees it. Its text
    is rendered from `kind` + `params` in the reader's language; `params` never hold
    pupil data (objects are named by their number, e.g. "Leihvertrag LV-000012").
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    school_board = models.ForeignKey(
        "schools.SchoolBoard",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Schulträger"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    #: one notification per recipient and key: reminders and hooks run twice, send once
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mail_state = models.CharField(
        _("e-mail"), max_length=10, choices=MailState.choices, default=MailState.NONE
    )
    mail_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    mail_next_try = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    mail_error = models.TextField(_("last e-mail error"), blank=True)
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["mail_state", "mail_next_try"], name="notification_mail_idx"),
        ]

    def __str__(self) -> str:
        from .texts import title_of

        return title_of(self)

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """A user's e-mail preference (Benachrichtigungseinstellung) for one kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    delivery = models.CharField(
        _("e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )

    class Meta:
        ordering = ["user", "kind", "id"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.delivery}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class UserProfile(models.Model):
    """A user's personal settings (Profil): language of e-mails, calendar feed token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    #: secret of the iCal feed URL; empty = no feed (revoked or never created)
    feed_token = models.CharField(max_length=64, blank=True, default="", db_index=True)
    feed_token_created = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["user", "id"]
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return str(self.user)
