"""Concept pages: roles, bad input, frozen versions, overview, export, compare."""

import datetime as dt

import pytest
from django.urls import reverse

from mediaplans.models import CompetenceGoal, ConceptVersion, EquipmentNeed, MediaConcept
from tests.factories import SchoolFactory
from tests.mediaplans.factories import (
    GoalFactory,
    NeedFactory,
    adopted_version,
    area,
    concept_with_version,
    fill_version,
    in_application,
)

pytestmark = pytest.mark.django_db


def test_school_staff_starts_concept_and_writes_a_section(world, client_for):
    client = client_for(world.user("school_staff"))
    page = client.get(reverse("mediaplans:concept-create"))
    assert page.status_code == 200
    # the school list only offers the staff's own school
    assert world.school.name in page.content.decode()
    assert world.other_school.name not in page.content.decode()
    response = client.post(
        reverse("mediaplans:concept-create"), {"school": world.school.pk, "form": "full"}
    )
    version = ConceptVersion.objects.get(concept__school=world.school)
    assert response.status_code == 302 and response.url == version.get_absolute_url()
    url = reverse("mediaplans:section-edit", args=[version.pk, "goals"])
    page = client.get(url)
    assert "Leitbild und Ziele" in page.content.decode()  # guidance text
    response = client.post(
        url,
        {
            "text": "Unsere Ziele:\n- Recherche\n- <b>Präsentation</b>",
            "edit_version": version.version,
        },
    )
    assert response.status_code == 302
    page = client.get(version.get_absolute_url()).content.decode()
    assert "<li>&lt;b&gt;Präsentation&lt;/b&gt;</li>" in page
    assert "<b>Präsentation</b>" not in page


def test_foreign_school_is_not_offered_and_refused(world, client_for):
    client = client_for(world.user("school_staff"))
    response = client.post(
        reverse("mediaplans:concept-create"), {"school": world.other_school.pk, "form": "full"}
    )
    assert response.status_code == 200
    assert "kern-error" in response.content.decode()
    assert not MediaConcept.objects.exists()


def test_board_staff_reads_and_comments_but_cannot_write(world, client_for):
    _, version = concept_with_version(world.school)
    client = client_for(world.user("board_staff"))
    page = client.get(version.get_absolute_url()).content.decode()
    assert reverse("mediaplans:version-comment", args=[version.pk]) in page
    assert reverse("mediaplans:section-edit", args=[version.pk, "goals"]) not in page
    assert (
        client.get(reverse("mediaplans:section-edit", args=[version.pk, "goals"])).status_code
        == 403
    )
    assert (
        client.post(reverse("mediaplans:concept-create"), {"school": world.school.pk}).status_code
        == 403
    )
    response = client.post(
        reverse("mediaplans:version-comment", args=[version.pk]),
        {"text": "Bitte WLAN-Ausbau begründen."},
    )
    assert response.status_code == 302
    assert version.comments.get().text == "Bitte WLAN-Ausbau begründen."
    response = client.post(
        reverse("mediaplans:version-comment", args=[version.pk]), {"text": "   "}
    )
    assert version.comments.count() == 1


def test_reviewer_sees_adopted_versions_only(world, client_for):
    concept, v1 = adopted_version(world.school)
    v2 = ConceptVersion.objects.create(
        concept=concept, school_board=world.board, number=2, sections={"goals": "GEHEIMER-ENTWURF"}
    )
    in_application(world.school)
    client = client_for(world.user("reviewer"))
    assert client.get(v1.get_absolute_url()).status_code == 200
    assert client.get(reverse("mediaplans:version-pdf", args=[v1.pk])).status_code == 200
    assert client.get(v2.get_absolute_url()).status_code == 404
    page = client.get(concept.get_absolute_url()).content.decode()
    assert v1.get_absolute_url() in page and v2.get_absolute_url() not in page
    listing = client.get(reverse("mediaplans:concept-list")).content.decode()
    assert "GEHEIMER-ENTWURF" not in listing and v2.get_absolute_url() not in listing
    assert client.get(reverse("mediaplans:section-edit", args=[v1.pk, "goals"])).status_code == 403


def test_editing_an_adopted_version_is_refused_with_a_message(world, client_for):
    _, version = adopted_version(world.school)
    client = client_for(world.user("school_staff"))
    before = version.sections
    url = reverse("mediaplans:section-edit", args=[version.pk, "goals"])
    response = client.post(url, {"text": "neu"}, follow=True)
    assert "eingefroren" in response.content.decode() or "frozen" in response.content.decode()
    goal = version.goals.get()
    response = client.post(
        reverse("mediaplans:goal-update", args=[goal.pk]),
        {"area": goal.area_id, "title": "x", "year_from": 1, "year_to": 2},
        follow=True,
    )
    assert "eingefroren" in response.content.decode() or "frozen" in response.content.decode()
    client.post(reverse("mediaplans:goal-delete", args=[goal.pk]))
    version.refresh_from_db()
    assert version.sections == before
    assert CompetenceGoal.objects.get(pk=goal.pk).title == goal.title


def test_adopt_page_shows_problems_and_adopts(world, client_for):
    _, version = concept_with_version(world.school)
    client = client_for(world.user("school_staff"))
    url = reverse("mediaplans:version-adopt", args=[version.pk])
    page = client.get(url).content.decode()
    assert "Zielstellung der Schule" in page
    response = client.post(url, {"adopted_on": "2026-11-02", "adopted_by_body": "gesamtkonferenz"})
    assert response.status_code == 200 and "kern-alert--danger" in response.content.decode()
    assert ConceptVersion.objects.get(pk=version.pk).status == "draft"
    fill_version(version)
    response = client.post(
        url,
        {
            "adopted_on": "2026-11-02",
            "adopted_by_body": "gesamtkonferenz",
            "note": "Beschluss 4/2026",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.adopted_on) == ("adopted", dt.date(2026, 11, 2))


def test_consultation_and_back(world, client_for):
    _, version = concept_with_version(world.school)
    client = client_for(world.user("consultant"))
    url = reverse("mediaplans:version-transition", args=[version.pk])
    client.post(url, {"to": "consultation"})
    assert ConceptVersion.objects.get(pk=version.pk).status == "consultation"
    response = client.post(url, {"to": "superseded"}, follow=True)
    assert ConceptVersion.objects.get(pk=version.pk).status == "consultation"
    assert "kern-alert--danger" in response.content.decode()
    client.post(url, {"to": "draft"})
    assert ConceptVersion.objects.get(pk=version.pk).status == "draft"


def test_goal_need_and_training_forms(world, client_for):
    _, version = concept_with_version(world.school)
    client = client_for(world.user("school_staff"))
    response = client.post(
        reverse("mediaplans:goal-create", args=[version.pk]),
        {"title": "Quellen prüfen", "year_from": 5, "year_to": 6},
    )
    assert response.status_code == 200
    assert "Kompetenzbereich" in response.content.decode()
    assert not CompetenceGoal.objects.exists()
    client.post(
        reverse("mediaplans:goal-create", args=[version.pk]),
        {"area": area(1).pk, "title": "Quellen prüfen", "year_from": 5, "year_to": 6},
    )
    goal = CompetenceGoal.objects.get()
    url = reverse("mediaplans:need-create", args=[version.pk])
    bad = {
        "category": "mobile",
        "description": "Tablets",
        "quantity": 0,
        "unit_price_estimate": "-1",
        "justification": "Recherche",
        "priority": 1,
    }
    response = client.post(url, bad)
    assert response.status_code == 200 and not EquipmentNeed.objects.exists()
    body = response.content.decode()
    assert "mindestens 1" in body or "at least 1" in body
    good = dict(
        bad, quantity=30, unit_price_estimate="399.00", goals=[goal.pk], rooms=[world.room.pk]
    )
    assert client.post(url, good).status_code == 302
    need = EquipmentNeed.objects.get()
    assert list(need.goals.all()) == [goal] and list(need.rooms.all()) == [world.room]
    # a room of another board is not a valid choice
    response = client.post(url, dict(good, rooms=[world.other_room.pk]))
    assert response.status_code == 200 and EquipmentNeed.objects.count() == 1
    response = client.post(
        reverse("mediaplans:training-create", args=[version.pk]),
        {
            "topic": "Tablets im Unterricht",
            "target_group": "all",
            "teachers": 20,
            "period_start": "2027-02-01",
            "period_end": "2027-03-31",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    page = client.get(version.get_absolute_url()).content.decode()
    assert "11.970,00 €" in page and "Tablets im Unterricht" in page


def test_need_without_goal_is_flagged(world, client_for):
    _, version = concept_with_version(world.school)
    NeedFactory(version=version)
    page = client_for(world.user("board_staff")).get(version.get_absolute_url()).content.decode()
    assert "kein Ziel" in page or "no goal" in page


def test_matrix_shows_coverage_and_gaps(world, client_for):
    world.school.school_type = "grundschule"
    world.school.save()
    _, version = concept_with_version(world.school)
    GoalFactory(version=version, area=area(1), year_from=1, year_to=4)
    GoalFactory(version=version, area=area(2), year_from=3, year_to=3)
    from mediaplans.selectors import competence_matrix

    matrix = competence_matrix(version)
    assert matrix["years"] == [1, 2, 3, 4]
    assert (matrix["covered"], matrix["total"], matrix["coverage_percent"]) == (5, 24, 20)
    assert matrix["rows"][1]["gaps"] == [1, 2, 4]
    assert len(matrix["areas_without_goal"]) == 4
    page = client_for(world.user("school_staff")).get(version.get_absolute_url())
    assert "20 %" in page.content.decode()


def test_new_version_and_compare_pages(world, client_for):
    concept, v1 = adopted_version(world.school)
    client = client_for(world.user("school_staff"))
    response = client.post(reverse("mediaplans:version-new", args=[concept.pk]))
    v2 = ConceptVersion.objects.get(concept=concept, number=2)
    assert response.url == v2.get_absolute_url()
    client.post(
        reverse("mediaplans:section-edit", args=[v2.pk, "teaching"]),
        {"text": "Informatik ab Klasse 5"},
    )
    page = client.get(reverse("mediaplans:version-compare", args=[concept.pk])).content.decode()
    assert "Informatik ab Klasse 5" in page
    assert "1 von 10" in page or "1 of 10" in page
    assert (
        client.get(
            reverse("mediaplans:version-compare", args=[concept.pk]) + "?alt=999999"
        ).status_code
        == 404
    )
    # a second open version is refused with a message
    response = client.post(reverse("mediaplans:version-new", args=[concept.pk]), follow=True)
    assert ConceptVersion.objects.filter(concept=concept).count() == 2
    assert "kern-alert--danger" in response.content.decode()


def test_board_overview_and_csv_export(world, client_for):
    adopted_version(world.school, adopted_on=dt.date(2023, 5, 1))
    fresh = SchoolFactory(school_board=world.board, name="=Frische Schule")
    adopted_version(fresh, adopted_on=dt.date(2026, 6, 1))
    drafting = SchoolFactory(school_board=world.board, name="Entwurfsschule")
    concept_with_version(drafting)
    SchoolFactory(school_board=world.board, name="Ohne Konzept")
    concept_with_version(world.other_school)
    client = client_for(world.user("board_admin"))
    page = client.get(reverse("mediaplans:board-overview")).content.decode()
    assert "Ohne Konzept" in page and world.other_school.name not in page
    assert "Fortschreibung fällig" in page
    response = client.get(reverse("mediaplans:board-overview") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    lines = {line.split(";")[2]: line for line in text.splitlines()[1:]}
    assert lines["'=Frische Schule"].split(";")[3] == "beschlossen"
    assert lines["Ohne Konzept"].split(";")[3] == "fehlt"
    assert lines["Entwurfsschule"].split(";")[9] == "Entwurf"
    assert lines[world.school.name].split(";")[5] == "01.05.2023"
    assert world.other_school.name not in text


def test_concept_age_months_at_the_boundary():
    from mediaplans.selectors import concept_age_months

    assert concept_age_months(dt.date(2024, 11, 24), dt.date(2026, 11, 24)) == 24
    assert concept_age_months(dt.date(2024, 11, 25), dt.date(2026, 11, 24)) == 23
    assert concept_age_months(None, dt.date(2026, 11, 24)) is None


@pytest.mark.parametrize(
    "adopted_on,state",
    [
        (dt.date(2024, 11, 24), "outdated"),
        (dt.date(2024, 11, 25), "adopted"),
    ],
)
def test_overview_flags_outdated_concepts_at_the_threshold(world, adopted_on, state):
    from core.tenancy import access_for
    from mediaplans.selectors import board_overview

    adopted_version(world.school, adopted_on=adopted_on)
    rows = board_overview(access_for(world.user("board_admin")), today=dt.date(2026, 11, 24))
    assert [r["state"] for r in rows] == [state]


def test_short_form_start_and_grow(world, client_for):
    client = client_for(world.user("school_staff"))
    client.post(
        reverse("mediaplans:concept-create"),
        {
            "school": world.school.pk,
            "form": "short",
            "goal_1": "WLAN in allen Räumen",
            "goal_2": "Lernplattform",
            "goal_3": "",
        },
    )
    version = ConceptVersion.objects.get()
    assert version.development_goals == ["WLAN in allen Räumen", "Lernplattform", ""]
    client.post(
        reverse("mediaplans:development-goals", args=[version.pk]),
        {
            "goal_1": "WLAN in allen Räumen",
            "goal_2": "Lernplattform",
            "goal_3": "Fortbildung",
            "edit_version": ConceptVersion.objects.get().version,
        },
    )
    version.refresh_from_db()
    assert version.development_goals == ["WLAN in allen Räumen", "Lernplattform", "Fortbildung"]
    client.post(reverse("mediaplans:version-grow", args=[version.pk]))
    version.refresh_from_db()
    assert version.form == "full" and "- Lernplattform" in version.sections["goals"]


def test_reviewer_overview_does_not_reveal_drafts(world):
    from core.tenancy import access_for
    from mediaplans.selectors import board_overview

    concept_with_version(world.school, status="consultation")
    in_application(world.school)
    rows = board_overview(access_for(world.user("reviewer")))
    row = next(r for r in rows if r["school"] == world.school)
    assert (row["state"], row["open"], row["open_progress"]) == ("not_adopted", None, None)
    # schools in no funding application beyond the draft stage are not listed for reviewers
    assert [r["school"] for r in rows] == [world.school]
