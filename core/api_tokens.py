"""API endpoints for tokens: obtain (throttled), list and revoke one's own."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import ApiToken
from core.throttling import AnonThrottle, TokenEndpointThrottle
from core.tokens import token_issue, token_revoke


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password; `otp` (a current one-time code) when 2FA is required."""

    otp = serializers.CharField(required=False, allow_blank=True, max_length=20)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate(self, attrs):
        from core.twofactor import otp_required_for, verify_code

        attrs = super().validate(attrs)
        user = attrs["user"]
        if otp_required_for(user) and not verify_code(user, attrs.get("otp", "")):
            raise serializers.ValidationError(
                {"otp": [_("A valid one-time code of your second factor is required.")]}
            )
        return attrs


class IssuedTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields


class ObtainTokenView(APIView):
    """POST username + password (+ otp) -> a new expiring token, shown once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, TokenEndpointThrottle]
    serializer_class = TokenRequestSerializer

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view

    @extend_schema(request=TokenRequestSerializer, responses={200: IssuedTokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = token_issue(
            user=serializer.validated_data["user"],
            name=serializer.validated_data.get("name") or "API",
        )
        return Response({"id": token.pk, "token": key, "expires_at": token.expires_at})


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The requesting user's own API tokens: list them, revoke one (DELETE)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    queryset = ApiToken.objects.none()

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()  # another user's token: 404
        token_revoke(user=request.user, token_id=token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
