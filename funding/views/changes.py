"""Change requests (Änderungsanträge): the amended cost plan, edited like the original
plan, submitted by the board and decided by the Landesverwaltungsamt."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.views import ScopedObjectActionView, ScopedObjectPageView

from .. import permissions, selectors, services
from ..forms import ChangeDecisionForm, ChangeLineForm, ChangeRequestForm
from ..models import Application, ChangeRequest, ChangeRequestLine
from .base import AuthorityMixin, EditConflictPageMixin, FundingFormView
from .lines import line_data


class ChangeRequestCreateView(FundingFormView):
    model = Application
    form_class = ChangeRequestForm
    submit_label = _("Start change request")
    success_message = _("Change request started: amend the cost plan, then submit it.")

    def has_permission(self, obj):
        return permissions.can_manage_after_approval(self.request.access, obj)

    def get_title(self):
        return _("Änderungsantrag: %(n)s") % {"n": self.object.number}

    def perform(self, form):
        return services.change_request_create(
            actor=self.request.user,
            access=self.request.access,
            application=self.object,
            reason=form.cleaned_data["reason"],
        )

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class ChangeRequestDetailView(ScopedObjectPageView):
    """The amended cost plan old against new, its rule check and its grant."""

    model = ChangeRequest
    template_name = "funding/change_request_detail.html"

    def get_title(self):
        return _("Änderungsantrag: %(n)s") % {"n": self.object.application.number}

    def get_breadcrumbs(self):
        app = self.object.application
        return [(app.number, app.get_absolute_url()), (_("Änderungsantrag"), None)]

    def get_page_data(self):
        return selectors.change_request_page(self.object, self.request.access)


class ChangeLineCreateView(FundingFormView):
    model = ChangeRequest
    form_class = ChangeLineForm
    title = _("New line in the amended plan")

    def has_permission(self, obj):
        return permissions.can_edit_change_request(self.request.access, obj)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "access": self.request.access, "application": self.object.application}

    def perform(self, form):
        return services.change_line_save(
            actor=self.request.user, change_request=self.object, data=line_data(form)
        )


class ChangeLineUpdateView(EditConflictPageMixin, FundingFormView):
    model = ChangeRequestLine
    form_class = ChangeLineForm

    def has_permission(self, obj):
        return permissions.can_edit_change_request(self.request.access, obj.change_request)

    def get_title(self):
        return _("Edit line %(n)s of the amended plan") % {"n": self.object.position}

    def get_initial(self):
        return {"version": self.object.version}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        app = self.object.change_request.application
        return {
            **kwargs,
            "instance": self.object,
            "application": app,
            "access": self.request.access,
        }

    def get_back_url(self):
        return self.object.change_request.get_absolute_url()

    def perform(self, form):
        return services.change_line_save(
            actor=self.request.user,
            change_request=self.object.change_request,
            line=self.object,
            data=line_data(form),
            expected_version=form.cleaned_data.get("version"),
        )


class ChangeLineRemoveView(ScopedObjectActionView):
    """Remove a line from the amended plan (`restore`: take it back in)."""

    model = ChangeRequestLine
    restore = False
    success_message = None

    def has_permission(self, obj):
        return permissions.can_edit_change_request(self.request.access, obj.change_request)

    def perform(self):
        return services.change_line_remove(
            actor=self.request.user, line=self.object, restore=self.restore
        )

    def get_failure_url(self):
        return self.object.change_request.get_absolute_url()


class ChangeRequestSubmitView(ScopedObjectActionView):
    model = ChangeRequest
    success_message = _("Change request submitted.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def perform(self):
        return services.change_request_submit(
            actor=self.request.user, access=self.request.access, change_request=self.object
        )


class ChangeRequestDecideView(AuthorityMixin, FundingFormView):
    model = ChangeRequest
    authority = permissions.APPROVAL
    form_class = ChangeDecisionForm
    title = _("Decide the change request")
    submit_label = _("Record decision")
    confirm_question = _("Record this decision? It cannot be undone here.")
    success_message = _("Change request decided.")

    def has_permission(self, obj):
        return permissions.is_approver_for(self.request.access, obj)

    def get_initial(self):
        return {"date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        # the Änderungsbescheid's file reference, shown before it is issued (DOMAIN §5a)
        next_number = services.preview_notice_number(
            self.object.school_board.land, timezone.localdate().year
        )
        return super().get_context_data(intro=self.object.reason, next_number=next_number, **kwargs)

    def perform(self, form):
        return services.change_request_decide(
            actor=self.request.user,
            access=self.request.access,
            change_request=self.object,
            **form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("funding:change-request-detail", args=[self.object.pk])
