"""Optimistic locking everywhere: two edits of one row never lose a change.

The same stale version from two clients: API → 412 with the current version, pages → the
conflict page (409) with both values. These run on SQLite and PostgreSQL. The threaded
races at the end need PostgreSQL's row locks (see tests/funding/test_concurrency.py).
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from core.services import EditConflict, check_version, edit_token, trim_reason
from devices import services as device_services
from devices.models import Device
from funding.models import Budget, CostLine
from mediaplans import services as concept_services
from mediaplans.models import CompetenceGoal, ConceptVersion
from schools.models import School
from tests.devices.factories import DeviceFactory
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
    complete_school,
)
from tests.mediaplans.factories import ConceptFactory, GoalFactory, VersionFactory

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and serialises writers, so concurrent "
    "transactions cannot race there",
)


@pytest.fixture
def device(world):
    return DeviceFactory(school=world.school, room=world.room, notes="")


@pytest.fixture
def draft(world):
    """A draft Förderantrag of board A with one cost line (as tests/funding's `draft`)."""
    programme = ProgrammeFactory(land=world.land)
    RuleSetFactory(programme=programme)
    Budget.objects.create(
        school_board=world.board, programme=programme, amount=Decimal("1000000.00")
    )
    app = ApplicationFactory(
        school_board=world.board, programme=programme, ruleset=programme.current_ruleset()
    )
    complete_school(app, world.school)
    CostLineFactory(application=app, school=world.school, position=1)
    return app


@pytest.fixture
def version(world):
    concept = ConceptFactory(school=world.school)
    return VersionFactory(concept=concept)


def form_data(response) -> dict:
    """What the browser would send back unchanged (including the hidden version)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


# --- the helpers ----------------------------------------------------------------------


def test_check_version_at_below_and_above(world, device):
    check_version(device, None)
    check_version(device, "")
    check_version(device, device.version)
    check_version(device, f'W/"{device.version}"')
    for wrong in (device.version - 1, device.version + 1):
        with pytest.raises(EditConflict):
            check_version(device, wrong)


def test_rows_without_counter_use_their_timestamp(world, version):
    goal = GoalFactory(version=version)
    token = edit_token(goal)
    assert token.isdigit() and token != str(goal.version_id)
    concept_services.goal_update(actor=None, goal=goal, data={"title": "Neu"})
    goal.refresh_from_db()
    assert edit_token(goal) != token
    with pytest.raises(EditConflict):
        concept_services.goal_update(
            actor=None, goal=goal, data={"title": "Alt"}, expected_version=token
        )
    assert CompetenceGoal.objects.get(pk=goal.pk).title == "Neu"


def test_change_reason_is_trimmed_to_history(world):
    assert trim_reason("x" * 100) == "x" * 100
    assert len(trim_reason("x" * 101)) == 100
    assert trim_reason("  ") is None


def test_service_refuses_stale_version_and_changes_nothing(world, device):
    stale = device.version
    device_services.device_update(actor=None, device=device, data={"notes": "A"})
    with pytest.raises(EditConflict):
        device_services.device_update(
            actor=None,
            device=Device.objects.get(pk=device.pk),
            data={"notes": "B"},
            expected_version=stale,
        )
    assert Device.objects.get(pk=device.pk).notes == "A"


# --- API: ETag / If-Match / 412 ----------------------------------------------------------


def _api_round(api, url, first: dict, second: dict):
    read = api.get(url)
    assert read.status_code == 200
    etag = read["ETag"]
    assert etag == f'"{read.data.get("version", read.data.get("edit_version"))}"'
    ok = api.patch(url, first, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.data
    assert ok["ETag"] != etag
    stale = api.patch(url, second, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412, stale.data
    assert f'"{stale.data["version"]}"' == ok["ETag"]
    return ok


def test_api_device_stale_if_match_is_412(world, device, api_client_for):
    api = api_client_for(world.user("board_staff"))
    url = reverse("device-detail", args=[device.pk])
    _api_round(api, url, {"notes": "von Anna"}, {"notes": "von Ben"})
    assert Device.objects.get(pk=device.pk).notes == "von Anna"


def test_api_device_version_in_body_is_checked(world, device, api_client_for):
    api = api_client_for(world.user("board_staff"))
    url = reverse("device-detail", args=[device.pk])
    v = device.version
    assert api.patch(url, {"notes": "A", "version": v}, format="json").status_code == 200
    stale = api.patch(url, {"notes": "B", "version": v}, format="json")
    assert stale.status_code == 412 and stale.data["version"] == v + 1
    assert Device.objects.get(pk=device.pk).notes == "A"
    # a matching version in the body, or none at all, saves
    assert api.patch(url, {"notes": "C", "version": v + 1}, format="json").status_code == 200
    assert api.patch(url, {"notes": "D"}, format="json").status_code == 200
    assert Device.objects.get(pk=device.pk).notes == "D"


def test_api_if_match_star_and_weak_etag(world, device, api_client_for):
    api = api_client_for(world.user("board_staff"))
    url = reverse("device-detail", args=[device.pk])
    assert api.patch(url, {"notes": "A"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    weak = f'W/"{device.version + 1}"'
    assert api.patch(url, {"notes": "B"}, format="json", HTTP_IF_MATCH=weak).status_code == 200
    assert api.patch(url, {"notes": "C"}, format="json", HTTP_IF_MATCH='"x"').status_code == 412


def test_api_school_stale_if_match_is_412(world, api_client_for):
    api = api_client_for(world.user("board_admin"))
    url = reverse("school-detail", args=[world.school.pk])
    _api_round(api, url, {"name": "Alpha-Gymnasium Nord"}, {"name": "Alpha-Gymnasium Süd"})
    assert School.objects.get(pk=world.school.pk).name == "Alpha-Gymnasium Nord"


def test_api_concept_section_stale_if_match_is_412(world, version, api_client_for):
    api = api_client_for(world.user("school_staff"))
    url = reverse("media-concept-version-detail", args=[version.pk])
    _api_round(api, url, {"sections": {"goals": "Anna"}}, {"sections": {"goals": "Ben"}})
    assert ConceptVersion.objects.get(pk=version.pk).sections["goals"] == "Anna"


def test_api_cost_line_stale_if_match_is_412(world, draft, api_client_for):
    api = api_client_for(world.user("board_staff"))
    line = draft.lines.first()
    url = reverse("funding-costline-detail", args=[line.pk])
    _api_round(api, url, {"quantity": "3"}, {"quantity": "4"})
    assert CostLine.objects.get(pk=line.pk).quantity == Decimal("3")


def test_api_concept_row_without_counter(world, version, api_client_for):
    goal = GoalFactory(version=version)
    api = api_client_for(world.user("school_staff"))
    url = reverse("competence-goal-detail", args=[goal.pk])
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"title": "A"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert api.patch(url, {"title": "B"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    assert CompetenceGoal.objects.get(pk=goal.pk).title == "A"


def test_openapi_documents_etag_if_match_and_412(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    patch = schema["paths"]["/api/v1/devices/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert "412" in patch["responses"]
    assert "ETag" in patch["responses"]["200"]["headers"]
    get = schema["paths"]["/api/v1/devices/{id}/"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]


# --- pages: hidden version, conflict page, re-apply ---------------------------------------


def _ui_round(client_a, client_b, url, change_a: dict, change_b: dict):
    """Both users open the form, A saves, B saves: B gets the conflict page."""
    data_a = form_data(client_a.get(url))
    data_b = form_data(client_b.get(url))
    assert data_a == data_b
    first = client_a.post(url, {**data_a, **change_a})
    assert first.status_code == 302, first.context and first.context["form"].errors
    second = client_b.post(url, {**data_b, **change_b})
    assert second.status_code == 409
    return second


def test_ui_device_conflict_page_shows_both_and_reapplies(world, device, client_for):
    user = world.user("board_staff")
    a, b = client_for(user), client_for(user)
    url = reverse("devices:device-update", args=[device.pk])
    page = _ui_round(a, b, url, {"notes": "von Anna"}, {"notes": "von Ben"})
    html = page.content.decode()
    assert "von Anna" in html and "von Ben" in html
    assert Device.objects.get(pk=device.pk).notes == "von Anna"
    # the conflict page's form carries Ben's input against the current version
    again = form_data(page)
    assert again["notes"] == "von Ben"
    assert again["edit_version"] == str(Device.objects.get(pk=device.pk).version)
    assert b.post(url, again).status_code == 302
    assert Device.objects.get(pk=device.pk).notes == "von Ben"


def test_ui_edit_form_has_hidden_version(world, device, client_for):
    page = client_for(world.user("board_staff")).get(
        reverse("devices:device-update", args=[device.pk])
    )
    assert f'name="edit_version" value="{device.version}"' in page.content.decode()


def test_ui_school_conflict_page(world, client_for):
    user = world.user("board_admin")
    url = reverse("schools:school-update", args=[world.school.pk])
    page = _ui_round(client_for(user), client_for(user), url, {"name": "Nord"}, {"name": "Süd"})
    assert "Nord" in page.content.decode() and "Süd" in page.content.decode()
    assert School.objects.get(pk=world.school.pk).name == "Nord"


def test_ui_concept_section_conflict_page(world, version, client_for):
    user = world.user("school_staff")
    url = reverse("mediaplans:section-edit", args=[version.pk, "goals"])
    page = _ui_round(
        client_for(user), client_for(user), url, {"text": "Text Anna"}, {"text": "Text Ben"}
    )
    assert "Text Anna" in page.content.decode() and "Text Ben" in page.content.decode()
    assert ConceptVersion.objects.get(pk=version.pk).sections["goals"] == "Text Anna"


def test_ui_concept_row_conflict_page(world, version, client_for):
    goal = GoalFactory(version=version, title="Start")
    user = world.user("school_staff")
    url = reverse("mediaplans:goal-update", args=[goal.pk])
    _ui_round(client_for(user), client_for(user), url, {"title": "Anna"}, {"title": "Ben"})
    assert CompetenceGoal.objects.get(pk=goal.pk).title == "Anna"


def test_ui_cost_line_conflict_page(world, draft, client_for):
    line = draft.lines.first()
    user = world.user("board_staff")
    url = reverse("funding:line-update", args=[line.pk])
    page = _ui_round(
        client_for(user),
        client_for(user),
        url,
        {"description": "Zeile Anna"},
        {"description": "Zeile Ben"},
    )
    assert "Zeile Anna" in page.content.decode() and "Zeile Ben" in page.content.decode()
    assert CostLine.objects.get(pk=line.pk).description == "Zeile Anna"


# --- real races (PostgreSQL) ------------------------------------------------------------


def _race(calls):
    """Run the calls at the same moment in threads with their own connections."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        from django.db import connections

        try:
            barrier.wait()
            results[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_race_patches_of_different_fields_never_lose_one(world, device, api_client_for):
    """The measured bug: 19 of 20 rounds lost a field. Now every round keeps both."""
    user = world.user("board_staff")
    url = reverse("device-detail", args=[device.pk])
    a, b = api_client_for(user), api_client_for(user)
    for n in range(20):
        results = _race(
            [
                lambda: a.patch(url, {"notes": f"notes {n}"}, format="json").status_code,
                lambda: b.patch(url, {"supplier": f"supplier {n}"}, format="json").status_code,
            ]
        )
        assert results == [200, 200]
        with scopes_disabled():
            stored = Device.objects.get(pk=device.pk)
        assert (stored.notes, stored.supplier) == (f"notes {n}", f"supplier {n}"), n


@on_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["device", "school", "section", "cost_line"])
def test_race_same_version_exactly_one_wins(world, draft, version, kind, api_client_for):
    user = world.user("board_admin")
    with scopes_disabled():
        target = {
            "device": lambda: (
                reverse("device-detail", args=[DeviceFactory(school=world.school).pk]),
                "notes",
            ),
            "school": lambda: (reverse("school-detail", args=[world.school.pk]), "head_teacher"),
            "section": lambda: (
                reverse("media-concept-version-detail", args=[version.pk]),
                "sections",
            ),
            "cost_line": lambda: (
                reverse("funding-costline-detail", args=[draft.lines.first().pk]),
                "description",
            ),
        }[kind]
        url, field = target()
    a, b = api_client_for(user), api_client_for(user)
    etag = a.get(url)["ETag"]

    def body(who):
        return {"sections": {"goals": who}} if field == "sections" else {field: who}

    results = _race(
        [
            lambda: a.patch(url, body("Anna"), format="json", HTTP_IF_MATCH=etag),
            lambda: b.patch(url, body("Ben"), format="json", HTTP_IF_MATCH=etag),
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 412], [getattr(r, "data", None) for r in results]
    winner = next(r for r in results if r.status_code == 200)
    stored = a.get(url).data
    if field == "sections":
        assert stored["sections"]["goals"] == winner.data["sections"]["goals"]
    else:
        assert stored[field] == winner.data[field]
