from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.RunListView.as_view(), name="import-list"),
    path("", views.RunListView.as_view(), name="run-list"),
    path("neu/", views.upload, name="upload"),
    path("<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("<int:pk>/zuordnung/", views.mapping, name="run-mapping"),
    path("<int:pk>/importieren/", views.commit, name="run-commit"),
    path("<int:pk>/datei/", views.run_file, name="run-file"),
    path("<int:pk>/fehlerbericht.csv", views.error_report, name="run-errors"),
    path("export/", views.export, name="export"),
    path("vorlage/", views.template_download, name="template"),
    path("mdm/", views.MdmListView.as_view(), name="mdm-list"),
    path("mdm/neu/", views.mdm_create, name="mdm-create"),
    path("mdm/<int:pk>/", views.MdmDetailView.as_view(), name="mdm-detail"),
    path("mdm/<int:pk>/abgleich.csv", views.mdm_csv, name="mdm-csv"),
    path("mdm/<int:pk>/abgleich.pdf", views.mdm_pdf, name="mdm-pdf"),
]
