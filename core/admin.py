from django.contrib import admin

from .models import StatusChange


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
