"""Statuses and kinds of the device inventory (Geräteverwaltung)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mediaplans.choices import FundingCategory


class DeviceCategory(models.TextChoices):
    TABLET = "tablet", _("Tablet")
    NOTEBOOK = "notebook", _("Notebook")
    DESKTOP = "desktop", _("Desktop-PC")
    INTERACTIVE_BOARD = "interactive_board", _("Interactive whiteboard")
    DISPLAY = "display", _("Display")
    PROJECTOR = "projector", _("Projector")
    DOCUMENT_CAMERA = "document_camera", _("Document camera")
    ACCESS_POINT = "access_point", _("Access Point")
    SWITCH = "switch", pgettext_lazy("device category", "Switch")
    SERVER = "server", _("Server")
    PRINTER = "printer", _("Printer")
    OTHER = "other", _("Other device")


#: each device category counts towards one funding category (DOMAIN.md §4)
FUNDING_CATEGORY_BY_DEVICE_CATEGORY: dict[str, str] = {
    "tablet": FundingCategory.MOBILE.value,
    "notebook": FundingCategory.MOBILE.value,
    "desktop": FundingCategory.WORK_DEVICE.value,
    "interactive_board": FundingCategory.DISPLAY.value,
    "display": FundingCategory.DISPLAY.value,
    "projector": FundingCategory.DISPLAY.value,
    "document_camera": FundingCategory.DISPLAY.value,
    "access_point": FundingCategory.WLAN.value,
    "switch": FundingCategory.LAN.value,
    "server": FundingCategory.LAN.value,
    "printer": FundingCategory.WORK_DEVICE.value,
    "other": FundingCategory.WORK_DEVICE.value,
}


class DeviceStatus(models.TextChoices):
    ORDERED = "ordered", _("ordered")
    DELIVERED = "delivered", _("delivered")
    IN_STOCK = "in_stock", _("in stock")
    IN_USE = "in_use", _("in use")
    ON_LOAN = "on_loan", _("on loan")
    IN_REPAIR = "in_repair", _("in repair")
    LOST = "lost", _("lost")
    STOLEN = "stolen", _("stolen")
    RETIRED = "retired", _("retired")


class AccessoryKind(models.TextChoices):
    CHARGER = "charger", _("Charger / power supply")
    CABLE = "cable", _("Cable")
    PEN = "pen", _("Pen")
    CASE = "case", _("Case / bag")
    KEYBOARD = "keyboard", _("Keyboard")
    MOUSE = "mouse", _("Mouse")
    HEADSET = "headset", _("Headset")
    REMOTE = "remote", _("Remote control")
    OTHER = "other", _("Other accessory")


class BorrowerKind(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    TEACHER = "teacher", _("Teacher")


class DueRule(models.TextChoices):
    FIXED = "fixed", _("fixed date")
    LAST_SCHOOL_DAY = "last_school_day", _("last school day of the school year")


class LoanStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    SIGNED = "signed", _("signed")
    HANDED_OUT = "handed_out", _("handed out")
    RETURNED = "returned", _("returned")
    CANCELLED = "cancelled", _("cancelled")


OPEN_LOAN_STATUSES = (LoanStatus.PREPARED, LoanStatus.SIGNED, LoanStatus.HANDED_OUT)


class Condition(models.TextChoices):
    GOOD = "good", _("good")
    WORN = "worn", _("signs of wear")
    DAMAGED = "damaged", _("damaged")
    DEFECTIVE = "defective", _("defective")
    MISSING = "missing", _("not returned")


class DefectKind(models.TextChoices):
    DEFECT = "defect", _("Defect")
    DAMAGE = "damage", _("Damage")
    MISSING_ACCESSORY = "missing_accessory", _("missing accessory")
    LOSS = "loss", _("Loss")
    THEFT = "theft", _("Theft")


class DefectStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_REPAIR = "in_repair", _("in repair")
    REPAIRED = "repaired", _("repaired")
    REPLACED = "replaced", _("replaced")
    WRITTEN_OFF = "written_off", _("written off")


OPEN_DEFECT_STATUSES = (DefectStatus.OPEN, DefectStatus.IN_REPAIR)


class StocktakeStatus(models.TextChoices):
    OPEN = "open", _("running")
    CLOSED = "closed", _("closed")


class PrivacyAction(models.TextChoices):
    EXPORT = "export", _("Access request (Art. 15 DSGVO)")
    ERASURE = "erasure", _("Erasure (Art. 17 DSGVO)")
    RETENTION = "retention", _("Anonymisation after the retention period")
