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


#: reviewer authorities (schools.models.ReviewAuthority) and the steps they perform
CONTENT_CHECK = "content_check"  # LISA/LINDIUS: forward, request changes
APPROVAL = "approval"  # Landesverwaltungsamt: decide, pay out, close proof of use
MINISTRY = "ministry"  # Bildungsministerium: reads only


def acts_for_board(access: Access, board_id: int | None) -> bool:
    """Does the user hold any board-side role (board, consultant, school) on this board?"""
    return board_id in access.board_roles or board_id in access.school_board_of.values()


def acts_for_state_on(access: Access, obj) -> bool:
    """A reviewer of the row's Land who acts for none of its board's sides (DOMAIN §5a):
    four eyes means two people, both of the state."""
    return is_reviewer_for(access, obj) and not acts_for_board(access, obj.school_board_id)


def is_content_checker_for(access: Access, obj) -> bool:
    """LISA/LINDIUS reviewer of the row's Land: checks content, forwards, requests changes."""
    return acts_for_state_on(access, obj) and access.has_review_authority(CONTENT_CHECK)


def is_approver_for(access: Access, obj) -> bool:
    """Landesverwaltungsamt reviewer of the row's Land: decides, pays, closes proofs of use."""
    return acts_for_state_on(access, obj) and access.has_review_authority(APPROVAL)


def can_edit_application(access: Access, application) -> bool:
    return is_board_editor(access, application) and application.is_editable


def can_submit(access: Access, application) -> bool:
    return can_edit_application(access, application)


def can_review(access: Access, application) -> bool:
    """Request changes: the content check (LISA/LINDIUS) while the application is with the Land."""
    return is_content_checker_for(access, application) and application.status in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.FORWARDED,
    )


def can_forward(access: Access, application) -> bool:
    return (
        is_content_checker_for(access, application)
        and application.status == ApplicationStatus.SUBMITTED
    )


def can_decide(access: Access, application, user) -> bool:
    """Landesverwaltungsamt only; four eyes: not the person who did the content check."""
    return (
        is_approver_for(access, application)
        and application.status == ApplicationStatus.FORWARDED
        and application.content_checked_by_id != user.pk
    )


def can_decide_change_request(access: Access, change_request) -> bool:
    from .choices import ChangeRequestStatus

    return (
        is_approver_for(access, change_request)
        and change_request.status == ChangeRequestStatus.OPEN
    )


def can_pay(access: Access, payout) -> bool:
    """Mark a submitted payout request paid or rejected (Landesverwaltungsamt)."""
    return is_approver_for(access, payout) and payout.status == PayoutStatus.SUBMITTED


def can_check_proof(access: Access, proof) -> bool:
    """Close a proof of use or claim repayment (Landesverwaltungsamt)."""
    return is_approver_for(access, proof) and proof.status == ProofStatus.SUBMITTED


def can_edit_tpek(access: Access, app_school) -> bool:
    """The school fills in its TPEK; the board may edit it while the application is open."""
    return (
        access.can_edit(app_school, school_staff_may_edit=True)
        and app_school.application.is_editable
    )


def can_manage_after_approval(access: Access, application) -> bool:
    return is_board_editor(access, application) and application.status == ApplicationStatus.APPROVED


def can_edit_payout(access: Access, payout) -> bool:
    return is_board_editor(access, payout) and payout.status == PayoutStatus.DRAFT


def can_edit_proof(access: Access, proof) -> bool:
    return is_board_editor(access, proof) and proof.status == ProofStatus.DRAFT


def is_acting_reviewer_for(access: Access, obj) -> bool:
    """A reviewer who takes part in the procedure (not the read-only ministry)."""
    return is_content_checker_for(access, obj) or is_approver_for(access, obj)


def can_comment(access: Access, application) -> bool:
    return is_acting_reviewer_for(access, application) or is_board_editor(access, application)


def can_publish_ruleset(access: Access, ruleset) -> bool:
    """Publishing a rule-set version is a state-side act: the programme administrator
    (superuser) or the ministry of the programme's Land, if acting for no board."""
    if access.is_superuser:
        return True
    land_id = ruleset.programme.land_id
    return (
        access.has_review_authority(MINISTRY)
        and land_id in access.review_land_ids
        and not access.board_roles
        and not access.school_board_of
    )


def can_edit_change_request(access: Access, change_request) -> bool:
    """The board prepares its change request until it submits it."""
    from .choices import ChangeRequestStatus

    return (
        is_board_editor(access, change_request)
        and change_request.status == ChangeRequestStatus.DRAFT
    )


def can_override_finding(access: Access, application) -> bool:
    """A state-side reviewer taking part in the procedure (never the board, never the
    read-only ministry) may override a finding while the application is not yet decided."""
    return is_acting_reviewer_for(access, application) and application.status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.CHANGES_REQUESTED,
        ApplicationStatus.FORWARDED,
    )
