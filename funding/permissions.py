"""Who may do what in funding (used by views, API and templates alike)."""

from __future__ import annotations

from core.tenancy import Access

from .choices import ApplicationStatus, PayoutStatus, ProofStatus


def is_board_editor(access: Access, obj) -> bool:
    """Board admins, staff and consultants of the row's board (not school staff)."""
    return access.can_edit(obj, school_staff_may_edit=False)


def is_reviewer_for(access: Access, obj) -> bool:
    """A reviewer of the Land the row's board belongs to."""
    return access.is_reviewer and obj.school_board_id in access.review_board_ids


def can_edit_application(access: Access, application) -> bool:
    return is_board_editor(access, application) and application.is_editable


def can_submit(access: Access, application) -> bool:
    return can_edit_application(access, application)


def can_review(access: Access, application) -> bool:
    return is_reviewer_for(access, application) and application.status in (
        ApplicationStatus.SUBMITTED, ApplicationStatus.FORWARDED)


def can_decide(access: Access, application, user) -> bool:
    """Four eyes: the approver is not the reviewer who did the content check."""
    return (is_reviewer_for(access, application)
            and application.status == ApplicationStatus.FORWARDED
            and application.content_checked_by_id != user.pk)


def can_edit_tpek(access: Access, app_school) -> bool:
    """The school fills in its TPEK; the board may edit it while the application is open."""
    return access.can_edit(app_school, school_staff_may_edit=True) and \
        app_school.application.is_editable


def can_manage_after_approval(access: Access, application) -> bool:
    return is_board_editor(access, application) and \
        application.status == ApplicationStatus.APPROVED


def can_edit_payout(access: Access, payout) -> bool:
    return is_board_editor(access, payout) and payout.status == PayoutStatus.DRAFT


def can_edit_proof(access: Access, proof) -> bool:
    return is_board_editor(access, proof) and proof.status == ProofStatus.DRAFT
