from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Joint procurement")

    def ready(self):
        from . import workflow  # noqa: F401  (registers the call-off status table)
