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

    PERCENT_OF_TOTAL = "percent_of_total", _("Percent of the eligible total costs")
    SURCHARGE_ON_FUNDING = "surcharge_on_funding", _("Surcharge on the funding amount")


class AllocationFormula(models.TextChoices):
    """How a board's budget (Förderrahmen) is derived."""

    PER_PUPIL = "per_pupil", _("Amount per pupil")
    BASE_PER_SCHOOL = "base_per_school", _("Base amount per school plus amount per pupil")
    BY_SCHOOL_TYPE = "by_school_type", _("Amount per school type")
    MANUAL = "manual", _("Fixed amount (manual)")


class ProcurementRoute(models.TextChoices):
    DIRECT = "direct", _("Direct award")
    RESTRICTED = "restricted", _("Restricted tender")
    NEGOTIATED = "negotiated", _("Negotiated procedure")
    OPEN = "open", _("Public tender")
    FRAMEWORK = "framework", _("Call-off from the Rahmenvertrag (Warenkorb)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Nachforderung")
    FORWARDED = "forwarded", _("Content checked, forwarded")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class TpekStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("not requested")
    REQUESTED = "requested", _("requested from the school")
    SUBMITTED = "submitted", _("delivered by the school")


class DecisionKind(models.TextChoices):
    FULL = "full", _("Full approval")
    PARTIAL = "partial", _("Partial approval")
    REJECTION = "rejection", _("Rejection")
    AMENDMENT = "amendment", _("Änderungsbescheid")


class ChangeRequestStatus(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    OPEN = "open", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class RuleSetStatus(models.TextChoices):
    """A rule-set version is prepared as a draft and takes effect once published."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PayoutStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PAID = "paid", _("Paid out")
    REJECTED = "rejected", _("Rejected")


class ProofStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHECKED = "checked", _("Checked")
    CLOSED = "closed", _("Closed")
    REPAYMENT = "repayment", _("Repayment")


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Note")
