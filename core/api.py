"""API base classes: pagination and the scoped viewset every app's API uses."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes.state import state
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from core.context import API_HEADER, board_for_create, selectable_board_ids
from core.services import recheck_tenancy
from core.tenancy import access_for


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
    """A service's Django ValidationError becomes a 400 with field errors."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ApiValidationError(exc.message_dict)
        raise ApiValidationError({"non_field_errors": exc.messages})


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
    """CRUD over a board-owned model; writes go through `create_object`/`update_object`."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

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
