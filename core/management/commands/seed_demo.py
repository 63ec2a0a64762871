"""Deterministic demo data: every installed app of the project that has a `demo.seed()`.

The apps are seeded in INSTALLED_APPS order, which is the order of the layers (see
docs/developing.md): each app's demo may use the data of the apps below it. A demo module
may also define `is_seeded()` (is the demo already there?) and `DEMO_USERS` /
`DEMO_PASSWORD` (printed as the demo logins). core knows no domain app by name.
"""

import importlib
import random
from base64 import b32encode
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from core.management.base import LocalizedCommand


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


#: the demo's known TOTP secret (hex) for users who must use 2FA. Demo only: never in production.
DEMO_TOTP_KEY = "5061_6b74_7765_726b_2d44_656d_6f2d_5365_6372_6574".replace("_", "")


class Command(LocalizedCommand):
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
                self.stdout.write(_("Demo data already present (use --reset to rebuild)."))
                self._print_logins(modules)
                return
            for app, module in modules:
                self.stdout.write(_("Seeding %(app)s …") % {"app": app})
                with transaction.atomic():
                    module.seed(stdout=self.stdout, rng=random.Random(f"paktwerk-{app}"))  # noqa: S311
            self._seed_second_factors()
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self._print_logins(modules)

    def _print_logins(self, modules):
        for _app, module in modules:
            users = getattr(module, "DEMO_USERS", None)
            if not users:
                continue
            self.stdout.write(
                "\n"
                + _("Demo logins (password for all: %(password)s):")
                % {"password": module.DEMO_PASSWORD}
            )
            for username, description in users:
                self.stdout.write(f"  {username:<18} {description}")
        secret = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "\n"
            + _(
                "Reviewers (pruefer, pruefer2, ministerium) and admin need a second factor:\n"
                "  add the TOTP secret %(secret)s to an authenticator app, or print the\n"
                "  current code with: %(command)s"
            )
            % {"secret": secret, "command": ".venv/bin/python manage.py demo_totp_code"}
        )

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
