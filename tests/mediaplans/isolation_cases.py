"""Every board-owned model of the mediaplans app, through every channel."""

from django.urls import reverse

from core import workflow as engine
from mediaplans.models import ConceptComment
from tests.isolation import IsolationCase
from tests.mediaplans.factories import (
    GoalFactory,
    NeedFactory,
    TrainingFactory,
    adopted_version,
    concept_with_version,
    in_application,
)

WRITERS = ("board_admin", "consultant", "school_staff")
#: reviewers read adopted versions (of schools in submitted applications) only; these cases
#: build drafts
DRAFT_READERS = ("board_admin", "board_staff", "consultant", "school_staff")


def _school(world, side):
    return world.school if side == "own" else world.other_school


def make_concept(world, side, marker):
    school = _school(world, side)
    school.name = f"Schule {marker}"
    school.save()
    concept, _ = concept_with_version(school)
    # reviewers read concepts of schools in a funding application beyond the draft stage
    in_application(school)
    return concept


def make_version(world, side, marker):
    _, version = concept_with_version(_school(world, side), sections={"goals": marker})
    return version


def make_adopted_version(world, side, marker):
    """An adopted version of a school in a submitted application: reviewers read it too."""
    school = _school(world, side)
    _, version = adopted_version(school)
    version.sections = {**version.sections, "goals": f"Ziele {marker}"}
    version.save()
    in_application(school)
    return version


def make_goal(world, side, marker):
    return GoalFactory(version=make_version(world, side, "x"), title=f"Ziel {marker}")


def make_training(world, side, marker):
    return TrainingFactory(version=make_version(world, side, "x"), topic=f"FB {marker}")


def make_need(world, side, marker):
    return NeedFactory(version=make_version(world, side, "x"), description=f"Gerät {marker}")


def make_comment(world, side, marker):
    version = make_version(world, side, "x")
    return ConceptComment.objects.create(
        version=version, school_board=version.school_board, text=f"Anmerkung {marker}"
    )


def make_transition(world, side, marker):
    version = make_version(world, side, "x")
    change = engine.record(
        version,
        actor=None,
        action="consultation",
        from_status="draft",
        to_status="consultation",
        reason=f"Notiz {marker}",
    )
    change.version_id = version.pk  # for _version_url
    return change


def _version_url(o):
    return reverse("mediaplans:version-detail", args=[o.version_id])


CASES = [
    IsolationCase(
        name="mediaplans.MediaConcept",
        make=make_concept,
        list_url=lambda o: reverse("mediaplans:concept-list"),
        detail_url=lambda o: reverse("mediaplans:concept-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("media-concept-list"),
        api_detail_url=lambda o: reverse("media-concept-detail", args=[o.pk]),
        writers=WRITERS,
        extra_urls={"compare": lambda o: reverse("mediaplans:version-compare", args=[o.pk])},
    ),
    IsolationCase(
        name="mediaplans.ConceptVersion",
        make=make_version,
        list_url=None,
        detail_url=lambda o: reverse("mediaplans:version-detail", args=[o.pk]),
        edit_url=lambda o: reverse("mediaplans:section-edit", args=[o.pk, "goals"]),
        edit_post=lambda o: {"text": "changed"},
        api_list_url=lambda o: reverse("media-concept-version-list"),
        api_detail_url=lambda o: reverse("media-concept-version-detail", args=[o.pk]),
        api_write=lambda o: {"sections": {"goals": "changed"}},
        pdf_url=lambda o: reverse("mediaplans:version-pdf", args=[o.pk]),
        readers=DRAFT_READERS,
        writers=WRITERS,
        extra_urls={
            "tpek": lambda o: reverse("media-concept-version-tpek", args=[o.pk]),
        },
    ),
    IsolationCase(
        name="mediaplans.ConceptVersion.adopted",
        make=make_adopted_version,
        detail_url=lambda o: reverse("mediaplans:version-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("media-concept-version-list"),
        api_detail_url=lambda o: reverse("media-concept-version-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("mediaplans:version-pdf", args=[o.pk]),
        writers=(),
        extra_urls={
            "concept": lambda o: reverse("mediaplans:concept-detail", args=[o.concept_id]),
        },
    ),
    IsolationCase(
        name="mediaplans.CompetenceGoal",
        make=make_goal,
        edit_url=lambda o: reverse("mediaplans:goal-update", args=[o.pk]),
        edit_post=lambda o: {"area": o.area_id, "title": "changed", "year_from": 1, "year_to": 2},
        api_list_url=lambda o: reverse("competence-goal-list"),
        api_detail_url=lambda o: reverse("competence-goal-detail", args=[o.pk]),
        api_write=lambda o: {"title": "changed"},
        readers=DRAFT_READERS,
        writers=WRITERS,
        extra_urls={"version": _version_url},
    ),
    IsolationCase(
        name="mediaplans.TrainingEntry",
        make=make_training,
        edit_url=lambda o: reverse("mediaplans:training-update", args=[o.pk]),
        edit_post=lambda o: {
            "topic": "changed",
            "target_group": "all",
            "teachers": 3,
            "period_start": "2027-01-01",
            "period_end": "2027-01-02",
            "status": "planned",
        },
        api_list_url=lambda o: reverse("training-entry-list"),
        api_detail_url=lambda o: reverse("training-entry-detail", args=[o.pk]),
        api_write=lambda o: {"topic": "changed"},
        readers=DRAFT_READERS,
        writers=WRITERS,
        extra_urls={"version": _version_url},
    ),
    IsolationCase(
        name="mediaplans.EquipmentNeed",
        make=make_need,
        edit_url=lambda o: reverse("mediaplans:need-update", args=[o.pk]),
        edit_post=lambda o: {
            "category": "mobile",
            "description": "changed",
            "quantity": 1,
            "unit_price_estimate": "1.00",
            "justification": "x",
            "priority": 1,
        },
        api_list_url=lambda o: reverse("equipment-need-list"),
        api_detail_url=lambda o: reverse("equipment-need-detail", args=[o.pk]),
        api_write=lambda o: {"quantity": 99},
        readers=DRAFT_READERS,
        writers=WRITERS,
        extra_urls={"version": _version_url},
    ),
    IsolationCase(
        name="mediaplans.ConceptComment",
        make=make_comment,
        readers=DRAFT_READERS,
        writers=WRITERS,
        extra_urls={"version": _version_url},
    ),
    IsolationCase(
        name="core.StatusChange (concept version)",
        make=make_transition,
        readers=DRAFT_READERS,
        writers=WRITERS,
        extra_urls={"version": _version_url},
    ),
]
