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
        from django.db.models.signals import post_migrate

        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(*, using: str = "default", verbosity: int = 1, **_kwargs) -> None:
    """`migrate` also creates the database cache table when CACHE_URL is a dbcache://
    (idempotent; nothing to do for other caches), so no extra deployment step is needed."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
