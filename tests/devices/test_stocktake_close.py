"""Closing a stocktake lists the missing devices, offers follow-ups, and asks first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import StatusChange
from devices import services as devices_services
from devices.choices import DefectKind, DeviceStatus, StocktakeStatus
from devices.models import DefectReport, Stocktake
from tests.devices.factories import DeviceFactory
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
services = as_actor(devices_services)


@pytest.fixture
def counted(world):
    staff = world.user("school_staff")
    stocktake = services.stocktake_start(actor=staff, school=world.school)
    present = DeviceFactory(school=world.school, inventory_number="HERE-1")
    gone = [DeviceFactory(school=world.school, inventory_number=f"GONE-{i}") for i in range(3)]
    services.stocktake_scan(actor=staff, stocktake=stocktake, code=present.inventory_number)
    return stocktake, present, gone


def test_close_page_lists_the_missing_and_asks_for_confirmation(world, client_for, counted):
    stocktake, present, gone = counted
    page = client_for(world.user("school_staff")).get(
        reverse("devices:stocktake-close", args=[stocktake.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert all(d.inventory_number in body for d in gone) and "HERE-1" not in body
    assert "data-pw-confirm" in body and reverse("core:confirm") in body
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.OPEN  # looking changes nothing


def test_close_with_follow_ups(world, client_for, counted):
    stocktake, present, gone = counted
    client = client_for(world.user("school_staff"))
    response = client.post(
        reverse("devices:stocktake-close", args=[stocktake.pk]),
        {"lost": [gone[0].pk], "search": [gone[1].pk], "note": "Raum 12 prüfen"},
    )
    assert response.status_code == 302
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.CLOSED
    assert stocktake.result["lost"] == [gone[0].pk]
    assert stocktake.result["search_tasks"] == [gone[1].pk]
    for d in gone:
        d.refresh_from_db()
    assert gone[0].status == DeviceStatus.LOST
    report = DefectReport.objects.get(device=gone[0])
    assert report.kind == DefectKind.LOSS and "Raum 12" in report.description
    task = StatusChange.objects.get(object_id=gone[1].pk, action="search_task")
    assert "Raum 12" in task.reason and gone[1].status == DeviceStatus.IN_STOCK
    assert gone[2].status == DeviceStatus.IN_STOCK  # no follow-up chosen
    again = client.get(reverse("devices:stocktake-close", args=[stocktake.pk]))
    assert again.status_code == 302  # closed: the page refuses


@pytest.mark.parametrize("which", ["both", "present", "foreign"])
def test_bad_follow_ups_change_nothing(world, counted, which):
    stocktake, present, gone = counted
    foreign = DeviceFactory(school=world.other_school)
    lost, search = {
        "both": ([gone[0].pk], [gone[0].pk]),
        "present": ([present.pk], []),
        "foreign": ([foreign.pk], []),
    }[which]
    with pytest.raises(ValidationError):
        services.stocktake_close(
            actor=world.user("school_staff"), stocktake=stocktake, lost_ids=lost, search_ids=search
        )
    assert Stocktake.objects.get(pk=stocktake.pk).status == StocktakeStatus.OPEN
    assert not DefectReport.objects.exists()


def test_another_board_cannot_close(world, client_for, counted):
    stocktake, _present, _gone = counted
    client = client_for(world.user("other_board_admin"))
    url = reverse("devices:stocktake-close", args=[stocktake.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert Stocktake.objects.get(pk=stocktake.pk).status == StocktakeStatus.OPEN


def test_the_no_javascript_confirmation_page_reposts_the_fields(world, client_for, counted):
    stocktake, _present, gone = counted
    client = client_for(world.user("school_staff"))
    url = reverse("devices:stocktake-close", args=[stocktake.pk])
    page = client.post(
        reverse("core:confirm"),
        {
            "lost": [gone[0].pk],
            "_confirm_next": url,
            "_confirm_question": "Wirklich abschließen?",
            "_confirm_label": "Abschließen",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Wirklich abschließen?" in body
    assert f'action="{url}"' in body and f'name="lost" value="{gone[0].pk}"' in body
    assert "_confirm_next" not in body
    assert Stocktake.objects.get(pk=stocktake.pk).status == StocktakeStatus.OPEN


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "", "javascript:x"]
)
def test_the_confirmation_page_never_posts_elsewhere(world, client_for, target):
    client = client_for(world.user("board_admin"))
    response = client.post(reverse("core:confirm"), {"_confirm_next": target})
    assert response.status_code == 404
