from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, KernWidgetsMixin

from .choices import Role
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
            "deliveries_to_stock",
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


class InvitationForm(KernWidgetsMixin, forms.Form):
    """Invite a person by e-mail to a role for this board or one of its schools."""

    email = forms.EmailField(
        label=_("e-mail"),
        help_text=_("The person receives a link and accepts with their own account."),
    )
    role = forms.ChoiceField(
        label=_("role"),
        choices=[
            (Role.BOARD_ADMIN, Role.BOARD_ADMIN.label),
            (Role.BOARD_STAFF, Role.BOARD_STAFF.label),
            (Role.CONSULTANT, Role.CONSULTANT.label),
            (Role.SCHOOL_STAFF, Role.SCHOOL_STAFF.label),
        ],
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("only for the role “School”"),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(school_board=board)


class InvitationAccountForm(KernWidgetsMixin, forms.Form):
    """Create an account from an invitation link."""

    username = forms.CharField(
        label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()]
    )
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Repeat password"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
