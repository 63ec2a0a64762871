from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Land, Membership, Room, School, SchoolBoard, Site


@admin.register(Land)
class LandAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "school_number_pattern"]


@admin.register(SchoolBoard)
class SchoolBoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "land", "city"]
    list_filter = ["land", "kind"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "school_number", "school_type", "school_board"]
    list_filter = ["school_type"]
    search_fields = ["name", "school_number"]


admin.site.register(Site, SimpleHistoryAdmin)
admin.site.register(Room, SimpleHistoryAdmin)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "authority", "land", "school_board", "school"]
    list_filter = ["role", "authority"]
    raw_id_fields = ["school"]
