"""Medienbildungskonzepte: a school's concept, its versions, goals, training and needs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, BoardOwnedModel, BoardScopedManager
from core.money import round_money

from .choices import (
    FROZEN_STATUSES,
    AdoptionBody,
    ConceptForm,
    ConceptStatus,
    FundingCategory,
    Priority,
    TargetGroup,
    TrainingStatus,
)
from .querysets import (
    CommentQuerySet,
    ConceptQuerySet,
    GoalQuerySet,
    NeedQuerySet,
    TrainingQuerySet,
    VersionQuerySet,
)

TEXT_LIMIT = 20000
year_validators = [MinValueValidator(1), MaxValueValidator(13)]


def _check_years(errors: dict, year_from, year_to) -> None:
    if year_from and year_to and year_from > year_to:
        errors["year_to"] = _("The last year group must not be before the first.")


class CompetenceArea(BaseModel):
    """A KMK competence area (Kompetenzbereich, „Bildung in der digitalen Welt“, 2016)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("Kompetenzbereich")
        verbose_name_plural = _("Kompetenzbereiche")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class MediaConcept(BoardOwnedModel):
    """A school's media-education concept (Medienbildungskonzept); its content lives in versions."""

    school = models.OneToOneField(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="media_concept",
        verbose_name=_("School"),
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200, default="Medienbildungskonzept")
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(ConceptQuerySet))
    school_path = "school"

    class Meta:
        ordering = ["school__name", "id"]
        verbose_name = _("Medienbildungskonzept")
        verbose_name_plural = _("Medienbildungskonzepte")

    def __str__(self) -> str:
        return f"{self.title} – {self.school.name}"

    def get_absolute_url(self) -> str:
        return reverse("mediaplans:concept-detail", args=[self.pk])

    # The three helpers below read `versions.all()`, so a prefetch (for_list) serves them.
    def _sorted_versions(self) -> list[ConceptVersion]:
        return sorted(self.versions.all(), key=lambda v: -v.number)

    @property
    def adopted_version(self) -> ConceptVersion | None:
        return next((v for v in self._sorted_versions() if v.status == ConceptStatus.ADOPTED), None)

    @property
    def open_version(self) -> ConceptVersion | None:
        return next(
            (
                v
                for v in self._sorted_versions()
                if v.status in (ConceptStatus.DRAFT, ConceptStatus.CONSULTATION)
            ),
            None,
        )

    @property
    def latest_version(self) -> ConceptVersion | None:
        return next(iter(self._sorted_versions()), None)


class ConceptVersion(BoardOwnedModel):
    """One version (Fassung) of a concept: draft → in consultation → adopted → superseded."""

    concept = models.ForeignKey(
        MediaConcept,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("Medienbildungskonzept"),
        editable=False,
    )
    number = models.PositiveIntegerField(_("version number"), editable=False)
    form = models.CharField(
        _("form"), max_length=10, choices=ConceptForm.choices, default=ConceptForm.FULL
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConceptStatus.choices,
        default=ConceptStatus.DRAFT,
        editable=False,
    )
    #: section key -> plain text (paragraphs and "- " lists); see choices.SECTIONS
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    #: the short form's three development goals (Entwicklungsziele)
    development_goals = models.JSONField(_("Development goals"), default=list, blank=True)
    #: live inventory figures frozen at adoption (Ist-Zustand with its date stamp)
    current_state_snapshot = models.JSONField(
        _("Current state (as of)"), default=dict, blank=True, editable=False
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, editable=False)
    adopted_by_body = models.CharField(
        _("adopting body"), max_length=30, blank=True, choices=AdoptionBody.choices, editable=False
    )
    adoption_note = models.CharField(_("adoption note"), max_length=300, blank=True, editable=False)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("based on"),
    )
    #: the status log (core.StatusChange)
    transitions = GenericRelation("core.StatusChange", related_query_name="concept_version")
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(VersionQuerySet))
    school_path = "concept__school"

    class Meta:
        ordering = ["concept", "-number", "-id"]
        verbose_name = _("Concept version")
        verbose_name_plural = _("Concept versions")
        constraints = [
            models.UniqueConstraint(fields=["concept", "number"], name="mbk_version_number_unique"),
            models.UniqueConstraint(
                fields=["concept"],
                condition=Q(status=ConceptStatus.ADOPTED),
                name="mbk_one_adopted_version",
                violation_error_message=_("A concept has at most one adopted version."),
            ),
            models.UniqueConstraint(
                fields=["concept"],
                condition=Q(status__in=[ConceptStatus.DRAFT, ConceptStatus.CONSULTATION]),
                name="mbk_one_open_version",
                violation_error_message=_("A concept has at most one version in progress."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ConceptStatus.ADOPTED, ConceptStatus.SUPERSEDED])
                | (Q(adopted_on__isnull=False) & ~Q(adopted_by_body="")),
                name="mbk_adopted_has_date_and_body",
            ),
        ]

    def __str__(self) -> str:
        return _("%(school)s, version %(n)s") % {
            "school": self.concept.school.name,
            "n": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("mediaplans:version-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_short(self) -> bool:
        return self.form == ConceptForm.SHORT

    def section_text(self, key: str) -> str:
        return (self.sections or {}).get(key, "") or ""

    def clean(self):
        errors = {}
        if not isinstance(self.sections, dict):
            errors["sections"] = _("Sections must be a mapping of section to text.")
        else:
            from .choices import SECTION_KEYS

            unknown = set(self.sections) - set(SECTION_KEYS)
            if unknown:
                errors["sections"] = _("Unknown section: %s") % ", ".join(sorted(unknown))
            elif any(not isinstance(v, str) or len(v) > TEXT_LIMIT for v in self.sections.values()):
                errors["sections"] = _("Each section is plain text of at most %s characters.") % (
                    TEXT_LIMIT
                )
        goals = self.development_goals
        if not isinstance(goals, list) or any(not isinstance(g, str) for g in goals):
            errors["development_goals"] = _("Development goals are a list of texts.")
        elif len(goals) > 3:
            errors["development_goals"] = _("The short form has at most three development goals.")
        if errors:
            raise ValidationError(errors)


class ConceptComment(BoardOwnedModel):
    """A comment (Anmerkung) on a version, e.g. from the school board's staff."""

    version = models.ForeignKey(
        ConceptVersion, on_delete=models.CASCADE, related_name="comments", editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    section = models.CharField(_("section"), max_length=30, blank=True)
    text = models.TextField(_("comment"), validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(CommentQuerySet))
    school_path = "version__concept__school"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return self.version.get_absolute_url() + f"#comment-{self.pk}"

    def clean(self):
        from .choices import SECTION_KEYS

        if not (self.text or "").strip():
            raise ValidationError({"text": _("Please write a comment.")})
        if self.section and self.section not in SECTION_KEYS:
            raise ValidationError({"section": _("Unknown section.")})


class CompetenceGoal(BoardOwnedModel):
    """A competence goal (Kompetenzziel) of a version, mapped to one KMK area."""

    version = models.ForeignKey(
        ConceptVersion, on_delete=models.CASCADE, related_name="goals", editable=False
    )
    area = models.ForeignKey(
        CompetenceArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Kompetenzbereich"),
    )
    title = models.CharField(_("goal"), max_length=300)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    year_from = models.PositiveSmallIntegerField(_("from year group"), validators=year_validators)
    year_to = models.PositiveSmallIntegerField(_("to year group"), validators=year_validators)
    measure = models.TextField(_("measure"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(GoalQuerySet))
    school_path = "version__concept__school"

    class Meta:
        ordering = ["area__number", "year_from", "pk"]
        verbose_name = _("Competence goal")
        verbose_name_plural = _("Competence goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__lte=models.F("year_to")), name="mbk_goal_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mediaplans:goal-update", args=[self.pk])

    @property
    def year_label(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"

    def clean(self):
        errors: dict = {}
        _check_years(errors, self.year_from, self.year_to)
        if errors:
            raise ValidationError(errors)


class TrainingEntry(BoardOwnedModel):
    """A planned teacher training (Fortbildung) of a version's training plan."""

    version = models.ForeignKey(
        ConceptVersion, on_delete=models.CASCADE, related_name="training_entries", editable=False
    )
    topic = models.CharField(_("topic"), max_length=300)
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.ALL_STAFF
    )
    teachers = models.PositiveIntegerField(
        _("number of teachers"), validators=[MinValueValidator(1)]
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.PLANNED
    )
    areas = models.ManyToManyField(
        CompetenceArea, blank=True, related_name="+", verbose_name=_("Kompetenzbereiche")
    )
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(TrainingQuerySet))
    school_path = "version__concept__school"

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("Training")
        verbose_name_plural = _("Training plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="mbk_training_period_ordered",
            ),
            models.CheckConstraint(condition=Q(teachers__gte=1), name="mbk_training_teachers"),
        ]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("mediaplans:training-update", args=[self.pk])

    def clean(self):
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("The end must not be before the start.")})


class EquipmentNeed(BoardOwnedModel):
    """A required piece of equipment (Bedarf, „Benötigte Ausstattung“), pedagogically justified."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="equipment_needs",
        editable=False,
        verbose_name=_("School"),
    )
    version = models.ForeignKey(
        ConceptVersion,
        on_delete=models.CASCADE,
        related_name="needs",
        editable=False,
        verbose_name=_("Concept version"),
    )
    category = models.CharField(_("category"), max_length=20, choices=FundingCategory.choices)
    description = models.CharField(_("item"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_estimate = models.DecimalField(
        _("estimated unit price (gross)"), max_digits=12, decimal_places=2
    )
    justification = models.TextField(
        _("pedagogical justification"), validators=[MaxLengthValidator(4000)]
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    rooms = models.ManyToManyField(
        "schools.Room", blank=True, related_name="+", verbose_name=_("rooms")
    )
    year_from = models.PositiveSmallIntegerField(
        _("from year group"), null=True, blank=True, validators=year_validators
    )
    year_to = models.PositiveSmallIntegerField(
        _("to year group"), null=True, blank=True, validators=year_validators
    )
    goals = models.ManyToManyField(
        CompetenceGoal, blank=True, related_name="needs", verbose_name=_("goals served")
    )
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(NeedQuerySet))
    school_path = "school"

    class Meta:
        ordering = ["priority", "category", "pk"]
        verbose_name = _("Equipment need")
        verbose_name_plural = _("Equipment needed")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="mbk_need_quantity_positive",
                violation_error_message=_("The quantity must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price_estimate__gte=0),
                name="mbk_need_price_not_negative",
                violation_error_message=_("The price must not be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("mediaplans:need-update", args=[self.pk])

    @property
    def total_estimate(self) -> Decimal:
        return round_money(Decimal(self.quantity or 0) * (self.unit_price_estimate or 0))

    @property
    def year_label(self) -> str:
        if not self.year_from:
            return ""
        if not self.year_to or self.year_to == self.year_from:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"

    def clean(self):
        errors: dict = {}
        if self.quantity is not None and self.quantity < 1:
            errors["quantity"] = _("The quantity must be at least 1.")
        if self.unit_price_estimate is not None and self.unit_price_estimate < 0:
            errors["unit_price_estimate"] = _("The price must not be negative.")
        if self.justification is not None and not self.justification.strip():
            errors["justification"] = _(
                "Say why the school needs this (technology follows pedagogy)."
            )
        if self.year_to and not self.year_from:
            errors["year_from"] = _("Give the first year group as well.")
        _check_years(errors, self.year_from, self.year_to)
        if self.category in ("regional",):
            errors["category"] = _("Regional/state-wide measures are not a school's need.")
        if errors:
            raise ValidationError(errors)
