"""Import audit (Importprotokoll), remembered column mappings and MDM reconciliations."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BoardOwnedModel, BoardScopedManager


class ImportKind(models.TextChoices):
    DEVICES = "devices", _("Devices")
    SCHOOLS = "schools", _("Schools")
    ROOMS = "rooms", _("Rooms")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded, mapping open")
    ANALYSING = "analysing", _("preview running")
    PREVIEWED = "previewed", _("preview ready")
    INVALID = "invalid", _("preview has errors")
    COMMITTING = "committing", _("import running")
    COMMITTED = "committed", _("imported")
    FAILED = "failed", _("refused, nothing imported")


class ImportRunQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("created_by", "school_board").defer("report")

    def for_detail(self):
        return self.select_related("created_by", "committed_by", "school_board")


class ImportRun(BoardOwnedModel):
    """One import of a spreadsheet (Importvorgang): file, mapping, preview, totals, outcome."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("imported by"),
    )
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_changed = models.PositiveIntegerField(_("changed"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_error = models.PositiveIntegerField(_("errors"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["report"])

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(ImportRunQuerySet))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Import run")
        verbose_name_plural = _("Import runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:run-detail", args=[self.pk])

    @property
    def change_reason(self) -> str:
        """What every history row written by this import carries."""
        return f"Import {self.file_name} (SHA-256 {self.file_sha256})"[:100]

    @property
    def is_open(self) -> bool:
        return self.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.INVALID)


class ColumnMapping(BoardOwnedModel):
    """A remembered column mapping (Spaltenzuordnung) for one board, kind and file layout."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    source_key = models.CharField(_("layout key"), max_length=64)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    history = HistoricalRecords()

    objects = BoardScopedManager()

    class Meta:
        verbose_name = _("Column mapping")
        verbose_name_plural = _("Column mappings")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_board", "kind", "source_key"],
                name="column_mapping_unique_per_layout",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({len(self.headers)})"

    def get_absolute_url(self) -> str:
        return reverse("imports:run-list")


class MdmSource(models.TextChoices):
    JAMF = "jamf", _("Jamf School")
    INTUNE = "intune", _("Microsoft Intune")
    GENERIC = "generic", _("other MDM (CSV)")


class MdmReconciliationQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("created_by").defer("findings")

    def for_detail(self):
        return self.select_related("created_by", "school_board")

    for_document = for_detail


class MdmReconciliation(BoardOwnedModel):
    """An MDM reconciliation (MDM-Abgleich): an MDM device export compared with the inventory."""

    source = models.CharField(_("MDM"), max_length=20, choices=MdmSource.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    stale_days = models.PositiveIntegerField(_("not seen for more than (days)"), default=30)
    reference_date = models.DateField(_("reference date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    mdm_count = models.PositiveIntegerField(_("devices in the MDM"), default=0)
    inventory_count = models.PositiveIntegerField(_("devices in the inventory"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["findings"])

    objects = BoardScopedManager(
        _manager_class=models.Manager.from_queryset(MdmReconciliationQuerySet)
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("MDM reconciliation")
        verbose_name_plural = _("MDM reconciliations")

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:mdm-detail", args=[self.pk])
