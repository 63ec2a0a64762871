"""Base models every app builds on: timestamps, optimistic version, board ownership."""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled
from django_scopes.manager import DisabledQuerySet

#: the longest reason a status change keeps (history's own column keeps 100 characters)
STATUS_REASON_MAX = 2000


class BaseModel(models.Model):
    """Common columns: created/updated timestamps and an edit version for conflict checks."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        # Uniqueness is a fact of the whole table, not of the caller's scope.
        with scopes_disabled():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with scopes_disabled():
            super().validate_constraints(exclude=exclude)


class LazyDisabledQuerySet(DisabledQuerySet):
    """A queryset outside any scope: building it is allowed, evaluating it raises.

    django-scopes refuses even `.all()`; Django calls `.all()` when it builds
    model-form fields at import time. Evaluation (iteration, count, get, ...)
    still raises ScopeError, so the manager stays fail-closed.
    """

    def all(self):
        return self._clone()


def BoardScopedManager(path: str = "school_board", **kwargs):  # noqa: N802 (factory)
    """Fail-closed manager: evaluating a query without an active `board` scope raises."""
    scoped_class = type(ScopedManager(board=path, **kwargs))

    class Manager(scoped_class):
        def get_queryset(self):
            qs = super().get_queryset()
            if type(qs) is DisabledQuerySet:
                qs.__class__ = LazyDisabledQuerySet
            return qs

    return Manager()


class BoardOwnedModel(BaseModel):
    """A row owned by one school board (Schulträger); invisible outside that board's scope."""

    school_board = models.ForeignKey(
        "schools.SchoolBoard",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
        related_query_name="%(app_label)s_%(class)s",
        verbose_name=_("Schulträger"),
        editable=False,
    )

    objects = BoardScopedManager()

    #: lookup from this model to its School, for users who only see one school;
    #: None means the row belongs to the board as a whole.
    school_path: ClassVar[str | None] = None

    class Meta:
        abstract = True


class Job(models.Model):
    """A background job (Hintergrundauftrag) with progress, e.g. an import or a big PDF."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("finished")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    school_board = models.ForeignKey(
        "schools.SchoolBoard", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which task worker runs the job (its WorkerHeartbeat tells whether it is alive)
    # and how often it was started; a job of a dead worker is retried by the scheduler.
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.title or self.kind} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


def not_negative(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """Database constraints for counts and amounts that cannot be below zero (NULL passes)."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
            name=f"{prefix}_{name}_not_negative",
        )
        for name in fields
    ]


class StatusChange(models.Model):
    """One recorded status change (Statuswechsel) of any row: who, when, from, to, why.

    The single log of `core.workflow`: every status field of every app writes here
    (and funding also records steps without a status change, from == to).
    """

    # The log is append-only audit data, like simple-history's tables: its references
    # other than the board carry no database constraint, so a bulk import does not pay
    # three deferred foreign-key checks per logged row at commit (docs/decisions.md).
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    object_id = models.PositiveBigIntegerField(db_index=True)
    content_object = GenericForeignKey("content_type", "object_id")
    school_board = models.ForeignKey(
        "schools.SchoolBoard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Schulträger"),
        editable=False,
    )
    #: the row's school (for school staff, who see only their school's rows)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_constraint=False,
    )
    field = models.CharField(_("field"), max_length=40, default="status")
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    reason = models.TextField(
        _("reason"), blank=True, validators=[MaxLengthValidator(STATUS_REASON_MAX)]
    )
    data = models.JSONField(default=dict, blank=True)

    objects = BoardScopedManager()
    school_path: ClassVar[str | None] = "school"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "field"])]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_label or '–'} → {self.to_label}"

    def get_absolute_url(self) -> str:
        obj = self.content_object
        return obj.get_absolute_url() if obj is not None else ""

    # --- presentation (labels come from the row's workflow table) -------------------
    def _workflow(self):
        from core.workflow import workflow_for_content_type

        return workflow_for_content_type(self.content_type_id, self.field)

    def _label(self, value: str) -> str:
        if not value:
            return ""
        wf = self._workflow()
        return wf.label(value) if wf is not None else value

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)

    def get_from_status_display(self) -> str:
        return self.from_label

    def get_to_status_display(self) -> str:
        return self.to_label

    @property
    def action_label(self) -> str:
        wf = self._workflow()
        return wf.action_label(self.action) if wf is not None else self.action

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return "System"
        return self.actor.get_full_name() or self.actor.get_username()

    @property
    def flagged(self) -> bool:
        """A device retired before the end of its Zweckbindung."""
        return bool((self.data or {}).get("flagged"))

    @property
    def changed_at(self):
        return self.created_at

    @property
    def note(self) -> str:
        return self.reason

    @property
    def snapshot(self) -> dict:
        return (self.data or {}).get("snapshot", {})


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life (Lebenszeichen), written by `manage.py worker`."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=200, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduledRun(models.Model):
    """One run of a scheduled job (geplanter Lauf): when, how long, outcome, message."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        OK = "ok", _("succeeded")
        FAILED = "failed", _("failed")

    name = models.CharField(_("job"), max_length=100, db_index=True)
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.RUNNING
    )
    message = models.TextField(_("message"), blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="core_schedrun_name_started")]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class ApiToken(models.Model):
    """An API token (API-Schlüssel) of one user: expires, dies with a password change.

    Only a SHA-256 digest of the key is stored; the key is shown once at creation.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=8)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"
