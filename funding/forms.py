"""Forms for funding pages: validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, KernWidgetsMixin
from schools.models import School, Site

from .choices import DecisionKind, FundingCategory, ProofStatus
from .models import (
    Application,
    ApplicationSchool,
    CatalogueItem,
    ChangeRequestLine,
    CostLine,
    Invoice,
    Programme,
)

TEXT = {"rows": 3}


class VersionFormMixin(forms.Form):
    """The edit version the user started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApplicationCreateForm(KernWidgetsMixin, forms.ModelForm):
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The TPEK is drafted from each school's adopted media concept."),
    )

    class Meta:
        model = Application
        fields = ["programme", "title", "planned_start", "planned_end"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}

    def __init__(self, *args, access, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True).filter(
            land__in=[board.land_id]
        ) | Programme.objects.filter(is_active=True, land__isnull=True)
        self.fields["schools"].queryset = access.restrict(School.objects.filter(school_board=board))
        self.fields["schools"].widget.attrs.pop("class", None)


class ApplicationForm(KernWidgetsMixin, VersionFormMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "title",
            "planned_start",
            "planned_end",
            "operator",
            "support_scope",
            "mdm",
            "update_policy",
            "response_times",
            "operation_financing",
            "decl_procurement",
            "decl_no_double_funding",
            "decl_operation_secured",
            "place",
            "signatory",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "support_scope": forms.Textarea(attrs=TEXT),
            "mdm": forms.Textarea(attrs=TEXT),
            "update_policy": forms.Textarea(attrs=TEXT),
            "operation_financing": forms.Textarea(attrs=TEXT),
        }


class CostLineForm(KernWidgetsMixin, VersionFormMixin, forms.ModelForm):
    class Meta:
        model = CostLine
        fields = [
            "school",
            "catalogue_item",
            "category",
            "description",
            "quantity",
            "unit_price_net",
            "vat_rate",
            "procurement_route",
            "planned_start",
            "planned_end",
            "need",
            "justification",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "justification": forms.Textarea(attrs=TEXT),
        }
        help_texts = {
            "catalogue_item": _(
                "Picking an item fills in category, description, price and VAT if left empty."
            ),
            "unit_price_net": _("EUR, at most two decimals"),
            "need": _("The media-concept need this line serves (justification)."),
        }

    def __init__(self, *args, access, application, **kwargs):
        super().__init__(*args, **kwargs)
        board = application.school_board
        self.fields["school"].queryset = access.restrict(School.objects.filter(school_board=board))
        self.fields["catalogue_item"].queryset = CatalogueItem.objects.for_land(board.land_id)
        need_field = self.fields["need"]
        try:
            Need = apps.get_model("mediaplans", "EquipmentNeed")
            need_field.queryset = access.restrict(
                Need.objects.filter(school__school_board=board)
            ).select_related("school")
            need_field.label_from_instance = lambda n: f"{n.school.name}: {n.description}"
        except LookupError:
            del self.fields["need"]
        for name in ("category", "description", "unit_price_net"):
            self.fields[name].required = False
        self.fields["quantity"].widget.attrs["min"] = "0.01"
        self.fields["unit_price_net"].widget.attrs["min"] = "0"

    def clean(self):
        data = super().clean()
        if not data.get("catalogue_item"):
            for name in ("category", "description", "unit_price_net"):
                if data.get(name) in (None, ""):
                    self.add_error(
                        name, _("This field is required unless a Warenkorb item is picked.")
                    )
        return data


class TpekForm(KernWidgetsMixin, VersionFormMixin, forms.ModelForm):
    class Meta:
        model = ApplicationSchool
        fields = [
            "site",
            "current_equipment",
            "planned_equipment",
            "pedagogical_reason",
            "competence_areas",
            "training_plan",
            "infrastructure_current",
            "infrastructure_planned",
        ]
        widgets = {f: forms.Textarea(attrs=TEXT) for f in fields[1:]}

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = access.restrict(
            Site.objects.filter(school_id=self.instance.school_id)
        )


class ReportForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = ApplicationSchool
        fields = [
            "report_measures",
            "report_deviations",
            "report_use",
            "report_training",
            "report_operation",
        ]
        widgets = {f: forms.Textarea(attrs=TEXT) for f in fields}


class DeadlineForm(KernWidgetsMixin, forms.Form):
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())


class RequestChangesForm(KernWidgetsMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is missing or must change"), widget=forms.Textarea(attrs=TEXT)
    )
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())


class ForwardForm(KernWidgetsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Result of the content check"), required=False, widget=forms.Textarea(attrs=TEXT)
    )


class CommentForm(KernWidgetsMixin, forms.Form):
    text = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs=TEXT))
    cost_line = forms.ModelChoiceField(
        label=_("position"), queryset=CostLine.objects.none(), required=False
    )

    def __init__(self, *args, application=None, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            self.fields["cost_line"].queryset = CostLine.objects.filter(application=application)


class DecisionForm(KernWidgetsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("decision"),
        widget=forms.RadioSelect,
        choices=[
            (DecisionKind.FULL, DecisionKind.FULL.label),
            (DecisionKind.PARTIAL, DecisionKind.PARTIAL.label),
            (DecisionKind.REJECTION, DecisionKind.REJECTION.label),
        ],
    )
    date = forms.DateField(label=_("decision date"), widget=DateInput())
    period_start = forms.DateField(
        label=_("approval period from"), widget=DateInput(), required=False
    )
    period_end = forms.DateField(
        label=_("approval period until"), widget=DateInput(), required=False
    )
    conditions = forms.CharField(
        label=_("conditions"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, lines=(), amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in lines:
            name = f"amount_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("Pos. %(pos)s approved (gross)") % {"pos": line.position},
                max_digits=14,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                initial=(amounts or {}).get(line.ref),
            )
            self.line_fields.append((line, name))

    def line_amounts(self) -> dict[int, Decimal]:
        return {
            line.pk: self.cleaned_data[name]
            for line, name in self.line_fields
            if self.cleaned_data.get(name) is not None
        }


class ChangeRequestForm(KernWidgetsMixin, forms.Form):
    reason = forms.CharField(
        label=_("what changes and why"),
        widget=forms.Textarea(attrs=TEXT),
        help_text=_(
            "The amended cost plan starts as a copy of the current lines; change, remove "
            "or add lines next. The grant is computed from the amended lines."
        ),
    )


class ChangeLineForm(CostLineForm):
    """A line of the amended cost plan: the same fields and rules as the original plan."""

    class Meta(CostLineForm.Meta):
        model = ChangeRequestLine

    def __init__(self, *args, access, application, **kwargs):
        super().__init__(*args, access=access, application=application, **kwargs)
        self.fields["school"].queryset = self.fields["school"].queryset.filter(
            pk__in=ApplicationSchool.objects.filter(application=application).values("school_id")
        )


class InvoiceJustificationForm(KernWidgetsMixin, forms.Form):
    justification = forms.CharField(
        label=_("justification of the excess"), widget=forms.Textarea(attrs=TEXT)
    )


class RuleSetPublishForm(KernWidgetsMixin, forms.Form):
    effective_from = forms.DateField(
        label=_("takes effect on"),
        widget=DateInput(),
        help_text=_("Today or later; open drafts switch to this version on that day."),
    )
    applies_to_submitted = forms.BooleanField(
        label=_("applies to submitted applications too"),
        required=False,
        help_text=_(
            "E.g. a deadline extension: applications submitted and not yet decided switch too."
        ),
    )


class ChangeDecisionForm(KernWidgetsMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("approve (amended decision)")), ("no", _("reject"))],
    )
    date = forms.DateField(label=_("decision date"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs=TEXT))


class InvoiceForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Invoice
        fields = ["cost_line", "number", "date", "supplier", "amount", "paid_on", "justification"]
        widgets = {
            "date": DateInput(),
            "paid_on": DateInput(),
            "justification": forms.Textarea(attrs=TEXT),
        }
        help_texts = {
            "justification": _(
                "Needed when the line's invoices exceed its approved amount beyond the plan "
                "tolerance."
            )
        }

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.application = application
        self.instance.school_board_id = application.school_board_id
        self.fields["cost_line"].queryset = CostLine.objects.filter(
            application=application
        ).select_related("school")


class PayoutCreateForm(KernWidgetsMixin, forms.Form):
    invoices = forms.ModelMultipleChoiceField(
        label=_("Invoices"), queryset=Invoice.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].queryset = Invoice.objects.filter(
            application=application, payout__isnull=True
        ).select_related("cost_line")
        self.fields["invoices"].widget.attrs.pop("class", None)


class ProofForm(KernWidgetsMixin, VersionFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class ProofCheckForm(KernWidgetsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("result"),
        widget=forms.RadioSelect,
        choices=[
            (ProofStatus.CLOSED, _("checked without objection – close")),
            (ProofStatus.REPAYMENT, _("repayment")),
        ],
    )
    repayment_amount = forms.DecimalField(
        label=_("repayment"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    note = forms.CharField(
        label=_("result of the check"), required=False, widget=forms.Textarea(attrs=TEXT)
    )


class BudgetManualForm(KernWidgetsMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("Förderprogramm"), queryset=Programme.objects.all())
    amount = forms.DecimalField(
        label=_("budget"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    reason = forms.CharField(label=_("reason"), max_length=500)


class BudgetComputeForm(KernWidgetsMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("Förderprogramm"), queryset=Programme.objects.all())


class BudgetShareForm(KernWidgetsMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    amount = forms.DecimalField(
        label=_("planned share"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )

    def __init__(self, *args, access, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = access.restrict(
            School.objects.filter(school_board_id=budget.school_board_id)
        )


class CatalogueImportForm(KernWidgetsMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: contract_reference, item_number, name, category, unit_price_net, vat_rate"
        ),
    )


CATEGORY_CHOICES = FundingCategory.choices


class FindingOverrideForm(KernWidgetsMixin, forms.Form):
    """A reviewer overrides one finding (rule code and line) with a reason."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    line_ref = forms.CharField(widget=forms.HiddenInput, max_length=30, required=False)
    reason = forms.CharField(
        label=_("Reason for the override"), max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )
