"""Forms for concepts: thin; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, KernWidgetsMixin
from schools.models import Room

from .choices import AdoptionBody, ConceptForm, FundingCategory
from .models import CompetenceArea, CompetenceGoal, EquipmentNeed, TrainingEntry
from .services import TEXT_HINT

_GOAL_HELP = _("One development goal (Entwicklungsziel) in one or two sentences.")


class ConceptCreateForm(KernWidgetsMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    form = forms.ChoiceField(
        label=_("Start with"), choices=ConceptForm.choices, initial=ConceptForm.FULL
    )
    goal_1 = forms.CharField(
        label=_("Development goal 1"), required=False, max_length=1000, help_text=_GOAL_HELP
    )
    goal_2 = forms.CharField(label=_("Development goal 2"), required=False, max_length=1000)
    goal_3 = forms.CharField(label=_("Development goal 3"), required=False, max_length=1000)

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class SectionForm(KernWidgetsMixin, forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=TEXT_HINT,
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class DevelopmentGoalsForm(KernWidgetsMixin, forms.Form):
    goal_1 = forms.CharField(
        label=_("Development goal 1"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_GOAL_HELP,
    )
    goal_2 = forms.CharField(
        label=_("Development goal 2"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goal_3 = forms.CharField(
        label=_("Development goal 3"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdoptForm(KernWidgetsMixin, forms.Form):
    adopted_on = forms.DateField(label=_("Date of the resolution"), widget=DateInput())
    adopted_by_body = forms.ChoiceField(
        label=_("Adopted by"), choices=[("", "—")] + list(AdoptionBody.choices)
    )
    note = forms.CharField(label=_("Note (e.g. resolution number)"), required=False, max_length=300)


class CommentForm(KernWidgetsMixin, forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoalForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = CompetenceGoal
        fields = ["area", "title", "subject", "year_from", "year_to", "measure"]
        widgets = {"measure": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = CompetenceArea.objects.all()
        self.fields["area"].error_messages["required"] = _(
            "Choose the competence area this goal belongs to."
        )
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 13})


class TrainingForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = TrainingEntry
        fields = [
            "topic",
            "target_group",
            "teachers",
            "period_start",
            "period_end",
            "provider",
            "status",
            "areas",
        ]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = CompetenceArea.objects.all()
        self.fields["teachers"].widget.attrs["min"] = 1


class NeedForm(KernWidgetsMixin, forms.ModelForm):
    # declared here: the scoped managers refuse queries at import time
    rooms = forms.ModelMultipleChoiceField(
        label=_("rooms"), queryset=Room.objects.none(), required=False
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("goals served"), queryset=CompetenceGoal.objects.none(), required=False
    )

    class Meta:
        model = EquipmentNeed
        fields = [
            "category",
            "description",
            "quantity",
            "unit_price_estimate",
            "justification",
            "priority",
            "rooms",
            "year_from",
            "year_to",
            "goals",
        ]
        widgets = {"justification": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, version=None, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            c for c in self.fields["category"].choices if c[0] != FundingCategory.REGIONAL
        ]
        self.fields["quantity"].widget.attrs["min"] = 1
        self.fields["unit_price_estimate"].widget.attrs["min"] = 0
        self.fields["rooms"].queryset = access.restrict(
            Room.objects.filter(school_id=version.concept.school_id)
        ).order_by("name")
        self.fields["goals"].queryset = version.goals.select_related("area")
        self.fields["goals"].help_text = _(
            "A need should serve at least one goal of the "
            "concept; needs without a goal are flagged."
        )
