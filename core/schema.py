"""OpenAPI: every operation documents its error responses as problem details."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.context import API_HEADER


class ProblemSerializer(serializers.Serializer):
    """An API error (RFC 9457 problem details); `errors` holds messages per field."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False)


ERROR_RESPONSES = {
    "400": "Malformed or invalid input (body, id, filter or header).",
    "401": "Not authenticated (missing, invalid or expired token).",
    "403": "Not permitted (role, or a Schulträger outside the user's boards).",
    "404": "Not found (or not visible to the user).",
    "406": "The requested representation is not available.",
    "429": "Too many requests: slow down (see Retry-After).",
}
BODY_ERROR_RESPONSES = {"415": "Unsupported media type of the request body."}

BOARD_HEADER = OpenApiParameter(
    name="X-Paktwerk-Board",
    type=int,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The Schulträger to work in (its id); must be one of the user's boards.",
)


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus documented error bodies and the board header."""

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if getattr(self.view, "board_field", None) and API_HEADER:
            params.append(BOARD_HEADER)
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = dict(ERROR_RESPONSES)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.update(BODY_ERROR_RESPONSES)
        for code, description in codes.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, ["application/json"], direction
                )
                responses[code]["description"] = description
        return responses
