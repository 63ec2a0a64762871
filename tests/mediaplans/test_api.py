"""The concept API: scoped like everything else; adoption is an action endpoint."""

import pytest
from django.urls import reverse

from mediaplans.models import CompetenceGoal, ConceptVersion, EquipmentNeed, MediaConcept
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


def test_create_concept_patch_sections_and_adopt(world, api_client_for):
    api = api_client_for(world.user("school_staff"))
    response = api.post(reverse("media-concept-list"), {"school": world.school.pk}, format="json")
    assert response.status_code == 201, response.data
    concept = MediaConcept.objects.get(pk=response.data["id"])
    version = concept.versions.get()
    url = reverse("media-concept-version-detail", args=[version.pk])
    response = api.patch(url, {"sections": {"goals": "Ziele\n- eins"}}, format="json")
    assert response.status_code == 200 and response.data["sections"]["goals"] == "Ziele\n- eins"
    response = api.patch(url, {"sections": {"unknown": "x"}}, format="json")
    assert response.status_code == 400
    adopt = reverse("media-concept-version-adopt", args=[version.pk])
    response = api.post(
        adopt, {"adopted_on": "2026-11-02", "adopted_by_body": "gesamtkonferenz"}, format="json"
    )
    assert response.status_code == 400
    assert any("leer" in m or "empty" in m for m in response.data["errors"]["non_field_errors"])
    fill_version(ConceptVersion.objects.get(pk=version.pk))
    response = api.post(
        adopt, {"adopted_on": "2026-11-02", "adopted_by_body": "gesamtkonferenz"}, format="json"
    )
    assert response.status_code == 200 and response.data["status"] == "adopted"
    assert response.data["progress"] == 100
    # frozen now
    response = api.patch(url, {"sections": {"goals": "neu"}}, format="json")
    assert response.status_code == 400
    assert ConceptVersion.objects.get(pk=version.pk).sections["goals"] != "neu"
    response = api.post(reverse("media-concept-new-version", args=[concept.pk]))
    assert response.status_code == 201 and response.data["number"] == 2


def test_rows_bad_input_changes_nothing(world, api_client_for):
    _, version = concept_with_version(world.school)
    api = api_client_for(world.user("consultant"))
    goals = reverse("competence-goal-list")
    response = api.post(
        goals, {"version": version.pk, "title": "x", "year_from": 1, "year_to": 2}, format="json"
    )
    assert response.status_code == 400 and "area" in response.data["errors"]
    response = api.post(
        goals,
        {"version": version.pk, "area": area(2).pk, "title": "Chat", "year_from": 3, "year_to": 4},
        format="json",
    )
    assert response.status_code == 201
    goal_id = response.data["id"]
    needs = reverse("equipment-need-list")
    base = {
        "version": version.pk,
        "category": "wlan",
        "description": "Access Points",
        "justification": "WLAN für Tabletklassen",
        "priority": 1,
        "goals": [goal_id],
    }
    for bad in (
        {"quantity": 0, "unit_price_estimate": "300.00"},
        {"quantity": 10, "unit_price_estimate": "-1.00"},
    ):
        response = api.post(needs, {**base, **bad}, format="json")
        assert response.status_code == 400, response.data
    assert not EquipmentNeed.objects.exists()
    response = api.post(
        needs,
        {**base, "quantity": 12, "unit_price_estimate": "329.90", "rooms": [world.room.pk]},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["total_estimate"] == "3958.80" and response.data["has_goal"] is True
    # a foreign board's room or version is "does not exist", never linked
    response = api.post(
        needs,
        {**base, "quantity": 1, "unit_price_estimate": "1.00", "rooms": [world.other_room.pk]},
        format="json",
    )
    assert response.status_code == 400 and "rooms" in response.data["errors"]
    _, foreign = concept_with_version(world.other_school)
    response = api.post(
        goals,
        {"version": foreign.pk, "area": area(1).pk, "title": "x", "year_from": 1, "year_to": 1},
        format="json",
    )
    assert response.status_code == 400 and "version" in response.data["errors"]
    assert CompetenceGoal.objects.count() == 1 and EquipmentNeed.objects.count() == 1


def test_board_staff_cannot_write_reviewer_cannot_see_drafts(world, api_client_for):
    _, version = concept_with_version(world.school)
    goal = GoalFactory(version=version)
    staff = api_client_for(world.user("board_staff"))
    response = staff.patch(
        reverse("competence-goal-detail", args=[goal.pk]), {"title": "changed"}, format="json"
    )
    assert response.status_code == 403
    response = staff.post(
        reverse("competence-goal-list"),
        {"version": version.pk, "area": area(1).pk, "title": "x", "year_from": 1, "year_to": 1},
        format="json",
    )
    assert response.status_code == 403
    reviewer = api_client_for(world.user("reviewer"))
    assert reviewer.get(reverse("competence-goal-detail", args=[goal.pk])).status_code == 404
    _, adopted = adopted_version(world.other_school)
    assert reviewer.get(reverse("media-concept-version-list")).data["results"] == []
    in_application(world.other_school)
    listing = reviewer.get(reverse("media-concept-version-list")).data["results"]
    assert [v["id"] for v in listing] == [adopted.pk]
    tpek = reviewer.get(reverse("media-concept-version-tpek", args=[adopted.pk]))
    assert tpek.status_code == 200 and tpek.data["school"]["name"] == world.other_school.name


def test_transition_action_and_delete(world, api_client_for):
    _, version = concept_with_version(world.school)
    need = NeedFactory(version=version)
    api = api_client_for(world.user("school_staff"))
    url = reverse("media-concept-version-transition", args=[version.pk])
    assert api.post(url, {"to": "consultation"}, format="json").data["status"] == "consultation"
    assert api.post(url, {"to": "adopted"}, format="json").status_code == 400
    assert api.delete(reverse("equipment-need-detail", args=[need.pk])).status_code == 204
    assert not EquipmentNeed.objects.exists()


def test_need_filter_without_goal_and_adopted(world, api_client_for):
    _, version = adopted_version(world.school)
    NeedFactory(version=version, description="ohne Ziel")
    api = api_client_for(world.user("board_admin"))
    data = api.get(reverse("equipment-need-list") + "?without_goal=true").data["results"]
    assert [n["description"] for n in data] == ["ohne Ziel"]
    data = api.get(reverse("equipment-need-list") + "?adopted=true").data["results"]
    assert len(data) == 2
