"""FilterSets shared by the concept pages and the API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import School

from .choices import ConceptStatus, FundingCategory, TrainingStatus
from .models import CompetenceGoal, ConceptVersion, EquipmentNeed, MediaConcept, TrainingEntry


def _visible_schools(request):
    if request is None:
        return School.objects.none()
    return request.access.restrict(School.objects.order_by("name", "id"))


def _visible_concepts(request):
    if request is None:
        return MediaConcept.objects.none()
    return request.access.restrict(MediaConcept.objects.select_related("school"))


class ConceptFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search (school, Schulnummer)"), method="filter_q")
    school = filters.ModelChoiceFilter(label=_("School"), queryset=_visible_schools)

    class Meta:
        model = MediaConcept
        fields = ["q", "school"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(school__name__icontains=value) | Q(school__school_number__icontains=value)
        )


class VersionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("status"), choices=ConceptStatus.choices)
    concept = filters.ModelChoiceFilter(label=_("concept"), queryset=_visible_concepts)
    school = filters.ModelChoiceFilter(
        label=_("School"), queryset=_visible_schools, field_name="concept__school"
    )

    class Meta:
        model = ConceptVersion
        fields = ["status", "concept", "school"]


class GoalFilter(filters.FilterSet):
    version = filters.NumberFilter(field_name="version")
    area = filters.NumberFilter(field_name="area__number", label=_("competence area (1–6)"))

    class Meta:
        model = CompetenceGoal
        fields = ["version", "area"]


class TrainingFilter(filters.FilterSet):
    version = filters.NumberFilter(field_name="version")
    status = filters.ChoiceFilter(choices=TrainingStatus.choices)

    class Meta:
        model = TrainingEntry
        fields = ["version", "status"]


class NeedFilter(filters.FilterSet):
    version = filters.NumberFilter(field_name="version")
    school = filters.NumberFilter(field_name="school")
    category = filters.ChoiceFilter(choices=FundingCategory.choices)
    adopted = filters.BooleanFilter(
        method="filter_adopted", label=_("only needs of adopted versions")
    )
    without_goal = filters.BooleanFilter(
        method="filter_without_goal", label=_("only needs without a goal")
    )

    class Meta:
        model = EquipmentNeed
        fields = ["version", "school", "category", "adopted", "without_goal"]

    def filter_adopted(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(version__status=ConceptStatus.ADOPTED)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_without_goal(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(goals__isnull=True)
            if value
            else queryset.filter(goals__isnull=False).distinct()
        )
