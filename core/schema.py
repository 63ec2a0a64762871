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


def _blank_model_choice(field) -> bool:
    """A read-only ChoiceField over a model field that may be blank ("")?

    DRF drops `allow_blank` from read-only fields, so the published enum would
    forbid the "" the API actually returns for an unset choice.
    """
    if not (isinstance(field, serializers.ChoiceField) and field.read_only):
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except Exception:  # noqa: BLE001 - not a model field
        return False
    return bool(getattr(model_field, "blank", False))


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus documented error bodies and the board header."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if _blank_model_choice(field) and not field.allow_blank:
            read_only = schema.pop("readOnly", None)
            schema = {"oneOf": [schema, {"type": "string", "enum": [""]}]}
            if read_only:
                schema["readOnly"] = True
        return schema

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
