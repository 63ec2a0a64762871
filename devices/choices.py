"""Statuses and kinds of the device inventory (Geräteverwaltung)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mediaplans.choices import FundingCategory


class DeviceCategory(models.TextChoices):
    TABLET = "tablet", _("Tablet")
    NOTEBOOK = "notebook", _("Notebook")
    DESKTOP = "desktop", _("Desktop-PC")
    INTERACTIVE_BOARD = "interactive_board", _("Interaktive Tafel")
    DISPLAY = "display", _("Display")
    PROJECTOR = "projector", _("Beamer")
    DOCUMENT_CAMERA = "document_camera", _("Dokumentenkamera")
    ACCESS_POINT = "access_point", _("Access Point")
    SWITCH = "switch", _("Switch")
    SERVER = "server", _("Server")
    PRINTER = "printer", _("Drucker")
    OTHER = "other", _("Sonstiges Gerät")


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
    ORDERED = "ordered", _("bestellt")
    DELIVERED = "delivered", _("geliefert")
    IN_STOCK = "in_stock", _("im Lager")
    IN_USE = "in_use", _("im Einsatz")
    ON_LOAN = "on_loan", _("verliehen")
    IN_REPAIR = "in_repair", _("in Reparatur")
    LOST = "lost", _("verloren")
    STOLEN = "stolen", _("gestohlen")
    RETIRED = "retired", _("ausgesondert")


class AccessoryKind(models.TextChoices):
    CHARGER = "charger", _("Ladegerät / Netzteil")
    CABLE = "cable", _("Kabel")
    PEN = "pen", _("Stift")
    CASE = "case", _("Hülle / Tasche")
    KEYBOARD = "keyboard", _("Tastatur")
    MOUSE = "mouse", _("Maus")
    HEADSET = "headset", _("Headset")
    REMOTE = "remote", _("Fernbedienung")
    OTHER = "other", _("Sonstiges Zubehör")


class BorrowerKind(models.TextChoices):
    PUPIL = "pupil", _("Schülerin / Schüler")
    TEACHER = "teacher", _("Lehrkraft")


class DueRule(models.TextChoices):
    FIXED = "fixed", _("festes Datum")
    LAST_SCHOOL_DAY = "last_school_day", _("letzter Schultag des Schuljahres")


class LoanStatus(models.TextChoices):
    PREPARED = "prepared", _("vorbereitet")
    SIGNED = "signed", _("unterschrieben")
    HANDED_OUT = "handed_out", _("ausgegeben")
    RETURNED = "returned", _("zurückgegeben")
    CANCELLED = "cancelled", _("storniert")


OPEN_LOAN_STATUSES = (LoanStatus.PREPARED, LoanStatus.SIGNED, LoanStatus.HANDED_OUT)


class Condition(models.TextChoices):
    GOOD = "good", _("einwandfrei")
    WORN = "worn", _("Gebrauchsspuren")
    DAMAGED = "damaged", _("beschädigt")
    DEFECTIVE = "defective", _("defekt")
    MISSING = "missing", _("nicht zurückgegeben")


class DefectKind(models.TextChoices):
    DEFECT = "defect", _("Defekt")
    DAMAGE = "damage", _("Beschädigung")
    MISSING_ACCESSORY = "missing_accessory", _("fehlendes Zubehör")
    LOSS = "loss", _("Verlust")
    THEFT = "theft", _("Diebstahl")


class DefectStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_REPAIR = "in_repair", _("in Reparatur")
    REPAIRED = "repaired", _("repariert")
    REPLACED = "replaced", _("ersetzt")
    WRITTEN_OFF = "written_off", _("abgeschrieben")


OPEN_DEFECT_STATUSES = (DefectStatus.OPEN, DefectStatus.IN_REPAIR)


class StocktakeStatus(models.TextChoices):
    OPEN = "open", _("läuft")
    CLOSED = "closed", _("abgeschlossen")


class PrivacyAction(models.TextChoices):
    EXPORT = "export", _("Auskunft (Art. 15 DSGVO)")
    ERASURE = "erasure", _("Löschung (Art. 17 DSGVO)")
    RETENTION = "retention", _("Anonymisierung nach Aufbewahrungsfrist")
