"""FilterSets shared by the device pages and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import YesNoWidget
from schools.models import Room, School

from .choices import DefectKind, DefectStatus, DeviceCategory, DeviceStatus, LoanStatus
from .models import DefectReport, Delivery, Device, DeviceModel, Loan, Stocktake


def _visible(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return request.access.restrict(model.objects.all())

    return queryset


def _visible_rooms(request):
    if request is None:
        return Room.objects.none()
    return request.access.restrict(Room.objects.select_related("school").all())


class DeviceFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Inventarnummer or serial number"), method="filter_q")
    school = filters.ModelChoiceFilter(label=_("School"), queryset=_visible(School))
    room = filters.ModelChoiceFilter(label=_("Room"), queryset=_visible_rooms)
    status = filters.ChoiceFilter(label=_("status"), choices=DeviceStatus.choices)
    category = filters.ChoiceFilter(label=_("category"), choices=DeviceCategory.choices)
    model = filters.ModelChoiceFilter(label=_("device model"), queryset=_visible(DeviceModel))
    pool = filters.CharFilter(label=_("pool / class set"), field_name="pool", lookup_expr="iexact")
    warranty_days = filters.NumberFilter(
        label=_("warranty ends within (days)"),
        method="filter_warranty",
        min_value=0,
        max_value=3650,
    )
    overdue = filters.BooleanFilter(
        label=_("only overdue loans"),
        method="filter_overdue",
        widget=YesNoWidget(),
    )

    class Meta:
        model = Device
        fields = [
            "q",
            "school",
            "room",
            "status",
            "category",
            "model",
            "pool",
            "warranty_days",
            "overdue",
        ]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(inventory_number__istartswith=value) | Q(serial_number__istartswith=value)
        )

    def filter_warranty(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.warranty_ending_within(int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset


class DeviceModelFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_q")
    category = filters.ChoiceFilter(label=_("category"), choices=DeviceCategory.choices)

    class Meta:
        model = DeviceModel
        fields = ["q", "category"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(manufacturer__icontains=value) | Q(name__icontains=value))


class DeliveryFilter(filters.FilterSet):
    school = filters.ModelChoiceFilter(label=_("School"), queryset=_visible(School))

    class Meta:
        model = Delivery
        fields = ["school"]


class LoanFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Name, class or Inventarnummer"), method="filter_q")
    school = filters.ModelChoiceFilter(label=_("School"), queryset=_visible(School))
    status = filters.ChoiceFilter(label=_("status"), choices=LoanStatus.choices)
    overdue = filters.BooleanFilter(
        label=_("only overdue"), method="filter_overdue", widget=YesNoWidget()
    )
    school_year = filters.CharFilter(label=_("school year"))

    class Meta:
        model = Loan
        fields = ["q", "school", "status", "overdue", "school_year"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(borrower_name__icontains=value)
            | Q(school_class__iexact=value)
            | Q(items__device__inventory_number__iexact=value)
        ).distinct()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset


class DefectFilter(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("status"), choices=DefectStatus.choices)
    kind = filters.ChoiceFilter(label=_("kind"), choices=DefectKind.choices)
    school = filters.ModelChoiceFilter(
        label=_("School"), queryset=_visible(School), field_name="device__school"
    )

    class Meta:
        model = DefectReport
        fields = ["status", "kind", "school"]


class StocktakeFilter(filters.FilterSet):
    school = filters.ModelChoiceFilter(label=_("School"), queryset=_visible(School))

    class Meta:
        model = Stocktake
        fields = ["school"]
