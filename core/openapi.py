"""OpenAPI for the house conventions: optimistic locking (ETag, If-Match, 412)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.schema import ProblemAutoSchema as AutoSchema
from core.schema import ProblemSerializer


class PreconditionFailedSerializer(ProblemSerializer):
    """The body of a 412 (see core.api.PreconditionFailed): problem details plus the version."""

    version = serializers.IntegerField(
        help_text="The version stored now: load the record again and re-apply the change."
    )


PRECONDITION_FAILED_BODY = PreconditionFailedSerializer

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The edit version of the record, e.g. `"3"`; send it back as If-Match.',
    response=[200],
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag of the version you edited. If the record has changed since, nothing is "
        "saved and the answer is 412 with the current version. A `version` in the body "
        "is checked the same way."
    ),
)

READ_ACTIONS = ("retrieve", "update", "partial_update")
WRITE_ACTIONS = ("update", "partial_update", "destroy")


class VersionedAutoSchema(AutoSchema):
    """Adds ETag (detail GET, PUT, PATCH), If-Match and the 412 answer to edit operations."""

    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        action = self._action()
        if action in READ_ACTIONS:
            params.append(ETAG_HEADER)
        if action in WRITE_ACTIONS:
            params.append(IF_MATCH_HEADER)
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._action() in WRITE_ACTIONS and "412" not in responses:
            responses["412"] = self._get_response_for_code(
                PRECONDITION_FAILED_BODY, "412", direction=direction
            )
        return responses
