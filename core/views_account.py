"""The user's account: two-factor setup and verification, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import twofactor
from core.models import ApiToken
from core.tokens import token_issue, token_revoke


def _safe_next(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
def account(request):
    user = request.user
    return render(
        request,
        "account/account.html",
        {
            "page_title": _("My account"),
            "has_device": twofactor.has_device(user),
            "required": twofactor.otp_required_for(user),
            "tokens": ApiToken.objects.filter(user=user),
        },
    )


@never_cache
def two_factor_setup(request):
    """Show a QR code for a new TOTP device; a first valid code confirms it."""
    user = request.user
    device = twofactor.totp_pending(user)
    error = ""
    if request.method == "POST":
        codes = twofactor.totp_confirm(user=user, device=device, code=request.POST.get("code", ""))
        if codes is not None:
            twofactor.mark_verified(request, device)
            return render(
                request,
                "account/backup_codes.html",
                {"page_title": _("Backup codes"), "codes": codes, "next": _safe_next(request)},
            )
        error = _("The code is not valid. Enter the current 6-digit code of your app.")
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "page_title": _("Set up two-factor authentication"),
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.totp_secret(device),
            "required": twofactor.otp_required_for(user),
            "error": error,
            "next": _safe_next(request, ""),
        },
        status=400 if error else 200,
    )


@never_cache
def two_factor_verify(request):
    """The second step after the password: a TOTP code or one backup code."""
    user = request.user
    if not twofactor.has_device(user):
        return redirect("two-factor-setup")
    error = ""
    if request.method == "POST":
        device = twofactor.verify_code(user, request.POST.get("code", ""))
        if device is not None:
            twofactor.mark_verified(request, device)
            return redirect(_safe_next(request))
        error = _("The code is not valid.")
    return render(
        request,
        "account/two_factor_verify.html",
        {
            "page_title": _("Two-factor authentication"),
            "error": error,
            "next": _safe_next(request, ""),
        },
        status=400 if error else 200,
    )


@require_POST
def backup_codes_new(request):
    codes = twofactor.backup_codes_renew(user=request.user)
    return render(
        request,
        "account/backup_codes.html",
        {"page_title": _("Backup codes"), "codes": codes, "next": ""},
    )


@require_POST
def token_create(request):
    name = request.POST.get("name", "").strip()[:100]
    token, key = token_issue(user=request.user, name=name or _("Account page"))
    return render(
        request,
        "account/token_created.html",
        {"page_title": _("New API token"), "token": token, "key": key},
    )


@require_POST
def token_delete(request, pk: int):
    if token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("The API token was revoked."))
    else:
        messages.error(request, _("No such API token."))
    return redirect("account")


urlpatterns = [
    path("", login_required(account), name="account"),
    path("zwei-faktor/einrichten/", login_required(two_factor_setup), name="two-factor-setup"),
    path("zwei-faktor/pruefen/", login_required(two_factor_verify), name="two-factor-verify"),
    path("zwei-faktor/ersatzcodes/", login_required(backup_codes_new), name="backup-codes-new"),
    path("api-schluessel/neu/", login_required(token_create), name="api-token-create"),
    path(
        "api-schluessel/<int:pk>/widerrufen/", login_required(token_delete), name="api-token-delete"
    ),
]
