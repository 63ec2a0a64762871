"""Form rendering in KERN style, and shared form helpers."""

from django import forms
from django.forms.renderers import TemplatesSetting

from core.services import edit_token


class KernFormRenderer(TemplatesSetting):
    """Every form renders its fields with KERN markup (label, hint, error, input)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def apply_kern_classes(form: forms.BaseForm) -> None:
    """Give every widget its KERN class and link hint and error texts by ARIA."""
    for name, field in form.fields.items():
        widget = field.widget
        css = widget.attrs.get("class", "")
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            kern = "kern-form-check__checkbox"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            kern = "kern-form-input__select"
        else:
            kern = "kern-form-input__input"
        if kern not in css:
            widget.attrs["class"] = f"{css} {kern}".strip()
        described = []
        if field.help_text:
            described.append(f"id_{form.add_prefix(name)}_helptext")
        errors = form._errors  # never trigger validation from here (e.g. during __init__)
        if errors and name in errors:
            described.append(f"id_{form.add_prefix(name)}_error")
            widget.attrs["aria-invalid"] = "true"
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)


class KernWidgetsMixin:
    """Adds KERN classes to widgets and ARIA links to hint and error texts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_kern_classes(self)

    def full_clean(self):
        super().full_clean()
        apply_kern_classes(self)  # mark fields that now have errors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


#: the hidden field every edit form carries (optimistic locking, see core.views)
VERSION_FIELD = "edit_version"


def add_version_field(form: forms.BaseForm, obj) -> None:
    """Give an edit form the hidden version of the row it edits (unless it has one)."""
    if VERSION_FIELD not in form.fields:
        form.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
    if not form.is_bound or VERSION_FIELD not in form.data:
        form.initial[VERSION_FIELD] = edit_token(obj)


def submitted_version(form: forms.BaseForm):
    """The version the user edited, as the form sent it (None: no check)."""
    if hasattr(form, "cleaned_data") and VERSION_FIELD in form.cleaned_data:
        return form.cleaned_data[VERSION_FIELD]
    return form.data.get(form.add_prefix(VERSION_FIELD)) if form.is_bound else None
