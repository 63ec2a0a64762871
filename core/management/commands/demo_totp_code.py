"""Print the current one-time code of the demo's known TOTP secret (demo data only)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.management.base import LocalizedCommand
from core.management.commands.seed_demo import DEMO_TOTP_KEY


class Command(LocalizedCommand):
    help = "Print the current 6-digit code for the demo users' second factor (seed_demo)."

    def handle(self, *args, **options):
        if not TOTPDevice.objects.filter(key=DEMO_TOTP_KEY).exists():
            raise CommandError(_("No device uses the demo secret (run seed_demo first)."))
        totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
        self.stdout.write(f"{totp.token():06d}")
