"""Deterministic demo data: the registry, then every app that has a `demo.seed()`."""

import importlib
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

DEMO_APPS = ["schools", "mediaplans", "devices", "funding", "imports"]


class Command(BaseCommand):
    help = "Load deterministic demo data (idempotent: refuses to run twice unless --reset)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete all data first (flush) and seed again."
        )

    def handle(self, *args, reset=False, **options):
        from django.core.management import call_command

        from schools.models import Land

        with scopes_disabled():
            if reset:
                call_command("flush", interactive=False, verbosity=0)
            elif Land.objects.exists():
                self.stdout.write("Demo data already present (use --reset to rebuild).")
                self._print_logins()
                return
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name not in (app, f"{app}.demo"):
                        raise
                    continue
                self.stdout.write(f"Seeding {app} …")
                with transaction.atomic():
                    module.seed(stdout=self.stdout, rng=random.Random(f"paktwerk-{app}"))  # noqa: S311
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    def _print_logins(self):
        from schools.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {description}")
