"""Import wizard (upload → mapping → preview → commit), exports, templates, MDM pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.context import board_for_create
from core.downloads import file_response
from core.jobs import job_start, job_url
from core.pdf import pdf_response
from core.spreadsheets import SpreadsheetRefused, read_table, write_csv
from core.views import Column, ScopedDetailView, ScopedListView, get_visible_or_404

from . import exporting, services
from .filters import ImportRunFilter, MdmFilter
from .forms import MappingForm, MdmForm, UploadForm
from .kinds import get_kind
from .models import ImportKind, ImportRun, ImportStatus, MdmReconciliation
from .parsing import shown
from .workflow import IMPORT_RUN


def inline_rows() -> int:
    """Files with more rows than this run as a background job with a progress bar."""
    return settings.PAKTWERK.get("IMPORT_INLINE_ROWS", 2000)


def can_import(access, obj=None) -> bool:
    if obj is not None:
        return access.can_edit(obj, school_staff_may_edit=False)
    return bool(access.edit_board_ids)


class RunListView(ScopedListView):
    model = ImportRun
    filterset_class = ImportRunFilter
    title = gettext_lazy("Import and export")
    template_name = "imports/run_list.html"
    create_url = "imports:upload"
    empty_text = gettext_lazy("No imports yet.")
    columns = [
        Column("file_name", gettext_lazy("file name"), link=True),
        Column("kind", gettext_lazy("kind")),
        Column("status", gettext_lazy("status")),
        Column("created_at", gettext_lazy("uploaded"), fmt="datetime"),
        Column("created_by", gettext_lazy("uploaded by")),
        Column("rows_total", gettext_lazy("rows"), fmt="number", numeric=True),
        Column("rows_new", gettext_lazy("new"), fmt="number", numeric=True),
        Column("rows_changed", gettext_lazy("changed"), fmt="number", numeric=True),
        Column("rows_error", gettext_lazy("errors"), fmt="number", numeric=True),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kinds"] = ImportKind.choices
        ctx["can_import"] = can_import(self.request.access)
        return ctx


def upload(request):
    board = board_for_create(request)  # 403 for users who may not import
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        limit = settings.PAKTWERK.get("IMPORT_MAX_UPLOAD_BYTES")
        if limit and upload_file.size > limit:
            form.add_error(
                "file",
                _("The file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)},
            )
        else:
            data = upload_file.read()
            try:
                run = services.run_create(
                    actor=request.user,
                    board=board,
                    kind=form.cleaned_data["kind"],
                    name=upload_file.name,
                    data=data,
                )
            except SpreadsheetRefused as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("imports:run-mapping", pk=run.pk)
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "page_title": _("New import"),
            "board": board,
            "kinds": ImportKind.choices,
        },
    )


def _editable_run(request, pk) -> ImportRun:
    run = get_visible_or_404(request, ImportRun, pk=pk)
    if not can_import(request.access, run):
        raise PermissionDenied
    return run


def _samples(run: ImportRun) -> dict[int, str]:
    try:
        table = _table_head(run)
    except SpreadsheetRefused:
        return {}
    samples: dict[int, str] = {}
    for _number, cells in table.rows[:5]:
        for i, cell in enumerate(cells):
            if i not in samples and str(cell).strip():
                samples[i] = shown(cell)
    return samples


def _table_head(run: ImportRun):
    with run.file.open("rb") as f:
        return read_table(run.file_name, f.read())


def mapping(request, pk):
    run = _editable_run(request, pk)
    if not run.is_open:
        return redirect(run)
    kind = get_kind(run.kind)
    form = MappingForm(
        request.POST or None,
        headers=run.headers,
        kind=kind,
        initial_mapping=run.mapping,
        samples=_samples(run),
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        problems, _warnings = services.check_mapping(kind, run.headers, form.mapping())
        if not problems:
            services.run_set_mapping(actor=request.user, run=run, mapping=form.mapping())
            return _start(request, run, "imports.preview", _("Preview of %s") % run.file_name)
    else:
        problems, _warnings = services.check_mapping(kind, run.headers, run.mapping)
    return render(
        request,
        "imports/mapping.html",
        {
            "form": form,
            "run": run,
            "kind": kind,
            "problems": problems,
            "page_title": _("Map the columns"),
        },
    )


def _start(request, run: ImportRun, job_kind: str, title: str):
    """Small files inline, large ones as a background job (the user may leave the page)."""
    if run.rows_total > inline_rows():
        run.status = (
            ImportStatus.ANALYSING if job_kind == "imports.preview" else ImportStatus.COMMITTING
        )
        job = job_start(
            kind=job_kind,
            owner=request.user,
            board=run.school_board,
            title=title,
            params={"run_id": run.pk},
        )
        run.job = job
        run.save(update_fields=["status", "job", "updated_at"])
        return HttpResponseRedirect(job_url(job))
    if job_kind == "imports.preview":
        services.run_preview(actor=request.user, run=run)
    else:
        try:
            services.run_commit(actor=request.user, run=run)
        except services.ImportRejected:
            messages.error(request, _("The file has errors; nothing was imported."))
            return redirect(run)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(run)
        messages.success(
            request,
            _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
            % {"new": run.rows_new, "changed": run.rows_changed, "unchanged": run.rows_unchanged},
        )
    return redirect(run)


@require_POST
def commit(request, pk):
    run = _editable_run(request, pk)
    if not IMPORT_RUN.is_in(run, "committable"):
        messages.error(request, _("Only a preview without errors can be imported."))
        return redirect(run)
    return _start(
        request, run, "imports.commit", _("Background import of the file %s") % run.file_name
    )


class RunDetailView(ScopedDetailView):
    model = ImportRun
    template_name = "imports/run_detail.html"
    school_staff_may_edit = False

    def get_title(self):
        return _("Import of the spreadsheet %s") % self.object.file_name

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.object.report or {}
        ctx["report"] = report
        ctx["can_import"] = can_import(self.request.access, self.object)
        ctx["errors"] = [m for e in report.get("errors", [])[:200] for m in e["messages"]]
        ctx["errors_more"] = max(0, self.object.rows_error - len(report.get("errors", [])[:200]))
        ctx["changed"] = report.get("changed", [])[:200]
        ctx["new"] = report.get("new", [])[:200]
        return ctx


def error_report(request, pk):
    """The preview's errors as a CSV (row, message) to fix the file with."""
    run = get_visible_or_404(request, ImportRun, pk=pk)
    report = run.report or {}
    rows = [["", m] for m in report.get("file_errors", [])]
    for entry in report.get("errors", []):
        for message in entry["messages"]:
            rows.append([entry["row"], message])
    content = write_csv([_("Row"), _("Error")], rows)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fehler-{run.pk}.csv"'
    return response


def run_file(request, pk):
    """The uploaded spreadsheet itself, for those who may see the run (others: 404)."""
    run = get_visible_or_404(request, ImportRun, pk=pk)
    return file_response(run.file, run.file_name)


def _kind_and_format(request) -> tuple[str, str]:
    kind = request.GET.get("kind", "")
    fmt = request.GET.get("format", "csv")
    if kind not in ImportKind.values or fmt not in exporting.FORMATS:
        raise Http404
    if kind == "devices":
        try:
            get_kind("devices")
        except ImportError:
            raise Http404
    return kind, fmt


def export(request):
    """?kind=devices|schools|rooms&format=csv|xlsx plus the list's filter parameters."""
    kind, fmt = _kind_and_format(request)
    params = request.GET.copy()
    for key in ("kind", "format", "page"):
        params.pop(key, None)
    content, content_type, name = exporting.export_bytes(
        kind=kind, fmt=fmt, access=request.access, params=params, request=request
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def template_download(request):
    """An import template per kind; ?filled=1 pre-fills it with the board's current data."""
    kind, fmt = _kind_and_format(request)
    filled = request.GET.get("filled") == "1"
    board = None
    if filled:
        from core.context import current_board_id
        from schools.models import SchoolBoard

        board_id = current_board_id(request)
        board = SchoolBoard.objects.filter(pk=board_id).first() if board_id else None
    content, content_type, name = exporting.template_bytes(
        kind=kind, fmt=fmt, access=request.access, board=board, filled=filled
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------ MDM reconciliation
class MdmListView(ScopedListView):
    model = MdmReconciliation
    filterset_class = MdmFilter
    title = gettext_lazy("MDM reconciliation")
    create_url = "imports:mdm-create"
    empty_text = gettext_lazy("No reconciliations yet.")
    columns = [
        Column("file_name", gettext_lazy("file name"), link=True),
        Column("source", gettext_lazy("MDM")),
        Column("created_at", gettext_lazy("created"), fmt="datetime"),
        Column("mdm_count", gettext_lazy("devices in the MDM"), fmt="number", numeric=True),
        Column(
            "inventory_count", gettext_lazy("devices in the inventory"), fmt="number", numeric=True
        ),
        Column("matched_count", gettext_lazy("matched"), fmt="number", numeric=True),
    ]

    def can_create(self) -> bool:
        return can_import(self.request.access)


def mdm_create(request):
    from . import mdm

    board = board_for_create(request)
    form = MdmForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            rec = mdm.reconcile(
                actor=request.user,
                board=board,
                source=form.cleaned_data["source"],
                name=form.cleaned_data["file"].name,
                data=data,
                stale_days=form.cleaned_data["stale_days"],
            )
        except SpreadsheetRefused as exc:
            form.add_error("file", exc.message)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect(rec)
    return render(
        request, "core/form.html", {"form": form, "page_title": _("New MDM reconciliation")}
    )


class MdmDetailView(ScopedDetailView):
    model = MdmReconciliation
    template_name = "imports/mdm_detail.html"

    def get_context_data(self, **kwargs):
        from . import mdm

        ctx = super().get_context_data(**kwargs)
        ctx["groups"] = mdm.grouped(self.object)
        return ctx


def mdm_csv(request, pk):
    from . import mdm

    rec = get_visible_or_404(request, MdmReconciliation, pk=pk)
    response = HttpResponse(mdm.findings_csv(rec), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdm-abgleich-{rec.pk}.csv"'
    return response


def mdm_pdf(request, pk):
    from .documents import reconciliation_pdf

    rec = get_visible_or_404(request, MdmReconciliation, pk=pk)
    rec = MdmReconciliation.objects.for_document().get(pk=rec.pk)
    return pdf_response(reconciliation_pdf(rec), f"mdm-abgleich-{rec.pk}.pdf")


def export_url(kind: str, fmt: str, query: str = "") -> str:
    """For list pages: the export link of the current (filtered) list."""
    base = reverse("imports:export")
    return f"{base}?kind={kind}&format={fmt}" + (f"&{query}" if query else "")
