"""Media leaves the server only through views that check the permission."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from core.models import Job


def _job_with_file(user, content=b"%PDF-1.7 paket"):
    job = Job.objects.create(kind="x", owner=user, status=Job.Status.SUCCEEDED)
    job.result_file.save("foerderantrag-1.pdf", ContentFile(content))
    job.result_name = "foerderantrag-1.pdf"
    job.save()
    return job


@pytest.mark.django_db
def test_job_result_streams_for_its_owner_only(world, client_for):
    job = _job_with_file(world.user("board_admin"))
    url = reverse("core:job-result", args=[job.pk])
    response = client_for(world.user("board_admin")).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 paket"
    assert "attachment" in response["Content-Disposition"]
    for actor in ("board_staff", "other_board_admin", "reviewer", "no_membership"):
        assert client_for(world.user(actor)).get(url).status_code == 404, actor
    assert client_for(None).get(url).status_code == 302


@pytest.mark.django_db
def test_x_accel_redirect_hands_the_file_to_nginx_after_the_check(world, client_for, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    job = _job_with_file(world.user("board_admin"))
    url = reverse("core:job-result", args=[job.pk])
    response = client_for(world.user("board_admin")).get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{job.result_file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    other = client_for(world.user("other_board_admin")).get(url)
    assert other.status_code == 404 and "X-Accel-Redirect" not in other


@pytest.mark.django_db
@pytest.mark.parametrize("accel", ["", "/protected-media/"])
def test_a_deleted_file_is_404(world, client_for, settings, accel):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = accel
    job = _job_with_file(world.user("board_admin"))
    job.result_file.storage.delete(job.result_file.name)
    url = reverse("core:job-result", args=[job.pk])
    assert client_for(world.user("board_admin")).get(url).status_code == 404


@pytest.mark.django_db
def test_job_without_file_is_404(world, client_for):
    job = Job.objects.create(kind="x", owner=world.user("board_admin"))
    url = reverse("core:job-result", args=[job.pk])
    assert client_for(world.user("board_admin")).get(url).status_code == 404


def test_media_is_not_served_raw_even_with_debug():
    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        clear_url_caches()
        try:
            with pytest.raises(Resolver404):
                resolve("/media/jobs/2026/12/foerderantrag-1.pdf")
        finally:
            importlib.reload(config.urls)
            clear_url_caches()


@pytest.mark.django_db
def test_import_file_download_and_its_link(world, client_for):
    from tests.imports.isolation_cases import make_run

    run = make_run(world, "own", "MARKER-1")
    client = client_for(world.user("board_admin"))
    url = reverse("imports:run-file", args=[run.pk])
    page = client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"Inventarnummer\nMARKER-1\n"
    assert 'filename="MARKER-1.csv"' in response["Content-Disposition"]
