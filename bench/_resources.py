"""django-import-export's resource for devices: the benchmark's "default import_data path"
baseline (bench/import_devices.py). Not product code: the product imports through
imports/pipeline/ (moved here from imports/resources.py, which nothing else used)."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from devices.models import Device
from schools.models import School


class BoardResourceMixin:
    """The board comes from the caller (context), never from the file."""

    def __init__(self, *, board=None, **kwargs):
        super().__init__(**kwargs)
        self.board = board

    def before_save_instance(self, instance, row, **kwargs):
        instance.school_board = self.board

    def get_queryset(self):
        return self._meta.model.objects.filter(school_board=self.board)


class DeviceResource(BoardResourceMixin, resources.ModelResource):
    school = fields.Field(
        attribute="school",
        column_name="Schulnummer",
        widget=ForeignKeyWidget(School, field="school_number"),
    )

    class Meta:
        model = Device
        import_id_fields = ["inventory_number"]
        fields = [
            "inventory_number",
            "serial_number",
            "category",
            "school",
            "status",
            "purchase_date",
            "price_gross",
            "warranty_end",
            "mdm_id",
            "notes",
        ]
        skip_unchanged = True
