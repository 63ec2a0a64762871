from django.contrib import admin
from django.forms.models import model_to_dict
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Authority, CatalogueExclusion, CatalogueItem, Programme, RuleSet


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "land", "is_active"]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    """Editing a rule set saves a new version; applications keep the version they used."""

    list_display = ["programme", "number", "valid_from", "funding_rate", "application_deadline"]
    list_filter = ["programme"]
    readonly_fields = ["number", "deadline_history"]

    def save_model(self, request, obj, form, change):
        if change:
            original = RuleSet.objects.get(pk=obj.pk)
            data = model_to_dict(obj, fields=services.RULESET_FIELDS)
            new = services.ruleset_revise(actor=request.user, ruleset=original, data=data)
            obj.pk, obj.number = new.pk, new.number
            self.message_user(request, f"Neue Fassung {new.number} angelegt.")
        else:
            super().save_model(request, obj, form, change)


class CatalogueExclusionInline(admin.TabularInline):
    """Programmes in which the item is not eligible (a line with it is a finding)."""

    model = CatalogueExclusion
    extra = 0
    fields = ["programme", "reason"]


@admin.register(CatalogueItem)
class CatalogueItemAdmin(SimpleHistoryAdmin):
    inlines = [CatalogueExclusionInline]
    list_display = [
        "contract_reference",
        "item_number",
        "name",
        "category",
        "unit_price_net",
        "land",
        "is_active",
    ]
    list_filter = ["category", "land", "is_active"]
    search_fields = ["name", "item_number"]


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    """Letterhead, legal-remedy text, signature block and file-reference pattern of the notices
    an authority issues (printed on every Zuwendungsbescheid)."""

    list_display = ["name", "land", "kind", "notice_number_pattern"]
    list_filter = ["land", "kind"]
