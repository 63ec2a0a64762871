from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.tenancy import access_for, access_scope

from . import services, workflow
from .models import Authority, CatalogueExclusion, CatalogueItem, Programme, RuleSet


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "land", "is_active"]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    """Editing a published rule set saves a new draft version; a draft changes in place
    and takes effect once published (action "Publish") on its date."""

    list_display = [
        "programme",
        "number",
        "status",
        "valid_from",
        "applies_to_submitted",
        "funding_rate",
        "application_deadline",
    ]
    list_filter = ["programme", "status"]
    readonly_fields = ["number", "deadline_history"]
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        if change:
            original = RuleSet.objects.get(pk=obj.pk)
            data = model_to_dict(obj, fields=services.RULESET_FIELDS)
            if workflow.RULESET.is_in(original, "draft"):
                services.ruleset_update_draft(actor=request.user, ruleset=original, data=data)
                return
            new = services.ruleset_revise(actor=request.user, ruleset=original, data=data)
            obj.pk, obj.number = new.pk, new.number
            self.message_user(
                request, _("New version %(n)s created as a draft.") % {"n": new.number}
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Publish (takes effect on its date)"))
    def publish(self, request, queryset):
        access = access_for(request.user)
        with access_scope(access):
            for ruleset in queryset:
                try:
                    services.ruleset_publish(actor=request.user, access=access, ruleset=ruleset)
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(request, f"{ruleset}: {exc}", level=messages.ERROR)


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
