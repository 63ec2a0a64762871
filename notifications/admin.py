"""Admin: the operator sees every notification's e-mail state and last error."""

from django.contrib import admin

from .models import Notification, Preference, UserProfile


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "recipient",
        "kind",
        "created_at",
        "read_at",
        "mail_state",
        "mail_attempts",
        "mail_next_try",
    )
    list_filter = ("mail_state", "kind")
    search_fields = ("recipient__username", "recipient__email", "mail_error")
    readonly_fields = [f.name for f in Notification._meta.fields]
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False


admin.site.register(Preference)
admin.site.register(UserProfile)
