"""Applications: list, review queue, create, page, edit with live check, submit,
comments, application package."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.context import board_for_create
from core.jobs import job_start, job_url
from core.services import recheck_tenancy
from core.views import (
    Column,
    ScopedListView,
    ScopedObjectActionView,
    ScopedObjectMixin,
    ScopedObjectPageView,
    ScopedPdfView,
)

from .. import permissions, selectors, services
from ..documents import application_package_pdf
from ..filters import ApplicationFilter, ReviewFilter
from ..forms import (
    ApplicationCreateForm,
    ApplicationForm,
    CommentForm,
    CostLineForm,
    FindingOverrideForm,
)
from ..models import Application, CostLine
from .base import (
    EditConflictPageMixin,
    FundingFormView,
    FundingServiceFormView,
    package_sync_lines,
)


class ApplicationListView(ScopedListView):
    model = Application
    filterset_class = ApplicationFilter
    title = _("Funding applications")
    create_url = "funding:application-create"
    columns = [
        Column("number", _("application number"), link=True),
        Column("title", _("title")),
        Column("programme.name", _("Förderprogramm")),
        Column("school_board.name", _("Schulträger")),
        Column("status", _("status")),
        Column("submitted_at", _("submitted"), fmt="date"),
    ]
    extra_actions = [
        (_("Budgets"), "funding:budget-list"),
        (_("Warenkorb"), "funding:catalogue-list"),
        (_("Programmes"), "funding:programme-list"),
    ]


class ReviewQueueView(ApplicationListView):
    """Applications of the reviewer's Land waiting for a step, oldest submission first."""

    filterset_class = ReviewFilter
    title = _("Review queue")
    create_url = None
    extra_actions = []

    def dispatch(self, request, *args, **kwargs):
        if not request.access.is_reviewer:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(
                school_board_id__in=self.request.access.review_board_ids,
                status__in=selectors.PENDING_STATUSES,
            )
            .order_by("submitted_at")
        )


class ApplicationCreateView(FundingServiceFormView):
    form_class = ApplicationCreateForm
    title = _("New funding application")
    success_message = _("Application created.")

    def dispatch(self, request, *args, **kwargs):
        self.board = board_for_create(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "access": self.request.access, "board": self.board}

    def perform(self, form):
        data = dict(form.cleaned_data)
        application = services.application_create(
            actor=self.request.user,
            board=self.board,
            programme=data.pop("programme"),
            schools=list(data.pop("schools")),
            data=data,
        )
        recheck_tenancy(self.request.access, application)
        return application

    def get_back_url(self):
        return reverse("funding:application-list")

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class ApplicationDetailView(ScopedObjectPageView):
    model = Application
    queryset_shape = "for_check"
    template_name = "funding/application_detail.html"

    def get_title(self):
        return f"{self.object.number} {self.object.title}"

    def get_breadcrumbs(self):
        return [
            (_("Funding applications"), reverse("funding:application-list")),
            (self.object.number, None),
        ]

    def get_page_data(self):
        app, access = self.object, self.request.access
        data = selectors.application_page(app)
        data.update(selectors.application_permissions(access, app, self.request.user))
        data["big_package"] = len(data["rows"]) > package_sync_lines()
        data["comment_form"] = CommentForm(application=app)
        return data


# ------------------------------------------------------------------ live check
def typed_application(application, form) -> tuple[dict, list]:
    """The application form's typed values where valid (saved ones elsewhere) and the
    labels of the fields whose typed value is not valid yet; nothing is saved."""
    names = ApplicationForm.Meta.fields
    saved = {name: getattr(application, name) for name in names}
    form.is_valid()  # a ModelForm writes the cleaned values onto its instance
    cleaned = getattr(form, "cleaned_data", {})
    values = {
        name: cleaned[name] if name in cleaned and name not in form.errors else saved[name]
        for name in names
    }
    invalid = [str(form.fields[name].label) for name in form.errors if name in form.fields]
    return values, invalid


def typed_line(form) -> dict | None:
    """The cost-line form's valid typed values (None when nothing was posted)."""
    if form is None or not form.is_bound:
        return None
    form.is_valid()
    return dict(getattr(form, "cleaned_data", {}))


class LiveCheckMixin:
    """Form pages with the live rule check beside the form (htmx posts to live-check)."""

    def live_application(self):
        return self.object

    def live_data(self, form) -> dict:
        return selectors.live_check(self.live_application(), line_values=typed_line(form))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["check_url"] = reverse("funding:live-check", args=[self.live_application().pk])
        ctx["live"] = self.live_data(ctx["form"])
        return ctx


class LiveCheckView(ScopedObjectMixin, TemplateView):
    """htmx: the findings and totals while the user types (no write)."""

    model = Application
    queryset_shape = "for_check"
    http_method_names = ["post"]
    template_name = "funding/_live_check.html"

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def post(self, request, *args, **kwargs):
        app, post = self.object, request.POST
        line = None
        if post.get("line"):
            line = get_object_or_404(CostLine, pk=post["line"], application=app)
        if "quantity" in post:
            form = CostLineForm(post, access=request.access, application=app, instance=line)
            data = selectors.live_check(app, line_values=typed_line(form), line=line)
        elif "title" in post:
            # the application's main form: check the values being typed, never save them
            values, invalid = typed_application(app, ApplicationForm(post, instance=app))
            data = selectors.live_check(app, application_values=values, invalid_fields=invalid)
        else:
            data = selectors.live_check(app)
        return self.render_to_response(data)


class ApplicationUpdateView(EditConflictPageMixin, LiveCheckMixin, FundingFormView):
    model = Application
    form_class = ApplicationForm

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def refusal(self, obj):
        return None if obj.is_editable else _("A submitted application cannot be changed.")

    def get_title(self):
        return _("Edit application %(n)s") % {"n": self.object.number}

    def get_initial(self):
        return {"version": self.object.version}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def live_data(self, form):
        # a fresh copy: the bound form has written its typed values onto self.object
        return selectors.live_check(Application.objects.for_check().get(pk=self.object.pk))

    def perform(self, form):
        return services.application_update(
            actor=self.request.user,
            application=self.object,
            data=form.cleaned_data,
            expected_version=form.cleaned_data.get("version"),
        )


# ------------------------------------------------------------------ steps
class ApplicationSubmitView(ScopedObjectActionView):
    model = Application
    success_message = _("Application submitted.")

    def has_permission(self, obj):
        return permissions.is_board_editor(self.request.access, obj)

    def perform(self):
        return services.application_submit(
            actor=self.request.user, access=self.request.access, application=self.object
        )


class CommentAddView(ScopedObjectActionView):
    model = Application
    form_class = CommentForm
    invalid_message = _("Please enter a comment.")
    success_message = _("Comment saved.")

    def has_permission(self, obj):
        return permissions.can_comment(self.request.access, obj)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.object}

    def perform(self):
        return services.comment_add(
            actor=self.request.user,
            access=self.request.access,
            application=self.object,
            text=self.form.cleaned_data["text"],
            cost_line=self.form.cleaned_data["cost_line"],
        )

    def get_failure_url(self):
        return self.object.get_absolute_url() + "#anmerkungen"


class FindingOverrideView(ScopedObjectActionView):
    """A reviewer overrides a finding with a reason (the review page's small form)."""

    model = Application
    form_class = FindingOverrideForm
    invalid_message = _("Please give the reason for the override.")
    success_message = _("Finding overridden.")

    def has_permission(self, obj):
        return permissions.can_override_finding(self.request.access, obj)

    def perform(self):
        return services.finding_override(
            actor=self.request.user,
            access=self.request.access,
            application=self.object,
            code=self.form.cleaned_data["code"],
            line_ref=self.form.cleaned_data["line_ref"],
            reason=self.form.cleaned_data["reason"],
        )

    def get_failure_url(self):
        return self.object.get_absolute_url() + "#feststellungen"


# ------------------------------------------------------------------ package
class PackagePdfView(ScopedPdfView):
    """The application package; a big one is built as a background job instead."""

    model = Application
    queryset_shape = "for_check"

    def get(self, request, *args, **kwargs):
        if self.object.lines.count() > package_sync_lines():
            messages.info(request, _("This package is large; it is built in the background."))
            return HttpResponseRedirect(self.object.get_absolute_url() + "#dokumente")
        return super().get(request, *args, **kwargs)

    def render_pdf(self, obj):
        return application_package_pdf(obj, archive=self.kwargs.get("archive", False))

    def get_filename(self, obj):
        suffix = "-archiv" if self.kwargs.get("archive", False) else ""
        return f"foerderantrag-{obj.number}{suffix}.pdf"


class PackageJobView(ScopedObjectActionView):
    model = Application
    success_message = None

    def perform(self):
        app = self.object
        return job_start(
            kind="funding.package",
            owner=self.request.user,
            board=app.school_board,
            title=f"Antragspaket {app.number}",
            params={"application_id": app.pk, "archive": self.request.POST.get("archive") == "1"},
        )

    def get_success_url(self):
        return job_url(self.outcome)
