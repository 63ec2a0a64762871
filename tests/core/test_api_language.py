"""API messages follow Accept-Language: German under `de`, English under `en`.

DRF's own messages (required field, not found, authentication), ours (core/api_errors.py
problem details, core/api.py's 412) and the problem titles. A 404 for a foreign board's row
reads exactly like one for a row that does not exist.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from devices.choices import DeviceStatus
from tests.core.test_i18n import german_in
from tests.devices.factories import DeviceFactory

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/devices/"

TEXTS = {
    "de": {
        "invalid": "Die Anfrage enthält ungültige Eingaben.",
        "required": "Dieses Feld ist zwingend erforderlich.",
        "not_found": "Nicht gefunden.",
        "not_found_title": "Nicht gefunden",
        "bad_request_title": "Ungültige Anfrage",
        "unauthorized_title": "Nicht angemeldet",
        "no_credentials": "Anmeldedaten fehlen.",
        "bad_token": "Ungültiger API-Schlüssel.",
        "conflict": "Der Datensatz wurde inzwischen von jemand anderem geändert.",
        "conflict_title": "Vorbedingung nicht erfüllt",
    },
    "en": {
        "invalid": "The request contains invalid input.",
        "required": "This field is required.",
        "not_found": "Not found.",
        "not_found_title": "Not Found",
        "bad_request_title": "Bad Request",
        "unauthorized_title": "Unauthorized",
        "no_credentials": "Authentication credentials were not provided.",
        "bad_token": "Invalid token.",
        "conflict": "The record has been changed by someone else in the meantime.",
        "conflict_title": "Precondition Failed",
    },
}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("type", "code") for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _assert_language(body: dict, lang: str) -> None:
    if lang == "en":
        german = [s for s in _strings(body) if german_in(s)]
        assert not german, german


@pytest.mark.parametrize("lang", ["de", "en"])
def test_invalid_input_in_the_request_language(world, api_client_for, lang):
    response = api_client_for(world.user("board_admin")).post(
        DEVICES, {}, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    body = response.json()
    assert response.status_code == 400
    assert body["title"] == TEXTS[lang]["bad_request_title"]
    assert body["detail"] == TEXTS[lang]["invalid"]
    assert body["errors"]["inventory_number"] == [TEXTS[lang]["required"]]
    _assert_language(body, lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_not_found_in_the_request_language_and_alike_for_a_foreign_row(world, api_client_for, lang):
    foreign = DeviceFactory(school=world.other_school, status=DeviceStatus.IN_USE)
    client = api_client_for(world.user("board_admin"))
    bodies = []
    for url in (f"{DEVICES}999999/", f"{DEVICES}{foreign.pk}/", "/api/v1/no-such-thing/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 404, url
        body = response.json()
        assert body["detail"] == TEXTS[lang]["not_found"], (url, body)
        assert body["title"] == TEXTS[lang]["not_found_title"]
        assert body["code"] == "not_found"
        bodies.append(body)
    assert bodies[0] == bodies[1]  # a foreign row is indistinguishable from a missing one
    response = client.patch(
        f"{DEVICES}{foreign.pk}/", {"notes": "x"}, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 404 and response.json() == bodies[0]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_authentication_errors_in_the_request_language(world, lang):
    anonymous = APIClient().get(DEVICES, HTTP_ACCEPT_LANGUAGE=lang)
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == TEXTS[lang]["no_credentials"]
    assert anonymous.json()["title"] == TEXTS[lang]["unauthorized_title"]
    bad_token = APIClient().get(
        DEVICES, HTTP_ACCEPT_LANGUAGE=lang, HTTP_AUTHORIZATION="Token not-a-token"
    )
    assert bad_token.status_code == 401
    assert bad_token.json()["detail"] == TEXTS[lang]["bad_token"]
    _assert_language(anonymous.json(), lang)
    _assert_language(bad_token.json(), lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_edit_conflict_in_the_request_language(world, api_client_for, lang):
    device = DeviceFactory(school=world.school, status=DeviceStatus.IN_USE)
    client = api_client_for(world.user("board_admin"))
    response = client.patch(
        f"{DEVICES}{device.pk}/",
        {"notes": "mine"},
        format="json",
        HTTP_IF_MATCH='"999"',
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    body = response.json()
    assert response.status_code == 412, body
    assert body["detail"].startswith(TEXTS[lang]["conflict"])
    assert body["title"] == TEXTS[lang]["conflict_title"]
    _assert_language(body, lang)
    device.refresh_from_db()
    assert device.notes != "mine"  # nothing changed


@pytest.mark.parametrize("lang", ["de", "en"])
def test_refused_permission_in_the_request_language(world, api_client_for, lang):
    """A reviewer sees the board's device but may not change it: 403 in the request's language."""
    device = DeviceFactory(school=world.school, status=DeviceStatus.IN_USE)
    response = api_client_for(world.user("reviewer")).patch(
        f"{DEVICES}{device.pk}/", {"notes": "x"}, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    body = response.json()
    assert response.status_code == 403, body
    assert body["title"] == {"de": "Nicht erlaubt", "en": "Forbidden"}[lang]
    assert body["code"] == "permission_denied"
    if lang == "de":
        assert german_in(body["detail"]), body
    _assert_language(body, lang)
    device.refresh_from_db()
    assert device.notes != "x"
