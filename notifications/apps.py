from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from core.dashboard import register_todo_provider
        from core.workflow import on_transition

        from .hooks import on_status_change
        from .todo import todo_for

        on_transition(on_status_change)
        register_todo_provider(todo_for)
