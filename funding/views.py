"""Funding pages: thin views over services, selectors and documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.context import board_for_create
from core.jobs import job_start, job_url
from core.pdf import pdf_response
from core.services import recheck_tenancy
from core.views import (
    Column,
    ScopedDetailView,
    ScopedListView,
    errors_to_form,
    form_service_step,
    get_visible_or_404,
    perform_and_redirect,
)

from . import permissions, selectors, services
from .choices import ApplicationStatus, FundingCategory
from .documents import (
    application_package_pdf,
    decision_pdf,
    payout_pdf,
    proof_data,
    proof_pdf,
)
from .filters import ApplicationFilter, BudgetFilter, CatalogueFilter, ReviewFilter
from .forms import (
    ApplicationCreateForm,
    ApplicationForm,
    BudgetComputeForm,
    BudgetManualForm,
    BudgetShareForm,
    CatalogueImportForm,
    ChangeDecisionForm,
    ChangeRequestForm,
    CommentForm,
    CostLineForm,
    DeadlineForm,
    DecisionForm,
    ForwardForm,
    InvoiceForm,
    PayoutCreateForm,
    ProofCheckForm,
    ProofForm,
    ReportForm,
    RequestChangesForm,
    TpekForm,
)
from .models import (
    Application,
    ApplicationSchool,
    Budget,
    CatalogueItem,
    ChangeRequest,
    CostLine,
    Decision,
    Invoice,
    PayoutRequest,
    Programme,
    ProofOfUse,
    ReviewComment,
)

#: packages with more lines than this are built as a background job
PACKAGE_SYNC_LINES = 150
CATEGORY_LABELS = dict(FundingCategory.choices)


def _errors_to_messages(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _form_page(
    request, form, title, *, back, submit=None, extra=None, status=200, template="funding/form.html"
):
    ctx = {"form": form, "page_title": title, "back_url": back, "submit_label": submit or _("Save")}
    ctx.update(extra or {})
    return render(request, template, ctx, status=status)


def _conflict(request, exc: services.EditConflict, *, form, back):
    """The second save of a row someone else changed: show both, overwrite nothing."""
    current = exc.current
    mine = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        theirs = getattr(current, name, "")
        yours = form.cleaned_data.get(name)
        if str(theirs if theirs is not None else "") != str(yours if yours is not None else ""):
            mine.append((field.label, theirs, yours))
    return render(
        request,
        "funding/conflict.html",
        {
            "page_title": _("Edit conflict"),
            "message": exc.messages[0],
            "rows": mine,
            "back_url": back,
            "current": current,
        },
        status=409,
    )


# ------------------------------------------------------------ applications
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
                status__in=[
                    ApplicationStatus.SUBMITTED,
                    ApplicationStatus.FORWARDED,
                    ApplicationStatus.CHANGES_REQUESTED,
                ],
            )
            .order_by("submitted_at")
        )


def application_create(request):
    board = board_for_create(request)
    form = ApplicationCreateForm(request.POST or None, access=request.access, board=board)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                app = services.application_create(
                    actor=request.user,
                    board=board,
                    programme=data.pop("programme"),
                    schools=list(data.pop("schools")),
                    data=data,
                )
                recheck_tenancy(request.access, app)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Application created."))
            return HttpResponseRedirect(app.get_absolute_url())
    return _form_page(
        request, form, _("New funding application"), back=reverse("funding:application-list")
    )


def _application(request, pk) -> Application:
    app = get_visible_or_404(request, Application, pk=pk)
    return Application.objects.for_check().get(pk=app.pk)


def application_detail(request, pk):
    app = _application(request, pk)
    access = request.access
    result = selectors.application_check(app)
    lines = list(app.lines.all())
    comments = list(
        ReviewComment.objects.filter(application=app).select_related("author", "cost_line")
    )
    by_line: dict[int, list] = {}
    for c in comments:
        if c.cost_line_id:
            by_line.setdefault(c.cost_line_id, []).append(c)
    diff = selectors.application_diff(app)
    rows = [
        {
            "line": ln,
            "amounts": result.totals.line_amounts[ln.ref],
            "findings": result.for_line(ln.ref),
            "comments": by_line.get(ln.pk, []),
            "changed": diff and (ln.ref in diff["added"] or ln.ref in diff["changed"]),
        }
        for ln in lines
    ]
    school_names = {e.school_id: e.school.name for e in app.schools.all()}
    for ln in lines:
        school_names.setdefault(ln.school_id, ln.school.name)
    decisions = list(Decision.objects.filter(application=app).select_related("decided_by"))
    budget = selectors.budget_for(app)
    ctx = {
        "app": app,
        "result": result,
        "rows": rows,
        "comments": comments,
        "diff": diff,
        "page_title": f"{app.number} {app.title}",
        "breadcrumbs": [
            (_("Funding applications"), reverse("funding:application-list")),
            (app.number, None),
        ],
        "entries": list(app.schools.all()),
        "per_school": [
            (school_names.get(s, s), v, result.totals.mobile.per_school.get(s))
            for s, v in result.totals.per_school.items()
        ],
        "per_category": [
            (CATEGORY_LABELS.get(c, c), v) for c, v in result.totals.per_category.items()
        ],
        "general_findings": [f for f in result.findings if not f.line_refs],
        "events": list(app.events.select_related("actor")[:50]),
        "decisions": decisions,
        "change_requests": list(ChangeRequest.objects.filter(application=app)),
        "payouts": list(PayoutRequest.objects.filter(application=app)),
        "proof": ProofOfUse.objects.filter(application=app).first(),
        "budget": budget,
        "budget_status": selectors.budget_status(budget) if budget else None,
        "can_edit": permissions.can_edit_application(access, app),
        "can_review": permissions.can_review(access, app),
        "can_forward": permissions.can_forward(access, app),
        "can_decide": permissions.can_decide(access, app, request.user),
        "four_eyes_blocked": permissions.is_acting_reviewer_for(access, app)
        and app.status == ApplicationStatus.FORWARDED
        and app.content_checked_by_id == request.user.pk,
        "is_reviewer": permissions.is_acting_reviewer_for(access, app),
        "can_decide_change": permissions.is_approver_for(access, app),
        "is_board": permissions.is_board_editor(access, app),
        "after_approval": permissions.can_manage_after_approval(access, app),
        "big_package": len(lines) > PACKAGE_SYNC_LINES,
        "comment_form": CommentForm(application=app),
    }
    return render(request, "funding/application_detail.html", ctx)


def application_update(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    if not permissions.is_board_editor(request.access, app):
        raise PermissionDenied
    back = app.get_absolute_url()
    if not app.is_editable:
        messages.error(request, _("A submitted application cannot be changed."))
        return HttpResponseRedirect(back)
    form = ApplicationForm(request.POST or None, instance=app, initial={"version": app.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=app,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.EditConflict as exc:
            return _conflict(request, exc, form=form, back=back)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(back)
    live_app = Application.objects.for_check().get(pk=app.pk)
    return _form_page(
        request,
        form,
        _("Edit application %(n)s") % {"n": app.number},
        back=back,
        extra={
            "check_url": reverse("funding:live-check", args=[app.pk]),
            "live": _live_context(request, live_app, None),
        },
    )


def _line_form_page(request, app, form, title, back):
    return _form_page(
        request,
        form,
        title,
        back=back,
        extra={
            "check_url": reverse("funding:live-check", args=[app.pk]),
            "live": _live_context(request, app, form),
        },
    )


def _apply_unsaved_application(app, form) -> list:
    """Put the typed (valid) values of the application form on the in-memory `app`.

    Nothing is saved: `app` is this request's own copy. Returns the labels of the
    fields whose typed value is not valid yet (they are checked as saved).
    """
    saved = {name: getattr(app, name) for name in ApplicationForm.Meta.fields}
    form.is_valid()  # a ModelForm writes the cleaned values onto its instance
    cleaned = getattr(form, "cleaned_data", {})
    for name in ApplicationForm.Meta.fields:
        setattr(
            app, name, cleaned[name] if name in cleaned and name not in form.errors else saved[name]
        )
    return [str(form.fields[name].label) for name in form.errors if name in form.fields]


def _live_context(request, app, form, *, line=None, app_form=None):
    """Findings and totals as if the form's values were saved (nothing is written).

    `form` is a cost-line form, `app_form` the application's main form: their typed
    values are merged with the saved lines and checked by `rules.check_application`.
    """
    from .rules import check_application

    invalid_fields = _apply_unsaved_application(app, app_form) if app_form is not None else []
    lines = list(app.lines.all())
    candidate = None
    if form is not None and form.is_bound:
        form.is_valid()
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        base = line or CostLine(
            application=app,
            school_board_id=app.school_board_id,
            position=max([ln.position for ln in lines] or [0]) + 1,
        )
        item = data.get("catalogue_item")
        values = {
            "school": data.get("school"),
            "category": data.get("category") or (item.category if item else ""),
            "description": data.get("description") or (item.name if item else ""),
            "quantity": data.get("quantity"),
            "unit_price_net": data.get("unit_price_net")
            if data.get("unit_price_net") is not None
            else (item.unit_price_net if item else None),
            "vat_rate": data.get("vat_rate")
            if data.get("vat_rate") is not None
            else (item.vat_rate if item else None),
            "procurement_route": data.get("procurement_route") or "direct",
            "catalogue_item": item,
            "planned_start": data.get("planned_start"),
            "planned_end": data.get("planned_end"),
            "need": data.get("need"),
            "justification": data.get("justification") or "",
        }
        if (
            values["school"]
            and values["quantity"]
            and values["unit_price_net"] is not None
            and values["vat_rate"] is not None
        ):
            candidate = CostLine(
                pk=base.pk,
                application=app,
                position=base.position,
                school_board_id=app.school_board_id,
            )
            for k, v in values.items():
                setattr(candidate, k, v)
            lines = [candidate if ln.pk and ln.pk == base.pk else ln for ln in lines]
            if not base.pk:
                lines.append(candidate)
    data = selectors.application_data(app, lines=lines)
    result = check_application(data)
    return {
        "result": result,
        "candidate": candidate,
        "invalid_fields": invalid_fields,
        "line_findings": result.for_line(candidate.ref) if candidate else [],
        "line_amounts": result.totals.line_amounts.get(candidate.ref) if candidate else None,
    }


@require_POST
def live_check(request, pk):
    """htmx: the findings and totals while the user types (no write)."""
    app = _application(request, pk)
    if not permissions.is_board_editor(request.access, app):
        raise PermissionDenied
    line = None
    if request.POST.get("line"):
        line = get_object_or_404(CostLine, pk=request.POST["line"], application=app)
    form = app_form = None
    if "quantity" in request.POST:
        form = CostLineForm(request.POST, access=request.access, application=app, instance=line)
    elif "title" in request.POST:
        # the application's main form: check the values being typed, never save them
        app_form = ApplicationForm(request.POST, instance=app)
    return render(
        request,
        "funding/_live_check.html",
        _live_context(request, app, form, line=line, app_form=app_form),
    )


def line_create(request, pk):
    app = _application(request, pk)
    if not permissions.can_edit_application(request.access, app):
        raise PermissionDenied
    form = CostLineForm(request.POST or None, access=request.access, application=app)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                line = services.costline_save(actor=request.user, application=app, data=data)
                recheck_tenancy(request.access, line)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Line %(n)s saved.") % {"n": line.position})
            if "another" in request.POST:
                return HttpResponseRedirect(reverse("funding:line-create", args=[app.pk]))
            return HttpResponseRedirect(line.get_absolute_url())
    return _line_form_page(request, app, form, _("New line"), app.get_absolute_url())


def line_update(request, pk):
    line = get_visible_or_404(request, CostLine, pk=pk)
    app = Application.objects.for_check().get(pk=line.application_id)
    if not permissions.can_edit_application(request.access, app):
        raise PermissionDenied
    form = CostLineForm(
        request.POST or None,
        instance=line,
        access=request.access,
        application=app,
        initial={"version": line.version},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.costline_save(
                actor=request.user,
                application=app,
                line=line,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.EditConflict as exc:
            return _conflict(request, exc, form=form, back=app.get_absolute_url())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(line.get_absolute_url())
    return _line_form_page(
        request, app, form, _("Edit line %(n)s") % {"n": line.position}, app.get_absolute_url()
    )


@require_POST
def line_delete(request, pk):
    line = get_visible_or_404(request, CostLine, pk=pk)
    app = line.application
    if not permissions.can_edit_application(request.access, app):
        raise PermissionDenied
    return perform_and_redirect(
        request,
        lambda: services.costline_delete(actor=request.user, line=line),
        success=_("Line deleted."),
        to=app.get_absolute_url(),
    )


@require_POST
def application_submit(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    if not permissions.is_board_editor(request.access, app):
        raise PermissionDenied
    return perform_and_redirect(
        request,
        lambda: services.application_submit(
            actor=request.user, access=request.access, application=app
        ),
        success=_("Application submitted."),
        to=app.get_absolute_url(),
    )


def _reviewer_app(request, pk, authority: str) -> Application:
    """Visible or 404; a reviewer of another authority (or no reviewer) gets a clear 403."""
    app = get_visible_or_404(request, Application, pk=pk)
    allowed = {
        permissions.CONTENT_CHECK: permissions.is_content_checker_for,
        permissions.APPROVAL: permissions.is_approver_for,
    }[authority]
    if not allowed(request.access, app):
        raise PermissionDenied(_authority_message(authority))
    return app


def _authority_message(authority: str) -> str:
    if authority == permissions.CONTENT_CHECK:
        return gettext("Only the content check (LISA/LINDIUS) may do this step.")
    return gettext("Only the approval authority (Landesverwaltungsamt) may do this step.")


def request_changes(request, pk):
    app = _reviewer_app(request, pk, permissions.CONTENT_CHECK)
    form = RequestChangesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_step(
            request,
            form,
            lambda: services.application_request_changes(
                actor=request.user,
                access=request.access,
                application=app,
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
            ),
            success=_("Changes requested."),
            to=app.get_absolute_url(),
        )
        if done:
            return done
    return _form_page(
        request,
        form,
        _("Request changes: %(n)s") % {"n": app.number},
        back=app.get_absolute_url(),
        submit=_("Request changes"),
    )


def forward(request, pk):
    app = _reviewer_app(request, pk, permissions.CONTENT_CHECK)
    form = ForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_step(
            request,
            form,
            lambda: services.application_forward(
                actor=request.user,
                access=request.access,
                application=app,
                reason=form.cleaned_data["reason"],
            ),
            success=_("Content check recorded; forwarded for approval."),
            to=app.get_absolute_url(),
        )
        if done:
            return done
    return _form_page(
        request,
        form,
        _("Content check done: forward %(n)s") % {"n": app.number},
        back=app.get_absolute_url(),
        submit=_("Forward"),
    )


def decide(request, pk):
    app = _reviewer_app(request, pk, permissions.APPROVAL)
    app = Application.objects.for_check().get(pk=app.pk)
    lines = list(app.lines.all())
    result = selectors.application_check(app)
    amounts = {ref: a.gross for ref, a in result.totals.line_amounts.items()}
    form = DecisionForm(
        request.POST or None,
        lines=lines,
        amounts=amounts,
        initial={
            "date": timezone.localdate(),
            "period_start": app.planned_start,
            "period_end": app.planned_end,
            "kind": "full",
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.decision_make(
                actor=request.user,
                access=request.access,
                application=app,
                kind=d["kind"],
                date=d["date"],
                line_amounts=form.line_amounts(),
                period_start=d["period_start"],
                period_end=d["period_end"],
                conditions=d["conditions"],
                reason=d["reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Decision %(n)s recorded.") % {"n": decision.number})
            return HttpResponseRedirect(decision.get_absolute_url())
    return _form_page(
        request,
        form,
        _("Decide: %(n)s") % {"n": app.number},
        back=app.get_absolute_url(),
        submit=_("Record decision"),
        template="funding/decide.html",
        extra={"app": app, "result": result},
    )


@require_POST
def comment_add(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    if not permissions.can_comment(request.access, app):
        raise PermissionDenied
    form = CommentForm(request.POST, application=app)
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user,
                access=request.access,
                application=app,
                text=form.cleaned_data["text"],
                cost_line=form.cleaned_data["cost_line"],
            )
            messages.success(request, _("Comment saved."))
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    else:
        messages.error(request, _("Please enter a comment."))
    return HttpResponseRedirect(app.get_absolute_url() + "#anmerkungen")


def package_pdf(request, pk, archive=False):
    app = _application(request, pk)
    if app.lines.count() > PACKAGE_SYNC_LINES:
        messages.info(request, _("This package is large; it is built in the background."))
        return HttpResponseRedirect(app.get_absolute_url() + "#dokumente")
    pdf = application_package_pdf(app, archive=archive)
    suffix = "-archiv" if archive else ""
    return pdf_response(pdf, f"foerderantrag-{app.number}{suffix}.pdf")


@require_POST
def package_job(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    archive = request.POST.get("archive") == "1"
    job = job_start(
        kind="funding.package",
        owner=request.user,
        board=app.school_board,
        title=f"Antragspaket {app.number}",
        params={"application_id": app.pk, "archive": archive},
    )
    return HttpResponseRedirect(job_url(job))


# ------------------------------------------------------------------------ TPEK
def tpek(request, pk):
    entry = get_visible_or_404(request, ApplicationSchool, pk=pk)
    app = entry.application
    back = (
        app.get_absolute_url()
        if request.access.can_view(app)
        else reverse("funding:application-list")
    )
    if not permissions.can_edit_tpek(request.access, entry):
        if not request.access.can_view(entry):
            raise Http404
        return render(
            request,
            "funding/tpek_detail.html",
            {"entry": entry, "page_title": f"TPEK {entry.school.name}", "back_url": back},
        )
    form = TpekForm(
        request.POST or None,
        instance=entry,
        access=request.access,
        initial={"version": entry.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.tpek_update(
                actor=request.user,
                app_school=entry,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.EditConflict as exc:
            return _conflict(request, exc, form=form, back=back)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(entry.get_absolute_url())
    return _form_page(
        request,
        form,
        _("TPEK and infrastructure: %(s)s") % {"s": entry.school.name},
        back=back,
        template="funding/tpek_form.html",
        extra={
            "entry": entry,
            "deadline_form": DeadlineForm(),
            "is_board": permissions.is_board_editor(request.access, entry),
        },
    )


@require_POST
def tpek_request(request, pk):
    entry = get_visible_or_404(request, ApplicationSchool, pk=pk)
    if not permissions.is_board_editor(request.access, entry):
        raise PermissionDenied
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a valid deadline."))
    else:
        try:
            services.tpek_request(
                actor=request.user, app_school=entry, deadline=form.cleaned_data["deadline"]
            )
            messages.success(request, _("The school has been asked for its TPEK."))
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    return HttpResponseRedirect(entry.get_absolute_url())


@require_POST
def tpek_submit(request, pk):
    entry = get_visible_or_404(request, ApplicationSchool, pk=pk)
    if not permissions.can_edit_tpek(request.access, entry):
        raise PermissionDenied
    return perform_and_redirect(
        request,
        lambda: services.tpek_submit(actor=request.user, app_school=entry),
        success=_("TPEK delivered to the school board."),
        to=entry.get_absolute_url(),
    )


def report_update(request, pk):
    entry = get_visible_or_404(request, ApplicationSchool, pk=pk)
    if not permissions.is_board_editor(request.access, entry):
        raise PermissionDenied
    proof = ProofOfUse.objects.filter(application_id=entry.application_id).first()
    if proof is None:
        raise Http404
    form = ReportForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        done = form_service_step(
            request,
            form,
            lambda: services.report_update(
                actor=request.user, app_school=entry, data=form.cleaned_data
            ),
            success=_("Saved."),
            to=proof.get_absolute_url(),
        )
        if done:
            return done
    return _form_page(
        request,
        form,
        _("Sachbericht: %(s)s") % {"s": entry.school.name},
        back=proof.get_absolute_url(),
    )


# ------------------------------------------------------------- decisions, changes
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


def decision_document(request, pk):
    decision = get_visible_or_404(request, Decision, pk=pk)
    decision = Decision.objects.for_detail().get(pk=decision.pk)
    return pdf_response(decision_pdf(decision), f"bescheid-{decision.number}.pdf")


def change_request_create(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    if not permissions.can_manage_after_approval(request.access, app):
        raise PermissionDenied
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_step(
            request,
            form,
            lambda: services.change_request_create(
                actor=request.user, access=request.access, application=app, **form.cleaned_data
            ),
            success=_("Change request submitted."),
            to=app.get_absolute_url(),
        )
        if done:
            return done
    return _form_page(
        request,
        form,
        _("Änderungsantrag: %(n)s") % {"n": app.number},
        back=app.get_absolute_url(),
        submit=_("Submit"),
    )


def change_request_decide(request, pk):
    cr = get_visible_or_404(request, ChangeRequest, pk=pk)
    if not permissions.can_decide_change_request(request.access, cr):
        raise PermissionDenied(_authority_message(permissions.APPROVAL))
    form = ChangeDecisionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = form_service_step(
            request,
            form,
            lambda: services.change_request_decide(
                actor=request.user, access=request.access, change_request=cr, **form.cleaned_data
            ),
            success=_("Change request decided."),
            to=cr.get_absolute_url(),
        )
        if done:
            return done
    return _form_page(
        request,
        form,
        _("Decide the change request"),
        back=cr.get_absolute_url(),
        submit=_("Record decision"),
        extra={"intro": cr.reason},
    )


# ------------------------------------------------------------ invoices, payouts
def invoice_list(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    can_add = permissions.can_manage_after_approval(request.access, app)
    form = InvoiceForm(request.POST or None, application=app) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            done = form_service_step(
                request,
                form,
                lambda: services.invoice_create(
                    actor=request.user, application=app, data=form.cleaned_data
                ),
                success=_("Invoice recorded."),
                to=request.path,
            )
            if done:
                return done
    invoices = request.access.restrict(Invoice.objects.for_list().filter(application=app))
    return render(
        request,
        "funding/invoices.html",
        {
            "app": app,
            "invoices": invoices,
            "form": form,
            "payout_form": PayoutCreateForm(application=app) if can_add else None,
            "page_title": _("Invoices and payout requests: %(n)s") % {"n": app.number},
            "payouts": PayoutRequest.objects.filter(application=app),
        },
    )


@require_POST
def payout_create(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    if not permissions.can_manage_after_approval(request.access, app):
        raise PermissionDenied
    form = PayoutCreateForm(request.POST, application=app)
    if form.is_valid():
        try:
            payout = services.payout_create(
                actor=request.user, application=app, invoices=form.cleaned_data["invoices"]
            )
            messages.success(request, _("Payout request created."))
            return HttpResponseRedirect(payout.get_absolute_url())
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    else:
        messages.error(request, _("Please choose at least one invoice."))
    return HttpResponseRedirect(reverse("funding:invoice-list", args=[app.pk]))


class PayoutDetailView(ScopedDetailView):
    model = PayoutRequest
    template_name = "funding/payout_detail.html"
    fields_shown = [
        Column("application.number", _("application number")),
        Column("status", _("status")),
        Column("invoiced_amount", _("invoiced eligible amount"), fmt="money"),
        Column("requested_amount", _("requested amount"), fmt="money"),
        Column("submitted_at", _("submitted"), fmt="datetime"),
        Column("paid_on", _("paid on"), fmt="date"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["invoices"] = self.object.invoices.select_related("cost_line__school")
        ctx["can_submit"] = permissions.can_edit_payout(self.request.access, self.object)
        ctx["can_pay"] = permissions.can_pay(self.request.access, self.object)
        return ctx


@require_POST
def payout_transition(request, pk, to):
    payout = get_visible_or_404(request, PayoutRequest, pk=pk)
    if to not in ("submitted", "paid", "rejected"):
        raise Http404
    if (
        to != "submitted"
        and permissions.is_reviewer_for(request.access, payout)
        and not permissions.is_approver_for(request.access, payout)
    ):
        raise PermissionDenied(_authority_message(permissions.APPROVAL))
    try:
        services.payout_transition(actor=request.user, access=request.access, payout=payout, to=to)
        messages.success(request, _("Done."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return HttpResponseRedirect(payout.get_absolute_url())


def payout_document(request, pk):
    payout = get_visible_or_404(request, PayoutRequest, pk=pk)
    payout = PayoutRequest.objects.for_detail().get(pk=payout.pk)
    return pdf_response(
        payout_pdf(payout), f"mittelabruf-{payout.application.number}-{payout.number}.pdf"
    )


# ------------------------------------------------------------ proof of use
@require_POST
def proof_start(request, pk):
    app = get_visible_or_404(request, Application, pk=pk)
    try:
        proof = services.proof_start(actor=request.user, access=request.access, application=app)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return HttpResponseRedirect(app.get_absolute_url())
    return HttpResponseRedirect(proof.get_absolute_url())


def proof_detail(request, pk):
    proof = get_visible_or_404(request, ProofOfUse, pk=pk)
    proof = ProofOfUse.objects.for_detail().get(pk=proof.pk)
    access = request.access
    can_edit = permissions.can_edit_proof(access, proof)
    form = ProofForm(
        request.POST or None, initial={"summary": proof.summary, "version": proof.version}
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.proof_update(
                    actor=request.user,
                    proof=proof,
                    summary=form.cleaned_data["summary"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except services.EditConflict as exc:
                return _conflict(request, exc, form=form, back=proof.get_absolute_url())
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(proof.get_absolute_url())
    data = proof_data(proof.application)
    return render(
        request,
        "funding/proof_detail.html",
        {
            "proof": proof,
            "data": data,
            "form": form if can_edit else None,
            "entries": proof.application.schools.select_related("school"),
            "page_title": str(proof),
            "can_edit": can_edit,
            "can_check": permissions.can_check_proof(access, proof),
            "check_form": ProofCheckForm(),
        },
    )


@require_POST
def proof_submit(request, pk):
    proof = get_visible_or_404(request, ProofOfUse, pk=pk)
    return perform_and_redirect(
        request,
        lambda: services.proof_submit(actor=request.user, access=request.access, proof=proof),
        success=_("Proof of use submitted."),
        to=proof.get_absolute_url(),
    )


@require_POST
def proof_check(request, pk):
    proof = get_visible_or_404(request, ProofOfUse, pk=pk)
    if not permissions.is_approver_for(request.access, proof):
        raise PermissionDenied(_authority_message(permissions.APPROVAL))
    form = ProofCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a result."))
    else:
        try:
            services.proof_check(
                actor=request.user, access=request.access, proof=proof, **form.cleaned_data
            )
            messages.success(request, _("Check recorded."))
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    return HttpResponseRedirect(proof.get_absolute_url())


def proof_document(request, pk):
    proof = get_visible_or_404(request, ProofOfUse, pk=pk)
    proof = ProofOfUse.objects.for_detail().get(pk=proof.pk)
    return pdf_response(proof_pdf(proof), f"verwendungsnachweis-{proof.application.number}.pdf")


# --------------------------------------------------------- programmes, budgets
def programme_list(request):
    programmes = Programme.objects.for_list()
    return render(
        request,
        "funding/programme_list.html",
        {"programmes": programmes, "page_title": _("Programmes")},
    )


def programme_detail(request, pk):
    programme = get_object_or_404(Programme.objects.for_detail(), pk=pk)
    rulesets = list(programme.rulesets.order_by("-number"))
    return render(
        request,
        "funding/programme_detail.html",
        {
            "programme": programme,
            "rulesets": rulesets,
            "current": rulesets[0] if rulesets else None,
            "page_title": programme.name,
            "categories": CATEGORY_LABELS,
            "breadcrumbs": [
                (_("Programmes"), reverse("funding:programme-list")),
                (programme.name, None),
            ],
        },
    )


class BudgetListView(ScopedListView):
    model = Budget
    filterset_class = BudgetFilter
    title = _("Budgets")
    columns = [
        Column("programme.name", _("Förderprogramm"), link=True),
        Column("school_board.name", _("Schulträger")),
        Column("amount", _("budget"), fmt="money", numeric=True),
        Column("is_manual", _("set by hand"), fmt="bool"),
    ]
    extra_actions = [
        (_("Compute budget"), "funding:budget-compute"),
        (_("Set budget by hand"), "funding:budget-manual"),
    ]


def budget_detail(request, pk):
    budget = get_visible_or_404(request, Budget, pk=pk)
    budget = Budget.objects.for_detail().get(pk=budget.pk)
    can_edit = permissions.is_board_editor(request.access, budget)
    form = BudgetShareForm(request.POST or None, access=request.access, budget=budget)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            done = form_service_step(
                request,
                form,
                lambda: services.budget_share_set(
                    actor=request.user, budget=budget, **form.cleaned_data
                ),
                success=_("Saved."),
                to=request.path,
            )
            if done:
                return done
    shares = request.access.restrict(budget.shares.select_related("school"))
    return render(
        request,
        "funding/budget_detail.html",
        {
            "budget": budget,
            "status": selectors.budget_status(budget),
            "shares": shares,
            "pupil_counts": [
                {
                    **c,
                    "counts_date": dt.date.fromisoformat(c["counts_date"])
                    if c.get("counts_date")
                    else None,
                    "amount": Decimal(c.get("amount") or "0"),
                }
                for c in budget.pupil_counts or []
            ],
            "form": form if can_edit else None,
            "page_title": str(budget),
            "breadcrumbs": [(_("Budgets"), reverse("funding:budget-list")), (str(budget), None)],
        },
    )


def budget_compute(request):
    board = board_for_create(request)
    form = BudgetComputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_compute(
                actor=request.user, board=board, programme=form.cleaned_data["programme"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Budget computed from the programme's formula."))
            return HttpResponseRedirect(budget.get_absolute_url())
    return _form_page(
        request,
        form,
        _("Compute budget for %(b)s") % {"b": board.name},
        back=reverse("funding:budget-list"),
        submit=_("Compute"),
    )


def budget_manual(request):
    board = board_for_create(request)
    form = BudgetManualForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_set_manual(
                actor=request.user, board=board, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(budget.get_absolute_url())
    return _form_page(
        request,
        form,
        _("Set budget by hand for %(b)s") % {"b": board.name},
        back=reverse("funding:budget-list"),
    )


# ------------------------------------------------------------------ catalogue
class CatalogueListView(ScopedListView):
    model = CatalogueItem
    filterset_class = CatalogueFilter
    title = _("Warenkorb (framework contracts)")
    columns = [
        Column("contract_reference", _("framework contract")),
        Column("item_number", _("item number")),
        Column("name", _("item")),
        Column("category", _("category")),
        Column("unit_price_net", _("unit price net"), fmt="money", numeric=True),
        Column("vat_rate", _("VAT rate (%)"), numeric=True),
        Column("land.name", _("Land")),
    ]
    extra_actions = [(_("Import"), "funding:catalogue-import")]

    def get_queryset(self):
        return CatalogueItem.objects.for_list().filter(is_active=True)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.is_staff:
            ctx["extra_actions"] = []
        return ctx


def read_table(upload) -> list[dict]:
    """Rows of a CSV or XLSX upload as dicts keyed by the header.

    Parsing goes through core.spreadsheets: the same size, zip-bomb, row and encoding
    checks (before parsing) as every other import.
    """
    from core.spreadsheets import SpreadsheetRefused
    from core.spreadsheets import read_table as read_spreadsheet

    try:
        table = read_spreadsheet(upload.name, upload.read())
    except SpreadsheetRefused as exc:
        raise ValidationError(str(exc))
    return [dict(zip(table.headers, cells, strict=False)) for _number, cells in table.rows]


def catalogue_import(request):
    if not request.user.is_staff:
        raise PermissionDenied
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_table(form.cleaned_data["file"])
            created, updated = services.catalogue_import(actor=request.user, rows=rows)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("%(c)s items created, %(u)s updated.") % {"c": created, "u": updated}
            )
            return HttpResponseRedirect(reverse("funding:catalogue-list"))
    return _form_page(
        request,
        form,
        _("Import Warenkorb"),
        back=reverse("funding:catalogue-list"),
        submit=_("Import"),
    )
