"""The Land's steps: request changes, forward after the content check, decide;
decisions (Bescheide) and change requests (Änderungsanträge)."""

from __future__ import annotations

from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.views import Column, ScopedDetailView, ScopedPdfView

from .. import permissions, selectors, services
from ..documents import decision_pdf
from ..forms import DecisionForm, ForwardForm, RequestChangesForm
from ..models import Application, Decision
from .base import AuthorityMixin, FundingFormView


class RequestChangesView(AuthorityMixin, FundingFormView):
    model = Application
    authority = permissions.CONTENT_CHECK
    form_class = RequestChangesForm
    submit_label = _("Request changes")
    success_message = _("Changes requested.")

    def get_title(self):
        return _("Request changes: %(n)s") % {"n": self.object.number}

    def perform(self, form):
        return services.application_request_changes(
            actor=self.request.user,
            access=self.request.access,
            application=self.object,
            reason=form.cleaned_data["reason"],
            deadline=form.cleaned_data["deadline"],
        )


class ForwardView(AuthorityMixin, FundingFormView):
    model = Application
    authority = permissions.CONTENT_CHECK
    form_class = ForwardForm
    submit_label = _("Forward")
    confirm_question = _("Forward this application for approval? This cannot be undone.")
    success_message = _("Content check recorded; forwarded for approval.")

    def get_title(self):
        return _("Content check done: forward %(n)s") % {"n": self.object.number}

    def perform(self, form):
        return services.application_forward(
            actor=self.request.user,
            access=self.request.access,
            application=self.object,
            reason=form.cleaned_data["reason"],
        )


class DecideView(AuthorityMixin, FundingFormView):
    """The decision (Bescheid): full, partial (amount per line) or rejection."""

    model = Application
    queryset_shape = "for_check"
    authority = permissions.APPROVAL
    form_class = DecisionForm
    template_name = "funding/decide.html"
    submit_label = _("Record decision")

    @cached_property
    def check_result(self):
        return selectors.application_check(self.object)

    def get_title(self):
        return _("Decide: %(n)s") % {"n": self.object.number}

    def get_initial(self):
        app = self.object
        return {
            "date": timezone.localdate(),
            "period_start": app.planned_start,
            "period_end": app.planned_end,
            "kind": "full",
        }

    def get_form_kwargs(self):
        amounts = {ref: a.gross for ref, a in self.check_result.totals.line_amounts.items()}
        lines = list(self.object.lines.all())
        return {**super().get_form_kwargs(), "lines": lines, "amounts": amounts}

    def get_context_data(self, **kwargs):
        next_number = services.preview_notice_number(
            self.object.school_board.land, timezone.localdate().year
        )
        return super().get_context_data(
            app=self.object, result=self.check_result, next_number=next_number, **kwargs
        )

    def perform(self, form):
        d = form.cleaned_data
        return services.decision_make(
            actor=self.request.user,
            access=self.request.access,
            application=self.object,
            kind=d["kind"],
            date=d["date"],
            line_amounts=form.line_amounts(),
            period_start=d["period_start"],
            period_end=d["period_end"],
            conditions=d["conditions"],
            reason=d["reason"],
        )

    def get_success_message(self):
        return _("Decision %(n)s recorded.") % {"n": self.outcome.number}

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class DecisionDetailView(ScopedDetailView):
    model = Decision
    template_name = "funding/decision_detail.html"
    fields_shown = [
        Column("kind", _("kind")),
        Column("application.number", _("application number")),
        Column("date", _("decision date"), fmt="date"),
        Column("approved_amount", _("approved funding"), fmt="money"),
        Column("eligible_amount", _("approved eligible costs"), fmt="money"),
        Column("period_start", _("approval period from"), fmt="date"),
        Column("period_end", _("approval period until"), fmt="date"),
        Column("conditions", _("conditions")),
        Column("decided_by", _("decided by")),
    ]


class DecisionPdfView(ScopedPdfView):
    model = Decision
    queryset_shape = "for_document"

    def render_pdf(self, obj):
        return decision_pdf(obj)

    def get_filename(self, obj):
        return f"bescheid-{obj.number}.pdf"
