"""Upload, mapping and MDM forms (thin: the services do the work)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import KernWidgetsMixin

from .models import ImportKind, MdmSource


class UploadForm(KernWidgetsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What do you import?"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "CSV as Excel saves it (semicolon, UTF-8 or Windows-1252) or an XLSX "
            "workbook; header in row 1. At most %(mb)s MB."
        )
        % {"mb": settings.PAKTWERK.get("IMPORT_MAX_UPLOAD_BYTES", 0) // (1024 * 1024)},
    )


class MappingForm(KernWidgetsMixin, forms.Form):
    """One select per column of the file: which field it fills (or none)."""

    def __init__(self, *args, headers, kind, initial_mapping, samples, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– not imported –"))] + [
            (c.key, f"{c.header}{' *' if c.required else ''}") for c in kind.columns
        ]
        for index, header in enumerate(headers):
            sample = samples.get(index, "")
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(column %(n)s without header)") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(str(index), ""),
                help_text=(_("e.g. %(sample)s") % {"sample": sample}) if sample else "",
            )
        from core.forms import apply_kern_classes

        apply_kern_classes(self)

    def mapping(self) -> dict[str, str]:
        return {
            name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("col_")
        }


class MdmForm(KernWidgetsMixin, forms.Form):
    source = forms.ChoiceField(label=_("MDM system"), choices=MdmSource.choices)
    stale_days = forms.IntegerField(
        label=_("Not seen for more than (days)"), min_value=1, max_value=3650, initial=30
    )
    file = forms.FileField(label=_("Device export of the MDM (CSV or XLSX)"))
