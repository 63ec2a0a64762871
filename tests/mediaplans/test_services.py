"""Concept services and the version workflow: rules at, below and above their thresholds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone

from core.models import StatusChange
from core.services import EditConflict
from core.tenancy import access_for
from mediaplans import selectors
from mediaplans import services as mediaplans_services
from mediaplans import workflow as mediaplans_workflow
from mediaplans.choices import SECTION_KEYS, ConceptStatus
from mediaplans.models import (
    CompetenceGoal,
    ConceptVersion,
    EquipmentNeed,
    MediaConcept,
)
from mediaplans.templatetags.mbk import render_plain
from tests.factories import RoomFactory
from tests.mediaplans.factories import (
    GoalFactory,
    NeedFactory,
    TrainingFactory,
    adopted_version,
    area,
    concept_with_version,
    fill_version,
)
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
# The code under test runs in its actor's real tenancy scope, as behind a view.
services = as_actor(mediaplans_services)
workflow = as_actor(mediaplans_workflow)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source form here (pages test the German)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _adopt(world, version, actor="school_staff", **kwargs):
    user = world.user(actor)
    params = {"adopted_on": dt.date(2026, 11, 2), "adopted_by_body": "gesamtkonferenz"}
    params.update(kwargs)
    return workflow.version_transition(
        actor=user,
        access=access_for(user),
        version=version,
        to_status=ConceptStatus.ADOPTED,
        **params,
    )


def test_seeded_competence_areas_are_the_six_kmk_areas():
    services.ensure_competence_areas()
    from mediaplans.models import CompetenceArea

    names = list(CompetenceArea.objects.values_list("number", "name"))
    assert names == [
        (1, "Suchen, Verarbeiten und Aufbewahren"),
        (2, "Kommunizieren und Kooperieren"),
        (3, "Produzieren und Präsentieren"),
        (4, "Schützen und sicher Agieren"),
        (5, "Problemlösen und Handeln"),
        (6, "Analysieren und Reflektieren"),
    ]


def test_concept_create_starts_draft_version_one(world):
    concept = services.concept_create(actor=world.user("school_staff"), school=world.school)
    version = concept.versions.get()
    assert (version.number, version.status, version.form) == (1, "draft", "full")
    assert concept.school_board == world.board


def test_second_concept_for_same_school_is_refused(world):
    services.concept_create(actor=world.user("board_staff"), school=world.school)
    with pytest.raises(ValidationError, match="already has"):
        services.concept_create(actor=world.user("board_staff"), school=world.school)
    assert MediaConcept.objects.count() == 1


def test_section_text_is_stored_plain_and_rendered_escaped(world):
    _, version = concept_with_version(world.school)
    services.version_update_section(
        actor=world.user("board_staff"),
        version=version,
        key="goals",
        text="<script>x</script>\r\n\r\n- eins\r\n- zwei\x07",
    )
    version.refresh_from_db()
    assert version.sections["goals"] == "<script>x</script>\n\n- eins\n- zwei"
    html = render_plain(version.sections["goals"])
    assert html == "<p>&lt;script&gt;x&lt;/script&gt;</p><ul><li>eins</li><li>zwei</li></ul>"
    assert render_plain("1. a\n2. b\nText") == "<ol><li>a</li><li>b</li></ol><p>Text</p>"


def test_unknown_section_and_stale_edit_version_are_refused(world):
    _, version = concept_with_version(world.school)
    with pytest.raises(ValidationError):
        services.version_update_section(
            actor=world.user("board_staff"), version=version, key="nope", text="x"
        )
    with pytest.raises(EditConflict, match="changed by someone else"):
        services.version_update_section(
            actor=world.user("board_staff"),
            version=version,
            key="goals",
            text="x",
            expected_version=version.version + 1,
        )
    version.refresh_from_db()
    assert version.sections == {}


@pytest.mark.parametrize(
    "chars,expected", [(149, "started"), (150, "complete"), (151, "complete"), (0, "empty")]
)
def test_section_completeness_threshold(world, chars, expected):
    _, version = concept_with_version(world.school)
    version.sections = {"goals": "x" * chars}
    states = {s.key: s.state for s in selectors.section_states(version)}
    assert states["goals"] == expected


def test_data_section_needs_rows_to_be_complete(world):
    _, version = concept_with_version(world.school)
    version.sections = {"competences": "x" * 200}
    version.save()
    assert {s.key: s.state for s in selectors.section_states(version)}["competences"] == "started"
    GoalFactory(version=version)
    assert {s.key: s.state for s in selectors.section_states(version)}["competences"] == "complete"
    # rows alone (no text) are "started", not empty
    version.sections = {}
    assert {s.key: s.state for s in selectors.section_states(version)}["competences"] == "started"


def test_progress_counts_complete_sections(world):
    _, version = concept_with_version(world.school)
    assert selectors.progress(version) == 0
    fill_version(version)
    assert selectors.progress(version) == 100
    version.sections["summary"] = ""
    assert selectors.progress(version) == 90


def test_adoption_with_empty_required_section_is_refused_and_changes_nothing(world):
    _, version = concept_with_version(world.school)
    fill_version(version)
    version.sections["participation"] = "   "
    version.save()
    with pytest.raises(ValidationError) as exc:
        _adopt(world, version)
    message = str(exc.value)
    assert "Beteiligungsstrukturen" in message or "Participation structures" in message
    version.refresh_from_db()
    assert version.status == "draft" and version.adopted_on is None
    assert not StatusChange.objects.exists()


def test_adoption_needs_date_and_body_and_no_future_date(world):
    _, version = concept_with_version(world.school)
    fill_version(version)
    with pytest.raises(ValidationError) as exc:
        _adopt(world, version, adopted_on=None, adopted_by_body="")
    assert set(exc.value.message_dict) == {"adopted_on", "adopted_by_body"}
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="future"):
        _adopt(world, version, adopted_on=today + dt.timedelta(days=1))
    _adopt(world, version, adopted_on=today)  # today is allowed
    version.refresh_from_db()
    assert version.status == "adopted"


def test_adoption_freezes_and_snapshots_current_state(world):
    RoomFactory(site=world.site, has_wlan=True, has_display=True)
    _, version = concept_with_version(world.school)
    fill_version(version)
    adopted = _adopt(world, version)
    assert adopted.current_state_snapshot["rooms_with_wlan"] == 1
    assert adopted.current_state_snapshot["as_of"]
    transitions = list(StatusChange.objects.values_list("from_status", "to_status"))
    assert transitions == [("draft", "adopted")]
    for call in (
        lambda: services.version_update_section(
            actor=world.user("board_staff"), version=adopted, key="goals", text="neu"
        ),
        lambda: services.goal_create(
            actor=world.user("board_staff"),
            version=adopted,
            data={"area": area(1), "title": "x", "year_from": 1, "year_to": 2},
        ),
        lambda: services.need_update(
            actor=world.user("board_staff"), need=adopted.needs.get(), data={"quantity": 5}
        ),
        lambda: services.training_delete(
            actor=world.user("board_staff"), entry=adopted.training_entries.get()
        ),
    ):
        with pytest.raises(ValidationError, match="frozen"):
            call()
    adopted.refresh_from_db()
    assert adopted.sections["goals"].startswith("goals:")
    assert adopted.needs.get().quantity == 30 and adopted.training_entries.count() == 1


def test_new_version_copies_everything_and_adoption_supersedes(world):
    concept, v1 = adopted_version(world.school, adopted_on=dt.date(2024, 3, 1))
    room = RoomFactory(site=world.site)
    need = v1.needs.get()
    need.rooms.set([room])
    v2 = services.version_new(actor=world.user("board_staff"), concept=concept)
    assert (v2.number, v2.status, v2.based_on_id) == (2, "draft", v1.pk)
    assert v2.sections == v1.sections
    new_need = v2.needs.get()
    assert list(new_need.rooms.all()) == [room]
    # the copied need serves the copied goal, not the old version's goal
    assert list(new_need.goals.all()) == [v2.goals.get()]
    assert v2.training_entries.count() == 1
    with pytest.raises(ValidationError, match="still in progress"):
        services.version_new(actor=world.user("board_staff"), concept=concept)
    services.version_update_section(
        actor=world.user("board_staff"), version=v2, key="summary", text="y" * 200
    )
    with pytest.raises(ValidationError, match="before the adoption"):
        _adopt(world, v2, adopted_on=dt.date(2024, 2, 1))
    _adopt(world, v2)
    v1.refresh_from_db()
    assert v1.status == "superseded" and v1.superseded_on == dt.date(2026, 11, 2)
    assert selectors.adopted_version_for_school(world.school).pk == v2.pk


def test_transition_table_refuses_illegal_moves(world):
    _, version = concept_with_version(world.school)
    user = world.user("school_staff")
    with pytest.raises(ValidationError):
        workflow.version_transition(
            actor=user, access=access_for(user), version=version, to_status=ConceptStatus.SUPERSEDED
        )
    workflow.version_transition(
        actor=user,
        access=access_for(user),
        version=version,
        to_status=ConceptStatus.CONSULTATION,
        note="an die GK",
    )
    workflow.version_transition(
        actor=user, access=access_for(user), version=version, to_status=ConceptStatus.DRAFT
    )
    assert ConceptVersion.objects.get(pk=version.pk).status == "draft"


@pytest.mark.parametrize("actor", ["board_staff", "reviewer", "other_board_admin"])
def test_transition_needs_write_permission(world, actor):
    _, version = concept_with_version(world.school)
    user = world.user(actor)
    # another board's admin does not even find the version in their scope
    with pytest.raises((PermissionDenied, ObjectDoesNotExist)):
        workflow.version_transition(
            actor=user,
            access=access_for(user),
            version=version,
            to_status=ConceptStatus.CONSULTATION,
        )
    assert ConceptVersion.objects.get(pk=version.pk).status == "draft"


def test_short_form_three_goals_then_grow(world):
    concept = services.concept_create(
        actor=world.user("board_staff"),
        school=world.school,
        form="short",
        development_goals=["Lernplattform", "WLAN"],
    )
    version = concept.versions.get()
    assert selectors.progress(version) == 66
    with pytest.raises(ValidationError, match="missing: 3"):
        _adopt(world, version)
    with pytest.raises(ValidationError):
        services.version_update_development_goals(
            actor=world.user("board_staff"), version=version, goals=["a", "b", "c", "d"]
        )
    services.version_update_development_goals(
        actor=world.user("board_staff"),
        version=version,
        goals=["Lernplattform", "WLAN", "Fortbildung"],
    )
    version.refresh_from_db()
    assert selectors.progress(version) == 100
    adopted = _adopt(world, version)
    full = services.version_grow_to_full(actor=world.user("board_staff"), version=adopted)
    assert (full.number, full.form) == (2, "full")
    assert full.sections["goals"] == (
        "Entwicklungsziele der Schule:\n- Lernplattform\n- WLAN\n- Fortbildung"
    )


def test_goal_without_area_and_reversed_years_are_refused(world):
    _, version = concept_with_version(world.school)
    with pytest.raises(ValidationError) as exc:
        services.goal_create(
            actor=world.user("board_staff"),
            version=version,
            data={"area": None, "title": "x", "year_from": 5, "year_to": 6},
        )
    assert "competence area" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.goal_create(
            actor=world.user("board_staff"),
            version=version,
            data={"area": area(2), "title": "x", "year_from": 7, "year_to": 6},
        )
    assert "year_to" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.goal_create(
            actor=world.user("board_staff"),
            version=version,
            data={"area": area(2), "title": "x", "year_from": 0, "year_to": 14},
        )
    assert not CompetenceGoal.objects.exists()


@pytest.mark.parametrize(
    "quantity,price,ok",
    [
        (0, "10.00", False),
        (1, "10.00", True),
        (2, "10.00", True),
        (1, "-0.01", False),
        (1, "0.00", True),
        (1, "0.01", True),
    ],
)
def test_need_quantity_and_price_thresholds(world, quantity, price, ok):
    _, version = concept_with_version(world.school)
    data = {
        "category": "mobile",
        "description": "Tablets",
        "quantity": quantity,
        "unit_price_estimate": Decimal(price),
        "justification": "Projektarbeit",
        "priority": 1,
    }
    if ok:
        need = services.need_create(actor=world.user("board_staff"), version=version, data=data)
        assert need.total_estimate == Decimal(price) * quantity
    else:
        with pytest.raises(ValidationError):
            services.need_create(actor=world.user("board_staff"), version=version, data=data)
        assert not EquipmentNeed.objects.exists()


def test_need_rejects_foreign_room_and_goal_of_other_version(world):
    _, version = concept_with_version(world.school)
    _, other_version = concept_with_version(world.other_school)
    data = {
        "category": "display",
        "description": 'Display 75"',
        "quantity": 1,
        "unit_price_estimate": Decimal("4200"),
        "justification": "Präsentieren",
        "rooms": [world.other_room],
    }
    with pytest.raises(ValidationError, match="not in this school"):
        services.need_create(actor=world.user("board_staff"), version=version, data=data)
    data["rooms"] = []
    data["goals"] = [GoalFactory(version=other_version)]
    with pytest.raises(ValidationError, match="another version"):
        services.need_create(actor=world.user("board_staff"), version=version, data=data)
    assert not EquipmentNeed.objects.filter(version=version).exists()


def test_need_total_is_rounded_half_up():
    need = EquipmentNeed(quantity=3, unit_price_estimate=Decimal("0.005"))
    assert need.total_estimate == Decimal("0.02")


def test_training_period_order(world):
    _, version = concept_with_version(world.school)
    data = {
        "topic": "x",
        "teachers": 3,
        "period_start": dt.date(2027, 2, 2),
        "period_end": dt.date(2027, 2, 1),
    }
    with pytest.raises(ValidationError):
        services.training_create(actor=world.user("board_staff"), version=version, data=data)
    data["period_end"] = dt.date(2027, 2, 2)
    services.training_create(actor=world.user("board_staff"), version=version, data=data)
    data["teachers"] = 0
    with pytest.raises(ValidationError):
        services.training_create(actor=world.user("board_staff"), version=version, data=data)
    assert version.training_entries.count() == 1


def test_compare_versions_section_by_section(world):
    concept, v1 = adopted_version(world.school)
    v2 = services.version_new(actor=world.user("board_staff"), concept=concept)
    services.version_update_section(
        actor=world.user("board_staff"),
        version=v2,
        key="teaching",
        text="Neu: Informatik ab Klasse 5",
    )
    NeedFactory(
        version=v2,
        description="Dokumentenkamera",
        quantity=2,
        unit_price_estimate=Decimal("450.00"),
    )
    TrainingFactory(version=v2, topic="KI im Unterricht")
    v2.refresh_from_db()
    result = selectors.compare_versions(v1, v2)
    assert result["changed_count"] == 1
    teaching = next(s for s in result["sections"] if s["key"] == "teaching")
    assert {"op": "added", "text": "Neu: Informatik ab Klasse 5"} in teaching["lines"]
    assert result["needs"]["added"] == ["2 × Dokumentenkamera (450.00 €)"]
    assert any("KI im Unterricht" in t for t in result["training"]["added"])
    assert tuple(s["key"] for s in result["sections"]) == SECTION_KEYS
