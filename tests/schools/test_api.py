import pytest
from django.urls import reverse

from schools.models import Room, School, Site

pytestmark = pytest.mark.django_db


def test_token_authentication_and_scoped_list(world):
    from rest_framework.test import APIClient

    from core.tokens import token_issue

    _token, key = token_issue(user=world.user("board_admin"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(reverse("school-list"))
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["Alpha-Gymnasium"]
    assert APIClient().get(reverse("school-list")).status_code == 401


def test_obtain_token_endpoint(world, client):
    user = world.user("board_admin")
    response = client.post(
        reverse("api-token"), {"username": user.username, "password": "pw-Secret-123"}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_api_filter_and_search(world, api_client_for):
    from tests.factories import SchoolFactory

    SchoolFactory(
        school_board=world.board, name="Grundschule Sonnenschein", school_type="grundschule"
    )
    client = api_client_for(world.user("board_admin"))
    rows = client.get(reverse("school-list"), {"school_type": "grundschule"}).json()["results"]
    assert [r["name"] for r in rows] == ["Grundschule Sonnenschein"]
    rows = client.get(reverse("school-list"), {"q": "sonnen"}).json()["results"]
    assert len(rows) == 1


def test_api_create_ignores_board_in_body(world, api_client_for):
    client = api_client_for(world.user("board_admin"))
    response = client.post(
        reverse("school-list"),
        {
            "school_number": "77777",
            "name": "API-Schule",
            "school_type": "grundschule",
            "school_board": world.other_board.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert School.objects.get(school_number="77777").school_board == world.board


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"school_number": "7777x"}, "school_number"),
        ({"pupils": -5}, "pupils"),
        ({"name": "y" * 300}, "name"),
    ],
)
def test_api_bad_input_is_400_with_field_errors(world, api_client_for, payload, field):
    client = api_client_for(world.user("board_admin"))
    body = {"school_number": "77777", "name": "API-Schule", "school_type": "grundschule", **payload}
    response = client.post(reverse("school-list"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not School.objects.filter(name="API-Schule").exists()


def test_api_duplicate_school_number_is_400(world, api_client_for):
    client = api_client_for(world.user("board_admin"))
    response = client.post(
        reverse("school-list"),
        {
            "school_number": world.other_school.school_number,
            "name": "Dublette",
            "school_type": "grundschule",
        },
        format="json",
    )
    assert response.status_code == 400 and "school_number" in response.json()["errors"]


def test_api_foreign_parent_id_is_refused(world, api_client_for):
    client = api_client_for(world.user("board_admin"))
    response = client.post(
        reverse("site-list"), {"school": world.other_school.pk, "name": "Fremd"}, format="json"
    )
    assert response.status_code == 400 and "school" in response.json()["errors"]
    response = client.post(
        reverse("room-list"), {"site": world.other_room.site_id, "name": "Fremd"}, format="json"
    )
    assert response.status_code == 400 and "site" in response.json()["errors"]
    assert not Site.objects.filter(name="Fremd").exists()
    assert not Room.objects.filter(name="Fremd").exists()


def test_api_create_room_and_site_in_parent_board(world, api_client_for):
    client = api_client_for(world.user("board_staff"))
    response = client.post(
        reverse("site-list"), {"school": world.school.pk, "name": "Haus C"}, format="json"
    )
    assert response.status_code == 201
    site = Site.objects.get(name="Haus C")
    response = client.post(
        reverse("room-list"), {"site": site.pk, "name": "C1", "kind": "lab"}, format="json"
    )
    assert response.status_code == 201
    room = Room.objects.get(name="C1")
    assert room.school_board == world.board and room.school == world.school


def test_reviewer_api_is_read_only(world, api_client_for):
    client = api_client_for(world.user("reviewer"))
    assert client.get(reverse("school-detail", args=[world.other_school.pk])).status_code == 200
    response = client.post(
        reverse("school-list"),
        {"school_number": "66666", "name": "X", "school_type": "grundschule"},
        format="json",
    )
    assert response.status_code == 403


def test_schema_and_docs(world, client_for):
    client = client_for(world.user("board_admin"))
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200 and b"/api/v1/schools/" in schema.content
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"https://" not in docs.content
