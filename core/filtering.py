"""Filters refuse numbers no database column can hold (400 / a form error, never a 500).

django-filter's NumberFilter yields a Decimal; compared with an integer column,
SQLite raises OverflowError beyond 64 bits. Every numeric filter field is bounded
to the signed 64-bit range (our widest integer column) before the query runs.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import BooleanWidget
from rest_framework.filters import OrderingFilter

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def bound_numeric_fields(filterset):
    """Add 64-bit range validators to the numeric fields of a FilterSet's form (once)."""
    if filterset is None:
        return filterset
    for field in filterset.form.fields.values():
        if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
            if getattr(field, "_paktwerk_bounded", False):
                continue
            field.validators += [MinValueValidator(INT64_MIN), MaxValueValidator(INT64_MAX)]
            field._paktwerk_bounded = True
    return filterset


class BoundedFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose numeric filters answer 400 when out of range."""

    def get_filterset(self, request, queryset, view):
        return bound_numeric_fields(super().get_filterset(request, queryset, view))


class YesNoWidget(BooleanWidget):
    """django-filter's BooleanWidget with options translated when rendered.

    Its own options are translated when the widget is built — for a filter declared in a
    class body that is at import time, in the default language, so the English page showed
    "Unbekannt / Ja / Nein". Lazy labels follow the language of each request.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]


class StableOrderingFilter(OrderingFilter):
    """DRF's `ordering` parameter, always ending in the primary key (stable pagination).

    Viewsets name their `ordering_fields` explicitly — the list page's sortable columns
    (`core.listing.ordering_fields_for`) — so page and API sort by the same fields.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        last = ordering[-1]
        if last.lstrip("-") not in ("pk", "id"):
            ordering.append("-pk" if last.startswith("-") else "pk")
        return ordering

    def get_schema_operation_parameters(self, view):
        """OpenAPI: the `ordering` parameter lists the fields (a leading `-` reverses)."""
        params = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple) and fields:
            values = [v for f in fields for v in (f, f"-{f}")]
            for param in params:
                param["schema"] = {"type": "string", "enum": values}
                param["description"] = gettext(
                    "Sort by one of the list's columns; a leading '-' sorts descending. "
                    "Every ordering ends in the id, for stable pages."
                )
        return params
