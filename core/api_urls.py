from rest_framework.routers import DefaultRouter

from core.api_tokens import ApiTokenViewSet

router = DefaultRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="apitoken")
urlpatterns = router.urls
