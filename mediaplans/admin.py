"""Admin: the KMK areas are editable reference data; concept content is read-only here
(writes go through the services, which enforce freezing and tenancy)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CompetenceArea, ConceptVersion, EquipmentNeed, MediaConcept


@admin.register(CompetenceArea)
class CompetenceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MediaConcept)
class MediaConceptAdmin(ReadOnlyAdmin):
    list_display = ["school", "school_board", "created_at"]
    search_fields = ["school__name", "school__school_number"]


@admin.register(ConceptVersion)
class ConceptVersionAdmin(ReadOnlyAdmin):
    list_display = ["concept", "number", "form", "status", "adopted_on"]
    list_filter = ["status", "form"]


@admin.register(EquipmentNeed)
class EquipmentNeedAdmin(ReadOnlyAdmin):
    list_display = ["description", "school", "category", "quantity", "unit_price_estimate"]
    list_filter = ["category"]
