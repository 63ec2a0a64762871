from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import oidc, views_account
from core import views_pages as core_views
from core.api_tokens import ObtainTokenView
from core.observability import metrics

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("metrics", metrics, name="prometheus-metrics"),
    path(
        "anmelden/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="registration/login.html", redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "passwort/vergessen/",
        auth_views.PasswordResetView.as_view(
            subject_template_name="registration/password_reset_subject.txt"
        ),
        name="password_reset",
    ),
    path(
        "passwort/vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passwort/neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passwort/neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("passwort/aendern/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "passwort/aendern/fertig/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("konto/", include(views_account.urlpatterns)),
    path("oidc/", include(oidc.urlpatterns)),
    path("sprache/", login_not_required(set_language), name="set_language"),
    path("", include("core.urls")),
    path("", include("schools.urls")),
    path("geraete/", include("devices.urls")),
    path("medienbildung/", include("mediaplans.urls")),
    path("foerderung/", include("funding.urls")),
    path("import/", include("imports.urls")),
    path("beschaffung/", include("procurement.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# Media is never served raw, not even with DEBUG=1: every download goes through a
# view that checks the permission (core.downloads.file_response).
handler400 = "core.api_errors.api_aware_handler400"
handler403 = "core.api_errors.api_aware_handler403"
handler404 = "core.api_errors.api_aware_handler404"
handler500 = "core.api_errors.api_aware_handler500"
