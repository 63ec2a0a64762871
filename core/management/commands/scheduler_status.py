"""`manage.py scheduler_status`: last run and outcome of every scheduled job."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.models import ScheduledRun, WorkerHeartbeat
from core.scheduler import is_due, last_runs, load_schedule


class Command(BaseCommand):
    help = "Show each scheduled job's last run, outcome and whether it is due; and the workers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fail-on-error",
            action="store_true",
            help="Exit with status 1 if a job's last run failed (for monitoring).",
        )

    def handle(self, *args, fail_on_error=False, **options):
        schedule = load_schedule()
        latest = last_runs()
        now = timezone.now()
        failed = []
        self.stdout.write(f"{'job':<26} {'every':>9}  {'last run (UTC)':<20} {'outcome':<8} due")
        for name, job in schedule.items():
            run = latest.get(name)
            when = f"{run.started_at:%Y-%m-%d %H:%M:%S}" if run else "never"
            outcome = run.outcome if run else "-"
            if run and run.outcome == ScheduledRun.Outcome.FAILED:
                failed.append(name)
            due = "yes" if is_due(job, run, now) else "no"
            every = str(job.every)
            self.stdout.write(f"{name:<26} {every:>9}  {when:<20} {outcome:<8} {due}")
            if run and run.message:
                self.stdout.write(f"    {run.message[:200]}")
        self.stdout.write("")
        for beat in WorkerHeartbeat.objects.all()[:20]:
            age = int((now - beat.seen_at).total_seconds())
            self.stdout.write(
                f"worker {beat.worker_id} on {beat.hostname}:{beat.pid}, seen {age} s ago"
            )
        if fail_on_error and failed:
            self.stderr.write(f"failed: {', '.join(failed)}")
            raise SystemExit(1)
