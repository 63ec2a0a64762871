from rest_framework.routers import DefaultRouter

from .views import (
    CallOffViewSet,
    ContractViewSet,
    DeliveryNoteViewSet,
    JointOrderViewSet,
    SupplierInvoiceViewSet,
)

router = DefaultRouter()
router.register("procurement/contracts", ContractViewSet, basename="procurement-contract")
router.register("procurement/call-offs", CallOffViewSet, basename="procurement-calloff")
router.register(
    "procurement/delivery-notes", DeliveryNoteViewSet, basename="procurement-deliverynote"
)
router.register("procurement/invoices", SupplierInvoiceViewSet, basename="procurement-invoice")
router.register("procurement/joint-orders", JointOrderViewSet, basename="procurement-jointorder")
urlpatterns = router.urls
