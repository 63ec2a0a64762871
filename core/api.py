"""API base classes: pagination and the scoped viewset every app's API uses."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_scopes.state import state
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, ParseError, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.context import API_HEADER, board_for_create, selectable_board_ids
from core.openapi import VersionedAutoSchema
from core.services import (
    EditConflict,
    check_version,
    edit_token,
    has_edit_version,
    lock_row,
    parse_token,
    recheck_tenancy,
)
from core.tenancy import access_for


class PreconditionFailed(APIException):
    """412: the client edited an older version than the stored one (If-Match / `version`)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The record has been changed by someone else in the meantime. Load it again "
        "(its current version is in `version`) and apply your change to it."
    )
    default_code = "precondition_failed"

    def __init__(self, current: models.Model):
        super().__init__()
        token = edit_token(current)
        #: added to the problem-details body (core.api_errors): the current version
        self.problem_extra = {"version": int(token) if token.isdigit() else token}


#: the largest id a client may send (the database's signed 64-bit range); beyond it
#: SQLite raises OverflowError in `pk__in` lookups instead of finding nothing
ID_MAX = 2**63 - 1


def etag_for(obj: models.Model) -> str:
    """The strong ETag of a row: its edit version in quotes (`"3"`)."""
    return f'"{edit_token(obj)}"'


def check_board_header(request, access) -> None:
    """X-Paktwerk-Board names a board the user may work in, or the request is refused.

    Malformed -> 400; a board outside the user's boards -> 403 (never a silent
    fall-back to the user's own board, which would write into the wrong board).
    """
    raw = request.META.get(API_HEADER)
    if raw is None or raw == "":
        return
    try:
        board_id = int(raw)
    except (TypeError, ValueError):
        raise ParseError(_("X-Paktwerk-Board must be the numeric id of a Schulträger."))
    if board_id not in selectable_board_ids(access):
        raise PermissionDenied(_("You may not work in this Schulträger."))


@contextmanager
def as_api_errors():
    """A service's Django ValidationError becomes a 400 with field errors; an edit
    conflict (someone saved a newer version) a 412."""
    try:
        yield
    except EditConflict as exc:
        raise PreconditionFailed(exc.current)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ApiValidationError(exc.message_dict)
        raise ApiValidationError({"non_field_errors": exc.messages})


class ObjectJSONParser(JSONParser):
    """JSON bodies are objects: an array, string or number as the whole body is a 400
    with a field error (`non_field_errors`), never an AttributeError in a view."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ApiValidationError(
                {"non_field_errors": [_("The request body must be a JSON object.")]}
            )
        return data


def id_field(**kwargs) -> serializers.IntegerField:
    """An id sent by the client (e.g. in a list of invoices): a positive 64-bit integer."""
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def validated_body(serializer_class, request, **context) -> dict:
    """The request body checked by its declared request serializer (the one the OpenAPI
    schema publishes): bad input is a 400 with field errors before any service runs."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key chosen by id, but only among rows the requesting user can see.

    A foreign board's id therefore yields "object does not exist" (400), never a link.
    """

    def get_queryset(self):
        request = self.context["request"]
        # declared as Model.objects.none() (no scope at import time); resolved per request
        return request.access.restrict(self.queryset.model.objects.all())


class ScopedViewSetMixin:
    """Tenancy for API views: token users get their scope here, after DRF authenticated them.

    Subclasses set `queryset_shape` (a queryset method name such as "for_list")
    and implement `perform_create`/`perform_update` by calling a service.
    """

    queryset_shape = "for_list"
    school_staff_may_edit = True
    parser_classes = [ObjectJSONParser, FormParser, MultiPartParser]
    board_field = "school_board"

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False  # DRF authenticates (token or session) itself
        return view

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        access = access_for(request.user)
        check_board_header(request, access)
        if request.method in ("POST", "PUT", "PATCH"):
            request.data  # noqa: B018 - parse now: a malformed body is a 400 on every write
        request.access = access
        request._request.access = access
        self._scope_token = state.set(
            {**(state.get() or {}), "_enabled": True, "board": sorted(access.board_ids)}
        )

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_scope_token", None)
        if token is not None:
            state.reset(token)
            self._scope_token = None
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        # `queryset` is declared as Model.objects.none(): only its model is used here.
        qs = self.queryset.model.objects.all()
        shape = getattr(qs, self.queryset_shape, None)
        if callable(shape):
            qs = shape()
        return self.request.access.restrict(qs)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not request.access.can_edit(
            obj, school_staff_may_edit=self.school_staff_may_edit
        ):
            raise PermissionDenied()

    def board_for_create(self):
        return board_for_create(self.request._request)

    def recheck(self, obj):
        recheck_tenancy(self.request.access, obj)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """CRUD over a board-owned model; writes go through `create_object`/`update_object`.

    Optimistic locking for every model served here: the detail GET sends `ETag: "<version>"`;
    PUT/PATCH lock the row, and an `If-Match` header (or a `version` in the body) that is
    not the stored version is refused with 412 and the current version. Without either,
    the update applies to the row as stored now (locked), so concurrent PATCHes of
    different fields never lose one. `update_object` may pass `self.expected_version`
    on to a service.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    schema = VersionedAutoSchema()
    expected_version: str | None = None

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance)
        return Response(serializer.data, headers={"ETag": etag_for(instance)})

    def expected_version_from(self, request) -> str | None:
        """The version the client edited: If-Match wins over a `version` in the body."""
        header = parse_token(request.headers.get("If-Match"))
        if header is not None:
            return header
        data = request.data
        if not hasattr(data, "get") or not has_edit_version(self.queryset.model):
            return None  # (rows whose `version` is a relation carry no counter in the body)
        for name, field in self.get_serializer().fields.items():
            # the serializer's read-only copy of the edit counter (`version`, `edit_version`)
            if field.source == "version" and data.get(name) not in (None, ""):
                return parse_token(str(data.get(name)))
        return None

    def check_precondition(self, request, instance) -> models.Model:
        """Lock the row, compare the client's version with the stored one (412 if older)."""
        current = lock_row(instance)
        self.expected_version = self.expected_version_from(request)
        try:
            check_version(current, self.expected_version)
        except EditConflict:
            raise PreconditionFailed(current)
        return current

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            self.check_precondition(request, self.get_object())
            # read again after the lock: the update applies to the row as stored now
            instance = self.get_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        if getattr(instance, "_prefetched_objects_cache", None):
            instance._prefetched_objects_cache = {}
        return Response(serializer.data, headers={"ETag": etag_for(serializer.instance)})

    def create_object(self, serializer):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def update_object(self, serializer):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def perform_create(self, serializer):
        with as_api_errors(), transaction.atomic():
            instance = self.create_object(serializer)
            self.recheck(instance)
        serializer.instance = instance

    def perform_update(self, serializer):
        with as_api_errors(), transaction.atomic():
            instance = self.update_object(serializer)
            self.recheck(instance)
        serializer.instance = instance


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
