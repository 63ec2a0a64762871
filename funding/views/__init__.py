"""Funding pages: configuration over core.views; page data comes from funding.selectors,
every change from one call of funding.services. One module per area."""

from .applications import (
    ApplicationCreateView,
    ApplicationDetailView,
    ApplicationListView,
    ApplicationSubmitView,
    ApplicationUpdateView,
    CommentAddView,
    FindingOverrideView,
    LiveCheckView,
    PackageJobView,
    PackagePdfView,
    ReviewQueueView,
)
from .changes import (
    ChangeLineCreateView,
    ChangeLineRemoveView,
    ChangeLineUpdateView,
    ChangeRequestCreateView,
    ChangeRequestDecideView,
    ChangeRequestDetailView,
    ChangeRequestSubmitView,
)
from .lines import CostLineCreateView, CostLineDeleteView, CostLineUpdateView
from .payouts import (
    InvoiceJustifyView,
    InvoiceListView,
    PayoutCreateView,
    PayoutDetailView,
    PayoutPdfView,
    PayoutTransitionView,
)
from .programmes import (
    BudgetComputeView,
    BudgetDetailView,
    BudgetListView,
    BudgetManualView,
    CatalogueImportView,
    CatalogueListView,
    ProgrammeDetailView,
    ProgrammeListView,
    RuleSetCompareView,
    RuleSetPublishView,
)
from .proofs import ProofCheckView, ProofDetailView, ProofPdfView, ProofStartView, ProofSubmitView
from .review import (
    DecideView,
    DecisionDetailView,
    DecisionPdfView,
    ForwardView,
    RequestChangesView,
)
from .schools import ReportUpdateView, TpekRequestView, TpekSubmitView, TpekView

#: application packages with more lines than this are built as a background job
#: (read at request time by `base.package_sync_lines()`)
PACKAGE_SYNC_LINES = 150

__all__ = [
    "ApplicationCreateView",
    "ApplicationDetailView",
    "ApplicationListView",
    "ApplicationSubmitView",
    "ApplicationUpdateView",
    "BudgetComputeView",
    "BudgetDetailView",
    "BudgetListView",
    "BudgetManualView",
    "CatalogueImportView",
    "CatalogueListView",
    "ChangeLineCreateView",
    "ChangeLineRemoveView",
    "ChangeLineUpdateView",
    "ChangeRequestCreateView",
    "ChangeRequestDecideView",
    "ChangeRequestDetailView",
    "ChangeRequestSubmitView",
    "CommentAddView",
    "FindingOverrideView",
    "CostLineCreateView",
    "CostLineDeleteView",
    "CostLineUpdateView",
    "DecideView",
    "DecisionDetailView",
    "DecisionPdfView",
    "ForwardView",
    "InvoiceJustifyView",
    "InvoiceListView",
    "LiveCheckView",
    "PackageJobView",
    "PackagePdfView",
    "PayoutCreateView",
    "PayoutDetailView",
    "PayoutPdfView",
    "PayoutTransitionView",
    "ProgrammeDetailView",
    "ProgrammeListView",
    "ProofCheckView",
    "ProofDetailView",
    "ProofPdfView",
    "ProofStartView",
    "ProofSubmitView",
    "ReportUpdateView",
    "RuleSetCompareView",
    "RuleSetPublishView",
    "RequestChangesView",
    "ReviewQueueView",
    "TpekRequestView",
    "TpekSubmitView",
    "TpekView",
]
