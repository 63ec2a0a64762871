from rest_framework.routers import DefaultRouter

from .views import ImportRunViewSet, MdmReconciliationViewSet

router = DefaultRouter()
router.register("imports", ImportRunViewSet, basename="importrun")
router.register("mdm-reconciliations", MdmReconciliationViewSet, basename="mdmreconciliation")
urlpatterns = router.urls
