"""Proof of use (Verwendungsnachweis): start, edit, submit, check, document."""

from __future__ import annotations

from functools import cached_property

from django.utils.translation import gettext_lazy as _

from core.views import ScopedObjectActionView, ScopedPdfView

from .. import permissions, services
from ..documents import proof_data, proof_pdf
from ..forms import ProofCheckForm, ProofForm
from ..models import Application, ProofOfUse
from .base import EditConflictPageMixin, FundingFormView, authority_message


class ProofStartView(ScopedObjectActionView):
    model = Application
    success_message = None

    def perform(self):
        return services.proof_start(
            actor=self.request.user, access=self.request.access, application=self.object
        )

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class ProofDetailView(EditConflictPageMixin, FundingFormView):
    """The proof of use: figures, Sachberichte, the board's summary and the Land's check."""

    model = ProofOfUse
    form_class = ProofForm
    template_name = "funding/proof_detail.html"

    @cached_property
    def can_edit(self) -> bool:
        return permissions.can_edit_proof(self.request.access, self.object)

    def has_permission(self, obj):
        return self.request.method != "POST" or self.can_edit

    def get_title(self):
        return str(self.object)

    def get_initial(self):
        return {"summary": self.object.summary, "version": self.object.version}

    def get_form(self, form_class=None):
        return super().get_form(form_class) if self.can_edit else None

    def get_context_data(self, **kwargs):
        proof, access = self.object, self.request.access
        ctx = super().get_context_data(**kwargs)
        ctx["proof"] = proof
        ctx["data"] = proof_data(proof.application)
        ctx["entries"] = proof.application.schools.select_related("school")
        ctx["can_edit"] = self.can_edit
        ctx["can_check"] = permissions.can_check_proof(access, proof)
        ctx["check_form"] = ProofCheckForm()
        return ctx

    def perform(self, form):
        return services.proof_update(
            actor=self.request.user,
            proof=self.object,
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data.get("version"),
        )


class ProofSubmitView(ScopedObjectActionView):
    model = ProofOfUse
    success_message = _("Proof of use submitted.")

    def perform(self):
        return services.proof_submit(
            actor=self.request.user, access=self.request.access, proof=self.object
        )


class ProofCheckView(ScopedObjectActionView):
    model = ProofOfUse
    form_class = ProofCheckForm
    invalid_message = _("Please choose a result.")
    success_message = _("Check recorded.")

    def has_permission(self, obj):
        return permissions.is_approver_for(self.request.access, obj)

    def get_permission_denied_message(self):
        return authority_message(permissions.APPROVAL)

    def perform(self):
        return services.proof_check(
            actor=self.request.user,
            access=self.request.access,
            proof=self.object,
            **self.form.cleaned_data,
        )


class ProofPdfView(ScopedPdfView):
    model = ProofOfUse

    def render_pdf(self, obj):
        return proof_pdf(obj)

    def get_filename(self, obj):
        return f"verwendungsnachweis-{obj.application.number}.pdf"
