"""Funding API: scoped viewsets; transitions and rule checks as actions over the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, as_api_errors
from core.pdf import pdf_response

from .. import permissions, selectors, services
from ..documents import application_package_pdf
from ..filters import (
    ApplicationFilter,
    BudgetFilter,
    CatalogueFilter,
    CommentFilter,
    CostLineFilter,
    DecisionFilter,
    InvoiceFilter,
    PayoutFilter,
    ProofFilter,
)
from ..models import (
    Application,
    Budget,
    CatalogueItem,
    CostLine,
    Decision,
    Invoice,
    PayoutRequest,
    Programme,
    ProofOfUse,
    ReviewComment,
    RuleSet,
)
from .serializers import (
    ApplicationSerializer,
    BudgetSerializer,
    CatalogueItemSerializer,
    CostLineSerializer,
    DecisionSerializer,
    InvoiceSerializer,
    PayoutSerializer,
    ProgrammeSerializer,
    ProofSerializer,
    ReviewCommentSerializer,
    RuleSetSerializer,
    result_payload,
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "Der Datensatz wurde inzwischen geändert (If-Match passt nicht)."
    default_code = "precondition_failed"


class GlobalReadOnlyViewSet(ScopedReadOnlyViewSet):
    """Global reference data (programmes, rule sets, Warenkorb): readable by every user."""

    def get_queryset(self):
        qs = self.queryset.model.objects.all()
        shape = getattr(qs, self.queryset_shape, None)
        return shape() if callable(shape) else qs


class ProgrammeViewSet(GlobalReadOnlyViewSet):
    queryset = Programme.objects.none()
    serializer_class = ProgrammeSerializer


class RuleSetViewSet(GlobalReadOnlyViewSet):
    queryset = RuleSet.objects.none()
    serializer_class = RuleSetSerializer


class CatalogueViewSet(GlobalReadOnlyViewSet):
    queryset = CatalogueItem.objects.none()
    serializer_class = CatalogueItemSerializer
    filterset_class = CatalogueFilter


class BudgetViewSet(ScopedReadOnlyViewSet):
    queryset = Budget.objects.none()
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilter

    @action(detail=True, methods=["get"])
    def status(self, request, pk=None):
        s = selectors.budget_status(self.get_object())
        return Response({k: str(getattr(s, k)) for k in (
            "amount", "planned", "pending", "bound", "paid", "remaining", "free", "unsplit")})


def _if_match(request, obj) -> int | None:
    """Optimistic locking over HTTP: If-Match carries the version the client read."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or int(value) != obj.version:
        raise PreconditionFailed()
    return int(value)


class VersionedMixin:
    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data.get("version")}"'
        return response

    def perform_update(self, serializer):
        self._expected_version = _if_match(self.request, serializer.instance)
        try:
            super().perform_update(serializer)
        except ApiValidationError as exc:
            if "conflict" in str(exc.get_codes()):
                raise PreconditionFailed()
            raise


class ApplicationViewSet(VersionedMixin, ScopedModelViewSet):
    queryset = Application.objects.none()
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    school_staff_may_edit = False

    def check_object_permissions(self, request, obj):
        if self.action in ("update", "partial_update"):
            super().check_object_permissions(request, obj)

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        return services.application_create(actor=self.request.user,
                                           board=self.board_for_create(),
                                           programme=data.pop("programme"), data=data)

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        if "programme" in data and data.pop("programme") != serializer.instance.programme:
            raise ApiValidationError({"programme": ["Das Programm kann nicht geändert werden."]})
        try:
            return services.application_update(actor=self.request.user,
                                               application=serializer.instance, data=data,
                                               expected_version=self._expected_version)
        except services.EditConflict:
            raise PreconditionFailed()

    def _transition(self, func, **kwargs):
        app = self.get_object()
        with as_api_errors():
            func(actor=self.request.user, access=self.request.access, application=app, **kwargs)
        app.refresh_from_db()
        return Response(self.get_serializer(app).data)

    @action(detail=True, methods=["get"])
    def check(self, request, pk=None):
        """Findings, totals and checklist (the same rule check as the pages)."""
        app = self.get_object()
        return Response(result_payload(selectors.check_for(app.pk)))

    @action(detail=True, methods=["get"])
    def findings(self, request, pk=None):
        app = self.get_object()
        return Response(result_payload(selectors.check_for(app.pk))["findings"])

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(services.application_submit)

    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        deadline = request.data.get("deadline")
        try:
            deadline = dt.date.fromisoformat(deadline) if deadline else None
        except ValueError:
            raise ApiValidationError({"deadline": ["Datum im Format JJJJ-MM-TT angeben."]})
        return self._transition(services.application_request_changes,
                                reason=str(request.data.get("reason", "")), deadline=deadline)

    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._transition(services.application_forward,
                                reason=str(request.data.get("reason", "")))

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        app = self.get_object()
        try:
            date = dt.date.fromisoformat(request.data.get("date") or dt.date.today().isoformat())
            amounts = {int(k): Decimal(str(v)) for k, v in
                       (request.data.get("line_amounts") or {}).items()}
        except (ValueError, InvalidOperation):
            raise ApiValidationError({"non_field_errors": ["Ungültiges Datum oder Betrag."]})
        with as_api_errors():
            decision = services.decision_make(
                actor=request.user, access=request.access, application=app,
                kind=request.data.get("kind", "full"), date=date, line_amounts=amounts,
                conditions=str(request.data.get("conditions", "")),
                reason=str(request.data.get("reason", "")))
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def package(self, request, pk=None):
        app = Application.objects.for_document().get(pk=self.get_object().pk)
        archive = request.query_params.get("archive") == "1"
        return pdf_response(application_package_pdf(app, archive=archive),
                            f"foerderantrag-{app.number}.pdf")


class CostLineViewSet(VersionedMixin, ScopedModelViewSet):
    queryset = CostLine.objects.none()
    serializer_class = CostLineSerializer
    filterset_class = CostLineFilter
    school_staff_may_edit = False
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        app = data.pop("application")
        if not permissions.can_edit_application(self.request.access, app):
            raise PermissionDenied()
        return services.costline_save(actor=self.request.user, application=app, data=data)

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        line = serializer.instance
        if "application" in data and data.pop("application") != line.application:
            raise ApiValidationError({"application": ["Eine Position kann nicht in einen "
                                                      "anderen Antrag wechseln."]})
        try:
            return services.costline_save(actor=self.request.user, application=line.application,
                                          line=line, data=data,
                                          expected_version=self._expected_version)
        except services.EditConflict:
            raise PreconditionFailed()

    def perform_destroy(self, instance):
        _if_match(self.request, instance)
        with as_api_errors():
            services.costline_delete(actor=self.request.user, line=instance)


class ReviewCommentViewSet(ScopedModelViewSet):
    queryset = ReviewComment.objects.none()
    serializer_class = ReviewCommentSerializer
    filterset_class = CommentFilter
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = serializer.validated_data
        return services.comment_add(actor=self.request.user, access=self.request.access,
                                    application=data["application"], text=data["text"],
                                    cost_line=data.get("cost_line"))


class DecisionViewSet(ScopedReadOnlyViewSet):
    queryset = Decision.objects.none()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter


class InvoiceViewSet(ScopedModelViewSet):
    queryset = Invoice.objects.none()
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    school_staff_may_edit = False
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        app = data.pop("application")
        if not permissions.is_board_editor(self.request.access, app):
            raise PermissionDenied()
        return services.invoice_create(actor=self.request.user, application=app, data=data)


class PayoutViewSet(ScopedReadOnlyViewSet):
    queryset = PayoutRequest.objects.none()
    serializer_class = PayoutSerializer
    filterset_class = PayoutFilter

    @action(detail=False, methods=["post"], url_path="request")
    def create_request(self, request):
        app = Application.objects.filter(pk=request.data.get("application")).first()
        if app is None or not request.access.can_view(app):
            raise ApiValidationError({"application": ["Antrag nicht gefunden."]})
        if not permissions.is_board_editor(request.access, app):
            raise PermissionDenied()
        invoices = Invoice.objects.filter(application=app,
                                          pk__in=request.data.get("invoices") or [])
        with as_api_errors():
            payout = services.payout_create(actor=request.user, application=app,
                                            invoices=list(invoices))
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        payout = self.get_object()
        with as_api_errors():
            payout = services.payout_transition(actor=request.user, access=request.access,
                                                payout=payout, to=str(request.data.get("to")))
        return Response(PayoutSerializer(payout).data)


class ProofViewSet(ScopedReadOnlyViewSet):
    queryset = ProofOfUse.objects.none()
    serializer_class = ProofSerializer
    filterset_class = ProofFilter

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        with as_api_errors():
            proof = services.proof_submit(actor=request.user, access=request.access,
                                          proof=self.get_object())
        return Response(ProofSerializer(proof).data)

    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        try:
            amount = request.data.get("repayment_amount")
            amount = Decimal(str(amount)) if amount not in (None, "") else None
        except InvalidOperation:
            raise ApiValidationError({"repayment_amount": ["Ungültiger Betrag."]})
        with as_api_errors():
            proof = services.proof_check(actor=request.user, access=request.access,
                                         proof=self.get_object(),
                                         outcome=str(request.data.get("outcome")),
                                         repayment_amount=amount,
                                         note=str(request.data.get("note", "")))
        return Response(ProofSerializer(proof).data)
