"""Every list sorts by its columns, keeps the user's columns and saved filters, and exports
exactly the filtered, sorted rows (core.listing, core.views.ScopedListView)."""

import csv
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from core.models import Job, ListPreference, SavedFilter
from tests.devices.factories import DeviceFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

URL = "devices:device-list"


def _inventories(response) -> list[str]:
    return [d.inventory_number for d in response.context["object_list"]]


@pytest.fixture
def three(world):
    b = SchoolFactory(school_board=world.board, name="Zeta-Schule")
    return [
        DeviceFactory(school=world.school, inventory_number="B-2", serial_number="S3"),
        DeviceFactory(school=b, inventory_number="A-1", serial_number="S2"),
        DeviceFactory(school=world.school, inventory_number="C-3", serial_number="S1"),
    ]


def test_sorts_ascending_descending_and_marks_the_header(world, client_for, three):
    client = client_for(world.user("board_admin"))
    up = client.get(reverse(URL), {"ordering": "inventory_number"})
    assert _inventories(up) == ["A-1", "B-2", "C-3"]
    body = up.content.decode()
    assert 'aria-sort="ascending"' in body
    assert "ordering=-inventory_number" in body  # the header now offers the other direction
    down = client.get(reverse(URL), {"ordering": "-serial_number"})
    assert _inventories(down) == ["B-2", "A-1", "C-3"]
    assert 'aria-sort="descending"' in down.content.decode()


def test_sorts_by_a_related_column_with_a_stable_tie_breaker(world, client_for, three):
    client = client_for(world.user("board_admin"))
    response = client.get(reverse(URL), {"ordering": "school__name"})
    # Alpha-Gymnasium twice (by id: B-2 before C-3), then Zeta-Schule
    assert _inventories(response) == ["B-2", "C-3", "A-1"]


@pytest.mark.parametrize("bad", ["password", "-school__school_board__id", "notes", "--x", ""])
def test_an_unknown_sort_field_is_ignored_not_an_error(world, client_for, three, bad):
    response = client_for(world.user("board_admin")).get(reverse(URL), {"ordering": bad})
    assert response.status_code == 200
    assert sorted(_inventories(response)) == ["A-1", "B-2", "C-3"]
    assert "aria-sort" not in response.content.decode()


def test_properties_are_not_offered_for_sorting(world, client_for, three):
    response = client_for(world.user("board_admin")).get(reverse(URL))
    headers = {h.column.field: h.url for h in response.context["headers"]}
    assert headers["description"] is None  # a property: the database cannot sort by it
    assert headers["inventory_number"] and headers["school.name"]


def test_api_ordering_uses_the_same_fields(world, api_client_for, three):
    api = api_client_for(world.user("board_admin"))
    rows = api.get("/api/v1/devices/", {"ordering": "-inventory_number"}).json()["results"]
    assert [r["inventory_number"] for r in rows] == ["C-3", "B-2", "A-1"]
    rows = api.get("/api/v1/devices/", {"ordering": "school__name"}).json()["results"]
    assert [r["inventory_number"] for r in rows] == ["B-2", "C-3", "A-1"]


def test_openapi_documents_the_ordering_fields():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = schema["paths"]["/api/v1/devices/"]["get"]["parameters"]
    ordering = next(p for p in params if p["name"] == "ordering")
    assert {"school__name", "-school__name", "inventory_number"} <= set(ordering["schema"]["enum"])


def test_chosen_columns_are_kept_per_user_and_list(world, client_for, three):
    admin = world.user("board_admin")
    client = client_for(admin)
    response = client.post(
        reverse("core:list-columns"),
        {"list_key": URL, "columns": ["serial_number", "status"], "query": "status=in_stock"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?status=in_stock")
    fields = [c.field for c in client.get(reverse(URL)).context["columns"]]
    assert fields == ["inventory_number", "serial_number", "status"]
    # another user still sees every column
    other = client_for(world.user("board_staff")).get(reverse(URL)).context["columns"]
    assert len(other) > 3


def test_unknown_columns_are_refused_and_nothing_is_stored(world, client_for):
    client = client_for(world.user("board_admin"))
    client.post(reverse("core:list-columns"), {"list_key": URL, "columns": ["price_net"]})
    assert not ListPreference.objects.exists()
    response = client.post(reverse("core:list-columns"), {"list_key": "core:job-detail"})
    assert response.status_code == 404


def test_saved_filter_reopens_the_list_and_is_private(world, client_for, three):
    admin = world.user("board_admin")
    client = client_for(admin)
    client.post(
        reverse("core:saved-filter-create"),
        {
            "list_key": URL,
            "name": "Alpha A-Z",
            "query": f"school={world.school.pk}&ordering=inventory_number",
        },
    )
    saved = SavedFilter.objects.get()
    assert saved.user == admin
    assert "Alpha A-Z" in client.get(reverse(URL)).content.decode()
    opened = client.get(reverse("core:saved-filter", args=[saved.pk]), follow=True)
    assert _inventories(opened) == ["B-2", "C-3"]
    stranger = client_for(world.user("board_staff"))
    assert stranger.get(reverse("core:saved-filter", args=[saved.pk])).status_code == 404
    assert stranger.post(reverse("core:saved-filter-delete", args=[saved.pk])).status_code == 404
    assert "Alpha A-Z" not in stranger.get(reverse(URL)).content.decode()
    assert SavedFilter.objects.count() == 1
    client.post(reverse("core:saved-filter-delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_saved_filter_needs_a_sensible_name(world, client_for, name):
    client = client_for(world.user("board_admin"))
    response = client.post(
        reverse("core:saved-filter-create"), {"list_key": URL, "name": name}, follow=True
    )
    assert not SavedFilter.objects.exists()
    assert any("name" in str(m).lower() for m in response.context["messages"])


def test_export_is_exactly_the_filtered_sorted_list_with_the_chosen_columns(
    world, client_for, three
):
    client = client_for(world.user("board_admin"))
    client.post(reverse("core:list-columns"), {"list_key": URL, "columns": ["serial_number"]})
    response = client.get(
        reverse(URL), {"school": world.school.pk, "ordering": "-inventory_number", "export": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Inventarnummer", "Seriennummer"], ["C-3", "S1"], ["B-2", "S3"]]
    xlsx = client.get(reverse(URL), {"export": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_export_never_contains_another_boards_rows(world, client_for, three):
    DeviceFactory(school=world.other_school, inventory_number="FOREIGN-1")
    client = client_for(world.user("board_admin"))
    body = client.get(reverse(URL), {"export": "csv"}).content.decode("utf-8-sig")
    assert "FOREIGN-1" not in body and "A-1" in body


@pytest.mark.parametrize("limit, as_job", [(2, True), (3, False), (4, False)])
def test_a_large_export_runs_as_a_background_job(world, client_for, three, run_jobs, limit, as_job):
    client = client_for(world.user("board_admin"))
    with override_settings(LIST_EXPORT_INLINE_MAX=limit), run_jobs():
        response = client.get(reverse(URL), {"ordering": "inventory_number", "export": "csv"})
    if not as_job:
        assert response.status_code == 200 and not Job.objects.exists()
        return
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.kind == "core.list_export" and job.status == Job.Status.SUCCEEDED
    assert job.progress_total == 3
    result = client.get(reverse("core:job-result", args=[job.pk]))
    content = b"".join(result.streaming_content) if result.streaming else result.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["A-1", "B-2", "C-3"]


def test_every_list_view_is_sortable_by_at_least_one_column():
    """Each generic list offers sorting (its columns resolve to model fields)."""
    from django.urls import get_resolver

    from core.listing import ordering_fields_for
    from core.views import ScopedListView

    seen = 0
    for view_class in _list_views(get_resolver()):
        if not view_class.columns:
            continue  # a list with its own template (e.g. the concepts' cards)
        assert ordering_fields_for(view_class.model, view_class.columns), view_class
        seen += 1
    assert seen >= 10
    assert ScopedListView


def _list_views(resolver):
    from core.views import ScopedListView

    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _list_views(pattern)
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None and issubclass(view_class, ScopedListView):
            yield view_class
