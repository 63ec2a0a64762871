"""Notifications come from the workflow engine's on-commit hook: who is told what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from core.tenancy import access_for
from devices import services as device_services
from funding import services as funding_services
from notifications.choices import Kind, MailState
from notifications.models import Notification
from tests.devices.factories import DeviceFactory
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
funding = as_actor(funding_services)
devices = as_actor(device_services)
TODAY = dt.date.today()


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def submit(world, app):
    user = world.user("board_staff")
    return funding.application_submit(actor=user, access=access_for(user), application=app)


def request_changes(world, app, deadline):
    reviewer = world.user("reviewer")
    return funding.application_request_changes(
        actor=reviewer,
        access=access_for(reviewer),
        application=app,
        reason="Die pädagogische Begründung fehlt.",
        deadline=deadline,
    )


def test_submit_tells_the_content_check_only(
    mailed, draft, approver, django_capture_on_commit_callbacks
):
    world = mailed
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, draft)
    assert kinds_of(world.user("reviewer")) == [Kind.SUBMITTED]
    for name in ("board_admin", "board_staff", "school_staff", "other_board_admin"):
        assert kinds_of(world.user(name)) == [], name
    assert kinds_of(approver) == []  # the Landesverwaltungsamt waits for the forward
    note = Notification.objects.get(recipient=world.user("reviewer"))
    assert note.url == draft.get_absolute_url()
    assert note.school_board_id == world.board.pk
    # the e-mail went out through the task after the commit (locmem backend here)
    assert note.mail_state == MailState.SENT
    assert [m.to for m in mail.outbox] == [["land_reviewer@example.org"]]


def test_changes_requested_resubmitted_forwarded_decided(
    mailed, draft, approver, django_capture_on_commit_callbacks
):
    world = mailed
    deadline = TODAY + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, draft)
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(world, draft, deadline)
    for name in ("board_admin", "board_staff"):
        note = Notification.objects.get(recipient=world.user(name), kind=Kind.CHANGES_REQUESTED)
        assert note.due_date == deadline
        assert note.params["reason"] == "Die pädagogische Begründung fehlt."
    assert kinds_of(world.user("other_board_admin")) == []
    assert Kind.CHANGES_REQUESTED not in kinds_of(world.user("school_staff"))

    with django_capture_on_commit_callbacks(execute=True):
        submit(world, draft)
    assert Kind.RESUBMITTED in kinds_of(world.user("reviewer"))

    reviewer = world.user("reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        funding.application_forward(actor=reviewer, access=access_for(reviewer), application=draft)
    assert kinds_of(approver) == [Kind.FORWARDED]

    with django_capture_on_commit_callbacks(execute=True):
        funding.decision_make(
            actor=approver, access=access_for(approver), application=draft, kind="full", date=TODAY
        )
    note = Notification.objects.get(recipient=world.user("board_admin"), kind=Kind.DECIDED)
    assert note.params["outcome"] == "approved"
    assert kinds_of(world.user("other_board_admin")) == []


def test_a_refused_step_notifies_nobody(mailed, draft, django_capture_on_commit_callbacks):
    world = mailed
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, draft)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        request_changes(world, draft, TODAY - dt.timedelta(days=1))  # deadline in the past
    assert Notification.objects.count() == before


def test_tpek_request_tells_the_school(mailed, draft, django_capture_on_commit_callbacks):
    world = mailed
    entry = draft.schools.get(school=world.school)
    due = TODAY + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        funding.tpek_request(actor=world.user("board_admin"), app_school=entry, deadline=due)
    note = Notification.objects.get(recipient=world.user("school_staff"))
    assert note.kind == Kind.TPEK_REQUESTED and note.due_date == due
    assert kinds_of(world.user("board_staff")) == []


def test_defect_report_tells_the_board_it_and_the_school(
    mailed, settings, django_capture_on_commit_callbacks
):
    world = mailed
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "DEFECT_RESPONSE_DAYS": 3}
    device = DeviceFactory(school=world.school, status="in_use", room=world.room)
    with django_capture_on_commit_callbacks(execute=True):
        devices.defect_report_create(
            actor=world.user("school_staff"),
            device=device,
            data={"kind": "defect", "description": "Display gesprungen", "reported_on": TODAY},
        )
    for name in ("board_admin", "consultant", "school_staff"):
        note = Notification.objects.get(recipient=world.user(name))
        assert note.kind == Kind.DEFECT_REPORTED
        assert note.due_date == TODAY + dt.timedelta(days=3)
    assert kinds_of(world.user("board_staff")) == []  # not the board's IT role
    assert kinds_of(world.user("other_board_admin")) == []


def test_hook_runs_twice_notifies_once(mailed, draft, django_capture_on_commit_callbacks):
    from core.models import StatusChange
    from notifications.hooks import on_status_change

    world = mailed
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, draft)
    change = StatusChange.objects.filter(to_status="submitted").latest("id")
    on_status_change(change)
    assert Notification.objects.filter(recipient=world.user("reviewer")).count() == 1
