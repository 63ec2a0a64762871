"""Joint procurement (gemeinsame Beschaffung): framework contracts of a cooperative, the
boards' call-offs, the cooperative's joint orders, delivery notes and supplier invoices.

Contracts, price lists and joint orders belong to the cooperative (no board); call-offs,
delivery notes and invoices belong to the ordering board and are `cooperative_visible`:
the cooperative's staff read them for the boards that are its members
(core.tenancy.Access.restrict), and nothing else of those boards.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, BoardOwnedModel, BoardScopedManager, not_negative
from devices.choices import DeviceCategory
from funding.choices import FundingCategory, ProcurementRoute

from . import querysets as qs
from . import rules
from .choices import CallOffStatus, InvoiceStatus, JointOrderStatus

MONEY = {"max_digits": 14, "decimal_places": 2}
VAT = {"max_digits": 5, "decimal_places": 2}
VAT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def _scoped(queryset_class):
    return BoardScopedManager(_manager_class=models.Manager.from_queryset(queryset_class))


# --------------------------------------------------------------- the cooperative's contracts
class Supplier(BaseModel):
    """A supplier (Lieferant) of a framework contract; it has no login."""

    cooperative = models.ForeignKey(
        "schools.Cooperative", on_delete=models.PROTECT, related_name="suppliers", editable=False
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="supplier_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:contract-list") + f"?supplier={self.pk}"


class FrameworkContract(BaseModel):
    """A framework contract (Rahmenvertrag) the cooperative tendered once for its members."""

    cooperative = models.ForeignKey(
        "schools.Cooperative", on_delete=models.PROTECT, related_name="contracts", editable=False
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("supplier")
    )
    number = models.CharField(_("contract number"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = models.Manager.from_queryset(qs.ContractQuerySet)()

    class Meta:
        ordering = ["number", "id"]
        verbose_name = _("Rahmenvertrag")
        verbose_name_plural = _("Rahmenverträge")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="contract_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="contract_validity_order",
                violation_error_message=_("The validity ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:contract-detail", args=[self.pk])

    def is_valid_on(self, day) -> bool:
        return rules.valid_on(self.valid_from, self.valid_until, day)


class Lot(BaseModel):
    """A lot (Los) of a framework contract, e.g. "tablets and accessories"."""

    contract = models.ForeignKey(FrameworkContract, on_delete=models.CASCADE, related_name="lots")
    number = models.CharField(_("lot"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "number", "id"]
        verbose_name = _("Los")
        verbose_name_plural = _("Lose")
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="lot_unique")]

    def __str__(self) -> str:
        return f"Los {self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()


class ContractItem(BaseModel):
    """A catalogue item (Warenkorb-Artikel) of a contract with its funding category."""

    contract = models.ForeignKey(
        FrameworkContract, on_delete=models.CASCADE, related_name="items", editable=False
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    item_number = models.CharField(_("item number"), max_length=50)
    name = models.CharField(_("item"), max_length=300)
    category = models.CharField(_("category"), max_length=30, choices=FundingCategory.choices)
    device_category = models.CharField(
        _("device category"), max_length=30, choices=DeviceCategory.choices, blank=True
    )
    #: eligibility per programme; empty: eligible in every programme that funds the category
    programmes = models.ManyToManyField(
        "funding.Programme", blank=True, related_name="+", verbose_name=_("eligible in")
    )
    #: the funding app's Warenkorb pick-list row that cost plans choose (kept in step)
    warenkorb_item = models.ForeignKey(
        "funding.CatalogueItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "item_number", "id"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.UniqueConstraint(fields=["contract", "item_number"], name="contract_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_number} {self.name}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()


class PriceList(BaseModel):
    """A price-list version (Preisliste) of a contract, valid for a period."""

    contract = models.ForeignKey(
        FrameworkContract, on_delete=models.CASCADE, related_name="price_lists", editable=False
    )
    number = models.PositiveIntegerField(_("version"), editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = models.Manager.from_queryset(qs.PriceListQuerySet)()

    class Meta:
        ordering = ["contract", "-valid_from", "-id"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="price_list_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="price_list_validity_order",
                violation_error_message=_("The validity ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} – Preisliste {self.number}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()


class ItemPrice(BaseModel):
    """One item's price in one price-list version: net, VAT, delivery time, minimum."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    item = models.ForeignKey(ContractItem, on_delete=models.CASCADE, related_name="prices")
    price_net = models.DecimalField(_("net price"), **MONEY, validators=[MinValueValidator(0)])
    vat_rate = models.DecimalField(_("VAT rate (%)"), **VAT, validators=VAT_VALIDATORS)
    delivery_days = models.PositiveIntegerField(_("delivery time (days)"), default=0)
    min_quantity = models.PositiveIntegerField(
        _("minimum quantity"), default=1, validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["price_list", "item__item_number", "id"]
        verbose_name = _("item price")
        verbose_name_plural = _("item prices")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "item"], name="item_price_unique"),
            *not_negative("item_price", "price_net", "vat_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.price_net}"

    def get_absolute_url(self) -> str:
        return self.price_list.get_absolute_url()


class JointOrder(BaseModel):
    """A joint order (Sammelbestellung): many boards' call-offs to one supplier and lot."""

    cooperative = models.ForeignKey(
        "schools.Cooperative", on_delete=models.PROTECT, related_name="+", editable=False
    )
    contract = models.ForeignKey(
        FrameworkContract, on_delete=models.PROTECT, related_name="joint_orders", editable=False
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=JointOrderStatus.choices,
        default=JointOrderStatus.DRAFT,
        editable=False,
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True, editable=False)
    confirmation_reference = models.CharField(
        _("supplier's confirmation"), max_length=100, blank=True
    )
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    expected_on = models.DateField(_("expected delivery"), null=True, blank=True)
    history = HistoricalRecords()

    objects = models.Manager.from_queryset(qs.JointOrderQuerySet)()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Sammelbestellung")
        verbose_name_plural = _("Sammelbestellungen")

    def __str__(self) -> str:
        return f"Sammelbestellung {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:joint-order-detail", args=[self.pk])


# --------------------------------------------------------------- the boards' rows
class CallOff(BoardOwnedModel):
    """A board's call-off (Abruf) from a framework contract — or a purchase outside it."""

    cooperative_visible = True

    cooperative = models.ForeignKey(
        "schools.Cooperative",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    number = models.CharField(_("number"), max_length=40, editable=False)
    contract = models.ForeignKey(
        FrameworkContract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_offs",
        verbose_name=_("Rahmenvertrag"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("School")
    )
    cost_line = models.ForeignKey(
        "funding.CostLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("position"),
    )
    order_date = models.DateField(_("order date"))
    route = models.CharField(
        _("procurement route"),
        max_length=20,
        choices=ProcurementRoute.choices,
        default=ProcurementRoute.FRAMEWORK,
    )
    supplier_name = models.CharField(
        _("supplier (outside the Warenkorb)"), max_length=200, blank=True
    )
    over_plan_reason = models.TextField(_("reason for exceeding the plan"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CallOffStatus.choices,
        default=CallOffStatus.DRAFT,
        editable=False,
    )
    joint_order = models.ForeignKey(
        JointOrder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_offs",
        editable=False,
    )
    history = HistoricalRecords()

    objects = _scoped(qs.CallOffQuerySet)
    school_path = "school"

    class Meta:
        ordering = ["-order_date", "-id"]
        verbose_name = _("Abruf")
        verbose_name_plural = _("Abrufe")
        constraints = [
            models.UniqueConstraint(fields=["school_board", "number"], name="call_off_unique")
        ]

    def __str__(self) -> str:
        return f"Abruf {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:call-off-detail", args=[self.pk])

    @property
    def is_framework(self) -> bool:
        return self.route == ProcurementRoute.FRAMEWORK


class CallOffLine(BoardOwnedModel):
    """A line of a call-off: item, quantity, the price of the version valid on the order date."""

    cooperative_visible = True

    call_off = models.ForeignKey(
        CallOff, on_delete=models.CASCADE, related_name="lines", editable=False
    )
    item = models.ForeignKey(
        ContractItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("item"),
    )
    price = models.ForeignKey(
        ItemPrice, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price_net = models.DecimalField(_("unit price net"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), **VAT, validators=VAT_VALIDATORS)
    delivered_quantity = models.PositiveIntegerField(_("delivered"), default=0, editable=False)
    history = HistoricalRecords()

    objects = _scoped(qs.CallOffLineQuerySet)
    school_path = "call_off__school"

    class Meta:
        ordering = ["call_off", "id"]
        verbose_name = _("call-off line")
        verbose_name_plural = _("call-off lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="call_off_line_quantity"),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=F("quantity")),
                name="call_off_line_not_over_delivered",
            ),
            *not_negative("call_off_line", "unit_price_net", "vat_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    def get_absolute_url(self) -> str:
        return self.call_off.get_absolute_url()

    @property
    def amounts(self):
        return rules.line_amounts(self.quantity, self.unit_price_net, self.vat_rate)

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.delivered_quantity


class DeliveryNote(BoardOwnedModel):
    """A delivery note (Lieferschein) for one call-off, delivered to its school."""

    cooperative_visible = True

    call_off = models.ForeignKey(
        CallOff, on_delete=models.PROTECT, related_name="delivery_notes", editable=False
    )
    number = models.CharField(_("delivery note number"), max_length=50)
    delivered_on = models.DateField(_("delivered on"))
    received_by = models.CharField(_("received by (school)"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = _scoped(qs.DeliveryNoteQuerySet)
    school_path = "call_off__school"

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("Lieferschein")
        verbose_name_plural = _("Lieferscheine")
        constraints = [
            models.UniqueConstraint(fields=["call_off", "number"], name="delivery_note_unique")
        ]

    def __str__(self) -> str:
        return f"Lieferschein {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:delivery-note-detail", args=[self.pk])


class DeliveryNoteLine(BoardOwnedModel):
    """A line of a delivery note: how many of an ordered line arrived, as which devices."""

    cooperative_visible = True

    note = models.ForeignKey(
        DeliveryNote, on_delete=models.CASCADE, related_name="lines", editable=False
    )
    order_line = models.ForeignKey(
        CallOffLine, on_delete=models.PROTECT, related_name="delivery_lines", editable=False
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    #: the inventory's delivery batch whose devices this line created
    device_delivery = models.OneToOneField(
        "devices.Delivery",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procurement_line",
        editable=False,
    )
    history = HistoricalRecords()

    objects = _scoped(qs.DeliveryNoteLineQuerySet)
    school_path = "note__call_off__school"

    class Meta:
        ordering = ["note", "id"]
        verbose_name = _("delivery note line")
        verbose_name_plural = _("delivery note lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_line_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.description}"

    def get_absolute_url(self) -> str:
        return self.note.get_absolute_url()


class SupplierInvoice(BoardOwnedModel):
    """A supplier's invoice (Lieferantenrechnung) to one board, matched three ways."""

    cooperative_visible = True

    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("supplier")
    )
    number = models.CharField(_("invoice number"), max_length=100)
    date = models.DateField(_("invoice date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.OPEN,
        editable=False,
    )
    difference_reason = models.TextField(_("reason for accepting differences"), blank=True)
    differences = models.JSONField(_("differences"), default=list, blank=True, editable=False)
    payout = models.ForeignKey(
        "funding.PayoutRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    objects = _scoped(qs.SupplierInvoiceQuerySet)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["school_board", "supplier", "number"], name="supplier_invoice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:invoice-detail", args=[self.pk])


class SupplierInvoiceLine(BoardOwnedModel):
    """A line of a supplier invoice, referring to one ordered line."""

    cooperative_visible = True

    invoice = models.ForeignKey(
        SupplierInvoice, on_delete=models.CASCADE, related_name="lines", editable=False
    )
    order_line = models.ForeignKey(
        CallOffLine, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price_net = models.DecimalField(_("unit price net"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), **VAT, validators=VAT_VALIDATORS)
    history = HistoricalRecords()

    objects = _scoped(qs.InvoiceLineQuerySet)

    class Meta:
        ordering = ["invoice", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity"),
            *not_negative("invoice_line", "unit_price_net", "vat_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.description}"

    def get_absolute_url(self) -> str:
        return self.invoice.get_absolute_url()

    @property
    def amounts(self):
        return rules.line_amounts(self.quantity, self.unit_price_net, self.vat_rate)
