"""API v1: every app's router under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("schools.api.urls")),
    path("", include("devices.api.urls")),
    path("", include("mediaplans.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("procurement.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("core.api_urls")),
]
