"""Device pages: configuration over core.views; every write calls one service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from core.context import board_for_create, current_board_id
from core.formatting import format_number
from core.jobs import job_start as start_job
from core.jobs import job_url
from core.pdf import pdf_response
from core.services import recheck_tenancy
from core.spreadsheets import write_csv
from core.views import (
    Column,
    PageMixin,
    ScopedActionView,
    ScopedChildCreateView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectFormView,
    ScopedQuerysetMixin,
    ScopedUpdateView,
    get_visible_or_404,
)
from schools.models import SchoolBoard

from . import documents, permissions, services
from .choices import DefectStatus
from .filters import (
    DefectFilter,
    DeliveryFilter,
    DeviceFilter,
    DeviceModelFilter,
    LoanFilter,
    StocktakeFilter,
)
from .forms import (
    AccessoryForm,
    CostLineAssignForm,
    DefectForm,
    DefectTransitionForm,
    DeliveryForm,
    DeviceForm,
    DeviceModelForm,
    LoanForm,
    LoanSignForm,
    LoanUpdateForm,
    PrivacyForm,
    PupilLeftForm,
    ReturnForm,
    ScanForm,
    StocktakeCloseForm,
    StocktakeForm,
    TransitionForm,
)
from .models import (
    Accessory,
    DefectReport,
    Delivery,
    Device,
    DeviceModel,
    Loan,
    LoanReturn,
    PrivacyLog,
    Stocktake,
)
from .workflow import (
    DEFECT_TRANSITIONS,
    DEVICE,
    LOAN,
    STOCKTAKE,
    allowed_targets,
    device_transition,
)

#: up to this many labels (four A4 pages) the sheet is rendered in the request (about 3 s);
#: more run as a background job (bench/devices_labels.py: 300 labels ≈ 8 s, 3,000 ≈ 50 s)
INLINE_LABELS = 96
#: the largest sheet the background job builds
MAX_LABELS = 10_000

DEVICE_COLUMNS = [
    Column("inventory_number", _("Inventarnummer"), link=True),
    Column("serial_number", _("serial number")),
    Column("description", _("device")),
    Column("status", _("status")),
    Column("school.name", _("School")),
    Column("room.name", _("Room")),
    Column("pool", _("pool / class set")),
    Column("warranty_end", _("warranty end"), fmt="date"),
]
DEVICE_SUBNAV = [
    (_("Deliveries"), "devices:delivery-list"),
    (_("Device models"), "devices:model-list"),
    (_("Defect reports"), "devices:defect-list"),
    (_("Stocktakes"), "devices:stocktake-list"),
]


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PersonalDataMixin:
    """Rows with pupil data: only the board's staff and the school see them (else 404)."""

    def get_queryset(self):
        return permissions.personal_data_restrict(self.request.access, self.base_queryset())


# --- devices ------------------------------------------------------------------------------------


class DeviceListView(ScopedListView):
    model = Device
    filterset_class = DeviceFilter
    template_name = "devices/device_list.html"
    title = _("Devices")
    create_url = "devices:device-create"
    columns = DEVICE_COLUMNS
    extra_actions = DEVICE_SUBNAV
    export_kind = "devices"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # A board has thousands of rooms: offer only the chosen school's rooms.
        form = ctx["filter"].form
        school = getattr(form, "cleaned_data", {}).get("school")
        room_field = form.fields["room"]
        if school is None:
            room_field.queryset = room_field.queryset.none()
            room_field.help_text = _("Choose a school first.")
        else:
            room_field.queryset = room_field.queryset.filter(school=school)
        access = self.request.access
        if access.edit_board_ids or access.school_ids:
            from .bulk import ACTIONS

            ctx["bulk_actions"] = list(ACTIONS.items())
        return ctx


class DeviceDetailView(ScopedDetailView):
    model = Device
    template_name = "devices/device_detail.html"
    school_staff_may_edit = False
    fields_shown = [
        Column("serial_number", _("serial number")),
        Column("model", _("device model")),
        Column("category", _("category")),
        Column("status", _("status")),
        Column("school.name", _("School")),
        Column("room.name", _("Room")),
        Column("pool", _("pool / class set")),
        Column("purchase_date", _("purchase date"), fmt="date"),
        Column("price_net", _("price net"), fmt="money"),
        Column("price_gross", _("price gross"), fmt="money"),
        Column("supplier", _("supplier")),
        Column("invoice_reference", _("invoice reference")),
        Column("warranty_end", _("warranty end"), fmt="date"),
        Column("earmarking_end", _("Earmarked until"), fmt="date"),
        Column("mdm_id", _("MDM id")),
        Column("notes", _("notes")),
    ]

    def get_title(self):
        return gettext("Device %(inv)s") % {"inv": self.object.inventory_number}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        device = self.object
        targets = [
            t for t in allowed_targets(device) if permissions.can_transition(access, device, t)
        ]
        if targets:
            ctx["transition_form"] = TransitionForm(device=device, targets=targets, access=access)
        ctx["accessories"] = list(device.accessories.all())
        ctx["status_changes"] = list(device.status_changes.select_related("actor")[:30])
        ctx["defects"] = list(device.defect_reports.all()[:20])
        open_item = device.loan_items.filter(is_open=True).select_related("loan").first()
        ctx["open_loan"] = open_item.loan if open_item else None
        ctx["may_see_loan"] = bool(open_item) and permissions.can_see_personal_data(
            access, open_item.loan
        )
        ctx["can_report"] = permissions.can_edit_school_record(access, device) and DEVICE.is_in(
            device, "reportable"
        )
        ctx["funding_category"] = device.funding_category
        line = device.cost_line
        ctx["cost_line"] = line
        ctx["cost_line_label"] = services.cost_line_label(line) if line else ""
        return ctx


class DeviceCreateView(ScopedCreateView):
    model = Device
    form_class = DeviceForm
    title = _("New device")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Device(school_board=self.board)
        kwargs["access"] = self.request.access
        kwargs["board"] = self.board
        return kwargs

    def perform(self, form):
        return services.device_create(
            actor=self.request.user,
            board=self.board,
            data=form.cleaned_data,
            status=form.cleaned_data["initial_status"],
        )


class DeviceUpdateView(ScopedUpdateView):
    model = Device
    form_class = DeviceForm
    school_staff_may_edit = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["access"] = self.request.access
        return kwargs

    def perform(self, form):
        return services.device_update(
            actor=self.request.user, device=self.object, data=form.cleaned_data
        )


class DeviceTransitionView(ScopedActionView):
    model = Device
    success_message = _("Status changed.")

    def can_edit(self, obj):
        return permissions.can_edit_school_record(self.request.access, obj)

    def perform_action(self, obj):
        access = self.request.access
        targets = [t for t in allowed_targets(obj) if permissions.can_transition(access, obj, t)]
        form = TransitionForm(self.request.POST, device=obj, targets=targets, access=access)
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                    for f, e in form.errors.items()
                ]
            )
        device_transition(
            actor=self.request.user,
            device=obj,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            room=form.cleaned_data["room"],
        )
        return obj


def _label_selection(request):
    """The devices of the current list filter (same filters as the list), for labels."""
    qs = request.access.restrict(Device.objects.for_document())
    filterset = DeviceFilter(request.GET or None, queryset=qs, request=request)
    return filterset.qs if filterset.is_bound and filterset.is_valid() else qs


def _labels(request, devices, *, filename: str, back_url: str, title: str):
    """Small sheets come back at once; big ones run as a background job with a progress page.

    GET shows the PDF (up to INLINE_LABELS) or a confirmation page; POST starts the job.
    """
    count = devices.count()
    if count == 0:
        messages.error(request, gettext("No devices in this selection."))
        return HttpResponseRedirect(back_url)
    if count > MAX_LABELS:
        messages.error(
            request,
            gettext("At most %(n)s labels at once: narrow the filter.")
            % {"n": format_number(MAX_LABELS)},
        )
        return HttpResponseRedirect(back_url)
    if request.method == "POST":
        ids = list(devices.order_by("inventory_number").values_list("pk", flat=True))
        boards = set(devices.values_list("school_board_id", flat=True).distinct()[:2])
        board = SchoolBoard.objects.get(pk=boards.pop()) if len(boards) == 1 else None
        job = start_job(
            kind="devices.labels",
            owner=request.user,
            board=board,
            title=title,
            params={"device_ids": ids, "filename": filename},
        )
        return HttpResponseRedirect(job_url(job))
    if count <= INLINE_LABELS:
        return pdf_response(documents.label_sheet_pdf(devices), filename)
    return TemplateResponse(
        request,
        "devices/labels_confirm.html",
        {
            "page_title": title,
            "count": count,
            "inline_limit": INLINE_LABELS,
            "back_url": back_url,
            "action": request.get_full_path(),
        },
    )


@require_http_methods(["GET", "POST"])
def device_labels(request):
    """A label sheet for the devices of the current filter (same filters as the list)."""
    back = reverse("devices:device-list") + ("?" + request.GET.urlencode() if request.GET else "")
    return _labels(
        request,
        _label_selection(request),
        filename="etiketten.pdf",
        back_url=back,
        title=gettext("Label sheet"),
    )


def device_label(request, pk):
    device = get_visible_or_404(request, Device, pk=pk)
    devices = Device.objects.for_document().filter(pk=device.pk)
    return pdf_response(
        documents.label_sheet_pdf(devices), f"etikett-{device.inventory_number}.pdf"
    )


class DeviceCostLineView(PageMixin, FormView):
    """Bulk action: link the devices of a filtered list or of a delivery to a cost line."""

    form_class = CostLineAssignForm
    template_name = "devices/cost_line_assign.html"
    title = _("Assign devices to a funding cost line")

    def dispatch(self, request, *args, **kwargs):
        self.delivery = None
        delivery_id = request.GET.get("delivery", "")
        if delivery_id:
            if not delivery_id.isdigit():
                raise Http404
            self.delivery = get_visible_or_404(request, Delivery, pk=int(delivery_id))
            self.board = self.delivery.school_board
            if self.board.pk not in request.access.edit_board_ids:
                raise PermissionDenied
        else:
            self.board = board_for_create(request)
        return super().dispatch(request, *args, **kwargs)

    def selection(self):
        qs = self.request.access.restrict(Device.objects.filter(school_board=self.board))
        if self.delivery is not None:
            return qs.filter(delivery=self.delivery).order_by("inventory_number")
        params = self.request.GET.copy()
        params.pop("page", None)
        filterset = DeviceFilter(params or None, queryset=qs, request=self.request)
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(gettext("The filter is not valid."))
        return filterset.qs.order_by("inventory_number")

    def back_url(self):
        if self.delivery is not None:
            return self.delivery.get_absolute_url()
        query = self.request.GET.urlencode()
        return reverse("devices:device-list") + (f"?{query}" if query else "")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(access=self.request.access, board_id=self.board.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        selection = self.selection()
        ctx["count"] = selection.count()
        ctx["sample"] = list(selection.select_related("cost_line__application")[:10])
        ctx["linked"] = selection.filter(cost_line__isnull=False).count()
        ctx["board"] = self.board
        ctx["delivery"] = self.delivery
        ctx["back_url"] = self.back_url()
        ctx["action"] = self.request.get_full_path()
        return ctx

    def form_valid(self, form):
        line = form.cleaned_data["cost_line"]
        try:
            with transaction.atomic():
                count = services.devices_assign_cost_line(
                    actor=self.request.user,
                    board=self.board,
                    devices=self.selection(),
                    cost_line=line,
                )
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        if line is None:
            messages.success(
                self.request, gettext("Funding link removed from %(n)s devices.") % {"n": count}
            )
        else:
            messages.success(
                self.request,
                gettext("%(n)s devices linked to %(line)s.")
                % {"n": count, "line": services.cost_line_label(line)},
            )
        return HttpResponseRedirect(self.back_url())


# --- catalogue and accessories ---------------------------------------------------------------


class DeviceModelListView(ScopedListView):
    model = DeviceModel
    filterset_class = DeviceModelFilter
    title = _("Device models")
    create_url = "devices:model-create"
    columns = [
        Column("manufacturer", _("manufacturer")),
        Column("name", _("model name"), link=True),
        Column("category", _("category")),
        Column("default_price_gross", _("default price gross"), fmt="money", numeric=True),
        Column("device_count", _("devices"), fmt="number", numeric=True),
    ]
    extra_actions = [(_("Devices"), "devices:device-list")]


class DeviceModelDetailView(ScopedDetailView):
    model = DeviceModel
    template_name = "devices/model_detail.html"
    school_staff_may_edit = False
    fields_shown = [
        Column("manufacturer", _("manufacturer")),
        Column("name", _("model name")),
        Column("category", _("category")),
        Column("default_price_net", _("default price net"), fmt="money"),
        Column("default_price_gross", _("default price gross"), fmt="money"),
    ]


class DeviceModelCreateView(ScopedCreateView):
    model = DeviceModel
    form_class = DeviceModelForm
    title = _("New device model")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = DeviceModel(school_board=self.board)
        return kwargs

    def perform(self, form):
        return services.device_model_create(
            actor=self.request.user, board=self.board, data=form.cleaned_data
        )


class DeviceModelUpdateView(ScopedUpdateView):
    model = DeviceModel
    form_class = DeviceModelForm
    school_staff_may_edit = False

    def perform(self, form):
        return services.device_model_update(
            actor=self.request.user, device_model=self.object, data=form.cleaned_data
        )


class AccessoryCreateView(ScopedChildCreateView):
    model = Accessory
    parent_model = Device
    form_class = AccessoryForm
    school_staff_may_edit = False
    title = _("New accessory")

    def perform(self, form):
        return services.accessory_create(
            actor=self.request.user, device=self.parent, data=form.cleaned_data
        )


class AccessoryUpdateView(ScopedUpdateView):
    model = Accessory
    form_class = AccessoryForm
    school_staff_may_edit = False

    def perform(self, form):
        return services.accessory_update(
            actor=self.request.user, accessory=self.object, data=form.cleaned_data
        )


# --- deliveries -------------------------------------------------------------------------------


class DeliveryListView(ScopedListView):
    model = Delivery
    filterset_class = DeliveryFilter
    title = _("Deliveries")
    create_url = "devices:delivery-create"
    columns = [
        Column("delivered_on", _("delivered on"), fmt="date", link=True),
        Column("school.name", _("School")),
        Column("model", _("device model")),
        Column("pool", _("pool / class set")),
        Column("supplier", _("supplier")),
        Column("device_count", _("devices"), fmt="number", numeric=True),
    ]
    extra_actions = [(_("Devices"), "devices:device-list")]


class DeliveryCreateView(PageMixin, FormView):
    form_class = DeliveryForm
    template_name = "core/form.html"
    title = _("Register a delivery")

    def dispatch(self, request, *args, **kwargs):
        self.board = board_for_create(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(access=self.request.access, board=self.board)
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                delivery = services.delivery_register(
                    actor=self.request.user,
                    board=self.board,
                    school=data["school"],
                    lines=services.parse_serial_lines(data["serials"]),
                    delivered_on=data["delivered_on"],
                    model=data["model"],
                    category=data["category"],
                    room=data["room"],
                    pool=data["pool"],
                    inventory_prefix=data["inventory_prefix"],
                    first_number=data["first_number"],
                    supplier=data["supplier"],
                    invoice_reference=data["invoice_reference"],
                    price_net=data["price_net"],
                    price_gross=data["price_gross"],
                    warranty_end=data["warranty_end"],
                    earmarking_end=data["earmarking_end"],
                    received_by=data["received_by"],
                    accessory_kinds=data["accessory_kinds"],
                    status=data["status"],
                )
                recheck_tenancy(self.request.access, delivery)
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("%(n)s devices registered.") % {"n": delivery.devices.count()}
        )
        return HttpResponseRedirect(delivery.get_absolute_url())


class DeliveryDetailView(ScopedDetailView):
    model = Delivery
    template_name = "devices/delivery_detail.html"
    school_staff_may_edit = False
    fields_shown = [
        Column("school.name", _("School")),
        Column("delivered_on", _("delivered on"), fmt="date"),
        Column("model", _("device model")),
        Column("pool", _("pool / class set")),
        Column("supplier", _("supplier")),
        Column("invoice_reference", _("invoice reference")),
        Column("received_by", _("received by (school)")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["devices"] = self.object.devices.select_related("school", "room", "model").order_by(
            "inventory_number"
        )
        ctx["device_columns"] = DEVICE_COLUMNS
        return ctx


def delivery_protocol(request, pk):
    delivery = get_visible_or_404(request, Delivery, pk=pk)
    delivery = Delivery.objects.for_document().get(pk=delivery.pk)
    return pdf_response(documents.handover_pdf(delivery), f"uebergabeprotokoll-{pk}.pdf")


@require_http_methods(["GET", "POST"])
def delivery_labels(request, pk):
    delivery = get_visible_or_404(request, Delivery, pk=pk)
    return _labels(
        request,
        Device.objects.for_document().filter(delivery=delivery),
        filename=f"etiketten-lieferung-{pk}.pdf",
        back_url=delivery.get_absolute_url(),
        title=gettext("Labels of delivery %(n)s") % {"n": pk},
    )


# --- loans --------------------------------------------------------------------------------------


class LoanListView(ScopedListView):
    model = Loan
    filterset_class = LoanFilter
    template_name = "devices/loan_list.html"
    title = _("Loans")
    create_url = "devices:loan-create"
    columns = [
        Column("contract_number", _("Leihvertrag"), link=True),
        Column("borrower_name", _("borrower")),
        Column("school_class", _("class")),
        Column("school.name", _("School")),
        Column("status", _("status")),
        Column("device_count", _("devices"), fmt="number", numeric=True),
        Column("start_date", _("start"), fmt="date"),
        Column("due_date", _("due date"), fmt="date"),
    ]
    extra_actions = [(_("Devices"), "devices:device-list")]

    def can_create(self):
        return bool(self.request.access.edit_board_ids or self.request.access.school_ids)

    def get_queryset(self):
        return permissions.personal_data_restrict(self.request.access, self.base_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        ctx["counts"] = list(access.restrict(Loan.objects.all()).counts_by_school())
        ctx["names_visible"] = bool(access.board_roles or access.school_ids)
        ctx["today"] = timezone.localdate()
        return ctx


class LoanCreateView(PageMixin, FormView):
    form_class = LoanForm
    template_name = "devices/loan_form.html"
    title = _("New Leihvertrag")

    def dispatch(self, request, *args, **kwargs):
        if not (request.access.edit_board_ids or request.access.school_ids):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["access"] = self.request.access
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        groups = [
            (_("Devices"), ["school", "device_codes", "hand_over_accessories"]),
            (
                _("Borrower"),
                [
                    "borrower_kind",
                    "borrower_name",
                    "school_class",
                    "borrower_is_minor",
                    "guardian_name",
                    "guardian_contact",
                    "staff_reference",
                ],
            ),
            (_("Period"), ["school_year", "start_date", "due_rule", "due_date"]),
            (_("Condition at handover"), ["condition_at_handover", "existing_damage", "notes"]),
        ]
        ctx["fieldsets"] = [(title, [form[n] for n in names]) for title, names in groups]
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        school = data["school"]
        devices = data.get("devices", [])
        accessories = []
        if data.get("hand_over_accessories"):
            accessories = list(Accessory.objects.filter(device__in=devices))
        try:
            with transaction.atomic():
                loan = services.loan_create(
                    actor=self.request.user,
                    school=school,
                    devices=devices,
                    data=data,
                    accessories=accessories,
                )
                recheck_tenancy(self.request.access, loan)
        except ValidationError as exc:
            _form_errors(form, exc)
            if hasattr(exc, "error_dict") and "devices" in exc.error_dict:
                form.add_error("device_codes", exc.error_dict["devices"])
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("Leihvertrag prepared: print it and have it signed.")
        )
        return HttpResponseRedirect(loan.get_absolute_url())


class LoanDetailView(PersonalDataMixin, ScopedDetailView):
    model = Loan
    template_name = "devices/loan_detail.html"
    fields_shown = [
        Column("status", _("status")),
        Column("school.name", _("School")),
        Column("borrower_kind", _("borrower")),
        Column("borrower_name", _("name")),
        Column("school_class", _("class")),
        Column("guardian_name", _("guardian")),
        Column("guardian_contact", _("guardian contact (phone or e-mail)")),
        Column("staff_reference", _("staff reference")),
        Column("school_year", _("school year")),
        Column("start_date", _("start"), fmt="date"),
        Column("due_date", _("due date"), fmt="date"),
        Column("condition_at_handover", _("condition at handover")),
        Column("existing_damage", _("existing damage (annex)")),
        Column("signed_on", _("signed on"), fmt="date"),
        Column("handed_out_on", _("handed out on"), fmt="date"),
        Column("returned_on", _("returned on"), fmt="date"),
        Column("pupil_left_on", _("pupil left school on"), fmt="date"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        loan = self.object
        today = timezone.localdate()
        if ctx["can_edit"] and loan.borrower_kind == "pupil" and loan.anonymised_at is None:
            ctx["left_form"] = PupilLeftForm(initial={"left_on": loan.pupil_left_on or today})
        if loan.anonymised_at is None and not loan.is_open:
            ctx["retention_due"] = services.retention_due_on(loan, today=today)
            ctx["retention_months"] = services.retention_months()
        ctx["items"] = list(loan.items.all())
        ctx["returns"] = list(loan.returns.all())
        ctx["defects"] = list(loan.defect_reports.select_related("device"))
        ctx["sign_form"] = LoanSignForm(
            initial={"signed_on": timezone.localdate(), "borrower_signed": True}
        )
        ctx["overdue"] = loan.is_overdue()
        ctx["history"] = []  # the change log repeats personal data: kept off the page
        return ctx


class LoanUpdateView(PersonalDataMixin, ScopedUpdateView):
    model = Loan
    form_class = LoanUpdateForm

    def perform(self, form):
        return services.loan_update(
            actor=self.request.user, loan=self.object, data=form.cleaned_data
        )


def loan_contract(request, pk):
    qs = permissions.personal_data_restrict(request.access, Loan.objects.for_document())
    loan = get_object_or_404(qs, pk=pk)
    return pdf_response(documents.loan_contract_pdf(loan), f"leihvertrag-{loan.pk}.pdf")


class LoanActionView(PersonalDataMixin, ScopedActionView):
    model = Loan


class LoanSignView(LoanActionView):
    success_message = _("Contract marked as signed.")

    def perform_action(self, obj):
        form = LoanSignForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(gettext("Enter the date of signature."))
        return services.loan_sign(actor=self.request.user, loan=obj, **form.cleaned_data)


class LoanHandOutView(LoanActionView):
    success_message = _("Devices handed out.")

    def perform_action(self, obj):
        return services.loan_hand_out(actor=self.request.user, loan=obj)


class LoanCancelView(LoanActionView):
    success_message = _("Loan cancelled.")

    def perform_action(self, obj):
        return services.loan_cancel(actor=self.request.user, loan=obj)


class LoanPupilLeftView(LoanActionView):
    success_message = _("Leaving date recorded.")

    def perform_action(self, obj):
        form = PupilLeftForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(gettext("Enter the date the pupil left the school."))
        return services.loan_record_pupil_left(
            actor=self.request.user,
            loan=obj,
            left_on=form.cleaned_data["left_on"],
            note=form.cleaned_data["note"],
        )


class LoanReturnView(PersonalDataMixin, ScopedQuerysetMixin, PageMixin, FormView):
    model = Loan
    form_class = ReturnForm
    template_name = "devices/return_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.loan = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if not self.can_edit(self.loan):
            raise PermissionDenied
        if not LOAN.is_in(self.loan, "handed_out"):
            messages.error(
                request, gettext("This loan has not been handed out, so nothing can be returned.")
            )
            return HttpResponseRedirect(self.loan.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return gettext("Return of %(loan)s") % {"loan": self.loan.contract_number}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = list(
            self.loan.items.filter(is_open=True)
            .select_related("device")
            .prefetch_related("accessories")
        )
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["loan"] = self.loan
        return ctx

    def form_valid(self, form):
        try:
            with transaction.atomic():
                protocol = services.loan_return(
                    actor=self.request.user,
                    loan=self.loan,
                    items=form.return_items(),
                    returned_on=form.cleaned_data["returned_on"],
                    notes=form.cleaned_data["notes"],
                )
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Return recorded."))
        return HttpResponseRedirect(protocol.get_absolute_url())


class ReturnDetailView(PersonalDataMixin, ScopedDetailView):
    model = LoanReturn
    template_name = "devices/return_detail.html"
    fields_shown = [
        Column("returned_on", _("returned on"), fmt="date"),
        Column("received_by", _("received by")),
        Column("accessories_complete", _("accessories complete"), fmt="bool"),
        Column("notes", _("notes")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ctx"] = documents.return_protocol_context(self.object)
        ctx["history"] = []
        return ctx


def return_protocol(request, pk):
    qs = permissions.personal_data_restrict(
        request.access,
        LoanReturn.objects.select_related(
            "loan", "loan__school", "loan__school_board", "received_by"
        ),
    )
    obj = get_object_or_404(qs, pk=pk)
    return pdf_response(documents.return_protocol_pdf(obj), f"rueckgabeprotokoll-{pk}.pdf")


# --- defect reports ---------------------------------------------------------------------------


class DefectListView(ScopedListView):
    model = DefectReport
    filterset_class = DefectFilter
    title = _("Defect reports")
    columns = [
        Column("reported_on", _("reported on"), fmt="date", link=True),
        Column("device.inventory_number", _("Inventarnummer")),
        Column("device.school.name", _("School")),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("police_report_reference", _("police report reference")),
    ]
    extra_actions = [(_("Devices"), "devices:device-list")]

    def can_create(self):
        return False


class DefectCreateView(ScopedChildCreateView):
    model = DefectReport
    parent_model = Device
    form_class = DefectForm
    title = _("New Schadensmeldung")

    def perform(self, form):
        return services.defect_report_create(
            actor=self.request.user, device=self.parent, data=form.cleaned_data
        )


class DefectDetailView(ScopedDetailView):
    model = DefectReport
    template_name = "devices/defect_detail.html"
    fields_shown = [
        Column("device.inventory_number", _("Inventarnummer")),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("description", _("description")),
        Column("reported_on", _("reported on"), fmt="date"),
        Column("police_report_reference", _("police report reference")),
        Column("replacement_device", _("replacement device")),
        Column("resolution", _("resolution")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        targets = DEFECT_TRANSITIONS.get(self.object.status, set())
        if targets and ctx["can_edit"]:
            ctx["transition_form"] = DefectTransitionForm(
                targets=[s for s in DefectStatus.values if s in targets]
            )
        ctx["may_see_loan"] = bool(self.object.loan_id) and permissions.can_see_personal_data(
            self.request.access, self.object.loan
        )
        return ctx


class DefectTransitionView(ScopedActionView):
    model = DefectReport
    success_message = _("Status changed.")

    def perform_action(self, obj):
        targets = [s for s in DefectStatus.values if s in DEFECT_TRANSITIONS.get(obj.status, ())]
        form = DefectTransitionForm(self.request.POST, targets=targets)
        if not form.is_valid():
            raise ValidationError(gettext("Choose a valid status."))
        replacement = None
        code = form.cleaned_data["replacement_code"].strip()
        if code:
            replacement = self.request.access.restrict(
                Device.objects.filter(school_board_id=obj.school_board_id, inventory_number=code)
            ).first()
            if replacement is None:
                raise ValidationError(gettext("Unknown Inventarnummer: %(list)s") % {"list": code})
        return services.defect_transition(
            actor=self.request.user,
            report=obj,
            to_status=form.cleaned_data["to_status"],
            resolution=form.cleaned_data["resolution"],
            replacement_device=replacement,
        )


# --- stocktakes -------------------------------------------------------------------------------


class StocktakeListView(ScopedListView):
    model = Stocktake
    filterset_class = StocktakeFilter
    title = _("Stocktakes")
    create_url = "devices:stocktake-create"
    columns = [
        Column("started_on", _("started on"), fmt="date", link=True),
        Column("school.name", _("School")),
        Column("room.name", _("Room")),
        Column("status", _("status")),
        Column("entry_count", _("scanned"), fmt="number", numeric=True),
    ]
    extra_actions = [(_("Devices"), "devices:device-list")]

    def can_create(self):
        return bool(self.request.access.edit_board_ids or self.request.access.school_ids)


class StocktakeCreateView(PageMixin, FormView):
    form_class = StocktakeForm
    template_name = "core/form.html"
    title = _("Start a stocktake")

    def dispatch(self, request, *args, **kwargs):
        if not (request.access.edit_board_ids or request.access.school_ids):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["access"] = self.request.access
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                stocktake = services.stocktake_start(
                    actor=self.request.user,
                    school=data["school"],
                    room=data["room"],
                    started_on=data["started_on"],
                    notes=data["notes"],
                )
                recheck_tenancy(self.request.access, stocktake)
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(stocktake.get_absolute_url())


class StocktakeDetailView(ScopedDetailView):
    model = Stocktake
    template_name = "devices/stocktake_detail.html"
    fields_shown = [
        Column("school.name", _("School")),
        Column("room.name", _("Room")),
        Column("started_on", _("started on"), fmt="date"),
        Column("status", _("status")),
        Column("closed_on", _("closed on"), fmt="date"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = documents.stocktake_discrepancies(self.object)
        if ctx["can_edit"] and STOCKTAKE.is_in(self.object, "counting"):
            ctx["scan_form"] = ScanForm(stocktake=self.object, access=self.request.access)
        ctx["entries"] = list(self.object.entries.select_related("device", "room")[:30])
        return ctx


class StocktakeScanView(ScopedActionView):
    model = Stocktake
    success_message = _("Counted.")

    def perform_action(self, obj):
        form = ScanForm(self.request.POST, stocktake=obj, access=self.request.access)
        if not form.is_valid():
            raise ValidationError(gettext("Scan or type an Inventarnummer."))
        entry = services.stocktake_scan(
            actor=self.request.user,
            stocktake=obj,
            code=form.cleaned_data["code"],
            room=form.cleaned_data["room"],
        )
        if entry.device is None:
            messages.warning(
                self.request,
                gettext("Unknown code “%(code)s”: recorded as unexpected.") % {"code": entry.code},
            )
        return None


class StocktakeCloseView(ScopedObjectFormView):
    """Closing asks first: the missing devices, each with a follow-up (loss report or
    search task), and a confirmation."""

    model = Stocktake
    form_class = StocktakeCloseForm
    template_name = "devices/stocktake_close.html"
    success_message = _("Stocktake closed.")
    submit_label = _("Close stocktake")

    def has_permission(self, obj) -> bool:
        return self.can_edit(obj)

    def refusal(self, obj):
        if not STOCKTAKE.is_in(obj, "counting"):
            return gettext("This stocktake is already closed.")
        return None

    def get_title(self):
        return gettext("Close stocktake")

    def prepare(self) -> None:
        self.report = documents.stocktake_discrepancies(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "missing": self.report["missing"]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.stocktake_close(
            actor=self.request.user,
            stocktake=self.object,
            access=self.request.access,
            lost_ids=data["lost"],
            search_ids=data["search"],
            note=data["note"],
        )


def stocktake_report(request, pk):
    stocktake = get_visible_or_404(request, Stocktake, pk=pk)
    stocktake = Stocktake.objects.for_document().get(pk=stocktake.pk)
    return pdf_response(documents.stocktake_report_pdf(stocktake), f"inventur-{pk}.pdf")


def stocktake_csv(request, pk):
    stocktake = get_visible_or_404(request, Stocktake, pk=pk)
    response = HttpResponse(
        documents.stocktake_report_csv(stocktake), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="inventur-{pk}.csv"'
    return response


# --- data protection ------------------------------------------------------------------------


class PrivacyView(PageMixin, FormView):
    """Art. 15 export and Art. 17 erasure of one borrower's data, for board admins."""

    form_class = PrivacyForm
    template_name = "devices/privacy.html"
    title = _("Data protection: loans")

    def dispatch(self, request, *args, **kwargs):
        board_id = current_board_id(request)
        if not permissions.can_manage_privacy(request.access, board_id):
            raise PermissionDenied
        self.board = SchoolBoard.objects.get(pk=board_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["board"] = self.board
        ctx["confirm_question"] = _(
            "Run this now? An erasure cannot be undone: the names are gone for good."
        )
        ctx["confirm_label"] = _("Run")
        ctx["log"] = PrivacyLog.objects.filter(school_board=self.board).select_related("actor")[:50]
        return ctx

    def form_valid(self, form):
        name = form.cleaned_data["name"]
        action = form.cleaned_data["action"]
        try:
            with transaction.atomic():
                if action == "erase":
                    count = services.privacy_erase(
                        actor=self.request.user, board=self.board, name=name
                    )
                    messages.success(
                        self.request,
                        gettext("%(n)s contract(s) anonymised; the erasure has been logged.")
                        % {"n": count},
                    )
                    return HttpResponseRedirect(reverse("devices:privacy"))
                data = services.privacy_export(actor=self.request.user, board=self.board, name=name)
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        if action == "export_json":
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="auskunft.json"'
        else:
            rows = [
                [
                    loan["contract"],
                    loan["school"],
                    loan["borrower_name"],
                    loan["class"],
                    loan["guardian_name"],
                    loan["guardian_contact"],
                    loan["school_year"],
                    loan["start_date"],
                    loan["due_date"],
                    loan["status"],
                    ", ".join(d["inventory_number"] for d in loan["devices"]),
                ]
                for loan in data["loans"]
            ]
            response = HttpResponse(
                write_csv(
                    [
                        "Leihvertrag",
                        "Schule",
                        "Name",
                        "Klasse",
                        "Sorgeberechtigte Person",
                        "Kontakt",
                        "Schuljahr",
                        "Beginn",
                        "Ende",
                        "Status",
                        "Geräte",
                    ],
                    rows,
                ),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="auskunft.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
