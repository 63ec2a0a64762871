"""Two-factor authentication: required for platform admins and reviewers, optional otherwise."""

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from core.twofactor import totp_secret
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"


def password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def current_code(device: TOTPDevice) -> str:
    return pyotp.TOTP(totp_secret(device)).now()


@pytest.fixture
def staff(db):
    return UserFactory(username="plattform", is_staff=True)


@pytest.mark.parametrize("actor", ["reviewer"])
def test_reviewer_must_set_up_2fa_before_anything_else(world, actor):
    client = password_login(world.user(actor))
    response = client.get("/schulen/")
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor-setup"))
    assert client.get(reverse("two-factor-setup")).status_code == 200


def test_staff_needs_2fa_for_the_admin(staff):
    client = password_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and reverse("two-factor-setup") in response.url


def test_optional_for_board_users_without_a_device(world):
    client = password_login(world.user("board_admin"))
    assert client.get("/schulen/").status_code == 200


def test_setup_with_real_totp_code_then_backup_codes(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp delays a retry after a wrong code
    user = world.user("reviewer")
    client = password_login(user)
    page = client.get(reverse("two-factor-setup"))
    assert "<svg" in page.content.decode()  # QR code inline, nothing external
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    done = client.post(reverse("two-factor-setup"), {"code": current_code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/schulen/").status_code == 200


def _with_device(user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device


def test_wrong_code_delays_the_next_attempt(world):
    user = world.user("reviewer")
    device = _with_device(user)
    client = password_login(user)
    assert client.post(reverse("two-factor-verify"), {"code": "123456"}).status_code == 400
    # even the right code is refused at once after a wrong one (django-otp throttling)
    right = client.post(reverse("two-factor-verify"), {"code": current_code(device)})
    assert right.status_code == 400


def test_verify_step_after_password_login(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = world.user("reviewer")
    device = _with_device(user)
    client = password_login(user)
    response = client.get("/schulen/")
    assert response.status_code == 302 and reverse("two-factor-verify") in response.url
    bad = client.post(reverse("two-factor-verify"), {"code": "123456", "next": "/schulen/"})
    assert bad.status_code == 400
    assert client.get("/schulen/").status_code == 302
    ok = client.post(
        reverse("two-factor-verify"), {"code": current_code(device), "next": "/schulen/"}
    )
    assert ok.status_code == 302 and ok.url == "/schulen/"
    assert client.get("/schulen/").status_code == 200


def test_verify_refuses_foreign_next(world):
    user = world.user("reviewer")
    device = _with_device(user)
    client = password_login(user)
    ok = client.post(
        reverse("two-factor-verify"),
        {"code": current_code(device), "next": "https://evil.example/"},
    )
    assert ok.status_code == 302 and ok.url == reverse("home")


def test_backup_code_works_once(world):
    from core.twofactor import backup_codes_renew

    user = world.user("reviewer")
    _with_device(user)
    codes = backup_codes_renew(user=user)
    client = password_login(user)
    assert client.post(reverse("two-factor-verify"), {"code": codes[0]}).status_code == 302
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    again = password_login(user)
    assert again.post(reverse("two-factor-verify"), {"code": codes[0]}).status_code == 400


def test_optional_user_with_device_is_asked_for_the_code(world):
    user = world.user("board_admin")
    _with_device(user)
    client = password_login(user)
    assert client.get("/schulen/").status_code == 302


def test_api_session_without_second_factor_is_json_403(world):
    client = password_login(world.user("reviewer"))
    response = client.get(reverse("school-list"))
    assert response.status_code == 403 and response.json()["code"] == "otp_required"


def test_token_endpoint_requires_a_code_from_2fa_users(world):
    user = world.user("reviewer")
    device = _with_device(user)
    url = reverse("api-token")
    client = APIClient()
    response = client.post(url, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 400 and "otp" in response.json()["errors"]
    response = client.post(
        url,
        {"username": user.username, "password": PASSWORD, "otp": current_code(device)},
        format="json",
    )
    assert response.status_code == 200 and response.json()["token"]


def test_token_endpoint_refuses_reviewer_without_any_device(world):
    user = world.user("reviewer")
    response = APIClient().post(
        reverse("api-token"), {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400 and "otp" in response.json()["errors"]


def test_enforcement_can_be_switched_off(world, settings):
    settings.TWO_FACTOR_ENFORCED = False
    client = password_login(world.user("reviewer"))
    assert client.get("/schulen/").status_code == 200


def test_demo_second_factor_is_seeded_and_its_code_works(world, capsys):
    import io

    from django.core.management import call_command
    from django_otp import match_token

    from core.management.commands.seed_demo import Command

    Command(stdout=io.StringIO())._seed_second_factors()
    reviewer = world.user("reviewer")
    assert TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
    assert not TOTPDevice.objects.filter(user=world.user("board_admin")).exists()
    call_command("demo_totp_code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and match_token(reviewer, code) is not None
