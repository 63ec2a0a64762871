"""Thin forms of procurement: they validate input; services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import KernWidgetsMixin
from funding.models import CostLine
from schools.models import School

from .models import ContractItem, Supplier


class CallOffForm(KernWidgetsMixin, forms.Form):
    """A call-off with one item (the API takes several lines)."""

    item = forms.ModelChoiceField(queryset=ContractItem.objects.none(), label=_("item"))
    quantity = forms.IntegerField(min_value=1, label=_("quantity"))
    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    cost_line = forms.ModelChoiceField(
        queryset=CostLine.objects.none(), required=False, label=_("position")
    )
    order_date = forms.DateField(label=_("order date"))
    over_plan_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("reason for exceeding the plan"),
    )

    def __init__(self, *args, access, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ContractItem.objects.filter(
            contract__in=contracts
        ).select_related("contract")
        self.fields["school"].queryset = access.restrict(School.objects.all())
        self.fields["cost_line"].queryset = access.restrict(
            CostLine.objects.filter(approved_amount__isnull=False)
        )


class StepForm(forms.Form):
    to = forms.CharField()
    reason = forms.CharField(required=False)


class ReasonForm(KernWidgetsMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("reason"))


class PriceListUploadForm(KernWidgetsMixin, forms.Form):
    file = forms.FileField(label=_("price list (CSV or XLSX)"))
    valid_from = forms.DateField(required=False, label=_("valid from"))
    valid_until = forms.DateField(required=False, label=_("valid until"))


class DeliveryUploadForm(KernWidgetsMixin, forms.Form):
    number = forms.CharField(max_length=50, label=_("delivery note number"))
    delivered_on = forms.DateField(label=_("delivered on"))
    file = forms.FileField(label=_("delivery note (CSV or XLSX)"))


class ConfirmForm(KernWidgetsMixin, forms.Form):
    reference = forms.CharField(max_length=100, label=_("supplier's confirmation"))
    confirmed_on = forms.DateField(label=_("confirmed on"))
    expected_on = forms.DateField(required=False, label=_("expected delivery"))


class InvoiceForm(KernWidgetsMixin, forms.Form):
    """An invoice with one line per ordered line of a call-off (quantity, price, VAT)."""

    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none(), label=_("supplier"))
    number = forms.CharField(max_length=100, label=_("invoice number"))
    date = forms.DateField(label=_("invoice date"))
    quantity = forms.IntegerField(min_value=1, label=_("quantity"))
    unit_price_net = forms.DecimalField(max_digits=14, decimal_places=2, label=_("unit price net"))
    vat_rate = forms.DecimalField(max_digits=5, decimal_places=2, label=_("VAT rate (%)"))

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers
