from django.urls import path

from . import views, views_bulk

app_name = "devices"
urlpatterns = [
    path("", views.DeviceListView.as_view(), name="device-list"),
    path("neu/", views.DeviceCreateView.as_view(), name="device-create"),
    path("sammelaktion/", views_bulk.DeviceBulkView.as_view(), name="device-bulk"),
    path(
        "sammelaktion/<int:pk>/ergebnis/",
        views_bulk.bulk_job_result,
        name="device-bulk-result",
    ),
    path("etiketten.pdf", views.device_labels, name="device-labels"),
    path("kostenposition/", views.DeviceCostLineView.as_view(), name="device-cost-line"),
    path("<int:pk>/", views.DeviceDetailView.as_view(), name="device-detail"),
    path("<int:pk>/bearbeiten/", views.DeviceUpdateView.as_view(), name="device-update"),
    path("<int:pk>/status/", views.DeviceTransitionView.as_view(), name="device-transition"),
    path("<int:pk>/etikett.pdf", views.device_label, name="device-label"),
    path(
        "<int:parent_pk>/zubehoer/neu/",
        views.AccessoryCreateView.as_view(),
        name="accessory-create",
    ),
    path(
        "zubehoer/<int:pk>/bearbeiten/",
        views.AccessoryUpdateView.as_view(),
        name="accessory-update",
    ),
    path("<int:parent_pk>/schaden/neu/", views.DefectCreateView.as_view(), name="defect-create"),
    path("modelle/", views.DeviceModelListView.as_view(), name="model-list"),
    path("modelle/neu/", views.DeviceModelCreateView.as_view(), name="model-create"),
    path("modelle/<int:pk>/", views.DeviceModelDetailView.as_view(), name="model-detail"),
    path(
        "modelle/<int:pk>/bearbeiten/", views.DeviceModelUpdateView.as_view(), name="model-update"
    ),
    path("lieferungen/", views.DeliveryListView.as_view(), name="delivery-list"),
    path("lieferungen/neu/", views.DeliveryCreateView.as_view(), name="delivery-create"),
    path("lieferungen/<int:pk>/", views.DeliveryDetailView.as_view(), name="delivery-detail"),
    path(
        "lieferungen/<int:pk>/uebergabeprotokoll.pdf",
        views.delivery_protocol,
        name="delivery-protocol",
    ),
    path("lieferungen/<int:pk>/etiketten.pdf", views.delivery_labels, name="delivery-labels"),
    path("ausleihen/", views.LoanListView.as_view(), name="loan-list"),
    path("ausleihen/neu/", views.LoanCreateView.as_view(), name="loan-create"),
    path("ausleihen/<int:pk>/", views.LoanDetailView.as_view(), name="loan-detail"),
    path("ausleihen/<int:pk>/bearbeiten/", views.LoanUpdateView.as_view(), name="loan-update"),
    path("ausleihen/<int:pk>/leihvertrag.pdf", views.loan_contract, name="loan-contract"),
    path("ausleihen/<int:pk>/unterschrieben/", views.LoanSignView.as_view(), name="loan-sign"),
    path("ausleihen/<int:pk>/ausgeben/", views.LoanHandOutView.as_view(), name="loan-handout"),
    path("ausleihen/<int:pk>/stornieren/", views.LoanCancelView.as_view(), name="loan-cancel"),
    path("ausleihen/<int:pk>/abgang/", views.LoanPupilLeftView.as_view(), name="loan-pupil-left"),
    path("ausleihen/<int:pk>/rueckgabe/", views.LoanReturnView.as_view(), name="loan-return"),
    path("rueckgaben/<int:pk>/", views.ReturnDetailView.as_view(), name="return-detail"),
    path(
        "rueckgaben/<int:pk>/rueckgabeprotokoll.pdf", views.return_protocol, name="return-protocol"
    ),
    path("schaeden/", views.DefectListView.as_view(), name="defect-list"),
    path("schaeden/<int:pk>/", views.DefectDetailView.as_view(), name="defect-detail"),
    path(
        "schaeden/<int:pk>/status/", views.DefectTransitionView.as_view(), name="defect-transition"
    ),
    path("inventuren/", views.StocktakeListView.as_view(), name="stocktake-list"),
    path("inventuren/neu/", views.StocktakeCreateView.as_view(), name="stocktake-create"),
    path("inventuren/<int:pk>/", views.StocktakeDetailView.as_view(), name="stocktake-detail"),
    path("inventuren/<int:pk>/erfassen/", views.StocktakeScanView.as_view(), name="stocktake-scan"),
    path(
        "inventuren/<int:pk>/abschliessen/",
        views.StocktakeCloseView.as_view(),
        name="stocktake-close",
    ),
    path("inventuren/<int:pk>/bericht.pdf", views.stocktake_report, name="stocktake-report"),
    path("inventuren/<int:pk>/bericht.csv", views.stocktake_csv, name="stocktake-csv"),
    path("datenschutz/", views.PrivacyView.as_view(), name="privacy"),
]
