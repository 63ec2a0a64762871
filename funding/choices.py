from django.db import models
from django.utils.translation import gettext_lazy as _

from mediaplans.choices import FundingCategory

# FundingCategory is re-exported here: the vocabulary lives in the lowest app that needs it
# (mediaplans: a media concept's equipment needs are planned by funding category).


#: categories that count as an investment an accompanying measure can be tied to
INVESTMENT_CATEGORIES = frozenset(
    c.value
    for c in FundingCategory
    if c not in (FundingCategory.ACCOMPANYING, FundingCategory.REGIONAL)
)
NETWORK_CATEGORIES = frozenset({FundingCategory.LAN.value, FundingCategory.WLAN.value})


class OwnShareConvention(models.TextChoices):
    """How the own share (Eigenanteil) is expressed by a programme."""

    PERCENT_OF_TOTAL = "percent_of_total", _("Prozent der förderfähigen Gesamtkosten")
    SURCHARGE_ON_FUNDING = "surcharge_on_funding", _("Aufschlag auf die Fördersumme")


class AllocationFormula(models.TextChoices):
    """How a board's budget (Förderrahmen) is derived."""

    PER_PUPIL = "per_pupil", _("Betrag je Schüler")
    BASE_PER_SCHOOL = "base_per_school", _("Sockelbetrag je Schule plus Betrag je Schüler")
    BY_SCHOOL_TYPE = "by_school_type", _("Betrag je Schulform")
    MANUAL = "manual", _("Festbetrag (manuell)")


class ProcurementRoute(models.TextChoices):
    DIRECT = "direct", _("Direktauftrag")
    RESTRICTED = "restricted", _("Beschränkte Ausschreibung")
    NEGOTIATED = "negotiated", _("Verhandlungsvergabe")
    OPEN = "open", _("Öffentliche Ausschreibung")
    FRAMEWORK = "framework", _("Abruf aus Rahmenvertrag (Warenkorb)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Eingereicht")
    CHANGES_REQUESTED = "changes_requested", _("Nachforderung")
    FORWARDED = "forwarded", _("Inhaltlich geprüft, weitergeleitet")
    APPROVED = "approved", _("Bewilligt")
    REJECTED = "rejected", _("Abgelehnt")
    CLOSED = "closed", _("Abgeschlossen")


class TpekStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("nicht angefordert")
    REQUESTED = "requested", _("bei der Schule angefordert")
    SUBMITTED = "submitted", _("von der Schule geliefert")


class DecisionKind(models.TextChoices):
    FULL = "full", _("Vollbewilligung")
    PARTIAL = "partial", _("Teilbewilligung")
    REJECTION = "rejection", _("Ablehnung")
    AMENDMENT = "amendment", _("Änderungsbescheid")


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", _("offen")
    APPROVED = "approved", _("bewilligt")
    REJECTED = "rejected", _("abgelehnt")


class PayoutStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Eingereicht")
    PAID = "paid", _("Ausgezahlt")
    REJECTED = "rejected", _("Abgelehnt")


class ProofStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Eingereicht")
    CHECKED = "checked", _("Geprüft")
    CLOSED = "closed", _("Abgeschlossen")
    REPAYMENT = "repayment", _("Rückforderung")


class Severity(models.TextChoices):
    ERROR = "error", _("Fehler")
    WARNING = "warning", _("Hinweis")
