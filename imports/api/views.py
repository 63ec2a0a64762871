"""Import/export API: upload with dry run or commit, commit a preview, export lists."""

import contextlib

from django.conf import settings
from django.http import HttpResponse
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet
from core.jobs import job_start, job_url
from core.spreadsheets import SpreadsheetRefused

from .. import exporting, services
from ..filters import ImportRunFilter, MdmFilter
from ..models import ImportKind, ImportRun, MdmReconciliation
from ..workflow import IMPORT_RUN
from .serializers import (
    ImportRunSerializer,
    ImportUploadSerializer,
    MdmReconciliationSerializer,
)


class ImportRunViewSet(ScopedReadOnlyViewSet):
    """Import runs of the user's boards. POST a file to check it (dry_run) or import it."""

    queryset = ImportRun.objects.none()
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilter
    queryset_shape = "for_detail"
    school_staff_may_edit = False

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def create(self, request, *args, **kwargs):
        board = self.board_for_create()
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        content = data["file"].read()
        try:
            run = services.run_create(
                actor=request.user,
                board=board,
                kind=data["kind"],
                name=data["file"].name,
                data=content,
            )
        except SpreadsheetRefused as exc:
            raise ValidationError({"file": [exc.message]})
        if "mapping" in data:
            services.run_set_mapping(actor=request.user, run=run, mapping=data["mapping"])
        job_kind = "imports.preview" if data["dry_run"] else "imports.commit"
        if run.rows_total > settings.PAKTWERK.get("IMPORT_INLINE_ROWS", 2000):
            if job_kind == "imports.commit":
                services.run_preview(actor=request.user, run=run)
                if not IMPORT_RUN.is_in(run, "committable"):
                    return Response(
                        ImportRunSerializer(run).data, status=status.HTTP_400_BAD_REQUEST
                    )
            job = job_start(
                kind=job_kind,
                owner=request.user,
                board=board,
                title=run.file_name,
                params={"run_id": run.pk},
            )
            return Response(
                {**ImportRunSerializer(run).data, "job": job_url(job)},
                status=status.HTTP_202_ACCEPTED,
            )
        if data["dry_run"]:
            services.run_preview(actor=request.user, run=run)
        else:
            services.run_preview(actor=request.user, run=run)
            if IMPORT_RUN.is_in(run, "committable"):
                # a rejected commit records its errors on the run (reported below)
                with contextlib.suppress(services.ImportRejected):
                    services.run_commit(actor=request.user, run=run)
        run.refresh_from_db()
        ok = IMPORT_RUN.is_in(run, "accepted")
        return Response(
            ImportRunSerializer(run).data,
            status=status.HTTP_201_CREATED if ok else status.HTTP_400_BAD_REQUEST,
        )

    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        run = self.get_object()
        if not request.access.can_edit(run, school_staff_may_edit=False):
            raise PermissionDenied()
        if not IMPORT_RUN.is_in(run, "committable"):
            raise ValidationError({"status": ["Only a preview without errors can be imported."]})
        try:
            services.run_commit(actor=request.user, run=run)
        except services.ImportRejected:
            run.refresh_from_db()
            return Response(ImportRunSerializer(run).data, status=status.HTTP_400_BAD_REQUEST)
        return Response(ImportRunSerializer(run).data)

    @action(detail=False, methods=["get"])
    def export(self, request):
        """?kind=devices|schools|rooms&file_format=csv|xlsx plus the list filters.

        (`format` is DRF's renderer switch, hence `file_format`.)"""
        kind = request.query_params.get("kind")
        fmt = request.query_params.get("file_format", "csv")
        if kind not in ImportKind.values or fmt not in exporting.FORMATS:
            raise ValidationError(
                {"kind": ["devices, schools or rooms"], "file_format": ["csv or xlsx"]}
            )
        params = request.query_params.copy()
        for key in ("kind", "file_format", "page"):
            params.pop(key, None)
        content, content_type, name = exporting.export_bytes(
            kind=kind, fmt=fmt, access=request.access, params=params, request=request._request
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MdmReconciliationViewSet(ScopedReadOnlyViewSet):
    queryset = MdmReconciliation.objects.none()
    serializer_class = MdmReconciliationSerializer
    filterset_class = MdmFilter
    queryset_shape = "for_detail"
