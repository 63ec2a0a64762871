"""API of the inbox, the preferences and the calendar feed token (issue 15, point 7).

Every row is the requesting user's own: another user's notification id is 404.
Preferences are editable: GET sends `ETag: "<version>"`, PUT/PATCH honour If-Match (412).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PreconditionFailed, ScopedViewSetMixin, as_api_errors, etag_for
from core.openapi import VersionedAutoSchema
from core.services import EditConflict, parse_token

from .. import services
from ..choices import Delivery, Kind
from ..models import Notification, Preference
from ..views import filtered_inbox
from .serializers import (
    CountSerializer,
    FeedSerializer,
    MarkAllReadSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    PreferencesSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=Kind.values, description="only this kind"),
        OpenApiParameter("state", str, enum=["unread", "read"], description="read state"),
    ]
)
class NotificationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The user's inbox, newest first."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = Notification.objects.for_recipient(self.request.user, self.request.access)
        _form, qs = filtered_inbox(qs.for_list(), self.request.query_params)
        return qs

    @extend_schema(request=MarkReadSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        n = services.mark_read(
            user=request.user,
            access=request.access,
            notification_ids=serializer.validated_data["ids"],
        )
        return Response({"updated": n})

    @extend_schema(request=MarkAllReadSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        serializer = MarkAllReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        n = services.mark_all_read(
            user=request.user, access=request.access, kind=serializer.validated_data.get("kind", "")
        )
        return Response({"updated": n})


def _preferences(user) -> dict:
    profile = services.profile_of(user)
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        "language": profile.language,
        "deliveries": {k: chosen.get(k, Delivery.IMMEDIATE) for k in Kind.values},
        "version": profile.version,
    }


class PreferencesView(ScopedViewSetMixin, APIView):
    """The user's language and e-mail delivery per kind of notification."""

    schema = VersionedAutoSchema()
    serializer_class = PreferencesSerializer

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        data = _preferences(request.user)
        return Response(data, headers={"ETag": f'"{data["version"]}"'})

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        return self._update(request)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        return self._update(request)

    def _update(self, request):
        serializer = PreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        expected = parse_token(request.headers.get("If-Match"))
        try:
            with as_api_errors(), transaction.atomic():
                profile = services.preferences_update(
                    actor=request.user,
                    data=serializer.validated_data,
                    expected_version=expected,
                )
        except EditConflict as exc:  # pragma: no cover - as_api_errors converts it
            raise PreconditionFailed(exc.current)
        data = _preferences(request.user)
        return Response(data, headers={"ETag": etag_for(profile)})


class FeedTokenView(ScopedViewSetMixin, APIView):
    """The secret calendar feed URL: POST creates a new one, DELETE revokes it (→ 404)."""

    serializer_class = FeedSerializer

    def _body(self, request, profile) -> dict:
        url = ""
        if profile.feed_token:
            url = request.build_absolute_uri(
                reverse("notifications:feed", args=[profile.feed_token])
            )
        return {"url": url, "created": profile.feed_token_created}

    @extend_schema(responses=FeedSerializer)
    def get(self, request):
        return Response(self._body(request, services.profile_of(request.user)))

    @extend_schema(request=None, responses={201: FeedSerializer})
    def post(self, request):
        profile = services.feed_token_create(actor=request.user)
        return Response(self._body(request, profile), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.feed_token_revoke(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
