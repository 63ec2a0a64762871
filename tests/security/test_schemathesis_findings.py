"""Findings of the Schemathesis run outside funding, pinned as tests (issue 17, point 7)."""

import datetime

import pytest

pytestmark = pytest.mark.django_db


def test_partial_update_answers_keep_nullable_keys(world, api_client_for):
    """PATCH answers carry every documented key (a defaulted read-only field was skipped
    in partial answers: Schemathesis ST108 on PATCH /devices/{id}/, `room_name`)."""
    from tests.devices.factories import DeviceFactory

    device = DeviceFactory(school=world.school, school_board=world.board, room=None)
    client = api_client_for(world.user("board_admin"))
    response = client.patch(f"/api/v1/devices/{device.pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["room_name"] is None


def test_unknown_defect_status_is_400(world, api_client_for):
    from devices.models import DefectReport
    from tests.devices.factories import DeviceFactory

    device = DeviceFactory(school=world.school, school_board=world.board)
    report = DefectReport.objects.create(
        device=device,
        school_board=world.board,
        kind="defect",
        description="kaputt",
        reported_on=datetime.date(2026, 3, 1),
    )
    client = api_client_for(world.user("board_admin"))
    response = client.post(
        f"/api/v1/defect-reports/{report.pk}/transition/", {"to_status": "0"}, format="json"
    )
    assert response.status_code == 400
    assert "to_status" in response.json()["errors"]
