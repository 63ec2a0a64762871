"""Named read shapes for concepts, versions and their rows (no N+1)."""

from django.db import models
from django.db.models import Count, Prefetch, Q


class ConceptQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("school", "school_board")
            .prefetch_related(
                models.Prefetch(
                    "versions", queryset=_version_model().objects.with_counts().order_by("-number")
                )
            )
            .order_by("school__name")
        )

    def for_detail(self):
        return self.select_related("school", "school_board", "school__land")


class VersionQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("concept", "concept__school", "school_board").order_by(
            "concept__school__name", "-number", "pk"
        )

    def for_detail(self):
        return self.select_related(
            "concept", "concept__school", "concept__school__land", "school_board", "based_on"
        )

    def for_document(self):
        from .models import CompetenceGoal, EquipmentNeed, TrainingEntry

        return self.for_detail().prefetch_related(
            Prefetch("goals", queryset=CompetenceGoal.objects.select_related("area")),
            Prefetch("training_entries", queryset=TrainingEntry.objects.prefetch_related("areas")),
            Prefetch(
                "needs",
                queryset=EquipmentNeed.objects.prefetch_related(
                    "rooms",
                    Prefetch("goals", queryset=CompetenceGoal.objects.select_related("area")),
                ),
            ),
        )

    def with_counts(self):
        return self.annotate(
            goal_count=Count("goals", distinct=True),
            training_count=Count("training_entries", distinct=True),
            need_count=Count("needs", distinct=True),
        )


class GoalQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related(
            "area", "version", "version__concept__school", "school_board"
        ).order_by("version", "area__number", "year_from", "pk")

    def for_detail(self):
        return self.select_related("area", "version", "version__concept__school")


class TrainingQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("version", "version__concept__school", "school_board")
            .prefetch_related("areas")
            .order_by("version", "period_start", "pk")
        )

    def for_detail(self):
        return self.select_related("version", "version__concept__school")


class NeedQuerySet(models.QuerySet):
    def for_list(self):
        from .models import CompetenceGoal

        return (
            self.select_related("school", "version", "version__concept", "school_board")
            .prefetch_related(
                "rooms", Prefetch("goals", queryset=CompetenceGoal.objects.select_related("area"))
            )
            .annotate(goal_count=Count("goals", distinct=True))
            .order_by("version", "priority", "category", "pk")
        )

    def for_detail(self):
        return self.select_related("school", "version", "version__concept__school")

    def without_goal(self):
        return self.annotate(n_goals=Count("goals")).filter(Q(n_goals=0))


class CommentQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("author", "version").order_by("created_at", "pk")


def _version_model():
    from .models import ConceptVersion

    return ConceptVersion
