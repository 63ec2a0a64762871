import django_filters as filters
from django.utils.translation import gettext_lazy as _

from .models import ImportKind, ImportRun, ImportStatus


class ImportRunFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(label=_("kind"), choices=ImportKind.choices)
    status = filters.ChoiceFilter(label=_("status"), choices=ImportStatus.choices)

    class Meta:
        model = ImportRun
        fields = ["kind", "status"]


class MdmFilter(filters.FilterSet):
    from .models import MdmSource

    source = filters.ChoiceFilter(label=_("MDM"), choices=MdmSource.choices)

    class Meta:
        from .models import MdmReconciliation

        model = MdmReconciliation
        fields = ["source"]
