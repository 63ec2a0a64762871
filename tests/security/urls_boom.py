"""A URLconf for one test: the project's URLs plus two views that raise."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urls


def boom(request):
    raise RuntimeError("boom")


boom.login_required = False

urlpatterns = [path("api/boom/", boom), path("boom/", boom), *project_urls]
