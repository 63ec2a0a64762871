from rest_framework import serializers

from ..models import ImportKind, ImportRun, MdmReconciliation


class ImportRunSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "file_sha256",
            "file_size",
            "file_format",
            "headers",
            "mapping",
            "created_by",
            "created_at",
            "committed_at",
            "rows_total",
            "rows_new",
            "rows_changed",
            "rows_unchanged",
            "rows_error",
            "duration_ms",
            "report",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)
    mapping = serializers.JSONField(
        required=False, help_text="{column index: field key}; default: detected"
    )


class MdmReconciliationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MdmReconciliation
        fields = [
            "id",
            "source",
            "file_name",
            "file_sha256",
            "stale_days",
            "reference_date",
            "mdm_count",
            "inventory_count",
            "matched_count",
            "summary",
            "findings",
            "created_at",
        ]
        read_only_fields = fields
