"""Schools in an application: TPEK and infrastructure, the Sachbericht."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.views import ScopedObjectActionView

from .. import permissions, services
from ..forms import DeadlineForm, ReportForm, TpekForm
from ..models import ApplicationSchool, ProofOfUse
from .base import EditConflictPageMixin, FundingFormView


class TpekView(EditConflictPageMixin, FundingFormView):
    """The school's TPEK: a form for who may edit it, a read-only page for the others."""

    model = ApplicationSchool
    form_class = TpekForm
    template_name = "funding/tpek_form.html"

    @cached_property
    def editable(self) -> bool:
        return permissions.can_edit_tpek(self.request.access, self.object)

    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs) if self.editable else self.read_only()

    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs) if self.editable else self.read_only()

    def read_only(self):
        if not self.request.access.can_view(self.object):
            raise Http404
        ctx = {"entry": self.object, "page_title": f"TPEK {self.object.school.name}"}
        ctx["back_url"] = self.get_back_url()
        return render(self.request, "funding/tpek_detail.html", ctx)

    def get_back_url(self):
        app = self.object.application
        if self.request.access.can_view(app):
            return app.get_absolute_url()
        return reverse("funding:application-list")

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_title(self):
        return _("TPEK and infrastructure: %(s)s") % {"s": self.object.school.name}

    def get_initial(self):
        return {"version": self.object.version}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "instance": self.object, "access": self.request.access}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["entry"] = self.object
        ctx["deadline_form"] = DeadlineForm()
        ctx["is_board"] = permissions.is_board_editor(self.request.access, self.object)
        return ctx

    def perform(self, form):
        return services.tpek_update(
            actor=self.request.user,
            app_school=self.object,
            data=form.cleaned_data,
            expected_version=form.cleaned_data.get("version"),
        )


class TpekRequestView(ScopedObjectActionView):
    model = ApplicationSchool
    form_class = DeadlineForm
    invalid_message = _("Please give a valid deadline.")
    success_message = _("The school has been asked for its TPEK.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def perform(self):
        deadline = self.form.cleaned_data["deadline"]
        return services.tpek_request(
            actor=self.request.user, app_school=self.object, deadline=deadline
        )


class TpekSubmitView(ScopedObjectActionView):
    model = ApplicationSchool
    success_message = _("TPEK delivered to the school board.")

    def has_permission(self, obj):
        return permissions.can_edit_tpek(self.request.access, obj)

    def perform(self):
        return services.tpek_submit(actor=self.request.user, app_school=self.object)


class ReportUpdateView(FundingFormView):
    """The Sachbericht of one school, written for the proof of use."""

    model = ApplicationSchool
    form_class = ReportForm

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def prepare(self):
        self.proof = ProofOfUse.objects.filter(application_id=self.object.application_id).first()
        if self.proof is None:
            raise Http404

    def get_title(self):
        return _("Sachbericht: %(s)s") % {"s": self.object.school.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_back_url(self):
        return self.proof.get_absolute_url()

    def perform(self, form):
        return services.report_update(
            actor=self.request.user, app_school=self.object, data=form.cleaned_data
        )
