from rest_framework import serializers

from core.api import ScopedRelatedField
from core.models import StatusChange
from funding.models import CostLine
from schools.models import Room, School

from ..choices import Condition, DefectStatus, DeviceStatus
from ..models import (
    Accessory,
    DefectReport,
    Delivery,
    Device,
    DeviceModel,
    Loan,
    LoanItem,
    LoanReturn,
    Stocktake,
    StocktakeEntry,
)


class DeviceModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeviceModel
        fields = [
            "id",
            "school_board",
            "manufacturer",
            "name",
            "category",
            "default_price_net",
            "default_price_gross",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["school_board", "version", "created_at", "updated_at"]
        validators: list = []


class DeviceSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.none())
    room = ScopedRelatedField(queryset=Room.objects.none(), required=False, allow_null=True)
    model = ScopedRelatedField(queryset=DeviceModel.objects.none(), required=False, allow_null=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    # no `default`: DRF skips a defaulted field in PATCH answers (partial) instead of
    # returning null, and the published schema requires the key
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True)
    model_name = serializers.SerializerMethodField()
    funding_category = serializers.CharField(read_only=True)
    category = serializers.CharField(required=False, allow_blank=True)
    cost_line = ScopedRelatedField(
        queryset=CostLine.objects.none(),
        required=False,
        allow_null=True,
        help_text="Id of the funding cost line (Position des Kosten- "
        "und Zeitplans) of the same Schulträger.",
    )
    cost_line_label = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "school_board",
            "inventory_number",
            "serial_number",
            "model",
            "model_name",
            "category",
            "funding_category",
            "status",
            "school",
            "school_name",
            "room",
            "room_name",
            "pool",
            "purchase_date",
            "price_net",
            "price_gross",
            "supplier",
            "invoice_reference",
            "warranty_end",
            "earmarking_end",
            "mdm_id",
            "cost_line",
            "cost_line_label",
            "notes",
            "retired_early",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "school_board",
            "status",
            "retired_early",
            "version",
            "created_at",
            "updated_at",
        ]
        validators: list = []

    def get_model_name(self, obj) -> str | None:
        return str(obj.model) if obj.model_id else None

    def get_cost_line_label(self, obj) -> str | None:
        from ..services import cost_line_label

        return cost_line_label(obj.cost_line) if obj.cost_line_id else None


class AssignCostLineSerializer(serializers.Serializer):
    """Bulk: link devices (by id, or every device of a delivery) to one cost line."""

    cost_line = ScopedRelatedField(
        queryset=CostLine.objects.none(),
        allow_null=True,
        help_text="Cost line id; null removes the funding link.",
    )
    devices = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=20_000
    )
    delivery = ScopedRelatedField(queryset=Delivery.objects.none(), required=False)

    def validate(self, attrs):
        if bool(attrs.get("devices")) == bool(attrs.get("delivery")):
            raise serializers.ValidationError(
                {"devices": "Give either a list of device ids or a delivery id."}
            )
        return attrs


class AssignCostLineResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    selected = serializers.IntegerField()


class PupilLeftSerializer(serializers.Serializer):
    left_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=DeviceStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    room = ScopedRelatedField(queryset=Room.objects.none(), required=False, allow_null=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    """A device's status change from the one log (core.StatusChange); field names unchanged."""

    changed_at = serializers.DateTimeField(source="created_at", read_only=True)
    flagged = serializers.BooleanField(read_only=True)

    class Meta:
        model = StatusChange
        fields = ["id", "from_status", "to_status", "actor", "changed_at", "reason", "flagged"]


class AccessorySerializer(serializers.ModelSerializer):
    device = ScopedRelatedField(queryset=Device.objects.none())

    class Meta:
        model = Accessory
        fields = [
            "id",
            "school_board",
            "device",
            "kind",
            "description",
            "serial_number",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["school_board", "version", "created_at", "updated_at"]


class LoanItemSerializer(serializers.ModelSerializer):
    inventory_number = serializers.CharField(source="device.inventory_number", read_only=True)
    serial_number = serializers.CharField(source="device.serial_number", read_only=True)

    class Meta:
        model = LoanItem
        fields = [
            "id",
            "device",
            "inventory_number",
            "serial_number",
            "accessories",
            "is_open",
            "value",
            "returned_on",
            "return_condition",
            "damage_notes",
        ]


class LoanStatisticsSerializer(serializers.Serializer):
    """Loan counts of one school (no personal data): what `loans/statistics/` returns."""

    school_board__name = serializers.CharField()
    school__name = serializers.CharField(allow_null=True)
    open = serializers.IntegerField()
    handed_out = serializers.IntegerField()
    overdue = serializers.IntegerField()
    returned = serializers.IntegerField()
    pupils = serializers.IntegerField()
    teachers = serializers.IntegerField()


class LoanSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.none())
    devices = ScopedRelatedField(queryset=Device.objects.none(), many=True, write_only=True)
    accessories = ScopedRelatedField(
        queryset=Accessory.objects.none(), many=True, write_only=True, required=False
    )
    items = LoanItemSerializer(many=True, read_only=True)
    contract_number = serializers.CharField(read_only=True)
    due_date = serializers.DateField(required=False)

    class Meta:
        model = Loan
        fields = [
            "id",
            "school_board",
            "contract_number",
            "school",
            "borrower_kind",
            "borrower_name",
            "school_class",
            "borrower_is_minor",
            "guardian_name",
            "guardian_contact",
            "staff_reference",
            "school_year",
            "start_date",
            "due_rule",
            "due_date",
            "condition_at_handover",
            "existing_damage",
            "status",
            "signed_on",
            "guardian_signed",
            "borrower_signed",
            "handed_out_on",
            "returned_on",
            "pupil_left_on",
            "notes",
            "devices",
            "accessories",
            "items",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "school_board",
            "status",
            "signed_on",
            "guardian_signed",
            "borrower_signed",
            "handed_out_on",
            "returned_on",
            "pupil_left_on",
            "version",
            "created_at",
            "updated_at",
        ]
        validators: list = []


class LoanUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Loan
        fields = [
            "guardian_name",
            "guardian_contact",
            "school_class",
            "due_rule",
            "due_date",
            "notes",
        ]


class SignSerializer(serializers.Serializer):
    borrower_signed = serializers.BooleanField()
    guardian_signed = serializers.BooleanField(default=False)
    signed_on = serializers.DateField(required=False)


class ReturnItemSerializer(serializers.Serializer):
    device = serializers.IntegerField()
    condition = serializers.ChoiceField(choices=Condition.choices, default=Condition.GOOD)
    returned_accessories = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    damage_notes = serializers.CharField(required=False, allow_blank=True, default="")


class LoanReturnSerializer(serializers.ModelSerializer):
    loan = ScopedRelatedField(queryset=Loan.objects.none())
    items = ReturnItemSerializer(many=True, write_only=True)

    class Meta:
        model = LoanReturn
        fields = [
            "id",
            "school_board",
            "loan",
            "returned_on",
            "received_by",
            "accessories_complete",
            "notes",
            "items",
            "created_at",
        ]
        read_only_fields = ["school_board", "received_by", "accessories_complete", "created_at"]


class DefectReportSerializer(serializers.ModelSerializer):
    device = ScopedRelatedField(queryset=Device.objects.none())

    class Meta:
        model = DefectReport
        fields = [
            "id",
            "school_board",
            "device",
            "kind",
            "status",
            "description",
            "reported_on",
            "reported_by",
            "police_report_reference",
            "replacement_device",
            "resolution",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "school_board",
            "status",
            "reported_by",
            "replacement_device",
            "resolution",
            "version",
            "created_at",
            "updated_at",
        ]
        validators: list = []


class DefectTransitionSerializer(serializers.Serializer):
    # a choice, not free text: an unknown status is a 400 (it was a 500 in the service)
    to_status = serializers.ChoiceField(choices=DefectStatus.choices)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    replacement_device = ScopedRelatedField(
        queryset=Device.objects.none(), required=False, allow_null=True
    )


class StocktakeEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = StocktakeEntry
        fields = ["id", "code", "device", "room", "scanned_at"]


class StocktakeSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.none())
    room = ScopedRelatedField(queryset=Room.objects.none(), required=False, allow_null=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    # no `default`: DRF skips a defaulted field in PATCH answers (partial) instead of
    # returning null, and the published schema requires the key
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True)

    class Meta:
        model = Stocktake
        fields = [
            "id",
            "school_board",
            "school",
            "school_name",
            "room",
            "room_name",
            "started_on",
            "status",
            "closed_on",
            "result",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "school_board",
            "status",
            "closed_on",
            "result",
            "version",
            "created_at",
            "updated_at",
        ]


class ScanSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=300)
    room = ScopedRelatedField(queryset=Room.objects.none(), required=False, allow_null=True)


class BulkSerializer(serializers.Serializer):
    """A bulk action: on `ids`, or on every device matching `filter` (the list's filters)."""

    action = serializers.ChoiceField(
        choices=["status", "move", "cost_line", "labels", "stocktake", "retire"]
    )
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    filter = serializers.DictField(child=serializers.CharField(), required=False)
    to_status = serializers.CharField(required=False, allow_blank=True)
    school = serializers.IntegerField(required=False, allow_null=True)
    room = serializers.IntegerField(required=False, allow_null=True)
    cost_line = serializers.IntegerField(required=False, allow_null=True)
    remove = serializers.BooleanField(required=False, default=False)
    stocktake = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, attrs):
        if not attrs.get("ids") and attrs.get("filter") is None:
            raise serializers.ValidationError({"ids": "Give `ids` or a `filter`."})
        return attrs


class BulkOutcomeSerializer(serializers.Serializer):
    device_id = serializers.IntegerField()
    inventory_number = serializers.CharField()
    done = serializers.BooleanField()
    message = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    """Done at once: counts and one outcome per device; else `job` and its `job_url`."""

    action = serializers.CharField()
    done = serializers.IntegerField(required=False)
    refused = serializers.IntegerField(required=False)
    outcomes = BulkOutcomeSerializer(many=True, required=False)
    follow_up_url = serializers.CharField(required=False)
    job = serializers.IntegerField(required=False)
    job_url = serializers.CharField(required=False)
