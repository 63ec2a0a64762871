from django.urls import path

from tests.ops.test_observability import _log_view

urlpatterns = [path("log/", _log_view)]
