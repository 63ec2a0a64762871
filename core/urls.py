from django.urls import path

from . import views_pages as views

app_name = "core"
urlpatterns = [
    path("auftraege/<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("auftraege/<int:pk>/status/", views.JobStatusPartial.as_view(), name="job-status"),
    path("auftraege/<int:pk>/ergebnis/", views.job_result, name="job-result"),
    path("kontext/", views.switch_board, name="switch-board"),
]
