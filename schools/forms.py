from django import forms

from core.forms import DateInput, KernWidgetsMixin

from .models import Room, School, SchoolBoard, Site


class BoardForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = SchoolBoard
        fields = [
            "name",
            "kind",
            "official_key",
            "street",
            "postal_code",
            "city",
            "email",
            "phone",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class SchoolForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "school_number",
            "name",
            "school_type",
            "street",
            "postal_code",
            "city",
            "pupils",
            "teachers",
            "classes",
            "counts_date",
            "head_teacher",
            "email",
            "phone",
        ]
        widgets = {"counts_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("pupils", "teachers", "classes"):
            self.fields[name].widget.attrs["min"] = 0
        if self.instance and self.instance.land_id:
            land = self.instance.land
            self.fields["school_number"].help_text = land.school_number_hint


class SiteForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "street", "postal_code", "city", "is_main"]


class RoomForm(KernWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Room
        fields = [
            "name",
            "kind",
            "building",
            "floor",
            "seats",
            "has_lan",
            "has_wlan",
            "has_display",
        ]
