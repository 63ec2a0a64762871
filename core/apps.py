from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers system checks)

        # every app's workflow.py registers its status tables with core.workflow
        autodiscover_modules("workflow")
        from .tokens import connect_signals

        connect_signals()
