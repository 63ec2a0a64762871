"""Request middleware: login required everywhere, tenancy scope from the user."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

from core.tenancy import access_for, access_scope


class HealthCheckMiddleware:
    """Answers /healthz/ before anything else runs (HTTPS redirect, session, login, tenancy).

    A probe must get the truth as JSON — not a 301 to HTTPS, and not an HTML
    500 because the session lookup needs the database that is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz/" and request.method in ("GET", "HEAD"):
            from core.health import health_response

            return health_response()
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every view requires login unless marked `login_not_required` (login, health, API*).

    *The API authenticates by token inside DRF, so its views opt out here and
    require authentication through DRF's IsAuthenticated instead.
    """


class TenancyScopeMiddleware:
    """Activates the django-scopes `board` scope for the whole request (fail-closed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = access_for(request.user)
        with access_scope(request.access):
            return self.get_response(request)
