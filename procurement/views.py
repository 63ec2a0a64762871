"""Procurement pages: configuration over core.views. Every page about cooperative-visible
rows runs in the cooperative scope (the user's boards plus their cooperative's members)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.context import current_board_id
from core.pdf import pdf_response
from core.tenancy import cooperative_scope
from core.views import (
    Column,
    PageMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectActionView,
    ScopedObjectFormView,
    ServiceFormView,
)
from schools.models import Cooperative, SchoolBoard

from . import documents, permissions, selectors, services
from .deliveries import read_rows
from .filters import CallOffFilter, InvoiceFilter
from .forms import (
    CallOffForm,
    ConfirmForm,
    DeliveryUploadForm,
    InvoiceForm,
    PriceListUploadForm,
    ReasonForm,
    StepForm,
)
from .models import CallOff, DeliveryNote, FrameworkContract, JointOrder, SupplierInvoice
from .workflow import CALL_OFF, INVOICE, JOINT_ORDER


class CooperativeScopeMixin:
    """Runs the view — and renders its response — in the cooperative scope."""

    def dispatch(self, request, *args, **kwargs):
        with cooperative_scope(request.access):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response


def _staff_cooperative(request, pk) -> Cooperative:
    cooperative = get_object_or_404(Cooperative, pk=pk)
    if not permissions.is_staff_of(request.access, cooperative.pk):
        raise Http404
    return cooperative


# --------------------------------------------------------------- call-offs
class CallOffListView(CooperativeScopeMixin, ScopedListView):
    model = CallOff
    filterset_class = CallOffFilter
    title = _("Abrufe")
    create_url = "procurement:call-off-create"
    extra_actions = [
        (_("Overview"), "procurement:overview"),
        (_("Invoices"), "procurement:invoice-list"),
        (_("Rahmenverträge"), "procurement:contract-list"),
    ]
    columns = [
        Column("number", _("number"), link=True),
        Column("school_board", _("Schulträger")),
        Column("school", _("School")),
        Column("contract", _("Rahmenvertrag")),
        Column("order_date", _("order date"), fmt="date"),
        Column("get_status_display", _("status")),
    ]


class CallOffDetailView(CooperativeScopeMixin, ScopedDetailView):
    model = CallOff
    template_name = "procurement/call_off_detail.html"
    fields_shown = [
        Column("school_board", _("Schulträger")),
        Column("school", _("School")),
        Column("contract", _("Rahmenvertrag")),
        Column("get_route_display", _("procurement route")),
        Column("supplier_name", _("supplier (outside the Warenkorb)")),
        Column("cost_line", _("position")),
        Column("order_date", _("order date"), fmt="date"),
        Column("get_status_display", _("status")),
        Column("joint_order", _("Sammelbestellung")),
        Column("over_plan_reason", _("reason for exceeding the plan")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["targets"] = CALL_OFF.targets(self.object, self.request.access)
        ctx["labels"] = dict(CALL_OFF.choices.choices)
        ctx["can_deliver"] = CALL_OFF.is_in(
            self.object, "deliverable"
        ) and permissions.is_board_editor(self.request.access, self.object)
        ctx["notes"] = self.object.delivery_notes.all()
        return ctx


class CallOffCreateView(ServiceFormView):
    form_class = CallOffForm
    title = _("New call-off (Abruf)")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["access"] = self.request.access
        kwargs["contracts"] = selectors.contracts_for(self.request.access)
        kwargs.setdefault("initial", {})["order_date"] = timezone.localdate()
        return kwargs

    def perform(self, form):
        board_id = current_board_id(self.request)
        if board_id not in self.request.access.edit_board_ids:
            raise PermissionDenied
        data = dict(form.cleaned_data)
        item = data.pop("item")
        data["contract"] = item.contract
        data["lines"] = [{"item": item, "quantity": data.pop("quantity")}]
        return services.call_off_create(
            actor=self.request.user,
            access=self.request.access,
            board=SchoolBoard.objects.get(pk=board_id),
            data=data,
        )

    def get_back_url(self):
        return reverse("procurement:call-off-list")

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class CallOffStepView(CooperativeScopeMixin, ScopedObjectActionView):
    model = CallOff
    form_class = StepForm
    invalid_message = _("Please choose a step.")

    def has_permission(self, obj):
        return CALL_OFF.targets(obj, self.request.access) != []

    def perform(self):
        return services.call_off_step(
            actor=self.request.user,
            access=self.request.access,
            call_off=self.object,
            to=self.form.cleaned_data["to"],
            reason=self.form.cleaned_data["reason"],
        )


class DeliveryUploadView(CooperativeScopeMixin, ScopedObjectFormView):
    model = CallOff
    form_class = DeliveryUploadForm
    title = _("Record a delivery note")
    submit_label = _("Import")
    success_message = _("The delivery note has been recorded; the devices are in stock.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        rows, errors = read_rows(upload.name, upload.read())
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError({"file": errors})
        return services.delivery_note_record(
            actor=self.request.user,
            access=self.request.access,
            call_off=self.object,
            number=form.cleaned_data["number"],
            delivered_on=form.cleaned_data["delivered_on"],
            rows=rows,
        )

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class DeliveryNoteDetailView(CooperativeScopeMixin, ScopedDetailView):
    model = DeliveryNote
    template_name = "procurement/delivery_note_detail.html"
    fields_shown = [
        Column("call_off", _("Abruf")),
        Column("call_off.school", _("School")),
        Column("delivered_on", _("delivered on"), fmt="date"),
        Column("received_by", _("received by (school)")),
    ]


# --------------------------------------------------------------- invoices
class InvoiceListView(CooperativeScopeMixin, ScopedListView):
    model = SupplierInvoice
    filterset_class = InvoiceFilter
    title = _("Supplier invoices")
    columns = [
        Column("number", _("invoice number"), link=True),
        Column("school_board", _("Schulträger")),
        Column("supplier", _("supplier")),
        Column("date", _("invoice date"), fmt="date"),
        Column("get_status_display", _("status")),
    ]


class InvoiceDetailView(CooperativeScopeMixin, ScopedDetailView):
    model = SupplierInvoice
    template_name = "procurement/invoice_detail.html"
    fields_shown = [
        Column("school_board", _("Schulträger")),
        Column("supplier", _("supplier")),
        Column("date", _("invoice date"), fmt="date"),
        Column("get_status_display", _("status")),
        Column("difference_reason", _("reason for accepting differences")),
        Column("payout", _("Auszahlungsantrag")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        editor = permissions.is_board_editor(self.request.access, self.object)
        ctx["can_accept"] = editor and INVOICE.is_in(self.object, "open")
        ctx["can_request"] = editor and INVOICE.is_in(self.object, "payable")
        return ctx


class InvoiceCreateView(CooperativeScopeMixin, ScopedObjectFormView):
    """An invoice for the ordered line of a call-off (one line; the API takes several)."""

    model = CallOff
    form_class = InvoiceForm
    title = _("Record a supplier invoice")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        coop = self.object.cooperative_id
        from .models import Supplier

        kwargs["suppliers"] = Supplier.objects.filter(cooperative_id=coop)
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.invoice_record(
            actor=self.request.user,
            access=self.request.access,
            board=self.object.school_board,
            supplier=data["supplier"],
            number=data["number"],
            date=data["date"],
            lines=[
                {
                    "order_line": self.object.lines.first(),
                    "quantity": data["quantity"],
                    "unit_price_net": data["unit_price_net"],
                    "vat_rate": data["vat_rate"],
                }
            ],
        )

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class InvoiceAcceptView(CooperativeScopeMixin, ScopedObjectActionView):
    model = SupplierInvoice
    form_class = ReasonForm
    invalid_message = _("Please give a reason for this step.")
    success_message = _("The differences have been accepted.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def perform(self):
        return services.invoice_accept(
            actor=self.request.user,
            access=self.request.access,
            invoice=self.object,
            reason=self.form.cleaned_data["reason"],
        )


class InvoicePayoutView(CooperativeScopeMixin, ScopedObjectActionView):
    model = SupplierInvoice
    success_message = _("The payout request has been created from the invoice.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def perform(self):
        return services.payout_from_invoices(
            actor=self.request.user, access=self.request.access, invoices=[self.object]
        )

    def get_success_url(self):
        return self.outcome[0].get_absolute_url() if self.outcome else self.get_failure_url()


# --------------------------------------------------------------- overview
class OverviewView(CooperativeScopeMixin, PageMixin, TemplateView):
    template_name = "procurement/overview.html"
    title = _("Procurement overview")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        board_id = current_board_id(self.request)
        visible = board_id in self.request.access.full_board_ids
        ctx["rows"] = selectors.board_overview(board_id) if visible else []
        return ctx


# --------------------------------------------------------------- the cooperative's pages
class ContractListView(PageMixin, TemplateView):
    template_name = "procurement/contract_list.html"
    title = _("Rahmenverträge")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["contracts"] = selectors.contracts_for(self.request.access)
        ctx["cooperatives"] = Cooperative.objects.filter(pk__in=self.request.access.cooperative_ids)
        return ctx


class ContractDetailView(PageMixin, TemplateView):
    template_name = "procurement/contract_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        contract = get_object_or_404(selectors.contracts_for(self.request.access), pk=kwargs["pk"])
        ctx["contract"] = contract
        ctx["page_title"] = str(contract)
        ctx["items"] = contract.items.select_related("lot").prefetch_related("prices__price_list")
        ctx["price_lists"] = contract.price_lists.all()
        ctx["is_staff"] = permissions.is_staff_of(self.request.access, contract.cooperative_id)
        return ctx


class PriceListImportView(ServiceFormView):
    form_class = PriceListUploadForm
    title = _("Import a price list")
    submit_label = _("Import")
    success_message = _("The price list has been imported.")

    def dispatch(self, request, *args, **kwargs):
        self.contract = get_object_or_404(FrameworkContract, pk=kwargs["pk"])
        if not permissions.is_staff_of(request.access, self.contract.cooperative_id):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        return services.price_list_import(
            actor=self.request.user,
            access=self.request.access,
            contract=self.contract,
            name=upload.name,
            data=upload.read(),
            valid_from=form.cleaned_data["valid_from"],
            valid_until=form.cleaned_data["valid_until"],
        )

    def get_back_url(self):
        return self.contract.get_absolute_url()


class CooperativeDetailView(CooperativeScopeMixin, PageMixin, TemplateView):
    """The cooperative's desk: members, what is open per board, its joint orders."""

    template_name = "procurement/cooperative_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cooperative = _staff_cooperative(self.request, kwargs["pk"])
        ctx["cooperative"] = cooperative
        ctx["page_title"] = str(cooperative)
        ctx["members"] = cooperative.members.select_related("school_board")
        ctx["open"] = selectors.open_per_board(
            cooperative.pk, self.request.access.cooperative_board_ids
        )
        ctx["orders"] = JointOrder.objects.for_list().filter(cooperative=cooperative)
        return ctx


class BundleView(CooperativeScopeMixin, ScopedObjectActionView):
    model = Cooperative
    success_message = _("The submitted call-offs have been bundled.")

    def get_queryset(self):
        return Cooperative.objects.filter(pk__in=self.request.access.cooperative_ids)

    def perform(self):
        return services.bundle(
            actor=self.request.user,
            access=self.request.access,
            cooperative=self.object,
            on=timezone.localdate(),
        )

    def get_failure_url(self):
        return reverse("procurement:cooperative-detail", args=[self.object.pk])


class JointOrderMixin(CooperativeScopeMixin):
    model = JointOrder

    def get_queryset(self):
        return JointOrder.objects.for_detail().filter(
            cooperative_id__in=self.request.access.cooperative_ids
        )


class JointOrderDetailView(JointOrderMixin, PageMixin, TemplateView):
    template_name = "procurement/joint_order_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        ctx.update(documents.joint_order_context(order))
        ctx["page_title"] = str(order)
        ctx["can_send"] = JOINT_ORDER.is_in(order, "sendable")
        ctx["can_confirm"] = JOINT_ORDER.can(order, "confirmed")
        ctx["confirm_form"] = ConfirmForm()
        return ctx


class JointOrderSendView(JointOrderMixin, ScopedObjectActionView):
    success_message = _("The joint order has been sent to the supplier.")

    def perform(self):
        return services.joint_order_send(
            actor=self.request.user,
            access=self.request.access,
            joint_order=self.object,
            sent_on=timezone.localdate(),
        )


class JointOrderConfirmView(JointOrderMixin, ScopedObjectActionView):
    form_class = ConfirmForm
    invalid_message = _("Please give the supplier's reference and the date.")
    success_message = _("The confirmation has been recorded.")

    def perform(self):
        data = self.form.cleaned_data
        return services.joint_order_confirm(
            actor=self.request.user,
            access=self.request.access,
            joint_order=self.object,
            reference=data["reference"],
            confirmed_on=data["confirmed_on"],
            expected_on=data["expected_on"],
        )


def _joint_order_or_404(request, pk) -> JointOrder:
    return get_object_or_404(
        JointOrder.objects.for_document(), pk=pk, cooperative_id__in=request.access.cooperative_ids
    )


def joint_order_pdf(request, pk):
    order = _joint_order_or_404(request, pk)
    with cooperative_scope(request.access):
        return pdf_response(documents.joint_order_pdf(order), f"{order.number}.pdf")


def joint_order_csv(request, pk):
    order = _joint_order_or_404(request, pk)
    with cooperative_scope(request.access):
        response = HttpResponse(documents.joint_order_csv(order), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{order.number}.csv"'
    return response
