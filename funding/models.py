"""Funding: programmes, rule-set versions, budgets, the Warenkorb, applications and
everything after approval (decisions, change requests, invoices, payouts, proof of use)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, BoardOwnedModel, BoardScopedManager, not_negative

from . import querysets as qs
from .choices import (
    AllocationFormula,
    ApplicationStatus,
    ChangeRequestStatus,
    DecisionKind,
    FundingCategory,
    OwnShareConvention,
    PayoutStatus,
    ProcurementRoute,
    ProofStatus,
    RuleSetStatus,
    TpekStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
RATE = {"max_digits": 6, "decimal_places": 4}


def default_categories():
    return ["lan", "wlan", "platform", "display", "work_device", "mobile", "accompanying"]


def default_excluded():
    return [
        "Wartungsvertrag",
        "Supportvertrag",
        "Office-Lizenz",
        "Microsoft 365",
        "Stromkosten",
        "Verwaltungs-PC",
        "Hausanschluss",
        "Personal",
        "Personalkosten",
    ]


def default_smartphone_terms():
    return [
        "*smartphone*",
        "*handy",
        "*handys",
        "iPhone*",
        "Mobiltelefon*",
        "Galaxy S#*",
        "Galaxy A#*",
        "Galaxy Z *",
        "Pixel #*",
    ]


def default_allowed_phrases():
    return ["Personal Computer"]


class Programme(BaseModel):
    """A funding programme (Förderprogramm), e.g. DigitalPakt Schule 2019–2024 in a Land."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    land = models.ForeignKey(
        "schools.Land",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("Land"),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("open for applications"), default=True)
    history = HistoricalRecords()

    objects = models.Manager.from_queryset(qs.ProgrammeQuerySet)()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:programme-detail", args=[self.pk])

    def current_ruleset(self) -> RuleSet | None:
        """The published rule-set version in effect today."""
        return self.ruleset_on(timezone.localdate())

    def ruleset_on(self, day, *, for_submitted: bool = False) -> RuleSet | None:
        """The published version in effect on `day`: the latest that took effect by then
        (no date: in effect from the start); a version dated later does not apply yet.
        `for_submitted`: the latest such version that also applies to submitted ones."""
        published = self.rulesets.filter(status=RuleSetStatus.PUBLISHED)
        if for_submitted:
            published = published.filter(applies_to_submitted=True)
        return (
            published.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .order_by(F("valid_from").desc(nulls_last=True), "-number")
            .first()
        )


class RuleSet(BaseModel):
    """One version of a programme's rules (Richtlinienfassung); an edit is a new version."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="rulesets",
        verbose_name=_("Förderprogramm"),
    )
    number = models.PositiveIntegerField(_("rule-set version"), default=1)
    #: the date the version takes effect (effective from); empty: from the start
    valid_from = models.DateField(_("takes effect on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RuleSetStatus.choices,
        default=RuleSetStatus.PUBLISHED,
        editable=False,
    )
    applies_to_submitted = models.BooleanField(
        _("applies to submitted applications too"),
        default=False,
        help_text=_(
            "E.g. a deadline extension: applications submitted and not yet decided switch "
            "to this version when it takes effect."
        ),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("published by"),
    )
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    funding_rate = models.DecimalField(
        _("funding rate"),
        **RATE,
        default=Decimal("0.9000"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of eligible costs, e.g. 0.9000"),
    )
    own_share_convention = models.CharField(
        _("own-share convention"),
        max_length=30,
        choices=OwnShareConvention.choices,
        default=OwnShareConvention.PERCENT_OF_TOTAL,
    )
    own_share_rate = models.DecimalField(
        _("own-share rate"), **RATE, default=Decimal("0.1000"), validators=[MinValueValidator(0)]
    )
    allocation_formula = models.CharField(
        _("allocation formula"),
        max_length=30,
        choices=AllocationFormula.choices,
        default=AllocationFormula.PER_PUPIL,
    )
    per_pupil_amount = models.DecimalField(
        _("amount per pupil"), **MONEY, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    base_per_school = models.DecimalField(
        _("base amount per school"), **MONEY, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    base_min_pupils = models.PositiveIntegerField(
        _("minimum pupils for the base amount"), default=0
    )
    amount_by_school_type = models.JSONField(_("amount by school type"), default=dict, blank=True)
    counts_reference_date = models.DateField(
        _("reference date of pupil counts"), null=True, blank=True
    )
    eligible_categories = models.JSONField(_("eligible categories"), default=default_categories)
    excluded_terms = models.JSONField(_("excluded items"), default=default_excluded, blank=True)
    smartphone_terms = models.JSONField(
        _("smartphone terms"), default=default_smartphone_terms, blank=True
    )
    allowed_phrases = models.JSONField(
        _("eligible phrases"),
        default=default_allowed_phrases,
        blank=True,
        help_text=_(
            "Phrases that are eligible although they contain an excluded term, e.g. "
            "“Personal Computer”. Terms match whole words; * stands for letters inside a word, "
            "# for one digit."
        ),
    )
    mobile_cap_percent = models.DecimalField(
        _("mobile cap (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=NOT_NEGATIVE,
    )
    mobile_cap_per_school = models.DecimalField(
        _("mobile cap per school"), **MONEY, default=Decimal("25000"), validators=NOT_NEGATIVE
    )
    require_network_for_mobile = models.BooleanField(
        _("network before mobile devices"), default=True
    )
    application_opens = models.DateField(_("application window opens"), null=True, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    deadline_history = models.JSONField(_("deadline extensions"), default=list, blank=True)
    eligible_from = models.DateField(_("eligible costs from"), null=True, blank=True)
    eligible_until = models.DateField(_("eligible costs until"), null=True, blank=True)
    payout_until = models.DateField(_("payout window ends"), null=True, blank=True)
    direct_purchase_limit = models.DecimalField(
        _("direct purchase up to (net)"), **MONEY, default=Decimal("10000"), validators=NOT_NEGATIVE
    )
    tender_law_threshold = models.DecimalField(
        _("state tender law from (net)"), **MONEY, default=Decimal("40000"), validators=NOT_NEGATIVE
    )
    restricted_tender_limit = models.DecimalField(
        _("restricted tender below (net)"),
        **MONEY,
        default=Decimal("221000"),
        validators=NOT_NEGATIVE,
    )
    inventory_threshold = models.DecimalField(
        _("inventory threshold (net)"), **MONEY, default=Decimal("800"), validators=NOT_NEGATIVE
    )
    earmarking_years = models.PositiveIntegerField(_("earmarking years"), default=5)
    plan_tolerance_percent = models.DecimalField(
        _("plan tolerance (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=NOT_NEGATIVE,
    )
    proof_of_use_months = models.PositiveIntegerField(
        _("proof of use due (months after project end)"), default=3
    )
    proof_late_severity = models.CharField(
        _("late proof of use"),
        max_length=10,
        default="warning",
        choices=[
            ("warning", _("warning (the reviewer decides)")),
            ("error", _("error (submission refused)")),
        ],
    )
    history = HistoricalRecords()

    objects = models.Manager.from_queryset(qs.RuleSetQuerySet)()

    class Meta:
        ordering = ["programme__name", "-number", "-id"]
        verbose_name = _("Rule set")
        verbose_name_plural = _("Rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="ruleset_number_unique_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(funding_rate__gte=0, funding_rate__lte=1),
                name="ruleset_funding_rate_range",
            ),
            *not_negative(
                "ruleset",
                "own_share_rate",
                "per_pupil_amount",
                "base_per_school",
                "mobile_cap_percent",
                "mobile_cap_per_school",
                "direct_purchase_limit",
                "tender_law_threshold",
                "restricted_tender_limit",
                "inventory_threshold",
                "plan_tolerance_percent",
            ),
        ]

    def __str__(self) -> str:
        return _("%(programme)s – version %(number)s") % {
            "programme": self.programme,
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("funding:programme-detail", args=[self.programme_id])

    def clean(self):
        bad = [c for c in (self.eligible_categories or []) if c not in FundingCategory.values]
        if bad:
            raise ValidationError(
                {"eligible_categories": _("Unknown categories: %s") % ", ".join(bad)}
            )
        if (
            self.own_share_convention == OwnShareConvention.PERCENT_OF_TOTAL
            and self.funding_rate is not None
            and self.own_share_rate is not None
            and self.funding_rate + self.own_share_rate != 1
        ):
            raise ValidationError(
                {
                    "own_share_rate": _(
                        "With the percent-of-total convention funding rate and own-share rate "
                        "add up "
                        "to 1."
                    )
                }
            )
        if (
            self.application_opens
            and self.application_deadline
            and self.application_opens > self.application_deadline
        ):
            raise ValidationError(
                {"application_deadline": _("The deadline is before the opening.")}
            )

    def params(self):
        from .rules import RuleParams

        return RuleParams(
            funding_rate=self.funding_rate,
            own_share_convention=self.own_share_convention,
            own_share_rate=self.own_share_rate,
            eligible_categories=frozenset(self.eligible_categories or []),
            excluded_terms=tuple(self.excluded_terms or ()),
            smartphone_terms=tuple(self.smartphone_terms or ()),
            allowed_phrases=tuple(self.allowed_phrases or ()),
            mobile_cap_percent=self.mobile_cap_percent,
            mobile_cap_per_school=self.mobile_cap_per_school,
            require_network_for_mobile=self.require_network_for_mobile,
            application_opens=self.application_opens,
            application_deadline=self.application_deadline,
            eligible_from=self.eligible_from,
            eligible_until=self.eligible_until,
            direct_purchase_limit=self.direct_purchase_limit,
            tender_law_threshold=self.tender_law_threshold,
            restricted_tender_limit=self.restricted_tender_limit,
            inventory_threshold=self.inventory_threshold,
            plan_tolerance_percent=self.plan_tolerance_percent,
            payout_until=self.payout_until,
            proof_of_use_months=self.proof_of_use_months,
            proof_late_severity=self.proof_late_severity,
        )


class CatalogueItem(BaseModel):
    """An item of a centrally tendered framework contract (Warenkorb), global or per Land."""

    land = models.ForeignKey(
        "schools.Land",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Land"),
        help_text=_("Empty: valid in every Land."),
    )
    contract_reference = models.CharField(_("framework contract"), max_length=100)
    item_number = models.CharField(_("item number"), max_length=50)
    name = models.CharField(_("item"), max_length=300)
    category = models.CharField(_("category"), max_length=30, choices=FundingCategory.choices)
    unit_price_net = models.DecimalField(_("unit price net"), **MONEY, validators=NOT_NEGATIVE)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("19"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = models.Manager.from_queryset(qs.CatalogueQuerySet)()

    class Meta:
        ordering = ["contract_reference", "item_number", "id"]
        verbose_name = _("Warenkorb item")
        verbose_name_plural = _("Warenkorb")
        constraints = [
            models.UniqueConstraint(
                fields=["contract_reference", "item_number"], name="catalogue_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(unit_price_net__gte=0), name="catalogue_price_not_negative"
            ),
            *not_negative("catalogue_item", "vat_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_reference}/{self.item_number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("funding:catalogue-list") + f"?q={self.item_number}"


class Budget(BoardOwnedModel):
    """A board's budget (Förderrahmen) in one programme."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="budgets",
        verbose_name=_("Förderprogramm"),
    )
    ruleset = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Rule set"),
        null=True,
        blank=True,
    )
    amount = models.DecimalField(_("budget"), **MONEY, validators=NOT_NEGATIVE)
    is_manual = models.BooleanField(_("set by hand"), default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    pupils = models.PositiveIntegerField(_("pupils at the reference date"), default=0)
    computed_on = models.DateField(_("reference date"), null=True, blank=True)
    #: the pupil counts the computation used, per school (snapshot at the reference date)
    pupil_counts = models.JSONField(
        _("pupil counts used"), default=list, blank=True, editable=False
    )
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(qs.BudgetQuerySet))

    class Meta:
        ordering = ["programme__name", "id"]
        verbose_name = _("Budget")
        verbose_name_plural = _("Budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["school_board", "programme"], name="budget_one_per_board_programme"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.school_board}"

    def get_absolute_url(self) -> str:
        return reverse("funding:budget-detail", args=[self.pk])

    def clean(self):
        if self.is_manual and not (self.reason or "").strip():
            raise ValidationError({"reason": _("A budget set by hand needs a reason.")})


class BudgetShare(BoardOwnedModel):
    """The board's planned share of a budget for one school (Aufteilung auf Schulen)."""

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="shares", editable=False
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("School")
    )
    amount = models.DecimalField(_("planned share"), **MONEY, validators=NOT_NEGATIVE)
    history = HistoricalRecords()

    objects = BoardScopedManager()
    school_path = "school"

    class Meta:
        ordering = ["school__name", "id"]
        verbose_name = _("Budget share")
        verbose_name_plural = _("Budget shares")
        constraints = [
            models.UniqueConstraint(fields=["budget", "school"], name="budget_share_unique"),
            *not_negative("budget_share", "amount"),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("funding:budget-detail", args=[self.budget_id])


class Application(BoardOwnedModel):
    """A funding application (Förderantrag) of a board under one rule-set version."""

    number = models.CharField(_("application number"), max_length=30, editable=False)
    title = models.CharField(_("title"), max_length=200)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("Förderprogramm"),
    )
    ruleset = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="applications",
        editable=False,
        verbose_name=_("Rule set"),
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    # Anlage "Sicherstellung von Betrieb, Wartung und Support"
    operator = models.CharField(_("operated and supported by"), max_length=300, blank=True)
    support_scope = models.TextField(_("scope of support"), blank=True)
    mdm = models.TextField(_("device management (MDM)"), blank=True)
    update_policy = models.TextField(_("update policy"), blank=True)
    response_times = models.CharField(_("response times"), max_length=300, blank=True)
    operation_financing = models.TextField(_("how operation is paid"), blank=True)
    # declarations of the Mantelbogen
    decl_procurement = models.BooleanField(_("procurement law is followed"), default=False)
    decl_no_double_funding = models.BooleanField(_("no double funding"), default=False)
    decl_operation_secured = models.BooleanField(_("operation is secured"), default=False)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    changes_deadline = models.DateField(
        _("deadline for changes"), null=True, blank=True, editable=False
    )
    content_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("content check by"),
    )
    content_checked_at = models.DateTimeField(
        _("content checked"), null=True, blank=True, editable=False
    )
    #: the procedure steps (Verfahrensschritte) in the one status log (core.StatusChange)
    events = GenericRelation("core.StatusChange", related_query_name="application")
    history = HistoricalRecords()

    objects = BoardScopedManager(
        _manager_class=models.Manager.from_queryset(qs.ApplicationQuerySet)
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Förderantrag")
        verbose_name_plural = _("Förderanträge")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="application_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("funding:application-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_start > self.planned_end:
            raise ValidationError({"planned_end": _("The end is before the start.")})


class ApplicationSchool(BoardOwnedModel):
    """A school in an application with its annexes: TPEK, infrastructure, and its report."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="schools", editable=False
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("School")
    )
    site = models.ForeignKey(
        "schools.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Schulstandort"),
    )
    # Anlage TPEK (by the school)
    tpek_status = models.CharField(
        _("TPEK status"),
        max_length=20,
        choices=TpekStatus.choices,
        default=TpekStatus.NOT_REQUESTED,
        editable=False,
    )
    tpek_deadline = models.DateField(_("TPEK due"), null=True, blank=True, editable=False)
    current_equipment = models.TextField(_("current equipment (Bestandsaufnahme)"), blank=True)
    planned_equipment = models.TextField(_("planned equipment"), blank=True)
    pedagogical_reason = models.TextField(_("pedagogical reasons"), blank=True)
    competence_areas = models.TextField(_("competence areas, subjects, year groups"), blank=True)
    training_plan = models.TextField(_("teacher training planned"), blank=True)
    # Anlage Digitale Infrastruktur (by the board)
    infrastructure_current = models.TextField(_("current infrastructure"), blank=True)
    infrastructure_planned = models.TextField(_("planned infrastructure"), blank=True)
    # Sachbericht (proof of use)
    report_measures = models.TextField(_("measures carried out"), blank=True)
    report_deviations = models.TextField(_("deviations from the plan"), blank=True)
    report_use = models.TextField(_("use in lessons"), blank=True)
    report_training = models.TextField(_("training delivered"), blank=True)
    report_operation = models.TextField(_("operation in place"), blank=True)
    history = HistoricalRecords()

    objects = BoardScopedManager(
        _manager_class=models.Manager.from_queryset(qs.ApplicationSchoolQuerySet)
    )
    school_path = "school"

    class Meta:
        ordering = ["school__name", "id"]
        verbose_name = _("School in the application")
        verbose_name_plural = _("Schools in the application")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "school"], name="application_school_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} – {self.application.number}"

    def get_absolute_url(self) -> str:
        return reverse("funding:tpek", args=[self.pk])

    @property
    def tpek_complete(self) -> bool:
        return all(
            getattr(self, f).strip()
            for f in ("planned_equipment", "pedagogical_reason", "competence_areas")
        )


class CostLine(BoardOwnedModel):
    """A line of the cost and time plan (Position des Kosten- und Zeitplans)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="lines", editable=False
    )
    position = models.PositiveIntegerField(_("position"), default=0, editable=False)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("School")
    )
    category = models.CharField(_("category"), max_length=30, choices=FundingCategory.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price_net = models.DecimalField(_("unit price net"), **MONEY, validators=NOT_NEGATIVE)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("19"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    procurement_route = models.CharField(
        _("procurement route"),
        max_length=20,
        choices=ProcurementRoute.choices,
        default=ProcurementRoute.DIRECT,
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Warenkorb item"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    need = models.ForeignKey(
        "mediaplans.EquipmentNeed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cost_lines",
        verbose_name=_("need from the media concept"),
    )
    justification = models.TextField(_("justification"), blank=True)
    approved_amount = models.DecimalField(
        _("approved amount"),
        **MONEY,
        null=True,
        blank=True,
        editable=False,
        validators=NOT_NEGATIVE,
    )
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(qs.CostLineQuerySet))
    school_path = "school"

    class Meta:
        ordering = ["application", "position", "id"]
        verbose_name = _("Position des Kosten- und Zeitplans")
        verbose_name_plural = _("Kosten- und Zeitplan")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="costline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price_net__gte=0), name="costline_price_not_negative"
            ),
            *not_negative("costline", "vat_rate", "approved_amount"),
        ]

    def __str__(self) -> str:
        return f"Pos. {self.position}: {self.description}"

    def get_absolute_url(self) -> str:
        return (
            reverse("funding:application-detail", args=[self.application_id])
            + f"#pos-{self.position}"
        )

    @property
    def ref(self) -> str:
        return str(self.position)

    @property
    def amounts(self):
        from .rules import line_amounts

        return line_amounts(self.quantity, self.unit_price_net, self.vat_rate)

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_start > self.planned_end:
            raise ValidationError({"planned_end": _("The end is before the start.")})
        if self.procurement_route == ProcurementRoute.FRAMEWORK and not self.catalogue_item_id:
            raise ValidationError(
                {
                    "catalogue_item": _(
                        "An order from a framework contract needs its Warenkorb item."
                    )
                }
            )


class ReviewComment(BoardOwnedModel):
    """A reviewer's or board's comment on an application or one of its lines (Anmerkung)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="comments", editable=False
    )
    cost_line = models.ForeignKey(
        CostLine,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("position"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    text = models.TextField(_("comment"))
    resolved = models.BooleanField(_("resolved"), default=False)
    history = HistoricalRecords()

    objects = BoardScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Comment")
        verbose_name_plural = _("Comments")

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return self.application.get_absolute_url() + "#anmerkungen"


def validate_number_pattern(pattern: str) -> None:
    """A file-reference pattern must name {seq} and format with {year}, {seq}, {land}."""
    if "{seq" not in pattern:
        raise ValidationError(_("The pattern must contain {seq} (the running number)."))
    try:
        pattern.format(year=2026, seq=1, land="ST")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("The pattern cannot be used: %(error)s. Allowed: {year}, {seq}, {land}.")
            % {"error": exc}
        ) from exc


class Authority(BaseModel):
    """An authority of the Land (Behörde), e.g. the Landesverwaltungsamt: letterhead,
    file-reference pattern of its notices and its legal-remedy text (DOMAIN §5a)."""

    land = models.ForeignKey("schools.Land", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, default="approval")
    name = models.CharField(_("name"), max_length=200)
    letterhead = models.TextField(
        _("letterhead"), blank=True, help_text=_("Address block printed at the top of notices.")
    )
    notice_number_pattern = models.CharField(
        _("file-reference pattern of notices"),
        max_length=60,
        default="ZB-{year}-{seq:05d}",
        validators=[validate_number_pattern],
        help_text=_("Placeholders: {year}, {seq} (e.g. {seq:05d}), {land}."),
    )
    legal_remedy_text = models.TextField(_("information on legal remedies"), blank=True)
    signatory = models.CharField(_("signature block"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["land__name", "kind", "pk"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.UniqueConstraint(fields=["land", "kind"], name="authority_unique_per_land")
        ]

    def __str__(self) -> str:
        return self.name


class NoticeCounter(models.Model):
    """The running number of an authority's notices in one year (Bescheidnummern)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["authority", "year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="notice_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}: {self.last}"


class Decision(BoardOwnedModel):
    """A funding decision (Zuwendungsbescheid), or an amended one (Änderungsbescheid)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    number = models.CharField(_("decision number"), max_length=50)
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("issuing authority"),
    )
    date = models.DateField(_("decision date"))
    approved_amount = models.DecimalField(_("approved funding"), **MONEY, validators=NOT_NEGATIVE)
    eligible_amount = models.DecimalField(
        _("approved eligible costs"), **MONEY, validators=NOT_NEGATIVE
    )
    rate = models.DecimalField(_("funding rate"), **RATE, validators=NOT_NEGATIVE)
    period_start = models.DateField(_("approval period from"), null=True, blank=True)
    period_end = models.DateField(_("approval period until"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(qs.DecisionQuerySet))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("Zuwendungsbescheid")
        verbose_name_plural = _("Zuwendungsbescheide")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number"], name="decision_number_unique_per_authority"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__gte=0), name="decision_amount_not_negative"
            ),
            *not_negative("decision", "eligible_amount", "rate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("funding:decision-detail", args=[self.pk])


class ChangeRequest(BoardOwnedModel):
    """A change request after approval (Änderungsantrag): an amended cost plan, a new
    version of the application's lines, prepared by the board and decided by the Land."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="change_requests", editable=False
    )
    reason = models.TextField(_("what changes and why"))
    requested_amount = models.DecimalField(
        _("requested funding after the change"),
        **MONEY,
        default=Decimal("0"),
        editable=False,
        validators=NOT_NEGATIVE,
    )
    eligible_amount = models.DecimalField(
        _("eligible costs after the change"),
        **MONEY,
        default=Decimal("0"),
        editable=False,
        validators=NOT_NEGATIVE,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.DRAFT,
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    objects = BoardScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Änderungsantrag")
        verbose_name_plural = _("Änderungsanträge")
        constraints = [
            *not_negative("change_request", "requested_amount", "eligible_amount"),
        ]

    def __str__(self) -> str:
        return f"Änderungsantrag {self.application.number}"

    def get_absolute_url(self) -> str:
        return reverse("funding:change-request-detail", args=[self.pk])


class ChangeRequestLine(BoardOwnedModel):
    """A line of the amended cost plan of a change request (Position des geänderten
    Kosten- und Zeitplans): a copy of a current line (kept, changed or removed) or a new one."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="lines", editable=False
    )
    #: the current line this row amends (empty: a line the change adds)
    cost_line = models.ForeignKey(
        CostLine,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    position = models.PositiveIntegerField(_("position"), default=0, editable=False)
    removed = models.BooleanField(_("removed by the change"), default=False, editable=False)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("School")
    )
    category = models.CharField(_("category"), max_length=30, choices=FundingCategory.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price_net = models.DecimalField(_("unit price net"), **MONEY, validators=NOT_NEGATIVE)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("19"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    procurement_route = models.CharField(
        _("procurement route"),
        max_length=20,
        choices=ProcurementRoute.choices,
        default=ProcurementRoute.DIRECT,
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Warenkorb item"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    need = models.ForeignKey(
        "mediaplans.EquipmentNeed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("need from the media concept"),
    )
    justification = models.TextField(_("justification"), blank=True)
    history = HistoricalRecords()

    objects = BoardScopedManager()
    school_path = "school"

    class Meta:
        ordering = ["change_request", "position", "id"]
        verbose_name = _("line of an amended cost plan")
        verbose_name_plural = _("lines of amended cost plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="change_line_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["change_request", "cost_line"], name="change_line_once_per_cost_line"
            ),
            *not_negative("change_line", "unit_price_net", "vat_rate"),
        ]

    def __str__(self) -> str:
        return f"Pos. {self.position}: {self.description}"

    def get_absolute_url(self) -> str:
        return self.change_request.get_absolute_url() + f"#pos-{self.position}"

    @property
    def ref(self) -> str:
        return str(self.position)

    @property
    def amounts(self):
        from .rules import line_amounts

        return line_amounts(self.quantity, self.unit_price_net, self.vat_rate)

    @property
    def approved_amount(self):
        """Nothing of an amended line is approved until the Land decides the change."""
        return None

    def clean(self):
        CostLine.clean(self)


class CostPlanVersion(BoardOwnedModel):
    """A version of an approved cost plan (Fassung des Kosten- und Zeitplans), kept when a
    change request replaces it: the lines as they were, with their approved amounts."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="plan_versions", editable=False
    )
    number = models.PositiveIntegerField(_("version"), editable=False)
    change_request = models.ForeignKey(
        ChangeRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("Änderungsantrag"),
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    #: the lines of this version as plain data (position, school, amounts, approved amount)
    lines = models.JSONField(_("lines"), default=list, editable=False)
    eligible_amount = models.DecimalField(
        _("approved eligible costs"), **MONEY, default=Decimal("0"), editable=False
    )
    approved_amount = models.DecimalField(
        _("approved funding"), **MONEY, default=Decimal("0"), editable=False
    )
    history = HistoricalRecords()

    objects = BoardScopedManager()

    class Meta:
        ordering = ["application", "number", "id"]
        verbose_name = _("version of the cost plan")
        verbose_name_plural = _("versions of the cost plan")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="plan_version_unique_per_application"
            ),
            *not_negative("plan_version", "eligible_amount", "approved_amount"),
        ]

    def __str__(self) -> str:
        return _("%(application)s – version %(number)s") % {
            "application": self.application.number,
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return self.application.get_absolute_url() + "#fassungen"


class PayoutRequest(BoardOwnedModel):
    """A payout request (Auszahlungsantrag / Mittelabruf) with its invoices."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="payouts", editable=False
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PayoutStatus.choices,
        default=PayoutStatus.DRAFT,
        editable=False,
    )
    invoiced_amount = models.DecimalField(
        _("invoiced eligible amount"),
        **MONEY,
        default=Decimal("0"),
        editable=False,
        validators=NOT_NEGATIVE,
    )
    requested_amount = models.DecimalField(
        _("requested amount"),
        **MONEY,
        default=Decimal("0"),
        editable=False,
        validators=NOT_NEGATIVE,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(qs.PayoutQuerySet))

    class Meta:
        ordering = ["application", "number", "id"]
        verbose_name = _("Auszahlungsantrag")
        verbose_name_plural = _("Auszahlungsanträge")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="payout_number_unique"),
            *not_negative("payout", "invoiced_amount", "requested_amount"),
        ]

    def __str__(self) -> str:
        return f"Mittelabruf {self.number} – {self.application.number}"

    def get_absolute_url(self) -> str:
        return reverse("funding:payout-detail", args=[self.pk])


class Invoice(BoardOwnedModel):
    """An invoice (Rechnung) assigned to a cost line; the basis of payouts and the proof."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="invoices", editable=False
    )
    cost_line = models.ForeignKey(
        CostLine, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("position")
    )
    payout = models.ForeignKey(
        PayoutRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
        editable=False,
    )
    number = models.CharField(_("invoice number"), max_length=100)
    date = models.DateField(_("invoice date"))
    supplier = models.CharField(_("supplier"), max_length=200)
    amount = models.DecimalField(
        _("amount (gross)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("payment date"), null=True, blank=True)
    #: why the line's invoices exceed its approved amount beyond the plan tolerance
    justification = models.TextField(_("justification of the excess"), blank=True)
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(qs.InvoiceQuerySet))
    school_path = "cost_line__school"

    class Meta:
        ordering = ["date", "number", "id"]
        verbose_name = _("Invoice")
        verbose_name_plural = _("Invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "supplier", "number"], name="invoice_unique_per_supplier"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("funding:invoice-list", args=[self.application_id])


class ProofOfUse(BoardOwnedModel):
    """The proof of use (Verwendungsnachweis): report, financial statement, inventory list."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="proof", editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProofStatus.choices,
        default=ProofStatus.DRAFT,
        editable=False,
    )
    summary = models.TextField(_("summary"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)
    repayment_amount = models.DecimalField(
        _("repayment"), **MONEY, null=True, blank=True, editable=False, validators=NOT_NEGATIVE
    )
    check_note = models.TextField(_("result of the check"), blank=True, editable=False)
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(qs.ProofQuerySet))

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        ordering = ["-created_at", "-id"]
        constraints = [
            *not_negative("proof", "repayment_amount"),
        ]

    def __str__(self) -> str:
        return f"Verwendungsnachweis {self.application.number}"

    def get_absolute_url(self) -> str:
        return reverse("funding:proof-detail", args=[self.pk])


class CatalogueExclusion(BaseModel):
    """A Warenkorb item that is not eligible in one programme (nicht förderfähiger Artikel),
    e.g. a phone in a framework contract that also serves administrations."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="catalogue_exclusions",
        verbose_name=_("Förderprogramm"),
    )
    item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.CASCADE,
        related_name="exclusions",
        verbose_name=_("Warenkorb item"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "item", "id"]
        verbose_name = _("Warenkorb item not eligible")
        verbose_name_plural = _("Warenkorb items not eligible")
        constraints = [
            models.UniqueConstraint(fields=["programme", "item"], name="catalogue_exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} – {self.programme}"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()


class FindingOverride(BoardOwnedModel):
    """A reviewer's override of a rule finding with its reason (Übersteuerung einer
    Feststellung): the finding stays visible but no longer blocks."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="overrides", editable=False
    )
    code = models.CharField(_("rule"), max_length=40)
    line_ref = models.CharField(_("position"), max_length=30, blank=True)
    #: the line's description when overridden: a changed line is checked afresh
    line_text = models.CharField(_("line as overridden"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    objects = BoardScopedManager()

    class Meta:
        ordering = ["application", "created_at", "id"]
        verbose_name = _("Overridden finding")
        verbose_name_plural = _("Overridden findings")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code", "line_ref"], name="finding_override_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.line_ref}".strip()

    def get_absolute_url(self) -> str:
        return self.application.get_absolute_url() + "#feststellungen"

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Please give the reason for the override.")})
