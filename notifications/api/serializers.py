"""API serializers of notifications (explicit fields)."""

from django.conf import settings
from rest_framework import serializers

from ..choices import Delivery, Kind
from ..models import Notification
from ..texts import title_of


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "params",
            "url",
            "due_date",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_title(self, obj) -> str:
        return title_of(obj)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000)


class MarkAllReadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)


class CountSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


class PreferencesSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    deliveries = serializers.DictField(
        child=serializers.ChoiceField(choices=Delivery.choices),
        required=False,
        help_text="{kind: immediate|digest|off}; kinds not named keep their setting.",
    )
    version = serializers.IntegerField(read_only=True)


class FeedSerializer(serializers.Serializer):
    url = serializers.CharField(read_only=True, allow_blank=True)
    created = serializers.DateTimeField(read_only=True, allow_null=True)
