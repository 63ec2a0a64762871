"""Deterministic demo data: the registry, then every app that has a `demo.seed()`."""

import importlib
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

DEMO_APPS = ["schools", "mediaplans", "devices", "funding", "imports"]
#: the demo's known TOTP secret (hex) for users who must use 2FA. Demo only: never in production.
DEMO_TOTP_KEY = "5061_6b74_7765_726b_2d44_656d_6f2d_5365_6372_6574".replace("_", "")


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
            self._seed_second_factors()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    def _seed_second_factors(self):
        """Reviewers and the platform admin need 2FA: give them the known demo secret."""
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from core.twofactor import otp_required_for

        for user in get_user_model().objects.all():
            if otp_required_for(user):
                TOTPDevice.objects.get_or_create(
                    user=user, name="Demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
                )

    def _print_logins(self):
        from base64 import b32encode

        from schools.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {description}")
        secret = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "\nReviewers (pruefer, pruefer2, ministerium) and admin need a second factor:\n"
            f"  add the TOTP secret {secret} to an authenticator app, or print the\n"
            "  current code with: .venv/bin/python manage.py demo_totp_code"
        )
