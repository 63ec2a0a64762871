from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ScopedRelatedField, id_field
from schools.models import School

from ..choices import DecisionKind, PayoutStatus, ProofStatus
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


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "land", "legal_basis", "description", "is_active"]


class RuleSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleSet
        fields = [
            "id",
            "programme",
            "number",
            "status",
            "valid_from",
            "applies_to_submitted",
            "published_at",
            "change_note",
            "funding_rate",
            "own_share_convention",
            "own_share_rate",
            "allocation_formula",
            "per_pupil_amount",
            "base_per_school",
            "base_min_pupils",
            "amount_by_school_type",
            "counts_reference_date",
            "eligible_categories",
            "excluded_terms",
            "smartphone_terms",
            "mobile_cap_percent",
            "mobile_cap_per_school",
            "require_network_for_mobile",
            "application_opens",
            "application_deadline",
            "deadline_history",
            "eligible_from",
            "eligible_until",
            "payout_until",
            "direct_purchase_limit",
            "tender_law_threshold",
            "restricted_tender_limit",
            "inventory_threshold",
            "earmarking_years",
            "plan_tolerance_percent",
            "proof_of_use_months",
            "proof_late_severity",
        ]


class CatalogueItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "land",
            "contract_reference",
            "item_number",
            "name",
            "category",
            "unit_price_net",
            "vat_rate",
            "valid_until",
            "is_active",
        ]


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Budget
        fields = [
            "id",
            "school_board",
            "programme",
            "ruleset",
            "amount",
            "is_manual",
            "reason",
            "pupils",
            "computed_on",
            "pupil_counts",
            "version",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())

    class Meta:
        model = Application
        fields = [
            "id",
            "school_board",
            "number",
            "title",
            "programme",
            "ruleset",
            "status",
            "planned_start",
            "planned_end",
            "operator",
            "support_scope",
            "mdm",
            "update_policy",
            "response_times",
            "operation_financing",
            "decl_procurement",
            "decl_no_double_funding",
            "decl_operation_secured",
            "place",
            "signatory",
            "submitted_at",
            "changes_deadline",
            "content_checked_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "school_board",
            "number",
            "ruleset",
            "status",
            "submitted_at",
            "changes_deadline",
            "content_checked_by",
            "version",
            "created_at",
            "updated_at",
        ]

    def update(self, instance, validated_data):  # pragma: no cover - services write
        raise NotImplementedError


class CostLineSerializer(serializers.ModelSerializer):
    application = ScopedRelatedField(queryset=Application.objects.none())
    school = ScopedRelatedField(queryset=School.objects.none())
    catalogue_item = serializers.PrimaryKeyRelatedField(
        queryset=CatalogueItem.objects.all(), required=False, allow_null=True
    )
    net = serializers.SerializerMethodField()
    gross = serializers.SerializerMethodField()

    class Meta:
        model = CostLine
        fields = [
            "id",
            "application",
            "position",
            "school",
            "category",
            "description",
            "quantity",
            "unit_price_net",
            "vat_rate",
            "procurement_route",
            "catalogue_item",
            "planned_start",
            "planned_end",
            "need",
            "justification",
            "net",
            "gross",
            "approved_amount",
            "version",
        ]
        read_only_fields = ["position", "approved_amount", "version"]

    def get_net(self, obj) -> str:
        """Net total of the line (decimal string, rounded half-up to the cent)."""
        return str(obj.amounts.net)

    def get_gross(self, obj) -> str:
        """Gross total of the line (decimal string, rounded half-up to the cent)."""
        return str(obj.amounts.gross)


class ReviewCommentSerializer(serializers.ModelSerializer):
    application = ScopedRelatedField(queryset=Application.objects.none())
    cost_line = ScopedRelatedField(
        queryset=CostLine.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = ReviewComment
        fields = ["id", "application", "cost_line", "author", "text", "resolved", "created_at"]
        read_only_fields = ["author", "resolved", "created_at"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            "application",
            "kind",
            "number",
            "date",
            "approved_amount",
            "eligible_amount",
            "rate",
            "period_start",
            "period_end",
            "conditions",
            "reason",
            "decided_by",
            "supersedes",
            "version",
        ]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    application = ScopedRelatedField(queryset=Application.objects.none())
    cost_line = ScopedRelatedField(queryset=CostLine.objects.none())

    class Meta:
        model = Invoice
        fields = [
            "id",
            "application",
            "cost_line",
            "payout",
            "number",
            "date",
            "supplier",
            "amount",
            "paid_on",
            "justification",
            "version",
        ]
        read_only_fields = ["payout", "version"]
        validators: list = []


class ToleranceInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    justification = serializers.CharField()


class ToleranceRowSerializer(serializers.Serializer):
    """A cost line in a payout request against its approved amount plus the tolerance."""

    cost_line = serializers.IntegerField(source="line.pk")
    position = serializers.IntegerField(source="line.position")
    approved = serializers.DecimalField(max_digits=14, decimal_places=2)
    limit = serializers.DecimalField(max_digits=14, decimal_places=2)
    earlier = serializers.DecimalField(max_digits=14, decimal_places=2)
    current = serializers.DecimalField(max_digits=14, decimal_places=2)
    flagged = serializers.BooleanField()
    justified = serializers.BooleanField()
    message = serializers.SerializerMethodField()
    invoices = ToleranceInvoiceSerializer(many=True)

    def get_message(self, row) -> str:
        return row["finding"].message if row["finding"] else ""


class PayoutSerializer(serializers.ModelSerializer):
    tolerance = serializers.SerializerMethodField(
        help_text="Per cost line: invoices against the approved amount plus the plan "
        "tolerance; flagged lines need a justification before submission."
    )

    class Meta:
        model = PayoutRequest
        fields = [
            "id",
            "application",
            "number",
            "status",
            "invoiced_amount",
            "requested_amount",
            "submitted_at",
            "paid_on",
            "tolerance",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(ToleranceRowSerializer(many=True))
    def get_tolerance(self, payout) -> list:
        from ..selectors import payout_tolerance_rows

        return ToleranceRowSerializer(payout_tolerance_rows(payout), many=True).data


class ProofSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProofOfUse
        fields = [
            "id",
            "application",
            "status",
            "summary",
            "submitted_at",
            "checked_by",
            "checked_at",
            "repayment_amount",
            "check_note",
            "version",
        ]
        read_only_fields = [
            "application",
            "status",
            "submitted_at",
            "checked_by",
            "checked_at",
            "repayment_amount",
            "check_note",
            "version",
        ]


def result_payload(result) -> dict:
    t = result.totals
    return {
        "ok": result.ok,
        "findings": [f.as_dict() for f in result.findings],
        "mobile_projection": t.board_mobile.as_dict() if t.board_mobile else None,
        "checklist": [{"label": label, "done": done} for label, done in result.checklist],
        "totals": {
            "net": str(t.net),
            "eligible": str(t.eligible),
            "funding": str(t.funding),
            "own_share": str(t.own_share),
            "budget_available": None if t.budget_available is None else str(t.budget_available),
            "budget_left": None if t.budget_left is None else str(t.budget_left),
            "per_school": {str(k): str(v) for k, v in t.per_school.items()},
            "per_category": {k: str(v) for k, v in t.per_category.items()},
            "mobile": {
                "total": str(t.mobile.mobile_total),
                "cap": str(t.mobile.cap_total),
                "share_percent": str(t.mobile.share_percent),
                "ok": t.mobile.ok,
                "per_school": {str(k): str(v) for k, v in t.mobile.per_school.items()},
            },
            "board_mobile": None
            if t.board_mobile is None
            else {
                "total": str(t.board_mobile.mobile_total),
                "cap": str(t.board_mobile.cap_total),
                "ok": t.board_mobile.ok,
                "per_school": {str(k): str(v) for k, v in t.board_mobile.per_school.items()},
            },
        },
    }


class ApplicationSchoolSerializer(serializers.ModelSerializer):
    """A school in an application with its annexes: TPEK and digital infrastructure."""

    class Meta:
        model = ApplicationSchool
        fields = [
            "id",
            "application",
            "school",
            "site",
            "tpek_status",
            "tpek_deadline",
            "current_equipment",
            "planned_equipment",
            "pedagogical_reason",
            "competence_areas",
            "training_plan",
            "infrastructure_current",
            "infrastructure_planned",
            "version",
            "updated_at",
        ]
        read_only_fields = [
            "application",
            "school",
            "tpek_status",
            "tpek_deadline",
            "version",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from schools.models import Site

        request = self.context.get("request")
        access = getattr(request, "access", None)
        if access is not None:
            self.fields["site"].queryset = access.restrict(Site.objects.all())


class ChangeRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "application",
            "reason",
            "eligible_amount",
            "requested_amount",
            "status",
            "submitted_at",
            "decision",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ChangeRequestLineSerializer(serializers.ModelSerializer):
    """A line of an amended cost plan: the fields of a cost line, plus what it amends."""

    change_request = ScopedRelatedField(queryset=ChangeRequest.objects.none())
    school = ScopedRelatedField(queryset=School.objects.none())
    catalogue_item = serializers.PrimaryKeyRelatedField(
        queryset=CatalogueItem.objects.all(), required=False, allow_null=True
    )
    gross = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequestLine
        fields = [
            "id",
            "change_request",
            "cost_line",
            "position",
            "removed",
            "school",
            "category",
            "description",
            "quantity",
            "unit_price_net",
            "vat_rate",
            "procurement_route",
            "catalogue_item",
            "planned_start",
            "planned_end",
            "need",
            "justification",
            "gross",
            "version",
        ]
        read_only_fields = ["cost_line", "position", "removed", "version"]
        validators: list = []  # the services check what belongs together
        extra_kwargs = {
            "category": {"required": False},
            "description": {"required": False},
            "unit_price_net": {"required": False},
        }

    def get_gross(self, obj) -> str:
        return str(obj.amounts.gross)


class AmendmentRowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    school = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    old_quantity = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    old_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    new_quantity = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    new_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    difference = serializers.DecimalField(max_digits=14, decimal_places=2)


class ParameterRowSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    a = serializers.CharField()
    b = serializers.CharField()
    changed = serializers.BooleanField()


class FindingOverrideSerializer(serializers.Serializer):
    """Input of a reviewer's override of one finding."""

    code = serializers.CharField(max_length=40)
    line_ref = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------------------
# Bodies of the actions and their answers. The views validate every body with these
# (core.api.validated_body) and the OpenAPI schema publishes the same classes, so the
# documented and the accepted input cannot drift apart. DRF's fields already refuse
# NaN/Infinity and too many digits (DecimalField), integers as dates (DateField), NUL
# bytes (CharField) and lists where an object belongs (DictField).
# ---------------------------------------------------------------------------


def money_field(**kwargs) -> serializers.DecimalField:
    """An amount in euros: at most 12 digits before and 2 after the point, never negative."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, **kwargs)


class ReasonBody(serializers.Serializer):
    """A status step with an optional reason (submit, forward)."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RequestChangesBody(ReasonBody):
    """Nachforderung: what is missing, and until when."""

    deadline = serializers.DateField(required=False, allow_null=True)


class LineAmountsField(serializers.DictField):
    """Approved amount per cost line: {"<cost line id>": "1234.56"}."""

    child = money_field()

    def to_internal_value(self, data):
        amounts = super().to_internal_value(data)
        out = {}
        for key, amount in amounts.items():
            try:
                line_id = int(key)
            except (TypeError, ValueError):
                line_id = 0
            if not 0 < line_id <= 2**63 - 1:
                raise serializers.ValidationError(
                    _("The keys must be ids of cost lines (positive whole numbers).")
                )
            out[line_id] = amount
        return out


class DecideBody(serializers.Serializer):
    """The reviewer's decision (Zuwendungsbescheid) on a forwarded application."""

    kind = serializers.ChoiceField(choices=DecisionKind.choices, default=DecisionKind.FULL)
    date = serializers.DateField(required=False, allow_null=True)
    line_amounts = LineAmountsField(required=False)
    conditions = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class BudgetComputeBody(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())


class BudgetManualBody(BudgetComputeBody):
    amount = money_field()
    reason = serializers.CharField()


class ChangeRequestBody(serializers.Serializer):
    """Änderungsantrag: why; the amended lines are edited afterwards (change-request-lines)."""

    reason = serializers.CharField(max_length=2000)


class JustifyBody(serializers.Serializer):
    """Why an invoice exceeds its cost line beyond the plan tolerance."""

    justification = serializers.CharField(max_length=2000)


class PublishRequestSerializer(serializers.Serializer):
    """Publishing a draft rule-set version: from when, and whether it reaches submitted
    applications too (a deadline extension does)."""

    effective_from = serializers.DateField(required=False)
    applies_to_submitted = serializers.BooleanField(required=False)


class ChangeDecideBody(serializers.Serializer):
    approve = serializers.BooleanField()
    date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.CharField(required=False, allow_blank=True)


class TpekRequestBody(serializers.Serializer):
    deadline = serializers.DateField()


class PayoutRequestBody(serializers.Serializer):
    """Abruf: the invoices (ids) of one approved application to request funds for."""

    application = id_field()
    invoices = serializers.ListField(child=id_field(), allow_empty=False, max_length=1000)


class PayoutTransitionBody(serializers.Serializer):
    to = serializers.ChoiceField(choices=PayoutStatus.choices)


class ProofCheckBody(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (ProofStatus.CLOSED, ProofStatus.REPAYMENT)]
    )
    repayment_amount = money_field(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class BudgetStatusSerializer(serializers.Serializer):
    """Every figure of a budget (decimal strings): the one budget_status() function."""

    amount = serializers.CharField()
    planned = serializers.CharField()
    pending = serializers.CharField()
    bound = serializers.CharField()
    paid = serializers.CharField()
    remaining = serializers.CharField()
    free = serializers.CharField()
    unsplit = serializers.CharField()


class FindingSerializer(serializers.Serializer):
    """One rule finding: code, error or warning, message, the lines (refs), the school."""

    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    school = serializers.IntegerField(allow_null=True)


class ChecklistItemSerializer(serializers.Serializer):
    label = serializers.CharField()
    done = serializers.BooleanField()


class MobileShareSerializer(serializers.Serializer):
    total = serializers.CharField()
    cap = serializers.CharField()
    share_percent = serializers.CharField()
    ok = serializers.BooleanField()
    per_school = serializers.DictField(child=serializers.CharField())


class BoardMobileSerializer(serializers.Serializer):
    total = serializers.CharField()
    cap = serializers.CharField()
    ok = serializers.BooleanField()
    per_school = serializers.DictField(child=serializers.CharField())


class CheckTotalsSerializer(serializers.Serializer):
    net = serializers.CharField()
    eligible = serializers.CharField()
    funding = serializers.CharField()
    own_share = serializers.CharField()
    budget_available = serializers.CharField(allow_null=True)
    budget_left = serializers.CharField(allow_null=True)
    per_school = serializers.DictField(child=serializers.CharField())
    per_category = serializers.DictField(child=serializers.CharField())
    mobile = MobileShareSerializer()
    board_mobile = BoardMobileSerializer(allow_null=True)


class CheckResultSerializer(serializers.Serializer):
    """The rule check of an application (result_payload): findings, checklist, totals."""

    ok = serializers.BooleanField()
    findings = FindingSerializer(many=True)
    checklist = ChecklistItemSerializer(many=True)
    totals = CheckTotalsSerializer()
