"""Inbox, header badge, preferences, to-do lists, calendar feed and the API."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from devices.models import Loan
from notifications import services
from notifications.choices import Kind
from notifications.models import Notification
from notifications.services import Message, notify
from tests.devices.factories import DeviceFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def note(user, key, kind=Kind.PAID, board=None, obj="FA-1"):
    notify(
        Message(kind=kind, board_id=board, url="/", dedupe_key=key, params={"object": obj}), [user]
    )
    return Notification.objects.get(recipient=user, dedupe_key=key)


def test_badge_inbox_filter_mark_read(world, client_for):
    user = world.user("board_staff")
    a = note(user, "a", board=world.board.pk, obj="FA-A")
    note(user, "b", kind=Kind.DECIDED, board=world.board.pk, obj="FA-B")
    note(world.user("board_admin"), "c", board=world.board.pk, obj="FA-C")  # a colleague's
    client = client_for(user)
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">2<' in home
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "FA-A" in inbox and "FA-B" in inbox and "FA-C" not in inbox
    only = client.get(reverse("notifications:inbox"), {"kind": Kind.DECIDED}).content.decode()
    assert "FA-B" in only and "FA-A" not in only
    assert client.post(reverse("notifications:mark-read", args=[a.pk])).status_code == 302
    unread = client.get(reverse("notifications:inbox"), {"state": "unread"}).content.decode()
    assert "FA-A" not in unread and "FA-B" in unread
    assert 'data-testid="unread-count">1<' in client.get("/").content.decode()
    client.post(reverse("notifications:mark-all-read"))
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    assert Notification.objects.get(dedupe_key="c").read_at is None  # the colleague's stays


def test_another_users_notification_is_404(world, client_for):
    theirs = note(world.user("board_admin"), "x", board=world.board.pk)
    client = client_for(world.user("board_staff"))
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_marks_read_and_follows_the_link(world, client_for):
    mine = note(world.user("board_staff"), "y", board=world.board.pk)
    response = client_for(world.user("board_staff")).get(
        reverse("notifications:open", args=[mine.pk])
    )
    assert response.status_code == 302 and response["Location"] == "/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_leaving_the_board_hides_its_notifications(world, client_for):
    user = world.user("board_staff")
    note(user, "z", board=world.board.pk, obj="FA-GONE")
    user.memberships.all().delete()
    assert "FA-GONE" not in client_for(user).get(reverse("notifications:inbox")).content.decode()


def test_inbox_query_count_is_constant(world, client_for):
    user = world.user("board_staff")
    client = client_for(user)
    counter = iter(range(1000))

    def add(n):
        for _i in range(n):
            note(user, f"q{next(counter)}", board=world.board.pk)

    assert_constant_queries(lambda: client.get(reverse("notifications:inbox")), add)


def test_preferences_page_saves_language_and_kinds(world, client_for):
    user = world.user("board_staff")
    client = client_for(user)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    data = {"language": "en", **{f"kind_{k}": "immediate" for k in Kind.values}}
    data["kind_paid"] = "off"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert services.profile_of(user).language == "en"
    assert services.deliveries_for([user], Kind.PAID)[user.pk] == "off"
    data["kind_paid"] = "weekly"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200  # the form shows the error, nothing changed
    assert services.deliveries_for([user], Kind.PAID)[user.pk] == "off"


def _loan(world, due, name="Mia Schmidt-Kowalski"):
    return Loan.objects.create(
        school_board=world.board,
        school=world.school,
        borrower_kind="pupil",
        borrower_name=name,
        school_class="7b",
        guardian_name="Karin S.",
        guardian_contact="0391 1",
        school_year="2025/26",
        start_date=TODAY - dt.timedelta(days=100),
        due_date=due,
        status="handed_out",
    )


def test_todo_counts_equal_the_lists_they_open(world, client_for, draft):
    for days in (3, 1, 2):
        _loan(world, TODAY - dt.timedelta(days=days))
    _loan(world, TODAY + dt.timedelta(days=5))  # not overdue
    entry = draft.schools.get(school=world.school)
    type(entry).objects.filter(pk=entry.pk).update(
        tpek_status="requested", tpek_deadline=TODAY + dt.timedelta(days=9)
    )
    for actor, expected in (
        ("board_staff", {"overdue_loans": 3, "tpek": 1}),
        ("school_staff", {"overdue_loans": 3, "tpek": 1}),
        ("other_board_admin", {}),
    ):
        client = client_for(world.user(actor))
        home = client.get("/").content.decode()
        for key, count in expected.items():
            assert f'data-testid="todo-count-{key}">{count}<' in home, (actor, key)
            page = client.get(reverse("notifications:todo", args=[key])).content.decode()
            assert page.count('data-testid="todo-row"') == count, (actor, key)
        if not expected:
            assert "todo-count-" not in home
    # most urgent first: the overdue loans (since 3 days) come before the TPEK due in 9 days
    home = client_for(world.user("board_staff")).get("/").content.decode()
    assert home.index("todo-count-overdue_loans") < home.index("todo-count-tpek")
    page = (
        client_for(world.user("board_staff"))
        .get(reverse("notifications:todo", args=["overdue_loans"]))
        .content.decode()
    )
    assert "Mia" not in page  # loans by contract number only
    assert (
        client_for(world.user("board_staff"))
        .get(reverse("notifications:todo", args=["nonsense"]))
        .status_code
        == 404
    )


def test_reviewer_todo_oldest_first(world, client_for, draft, django_capture_on_commit_callbacks):
    from core.tenancy import access_for
    from funding import services as funding_services
    from tests.scoping import as_actor

    funding = as_actor(funding_services)
    staff = world.user("board_staff")
    funding.application_submit(actor=staff, access=access_for(staff), application=draft)
    client = client_for(world.user("reviewer"))
    home = client.get("/").content.decode()
    assert 'data-testid="todo-count-waiting_content_check">1<' in home
    page = client.get(reverse("notifications:todo", args=["waiting_content_check"]))
    assert page.content.decode().count('data-testid="todo-row"') == 1


def test_feed_token_create_use_revoke(world, client_for):
    user = world.user("school_staff")
    _loan(world, TODAY + dt.timedelta(days=30))
    DeviceFactory(school=world.school)
    client = client_for(user)
    client.post(reverse("notifications:feed-create"))
    token = services.profile_of(user).feed_token
    assert len(token) > 30
    url = reverse("notifications:feed", args=[token])
    anonymous = client_for(None)
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "Mia" not in body and "Schmidt" not in body and "7b" not in body
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1 and "LV-" in str(events[0]["SUMMARY"])
    client.post(reverse("notifications:feed-revoke"))
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(reverse("notifications:feed", args=["x" * 43])).status_code == 404


def test_feed_shows_only_what_its_owner_sees(world, client_for):
    _loan(world, TODAY + dt.timedelta(days=30))
    profile = services.feed_token_create(actor=world.user("other_board_admin"))
    body = (
        client_for(None)
        .get(reverse("notifications:feed", args=[profile.feed_token]))
        .content.decode()
    )
    assert "VEVENT" not in body


# --- API ---------------------------------------------------------------------------
def test_api_inbox_and_mark_read(world, api_client_for):
    user = world.user("board_staff")
    a = note(user, "a", board=world.board.pk, obj="FA-A")
    note(user, "b", kind=Kind.DECIDED, board=world.board.pk)
    theirs = note(world.user("board_admin"), "c", board=world.board.pk)
    api = api_client_for(user)
    data = api.get(reverse("notification-list")).json()
    assert data["count"] == 2
    assert {r["id"] for r in data["results"]} == {a.pk, a.pk + 1}
    assert data["results"][-1]["title"] == "FA-A wurde ausgezahlt"
    assert api.get(reverse("notification-list"), {"kind": "decided"}).json()["count"] == 1
    assert api.get(reverse("notification-detail", args=[theirs.pk])).status_code == 404
    r = api.post(reverse("notification-mark-read"), {"ids": [a.pk, theirs.pk]}, format="json")
    assert r.json() == {"updated": 1}
    assert api.get(reverse("notification-list"), {"state": "unread"}).json()["count"] == 1
    assert api.post(reverse("notification-mark-all-read"), {}, format="json").json() == {
        "updated": 1
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_preferences_etag_and_412(world, api_client_for):
    api = api_client_for(world.user("board_staff"))
    url = reverse("notification-preferences")
    got = api.get(url)
    etag = got["ETag"]
    assert got.json()["deliveries"]["paid"] == "immediate"
    r = api.patch(
        url, {"deliveries": {"paid": "digest"}, "language": "en"}, format="json", HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["deliveries"]["paid"] == "digest"
    stale = api.patch(url, {"language": "de"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    bad = api.patch(url, {"deliveries": {"paid": "weekly"}}, format="json")
    assert bad.status_code == 400
    assert api.get(url).json()["language"] == "en"


def test_api_feed_token(world, api_client_for, client_for):
    api = api_client_for(world.user("board_staff"))
    url = reverse("calendar-feed")
    created = api.post(url)
    assert created.status_code == 201
    feed_url = created.json()["url"]
    path = feed_url.split("testserver", 1)[1]
    assert client_for(None).get(path).status_code == 200
    assert api.delete(url).status_code == 204
    assert client_for(None).get(path).status_code == 404
    assert api.get(url).json()["url"] == ""


def test_api_is_in_the_openapi_schema(world, api_client_for):
    schema = api_client_for(world.user("board_staff")).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/notifications/",
        "/api/v1/notifications/mark-read/",
        "/api/v1/notification-preferences/",
        "/api/v1/calendar-feed/",
    ):
        assert path in schema["paths"], path
