from django_tasks import task

from core.jobs import execute_job


@task()
def run_job(job_id: int) -> None:
    """django-tasks entry point for every background job."""
    execute_job(job_id)
