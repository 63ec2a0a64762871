"""Invoices and payout requests (Mittelabrufe)."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.views import Column, ScopedDetailView, ScopedObjectActionView, ScopedPdfView

from .. import permissions, selectors, services
from ..documents import payout_pdf
from ..forms import InvoiceForm, InvoiceJustificationForm, PayoutCreateForm
from ..models import Application, Invoice, PayoutRequest
from .base import FundingFormView, authority_message

PAYOUT_TARGETS = ("submitted", "paid", "rejected")


class InvoiceListView(FundingFormView):
    """An approved application's invoices; the board records more and requests payouts."""

    model = Application
    form_class = InvoiceForm
    template_name = "funding/invoices.html"
    success_message = _("Invoice recorded.")

    @cached_property
    def can_add(self) -> bool:
        return permissions.can_manage_after_approval(self.request.access, self.object)

    def has_permission(self, obj):
        return self.request.method != "POST" or self.can_add

    def get_title(self):
        return _("Invoices and payout requests: %(n)s") % {"n": self.object.number}

    def get_form(self, form_class=None):
        return super().get_form(form_class) if self.can_add else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.object}

    def get_context_data(self, **kwargs):
        app = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["app"] = app
        ctx["invoices"] = self.request.access.restrict(
            Invoice.objects.for_list().filter(application=app)
        )
        ctx["payout_form"] = PayoutCreateForm(application=app) if self.can_add else None
        ctx["payouts"] = PayoutRequest.objects.filter(application=app)
        return ctx

    def get_success_url(self):
        return self.request.path

    def perform(self, form):
        return services.invoice_create(
            actor=self.request.user, application=self.object, data=form.cleaned_data
        )


class PayoutCreateView(ScopedObjectActionView):
    model = Application
    form_class = PayoutCreateForm
    invalid_message = _("Please choose at least one invoice.")
    success_message = _("Payout request created.")

    def has_permission(self, obj):
        return permissions.can_manage_after_approval(self.request.access, obj)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.object}

    def perform(self):
        return services.payout_create(
            actor=self.request.user,
            application=self.object,
            invoices=self.form.cleaned_data["invoices"],
        )

    def get_failure_url(self):
        return reverse("funding:invoice-list", args=[self.object.pk])

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class PayoutDetailView(ScopedDetailView):
    model = PayoutRequest
    template_name = "funding/payout_detail.html"
    fields_shown = [
        Column("application.number", _("application number")),
        Column("status", _("status")),
        Column("invoiced_amount", _("invoiced eligible amount"), fmt="money"),
        Column("requested_amount", _("requested amount"), fmt="money"),
        Column("submitted_at", _("submitted"), fmt="datetime"),
        Column("paid_on", _("paid on"), fmt="date"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["invoices"] = self.object.invoices.select_related("cost_line__school")
        ctx["can_submit"] = permissions.can_edit_payout(self.request.access, self.object)
        ctx["can_pay"] = permissions.can_pay(self.request.access, self.object)
        ctx["tolerance_rows"] = selectors.payout_tolerance_rows(self.object)
        ctx["justification_form"] = InvoiceJustificationForm() if ctx["can_submit"] else None
        return ctx


class InvoiceJustifyView(FundingFormView):
    """The board justifies an invoice that takes its line beyond the plan tolerance."""

    model = Invoice
    form_class = InvoiceJustificationForm
    success_message = _("Justification saved.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def get_title(self):
        return _("Justify invoice %(n)s") % {"n": self.object.number}

    def get_initial(self):
        return {"justification": self.object.justification}

    def get_back_url(self):
        payout = self.object.payout
        return payout.get_absolute_url() if payout else self.object.get_absolute_url()

    def perform(self, form):
        return services.invoice_justify(
            actor=self.request.user,
            access=self.request.access,
            invoice=self.object,
            justification=form.cleaned_data["justification"],
        )


class PayoutTransitionView(ScopedObjectActionView):
    """Submit (board), pay or reject (Landesverwaltungsamt) a payout request."""

    model = PayoutRequest

    def get_object(self, queryset=None):
        payout = super().get_object(queryset)
        if self.kwargs["to"] not in PAYOUT_TARGETS:
            raise Http404
        return payout

    def has_permission(self, obj):
        access = self.request.access
        # a reviewer who is not the approval authority may not pay or reject
        return not (
            self.kwargs["to"] != "submitted"
            and permissions.is_reviewer_for(access, obj)
            and not permissions.is_approver_for(access, obj)
        )

    def get_permission_denied_message(self):
        return authority_message(permissions.APPROVAL)

    def perform(self):
        return services.payout_transition(
            actor=self.request.user,
            access=self.request.access,
            payout=self.object,
            to=self.kwargs["to"],
        )


class PayoutPdfView(ScopedPdfView):
    model = PayoutRequest

    def render_pdf(self, obj):
        return payout_pdf(obj)

    def get_filename(self, obj):
        return f"mittelabruf-{obj.application.number}-{obj.number}.pdf"
