"""The scheduler: a table of jobs, due by interval, idempotent, every run recorded."""

import datetime as dt
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from core.models import Job, ScheduledRun
from core.scheduler import SCHEDULE, ScheduledJob, load_schedule, tick

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymise_loans",
    "prune_task_results",
    "cleanup_import_files",
    "cleanup_job_results",
    "fail_stale_jobs",
    "prune_worker_heartbeats",
}


def test_the_table_holds_every_duty():
    assert set(load_schedule()) >= EXPECTED


def test_first_tick_runs_everything_then_nothing_until_due():
    runs = tick()
    assert {r.name for r in runs} >= EXPECTED
    assert all(r.outcome == "ok" for r in runs), [(r.name, r.message) for r in runs]
    assert tick() == []  # nothing due a moment later
    # one interval later the job is due again (at the threshold, not before)
    run = ScheduledRun.objects.filter(name="fail_stale_jobs").get()
    run.started_at = timezone.now() - timedelta(minutes=1)
    run.save()
    assert [r.name for r in tick()] == ["fail_stale_jobs"]


def test_a_failing_job_is_recorded_and_the_others_still_run(monkeypatch):
    def broken():
        raise RuntimeError("mail server down")

    monkeypatch.setitem(SCHEDULE, "broken", ScheduledJob("broken", timedelta(hours=1), broken))
    runs = {r.name: r for r in tick()}
    assert runs["broken"].outcome == "failed"
    assert "RuntimeError: mail server down" in runs["broken"].message
    assert runs["anonymise_loans"].outcome == "ok"
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "scheduler_status", "--fail-on-error", "--language", "en", stdout=out, stderr=StringIO()
        )
    assert "broken" in out.getvalue() and "failed" in out.getvalue()


def test_abandoned_running_rows_are_closed_on_the_next_tick():
    ScheduledRun.objects.create(name="anonymise_loans", started_at=timezone.now())
    tick(only=["fail_stale_jobs"])
    abandoned = ScheduledRun.objects.get(name="anonymise_loans")
    assert abandoned.outcome == "failed" and "stopped" in abandoned.message


def test_command_once_force_and_status():
    out = StringIO()
    call_command("scheduler", "--once", "--job", "anonymise_loans", stdout=out)
    assert out.getvalue().startswith("anonymise_loans: erfolgreich")
    call_command("scheduler", "--once", "--job", "anonymise_loans", stdout=out)  # not due
    call_command("scheduler", "--once", "--job", "anonymise_loans", "--force", stdout=out)
    assert ScheduledRun.objects.filter(name="anonymise_loans").count() == 2
    status = StringIO()
    call_command("scheduler_status", "--language", "en", stdout=status)
    assert "anonymise_loans" in status.getvalue() and "never" in status.getvalue()


def test_unknown_job_is_a_clear_error_and_runs_nothing():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Unbekannte Aufgabe"):
        call_command("scheduler", "--once", "--job", "nope")
    with pytest.raises(CommandError, match="Unknown job"):
        call_command("scheduler", "--once", "--job", "nope", "--language", "en")
    assert not ScheduledRun.objects.exists()


def test_anonymise_loans_runs_from_the_schedule(world, settings):
    from devices.models import Loan
    from tests.devices.factories import make_loan

    settings.PAKTWERK = {**settings.PAKTWERK, "LOAN_RETENTION_MONTHS": 6}
    loan = make_loan(world, status="handed_out")
    Loan.objects.filter(pk=loan.pk).update(
        status="returned",
        returned_on=dt.date(2020, 1, 10),
        pupil_left_on=dt.date(2020, 1, 10),
    )
    (run,) = tick(only=["anonymise_loans"])
    assert run.outcome == "ok" and run.message.startswith("1 loan(s)")
    loan.refresh_from_db()
    assert loan.borrower_name == "anonymisiert"
    (again,) = tick(only=["anonymise_loans"], force=True)  # idempotent
    assert again.message.startswith("0 loan(s)")


@pytest.mark.parametrize(("age_days", "deleted"), [(29, False), (31, True)])
def test_import_files_are_deleted_after_the_retention(world, settings, age_days, deleted):
    from imports.models import ImportRun
    from tests.imports.isolation_cases import make_run

    settings.IMPORT_FILE_RETENTION_DAYS = 30
    run = make_run(world, "own", "M")
    path = run.file.path
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    tick(only=["cleanup_import_files"])
    run.refresh_from_db()
    assert (run.file.name == "") is deleted
    assert (run.status == "failed") is deleted  # an open upload that old is abandoned
    import os

    assert os.path.exists(path) is not deleted
    (again,) = tick(only=["cleanup_import_files"], force=True)
    assert again.outcome == "ok" and again.message.startswith("0 ")


@pytest.mark.parametrize(("age_days", "deleted"), [(13, False), (15, True)])
def test_job_results_are_deleted_after_the_retention(world, settings, age_days, deleted):
    settings.JOB_RESULT_RETENTION_DAYS = 14
    job = Job.objects.create(
        kind="x",
        owner=world.user("board_admin"),
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now() - timedelta(days=age_days),
    )
    job.result_file.save("r.pdf", ContentFile(b"pdf"))
    path = job.result_file.path
    running = Job.objects.create(kind="x", owner=job.owner, status=Job.Status.RUNNING)
    tick(only=["cleanup_job_results"])
    assert Job.objects.filter(pk=job.pk).exists() is not deleted
    import os

    assert os.path.exists(path) is not deleted
    assert Job.objects.filter(pk=running.pk).exists()  # unfinished jobs are never touched


@pytest.mark.parametrize(("age_days", "deleted"), [(13, False), (15, True)])
def test_task_results_are_pruned_after_the_retention(settings, age_days, deleted):
    from django_tasks_db.models import DBTaskResult

    settings.TASK_RESULT_RETENTION_DAYS = 14
    result = DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="core.tasks.run_job",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now() - timedelta(days=age_days),
        exception_class_path="",
        traceback="",
    )
    tick(only=["prune_task_results"])
    assert DBTaskResult.objects.filter(pk=result.pk).exists() is not deleted
