"""Programmes and rule sets, budgets, the Warenkorb (framework contracts)."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from core.context import board_for_create
from core.views import Column, PageMixin, ScopedListView

from .. import permissions, selectors, services
from ..filters import BudgetFilter, CatalogueFilter
from ..forms import (
    BudgetComputeForm,
    BudgetManualForm,
    BudgetShareForm,
    CatalogueImportForm,
    RuleSetPublishForm,
)
from ..models import Budget, CatalogueItem, Programme, RuleSet
from .base import FundingFormView, FundingServiceFormView


# ------------------------------------------------------------------ programmes
class ProgrammeListView(PageMixin, ListView):
    template_name = "funding/programme_list.html"
    context_object_name = "programmes"
    title = _("Programmes")

    def get_queryset(self):
        return Programme.objects.for_list()


class ProgrammeDetailView(PageMixin, DetailView):
    template_name = "funding/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return Programme.objects.for_detail()

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [(_("Programmes"), reverse("funding:programme-list")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **selectors.programme_page(self.object),
            can_publish=permissions.can_publish_ruleset(
                self.request.access, RuleSet(programme=self.object)
            ),
            **kwargs,
        )


class RuleSetCompareView(PageMixin, TemplateView):
    """Any two versions of a programme's rules side by side, changed parameters marked."""

    template_name = "funding/ruleset_compare.html"

    def get_title(self):
        return _("Compare rule-set versions: %(p)s") % {"p": self.programme.name}

    def get_breadcrumbs(self):
        return [
            (_("Programmes"), reverse("funding:programme-list")),
            (self.programme.name, self.programme.get_absolute_url()),
            (_("Compare versions"), None),
        ]

    def get(self, request, *args, **kwargs):
        self.programme = get_object_or_404(Programme, pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        versions = list(self.programme.rulesets.order_by("number"))
        by_id = {str(v.pk): v for v in versions}
        a = by_id.get(self.request.GET.get("a", ""))
        b = by_id.get(self.request.GET.get("b", ""))
        if a is None and b is None and len(versions) >= 2:
            a, b = versions[-2], versions[-1]
        ctx.update(programme=self.programme, versions=versions, a=a, b=b)
        ctx["rows"] = selectors.ruleset_comparison(a, b) if a and b else []
        return ctx


class RuleSetPublishView(FundingServiceFormView):
    """Publish a draft rule-set version (ministry or programme administrator)."""

    form_class = RuleSetPublishForm
    submit_label = _("Publish")
    success_message = _("Rule-set version published.")

    def dispatch(self, request, *args, **kwargs):
        self.ruleset = get_object_or_404(
            RuleSet.objects.select_related("programme"), pk=kwargs["pk"]
        )
        if not permissions.can_publish_ruleset(request.access, self.ruleset):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("Publish version %(n)s of %(p)s") % {
            "n": self.ruleset.number,
            "p": self.ruleset.programme.name,
        }

    def get_initial(self):
        return {
            "effective_from": self.ruleset.valid_from or timezone.localdate(),
            "applies_to_submitted": self.ruleset.applies_to_submitted,
        }

    def get_back_url(self):
        return self.ruleset.programme.get_absolute_url()

    def perform(self, form):
        return services.ruleset_publish(
            actor=self.request.user,
            access=self.request.access,
            ruleset=self.ruleset,
            effective_from=form.cleaned_data["effective_from"],
            applies_to_submitted=form.cleaned_data["applies_to_submitted"],
        )


# ------------------------------------------------------------------ budgets
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


class BudgetDetailView(FundingFormView):
    """A budget with its figures and pupil counts; the board splits it across schools."""

    model = Budget
    form_class = BudgetShareForm
    template_name = "funding/budget_detail.html"

    @cached_property
    def can_edit(self) -> bool:
        return permissions.is_board_editor(self.request.access, self.object)

    def has_permission(self, obj):
        return self.request.method != "POST" or self.can_edit

    def get_title(self):
        return str(self.object)

    def get_breadcrumbs(self):
        return [(_("Budgets"), reverse("funding:budget-list")), (str(self.object), None)]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "access": self.request.access, "budget": self.object}

    def get_context_data(self, **kwargs):
        budget = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["budget"] = budget
        ctx["status"] = selectors.budget_status(budget)
        ctx["shares"] = self.request.access.restrict(budget.shares.select_related("school"))
        ctx["pupil_counts"] = selectors.budget_pupil_counts(budget)
        if not self.can_edit:
            ctx["form"] = None
        return ctx

    def get_success_url(self):
        return self.request.path

    def perform(self, form):
        return services.budget_share_set(
            actor=self.request.user, budget=self.object, **form.cleaned_data
        )


class BoardBudgetFormView(FundingServiceFormView):
    """A budget for the user's current board (never a board named in the form)."""

    def dispatch(self, request, *args, **kwargs):
        self.board = board_for_create(request)
        return super().dispatch(request, *args, **kwargs)

    def get_back_url(self):
        return reverse("funding:budget-list")

    def get_success_url(self):
        return self.outcome.get_absolute_url()


class BudgetComputeView(BoardBudgetFormView):
    form_class = BudgetComputeForm
    submit_label = _("Compute")
    success_message = _("Budget computed from the programme's formula.")

    def get_title(self):
        return _("Compute budget for %(b)s") % {"b": self.board.name}

    def perform(self, form):
        return services.budget_compute(
            actor=self.request.user, board=self.board, programme=form.cleaned_data["programme"]
        )


class BudgetManualView(BoardBudgetFormView):
    form_class = BudgetManualForm

    def get_title(self):
        return _("Set budget by hand for %(b)s") % {"b": self.board.name}

    def perform(self, form):
        return services.budget_set_manual(
            actor=self.request.user, board=self.board, **form.cleaned_data
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


class CatalogueImportView(FundingServiceFormView):
    """Staff import the Warenkorb from a CSV or XLSX file."""

    form_class = CatalogueImportForm
    title = _("Import Warenkorb")
    submit_label = _("Import")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        rows = read_table(form.cleaned_data["file"])
        return services.catalogue_import(actor=self.request.user, rows=rows)

    def get_success_message(self):
        created, updated = self.outcome
        return _("%(c)s items created, %(u)s updated.") % {"c": created, "u": updated}

    def get_back_url(self):
        return reverse("funding:catalogue-list")
