from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/gelesen/", views.mark_read, name="mark-read"),
    path("alle-gelesen/", views.mark_all_read, name="mark-all-read"),
    path("einstellungen/", views.preferences, name="preferences"),
    path("kalender/neu/", views.feed_create, name="feed-create"),
    path("kalender/widerrufen/", views.feed_revoke, name="feed-revoke"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
    path("aufgaben/<slug:key>/", views.todo_list, name="todo"),
]
