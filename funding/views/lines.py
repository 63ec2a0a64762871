"""Cost lines (Kostenpositionen): new, edit (with the live rule check), delete."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.services import recheck_tenancy
from core.views import ScopedObjectActionView

from .. import permissions, services
from ..forms import CostLineForm
from ..models import Application, CostLine
from .applications import LiveCheckMixin
from .base import EditConflictPageMixin, FundingFormView


def line_data(form) -> dict:
    """The form's values a cost line is saved from (the edit version is not one)."""
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


class CostLineCreateView(LiveCheckMixin, FundingFormView):
    model = Application
    queryset_shape = "for_check"
    form_class = CostLineForm
    title = _("New line")

    def has_permission(self, obj):
        return permissions.can_edit_application(self.request.access, obj)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "access": self.request.access, "application": self.object}

    def perform(self, form):
        line = services.costline_save(
            actor=self.request.user, application=self.object, data=line_data(form)
        )
        recheck_tenancy(self.request.access, line)
        return line

    def get_success_message(self):
        return _("Line %(n)s saved.") % {"n": self.outcome.position}

    def get_success_url(self):
        if "another" in self.request.POST:
            return reverse("funding:line-create", args=[self.object.pk])
        return self.outcome.get_absolute_url()


class CostLineUpdateView(EditConflictPageMixin, LiveCheckMixin, FundingFormView):
    model = CostLine
    form_class = CostLineForm

    def get_object(self, queryset=None):
        line = super().get_object(queryset)
        self.application = Application.objects.for_check().get(pk=line.application_id)
        return line

    def has_permission(self, obj):
        return permissions.can_edit_application(self.request.access, self.application)

    def get_title(self):
        return _("Edit line %(n)s") % {"n": self.object.position}

    def get_initial(self):
        return {"version": self.object.version}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        extra = {"instance": self.object, "application": self.application}
        return {**kwargs, **extra, "access": self.request.access}

    def live_application(self):
        return self.application

    def get_back_url(self):
        return self.application.get_absolute_url()

    def get_success_url(self):
        return self.object.get_absolute_url()

    def perform(self, form):
        return services.costline_save(
            actor=self.request.user,
            application=self.application,
            line=self.object,
            data=line_data(form),
            expected_version=form.cleaned_data.get("version"),
        )


class CostLineDeleteView(ScopedObjectActionView):
    model = CostLine
    success_message = _("Line deleted.")

    def has_permission(self, obj):
        return permissions.can_edit_application(self.request.access, obj.application)

    def perform(self):
        return services.costline_delete(actor=self.request.user, line=self.object)

    def get_failure_url(self):
        return self.object.application.get_absolute_url()
