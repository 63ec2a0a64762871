"""Base models every app builds on: timestamps, optimistic version, board ownership."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled
from django_scopes.manager import DisabledQuerySet


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

    class Meta:
        ordering = ["-created_at"]
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
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"
