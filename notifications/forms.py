"""Forms of the notifications pages: the inbox filter and the preferences."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import KernWidgetsMixin, apply_kern_classes

from .choices import Delivery, Kind


class InboxFilterForm(KernWidgetsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("all kinds"))] + list(Kind.choices)
    )
    state = forms.ChoiceField(
        label=_("read state"),
        required=False,
        choices=[("", _("all")), ("unread", _("unread")), ("read", _("read"))],
    )


class PreferencesForm(KernWidgetsMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, deliveries: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label, choices=Delivery.choices, initial=deliveries.get(kind)
            )
        apply_kern_classes(self)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "deliveries": {k: data[f"kind_{k}"] for k in Kind.values},
        }
