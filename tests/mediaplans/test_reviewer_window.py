"""Reviewers read adopted versions attached to applications (issue 6, "Roles").

A Land reviewer reads an adopted or superseded version only when its school is part of a
funding application that has left the draft stage; drafts never. Page, API and PDF alike.
"""

import pytest
from django.urls import reverse

from core.pdf import pdf_text
from mediaplans.models import ConceptVersion
from tests.mediaplans.factories import adopted_version, concept_with_version, in_application

pytestmark = pytest.mark.django_db

SCHOOL_SETUPS = {
    "submitted": ["submitted"],
    "approved": ["approved"],
    "changes_requested": ["changes_requested"],
    "draft_only": ["draft"],
    "draft_and_submitted": ["draft", "submitted"],
    "no_application": [],
}
VISIBLE = {"submitted", "approved", "changes_requested", "draft_and_submitted"}


def _read_urls(version):
    goal, need = version.goals.get(), version.needs.get()
    return {
        "page": version.get_absolute_url(),
        "concept_page": reverse("mediaplans:concept-detail", args=[version.concept_id]),
        "compare": reverse("mediaplans:version-compare", args=[version.concept_id]),
        "pdf": reverse("mediaplans:version-pdf", args=[version.pk]),
        "api": reverse("media-concept-version-detail", args=[version.pk]),
        "api_concept": reverse("media-concept-detail", args=[version.concept_id]),
        "api_goal": reverse("competence-goal-detail", args=[goal.pk]),
        "api_need": reverse("equipment-need-detail", args=[need.pk]),
    }


@pytest.mark.parametrize("setup", list(SCHOOL_SETUPS))
def test_reviewer_reads_adopted_version_only_of_schools_in_a_submitted_application(
    setup, world, client_for, api_client_for
):
    concept, version = adopted_version(world.school)
    for status in SCHOOL_SETUPS[setup]:
        in_application(world.school, status=status)
    web, api = client_for(world.user("reviewer")), api_client_for(world.user("reviewer"))
    expected = 200 if setup in VISIBLE else 404
    for channel, url in _read_urls(version).items():
        client = api if channel.startswith("api") else web
        response = client.get(url)
        assert response.status_code == expected, (channel, response.status_code)
        if expected == 404:
            assert world.school.name not in response.content.decode(errors="ignore")
    if expected == 200:
        pdf = web.get(_read_urls(version)["pdf"])
        assert pdf["Content-Type"] == "application/pdf"
        assert world.school.name in pdf_text(pdf.content)
    # lists: the concept and its version appear only inside the window
    page = web.get(reverse("mediaplans:concept-list")).content.decode()
    assert (concept.get_absolute_url() in page) is (expected == 200)
    versions = api.get(reverse("media-concept-version-list")).data["results"]
    assert [v["id"] for v in versions] == ([version.pk] if expected == 200 else [])
    concepts = api.get(reverse("media-concept-list")).data["results"]
    assert [c["id"] for c in concepts] == ([concept.pk] if expected == 200 else [])
    redirect = web.get(reverse("mediaplans:concept-for-school", args=[world.school.pk]))
    assert redirect.status_code == (302 if expected == 200 else 404)


def test_superseded_version_is_read_drafts_never(world, client_for, api_client_for):
    concept, old = adopted_version(world.school)
    old.status = "superseded"
    old.save()
    draft = ConceptVersion.objects.create(
        concept=concept, school_board=world.board, number=2, sections={"goals": "GEHEIMER-ENTWURF"}
    )
    in_application(world.school)
    web, api = client_for(world.user("reviewer")), api_client_for(world.user("reviewer"))
    assert web.get(old.get_absolute_url()).status_code == 200
    assert web.get(reverse("mediaplans:version-pdf", args=[old.pk])).status_code == 200
    assert api.get(reverse("media-concept-version-detail", args=[old.pk])).status_code == 200
    for url in (draft.get_absolute_url(), reverse("mediaplans:version-pdf", args=[draft.pk])):
        response = web.get(url)
        assert response.status_code == 404
        assert "GEHEIMER-ENTWURF" not in response.content.decode(errors="ignore")
    assert api.get(reverse("media-concept-version-detail", args=[draft.pk])).status_code == 404
    # reading is not writing
    assert web.get(reverse("mediaplans:section-edit", args=[old.pk, "goals"])).status_code == 403


def test_board_members_and_school_staff_are_unaffected(world, client_for):
    """No application needed for the board's own people, drafts included."""
    _, draft = concept_with_version(world.school)
    _, adopted = adopted_version(world.other_school)
    for role in ("board_admin", "board_staff", "consultant", "school_staff"):
        client = client_for(world.user(role))
        assert client.get(draft.get_absolute_url()).status_code == 200, role
    assert (
        client_for(world.user("other_board_admin")).get(adopted.get_absolute_url()).status_code
        == 200
    )


def test_board_overview_and_export_list_only_application_schools_for_reviewers(world, client_for):
    adopted_version(world.school)
    adopted_version(world.other_school)
    in_application(world.school)
    in_application(world.other_school, status="draft")
    client = client_for(world.user("reviewer"))
    page = client.get(reverse("mediaplans:board-overview")).content.decode()
    assert world.school.name in page and world.other_school.name not in page
    csv = client.get(reverse("mediaplans:board-overview") + "?format=csv").content.decode()
    assert world.school.name in csv and world.other_school.name not in csv
    # board staff still see every school of their board, application or not
    staff = client_for(world.user("board_staff")).get(reverse("mediaplans:board-overview"))
    assert world.school.name in staff.content.decode()
