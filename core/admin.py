"""Admin views for the operator: jobs, scheduled runs, worker heartbeats (read-only)."""

from django.contrib import admin

from core.models import Job, ScheduledRun, StatusChange, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "started_at", "duration_ms", "outcome", "message", "host")
    list_filter = ("name", "outcome")
    date_hierarchy = "started_at"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "seen_at")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "status", "owner", "attempts", "worker_id", "created_at")
    list_filter = ("status", "kind")
    exclude = ("params", "result")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The one status log: read only (entries are written by core.workflow)."""

    list_display = ["created_at", "content_type", "object_id", "field", "from_status", "to_status"]
    list_filter = ["content_type", "field"]
    raw_id_fields = ["actor", "school_board", "school"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
