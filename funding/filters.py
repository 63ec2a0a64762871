"""FilterSets shared by the funding list pages and API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ApplicationStatus, FundingCategory, PayoutStatus, ProofStatus
from .models import (
    Application,
    ApplicationSchool,
    Budget,
    CatalogueItem,
    ChangeRequest,
    ChangeRequestLine,
    CostLine,
    Decision,
    Invoice,
    PayoutRequest,
    Programme,
    ProofOfUse,
    ReviewComment,
)


def _programmes(request):
    # global reference data: every user may read every programme (names, never ids)
    return Programme.objects.order_by("name", "id")


class SearchMixin:
    search_fields: tuple[str, ...] = ()

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class ApplicationFilter(SearchMixin, filters.FilterSet):
    q = filters.CharFilter(label=_("Search (number, title)"), method="filter_search")
    status = filters.ChoiceFilter(label=_("status"), choices=ApplicationStatus.choices)
    programme = filters.ModelChoiceFilter(label=_("Förderprogramm"), queryset=_programmes)
    search_fields = ("number", "title")

    class Meta:
        model = Application
        fields = ["q", "status", "programme"]


class ReviewFilter(ApplicationFilter):
    q = filters.CharFilter(label=_("Search (number, title, Schulträger)"), method="filter_search")
    search_fields = ("number", "title", "school_board__name")


class BudgetFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(label=_("Förderprogramm"), queryset=_programmes)

    class Meta:
        model = Budget
        fields = ["programme"]


class CatalogueFilter(SearchMixin, filters.FilterSet):
    q = filters.CharFilter(label=_("Search (item, number, contract)"), method="filter_search")
    category = filters.ChoiceFilter(label=_("category"), choices=FundingCategory.choices)
    search_fields = ("name", "item_number", "contract_reference")

    class Meta:
        model = CatalogueItem
        fields = ["q", "category"]


class CostLineFilter(filters.FilterSet):
    application = filters.NumberFilter(field_name="application")
    school = filters.NumberFilter(field_name="school")
    category = filters.ChoiceFilter(choices=FundingCategory.choices)

    class Meta:
        model = CostLine
        fields = ["application", "school", "category"]


class ByApplicationFilter(filters.FilterSet):
    application = filters.NumberFilter(field_name="application")


class DecisionFilter(ByApplicationFilter):
    class Meta:
        model = Decision
        fields = ["application"]


class InvoiceFilter(ByApplicationFilter):
    class Meta:
        model = Invoice
        fields = ["application"]


class PayoutFilter(ByApplicationFilter):
    status = filters.ChoiceFilter(choices=PayoutStatus.choices)

    class Meta:
        model = PayoutRequest
        fields = ["application", "status"]


class ProofFilter(ByApplicationFilter):
    status = filters.ChoiceFilter(choices=ProofStatus.choices)

    class Meta:
        model = ProofOfUse
        fields = ["application", "status"]


class CommentFilter(ByApplicationFilter):
    class Meta:
        model = ReviewComment
        fields = ["application"]


class ApplicationSchoolFilter(ByApplicationFilter):
    class Meta:
        model = ApplicationSchool
        fields = ["application"]


class ChangeRequestFilter(ByApplicationFilter):
    class Meta:
        model = ChangeRequest
        fields = ["application"]


class ChangeRequestLineFilter(filters.FilterSet):
    change_request = filters.NumberFilter(field_name="change_request")

    class Meta:
        model = ChangeRequestLine
        fields = ["change_request"]
