from rest_framework.routers import DefaultRouter

from .views import ConceptViewSet, GoalViewSet, NeedViewSet, TrainingViewSet, VersionViewSet

router = DefaultRouter()
router.register("media-concepts", ConceptViewSet, basename="media-concept")
router.register("media-concept-versions", VersionViewSet, basename="media-concept-version")
router.register("competence-goals", GoalViewSet, basename="competence-goal")
router.register("training-entries", TrainingViewSet, basename="training-entry")
router.register("equipment-needs", NeedViewSet, basename="equipment-need")
urlpatterns = router.urls
