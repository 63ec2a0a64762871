"""FilterSets shared by the registry's list pages and API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import BoardKind, RoomKind, SchoolType
from .models import Room, School, SchoolBoard, Site


def visible_boards(request):
    return (
        request.access.restrict(SchoolBoard.objects.all())
        if request
        else SchoolBoard.objects.none()
    )


def visible_schools(request):
    return request.access.restrict(School.objects.all()) if request else School.objects.none()


def visible_sites(request):
    if request is None:
        return Site.objects.none()
    return request.access.restrict(Site.objects.select_related("school"))


class SearchFilterMixin:
    search_fields: tuple[str, ...] = ()

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class BoardFilter(SearchFilterMixin, filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_search")
    kind = filters.ChoiceFilter(label=_("kind"), choices=BoardKind.choices)
    search_fields = ("name", "city")

    class Meta:
        model = SchoolBoard
        fields = ["q", "kind"]


class SchoolFilter(SearchFilterMixin, filters.FilterSet):
    q = filters.CharFilter(label=_("Search (name, Schulnummer, city)"), method="filter_search")
    school_type = filters.ChoiceFilter(label=_("School type"), choices=SchoolType.choices)
    school_board = filters.ModelChoiceFilter(label=_("Schulträger"), queryset=visible_boards)
    search_fields = ("name", "school_number", "city")

    class Meta:
        model = School
        fields = ["q", "school_type", "school_board"]


class SiteFilter(SearchFilterMixin, filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_search")
    school = filters.ModelChoiceFilter(label=_("School"), queryset=visible_schools)
    search_fields = ("name", "city")

    class Meta:
        model = Site
        fields = ["q", "school"]


class RoomFilter(SearchFilterMixin, filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_search")
    kind = filters.ChoiceFilter(label=_("kind"), choices=RoomKind.choices)
    school = filters.ModelChoiceFilter(label=_("School"), queryset=visible_schools)
    site = filters.ModelChoiceFilter(label=_("Site"), queryset=visible_sites)
    search_fields = ("name", "building", "school__name")

    class Meta:
        model = Room
        fields = ["q", "kind", "school", "site"]
