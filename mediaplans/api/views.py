from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api import ScopedModelViewSet, as_api_errors

from .. import permissions, selectors, services, workflow
from ..filters import ConceptFilter, GoalFilter, NeedFilter, TrainingFilter, VersionFilter
from ..models import CompetenceGoal, ConceptVersion, EquipmentNeed, MediaConcept, TrainingEntry
from .serializers import (
    AdoptSerializer,
    ConceptSerializer,
    GoalSerializer,
    NeedSerializer,
    TrainingSerializer,
    VersionSerializer,
    VersionTransitionSerializer,
)


class ConceptScopedMixin:
    """Reviewers see adopted versions only; writers per `permissions.can_write`."""

    def get_queryset(self):
        qs = self.queryset.model.objects.all()
        shape = getattr(qs, self.queryset_shape, None)
        if callable(shape):
            qs = shape()
        return permissions.restrict(self.request.access, qs)

    def check_object_permissions(self, request, obj):
        super(ScopedModelViewSet, self).check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not permissions.can_write(
            request.access, obj
        ):
            raise PermissionDenied()

    def writable_version(self, version):
        if not permissions.can_write(self.request.access, version):
            raise PermissionDenied()
        return version

    def moved(self, serializer, field):
        if field in serializer.validated_data and serializer.validated_data[field] != getattr(
            serializer.instance, field
        ):
            raise ValidationError({field: ["An entry cannot move to another version."]})
        data = dict(serializer.validated_data)
        data.pop(field, None)
        return data


class ConceptViewSet(ConceptScopedMixin, ScopedModelViewSet):
    """Medienbildungskonzepte: one per school. POST starts one (version 1, draft)."""

    queryset = MediaConcept.objects.none()
    serializer_class = ConceptSerializer
    filterset_class = ConceptFilter
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, serializer):
        school = serializer.validated_data["school"]
        if not permissions.writable_schools(
            self.request.access, type(school).objects.filter(pk=school.pk)
        ).exists():
            raise PermissionDenied()
        return services.concept_create(
            actor=self.request.user,
            school=school,
            form=serializer.validated_data["form"],
            development_goals=serializer.validated_data.get("development_goals"),
        )

    @extend_schema(request=None, responses=VersionSerializer)
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        concept = self.get_object()
        if not permissions.can_write(request.access, concept):
            raise PermissionDenied()
        with as_api_errors(), transaction.atomic():
            version = services.version_new(actor=request.user, concept=concept)
            self.recheck(version)
        return Response(
            VersionSerializer(version, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class VersionViewSet(ConceptScopedMixin, ScopedModelViewSet):
    """Versions (Fassungen); PATCH `sections` / `development_goals` of open versions.
    Status changes are actions: `transition` (draft ⇄ consultation) and `adopt`."""

    queryset = ConceptVersion.objects.none()
    serializer_class = VersionSerializer
    filterset_class = VersionFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.with_counts() if self.action in ("list", "retrieve") else qs

    def create(self, request, *args, **kwargs):
        raise ValidationError(
            {"non_field_errors": ["Start a new version with POST /concepts/{id}/new-version/."]}
        )

    def update_object(self, serializer):
        version = serializer.instance
        data = serializer.validated_data
        for key, text in (data.get("sections") or {}).items():
            version = services.version_update_section(
                actor=self.request.user, version=version, key=key, text=text
            )
        if "development_goals" in data:
            version = services.version_update_development_goals(
                actor=self.request.user, version=version, goals=data["development_goals"]
            )
        if "sections" not in data and "development_goals" not in data:
            services._ensure_open(version)
        return ConceptVersion.objects.with_counts().get(pk=version.pk)

    @extend_schema(request=AdoptSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        version = self.get_object()
        params = AdoptSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with as_api_errors():
            version = workflow.version_transition(
                actor=request.user,
                access=request.access,
                version=version,
                to_status="adopted",
                note=params.validated_data["note"],
                adopted_on=params.validated_data["adopted_on"],
                adopted_by_body=params.validated_data["adopted_by_body"],
            )
        version = ConceptVersion.objects.with_counts().get(pk=version.pk)
        return Response(VersionSerializer(version, context={"request": request}).data)

    @extend_schema(request=VersionTransitionSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        version = self.get_object()
        params = VersionTransitionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with as_api_errors():
            version = workflow.version_transition(
                actor=request.user,
                access=request.access,
                version=version,
                to_status=params.validated_data["to"],
                note=params.validated_data["note"],
            )
        version = ConceptVersion.objects.with_counts().get(pk=version.pk)
        return Response(VersionSerializer(version, context={"request": request}).data)

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["get"])
    def tpek(self, request, pk=None):
        """The TPEK data (goals per area, needs with justification, training, current state)."""
        version = ConceptVersion.objects.for_document().get(pk=self.get_object().pk)
        return Response(selectors.tpek_draft(version))


class RowViewSet(ConceptScopedMixin, ScopedModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    create_service = None
    update_service = None
    delete_service = None
    kwarg = ""

    def create_object(self, serializer):
        data = dict(serializer.validated_data)
        version = self.writable_version(data.pop("version"))
        return type(self).create_service(actor=self.request.user, version=version, data=data)

    def update_object(self, serializer):
        data = self.moved(serializer, "version")
        return type(self).update_service(
            actor=self.request.user, **{self.kwarg: serializer.instance}, data=data
        )

    def perform_destroy(self, instance):
        with as_api_errors():
            type(self).delete_service(actor=self.request.user, **{self.kwarg: instance})


class GoalViewSet(RowViewSet):
    """Kompetenzziele of a version, each mapped to one KMK competence area."""

    queryset = CompetenceGoal.objects.none()
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    create_service = services.goal_create
    update_service = services.goal_update
    delete_service = services.goal_delete
    kwarg = "goal"


class TrainingViewSet(RowViewSet):
    """Fortbildungsplanung: training entries of a version."""

    queryset = TrainingEntry.objects.none()
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    create_service = services.training_create
    update_service = services.training_update
    delete_service = services.training_delete
    kwarg = "entry"


class NeedViewSet(RowViewSet):
    """Benötigte Ausstattung: equipment needs (what funding cost lines link to)."""

    queryset = EquipmentNeed.objects.none()
    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    create_service = services.need_create
    update_service = services.need_update
    delete_service = services.need_delete
    kwarg = "need"
