from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Card
from core.formatting import format_number

from .choices import OPEN_DEFECT_STATUSES, DeviceStatus
from .models import DefectReport, Device, Loan


def cards(access) -> list[Card]:
    devices = access.restrict(Device.objects.all()).aggregate(
        total=Count("id"),
        in_use=Count("id", filter=Q(status=DeviceStatus.IN_USE)),
        on_loan=Count("id", filter=Q(status=DeviceStatus.ON_LOAN)),
    )
    overdue = access.restrict(Loan.objects.overdue()).count()
    defects = access.restrict(DefectReport.objects.filter(status__in=OPEN_DEFECT_STATUSES)).count()
    device_url = reverse("devices:device-list")
    return [
        Card(
            _("Devices"),
            format_number(devices["total"]),
            device_url,
            _("%(in_use)s in use, %(on_loan)s on loan")
            % {
                "in_use": format_number(devices["in_use"]),
                "on_loan": format_number(devices["on_loan"]),
            },
        ),
        Card(
            _("Overdue loans"),
            format_number(overdue),
            reverse("devices:loan-list") + "?overdue=true",
            tone="warning" if overdue else "success",
        ),
        Card(
            _("Open defect reports"),
            format_number(defects),
            reverse("devices:defect-list"),
            tone="warning" if defects else "success",
        ),
    ]
