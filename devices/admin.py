from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Accessory,
    DefectReport,
    Delivery,
    Device,
    DeviceModel,
    Loan,
    LoanReturn,
    PrivacyLog,
    Stocktake,
)


@admin.register(Device)
class DeviceAdmin(SimpleHistoryAdmin):
    list_display = ["inventory_number", "serial_number", "category", "status", "school"]
    list_filter = ["status", "category"]
    search_fields = ["inventory_number", "serial_number"]
    raw_id_fields = ["school", "room", "model"]
    readonly_fields = ["status"]


@admin.register(DeviceModel)
class DeviceModelAdmin(SimpleHistoryAdmin):
    list_display = ["manufacturer", "name", "category", "school_board"]


@admin.register(Loan)
class LoanAdmin(SimpleHistoryAdmin):
    list_display = ["contract_number", "school", "status", "start_date", "due_date"]
    list_filter = ["status", "borrower_kind"]
    raw_id_fields = ["school"]


for model in (
    Accessory,
    Delivery,
    LoanReturn,
    DefectReport,
    Stocktake,
    PrivacyLog,
):
    admin.site.register(model, SimpleHistoryAdmin)
