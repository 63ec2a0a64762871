from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Card
from core.formatting import format_number

from .models import School


def cards(access) -> list[Card]:
    totals = access.restrict(School.objects.all()).aggregate(n=Count("id"), pupils=Sum("pupils"))
    return [
        Card(
            _("Schools"),
            format_number(totals["n"]),
            reverse("schools:school-list"),
            _("%(pupils)s pupils") % {"pupils": format_number(totals["pupils"] or 0)},
        ),
    ]
