"""FilterSets shared by the procurement lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import CallOffStatus, InvoiceStatus
from .models import CallOff, SupplierInvoice


class CallOffFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallOffStatus.choices, label=_("status"))
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("number"))

    class Meta:
        model = CallOff
        fields = ["status", "number"]


class InvoiceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices, label=_("status"))

    class Meta:
        model = SupplierInvoice
        fields = ["status"]
