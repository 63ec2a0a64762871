"""Who may do what with media-education concepts (views, API and templates alike).

- School staff write their own school's concept; board admins and consultants help
  (write) for the board's schools.
- Board staff read all of their schools' concepts and comment.
- Reviewers (Land) read adopted versions (and superseded ones, which were adopted) only of
  schools that are part of a funding application that has left the draft stage; they never
  see drafts, nor concepts of schools in no such application.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from core.tenancy import Access

from .choices import FROZEN_STATUSES

#: funding.choices.ApplicationStatus.DRAFT (not imported: funding imports mediaplans)
DRAFT_APPLICATION = "draft"

WRITE_ROLES = ("board_admin", "consultant")
COMMENT_ROLES = ("board_admin", "board_staff", "consultant")

#: lookup from each model to its ConceptVersion ("" = the model is the version)
VERSION_PATHS = {
    "conceptversion": "",
    "competencegoal": "version__",
    "trainingentry": "version__",
    "equipmentneed": "version__",
    "conceptcomment": "version__",
}


def _school_id(obj) -> int | None:
    for path in ("school_id",):
        if getattr(obj, path, None):
            return getattr(obj, path)
    concept = getattr(obj, "concept", None)
    if concept is None:
        version = getattr(obj, "version", None)
        concept = getattr(version, "concept", None)
    return concept.school_id if concept is not None else None


def reviewed_school_ids(access: Access) -> QuerySet:
    """Subquery: schools in a funding application beyond the draft stage (reviewers' window).

    Resolved through the app registry: funding imports mediaplans, not the other way round.
    """
    if not access.review_board_ids:
        return apps.get_model("schools", "School").objects.none().values("pk")
    ApplicationSchool = apps.get_model("funding", "ApplicationSchool")
    return (
        ApplicationSchool.objects.filter(school_board__in=access.review_board_ids)
        .exclude(application__status=DRAFT_APPLICATION)
        .values("school_id")
    )


def restrict_schools(access: Access, qs: QuerySet) -> QuerySet:
    """Schools whose concept the user sees: own boards and schools; reviewers: see above."""
    qs = access.restrict(qs)
    condition = Q(school_board__in=set(access.board_roles)) | Q(id__in=access.school_ids)
    if access.review_board_ids:
        condition |= Q(id__in=reviewed_school_ids(access))
    return qs.filter(condition)


def is_reviewed_school(access: Access, school_id: int | None) -> bool:
    return bool(school_id) and reviewed_school_ids(access).filter(school_id=school_id).exists()


def reads_drafts(access: Access, obj) -> bool:
    """Board members and the school's staff see every version; reviewers only adopted ones."""
    return obj.school_board_id in access.board_roles or _school_id(obj) in access.school_ids


def restrict(access: Access, qs: QuerySet) -> QuerySet:
    """`Access.restrict` plus the reviewers' rule: only adopted/superseded versions of schools
    in a funding application that has left the draft stage (concepts: of such schools only)."""
    qs = access.restrict(qs)
    name = qs.model._meta.model_name
    prefix = VERSION_PATHS.get(name)
    if prefix is None and name != "mediaconcept":
        return qs
    school_path = getattr(qs.model, "school_path", None)
    condition = Q(school_board__in=set(access.board_roles))
    if access.review_board_ids and school_path:
        reviewed = Q(**{f"{school_path}__in": reviewed_school_ids(access)})
        if prefix is not None:
            reviewed &= Q(**{f"{prefix}status__in": list(FROZEN_STATUSES)})
        condition |= reviewed
    if access.school_ids and school_path:
        condition |= Q(**{f"{school_path}__in": access.school_ids})
    return qs.filter(condition)


def can_view(access: Access, obj) -> bool:
    if not access.can_view(obj):
        return False
    if reads_drafts(access, obj):
        return True
    if not is_reviewed_school(access, _school_id(obj)):
        return False
    version = obj if obj._meta.model_name == "conceptversion" else getattr(obj, "version", None)
    return version is None or version.status in FROZEN_STATUSES


def can_write(access: Access, obj) -> bool:
    """Write the concept's content (any version that is not frozen)."""
    if access.has_board_role(obj.school_board_id, *WRITE_ROLES):
        return True
    return _school_id(obj) in access.school_ids


def can_edit_version(access: Access, version) -> bool:
    return can_write(access, version) and not version.is_frozen


def can_comment(access: Access, version) -> bool:
    if access.has_board_role(version.school_board_id, *COMMENT_ROLES):
        return True
    return _school_id(version) in access.school_ids


def can_create_concept(access: Access) -> bool:
    return bool(access.school_ids) or any(
        roles & set(WRITE_ROLES) for roles in access.board_roles.values()
    )


def writable_schools(access: Access, schools: QuerySet) -> QuerySet:
    """Schools the user may start a concept for."""
    boards = [b for b, roles in access.board_roles.items() if roles & set(WRITE_ROLES)]
    return access.restrict(schools).filter(Q(school_board__in=boards) | Q(id__in=access.school_ids))
