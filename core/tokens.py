"""API tokens: issued by the token endpoint or the account page, expiring, revocable.

A token dies when it expires (`API_TOKEN_TTL_DAYS`), when its user revokes it, and
when the user's password changes (every token of that user is deleted).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.models import ApiToken

LAST_USED_RESOLUTION = timedelta(minutes=5)  # don't write on every request


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_expiry(now: datetime) -> datetime | None:
    days = settings.API_TOKEN_TTL_DAYS
    return now + timedelta(days=days) if days > 0 else None


def token_issue(*, user, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (row, key). The key is never stored in clear."""
    key = secrets.token_hex(20)
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lt=now).delete()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:8],
        key_digest=digest(key),
        expires_at=token_expiry(now),
    )
    return token, key


def token_revoke(*, user, token_id: int) -> bool:
    """Delete one of the user's own tokens; False if there is no such token of theirs."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against ApiToken digests; expired keys are refused.

    Failed attempts count against the token endpoint's rate per client address, so
    guessing keys is throttled (429) like guessing passwords.
    """

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def _refuse(self, message: str):
        from core.throttling import TokenEndpointThrottle

        throttle = TokenEndpointThrottle()
        if not throttle.allow_request(self._request, None):
            raise exceptions.Throttled(throttle.wait())
        raise exceptions.AuthenticationFailed(message)

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_digest=digest(key)).first()
        if token is None:
            self._refuse(_("Invalid token."))
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            self._refuse(_("Token has expired."))
        if not token.user.is_active:
            self._refuse(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


def _password_changed(sender, instance, **kwargs) -> None:
    """pre_save on the user model: a new password hash deletes every API token."""
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    old_hash = old.first()
    if old_hash is not None and old_hash != instance.password:
        ApiToken.objects.filter(user_id=instance.pk).delete()


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    pre_save.connect(_password_changed, sender=get_user_model(), dispatch_uid="token-pw-change")
