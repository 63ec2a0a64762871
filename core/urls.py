from django.urls import path

from . import views_lists
from . import views_pages as views

app_name = "core"
urlpatterns = [
    path("auftraege/<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("auftraege/<int:pk>/status/", views.JobStatusPartial.as_view(), name="job-status"),
    path("auftraege/<int:pk>/ergebnis/", views.job_result, name="job-result"),
    path("kontext/", views.switch_board, name="switch-board"),
    path("bestaetigen/", views_lists.confirm, name="confirm"),
    path("listen/spalten/", views_lists.list_columns, name="list-columns"),
    path("listen/filter/", views_lists.saved_filter_create, name="saved-filter-create"),
    path("listen/filter/<int:pk>/", views_lists.saved_filter_open, name="saved-filter"),
    path(
        "listen/filter/<int:pk>/loeschen/",
        views_lists.saved_filter_delete,
        name="saved-filter-delete",
    ),
]
