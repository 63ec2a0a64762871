"""API tokens expire, die with a password change, are listed and revoked; rate limits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from core.tokens import token_issue

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # tests.factories.UserFactory


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("api-token"), {"username": username, "password": password, **extra}, format="json"
    )


def test_token_endpoint_issues_an_expiring_token(world, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    response = obtain(APIClient(), world.user("board_admin").username)
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.key_digest != body["token"] and body["token"].startswith(token.prefix)
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)
    assert token_client(body["token"]).get(reverse("school-list")).status_code == 200


def test_wrong_password_is_400_and_issues_nothing(world):
    response = obtain(APIClient(), world.user("board_admin").username, password="falsch")
    assert response.status_code == 400 and not ApiToken.objects.exists()


@pytest.mark.parametrize(("age_days", "ok"), [(29, True), (30, False), (31, False)])
def test_token_expires_after_ttl(world, settings, age_days, ok):
    settings.API_TOKEN_TTL_DAYS = 30
    token, key = token_issue(user=world.user("board_admin"))
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + timedelta(days=30 - age_days, seconds=-1 if not ok else 60)
    )
    response = token_client(key).get(reverse("school-list"))
    assert response.status_code == (200 if ok else 401)
    if not ok:
        assert response.json()["detail"]


def test_token_dies_with_a_password_change(world):
    user = world.user("board_admin")
    _token, key = token_issue(user=user)
    user.first_name = "Anna"
    user.save()  # other changes keep the token
    assert token_client(key).get(reverse("school-list")).status_code == 200
    user.set_password("ein-ganz-neues-Passwort-9")
    user.save()
    assert token_client(key).get(reverse("school-list")).status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_password_change_page_kills_tokens(world, client_for):
    user = world.user("board_admin")
    token_issue(user=user)
    response = client_for(user).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "ein-ganz-neues-Passwort-9",
            "new_password2": "ein-ganz-neues-Passwort-9",
        },
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()


def test_user_lists_and_revokes_own_tokens_only(world):
    admin, other = world.user("board_admin"), world.user("other_board_admin")
    mine, key = token_issue(user=admin, name="Skript")
    token_issue(user=admin, name="Zweites")
    foreign, _ = token_issue(user=other)
    client = token_client(key)
    rows = client.get(reverse("apitoken-list")).json()
    assert sorted(r["name"] for r in rows) == ["Skript", "Zweites"]
    assert "key_digest" not in rows[0]
    assert client.delete(reverse("apitoken-detail", args=[foreign.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=foreign.pk).exists()
    second = ApiToken.objects.get(name="Zweites")
    assert client.delete(reverse("apitoken-detail", args=[second.pk])).status_code == 204
    assert client.delete(reverse("apitoken-detail", args=[mine.pk])).status_code == 204
    assert client.get(reverse("apitoken-list")).status_code == 401  # revoked itself


def test_account_page_lists_creates_and_revokes(world, client_for):
    user = world.user("board_staff")
    client = client_for(user)
    response = client.post(reverse("api-token-create"), {"name": "Inventar-Skript"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    key = response.context["key"]
    assert key.startswith(token.prefix) and key in response.content.decode()
    page = client.get(reverse("account")).content.decode()
    assert "Inventar-Skript" in page and key not in page
    foreign, _ = token_issue(user=world.user("other_board_admin"))
    client.post(reverse("api-token-delete", args=[foreign.pk]))
    assert ApiToken.objects.filter(pk=foreign.pk).exists()
    client.post(reverse("api-token-delete", args=[token.pk]))
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **rates,
        },
    }


def test_token_endpoint_throttles_per_address_whatever_the_username(world, settings):
    _rates(settings, token="5/min")
    client = APIClient()
    codes = [obtain(client, f"niemand{i}", password="x").status_code for i in range(5)]
    assert codes == [400] * 5  # at the limit: still answered
    response = obtain(client, "niemand6", password="x")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and response.has_header("Retry-After")
    # even the right password is refused while throttled
    assert obtain(client, world.user("board_admin").username).status_code == 429


def test_anonymous_requests_are_throttled(world, settings):
    _rates(settings, anon="3/min", token="100/min")
    client = APIClient()
    codes = [obtain(client, f"niemand{i}", password="x").status_code for i in range(4)]
    assert codes == [400, 400, 400, 429]


def test_guessing_token_keys_is_throttled(world, settings):
    _rates(settings, token="3/min")
    codes = [token_client(f"{i:040x}").get(reverse("school-list")).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    assert token_client("0" * 40).get(reverse("school-list")).json()["code"] == "throttled"


def test_users_are_throttled_per_user(world, settings):
    _rates(settings, user="3/min")
    _t, key = token_issue(user=world.user("board_admin"))
    client = token_client(key)
    codes = [client.get(reverse("school-list")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    _t, other = token_issue(user=world.user("board_staff"))
    assert token_client(other).get(reverse("school-list")).status_code == 200
