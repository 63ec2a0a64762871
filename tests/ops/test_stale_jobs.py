"""A job whose worker died is noticed by heartbeat, started again once, then failed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.jobs import fail_stale_jobs, recover_worker_jobs, register_job
from core.models import Job, WorkerHeartbeat

pytestmark = pytest.mark.django_db


@register_job("test.ops.echo")
def echo(job, progress, **params):
    progress.set_total(1)
    return {"echo": True}


def _running(user, *, worker="w-dead", attempts=1, started_ago=300):
    return Job.objects.create(
        kind="test.ops.echo",
        owner=user,
        status=Job.Status.RUNNING,
        worker_id=worker,
        attempts=attempts,
        started_at=timezone.now() - timedelta(seconds=started_ago),
    )


@pytest.mark.parametrize(("seen_ago", "stale"), [(60, False), (89, False), (91, True)])
def test_heartbeat_age_decides(world, settings, seen_ago, stale):
    settings.JOB_STALE_AFTER_SECONDS = 90
    WorkerHeartbeat.objects.create(
        worker_id="w-dead", seen_at=timezone.now() - timedelta(seconds=seen_ago)
    )
    _running(world.user("board_admin"))
    retried, failed = fail_stale_jobs()
    assert (retried, failed) == ((1, 0) if stale else (0, 0))


def test_stale_job_is_retried_and_then_finishes(world, settings, run_jobs):
    settings.JOB_MAX_ATTEMPTS = 2
    job = _running(world.user("board_admin"), attempts=1)
    with run_jobs():
        assert fail_stale_jobs() == (1, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert fail_stale_jobs() == (0, 0)  # idempotent


def test_after_the_last_attempt_the_job_fails_with_a_clear_message(world, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    from django.utils import translation

    job = _running(world.user("board_admin"), attempts=2)
    with translation.override("en"):
        assert fail_stale_jobs() == (0, 1)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "worker running this job stopped" in job.error and job.finished_at


def test_a_young_job_or_one_without_worker_is_left_alone(world):
    user = world.user("board_admin")
    young = _running(user, started_ago=5)
    immediate = _running(user, worker="")
    assert fail_stale_jobs() == (0, 0)
    for job in (young, immediate):
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING


def test_a_reconnected_worker_gives_back_its_interrupted_jobs(world, run_jobs):
    user = world.user("board_admin")
    mine = _running(user, worker="w-me", started_ago=1)
    other = _running(user, worker="w-other", started_ago=1)
    with run_jobs():
        assert recover_worker_jobs("w-me") == (1, 0)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == Job.Status.SUCCEEDED
    assert other.status == Job.Status.RUNNING


def test_a_finished_job_is_not_run_twice(world, run_jobs):
    from core.jobs import execute_job

    job = Job.objects.create(kind="test.ops.echo", owner=world.user("board_admin"))
    execute_job(job.pk)
    job.refresh_from_db()
    finished = job.finished_at
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.finished_at == finished and job.attempts == 1
