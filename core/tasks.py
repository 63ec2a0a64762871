from django_tasks import TaskContext, task

from core.jobs import execute_job


def _worker_id(context: TaskContext) -> str:
    """The id of the database worker running the task ('' in the immediate backend)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(context.task_result.task.get_backend(), DatabaseBackend):
        return ""
    worker_ids = context.task_result.worker_ids
    return worker_ids[-1] if worker_ids else ""


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> None:
    """django-tasks entry point for every background job."""
    execute_job(job_id, worker_id=_worker_id(context))
