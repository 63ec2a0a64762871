"""Form rendering in KERN style, and shared form helpers."""

from django import forms
from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    """Every form renders its fields with KERN markup (label, hint, error, input)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class KernWidgetsMixin:
    """Adds KERN classes to widgets and ARIA links to hint and error texts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = widget.attrs.get("class", "")
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs["class"] = f"{css} kern-form-check__checkbox".strip()
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs["class"] = f"{css} kern-form-input__select".strip()
            else:
                widget.attrs["class"] = f"{css} kern-form-input__input".strip()
            described = []
            if field.help_text:
                described.append(f"id_{self.add_prefix(name)}_helptext")
            if self.is_bound and name in self.errors:
                described.append(f"id_{self.add_prefix(name)}_error")
                widget.attrs["aria-invalid"] = "true"
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)
