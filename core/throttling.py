"""API rate limits (DRF throttles) whose rates are read from settings on every request.

DRF binds its rate table at import time; reading it per request lets tests and
operators change `API_THROTTLE_*` without a restart of the test process. The
counters live in the default cache: with several web processes use a shared
cache (e.g. Redis or the database cache) so the limits hold across processes.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Requests without authentication, per client address."""


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Authenticated requests, per user."""


class TokenEndpointThrottle(_RateFromSettings, SimpleRateThrottle):
    """Attempts at the token endpoint, per client address, whatever the username."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
