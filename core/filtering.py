"""Filters refuse numbers no database column can hold (400 / a form error, never a 500).

django-filter's NumberFilter yields a Decimal; compared with an integer column,
SQLite raises OverflowError beyond 64 bits. Every numeric filter field is bounded
to the signed 64-bit range (our widest integer column) before the query runs.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import BooleanWidget

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
