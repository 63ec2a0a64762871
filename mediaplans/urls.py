from django.urls import path

from . import views

app_name = "mediaplans"
urlpatterns = [
    path("", views.ConceptListView.as_view(), name="concept-list"),
    path("neu/", views.ConceptCreateView.as_view(), name="concept-create"),
    path("uebersicht/", views.BoardOverviewView.as_view(), name="board-overview"),
    path("schule/<int:school_pk>/", views.concept_for_school, name="concept-for-school"),
    path("<int:pk>/", views.ConceptDetailView.as_view(), name="concept-detail"),
    path("<int:pk>/neue-fassung/", views.VersionNewView.as_view(), name="version-new"),
    path("<int:pk>/vergleich/", views.CompareView.as_view(), name="version-compare"),
    path("fassungen/<int:pk>/", views.VersionDetailView.as_view(), name="version-detail"),
    path(
        "fassungen/<int:pk>/abschnitt/<slug:key>/",
        views.SectionEditView.as_view(),
        name="section-edit",
    ),
    path(
        "fassungen/<int:pk>/entwicklungsziele/",
        views.DevelopmentGoalsView.as_view(),
        name="development-goals",
    ),
    path("fassungen/<int:pk>/beschluss/", views.AdoptView.as_view(), name="version-adopt"),
    path("fassungen/<int:pk>/status/", views.TransitionView.as_view(), name="version-transition"),
    path("fassungen/<int:pk>/erweitern/", views.GrowView.as_view(), name="version-grow"),
    path("fassungen/<int:pk>/anmerkung/", views.CommentView.as_view(), name="version-comment"),
    path("fassungen/<int:pk>/konzept.pdf", views.version_pdf, name="version-pdf"),
    path("fassungen/<int:pk>/ziele/neu/", views.GoalCreateView.as_view(), name="goal-create"),
    path("ziele/<int:pk>/", views.GoalUpdateView.as_view(), name="goal-update"),
    path("ziele/<int:pk>/loeschen/", views.GoalDeleteView.as_view(), name="goal-delete"),
    path(
        "fassungen/<int:pk>/fortbildungen/neu/",
        views.TrainingCreateView.as_view(),
        name="training-create",
    ),
    path("fortbildungen/<int:pk>/", views.TrainingUpdateView.as_view(), name="training-update"),
    path(
        "fortbildungen/<int:pk>/loeschen/",
        views.TrainingDeleteView.as_view(),
        name="training-delete",
    ),
    path("fassungen/<int:pk>/bedarfe/neu/", views.NeedCreateView.as_view(), name="need-create"),
    path("bedarfe/<int:pk>/", views.NeedUpdateView.as_view(), name="need-update"),
    path("bedarfe/<int:pk>/loeschen/", views.NeedDeleteView.as_view(), name="need-delete"),
]
