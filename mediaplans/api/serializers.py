from rest_framework import serializers

from core.api import ScopedRelatedField
from schools.models import Room, School

from .. import selectors
from ..choices import AdoptionBody
from ..models import (
    CompetenceArea,
    CompetenceGoal,
    ConceptVersion,
    EquipmentNeed,
    MediaConcept,
    TrainingEntry,
)


class CompetenceAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompetenceArea
        fields = ["id", "number", "name", "description"]


class ConceptSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.none())
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_board = serializers.PrimaryKeyRelatedField(read_only=True)
    form = serializers.ChoiceField(choices=["full", "short"], write_only=True, default="full")
    development_goals = serializers.ListField(
        child=serializers.CharField(allow_blank=True), write_only=True, required=False, max_length=3
    )
    adopted_version = serializers.SerializerMethodField()

    class Meta:
        model = MediaConcept
        fields = [
            "id",
            "school",
            "school_name",
            "school_board",
            "title",
            "form",
            "development_goals",
            "adopted_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["title", "created_at", "updated_at"]
        validators: list = []

    def get_adopted_version(self, obj) -> int | None:
        v = obj.adopted_version
        return v.pk if v else None


class VersionSerializer(serializers.ModelSerializer):
    concept = serializers.PrimaryKeyRelatedField(read_only=True)
    school = serializers.IntegerField(source="concept.school_id", read_only=True)
    progress = serializers.SerializerMethodField()
    edit_version = serializers.IntegerField(source="version", read_only=True)
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20000), required=False
    )
    development_goals = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False
    )

    class Meta:
        model = ConceptVersion
        fields = [
            "id",
            "concept",
            "school",
            "number",
            "form",
            "status",
            "sections",
            "development_goals",
            "progress",
            "adopted_on",
            "adopted_by_body",
            "adoption_note",
            "superseded_on",
            "based_on",
            "current_state_snapshot",
            "edit_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "form",
            "status",
            "adopted_on",
            "adopted_by_body",
            "adoption_note",
            "superseded_on",
            "based_on",
            "current_state_snapshot",
            "created_at",
            "updated_at",
        ]
        validators: list = []

    def get_progress(self, obj) -> int:
        return selectors.progress(obj, selectors.row_counts(obj))


class AdoptSerializer(serializers.Serializer):
    adopted_on = serializers.DateField()
    adopted_by_body = serializers.ChoiceField(choices=AdoptionBody.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class VersionTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=["draft", "consultation"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class GoalSerializer(serializers.ModelSerializer):
    version = ScopedRelatedField(queryset=ConceptVersion.objects.none())
    area = serializers.PrimaryKeyRelatedField(
        queryset=CompetenceArea.objects.all(),
        allow_null=True,
        error_messages={
            "required": "Choose the competence area this goal belongs to.",
            "null": "Choose the competence area this goal belongs to.",
        },
    )
    area_number = serializers.IntegerField(source="area.number", read_only=True)

    class Meta:
        model = CompetenceGoal
        fields = [
            "id",
            "version",
            "area",
            "area_number",
            "title",
            "subject",
            "year_from",
            "year_to",
            "measure",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []


class TrainingSerializer(serializers.ModelSerializer):
    version = ScopedRelatedField(queryset=ConceptVersion.objects.none())
    areas = serializers.PrimaryKeyRelatedField(
        queryset=CompetenceArea.objects.all(), many=True, required=False
    )

    class Meta:
        model = TrainingEntry
        fields = [
            "id",
            "version",
            "topic",
            "target_group",
            "teachers",
            "period_start",
            "period_end",
            "provider",
            "status",
            "areas",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []


class NeedSerializer(serializers.ModelSerializer):
    version = ScopedRelatedField(queryset=ConceptVersion.objects.none())
    school = serializers.PrimaryKeyRelatedField(read_only=True)
    rooms = ScopedRelatedField(queryset=Room.objects.none(), many=True, required=False)
    goals = ScopedRelatedField(queryset=CompetenceGoal.objects.none(), many=True, required=False)
    total_estimate = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    has_goal = serializers.SerializerMethodField()

    class Meta:
        model = EquipmentNeed
        fields = [
            "id",
            "version",
            "school",
            "category",
            "description",
            "quantity",
            "unit_price_estimate",
            "total_estimate",
            "justification",
            "priority",
            "rooms",
            "year_from",
            "year_to",
            "goals",
            "has_goal",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []

    def get_has_goal(self, obj) -> bool:
        return bool(obj.goals.all())
