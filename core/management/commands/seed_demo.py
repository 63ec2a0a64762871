"""Deterministic demo data: every installed app of the project that has a `demo.seed()`.

The apps are seeded in INSTALLED_APPS order, which is the order of the layers (see
docs/developing.md): each app's demo may use the data of the apps below it. A demo module
may also define `is_seeded()` (is the demo already there?) and `DEMO_USERS` /
`DEMO_PASSWORD` (printed as the demo logins). core knows no domain app by name.
"""

import importlib
import random
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled


def demo_modules() -> list[tuple[str, object]]:
    """(app label, demo module) of the project's own apps, in INSTALLED_APPS order."""
    found = []
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if base not in Path(config.path).resolve().parents:
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name not in (config.name, f"{config.name}.demo"):
                raise
            continue
        found.append((config.label, module))
    return found


class Command(BaseCommand):
    help = "Load deterministic demo data (idempotent: refuses to run twice unless --reset)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete all data first (flush) and seed again."
        )

    def handle(self, *args, reset=False, **options):
        modules = demo_modules()
        with scopes_disabled():
            if reset:
                call_command("flush", interactive=False, verbosity=0)
            elif any(getattr(m, "is_seeded", lambda: False)() for _a, m in modules):
                self.stdout.write("Demo data already present (use --reset to rebuild).")
                self._print_logins(modules)
                return
            for app, module in modules:
                self.stdout.write(f"Seeding {app} …")
                with transaction.atomic():
                    module.seed(stdout=self.stdout, rng=random.Random(f"paktwerk-{app}"))  # noqa: S311
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins(modules)

    def _print_logins(self, modules):
        for _app, module in modules:
            users = getattr(module, "DEMO_USERS", None)
            if not users:
                continue
            self.stdout.write(f"\nDemo logins (password for all: {module.DEMO_PASSWORD}):")
            for username, description in users:
                self.stdout.write(f"  {username:<18} {description}")
