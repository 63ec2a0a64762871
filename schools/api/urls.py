from rest_framework.routers import DefaultRouter

from .views import RoomViewSet, SchoolBoardViewSet, SchoolViewSet, SiteViewSet

router = DefaultRouter()
router.register("boards", SchoolBoardViewSet, basename="board")
router.register("schools", SchoolViewSet, basename="school")
router.register("sites", SiteViewSet, basename="site")
router.register("rooms", RoomViewSet, basename="room")
urlpatterns = router.urls
