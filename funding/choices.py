from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingCategory(models.TextChoices):
    """Fördergegenstände (VV § 3) plus the supplementary programmes' categories."""

    LAN = "lan", _("Vernetzung")
    WLAN = "wlan", _("Schulisches WLAN")
    PLATFORM = "platform", _("Digitale Lehr-Lern-Infrastruktur")
    DISPLAY = "display", _("Anzeige- und Interaktionsgeräte")
    WORK_DEVICE = "work_device", _("Digitale Arbeitsgeräte")
    MOBILE = "mobile", _("Schulgebundene mobile Endgeräte")
    ACCOMPANYING = "accompanying", _("Begleitmaßnahme")
    REGIONAL = "regional", _("Regionale/landesweite Maßnahme")
    LOAN_PUPIL = "loan_pupil", _("Leihgeräte für Schülerinnen und Schüler")
    LOAN_TEACHER = "loan_teacher", _("Leihgeräte für Lehrkräfte")
    ADMIN_STAFF = "admin_staff", _("IT-Administration: Personal")
    ADMIN_SERVICE = "admin_service", _("IT-Administration: Dienstleistung")
    ADMIN_TRAINING = "admin_training", _("IT-Administration: Qualifizierung")
