from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ScopedRelatedField
from schools.models import School

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
