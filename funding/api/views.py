"""Funding API: scoped viewsets; transitions and rule checks as actions over the services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from core.api import (
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedViewSetMixin,
    as_api_errors,
    validated_body,
)
from core.pdf import pdf_response

from .. import permissions, selectors, services
from ..documents import application_package_pdf
from ..filters import (
    ApplicationFilter,
    ApplicationSchoolFilter,
    BudgetFilter,
    CatalogueFilter,
    ChangeRequestFilter,
    ChangeRequestLineFilter,
    CommentFilter,
    CostLineFilter,
    DecisionFilter,
    InvoiceFilter,
    PayoutFilter,
    ProofFilter,
)
from ..models import (
    Application,
    ApplicationSchool,
    Budget,
    CatalogueItem,
    ChangeRequest,
    ChangeRequestLine,
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
    AmendmentRowSerializer,
    ApplicationSchoolSerializer,
    ApplicationSerializer,
    BudgetComputeBody,
    BudgetManualBody,
    BudgetSerializer,
    BudgetStatusSerializer,
    CatalogueItemSerializer,
    ChangeDecideBody,
    ChangeRequestBody,
    ChangeRequestLineSerializer,
    ChangeRequestSerializer,
    CheckResultSerializer,
    CostLineSerializer,
    DecideBody,
    DecisionSerializer,
    FindingOverrideSerializer,
    FindingSerializer,
    InvoiceSerializer,
    JustifyBody,
    ParameterRowSerializer,
    PayoutRequestBody,
    PayoutSerializer,
    PayoutTransitionBody,
    ProgrammeSerializer,
    ProofCheckBody,
    ProofSerializer,
    PublishRequestSerializer,
    ReasonBody,
    RequestChangesBody,
    ReviewCommentSerializer,
    RuleSetSerializer,
    TpekRequestBody,
    result_payload,
)

PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The document as PDF.")


def _body(name: str, **fields):
    return inline_serializer(name=name, fields=fields)


AMENDED_CHECK = _body(
    "AmendedPlanCheck",
    ok=drf_serializers.BooleanField(),
    findings=drf_serializers.ListField(child=drf_serializers.DictField()),
    eligible=drf_serializers.DecimalField(max_digits=14, decimal_places=2),
    grant=drf_serializers.DecimalField(max_digits=14, decimal_places=2),
    own_share=drf_serializers.DecimalField(max_digits=14, decimal_places=2),
    capped=drf_serializers.BooleanField(),
    lines=AmendmentRowSerializer(many=True),
)
RULESET_COMPARISON = _body(
    "RuleSetComparison",
    a=drf_serializers.IntegerField(),
    b=drf_serializers.IntegerField(),
    parameters=ParameterRowSerializer(many=True),
)


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

    def check_object_permissions(self, request, obj):
        # rule sets belong to no board: publishing checks its own permission (the state side)
        super(ScopedViewSetMixin, self).check_object_permissions(request, obj)

    @extend_schema(
        parameters=[OpenApiParameter("other", int, required=True)],
        responses=RULESET_COMPARISON,
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """This version and another (`?other=<id>`) side by side, changed ones marked."""
        a = self.get_object()
        try:
            b = RuleSet.objects.get(pk=int(request.query_params.get("other", "")))
        except (TypeError, ValueError, RuleSet.DoesNotExist):
            raise ApiValidationError({"other": [_("Please name an existing rule-set version.")]})
        rows = selectors.ruleset_comparison(a, b)
        return Response(
            {"a": a.pk, "b": b.pk, "parameters": ParameterRowSerializer(rows, many=True).data}
        )

    @extend_schema(request=PublishRequestSerializer, responses=RuleSetSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft version (ministry of the Land or programme administrator)."""
        ruleset = self.get_object()
        if not permissions.can_publish_ruleset(request.access, ruleset):
            raise PermissionDenied()
        body = validated_body(PublishRequestSerializer, request)
        with as_api_errors():
            ruleset = services.ruleset_publish(
                actor=request.user,
                access=request.access,
                ruleset=ruleset,
                effective_from=body.get("effective_from"),
                applies_to_submitted=body.get("applies_to_submitted"),
            )
        return Response(self.get_serializer(ruleset).data)


class CatalogueViewSet(GlobalReadOnlyViewSet):
    queryset = CatalogueItem.objects.none()
    serializer_class = CatalogueItemSerializer
    filterset_class = CatalogueFilter


class BudgetViewSet(ScopedReadOnlyViewSet):
    queryset = Budget.objects.none()
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilter

    @extend_schema(responses=BudgetStatusSerializer)
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None):
        s = selectors.budget_status(self.get_object())
        return Response(
            {
                k: str(getattr(s, k))
                for k in (
                    "amount",
                    "planned",
                    "pending",
                    "bound",
                    "paid",
                    "remaining",
                    "free",
                    "unsplit",
                )
            }
        )

    def _budget_response(self, budget):
        budget.refresh_from_db()
        return Response(self.get_serializer(budget).data, status=status.HTTP_200_OK)

    @extend_schema(request=BudgetComputeBody, responses=BudgetSerializer)
    @action(detail=False, methods=["post"])
    def compute(self, request):
        """Compute the current board's budget from the programme's formula (as the page)."""
        body = validated_body(BudgetComputeBody, request)
        board = self.board_for_create()
        with as_api_errors():
            budget = services.budget_compute(
                actor=request.user, board=board, programme=body["programme"]
            )
        return self._budget_response(budget)

    @extend_schema(request=BudgetManualBody, responses=BudgetSerializer)
    @action(detail=False, methods=["post"], url_path="set-by-hand")
    def set_by_hand(self, request):
        """Set the current board's budget by hand; a reason is required."""
        body = validated_body(BudgetManualBody, request)
        board = self.board_for_create()
        with as_api_errors():
            budget = services.budget_set_manual(
                actor=request.user,
                board=board,
                programme=body["programme"],
                amount=body["amount"],
                reason=body["reason"],
            )
        return self._budget_response(budget)


class ApplicationViewSet(ScopedModelViewSet):
    queryset = Application.objects.none()
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    school_staff_may_edit = False

    def check_object_permissions(self, request, obj):
        if self.action in ("update", "partial_update"):
            super().check_object_permissions(request, obj)

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        return services.application_create(
            actor=self.request.user,
            board=self.board_for_create(),
            programme=data.pop("programme"),
            data=data,
        )

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        if "programme" in data and data.pop("programme") != serializer.instance.programme:
            raise ApiValidationError({"programme": [_("The programme cannot be changed.")]})
        return services.application_update(
            actor=self.request.user,
            application=serializer.instance,
            data=data,
            expected_version=self.expected_version,
        )

    def _transition(self, func, **kwargs):
        app = self.get_object()
        with as_api_errors():
            func(actor=self.request.user, access=self.request.access, application=app, **kwargs)
        app.refresh_from_db()
        return Response(self.get_serializer(app).data)

    @extend_schema(responses=CheckResultSerializer)
    @action(detail=True, methods=["get"])
    def check(self, request, pk=None):
        """Findings, totals and checklist (the same rule check as the pages)."""
        app = self.get_object()
        return Response(result_payload(selectors.check_for(app.pk)))

    @extend_schema(responses=FindingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def findings(self, request, pk=None):
        app = self.get_object()
        return Response(result_payload(selectors.check_for(app.pk))["findings"])

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="mobile-cap")
    def mobile_cap(self, request, pk=None):
        """The board-wide mobile-device projection (DOMAIN §4): both branches, their limits,
        headroom and which applies."""
        app = self.get_object()
        return Response(selectors.check_for(app.pk).totals.board_mobile.as_dict())

    @extend_schema(request=FindingOverrideSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], serializer_class=FindingOverrideSerializer)
    def override(self, request, pk=None):
        """A state-side reviewer overrides one finding with a reason (never the board)."""
        app = self.get_object()
        if not permissions.can_override_finding(request.access, app):
            raise PermissionDenied
        body = validated_body(FindingOverrideSerializer, request)
        with as_api_errors():
            services.finding_override(
                actor=request.user, access=request.access, application=app, **body
            )
        return Response(result_payload(selectors.check_for(app.pk)), status=201)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(services.application_submit)

    @extend_schema(request=RequestChangesBody, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        body = validated_body(RequestChangesBody, request)
        return self._transition(
            services.application_request_changes,
            reason=body.get("reason", ""),
            deadline=body.get("deadline"),
        )

    @extend_schema(request=ReasonBody, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        body = validated_body(ReasonBody, request)
        return self._transition(services.application_forward, reason=body.get("reason", ""))

    @extend_schema(request=DecideBody, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        app = self.get_object()
        body = validated_body(DecideBody, request)
        with as_api_errors():
            decision = services.decision_make(
                actor=request.user,
                access=request.access,
                application=app,
                kind=body["kind"],
                date=body.get("date") or dt.date.today(),
                line_amounts=body.get("line_amounts") or {},
                conditions=body.get("conditions", ""),
                reason=body.get("reason", ""),
            )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeRequestBody, responses={201: ChangeRequestSerializer})
    @action(detail=True, methods=["post"], url_path="change-request")
    def change_request(self, request, pk=None):
        """Start an Änderungsantrag after approval (board): the amended cost plan begins as
        a copy of the current lines (edit them at /change-request-lines/), then submit it at
        /change-requests/{id}/submit/; the Land decides at /change-requests/{id}/decide/."""
        app = self.get_object()
        body = validated_body(ChangeRequestBody, request)
        with as_api_errors():
            cr = services.change_request_create(
                actor=request.user,
                access=request.access,
                application=app,
                reason=body["reason"].strip(),
            )
        return Response(ChangeRequestSerializer(cr).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): PDF_RESPONSE})
    @action(detail=True, methods=["get"])
    def package(self, request, pk=None):
        app = Application.objects.for_document().get(pk=self.get_object().pk)
        archive = request.query_params.get("archive") == "1"
        return pdf_response(
            application_package_pdf(app, archive=archive), f"foerderantrag-{app.number}.pdf"
        )


class CostLineViewSet(ScopedModelViewSet):
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
            raise ApiValidationError(
                {"application": [_("A cost line cannot move to another application.")]}
            )
        return services.costline_save(
            actor=self.request.user,
            application=line.application,
            line=line,
            data=data,
            expected_version=self.expected_version,
        )

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.check_precondition(self.request, instance)
            with as_api_errors():
                services.costline_delete(actor=self.request.user, line=instance)


class ReviewCommentViewSet(ScopedModelViewSet):
    queryset = ReviewComment.objects.none()
    serializer_class = ReviewCommentSerializer
    filterset_class = CommentFilter
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        data = serializer.validated_data
        return services.comment_add(
            actor=self.request.user,
            access=self.request.access,
            application=data["application"],
            text=data["text"],
            cost_line=data.get("cost_line"),
        )


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

    @extend_schema(request=JustifyBody, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def justify(self, request, pk=None):
        """The board justifies an invoice above its line beyond the plan tolerance."""
        invoice = self.get_object()
        body = validated_body(JustifyBody, request)
        with as_api_errors():
            invoice = services.invoice_justify(
                actor=request.user,
                access=request.access,
                invoice=invoice,
                justification=body["justification"],
            )
        return Response(self.get_serializer(invoice).data)


class PayoutViewSet(ScopedReadOnlyViewSet):
    queryset = PayoutRequest.objects.none()
    serializer_class = PayoutSerializer
    filterset_class = PayoutFilter

    @extend_schema(request=PayoutRequestBody, responses={201: PayoutSerializer})
    @action(detail=False, methods=["post"], url_path="request")
    def create_request(self, request):
        body = validated_body(PayoutRequestBody, request)
        app = Application.objects.filter(pk=body["application"]).first()
        if app is None or not request.access.can_view(app):
            raise ApiValidationError({"application": [_("Application not found.")]})
        if not permissions.is_board_editor(request.access, app):
            raise PermissionDenied()
        invoices = Invoice.objects.filter(application=app, pk__in=body["invoices"])
        with as_api_errors():
            payout = services.payout_create(
                actor=request.user, application=app, invoices=list(invoices)
            )
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PayoutTransitionBody, responses=PayoutSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        payout = self.get_object()
        body = validated_body(PayoutTransitionBody, request)
        with as_api_errors():
            payout = services.payout_transition(
                actor=request.user, access=request.access, payout=payout, to=body["to"]
            )
        return Response(PayoutSerializer(payout).data)


class ProofViewSet(ScopedReadOnlyViewSet):
    queryset = ProofOfUse.objects.none()
    serializer_class = ProofSerializer
    filterset_class = ProofFilter

    @extend_schema(request=None, responses=ProofSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        with as_api_errors():
            proof = services.proof_submit(
                actor=request.user, access=request.access, proof=self.get_object()
            )
        return Response(ProofSerializer(proof).data)

    @extend_schema(request=ProofCheckBody, responses=ProofSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        proof = self.get_object()
        body = validated_body(ProofCheckBody, request)
        with as_api_errors():
            proof = services.proof_check(
                actor=request.user,
                access=request.access,
                proof=proof,
                outcome=body["outcome"],
                repayment_amount=body.get("repayment_amount"),
                note=body.get("note", ""),
            )
        return Response(ProofSerializer(proof).data)


class ApplicationSchoolViewSet(ScopedModelViewSet):
    """The schools of applications with their TPEK and infrastructure annex texts.

    Read by everyone who sees the application (school staff: their school only); updated
    with If-Match by the school or the board while the application is open.
    """

    queryset = ApplicationSchool.objects.none()
    serializer_class = ApplicationSchoolSerializer
    filterset_class = ApplicationSchoolFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(exclude=True)  # schools join an application there, never here: always 405
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed(
            "POST", detail=_("Schools are added to an application on the application.")
        )

    def check_object_permissions(self, request, obj):
        # DRF's own checks; edit rights by action (school staff may write their TPEK)
        super(ScopedViewSetMixin, self).check_object_permissions(request, obj)
        if self.action in ("update", "partial_update", "submit_tpek"):
            if not permissions.can_edit_tpek(request.access, obj):
                raise PermissionDenied()
        elif self.action == "request_tpek" and not permissions.is_board_editor(request.access, obj):
            raise PermissionDenied()

    def update_object(self, serializer):
        return services.tpek_update(
            actor=self.request.user,
            app_school=serializer.instance,
            data=dict(serializer.validated_data),
            expected_version=self.expected_version,
        )

    @extend_schema(request=TpekRequestBody, responses=ApplicationSchoolSerializer)
    @action(detail=True, methods=["post"], url_path="request-tpek")
    def request_tpek(self, request, pk=None):
        """The board asks the school for its TPEK, with a deadline (YYYY-MM-DD)."""
        entry = self.get_object()
        body = validated_body(TpekRequestBody, request)
        with as_api_errors():
            entry = services.tpek_request(
                actor=request.user, app_school=entry, deadline=body["deadline"]
            )
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=None, responses=ApplicationSchoolSerializer)
    @action(detail=True, methods=["post"], url_path="submit-tpek")
    def submit_tpek(self, request, pk=None):
        """The school delivers its TPEK to the board."""
        entry = self.get_object()
        with as_api_errors():
            entry = services.tpek_submit(actor=request.user, app_school=entry)
        return Response(self.get_serializer(entry).data)


class ChangeRequestViewSet(ScopedReadOnlyViewSet):
    """Change requests (Änderungsanträge) after approval: the board submits its amended
    cost plan, reviewers decide it here."""

    queryset = ChangeRequest.objects.none()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilter

    def check_object_permissions(self, request, obj):
        # submitting and deciding: the services check who may (board editor, approver)
        super(ScopedViewSetMixin, self).check_object_permissions(request, obj)

    @extend_schema(responses=AMENDED_CHECK)
    @action(detail=True, methods=["get"])
    def check(self, request, pk=None):
        """The rule check of the amended plan, its grant, and old against new per line."""
        cr = self.get_object()
        result, grant, rows = selectors.amended_plan_check(cr)
        return Response(
            {
                "ok": result.ok,
                "findings": [f.as_dict() for f in result.findings],
                "eligible": str(grant.eligible),
                "grant": str(grant.grant),
                "own_share": str(grant.own_share),
                "capped": grant.capped,
                "lines": AmendmentRowSerializer(
                    selectors.amendment_line_changes(cr), many=True
                ).data,
            }
        )

    @extend_schema(request=None, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The board submits the amended plan (refused while a rule is broken)."""
        cr = self.get_object()
        with as_api_errors():
            cr = services.change_request_submit(
                actor=request.user, access=request.access, change_request=cr
            )
        return Response(self.get_serializer(cr).data)

    @extend_schema(request=ChangeDecideBody, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        cr = self.get_object()
        body = validated_body(ChangeDecideBody, request)
        with as_api_errors():
            cr = services.change_request_decide(
                actor=request.user,
                access=request.access,
                change_request=cr,
                approve=body["approve"],
                date=body.get("date") or dt.date.today(),
                reason=body.get("reason", ""),
                conditions=body.get("conditions", ""),
            )
        return Response(self.get_serializer(cr).data)


class ChangeRequestLineViewSet(ScopedModelViewSet):
    """The lines of an amended cost plan, edited like the original plan's lines while
    the change request is being prepared; DELETE removes a line from the amended plan."""

    queryset = ChangeRequestLine.objects.none()
    serializer_class = ChangeRequestLineSerializer
    filterset_class = ChangeRequestLineFilter
    school_staff_may_edit = False
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        cr = data.pop("change_request")
        if not permissions.can_edit_change_request(self.request.access, cr):
            raise PermissionDenied()
        return services.change_line_save(actor=self.request.user, change_request=cr, data=data)

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        line = serializer.instance
        if "change_request" in data and data.pop("change_request") != line.change_request:
            raise ApiValidationError(
                {"change_request": [_("A line cannot move to another change request.")]}
            )
        return services.change_line_save(
            actor=self.request.user,
            change_request=line.change_request,
            line=line,
            data=data,
            expected_version=self.expected_version,
        )

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.check_precondition(self.request, instance)
            with as_api_errors():
                services.change_line_remove(actor=self.request.user, line=instance)

    @extend_schema(request=None, responses=ChangeRequestLineSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Take a removed line back into the amended plan."""
        line = self.get_object()
        with as_api_errors():
            services.change_line_remove(actor=request.user, line=line, restore=True)
        line.refresh_from_db()
        return Response(self.get_serializer(line).data)
