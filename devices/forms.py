"""Forms of the device pages: thin, scoped choices, services do the rules."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, KernWidgetsMixin
from schools.models import Room, School

from .choices import AccessoryKind, Condition, DefectStatus, DeviceCategory, DeviceStatus
from .models import Accessory, DefectReport, Device, DeviceModel, Loan, Stocktake


def board_cost_lines(access, board_id):
    """The cost lines of one board's applications the user may see, for a choice field."""
    from funding.models import CostLine

    return (
        access.restrict(CostLine.objects.filter(school_board_id=board_id))
        .select_related("application")
        .order_by("application__number", "position", "pk")
    )


def cost_line_field(**kwargs):
    from funding.models import CostLine

    from .services import cost_line_label

    field = forms.ModelChoiceField(
        label=_("funding cost line"),
        queryset=CostLine.objects.none(),
        required=False,
        help_text=_(
            "The line of the cost and time plan (Förderantrag) the device was bought under."
        ),
        **kwargs,
    )
    field.label_from_instance = cost_line_label
    return field


def _workable_schools(access):
    """Schools where the user may hand out, take back and count devices."""
    qs = access.restrict(School.objects.all())
    if access.edit_board_ids:
        from django.db.models import Q

        return qs.filter(Q(school_board__in=access.edit_board_ids) | Q(pk__in=access.school_ids))
    return qs.filter(pk__in=access.school_ids)


class DeviceModelForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = DeviceModel
        fields = ["manufacturer", "name", "category", "default_price_net", "default_price_gross"]


class DeviceForm(KernWidgetsMixin, forms.ModelForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    model = forms.ModelChoiceField(
        label=_("device model"), queryset=DeviceModel.objects.none(), required=False
    )
    cost_line = cost_line_field()
    initial_status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (s, DeviceStatus(s).label) for s in ("ordered", "delivered", "in_stock", "in_use")
        ],
        initial=DeviceStatus.IN_STOCK,
    )

    class Meta:
        model = Device
        fields = [
            "inventory_number",
            "serial_number",
            "model",
            "category",
            "school",
            "room",
            "pool",
            "purchase_date",
            "price_net",
            "price_gross",
            "supplier",
            "invoice_reference",
            "warranty_end",
            "earmarking_end",
            "mdm_id",
            "cost_line",
            "notes",
        ]
        widgets = {
            "purchase_date": DateInput(),
            "warranty_end": DateInput(),
            "earmarking_end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, access, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        board_id = board.pk if board else self.instance.school_board_id
        self.fields["school"].queryset = access.restrict(
            School.objects.filter(school_board_id=board_id)
        )
        self.fields["room"].queryset = access.restrict(
            Room.objects.filter(school_board_id=board_id).select_related("school")
        )
        self.fields["room"].label_from_instance = lambda r: f"{r.school.name} – {r.name}"
        self.fields["model"].queryset = access.restrict(
            DeviceModel.objects.filter(school_board_id=board_id)
        )
        self.fields["cost_line"].queryset = board_cost_lines(access, board_id)
        self.fields["category"].required = False
        self.fields["category"].help_text = _("Taken from the device model when empty.")
        if self.instance.pk:
            del self.fields["initial_status"]

    def clean(self):
        data = super().clean()
        if not data.get("category") and not data.get("model"):
            self.add_error("category", _("Choose a device model or a category."))
        return data


class CostLineAssignForm(KernWidgetsMixin, forms.Form):
    """Bulk action: link a selection of devices (a filtered list, a delivery) to a cost line."""

    cost_line = cost_line_field()
    remove = forms.BooleanField(label=_("remove the funding link instead"), required=False)

    def __init__(self, *args, access, board_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_line"].queryset = board_cost_lines(access, board_id)

    def clean(self):
        data = super().clean()
        if not data.get("remove") and not data.get("cost_line"):
            self.add_error("cost_line", _("Choose a cost line."))
        if data.get("remove"):
            data["cost_line"] = None
        return data


class PupilLeftForm(KernWidgetsMixin, forms.Form):
    left_on = forms.DateField(label=_("pupil left school on"), widget=DateInput())
    note = forms.CharField(
        label=_("note"), required=False, max_length=200, help_text=_("e.g. moved to another town")
    )


class AccessoryForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Accessory
        fields = ["kind", "description", "serial_number"]


class TransitionForm(KernWidgetsMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("Needed for “in use”."),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a device is retired before the end of its Zweckbindung."),
    )

    def __init__(self, *args, device, targets, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, DeviceStatus(s).label) for s in targets]
        self.fields["room"].queryset = access.restrict(Room.objects.filter(school=device.school))
        self.fields["room"].initial = device.room_id


class DeliveryForm(KernWidgetsMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    model = forms.ModelChoiceField(
        label=_("device model"), queryset=DeviceModel.objects.none(), required=False
    )
    category = forms.ChoiceField(
        label=_("category"),
        required=False,
        choices=[("", "–")] + list(DeviceCategory.choices),
        help_text=_("Taken from the device model when empty."),
    )
    delivered_on = forms.DateField(label=_("delivered on"), widget=DateInput())
    serials = forms.CharField(
        label=_("serial numbers"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One device per line: scan or paste the serial numbers. Optionally "
            "“serial;Inventarnummer”."
        ),
    )
    inventory_prefix = forms.CharField(
        label=_("Inventarnummer prefix"),
        required=False,
        max_length=40,
        help_text=_("e.g. HZ-2026-"),
    )
    first_number = forms.IntegerField(
        label=_("first running number"), min_value=0, initial=1, max_value=99_999_999
    )
    status = forms.ChoiceField(
        label=_("status"),
        initial=DeviceStatus.DELIVERED,
        choices=[(s, DeviceStatus(s).label) for s in ("delivered", "in_stock", "in_use")],
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    pool = forms.CharField(label=_("pool / class set"), required=False, max_length=100)
    supplier = forms.CharField(label=_("supplier"), required=False, max_length=200)
    invoice_reference = forms.CharField(
        label=_("invoice reference"), required=False, max_length=100
    )
    price_net = forms.DecimalField(
        label=_("price net"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    price_gross = forms.DecimalField(
        label=_("price gross"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    warranty_end = forms.DateField(label=_("warranty end"), required=False, widget=DateInput())
    earmarking_end = forms.DateField(label=_("Earmarked until"), required=False, widget=DateInput())
    received_by = forms.CharField(label=_("received by (school)"), required=False, max_length=200)
    accessory_kinds = forms.MultipleChoiceField(
        label=_("accessories per device"),
        required=False,
        choices=AccessoryKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, access, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = access.restrict(School.objects.filter(school_board=board))
        self.fields["model"].queryset = access.restrict(
            DeviceModel.objects.filter(school_board=board)
        )
        self.fields["room"].queryset = access.restrict(
            Room.objects.filter(school_board=board).select_related("school")
        )
        self.fields["room"].label_from_instance = lambda r: f"{r.school.name} – {r.name}"
        self.fields["delivered_on"].initial = timezone.localdate()


def split_codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", text or "") if c]


class LoanForm(KernWidgetsMixin, forms.ModelForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    device_codes = forms.CharField(
        label=_("devices (Inventarnummern)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Scan or type the Inventarnummern, separated by spaces or lines."),
    )
    hand_over_accessories = forms.BooleanField(
        label=_("hand over all registered accessories"), required=False, initial=True
    )

    class Meta:
        model = Loan
        fields = [
            "borrower_kind",
            "borrower_name",
            "school_class",
            "borrower_is_minor",
            "guardian_name",
            "guardian_contact",
            "staff_reference",
            "school_year",
            "start_date",
            "due_rule",
            "due_date",
            "condition_at_handover",
            "existing_damage",
            "notes",
        ]
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "existing_damage": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        self.fields["school"].queryset = _workable_schools(access)
        self.fields["due_date"].required = False
        self.fields["due_date"].help_text = _("Only for a fixed date.")
        today = timezone.localdate()
        start_year = today.year if today.month >= 8 else today.year - 1
        self.fields["school_year"].initial = f"{start_year}/{(start_year + 1) % 100:02d}"
        self.fields["start_date"].initial = today

    def clean(self):
        data = super().clean()
        school = data.get("school")
        codes = split_codes(data.get("device_codes", ""))
        if school and codes:
            found = {
                d.inventory_number: d
                for d in Device.objects.filter(
                    school_board_id=school.school_board_id, inventory_number__in=codes
                )
            }
            unknown = [c for c in codes if c not in found]
            if unknown:
                self.add_error(
                    "device_codes",
                    _("Unknown Inventarnummer: %(list)s") % {"list": ", ".join(unknown)},
                )
            data["devices"] = list(found.values())
        elif not codes:
            self.add_error("device_codes", _("Choose at least one device."))
        return data


class LoanUpdateForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Loan
        fields = [
            "guardian_name",
            "guardian_contact",
            "school_class",
            "due_rule",
            "due_date",
            "notes",
        ]
        widgets = {"due_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class LoanSignForm(KernWidgetsMixin, forms.Form):
    borrower_signed = forms.BooleanField(label=_("signed by borrower"), required=False)
    guardian_signed = forms.BooleanField(label=_("signed by guardian"), required=False)
    signed_on = forms.DateField(label=_("signed on"), widget=DateInput())


class ReturnForm(KernWidgetsMixin, forms.Form):
    returned_on = forms.DateField(label=_("returned on"), widget=DateInput())
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, items, **kwargs):
        self.items = items
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()
        for item in items:
            device = item.device
            self.fields[f"return_{item.pk}"] = forms.BooleanField(
                label=_("check in %(inv)s") % {"inv": device.inventory_number},
                required=False,
                initial=True,
            )
            self.fields[f"condition_{item.pk}"] = forms.ChoiceField(
                label=_("condition of %(inv)s") % {"inv": device.inventory_number},
                choices=Condition.choices,
                initial=Condition.GOOD,
            )
            accessories = list(item.accessories.all())
            if accessories:
                self.fields[f"accessories_{item.pk}"] = forms.MultipleChoiceField(
                    label=_("accessories returned with %(inv)s") % {"inv": device.inventory_number},
                    choices=[(a.pk, str(a)) for a in accessories],
                    required=False,
                    initial=[a.pk for a in accessories],
                    widget=forms.CheckboxSelectMultiple,
                )
            self.fields[f"damage_{item.pk}"] = forms.CharField(
                label=_("damage notes for %(inv)s") % {"inv": device.inventory_number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # KernWidgetsMixin ran before the dynamic fields existed: style them here
        for name, field in self.fields.items():
            if name.startswith(("return_",)):
                field.widget.attrs["class"] = "kern-form-check__checkbox"
            elif name.startswith("condition_"):
                field.widget.attrs["class"] = "kern-form-input__select"
            elif name.startswith("damage_"):
                field.widget.attrs["class"] = "kern-form-input__input"

    def return_items(self):
        from .services import ReturnItem

        result = {}
        for item in self.items:
            if not self.cleaned_data.get(f"return_{item.pk}"):
                continue
            result[item.device_id] = ReturnItem(
                condition=self.cleaned_data[f"condition_{item.pk}"],
                returned_accessory_ids={
                    int(x) for x in self.cleaned_data.get(f"accessories_{item.pk}", [])
                },
                damage_notes=self.cleaned_data.get(f"damage_{item.pk}", ""),
            )
        return result


class DefectForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = DefectReport
        fields = ["kind", "description", "reported_on", "police_report_reference"]
        widgets = {"reported_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
        self.fields["police_report_reference"].help_text = _("Required for a theft.")


class DefectTransitionForm(KernWidgetsMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    resolution = forms.CharField(
        label=_("resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    replacement_code = forms.CharField(
        label=_("replacement device (Inventarnummer)"),
        required=False,
        max_length=50,
        help_text=_("Optional: lend this device while the broken one is repaired."),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, DefectStatus(s).label) for s in targets]


class StocktakeForm(KernWidgetsMixin, forms.ModelForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("Leave empty to count the whole school."),
    )

    class Meta:
        model = Stocktake
        fields = ["school", "room", "started_on", "notes"]
        widgets = {"started_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        schools = _workable_schools(access)
        self.fields["school"].queryset = schools
        self.fields["room"].queryset = access.restrict(
            Room.objects.filter(school__in=schools).select_related("school")
        )
        self.fields["room"].label_from_instance = lambda r: f"{r.school.name} – {r.name}"
        self.fields["started_on"].initial = timezone.localdate()


class ScanForm(KernWidgetsMixin, forms.Form):
    code = forms.CharField(
        label=_("Inventarnummer, serial number or QR link"),
        max_length=300,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    room = forms.ModelChoiceField(
        label=_("found in room"), queryset=Room.objects.none(), required=False
    )

    def __init__(self, *args, stocktake, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = access.restrict(
            Room.objects.filter(school_id=stocktake.school_id)
        )
        self.fields["room"].initial = stocktake.room_id


class PrivacyForm(KernWidgetsMixin, forms.Form):
    ACTIONS = [
        ("export_json", _("Auskunft as JSON (Art. 15)")),
        ("export_csv", _("Auskunft as CSV (Art. 15)")),
        ("erase", _("Erase / anonymise (Art. 17)")),
    ]
    name = forms.CharField(label=_("full name of the borrower or guardian"), max_length=200)
    action = forms.ChoiceField(label=_("action"), choices=ACTIONS, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("I have checked the identity of the person asking"), required=True
    )


class BulkForm(KernWidgetsMixin, forms.Form):
    """A bulk action on a selection of devices: the action's own fields, shown per action.

    The selection travels as hidden `ids` (checkboxes) or as `match_filter` + `query`
    ("every device that matches this filter"); the service checks every device again.
    """

    to_status = forms.ChoiceField(label=_("new status"), required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    cost_line = forms.ModelChoiceField(
        label=_("funding cost line"), queryset=Device.objects.none(), required=False
    )
    remove = forms.BooleanField(label=_("remove the funding link instead"), required=False)
    stocktake = forms.ModelChoiceField(
        label=_("stocktake"), queryset=Stocktake.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Saved in every device's history."),
    )

    #: the fields each action shows
    FIELDS = {
        "status": ("to_status", "room", "reason"),
        "move": ("school", "room", "reason"),
        "cost_line": ("cost_line", "remove", "reason"),
        "labels": (),
        "stocktake": ("stocktake",),
        "retire": ("reason",),
    }

    def __init__(self, *args, action: str, access, **kwargs):
        from .services import cost_line_label
        from .workflow import STOCKTAKE

        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS.get(action, ()):
                del self.fields[name]
        if "to_status" in self.fields:
            self.fields["to_status"].choices = [("", "–")] + [
                (s, DeviceStatus(s).label)
                for s in DeviceStatus.values
                if s not in (DeviceStatus.ON_LOAN, DeviceStatus.ORDERED)
            ]
            self.fields["room"].help_text = _("Needed for “in use”.")
        if "school" in self.fields:
            self.fields["school"].queryset = access.restrict(School.objects.order_by("name", "pk"))
        if "room" in self.fields:
            self.fields["room"].queryset = access.restrict(
                Room.objects.select_related("school").order_by("school__name", "name", "pk")
            )
        if "cost_line" in self.fields:
            from funding.models import CostLine

            self.fields["cost_line"].queryset = access.restrict(
                CostLine.objects.select_related("application").order_by(
                    "application__number", "position", "pk"
                )
            )
            self.fields["cost_line"].label_from_instance = cost_line_label
        if "stocktake" in self.fields:
            self.fields["stocktake"].queryset = access.restrict(
                Stocktake.objects.select_related("school").order_by("-started_on", "-pk")
            ).filter(status__in=STOCKTAKE.guards["counting"])
        if action == "retire":
            self.fields["reason"].required = True


class StocktakeCloseForm(KernWidgetsMixin, forms.Form):
    """Closing a stocktake: a follow-up for each missing device (or none)."""

    lost = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    search = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("note for the follow-ups"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Goes into each loss report and search task."),
    )

    def __init__(self, *args, missing: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(row["id"]), row["inventory_number"]) for row in missing]
        self.fields["lost"].choices = choices
        self.fields["search"].choices = choices
