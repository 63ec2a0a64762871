"""`manage.py scheduler_status`: last run and outcome of every scheduled job."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.management.base import LocalizedCommand
from core.models import ScheduledRun, WorkerHeartbeat
from core.scheduler import is_due, last_runs, load_schedule


class Command(LocalizedCommand):
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
        headers = (_("job"), _("every"), _("last run (UTC)"), _("outcome"), _("due"))
        self.stdout.write("{:<26} {:>9}  {:<20} {:<10} {}".format(*headers))
        for name, job in schedule.items():
            run = latest.get(name)
            when = f"{run.started_at:%Y-%m-%d %H:%M:%S}" if run else _("never")
            outcome = run.get_outcome_display() if run else "-"
            if run and run.outcome == ScheduledRun.Outcome.FAILED:
                failed.append(name)
            due = _("yes") if is_due(job, run, now) else _("no")
            every = str(job.every)
            self.stdout.write(f"{name:<26} {every:>9}  {when:<20} {outcome:<10} {due}")
            if run and run.message:
                self.stdout.write(f"    {run.message[:200]}")
        self.stdout.write("")
        for beat in WorkerHeartbeat.objects.all()[:20]:
            age = int((now - beat.seen_at).total_seconds())
            self.stdout.write(
                _("worker %(id)s on %(host)s:%(pid)s, seen %(age)s s ago")
                % {"id": beat.worker_id, "host": beat.hostname, "pid": beat.pid, "age": age}
            )
        if fail_on_error and failed:
            self.stderr.write(_("failed: %(jobs)s") % {"jobs": ", ".join(failed)})
            raise SystemExit(1)
