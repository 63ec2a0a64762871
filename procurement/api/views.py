"""Procurement API: scoped like the pages (cooperative staff read their members' rows);
writes and steps call the same services as the UI."""

from __future__ import annotations

from django.http import Http404
from django_scopes.state import state
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, as_api_errors
from core.context import current_board_id

from .. import selectors, services
from ..deliveries import DeliveryRow
from ..filters import CallOffFilter, InvoiceFilter
from ..models import CallOff, DeliveryNote, FrameworkContract, JointOrder, SupplierInvoice
from .serializers import (
    CallOffSerializer,
    ContractSerializer,
    DeliveryInputSerializer,
    DeliveryNoteSerializer,
    JointOrderSerializer,
    OverviewRowSerializer,
    ReasonSerializer,
    StepSerializer,
    SupplierInvoiceSerializer,
)


class CooperativeScopeMixin:
    """The API's scope widened to the cooperative's member boards (restrict() still admits
    them only for cooperative-visible rows)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        access = request.access
        boards = sorted(access.board_ids | access.cooperative_board_ids)
        state.reset(self._scope_token)
        self._scope_token = state.set({**(state.get() or {}), "_enabled": True, "board": boards})


class ContractViewSet(ScopedReadOnlyViewSet):
    """Framework contracts with items and prices: for the cooperative and its members."""

    queryset = FrameworkContract.objects.none()
    serializer_class = ContractSerializer

    def get_queryset(self):
        return selectors.contracts_for(self.request.access).prefetch_related(
            "items__prices__price_list"
        )


class CallOffViewSet(CooperativeScopeMixin, ScopedModelViewSet):
    queryset = CallOff.objects.none()
    serializer_class = CallOffSerializer
    filterset_class = CallOffFilter
    queryset_shape = "for_detail"  # the lines are part of every row
    school_staff_may_edit = False
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        data["lines"] = data.pop("new_lines")
        return services.call_off_create(
            actor=self.request.user,
            access=self.request.access,
            board=self.board_for_create(),
            data=data,
        )

    @extend_schema(request=StepSerializer, responses=CallOffSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """A status step: submit, withdraw, order (outside the catalogue), close, cancel."""
        call_off = self.get_object()
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with as_api_errors():
            services.call_off_step(
                actor=request.user, access=request.access, call_off=call_off, **body.validated_data
            )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=DeliveryInputSerializer, responses={201: DeliveryNoteSerializer})
    @action(detail=True, methods=["post"])
    def delivery(self, request, pk=None):
        """A delivery note with one row per device (serial, MAC, MDM id)."""
        call_off = self.get_object()
        body = DeliveryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = [
            DeliveryRow(row=n, **row) for n, row in enumerate(body.validated_data["rows"], start=1)
        ]
        with as_api_errors():
            note = services.delivery_note_record(
                actor=request.user,
                access=request.access,
                call_off=call_off,
                number=body.validated_data["number"],
                delivered_on=body.validated_data["delivered_on"],
                rows=rows,
            )
        return Response(DeliveryNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=OverviewRowSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def overview(self, request):
        """The current board's overview per approved position."""
        board_id = current_board_id(request._request)
        if board_id not in request.access.full_board_ids:
            raise Http404
        rows = selectors.board_overview(board_id)
        return Response(OverviewRowSerializer(rows, many=True).data)


class DeliveryNoteViewSet(CooperativeScopeMixin, ScopedReadOnlyViewSet):
    queryset = DeliveryNote.objects.none()
    serializer_class = DeliveryNoteSerializer


class SupplierInvoiceViewSet(CooperativeScopeMixin, ScopedModelViewSet):
    queryset = SupplierInvoice.objects.none()
    serializer_class = SupplierInvoiceSerializer
    filterset_class = InvoiceFilter
    queryset_shape = "for_detail"  # the lines are part of every row
    school_staff_may_edit = False
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        return services.invoice_record(
            actor=self.request.user,
            access=self.request.access,
            board=self.board_for_create(),
            supplier=data["supplier"],
            number=data["number"],
            date=data["date"],
            lines=data["lines"],
        )

    @extend_schema(request=ReasonSerializer, responses=SupplierInvoiceSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the listed differences with a reason."""
        invoice = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with as_api_errors():
            invoice = services.invoice_accept(
                actor=request.user,
                access=request.access,
                invoice=invoice,
                reason=body.validated_data["reason"],
            )
        return Response(self.get_serializer(invoice).data)

    @extend_schema(request=None, responses={201: SupplierInvoiceSerializer})
    @action(detail=True, methods=["post"])
    def payout(self, request, pk=None):
        """Create the payout request (funding) from this matched or accepted invoice."""
        invoice = self.get_object()
        with as_api_errors():
            services.payout_from_invoices(
                actor=request.user, access=request.access, invoices=[invoice]
            )
        return Response(self.get_serializer(self.get_object()).data, status=201)


class JointOrderViewSet(CooperativeScopeMixin, ScopedReadOnlyViewSet):
    """The cooperative's joint orders (its staff only)."""

    queryset = JointOrder.objects.none()
    serializer_class = JointOrderSerializer

    def get_queryset(self):
        return JointOrder.objects.for_list().filter(
            cooperative_id__in=self.request.access.cooperative_ids
        )

    @extend_schema(request=None, responses=JointOrderSerializer(many=True))
    @action(detail=False, methods=["post"], url_path=r"bundle/(?P<cooperative>\d+)")
    def bundle(self, request, cooperative=None):
        """Bundle the submitted call-offs of the cooperative's members."""
        from django.utils import timezone

        from schools.models import Cooperative

        if int(cooperative) not in request.access.cooperative_ids:
            raise PermissionDenied
        coop = Cooperative.objects.get(pk=cooperative)
        with as_api_errors():
            orders = services.bundle(
                actor=request.user,
                access=request.access,
                cooperative=coop,
                on=timezone.localdate(),
            )
        return Response(JointOrderSerializer(orders, many=True).data, status=201)
