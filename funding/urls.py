from django.urls import path

from . import views as v

app_name = "funding"
urlpatterns = [
    path("", v.ApplicationListView.as_view(), name="application-list"),
    path("neu/", v.ApplicationCreateView.as_view(), name="application-create"),
    path("pruefung/", v.ReviewQueueView.as_view(), name="review-queue"),
    path("antraege/<int:pk>/", v.ApplicationDetailView.as_view(), name="application-detail"),
    path(
        "antraege/<int:pk>/bearbeiten/",
        v.ApplicationUpdateView.as_view(),
        name="application-update",
    ),
    path("antraege/<int:pk>/live-pruefung/", v.LiveCheckView.as_view(), name="live-check"),
    path("antraege/<int:pk>/positionen/neu/", v.CostLineCreateView.as_view(), name="line-create"),
    path(
        "antraege/<int:pk>/einreichen/",
        v.ApplicationSubmitView.as_view(),
        name="application-submit",
    ),
    path("antraege/<int:pk>/nachfordern/", v.RequestChangesView.as_view(), name="request-changes"),
    path("antraege/<int:pk>/weiterleiten/", v.ForwardView.as_view(), name="forward"),
    path("antraege/<int:pk>/bescheiden/", v.DecideView.as_view(), name="decide"),
    path("antraege/<int:pk>/anmerkung/", v.CommentAddView.as_view(), name="comment-add"),
    path(
        "antraege/<int:pk>/uebersteuern/",
        v.FindingOverrideView.as_view(),
        name="finding-override",
    ),
    path("antraege/<int:pk>/antragspaket.pdf", v.PackagePdfView.as_view(), name="package-pdf"),
    path(
        "antraege/<int:pk>/antragspaket-archiv.pdf",
        v.PackagePdfView.as_view(),
        {"archive": True},
        name="package-archive-pdf",
    ),
    path(
        "antraege/<int:pk>/antragspaket-erzeugen/", v.PackageJobView.as_view(), name="package-job"
    ),
    path(
        "antraege/<int:pk>/aenderungsantrag/",
        v.ChangeRequestCreateView.as_view(),
        name="change-request-create",
    ),
    path("antraege/<int:pk>/rechnungen/", v.InvoiceListView.as_view(), name="invoice-list"),
    path("antraege/<int:pk>/mittelabruf/", v.PayoutCreateView.as_view(), name="payout-create"),
    path("antraege/<int:pk>/verwendungsnachweis/", v.ProofStartView.as_view(), name="proof-start"),
    path("positionen/<int:pk>/bearbeiten/", v.CostLineUpdateView.as_view(), name="line-update"),
    path("positionen/<int:pk>/loeschen/", v.CostLineDeleteView.as_view(), name="line-delete"),
    path("schulen-im-antrag/<int:pk>/", v.TpekView.as_view(), name="tpek"),
    path("schulen-im-antrag/<int:pk>/anfordern/", v.TpekRequestView.as_view(), name="tpek-request"),
    path("schulen-im-antrag/<int:pk>/liefern/", v.TpekSubmitView.as_view(), name="tpek-submit"),
    path(
        "schulen-im-antrag/<int:pk>/sachbericht/",
        v.ReportUpdateView.as_view(),
        name="report-update",
    ),
    path("bescheide/<int:pk>/", v.DecisionDetailView.as_view(), name="decision-detail"),
    path("bescheide/<int:pk>/bescheid.pdf", v.DecisionPdfView.as_view(), name="decision-pdf"),
    path(
        "aenderungsantraege/<int:pk>/",
        v.ChangeRequestDetailView.as_view(),
        name="change-request-detail",
    ),
    path(
        "aenderungsantraege/<int:pk>/positionen/neu/",
        v.ChangeLineCreateView.as_view(),
        name="change-line-create",
    ),
    path(
        "aenderungsantraege/<int:pk>/einreichen/",
        v.ChangeRequestSubmitView.as_view(),
        name="change-request-submit",
    ),
    path(
        "geaenderte-positionen/<int:pk>/bearbeiten/",
        v.ChangeLineUpdateView.as_view(),
        name="change-line-update",
    ),
    path(
        "geaenderte-positionen/<int:pk>/streichen/",
        v.ChangeLineRemoveView.as_view(),
        name="change-line-remove",
    ),
    path(
        "geaenderte-positionen/<int:pk>/wiederherstellen/",
        v.ChangeLineRemoveView.as_view(restore=True),
        name="change-line-restore",
    ),
    path(
        "aenderungsantraege/<int:pk>/entscheiden/",
        v.ChangeRequestDecideView.as_view(),
        name="change-request-decide",
    ),
    path("mittelabrufe/<int:pk>/", v.PayoutDetailView.as_view(), name="payout-detail"),
    path(
        "rechnungen/<int:pk>/begruendung/",
        v.InvoiceJustifyView.as_view(),
        name="invoice-justify",
    ),
    path(
        "mittelabrufe/<int:pk>/<str:to>/",
        v.PayoutTransitionView.as_view(),
        name="payout-transition",
    ),
    path("mittelabrufe/<int:pk>/mittelabruf.pdf", v.PayoutPdfView.as_view(), name="payout-pdf"),
    path("verwendungsnachweise/<int:pk>/", v.ProofDetailView.as_view(), name="proof-detail"),
    path(
        "verwendungsnachweise/<int:pk>/einreichen/",
        v.ProofSubmitView.as_view(),
        name="proof-submit",
    ),
    path("verwendungsnachweise/<int:pk>/pruefen/", v.ProofCheckView.as_view(), name="proof-check"),
    path(
        "verwendungsnachweise/<int:pk>/verwendungsnachweis.pdf",
        v.ProofPdfView.as_view(),
        name="proof-pdf",
    ),
    path("programme/", v.ProgrammeListView.as_view(), name="programme-list"),
    path("programme/<int:pk>/", v.ProgrammeDetailView.as_view(), name="programme-detail"),
    path(
        "programme/<int:pk>/fassungen-vergleichen/",
        v.RuleSetCompareView.as_view(),
        name="ruleset-compare",
    ),
    path(
        "richtlinienfassungen/<int:pk>/veroeffentlichen/",
        v.RuleSetPublishView.as_view(),
        name="ruleset-publish",
    ),
    path("budgets/", v.BudgetListView.as_view(), name="budget-list"),
    path("budgets/<int:pk>/", v.BudgetDetailView.as_view(), name="budget-detail"),
    path("budgets/berechnen/", v.BudgetComputeView.as_view(), name="budget-compute"),
    path("budgets/festlegen/", v.BudgetManualView.as_view(), name="budget-manual"),
    path("warenkorb/", v.CatalogueListView.as_view(), name="catalogue-list"),
    path("warenkorb/import/", v.CatalogueImportView.as_view(), name="catalogue-import"),
]
