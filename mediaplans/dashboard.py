from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Card
from schools.models import School

from . import permissions
from .choices import ConceptStatus
from .models import ConceptVersion


def cards(access) -> list[Card]:
    # the same window as the concept pages (reviewers: schools in applications only)
    schools = permissions.restrict_schools(access, School.objects.all()).count()
    adopted = (
        permissions.restrict(access, ConceptVersion.objects.filter(status=ConceptStatus.ADOPTED))
        .values("concept__school")
        .distinct()
        .count()
    )
    return [
        Card(
            _("Adopted media concepts"),
            f"{adopted} / {schools}",
            reverse("mediaplans:board-overview"),
            _("schools with an adopted Medienbildungskonzept"),
            tone="success" if schools and adopted == schools else "warning",
        ),
    ]
