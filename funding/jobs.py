"""Background job: the application package PDF for big applications."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.jobs import register_job


@register_job("funding.package")
def build_package(job, progress, *, application_id: int, archive: bool = False):
    from .documents import application_package_pdf
    from .models import Application

    app = Application.objects.for_document().get(pk=application_id)
    progress.set_total(max(app.lines.count(), 1), _("Reading the application data"))
    pdf = application_package_pdf(app, archive=archive, progress=progress)
    suffix = "-archiv" if archive else ""
    progress.attach_file(f"foerderantrag-{app.number}{suffix}.pdf", pdf)
    return {"url": app.get_absolute_url()}
