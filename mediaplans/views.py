"""Concept pages: configuration over core.views plus the concept-specific pages."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.formatting import format_date
from core.history import history_entries
from core.pdf import pdf_response
from core.services import recheck_tenancy
from core.views import (
    PageMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    ServiceFormMixin,
)
from schools.models import School

from . import permissions, selectors, services, workflow
from .choices import SECTION_BY_KEY, ConceptStatus
from .documents import concept_pdf
from .filters import ConceptFilter
from .forms import (
    AdoptForm,
    CommentForm,
    ConceptCreateForm,
    DevelopmentGoalsForm,
    GoalForm,
    NeedForm,
    SectionForm,
    TrainingForm,
)
from .models import CompetenceGoal, ConceptVersion, EquipmentNeed, MediaConcept, TrainingEntry


def visible_or_404(request, model, shape: str = "for_detail", **lookup):
    qs = model.objects.all()
    qs = getattr(qs, shape)() if hasattr(qs, shape) else qs
    try:
        return permissions.restrict(request.access, qs).get(**lookup)
    except model.DoesNotExist:
        raise Http404


def concept_breadcrumbs(concept, *extra):
    crumbs = [(_("Media concepts"), reverse("mediaplans:concept-list"))]
    if concept is not None:
        crumbs.append((concept.school.name, concept.get_absolute_url()))
    return crumbs + list(extra)


class VersionScopedMixin:
    """Querysets through `permissions.restrict` (reviewers: adopted versions of schools in
    submitted applications only)."""

    def get_queryset(self):
        return permissions.restrict(self.request.access, self.base_queryset())

    def can_edit(self, obj) -> bool:
        return permissions.can_write(self.request.access, obj)


# --- concepts -----------------------------------------------------------------------


class ConceptListView(ScopedListView):
    model = MediaConcept
    filterset_class = ConceptFilter
    title = _("Media concepts")
    template_name = "mediaplans/concept_list.html"
    create_url = "mediaplans:concept-create"
    extra_actions = [(_("Board overview"), "mediaplans:board-overview")]
    empty_text = _("No media-education concept yet.")

    def get_queryset(self):
        # reviewers: only concepts of schools in a funding application beyond the draft stage
        return permissions.restrict(self.request.access, self.base_queryset())

    def can_create(self) -> bool:
        return permissions.can_create_concept(self.request.access)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        rows = []
        for concept in ctx["object_list"]:
            full = permissions.reads_drafts(access, concept)
            open_v = concept.open_version if full else None
            rows.append(
                {
                    "concept": concept,
                    "adopted": concept.adopted_version,
                    "open": open_v,
                    "progress": selectors.progress(open_v, selectors.row_counts(open_v))
                    if open_v
                    else None,
                }
            )
        ctx["rows"] = rows
        return ctx


class ConceptCreateView(PageMixin, ServiceFormMixin, FormView):
    form_class = ConceptCreateForm
    template_name = "mediaplans/concept_form.html"
    title = _("New media-education concept")
    success_message = _("The concept has been started as a draft.")

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_create_concept(request.access):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return concept_breadcrumbs(None, (self.title, None))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["schools"] = permissions.writable_schools(
            self.request.access, School.objects.filter(media_concept__isnull=True)
        ).order_by("name")
        initial = self.request.GET.get("school")
        if initial and initial.isdigit():
            kwargs.setdefault("initial", {})["school"] = int(initial)
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.concept_create(
            actor=self.request.user,
            school=data["school"],
            form=data["form"],
            development_goals=[data["goal_1"], data["goal_2"], data["goal_3"]],
        )

    def get_success_url(self):
        return self.object.versions.get().get_absolute_url()


class ConceptDetailView(ScopedDetailView):
    model = MediaConcept
    template_name = "mediaplans/concept_detail.html"

    def get_queryset(self):
        return permissions.restrict(self.request.access, self.base_queryset())

    def can_edit(self, obj):
        return permissions.can_write(self.request.access, obj)

    def get_title(self):
        return _("Medienbildungskonzept – %s") % self.object.school.name

    def get_breadcrumbs(self):
        return concept_breadcrumbs(None, (self.object.school.name, None))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        versions = list(
            permissions.restrict(
                self.request.access,
                ConceptVersion.objects.filter(concept=self.object)
                .with_counts()
                .order_by("-number"),
            )
        )
        for v in versions:
            v.progress_percent = selectors.progress(v, selectors.row_counts(v))
        ctx["versions"] = versions
        ctx["has_open"] = any(not v.is_frozen for v in versions)
        return ctx


class VersionNewView(View):
    """POST: start a new version as a copy of the latest one."""

    def post(self, request, pk):
        concept = visible_or_404(request, MediaConcept, pk=pk)
        if not permissions.can_write(request.access, concept):
            raise PermissionDenied
        try:
            with transaction.atomic():
                version = services.version_new(actor=request.user, concept=concept)
                recheck_tenancy(request.access, version)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return HttpResponseRedirect(concept.get_absolute_url())
        messages.success(request, gettext("Version %s started as a copy.") % version.number)
        return HttpResponseRedirect(version.get_absolute_url())


class CompareView(PageMixin, TemplateView):
    template_name = "mediaplans/compare.html"
    title = _("Compare versions")

    def get_context_data(self, **kwargs):
        concept = visible_or_404(self.request, MediaConcept, pk=self.kwargs["pk"])
        self.concept = concept
        versions = list(
            permissions.restrict(
                self.request.access, ConceptVersion.objects.filter(concept=concept)
            ).order_by("-number")
        )
        ctx = super().get_context_data(**kwargs)
        ctx.update({"concept": concept, "versions": versions})
        by_pk = {str(v.pk): v for v in versions}
        old = by_pk.get(self.request.GET.get("alt", ""))
        new = by_pk.get(self.request.GET.get("neu", ""))
        if (self.request.GET.get("alt") and old is None) or (
            self.request.GET.get("neu") and new is None
        ):
            raise Http404
        if old is None and new is None and len(versions) >= 2:
            new, old = versions[0], versions[1]
        if old and new:
            if old.number > new.number:
                old, new = new, old
            ctx["result"] = selectors.compare_versions(old, new)
        ctx["breadcrumbs"] = concept_breadcrumbs(concept, (self.title, None))
        return ctx


# --- versions -----------------------------------------------------------------------


class VersionDetailView(VersionScopedMixin, ScopedDetailView):
    model = ConceptVersion
    queryset_shape = "for_document"
    template_name = "mediaplans/version_detail.html"

    def get_title(self):
        return _("%(school)s – version %(n)s") % {
            "school": self.object.concept.school.name,
            "n": self.object.number,
        }

    def get_breadcrumbs(self):
        return concept_breadcrumbs(
            self.object.concept, (_("Version %s") % self.object.number, None)
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        v = self.object
        goals = list(v.goals.all())
        needs = list(v.needs.all())
        training = list(v.training_entries.all())
        counts = {"goals": len(goals), "training": len(training), "needs": len(needs)}
        ctx.update(
            {
                "version": v,
                "concept": v.concept,
                "school": v.concept.school,
                "can_edit": permissions.can_edit_version(access, v),
                "can_write": permissions.can_write(access, v),
                "can_comment": permissions.can_comment(access, v),
                "sections": selectors.section_states(v, counts),
                "progress": selectors.progress(v, counts),
                "development_goals": selectors.development_goal_states(v),
                "problems": selectors.adoption_problems(v) if not v.is_frozen else [],
                "state": selectors.current_state_for_version(v),
                "goals": goals,
                "matrix": selectors.competence_matrix(v, goals),
                "training": training,
                "needs": needs,
                "needs_total": selectors.needs_total(needs),
                "needs_without_goal": sum(1 for n in needs if not n.goals.all()),
                "targets": sorted(workflow.allowed_targets(v)),
                "comments": list(v.comments.select_related("author")),
                "transitions": selectors.version_transitions(v),
                "comment_form": CommentForm(),
                "history": history_entries(v, limit=10),
            }
        )
        return ctx


class VersionEditMixin:
    """Pages that change an open version: 404 invisible, 403 read-only, frozen → message."""

    version_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        self.version = visible_or_404(request, ConceptVersion, pk=kwargs[self.version_kwarg])
        if not permissions.can_write(request.access, self.version):
            raise PermissionDenied
        if self.version.is_frozen:
            messages.error(
                request,
                gettext("Version %(n)s (%(status)s) is frozen. Start a new version to change it.")
                % {"n": self.version.number, "status": self.version.get_status_display()},
            )
            return HttpResponseRedirect(self.version.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return concept_breadcrumbs(
            self.version.concept,
            (_("Version %s") % self.version.number, self.version.get_absolute_url()),
            (self.get_title(), None),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["version"] = self.version
        ctx["parent"] = self.version
        return ctx


class SectionEditView(VersionEditMixin, PageMixin, ServiceFormMixin, FormView):
    form_class = SectionForm
    template_name = "mediaplans/section_form.html"
    success_message = _("Section saved.")

    def dispatch(self, request, *args, **kwargs):
        self.section = SECTION_BY_KEY.get(kwargs["key"])
        if self.section is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return f"{self.section.number}. {self.section.title}"

    def get_initial(self):
        return {
            "text": self.version.section_text(self.section.key),
            "edit_version": self.version.version,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["label"] = _("Text of section %s") % self.section.number
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["section"] = self.section
        if self.section.key == "current_state":
            ctx["state"] = selectors.current_state(self.version.concept.school)
        return ctx

    def current_values(self, current):
        return {"text": current.section_text(self.section.key)}

    def perform(self, form):
        return services.version_update_section(
            actor=self.request.user,
            version=self.version,
            key=self.section.key,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data.get("edit_version"),
        )

    def get_success_url(self):
        return self.version.get_absolute_url() + f"#section-{self.section.key}"


class DevelopmentGoalsView(VersionEditMixin, PageMixin, ServiceFormMixin, FormView):
    form_class = DevelopmentGoalsForm
    template_name = "core/form.html"
    title = _("Development goals (short form)")
    success_message = _("Development goals saved.")

    def get_initial(self):
        goals = selectors.development_goal_states(self.version)
        return {
            "goal_1": goals[0],
            "goal_2": goals[1],
            "goal_3": goals[2],
            "edit_version": self.version.version,
        }

    def current_values(self, current):
        goals = selectors.development_goal_states(current)
        return {"goal_1": goals[0], "goal_2": goals[1], "goal_3": goals[2]}

    def perform(self, form):
        d = form.cleaned_data
        return services.version_update_development_goals(
            actor=self.request.user,
            version=self.version,
            goals=[d["goal_1"], d["goal_2"], d["goal_3"]],
            expected_version=d.get("edit_version"),
        )


class AdoptView(VersionEditMixin, PageMixin, ServiceFormMixin, FormView):
    form_class = AdoptForm
    template_name = "mediaplans/adopt_form.html"
    title = _("Record the adoption")
    success_message = _("The version has been adopted and is now frozen.")

    def get_initial(self):
        return {"adopted_on": timezone.localdate(), "adopted_by_body": "gesamtkonferenz"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problems"] = selectors.adoption_problems(self.version)
        ctx["confirm_question"] = _("Record the adoption? The version is then frozen.")
        ctx["confirm_label"] = _("Record adoption")
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        return workflow.version_transition(
            actor=self.request.user,
            access=self.request.access,
            version=self.version,
            to_status=ConceptStatus.ADOPTED,
            note=d["note"],
            adopted_on=d["adopted_on"],
            adopted_by_body=d["adopted_by_body"],
        )


class TransitionView(View):
    """POST: draft ⇄ in consultation (adoption has its own form)."""

    def post(self, request, pk):
        version = visible_or_404(request, ConceptVersion, pk=pk)
        if not permissions.can_write(request.access, version):
            raise PermissionDenied
        target = request.POST.get("to", "")
        if target == ConceptStatus.ADOPTED:
            return HttpResponseRedirect(reverse("mediaplans:version-adopt", args=[pk]))
        try:
            with transaction.atomic():
                version = workflow.version_transition(
                    actor=request.user,
                    access=request.access,
                    version=version,
                    to_status=target,
                    note=request.POST.get("note", "")[:500],
                )
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(
                request, gettext("Status changed to “%s”.") % version.get_status_display()
            )
        return HttpResponseRedirect(version.get_absolute_url())


class GrowView(View):
    """POST: grow a short form into a full concept."""

    def post(self, request, pk):
        version = visible_or_404(request, ConceptVersion, pk=pk)
        if not permissions.can_write(request.access, version):
            raise PermissionDenied
        try:
            with transaction.atomic():
                result = services.version_grow_to_full(actor=request.user, version=version)
                recheck_tenancy(request.access, result)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return HttpResponseRedirect(version.get_absolute_url())
        messages.success(request, gettext("The concept now has all ten sections."))
        return HttpResponseRedirect(result.get_absolute_url())


class CommentView(View):
    def post(self, request, pk):
        version = visible_or_404(request, ConceptVersion, pk=pk)
        if not permissions.can_comment(request.access, version):
            raise PermissionDenied
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Please write a comment."))
        else:
            services.comment_add(
                actor=request.user, version=version, text=form.cleaned_data["text"]
            )
            messages.success(request, gettext("Comment added."))
        return HttpResponseRedirect(version.get_absolute_url() + "#comments")


def version_pdf(request, pk):
    version = visible_or_404(request, ConceptVersion, shape="for_document", pk=pk)
    school = version.concept.school
    return pdf_response(
        concept_pdf(version), f"medienbildungskonzept-{school.school_number}-v{version.number}.pdf"
    )


# --- rows of a version ----------------------------------------------------------------


class RowCreateView(VersionEditMixin, PageMixin, ServiceFormMixin, FormView):
    template_name = "core/form.html"
    service = None

    def perform(self, form):
        return type(self).service(
            actor=self.request.user, version=self.version, data=form.cleaned_data
        )

    def get_success_url(self):
        return self.version.get_absolute_url() + self.anchor


class RowUpdateView(VersionScopedMixin, ScopedUpdateView):
    """Edit a row of an open version; rows of frozen versions are refused with a message."""

    anchor = ""

    def dispatch(self, request, *args, **kwargs):
        obj = visible_or_404(request, self.model, pk=kwargs["pk"])
        if permissions.can_write(request.access, obj) and obj.version.is_frozen:
            messages.error(
                request,
                gettext("This version is adopted and frozen. Start a new version to change it."),
            )
            return HttpResponseRedirect(obj.version.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        v = self.object.version
        return concept_breadcrumbs(
            v.concept, (_("Version %s") % v.number, v.get_absolute_url()), (self.get_title(), None)
        )

    def get_success_url(self):
        return self.object.version.get_absolute_url() + self.anchor


class RowDeleteView(View):
    model = None
    service = None
    kwarg = ""

    def post(self, request, pk):
        obj = visible_or_404(request, self.model, pk=pk)
        if not permissions.can_write(request.access, obj):
            raise PermissionDenied
        version = obj.version
        try:
            with transaction.atomic():
                type(self).service(actor=request.user, **{self.kwarg: obj})
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, gettext("Deleted."))
        return HttpResponseRedirect(version.get_absolute_url())


class GoalCreateView(RowCreateView):
    form_class = GoalForm
    title = _("New competence goal")
    service = services.goal_create
    anchor = "#section-competences"


class GoalUpdateView(RowUpdateView):
    model = CompetenceGoal
    form_class = GoalForm
    anchor = "#section-competences"

    def perform(self, form):
        return services.goal_update(
            actor=self.request.user, goal=self.object, data=form.cleaned_data
        )


class GoalDeleteView(RowDeleteView):
    model = CompetenceGoal
    service = services.goal_delete
    kwarg = "goal"


class TrainingCreateView(RowCreateView):
    form_class = TrainingForm
    title = _("New training")
    service = services.training_create
    anchor = "#section-training"


class TrainingUpdateView(RowUpdateView):
    model = TrainingEntry
    form_class = TrainingForm
    anchor = "#section-training"

    def perform(self, form):
        return services.training_update(
            actor=self.request.user, entry=self.object, data=form.cleaned_data
        )


class TrainingDeleteView(RowDeleteView):
    model = TrainingEntry
    service = services.training_delete
    kwarg = "entry"


class NeedCreateView(RowCreateView):
    form_class = NeedForm
    title = _("New equipment need")
    service = services.need_create
    anchor = "#section-equipment"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(version=self.version, access=self.request.access)
        return kwargs


class NeedUpdateView(RowUpdateView):
    model = EquipmentNeed
    form_class = NeedForm
    anchor = "#section-equipment"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(version=self.object.version, access=self.request.access)
        return kwargs

    def perform(self, form):
        return services.need_update(
            actor=self.request.user, need=self.object, data=form.cleaned_data
        )


class NeedDeleteView(RowDeleteView):
    model = EquipmentNeed
    service = services.need_delete
    kwarg = "need"


# --- board overview -----------------------------------------------------------------


def _csv_safe(value) -> str:
    """Spreadsheet formula injection: cells starting with = + - @ are quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class BoardOverviewView(PageMixin, TemplateView):
    template_name = "mediaplans/board_overview.html"
    title = _("Media concepts: board overview")

    def get_breadcrumbs(self):
        return concept_breadcrumbs(None, (self.title, None))

    def get(self, request, *args, **kwargs):
        rows = selectors.board_overview(request.access)
        if request.GET.get("format") == "csv":
            return self.csv_response(rows)
        return self.render_to_response(self.get_context_data(rows=rows))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = kwargs["rows"]
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["state"]] = counts.get(row["state"], 0) + 1
        ctx["summary"] = [
            (selectors.OVERVIEW_STATE_LABELS[k], counts.get(k, 0))
            for k in selectors.OVERVIEW_STATE_LABELS
            if counts.get(k)
        ]
        ctx["labels"] = selectors.OVERVIEW_STATE_LABELS
        ctx["review_years"] = selectors.review_after_years()
        return ctx

    def csv_response(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            [
                "Schulträger",
                "Schulnummer",
                "Schule",
                "Stand",
                "Beschlossene Fassung",
                "Beschlossen am",
                "Gremium",
                "Alter (Monate)",
                "Fassung in Arbeit",
                "Status in Arbeit",
                "Fortschritt %",
            ]
        )
        for r in rows:
            adopted, open_v = r["adopted"], r["open"]
            writer.writerow(
                [
                    _csv_safe(x)
                    for x in [
                        r["board"].name,
                        r["school"].school_number,
                        r["school"].name,
                        selectors.OVERVIEW_STATE_LABELS[r["state"]],
                        adopted.number if adopted else "",
                        format_date(adopted.adopted_on) if adopted else "",
                        adopted.get_adopted_by_body_display() if adopted else "",
                        r["age_months"] if r["age_months"] is not None else "",
                        open_v.number if open_v else "",
                        open_v.get_status_display() if open_v else "",
                        r["open_progress"] if open_v else "",
                    ]
                ]
            )
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localdate().strftime("%Y-%m-%d")
        response["Content-Disposition"] = (
            f'attachment; filename="medienbildungskonzepte-uebersicht-{stamp}.csv"'
        )
        return response


def concept_for_school(request, school_pk):
    """/medienbildung/schule/<id>/: the school's concept, or the start page for one."""
    school = get_object_or_404(
        permissions.restrict_schools(request.access, School.objects.all()), pk=school_pk
    )
    concept = MediaConcept.objects.filter(school=school).first()
    if concept is not None:
        return HttpResponseRedirect(concept.get_absolute_url())
    return HttpResponseRedirect(reverse("mediaplans:concept-create") + f"?school={school.pk}")
