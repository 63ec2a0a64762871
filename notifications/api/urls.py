from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import FeedTokenView, NotificationViewSet, PreferencesView

router = DefaultRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("notification-preferences/", PreferencesView.as_view(), name="notification-preferences"),
    path("calendar-feed/", FeedTokenView.as_view(), name="calendar-feed"),
    *router.urls,
]
