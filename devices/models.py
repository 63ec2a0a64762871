"""Device inventory (Geräteverwaltung): catalogue, devices, deliveries, loans, returns,
defect reports, stocktakes and the status log."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from simple_history.models import HistoricalRecords

from core.models import BoardOwnedModel, BoardScopedManager, not_negative

from .choices import (
    AccessoryKind,
    BorrowerKind,
    Condition,
    DefectKind,
    DefectStatus,
    DeviceCategory,
    DeviceStatus,
    DueRule,
    LoanStatus,
    PrivacyAction,
    StocktakeStatus,
)
from .querysets import (
    DefectQuerySet,
    DeliveryQuerySet,
    DeviceModelQuerySet,
    DeviceQuerySet,
    LoanQuerySet,
    StocktakeQuerySet,
)
from .rules import price_order_error

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}
SCHOOL_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")


def price_constraints(net: str, gross: str, prefix: str) -> list[models.CheckConstraint]:
    """The database's half of devices.rules.price_order_error, plus prices >= 0."""
    return [
        *not_negative(prefix, net, gross),
        models.CheckConstraint(
            condition=Q(**{f"{net}__isnull": True})
            | Q(**{f"{gross}__isnull": True})
            | Q(**{f"{gross}__gte": F(net)}),
            name=f"{prefix}_{gross}_not_below_net",
            violation_error_message=_("The gross price cannot be lower than the net price."),
        ),
    ]


def _scoped(qs_class):
    return BoardScopedManager(_manager_class=models.Manager.from_queryset(qs_class))


class DeviceModel(BoardOwnedModel):
    """A catalogue entry (Gerätemodell): manufacturer, model name, category, default price."""

    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    name = models.CharField(_("model name"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=DeviceCategory.choices)
    default_price_net = models.DecimalField(_("default price net"), null=True, blank=True, **MONEY)
    default_price_gross = models.DecimalField(
        _("default price gross"), null=True, blank=True, **MONEY
    )
    history = HistoricalRecords()

    objects = _scoped(DeviceModelQuerySet)

    class Meta:
        ordering = ["manufacturer", "name", "id"]
        verbose_name = _("Device model")
        verbose_name_plural = _("Device models")
        constraints = [
            models.UniqueConstraint(
                fields=["school_board", "manufacturer", "name"], name="device_model_unique_in_board"
            ),
            *price_constraints("default_price_net", "default_price_gross", "device_model"),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("devices:model-detail", args=[self.pk])

    def clean(self):
        if message := price_order_error(self.default_price_net, self.default_price_gross):
            raise ValidationError({"default_price_gross": message})


class Delivery(BoardOwnedModel):
    """A delivery / batch handover (Lieferung, Übergabe) of many devices to one school."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="device_deliveries",
        verbose_name=_("School"),
    )
    model = models.ForeignKey(
        DeviceModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("device model"),
    )
    delivered_on = models.DateField(_("delivered on"))
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    invoice_reference = models.CharField(_("invoice reference"), max_length=100, blank=True)
    pool = models.CharField(_("pool / class set"), max_length=100, blank=True)
    received_by = models.CharField(_("received by (school)"), max_length=200, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(5000)])
    history = HistoricalRecords()

    objects = _scoped(DeliveryQuerySet)
    school_path = "school"

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("Delivery")
        verbose_name_plural = _("Deliveries")

    def __str__(self) -> str:
        return _("Delivery %(n)s to %(school)s") % {"n": self.pk, "school": self.school.name}

    def get_absolute_url(self) -> str:
        return reverse("devices:delivery-detail", args=[self.pk])


class Device(BoardOwnedModel):
    """A device (Gerät) the board owns, from order to retirement."""

    inventory_number = models.CharField(_("Inventarnummer"), max_length=50)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    model = models.ForeignKey(
        DeviceModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("device model"),
    )
    category = models.CharField(_("category"), max_length=30, choices=DeviceCategory.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeviceStatus.choices,
        default=DeviceStatus.IN_STOCK,
        editable=False,
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="devices", verbose_name=_("School")
    )
    room = models.ForeignKey(
        "schools.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
        verbose_name=_("Room"),
    )
    pool = models.CharField(_("pool / class set"), max_length=100, blank=True)
    delivery = models.ForeignKey(
        Delivery,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
        verbose_name=_("Delivery"),
        editable=False,
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    price_net = models.DecimalField(_("price net"), null=True, blank=True, **MONEY)
    price_gross = models.DecimalField(_("price gross"), null=True, blank=True, **MONEY)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    invoice_reference = models.CharField(_("invoice reference"), max_length=100, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    earmarking_end = models.DateField(_("Earmarked until"), null=True, blank=True)
    mdm_id = models.CharField(_("MDM id"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(5000)])
    cost_line = models.ForeignKey(
        "funding.CostLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
        verbose_name=_("cost line"),
    )
    retired_early = models.BooleanField(
        _("retired before earmarking end"), default=False, editable=False
    )
    #: the status log (core.StatusChange), newest first
    status_changes = GenericRelation("core.StatusChange", related_query_name="device")
    # bulk imports write 100,000 history rows in one transaction: no deferred user check
    history = HistoricalRecords(user_db_constraint=False)

    objects = _scoped(DeviceQuerySet)
    school_path = "school"

    class Meta:
        ordering = ["inventory_number", "id"]
        verbose_name = _("Device")
        verbose_name_plural = _("Devices")
        constraints = [
            models.UniqueConstraint(
                fields=["school_board", "inventory_number"],
                name="device_inventory_number_unique_in_board",
            ),
            models.UniqueConstraint(
                fields=["school_board", "serial_number"],
                condition=~Q(serial_number=""),
                name="device_serial_number_unique_in_board",
            ),
            *price_constraints("price_net", "price_gross", "device"),
        ]
        indexes = [
            models.Index(
                fields=["school_board", "status", "inventory_number"],
                name="device_board_status_idx",
            ),
            models.Index(fields=["school", "inventory_number"], name="device_school_inv_idx"),
            models.Index(fields=["school_board", "serial_number"], name="device_board_serial_idx"),
        ]

    def __str__(self) -> str:
        return self.inventory_number

    def get_absolute_url(self) -> str:
        return reverse("devices:device-detail", args=[self.pk])

    @property
    def funding_category(self) -> str:
        from .choices import FUNDING_CATEGORY_BY_DEVICE_CATEGORY

        return FUNDING_CATEGORY_BY_DEVICE_CATEGORY.get(self.category, "")

    @property
    def description(self) -> str:
        return str(self.model) if self.model_id else self.get_category_display()

    def clean(self):
        errors = {}
        self.inventory_number = (self.inventory_number or "").strip()
        self.serial_number = (self.serial_number or "").strip()
        if self.room_id and self.school_id and self.room.school_id != self.school_id:
            errors["room"] = _("The room belongs to another school.")
        if message := price_order_error(self.price_net, self.price_gross):
            errors["price_gross"] = message
        if (
            self.school_id
            and self.school_board_id
            and self.school.school_board_id != self.school_board_id
        ):
            errors["school"] = _("The school belongs to another Schulträger.")
        if self.model_id and self.model.school_board_id != self.school_board_id:
            errors["model"] = _("The device model belongs to another Schulträger.")
        if self.cost_line_id and self.cost_line.school_board_id != self.school_board_id:
            errors["cost_line"] = _("The cost line belongs to another Schulträger's application.")
        with scopes_disabled():
            others = Device.objects.filter(school_board_id=self.school_board_id).exclude(pk=self.pk)
            if (
                self.inventory_number
                and others.filter(inventory_number=self.inventory_number).exists()
            ):
                errors["inventory_number"] = _(
                    "The Inventarnummer %(value)s is already used by another device of this "
                    "Schulträger."
                ) % {"value": self.inventory_number}
            if self.serial_number and others.filter(serial_number=self.serial_number).exists():
                errors["serial_number"] = _(
                    "The serial number %(value)s is already registered for another device of "
                    "this Schulträger."
                ) % {"value": self.serial_number}
        if errors:
            raise ValidationError(errors)


class Accessory(BoardOwnedModel):
    """An accessory (Zubehör) that belongs to a device: charger, pen, case, keyboard, …"""

    device = models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        related_name="accessories",
        verbose_name=_("Device"),
        editable=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AccessoryKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    history = HistoricalRecords()

    objects = BoardScopedManager()
    school_path = "device__school"

    class Meta:
        ordering = ["device_id", "kind", "id"]
        verbose_name = _("Accessories")
        verbose_name_plural = _("Accessories")

    def __str__(self) -> str:
        label = self.description or self.get_kind_display()
        return f"{label} ({self.serial_number})" if self.serial_number else str(label)

    def get_absolute_url(self) -> str:
        return reverse("devices:device-detail", args=[self.device_id]) + "#zubehoer"


class Loan(BoardOwnedModel):
    """A loan contract (Leihvertrag, § 598 BGB) for a pupil or a teacher."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="device_loans",
        verbose_name=_("School"),
    )
    borrower_kind = models.CharField(
        _("borrower"), max_length=10, choices=BorrowerKind.choices, default=BorrowerKind.PUPIL
    )
    borrower_name = models.CharField(_("name of the borrower"), max_length=200)
    school_class = models.CharField(_("class"), max_length=20, blank=True)
    borrower_is_minor = models.BooleanField(_("borrower is a minor"), default=True)
    guardian_name = models.CharField(_("guardian"), max_length=200, blank=True)
    guardian_contact = models.CharField(
        _("guardian contact (phone or e-mail)"), max_length=200, blank=True
    )
    staff_reference = models.CharField(_("staff reference"), max_length=50, blank=True)
    school_year = models.CharField(_("school year"), max_length=7, help_text=_("e.g. 2026/27"))
    start_date = models.DateField(_("start"))
    due_rule = models.CharField(
        _("end of loan"), max_length=20, choices=DueRule.choices, default=DueRule.LAST_SCHOOL_DAY
    )
    due_date = models.DateField(_("due date"))
    condition_at_handover = models.CharField(
        _("condition at handover"),
        max_length=20,
        choices=Condition.choices[:3],
        default=Condition.GOOD,
    )
    existing_damage = models.TextField(
        _("existing damage (annex)"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LoanStatus.choices,
        default=LoanStatus.PREPARED,
        editable=False,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    guardian_signed = models.BooleanField(_("signed by guardian"), default=False, editable=False)
    borrower_signed = models.BooleanField(_("signed by borrower"), default=False, editable=False)
    handed_out_on = models.DateField(_("handed out on"), null=True, blank=True, editable=False)
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    returned_on = models.DateField(_("returned on"), null=True, blank=True, editable=False)
    pupil_left_on = models.DateField(
        _("pupil left school on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The retention period for the borrower's data runs from the later of the "
            "return and this date."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(2000)])
    history = HistoricalRecords()

    objects = _scoped(LoanQuerySet)
    school_path = "school"

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("Leihvertrag")
        verbose_name_plural = _("Leihverträge")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")),
                name="loan_due_after_start",
                violation_error_message=_("The due date must not be before the start."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["school_board", "status", "due_date"], name="loan_board_status_due_idx"
            )
        ]

    def __str__(self) -> str:
        return _("Leihvertrag %(n)s") % {"n": self.contract_number}

    @property
    def contract_number(self) -> str:
        return f"LV-{self.pk or 0:06d}"

    def get_absolute_url(self) -> str:
        return reverse("devices:loan-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (LoanStatus.PREPARED, LoanStatus.SIGNED, LoanStatus.HANDED_OUT)

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.status == LoanStatus.HANDED_OUT and self.due_date < today

    @property
    def needs_guardian(self) -> bool:
        return self.borrower_kind == BorrowerKind.PUPIL and self.borrower_is_minor

    def clean(self):
        errors = {}
        if self.school_year:
            match = SCHOOL_YEAR_RE.match(self.school_year)
            if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
                errors["school_year"] = _("Enter the school year as YYYY/YY, e.g. 2026/27.")
        if self.anonymised_at is None:
            if not (self.borrower_name or "").strip():
                errors["borrower_name"] = _("Enter the borrower's name.")
            if self.borrower_kind == BorrowerKind.PUPIL:
                if not self.school_class.strip():
                    errors["school_class"] = _("Enter the pupil's class.")
                if self.borrower_is_minor:
                    if not self.guardian_name.strip():
                        errors["guardian_name"] = _(
                            "A minor needs a guardian: enter the guardian's name."
                        )
                    if not self.guardian_contact.strip():
                        errors["guardian_contact"] = _(
                            "A minor needs a guardian: enter a phone number or e-mail address."
                        )
            elif not self.staff_reference.strip():
                errors["staff_reference"] = _("Enter the teacher's staff reference.")
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date must not be before the start.")
        if errors:
            raise ValidationError(errors)


class LoanItem(BoardOwnedModel):
    """One device on a loan contract (Leihgerät) with the accessories handed over."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="items", editable=False)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="loan_items", editable=False
    )
    accessories = models.ManyToManyField(
        Accessory, blank=True, related_name="loan_items", verbose_name=_("accessories handed over")
    )
    is_open = models.BooleanField(default=True, editable=False)
    value = models.DecimalField(_("value"), null=True, blank=True, editable=False, **MONEY)
    returned_on = models.DateField(_("returned on"), null=True, blank=True, editable=False)
    return_condition = models.CharField(
        _("condition at return"),
        max_length=20,
        blank=True,
        choices=Condition.choices,
        editable=False,
    )
    missing_accessories = models.ManyToManyField(
        Accessory, blank=True, related_name="+", verbose_name=_("missing accessories")
    )
    damage_notes = models.TextField(_("damage notes"), blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=[])

    objects = BoardScopedManager()
    school_path = "loan__school"

    class Meta:
        ordering = ["loan_id", "id"]
        verbose_name = _("Loan device")
        verbose_name_plural = _("Loan devices")
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(is_open=True),
                name="one_open_loan_per_device",
                violation_error_message=_("This device is already on an open loan."),
            ),
            *not_negative("loan_item", "value"),
        ]

    def __str__(self) -> str:
        return f"{self.loan.contract_number}: {self.device.inventory_number}"

    def get_absolute_url(self) -> str:
        return reverse("devices:loan-detail", args=[self.loan_id])


class LoanReturn(BoardOwnedModel):
    """A return protocol (Rückgabeprotokoll): the devices of a loan checked back in."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="returns", editable=False)
    returned_on = models.DateField(_("returned on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
        editable=False,
    )
    accessories_complete = models.BooleanField(
        _("accessories complete"), default=True, editable=False
    )
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(2000)])
    history = HistoricalRecords()

    objects = BoardScopedManager()
    school_path = "loan__school"

    class Meta:
        ordering = ["-returned_on", "-id"]
        verbose_name = _("Rückgabeprotokoll")
        verbose_name_plural = _("Rückgabeprotokolle")

    def __str__(self) -> str:
        return _("Return %(n)s") % {"n": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("devices:return-detail", args=[self.pk])


class DefectReport(BoardOwnedModel):
    """A defect or loss report (Schadensmeldung): damage, defect, loss or theft of a device."""

    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        related_name="defect_reports",
        verbose_name=_("Device"),
        editable=False,
    )
    loan = models.ForeignKey(
        Loan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defect_reports",
        editable=False,
    )
    loan_return = models.ForeignKey(
        LoanReturn,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defect_reports",
        editable=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DefectKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DefectStatus.choices,
        default=DefectStatus.OPEN,
        editable=False,
    )
    description = models.TextField(_("description"), validators=[MaxLengthValidator(5000)])
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
        editable=False,
    )
    police_report_reference = models.CharField(
        _("police report reference"), max_length=100, blank=True
    )
    replacement_device = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replacement device"),
        editable=False,
    )
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    history = HistoricalRecords()

    objects = _scoped(DefectQuerySet)
    school_path = "device__school"

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("Defect report")
        verbose_name_plural = _("Defect reports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DefectKind.THEFT) | ~Q(police_report_reference=""),
                name="theft_needs_police_report",
                violation_error_message=_("A theft needs the police report reference."),
            ),
        ]

    def __str__(self) -> str:
        return _("Defect report %(n)s") % {"n": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("devices:defect-detail", args=[self.pk])

    def clean(self):
        if self.kind == DefectKind.THEFT and not self.police_report_reference.strip():
            raise ValidationError(
                {
                    "police_report_reference": _(
                        "A theft needs the police report reference (Aktenzeichen der Anzeige)."
                    )
                }
            )


class Stocktake(BoardOwnedModel):
    """A stocktake (Inventur) of a school or one room: scans compared with the inventory."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="stocktakes",
        verbose_name=_("School"),
    )
    room = models.ForeignKey(
        "schools.Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stocktakes",
        verbose_name=_("Room"),
        help_text=_("Leave empty to count the whole school."),
    )
    started_on = models.DateField(_("started on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StocktakeStatus.choices,
        default=StocktakeStatus.OPEN,
        editable=False,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    result = models.JSONField(_("result"), default=dict, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(2000)])
    history = HistoricalRecords()

    objects = _scoped(StocktakeQuerySet)
    school_path = "school"

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("Stocktake")
        verbose_name_plural = _("Stocktakes")

    def __str__(self) -> str:
        where = self.room.name if self.room_id else self.school.name
        return _("Stocktake %(n)s – %(where)s") % {"n": self.pk, "where": where}

    def get_absolute_url(self) -> str:
        return reverse("devices:stocktake-detail", args=[self.pk])

    def clean(self):
        if self.room_id and self.school_id and self.room.school_id != self.school_id:
            raise ValidationError({"room": _("The room belongs to another school.")})


class StocktakeEntry(BoardOwnedModel):
    """One scanned or typed code during a stocktake (Inventurerfassung)."""

    stocktake = models.ForeignKey(
        Stocktake, on_delete=models.CASCADE, related_name="entries", editable=False
    )
    code = models.CharField(_("scanned code"), max_length=300)
    device = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stocktake_entries",
        editable=False,
    )
    room = models.ForeignKey(
        "schools.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("found in room"),
    )
    scanned_at = models.DateTimeField(auto_now_add=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    objects = BoardScopedManager()
    school_path = "stocktake__school"

    class Meta:
        ordering = ["-scanned_at", "-id"]
        verbose_name = _("Stocktake record")
        verbose_name_plural = _("Stocktake records")
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "device"],
                condition=Q(device__isnull=False),
                name="stocktake_device_once",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("devices:stocktake-detail", args=[self.stocktake_id])


class PrivacyLog(BoardOwnedModel):
    """A logged data-protection action (Auskunft Art. 15, Löschung Art. 17, Anonymisierung)."""

    action = models.CharField(_("action"), max_length=20, choices=PrivacyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    performed_at = models.DateTimeField(_("when"), auto_now_add=True)
    #: never the person's name: a salted hash lets a later request be matched to this entry
    subject_hash = models.CharField(_("subject (pseudonym)"), max_length=64, blank=True)
    loan_count = models.PositiveIntegerField(_("loans"), default=0)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = BoardScopedManager()

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = _("Privacy log")
        verbose_name_plural = _("Privacy log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.loan_count})"

    def get_absolute_url(self) -> str:
        return reverse("devices:privacy")
