"""Admin views for the operator: jobs, scheduled runs, worker heartbeats (read-only)."""

from django.contrib import admin

from core.models import Job, ScheduledRun, WorkerHeartbeat


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
