from rest_framework.routers import DefaultRouter

from .views import (
    ApplicationSchoolViewSet,
    ApplicationViewSet,
    BudgetViewSet,
    CatalogueViewSet,
    ChangeRequestLineViewSet,
    ChangeRequestViewSet,
    CostLineViewSet,
    DecisionViewSet,
    InvoiceViewSet,
    PayoutViewSet,
    ProgrammeViewSet,
    ProofViewSet,
    ReviewCommentViewSet,
    RuleSetViewSet,
)

router = DefaultRouter()
router.register("funding/programmes", ProgrammeViewSet, basename="funding-programme")
router.register("funding/rulesets", RuleSetViewSet, basename="funding-ruleset")
router.register("funding/catalogue", CatalogueViewSet, basename="funding-catalogue")
router.register("funding/budgets", BudgetViewSet, basename="funding-budget")
router.register("funding/applications", ApplicationViewSet, basename="funding-application")
router.register(
    "funding/application-schools", ApplicationSchoolViewSet, basename="funding-applicationschool"
)
router.register("funding/change-requests", ChangeRequestViewSet, basename="funding-changerequest")
router.register(
    "funding/change-request-lines", ChangeRequestLineViewSet, basename="funding-changerequestline"
)
router.register("funding/cost-lines", CostLineViewSet, basename="funding-costline")
router.register("funding/comments", ReviewCommentViewSet, basename="funding-comment")
router.register("funding/decisions", DecisionViewSet, basename="funding-decision")
router.register("funding/invoices", InvoiceViewSet, basename="funding-invoice")
router.register("funding/payouts", PayoutViewSet, basename="funding-payout")
router.register("funding/proofs", ProofViewSet, basename="funding-proof")
urlpatterns = router.urls
