from django.urls import path

from . import views

app_name = "schools"
urlpatterns = [
    path("schultraeger/", views.BoardListView.as_view(), name="board-list"),
    path("schultraeger/<int:pk>/", views.BoardDetailView.as_view(), name="board-detail"),
    path("schultraeger/<int:pk>/bearbeiten/", views.BoardUpdateView.as_view(), name="board-update"),
    path("schultraeger/<int:pk>/benutzer/", views.BoardMembersView.as_view(), name="board-members"),
    path("mitgliedschaften/<int:pk>/entfernen/", views.membership_revoke, name="membership-revoke"),
    path("einladungen/<int:pk>/zurueckziehen/", views.invitation_revoke, name="invitation-revoke"),
    path("einladung/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("schulen/", views.SchoolListView.as_view(), name="school-list"),
    path("schulen/neu/", views.SchoolCreateView.as_view(), name="school-create"),
    path("schulen/<int:pk>/", views.SchoolDetailView.as_view(), name="school-detail"),
    path("schulen/<int:pk>/bearbeiten/", views.SchoolUpdateView.as_view(), name="school-update"),
    path("schulen/<int:pk>/stammblatt.pdf", views.school_sheet, name="school-sheet"),
    path(
        "schulen/<int:parent_pk>/standorte/neu/", views.SiteCreateView.as_view(), name="site-create"
    ),
    path("standorte/<int:pk>/", views.SiteDetailView.as_view(), name="site-detail"),
    path("standorte/<int:pk>/bearbeiten/", views.SiteUpdateView.as_view(), name="site-update"),
    path(
        "standorte/<int:parent_pk>/raeume/neu/", views.RoomCreateView.as_view(), name="room-create"
    ),
    path("raeume/", views.RoomListView.as_view(), name="room-list"),
    path("raeume/<int:pk>/", views.RoomDetailView.as_view(), name="room-detail"),
    path("raeume/<int:pk>/bearbeiten/", views.RoomUpdateView.as_view(), name="room-update"),
]
