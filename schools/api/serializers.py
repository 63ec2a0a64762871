from rest_framework import serializers

from core.api import ScopedRelatedField

from ..models import Land, Room, School, SchoolBoard, Site


class LandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Land
        fields = ["id", "code", "name", "school_number_pattern", "school_number_hint"]


class SchoolBoardSerializer(serializers.ModelSerializer):
    land = serializers.CharField(source="land.code", read_only=True)

    class Meta:
        model = SchoolBoard
        fields = [
            "id",
            "land",
            "name",
            "kind",
            "official_key",
            "street",
            "postal_code",
            "city",
            "email",
            "phone",
            "notes",
            "deliveries_to_stock",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


class SchoolSerializer(serializers.ModelSerializer):
    school_board = serializers.PrimaryKeyRelatedField(read_only=True)
    school_board_name = serializers.CharField(source="school_board.name", read_only=True)
    is_vocational = serializers.BooleanField(read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "school_board",
            "school_board_name",
            "school_number",
            "name",
            "school_type",
            "is_vocational",
            "street",
            "postal_code",
            "city",
            "pupils",
            "teachers",
            "classes",
            "counts_date",
            "head_teacher",
            "email",
            "phone",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        # Uniqueness of the school number is checked by the model (per Land, all boards).
        validators: list = []


class SiteSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.none())
    school_board = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "school_board",
            "school",
            "name",
            "street",
            "postal_code",
            "city",
            "is_main",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators: list = []


class RoomSerializer(serializers.ModelSerializer):
    site = ScopedRelatedField(queryset=Site.objects.none())
    school = serializers.PrimaryKeyRelatedField(read_only=True)
    school_board = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Room
        fields = [
            "id",
            "school_board",
            "school",
            "site",
            "name",
            "kind",
            "building",
            "floor",
            "seats",
            "has_lan",
            "has_wlan",
            "has_display",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        validators: list = []
