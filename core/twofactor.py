"""Two-factor authentication (TOTP via django-otp, backup codes as a static device).

Required for platform administrators (is_staff/is_superuser: Django admin) and for
reviewers of a Land (every review authority, the ministry included); optional for
everyone else. Whoever has a confirmed device must use it after the password login.
The API's token endpoint asks such users for a current code as well.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.tenancy import access_for

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"
#: paths an authenticated but not yet verified user may reach (prefixes)
EXEMPT_PREFIXES = ("/static/", "/konto/zwei-faktor/", "/abmelden/", "/sprache/", "/healthz/")


def otp_required_for(user) -> bool:
    """Platform administrators and reviewers must use a second factor."""
    if user is None or not user.is_authenticated:
        return False
    if not settings.TWO_FACTOR_ENFORCED:
        return False
    return bool(user.is_staff or user.is_superuser or access_for(user).is_reviewer)


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def verify_code(user, code: str):
    """The user's confirmed device that accepts `code` (TOTP or a backup code), or None."""
    code = (code or "").strip().replace(" ", "")
    if not code or len(code) > 20:
        return None
    return match_token(user, code)


def totp_pending(user) -> TOTPDevice:
    """The unconfirmed TOTP device being set up (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (segno; nothing leaves the server)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP")


def totp_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a pending device with a first code; returns fresh backup codes, or None."""
    if device.user_id != user.pk or not device.verify_token((code or "").strip()):
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return backup_codes_renew(user=user)


def backup_codes_renew(*, user) -> list[str]:
    """Replace the user's backup codes (each works once); returns them to show once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def mark_verified(request, device) -> None:
    otp_login(request, device)


class TwoFactorMiddleware:
    """After the password login: verify a second factor (or set one up if required).

    Runs after django-otp's OTPMiddleware. API requests with a session get a JSON
    403 instead of a redirect; token requests are checked at the token endpoint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            target = self._target(user)
            if target:
                return self._refuse(request, target)
        return self.get_response(request)

    @staticmethod
    def _target(user) -> str | None:
        if has_device(user):
            return "two-factor-verify"
        if otp_required_for(user):
            return "two-factor-setup"
        return None

    @staticmethod
    def _refuse(request, target: str):
        if request.path.startswith("/api/"):
            from core.api_errors import problem

            body = problem(403, "Two-factor verification required.", code="otp_required")
            return JsonResponse(body, status=403)
        url = reverse(target)
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
