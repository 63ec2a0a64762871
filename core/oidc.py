"""Optional OpenID Connect login (mozilla-django-oidc) for a municipality's own IdP.

Off unless `OIDC_ENABLED=1`. Only existing, active Paktwerk users log in this way,
matched by e-mail: roles and memberships stay managed in Paktwerk. Users who must use
2FA are still asked for their Paktwerk second factor afterwards.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)


class PaktwerkOIDCBackend(OIDCAuthenticationBackend):
    """Match an active user by the e-mail claim; never create users."""

    def authenticate(self, request, **kwargs):
        """A refused code or an unreachable provider is a failed login, not a server error."""
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            logger.warning("OIDC login failed: %s", type(exc).__name__)
            return None

    def filter_users_by_claims(self, claims):
        return super().filter_users_by_claims(claims).filter(is_active=True)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        return None


def _when_enabled(view):
    def wrapped(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


urlpatterns = [
    path(
        "anmelden/",
        _when_enabled(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        _when_enabled(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
