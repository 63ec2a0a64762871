from rest_framework.exceptions import PermissionDenied, ValidationError

from core.api import ScopedModelViewSet
from core.listing import api_ordering_fields

from .. import permissions, services
from .. import views as pages
from ..filters import BoardFilter, RoomFilter, SchoolFilter, SiteFilter
from ..models import Room, School, SchoolBoard, Site
from .serializers import RoomSerializer, SchoolBoardSerializer, SchoolSerializer, SiteSerializer


class SchoolBoardViewSet(ScopedModelViewSet):
    """Schulträger visible to the user; board admins and staff update their own."""

    queryset = SchoolBoard.objects.none()
    serializer_class = SchoolBoardSerializer
    filterset_class = BoardFilter
    http_method_names = ["get", "put", "patch", "head", "options"]
    ordering_fields = ["name"]

    def check_object_permissions(self, request, obj):
        super(ScopedModelViewSet, self).check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not permissions.can_edit_board(
            request.access, obj
        ):
            raise PermissionDenied()

    def update_object(self, serializer):
        return services.board_update(
            actor=self.request.user, board=serializer.instance, data=serializer.validated_data
        )


class SchoolViewSet(ScopedModelViewSet):
    queryset = School.objects.none()
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    school_staff_may_edit = False
    ordering_fields = api_ordering_fields(pages.SchoolListView, "pupils")

    def create_object(self, serializer):
        return services.school_create(
            actor=self.request.user, board=self.board_for_create(), data=serializer.validated_data
        )

    def update_object(self, serializer):
        return services.school_update(
            actor=self.request.user, school=serializer.instance, data=serializer.validated_data
        )


class SiteViewSet(ScopedModelViewSet):
    queryset = Site.objects.none()
    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    school_staff_may_edit = False

    def create_object(self, serializer):
        school = serializer.validated_data.pop("school")
        if not self.request.access.can_edit(school, school_staff_may_edit=False):
            raise PermissionDenied()
        return services.site_create(
            actor=self.request.user, school=school, data=serializer.validated_data
        )

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        if "school" in data and data.pop("school") != serializer.instance.school:
            raise ValidationError({"school": ["A site cannot move to another school."]})
        return services.site_update(actor=self.request.user, site=serializer.instance, data=data)


class RoomViewSet(ScopedModelViewSet):
    queryset = Room.objects.none()
    serializer_class = RoomSerializer
    filterset_class = RoomFilter
    ordering_fields = api_ordering_fields(pages.RoomListView)

    def create_object(self, serializer):
        site = serializer.validated_data.pop("site")
        if not permissions.can_edit_room(self.request.access, site):
            raise PermissionDenied()
        return services.room_create(
            actor=self.request.user, site=site, data=serializer.validated_data
        )

    def update_object(self, serializer):
        data = dict(serializer.validated_data)
        if "site" in data and data.pop("site") != serializer.instance.site:
            raise ValidationError({"site": ["A room cannot move to another site here."]})
        return services.room_update(actor=self.request.user, room=serializer.instance, data=data)
