"""Reminder jobs: each rule at, below and above its threshold; run twice → notify once."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import Job
from core.scheduler import tick
from devices.models import DefectReport
from funding.models import Decision
from notifications import reminders
from notifications.choices import Kind
from notifications.models import Notification
from tests.devices.factories import DeviceFactory
from tests.factories import SchoolBoardFactory, SchoolFactory, user_with_role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def approved(draft, *, period_end):
    """The draft as an approved application whose approval period ends on `period_end`."""
    type(draft).objects.filter(pk=draft.pk).update(status="approved")
    Decision.objects.create(
        school_board=draft.school_board,
        application=draft,
        kind="full",
        number=f"Z-{draft.pk}",
        date=TODAY,
        approved_amount=Decimal("1000"),
        eligible_amount=Decimal("1100"),
        rate=Decimal("90"),
        period_end=period_end,
        decided_by=user_with_role("reviewer", draft.school_board.land),
    )
    return draft


@pytest.mark.parametrize(("days_left", "expected"), [(59, 1), (60, 1), (61, 0)])
def test_proof_due_at_below_above_the_window(world, draft, settings, days_left, expected):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "PROOF_DUE_DAYS": 60}
    months = draft.ruleset.proof_of_use_months
    from funding.rules import add_months

    # the proof is due `months` after the period end: choose the end so it is due in N days
    due = TODAY + dt.timedelta(days=days_left)
    end = due
    while add_months(end, months) > due:
        end -= dt.timedelta(days=1)
    assert add_months(end, months) == due
    approved(draft, period_end=end)
    assert reminders.proof_due_reminders() == expected * 2  # board admin and staff
    assert reminders.proof_due_reminders() == 0  # run twice: notify once
    assert kinds(world.user("board_admin")) == ([Kind.PROOF_DUE] if expected else [])
    assert kinds(world.user("other_board_admin")) == []


def test_loan_overdue_only_after_the_due_date(world):
    from devices.models import Loan

    def loan(due):
        return Loan.objects.create(
            school_board=world.board,
            school=world.school,
            borrower_kind="teacher",
            borrower_name="L. Lehrer",
            staff_reference="P-1",
            borrower_is_minor=False,
            school_year="2025/26",
            start_date=TODAY - dt.timedelta(days=90),
            due_date=due,
            status="handed_out",
        )

    loan(TODAY)  # due today: not overdue yet
    late = loan(TODAY - dt.timedelta(days=1))
    assert reminders.loan_overdue_reminders() == 1
    assert reminders.loan_overdue_reminders() == 0
    note = Notification.objects.get()
    assert note.recipient == world.user("school_staff")
    assert note.params["object"] == late.contract_number
    # the loan is extended and overdue again later: a new reminder for the new date
    type(late).objects.filter(pk=late.pk).update(due_date=TODAY - dt.timedelta(days=2))
    assert reminders.loan_overdue_reminders() == 1


@pytest.mark.parametrize(("age", "expected"), [(4, 0), (5, 0), (6, 1)])
def test_defect_overdue_after_the_response_time(world, settings, age, expected):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "DEFECT_RESPONSE_DAYS": 5}
    device = DeviceFactory(school=world.school, status="in_use", room=world.room)
    DefectReport.objects.create(
        school_board=world.board,
        device=device,
        kind="defect",
        description="kaputt",
        reported_on=TODAY - dt.timedelta(days=age),
    )
    created = reminders.defect_overdue_reminders()
    assert created == expected * 3  # board admin, consultant (IT), school staff
    assert reminders.defect_overdue_reminders() == 0


@pytest.mark.parametrize(("days", "expected"), [(-1, 0), (0, 1), (90, 1), (91, 0)])
def test_earmarking_and_warranty_window(world, settings, days, expected):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "ENDING_DAYS": 90}
    end = TODAY + dt.timedelta(days=days)
    for _n in range(4):
        DeviceFactory(school=world.school, earmarking_end=end, warranty_end=end)
    other = SchoolFactory(school_board=world.other_board)
    DeviceFactory(school=other, earmarking_end=end)
    assert reminders.ending_reminders("earmarking_end", Kind.EARMARKING_ENDING) == expected * 3
    assert reminders.ending_reminders("warranty_end", Kind.WARRANTY_ENDING) == expected * 2
    assert reminders.ending_reminders("earmarking_end", Kind.EARMARKING_ENDING) == 0
    if expected:
        note = Notification.objects.get(
            recipient=world.user("board_admin"), kind=Kind.EARMARKING_ENDING
        )
        assert note.params["object"].endswith("+1")  # 4 devices in one notice
        assert kinds(world.user("other_board_admin")) == [Kind.EARMARKING_ENDING]


def test_job_finished_and_failed_tell_their_owner(world):
    from django.utils import timezone

    owner = world.user("board_staff")
    Job.objects.create(
        kind="core.selftest",
        owner=owner,
        title="Export",
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now(),
    )
    Job.objects.create(
        kind="core.selftest",
        owner=owner,
        title="Import",
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
    )
    Job.objects.create(kind="core.selftest", owner=owner, status=Job.Status.RUNNING)
    assert reminders.job_notifications() == 2
    assert reminders.job_notifications() == 0
    assert kinds(owner) == [Kind.JOB_FAILED, Kind.JOB_FINISHED]
    assert kinds(world.user("board_admin")) == []


def test_the_scheduler_runs_the_reminder_job_twice_and_sends_once(world):
    board = SchoolBoardFactory(land=world.land)
    user_with_role("board_admin", board, "gamma_admin")
    DeviceFactory(school=SchoolFactory(school_board=board), warranty_end=TODAY)
    tick(only=["notifications_reminders"], force=True)
    tick(only=["notifications_reminders"], force=True)
    assert Notification.objects.filter(kind=Kind.WARRANTY_ENDING).count() == 1
