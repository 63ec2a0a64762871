"""Test helper: a logged-in session that has passed the second factor (django-otp)."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.twofactor import otp_required_for


def verified_device_id(user) -> str | None:
    """For users who need 2FA: a confirmed TOTP device's id to put into their session."""
    if user is None or not otp_required_for(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device.persistent_id


def verify_client(client, user) -> None:
    """After client.force_login(user): mark the session as verified with a second factor."""
    device_id = verified_device_id(user)
    if device_id:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_id
        session.save()
