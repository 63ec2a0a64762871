"""Statuses and kinds of joint procurement (gemeinsame Beschaffung)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from funding.choices import FundingCategory, ProcurementRoute

__all__ = ["CallOffStatus", "FundingCategory", "InvoiceStatus", "JointOrderStatus"]
__all__ += ["ProcurementRoute"]


class CallOffStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    BUNDLED = "bundled", _("Bundled")
    ORDERED = "ordered", _("Ordered")
    PARTLY_DELIVERED = "partly_delivered", _("Partly delivered")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class JointOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the supplier")
    CONFIRMED = "confirmed", _("Confirmed by the supplier")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MATCHED = "matched", _("Matched")
    ACCEPTED = "accepted", _("Accepted with differences")
    BOOKED = "booked", _("Booked into a payout request")
