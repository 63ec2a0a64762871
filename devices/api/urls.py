from rest_framework.routers import DefaultRouter

from .views import (
    AccessoryViewSet,
    DefectReportViewSet,
    DeviceModelViewSet,
    DeviceViewSet,
    LoanReturnViewSet,
    LoanViewSet,
    StocktakeViewSet,
)

router = DefaultRouter()
router.register("devices", DeviceViewSet, basename="device")
router.register("device-models", DeviceModelViewSet, basename="device-model")
router.register("accessories", AccessoryViewSet, basename="accessory")
router.register("loans", LoanViewSet, basename="loan")
router.register("returns", LoanReturnViewSet, basename="return")
router.register("defect-reports", DefectReportViewSet, basename="defect-report")
router.register("stocktakes", StocktakeViewSet, basename="stocktake")
urlpatterns = router.urls
