"""Registry behaviour: validation, bad input, board from context, history, PDF."""

import pytest
from django.urls import reverse

from core.pdf import pdf_properties, pdf_text
from schools.models import Room, School, Site
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

VALID = {
    "school_number": "12345",
    "name": "Neue Schule",
    "school_type": "gymnasium",
    "pupils": 300,
    "teachers": 25,
    "classes": 12,
    "counts_date": "2026-09-15",
}


def post_school(client, **changes):
    return client.post(reverse("schools:school-create"), {**VALID, **changes})


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"school_number": "12a45"}, "school_number", "keine gültige Schulnummer"),
        ({"school_number": "1234"}, "school_number", "keine gültige Schulnummer"),
        ({"school_number": "123456"}, "school_number", "keine gültige Schulnummer"),
        ({"pupils": -1}, "pupils", "größer oder gleich 0"),
        ({"teachers": -3}, "teachers", "größer oder gleich 0"),
        ({"name": "x" * 201}, "name", "höchstens 200 Zeichen"),
        ({"name": ""}, "name", "Dieses Feld ist zwingend erforderlich"),
        ({"school_type": "smartphone_school"}, "school_type", "keine gültige Auswahl"),
        ({"postal_code": "3910"}, "postal_code", "fünf Ziffern"),
    ],
)
def test_bad_input_shows_field_message_and_saves_nothing(
    world, client_for, changes, field, message
):
    client = client_for(world.user("board_admin"))
    before = School.objects.count()
    response = post_school(client, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors[field]
    assert School.objects.count() == before


def test_school_number_pattern_boundaries(world, client_for):
    """The ST pattern is exactly five digits: 4 and 6 fail (above), 5 passes."""
    client = client_for(world.user("board_admin"))
    assert post_school(client, school_number="54321").status_code == 302


def test_duplicate_school_number_in_land_even_in_other_board(world, client_for):
    client = client_for(world.user("board_admin"))
    response = post_school(client, school_number=world.other_school.school_number)
    assert response.status_code == 200
    assert "bereits vergeben" in " ".join(response.context["form"].errors["school_number"])


def test_english_messages_when_user_chose_english(world, client_for):
    client = client_for(world.user("board_admin"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = post_school(client, school_number="12a45")
    assert "is not a valid Schulnummer" in " ".join(
        response.context["form"].errors["school_number"]
    )


def test_create_puts_school_in_current_board_with_main_site_and_history(world, client_for):
    user = world.user("board_staff")
    response = post_school(client_for(user))
    assert response.status_code == 302
    school = School.objects.get(school_number="12345")
    assert school.school_board == world.board and school.land == world.land
    assert Site.objects.filter(school=school, is_main=True).count() == 1
    record = school.history.first()
    assert record.history_user == user and record.history_type == "+"


def test_update_records_who_and_what(world, client_for):
    user = world.user("board_admin")
    client = client_for(user)
    data = {
        **VALID,
        "school_number": world.school.school_number,
        "name": "Alpha-Gymnasium",
        "pupils": 777,
    }
    response = client.post(reverse("schools:school-update", args=[world.school.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("schools:school-detail", args=[world.school.pk])).content.decode()
    assert "Änderungsverlauf" in page and "777" in page
    assert user.get_full_name() in page  # who changed it
    world.school.refresh_from_db()
    assert world.school.version == 2


def test_school_staff_cannot_edit_master_data_but_rooms(world, client_for):
    client = client_for(world.user("school_staff"))
    assert client.get(reverse("schools:school-update", args=[world.school.pk])).status_code == 403
    response = client.post(
        reverse("schools:room-create", args=[world.site.pk]), {"name": "Neuer Raum", "kind": "lab"}
    )
    assert response.status_code == 302
    assert Room.objects.filter(name="Neuer Raum", school=world.school).exists()


def test_room_under_foreign_site_is_404_and_nothing_created(world, client_for):
    client = client_for(world.user("board_admin"))
    foreign_site = world.other_room.site
    response = client.post(
        reverse("schools:room-create", args=[foreign_site.pk]), {"name": "Einbruch", "kind": "lab"}
    )
    assert response.status_code == 404
    assert not Room.objects.filter(name="Einbruch").exists()


def test_reviewer_and_school_staff_cannot_create_schools(world, client_for):
    for actor in ("reviewer", "school_staff", "no_membership"):
        response = post_school(client_for(world.user(actor)))
        assert response.status_code == 403, actor
    assert not School.objects.filter(school_number="12345").exists()


def test_school_sheet_pdf_text(world):
    from schools.documents import school_sheet_context, school_sheet_pdf

    school = SchoolFactory(
        school_board=world.board,
        name="Lessing-Gymnasium",
        pupils=1234,
        teachers=87,
        school_number="44556",
    )
    ctx = school_sheet_context(school)
    assert ctx["pupils"] == 1234 and ctx["education"] == "allgemeinbildend"
    pdf = school_sheet_pdf(school)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "Schulstammblatt",
        "Lessing-Gymnasium",
        "44556",
        "1.234",
        "87",
        "15.09.2026",
        "Seite 1 von 1",
    ):
        assert expected in text, expected
    props = pdf_properties(pdf)
    assert props["tagged"] and props["lang"] == "de"
    assert props["title"] == "Schulstammblatt Lessing-Gymnasium (44556)"
    assert any("Fira-Sans" in f for f in props["fonts"])  # KERN font embedded


def test_pdf_fetcher_refuses_external_and_outside_files():
    from core.pdf import AllowListFetcher

    fetcher = AllowListFetcher()
    for url in (
        "https://fonts.example.org/font.woff2",
        "http://127.0.0.1/x.png",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
