"""The vocabulary of notifications: kinds, delivery preferences, mail states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUBMITTED = "submitted", _("Application submitted")
    RESUBMITTED = "resubmitted", _("Application resubmitted")
    CHANGES_REQUESTED = "changes_requested", _("Nachforderung (changes requested)")
    TPEK_REQUESTED = "tpek_requested", _("TPEK requested")
    FORWARDED = "forwarded", _("Application forwarded for approval")
    DECIDED = "decided", _("Zuwendungsbescheid issued")
    AMENDED = "amended", _("Änderungsbescheid issued")
    PAID = "paid", _("Payout made")
    PROOF_DUE = "proof_due", _("Verwendungsnachweis due")
    LOAN_OVERDUE = "loan_overdue", _("Loan overdue")
    EARMARKING_ENDING = "earmarking_ending", _("Earmarking ending")
    WARRANTY_ENDING = "warranty_ending", _("Warranty ending")
    DEFECT_REPORTED = "defect_reported", _("Defect reported")
    DEFECT_OVERDUE = "defect_overdue", _("Defect report overdue")
    JOB_FINISHED = "job_finished", _("Background job finished")
    JOB_FAILED = "job_failed", _("Background job failed")
    #: reserved for the review threads and assignments of issue 15 points 4-5
    COMMENT = "comment", _("Comment")
    ASSIGNED = "assigned", _("Assigned to you")


class Delivery(models.TextChoices):
    """How a user wants one kind by e-mail (the inbox always gets it)."""

    IMMEDIATE = "immediate", _("immediately")
    DIGEST = "digest", _("daily digest")
    OFF = "off", _("no e-mail")


class MailState(models.TextChoices):
    """Where the notification's e-mail stands (visible to the operator in the admin)."""

    PENDING = "pending", _("waiting to be sent")
    DIGEST = "digest", _("waiting for the daily digest")
    SENT = "sent", _("sent")
    RETRYING = "retrying", _("failed, will retry")
    FAILED = "failed", _("failed, gave up")
    NONE = "none", _("no e-mail")
