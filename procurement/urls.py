from django.urls import path

from . import views

app_name = "procurement"
urlpatterns = [
    path("", views.CallOffListView.as_view(), name="call-off-list"),
    path("neu/", views.CallOffCreateView.as_view(), name="call-off-create"),
    path("uebersicht/", views.OverviewView.as_view(), name="overview"),
    path("abruf/<int:pk>/", views.CallOffDetailView.as_view(), name="call-off-detail"),
    path("abruf/<int:pk>/status/", views.CallOffStepView.as_view(), name="call-off-step"),
    path(
        "abruf/<int:pk>/lieferschein/", views.DeliveryUploadView.as_view(), name="delivery-create"
    ),
    path("abruf/<int:pk>/rechnung/", views.InvoiceCreateView.as_view(), name="invoice-create"),
    path(
        "lieferschein/<int:pk>/",
        views.DeliveryNoteDetailView.as_view(),
        name="delivery-note-detail",
    ),
    path("rechnungen/", views.InvoiceListView.as_view(), name="invoice-list"),
    path("rechnung/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("rechnung/<int:pk>/annehmen/", views.InvoiceAcceptView.as_view(), name="invoice-accept"),
    path(
        "rechnung/<int:pk>/mittelabruf/", views.InvoicePayoutView.as_view(), name="invoice-payout"
    ),
    path("rahmenvertraege/", views.ContractListView.as_view(), name="contract-list"),
    path("rahmenvertrag/<int:pk>/", views.ContractDetailView.as_view(), name="contract-detail"),
    path(
        "rahmenvertrag/<int:pk>/preisliste/",
        views.PriceListImportView.as_view(),
        name="price-list-import",
    ),
    path(
        "genossenschaft/<int:pk>/", views.CooperativeDetailView.as_view(), name="cooperative-detail"
    ),
    path("genossenschaft/<int:pk>/buendeln/", views.BundleView.as_view(), name="bundle"),
    path(
        "sammelbestellung/<int:pk>/",
        views.JointOrderDetailView.as_view(),
        name="joint-order-detail",
    ),
    path(
        "sammelbestellung/<int:pk>/senden/",
        views.JointOrderSendView.as_view(),
        name="joint-order-send",
    ),
    path(
        "sammelbestellung/<int:pk>/bestaetigung/",
        views.JointOrderConfirmView.as_view(),
        name="joint-order-confirm",
    ),
    path("sammelbestellung/<int:pk>/bestellung.pdf", views.joint_order_pdf, name="joint-order-pdf"),
    path("sammelbestellung/<int:pk>/bestellung.csv", views.joint_order_csv, name="joint-order-csv"),
]
