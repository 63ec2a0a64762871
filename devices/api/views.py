"""Device API: the same services as the pages; status changes and loans are actions."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import ScopedModelViewSet, as_api_errors
from core.listing import api_ordering_fields

from .. import permissions, services
from .. import views as pages
from ..filters import DefectFilter, DeviceFilter, DeviceModelFilter, LoanFilter, StocktakeFilter
from ..models import (
    Accessory,
    DefectReport,
    Device,
    DeviceModel,
    Loan,
    LoanReturn,
    Stocktake,
)
from ..workflow import device_transition
from . import serializers as s


class DeviceModelViewSet(ScopedModelViewSet):
    """Gerätemodelle (catalogue) of the user's boards."""

    queryset = DeviceModel.objects.none()
    serializer_class = s.DeviceModelSerializer
    filterset_class = DeviceModelFilter
    ordering_fields = api_ordering_fields(pages.DeviceModelListView)
    school_staff_may_edit = False

    def create_object(self, serializer):
        return services.device_model_create(
            actor=self.request.user, board=self.board_for_create(), data=serializer.validated_data
        )

    def update_object(self, serializer):
        return services.device_model_update(
            actor=self.request.user,
            device_model=serializer.instance,
            data=serializer.validated_data,
        )


class DeviceViewSet(ScopedModelViewSet):
    """Geräte: filter by school, room, status, category, model, warranty, overdue loans."""

    queryset = Device.objects.none()
    serializer_class = s.DeviceSerializer
    filterset_class = DeviceFilter
    school_staff_may_edit = False
    ordering_fields = api_ordering_fields(pages.DeviceListView, "purchase_date", "warranty_end")

    def check_object_permissions(self, request, obj):
        if self.action == "transition":
            if not permissions.can_edit_school_record(request.access, obj):
                raise PermissionDenied()
            return
        super().check_object_permissions(request, obj)

    def create_object(self, serializer):
        return services.device_create(
            actor=self.request.user, board=self.board_for_create(), data=serializer.validated_data
        )

    def update_object(self, serializer):
        return services.device_update(
            actor=self.request.user, device=serializer.instance, data=serializer.validated_data
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.DeviceSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Change the status along the transition table (who, when and why are logged)."""
        device = self.get_object()
        payload = s.TransitionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with as_api_errors(), transaction.atomic():
            device_transition(actor=request.user, device=device, **payload.validated_data)
        device = self.get_queryset().get(pk=device.pk)
        return Response(s.DeviceSerializer(device, context=self.get_serializer_context()).data)

    @extend_schema(request=s.AssignCostLineSerializer, responses=s.AssignCostLineResultSerializer)
    @action(detail=False, methods=["post"], url_path="assign-cost-line")
    def assign_cost_line(self, request):
        """Bulk: link devices (ids, or all of a delivery) to a cost line of the same board."""
        payload = s.AssignCostLineSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        access = request.access
        visible = access.restrict(Device.objects.all())
        if data.get("delivery"):
            delivery = data["delivery"]
            devices = visible.filter(delivery=delivery)
            board_id = delivery.school_board_id
        else:
            ids = sorted(set(data["devices"]))
            found = dict(visible.filter(pk__in=ids).values_list("pk", "school_board_id"))
            unknown = [i for i in ids if i not in found]
            if unknown:
                raise drf_serializers.ValidationError(
                    {"devices": ["Unknown device ids: " + ", ".join(map(str, unknown[:20]))]}
                )
            boards = set(found.values())
            if len(boards) > 1:
                raise drf_serializers.ValidationError(
                    {
                        "devices": [
                            "The devices belong to several Schulträger: send one request per board."
                        ]
                    }
                )
            board_id = boards.pop()
            devices = visible.filter(pk__in=ids)
        if board_id not in access.edit_board_ids:
            raise PermissionDenied()
        from schools.models import SchoolBoard

        board = SchoolBoard.objects.get(pk=board_id)
        with as_api_errors(), transaction.atomic():
            selected = devices.count()
            changed = services.devices_assign_cost_line(
                actor=request.user, board=board, devices=devices, cost_line=data["cost_line"]
            )
        return Response({"changed": changed, "selected": selected})

    @extend_schema(
        request=s.BulkSerializer,
        responses={200: s.BulkResultSerializer, 202: s.BulkResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Bulk action on devices (ids or a filter): each device checked on its own; above
        BULK_INLINE_MAX devices a background job (202 with `job_url`)."""
        from django.http import QueryDict

        from core.jobs import job_url

        from .. import bulk

        payload = s.BulkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        name, ids, query = data.pop("action"), data.pop("ids", None), data.pop("filter", None)
        with as_api_errors():
            if query is not None:
                params = QueryDict(mutable=True)
                params.update(query)
                ids = bulk.ids_matching(request.access, params, request=request)
            result, job = bulk.bulk_run_or_start(
                actor=request.user, access=request.access, action=name, ids=ids, params=data
            )
        if job is not None:
            return Response({"action": name, "job": job.pk, "job_url": job_url(job)}, status=202)
        return Response(result.as_dict(limit=len(result.outcomes)))

    @extend_schema(responses=s.StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="status-log", pagination_class=None)
    def status_log(self, request, pk=None):
        device = self.get_object()
        return Response(s.StatusChangeSerializer(device.status_changes.all()[:200], many=True).data)


class AccessoryViewSet(ScopedModelViewSet):
    queryset = Accessory.objects.none()
    serializer_class = s.AccessorySerializer
    school_staff_may_edit = False

    def get_queryset(self):
        qs = super().get_queryset().select_related("device")
        device = self.request.query_params.get("device")
        return qs.filter(device_id=device) if device and device.isdigit() else qs

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        device = data.pop("device")
        if not permissions.can_edit_device(self.request.access, device):
            raise PermissionDenied()
        return services.accessory_create(actor=self.request.user, device=device, data=data)

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        if "device" in data and data.pop("device") != serializer.instance.device:
            raise drf_serializers.ValidationError(
                {"device": ["An accessory cannot move to another device."]}
            )
        return services.accessory_update(
            actor=self.request.user, accessory=serializer.instance, data=data
        )


class LoanViewSet(ScopedModelViewSet):
    """Leihverträge. Only the board's staff and the school see them; reviewers get counts
    from `statistics` and 404 for single contracts."""

    queryset = Loan.objects.none()
    serializer_class = s.LoanSerializer
    filterset_class = LoanFilter
    ordering_fields = api_ordering_fields(pages.LoanListView)
    queryset_shape = "for_detail"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "statistics":
            return qs
        return permissions.personal_data_restrict(self.request.access, qs)

    def get_serializer_class(self):
        if self.action == "partial_update":
            return s.LoanUpdateSerializer
        return super().get_serializer_class()

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        school = data.pop("school")
        devices = data.pop("devices")
        accessories = data.pop("accessories", [])
        if not permissions.can_work_at_school(self.request.access, school):
            raise PermissionDenied()
        return services.loan_create(
            actor=self.request.user,
            school=school,
            devices=devices,
            data=data,
            accessories=accessories,
        )

    def update_object(self, serializer):
        return services.loan_update(
            actor=self.request.user, loan=serializer.instance, data=serializer.validated_data
        )

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        loan = self.get_queryset().get(pk=kwargs["pk"])
        response.data = s.LoanSerializer(loan, context=self.get_serializer_context()).data
        return response

    def _respond(self, loan):
        loan = self.get_queryset().get(pk=loan.pk)
        return Response(s.LoanSerializer(loan, context=self.get_serializer_context()).data)

    @extend_schema(request=s.SignSerializer, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        loan = self.get_object()
        payload = s.SignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with as_api_errors(), transaction.atomic():
            loan = services.loan_sign(actor=request.user, loan=loan, **payload.validated_data)
        return self._respond(loan)

    @extend_schema(request=None, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"], url_path="hand-out")
    def hand_out(self, request, pk=None):
        loan = self.get_object()
        with as_api_errors(), transaction.atomic():
            loan = services.loan_hand_out(actor=request.user, loan=loan)
        return self._respond(loan)

    @extend_schema(request=None, responses=s.LoanSerializer)
    @extend_schema(request=s.PupilLeftSerializer, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"], url_path="pupil-left")
    def pupil_left(self, request, pk=None):
        """Record that the pupil left the school (a running loan becomes due that day)."""
        loan = self.get_object()
        payload = s.PupilLeftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with as_api_errors(), transaction.atomic():
            loan = services.loan_record_pupil_left(
                actor=request.user, loan=loan, **payload.validated_data
            )
        return self._respond(loan)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        loan = self.get_object()
        with as_api_errors(), transaction.atomic():
            loan = services.loan_cancel(actor=request.user, loan=loan)
        return self._respond(loan)

    @extend_schema(responses={200: s.LoanStatisticsSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def statistics(self, request):
        """Counts per school without names (what reviewers and reports may see)."""
        qs = self.filter_queryset(self.get_queryset())
        return Response(list(qs.counts_by_school()))


class LoanReturnViewSet(ScopedModelViewSet):
    """Rückgabeprotokolle: POST checks devices of a handed-out loan back in."""

    queryset = LoanReturn.objects.none()
    serializer_class = s.LoanReturnSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset().select_related("loan")
        return permissions.personal_data_restrict(self.request.access, qs)

    def create_object(self, serializer):
        data = serializer.validated_data
        loan = data["loan"]
        if not permissions.can_see_personal_data(
            self.request.access, loan
        ) or not permissions.can_edit_school_record(self.request.access, loan):
            raise PermissionDenied()
        items = {
            i["device"]: services.ReturnItem(
                condition=i["condition"],
                returned_accessory_ids=set(i["returned_accessories"]),
                damage_notes=i["damage_notes"],
            )
            for i in data["items"]
        }
        return services.loan_return(
            actor=self.request.user,
            loan=loan,
            items=items,
            returned_on=data["returned_on"],
            notes=data.get("notes", ""),
        )


class DefectReportViewSet(ScopedModelViewSet):
    queryset = DefectReport.objects.none()
    serializer_class = s.DefectReportSerializer
    filterset_class = DefectFilter
    ordering_fields = api_ordering_fields(pages.DefectListView)
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        device = data.pop("device")
        if not permissions.can_edit_school_record(self.request.access, device):
            raise PermissionDenied()
        return services.defect_report_create(actor=self.request.user, device=device, data=data)

    @extend_schema(request=s.DefectTransitionSerializer, responses=s.DefectReportSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        report = self.get_object()
        payload = s.DefectTransitionSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        with as_api_errors(), transaction.atomic():
            report = services.defect_transition(
                actor=request.user, report=report, **payload.validated_data
            )
        return Response(
            s.DefectReportSerializer(report, context=self.get_serializer_context()).data
        )


class StocktakeViewSet(ScopedModelViewSet):
    queryset = Stocktake.objects.none()
    serializer_class = s.StocktakeSerializer
    filterset_class = StocktakeFilter
    ordering_fields = api_ordering_fields(pages.StocktakeListView)
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        school = data.pop("school")
        if not permissions.can_work_at_school(self.request.access, school):
            raise PermissionDenied()
        return services.stocktake_start(actor=self.request.user, school=school, **data)

    @extend_schema(request=s.ScanSerializer, responses=s.StocktakeEntrySerializer)
    @action(detail=True, methods=["post"])
    def scan(self, request, pk=None):
        stocktake = self.get_object()
        payload = s.ScanSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with as_api_errors(), transaction.atomic():
            entry = services.stocktake_scan(
                actor=request.user, stocktake=stocktake, **payload.validated_data
            )
        return Response(s.StocktakeEntrySerializer(entry).data, status=201)

    @extend_schema(request=None, responses=s.StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        stocktake = self.get_object()
        with as_api_errors(), transaction.atomic():
            stocktake = services.stocktake_close(actor=request.user, stocktake=stocktake)
        return Response(
            s.StocktakeSerializer(stocktake, context=self.get_serializer_context()).data
        )

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def discrepancies(self, request, pk=None):
        from ..documents import stocktake_discrepancies

        return Response(stocktake_discrepancies(self.get_object()))
