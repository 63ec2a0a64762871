"""E-mail of notifications: immediate mails with retry and backoff, and the daily digest.

Runs outside requests only (the `send_pending_mail` task and the scheduler). An SMTP
server that is down or an address that bounces never loses a notification: it stays in
the inbox, the row keeps `mail_state` retrying/failed with the error (admin list), the
error is logged, and the next run tries again after an exponential backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import MailState
from .models import Notification, UserProfile
from .texts import reason_of, title_of

logger = logging.getLogger("paktwerk.notifications")


def _conf(name: str):
    return settings.NOTIFICATIONS[name]


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt n+1: base · 2^(n-1), at most the configured maximum."""
    seconds = _conf("MAIL_BACKOFF_SECONDS") * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, _conf("MAIL_BACKOFF_MAX_SECONDS")))


def languages_of(user_ids: Iterable[int]) -> dict[int, str]:
    chosen = dict(
        UserProfile.objects.filter(user_id__in=user_ids).values_list("user_id", "language")
    )
    return {uid: chosen.get(uid) or settings.LANGUAGE_CODE for uid in user_ids}


def _absolute(url: str) -> str:
    return settings.PAKTWERK["BASE_URL"].rstrip("/") + url if url.startswith("/") else url


def _item(notification: Notification) -> dict:
    return {
        "title": title_of(notification),
        "reason": reason_of(notification),
        "url": _absolute(notification.url),
    }


def _email(user, language: str, subject: str, template: str, context: dict):
    with translation.override(language):
        context = {
            **context,
            "user": user,
            "LANGUAGE_CODE": language,
            "site": settings.PAKTWERK["SITE_NAME"],
            "settings_url": _absolute("/benachrichtigungen/einstellungen/"),
        }
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
        message = EmailMultiAlternatives(
            subject=f"[{settings.PAKTWERK['SITE_NAME']}] {subject}",
            body=text,
            to=[user.email],
            headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(html, "text/html")
        return message


def _failed(rows: list[Notification], error: Exception, now) -> None:
    """Record a failed attempt; give up after MAIL_MAX_ATTEMPTS (stays in the inbox)."""
    text = f"{type(error).__name__}: {error}"[:2000]
    for row in rows:
        row.mail_attempts += 1
        row.mail_error = text
        if row.mail_state != MailState.DIGEST:
            gave_up = row.mail_attempts >= _conf("MAIL_MAX_ATTEMPTS")
            row.mail_state = MailState.FAILED if gave_up else MailState.RETRYING
            row.mail_next_try = None if gave_up else now + backoff(row.mail_attempts)
    Notification.objects.bulk_update(
        rows, ["mail_attempts", "mail_error", "mail_state", "mail_next_try"]
    )
    logger.warning(
        "notification e-mail failed for %d notification(s) (ids %s): %s",
        len(rows),
        ",".join(str(r.pk) for r in rows[:20]),
        text,
    )


def _sent(ids: list[int], now) -> None:
    Notification.objects.filter(pk__in=ids).update(
        mail_state=MailState.SENT, mailed_at=now, mail_next_try=None, mail_error=""
    )


def _open_connection(rows: list[Notification], now):
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # SMTP down: every row waits for the next attempt
        _failed(rows, exc, now)
        return None
    return connection


def send_pending(*, now=None, limit: int = 500) -> tuple[int, int]:
    """Send the immediate e-mails that are due; returns (sent, failed)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.mail_due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .order_by("id")[:limit]
        )
        if not rows:
            return 0, 0
        connection = _open_connection(rows, now)
        if connection is None:
            return 0, len(rows)
        languages = languages_of({r.recipient_id for r in rows})
        sent: list[int] = []
        failed = 0
        try:
            for row in rows:
                language = languages[row.recipient_id]
                with translation.override(language):
                    context = {"item": _item(row)}
                    subject = title_of(row)
                message = _email(row.recipient, language, subject, "notification", context)
                message.connection = connection
                try:
                    message.send()
                    sent.append(row.pk)
                except Exception as exc:  # a bouncing address fails only its own mail
                    _failed([row], exc, now)
                    failed += 1
        finally:
            connection.close()
        _sent(sent, now)
    return len(sent), failed


def send_digests(*, now=None, chunk: int = 500) -> tuple[int, int]:
    """One e-mail per user with everything waiting for the digest; returns (mails, items).

    Works through the recipients in chunks (bounded memory); a second run finds
    nothing left and sends nothing.
    """
    now = now or timezone.now()
    waiting = Notification.objects.filter(mail_state=MailState.DIGEST)
    user_ids = sorted(set(waiting.values_list("recipient_id", flat=True)))
    mails = items = 0
    for start in range(0, len(user_ids), chunk):
        done = _digest_chunk(user_ids[start : start + chunk], now)
        mails += done[0]
        items += done[1]
    return mails, items


def _digest_chunk(user_ids: list[int], now) -> tuple[int, int]:
    rows = list(
        Notification.objects.filter(mail_state=MailState.DIGEST, recipient_id__in=user_ids)
        .select_related("recipient")
        .order_by("recipient_id", "-created_at", "-id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        by_user[row.recipient_id].append(row)
    connection = _open_connection(rows, now)
    if connection is None:
        return 0, 0
    languages = languages_of(by_user)
    mails = 0
    sent: list[int] = []
    try:
        for uid, own in by_user.items():
            language = languages[uid]
            with translation.override(language):
                context = {"items": [_item(r) for r in own]}
                subject = _("Your daily summary: %(n)s notification(s)") % {"n": len(own)}
            message = _email(own[0].recipient, language, subject, "digest", context)
            message.connection = connection
            try:
                message.send()
            except Exception as exc:
                _failed(own, exc, now)
                continue
            mails += 1
            sent.extend(r.pk for r in own)
    finally:
        connection.close()
    for start in range(0, len(sent), 1000):
        _sent(sent[start : start + 1000], now)
    return mails, len(sent)
