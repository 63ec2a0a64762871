"""Tenancy: what a user may see and change, computed once per request.

Every board-owned model has a fail-closed django-scopes manager on dimension
`board`. The middleware (web) and the API base view (token auth) activate the
scope with the user's visible boards; jobs and commands activate it explicitly.
`Access.restrict()` narrows further for users who only hold a school role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django_scopes import scope

BOARD_LEVEL_EDIT_ROLES = ("board_admin", "board_staff", "consultant")


@dataclass(frozen=True)
class Access:
    """The boards and schools one user may read and write."""

    user_id: int | None = None
    is_superuser: bool = False
    #: board id -> roles held at board level (board_admin, board_staff, consultant)
    board_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    #: boards visible read-only through a reviewer role for their Land
    review_board_ids: frozenset[int] = frozenset()
    review_land_ids: frozenset[int] = frozenset()
    #: schools with a school_staff role -> their board
    school_board_of: dict[int, int] = field(default_factory=dict)
    #: authorities of the user's reviewer memberships (content_check, approval, ministry)
    review_authorities: frozenset[str] = frozenset()
    #: cooperatives (Genossenschaften) the user works for as cooperative staff
    cooperative_ids: frozenset[int] = frozenset()
    #: their member boards: visible only on models that declare `cooperative_visible`
    #: (orders, deliveries, invoices) — never loans, pupils or concept texts
    cooperative_board_ids: frozenset[int] = frozenset()

    # --- derived sets -------------------------------------------------
    @property
    def full_board_ids(self) -> frozenset[int]:
        """Boards whose every row this user may read."""
        return frozenset(self.board_roles) | self.review_board_ids

    @property
    def board_ids(self) -> frozenset[int]:
        """Every board the scope must admit (rows may be narrowed further by school)."""
        return self.full_board_ids | frozenset(self.school_board_of.values())

    @property
    def school_ids(self) -> frozenset[int]:
        return frozenset(self.school_board_of)

    @property
    def edit_board_ids(self) -> frozenset[int]:
        return frozenset(
            b for b, roles in self.board_roles.items() if roles & set(BOARD_LEVEL_EDIT_ROLES)
        )

    @property
    def admin_board_ids(self) -> frozenset[int]:
        return frozenset(b for b, roles in self.board_roles.items() if "board_admin" in roles)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.review_land_ids)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def has_review_authority(self, name: str) -> bool:
        """Does the user review for the Land as this authority (see schools.ReviewAuthority)?"""
        return self.is_reviewer and name in self.review_authorities

    def has_board_role(self, board_id: int | None, *roles: str) -> bool:
        return bool(board_id) and bool(self.board_roles.get(board_id, frozenset()) & set(roles))

    # --- querysets ----------------------------------------------------
    def restrict(self, qs: QuerySet) -> QuerySet:
        """Narrow an already board-scoped queryset to the schools a school user holds."""
        model = qs.model
        board_field = "id" if model._meta.model_name == "schoolboard" else "school_board"
        full = self.full_board_ids
        condition = Q(**{f"{board_field}__in": full})
        school_path = getattr(model, "school_path", None)
        if self.cooperative_board_ids and getattr(model, "cooperative_visible", False):
            condition |= Q(**{f"{board_field}__in": self.cooperative_board_ids})
        if self.school_board_of:
            if school_path:
                condition |= Q(**{f"{school_path}__in": self.school_ids})
            elif board_field == "id":
                condition |= Q(id__in=set(self.school_board_of.values()))
        return qs.filter(condition)

    def school_id_of(self, obj: Model) -> int | None:
        path = getattr(type(obj), "school_path", None)
        if not path:
            return None
        if path == "id":
            return obj.pk
        value = obj
        for part in path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value.pk

    def can_view(self, obj: Model) -> bool:
        board_id = getattr(obj, "school_board_id", None)
        if board_id in self.full_board_ids:
            return True
        if board_id in self.cooperative_board_ids and getattr(obj, "cooperative_visible", False):
            return True
        if type(obj)._meta.model_name == "schoolboard":
            return board_id in set(self.school_board_of.values())
        return self.school_id_of(obj) in self.school_ids

    def can_edit(self, obj: Model, *, school_staff_may_edit: bool = True) -> bool:
        """Board-level editors edit all their board's rows; school staff their school's."""
        board_id = getattr(obj, "school_board_id", None)
        if board_id in self.edit_board_ids:
            return True
        if school_staff_may_edit:
            sid = self.school_id_of(obj)
            return sid is not None and sid in self.school_ids
        return False

    def editable_or_404(self, obj: Model, **kwargs) -> None:
        """Views call this: invisible → 404; visible but read-only → PermissionDenied."""
        if not self.can_view(obj):
            raise Http404
        if not self.can_edit(obj, **kwargs):
            raise PermissionDenied


ANONYMOUS = Access()


# --- the organisation directory -------------------------------------------------------
# core stands below every domain app and imports none of them. The app that owns boards,
# schools and memberships (schools) registers how to read them at start-up
# (SchoolsConfig.ready). Without a registration nothing is visible: access_for() raises
# instead of guessing, so a missing wiring can never widen what a user sees.


@dataclass(frozen=True)
class Directory:
    """How core reads the organisation: a user's Access, the board and school models."""

    access_for: Callable[[Any], Access]
    board_model: type[Model]
    school_model: type[Model]


_directory: Directory | None = None


def register_directory(directory: Directory) -> None:
    global _directory
    _directory = directory


def directory() -> Directory:
    if _directory is None:
        raise ImproperlyConfigured(
            "No organisation directory is registered (core.tenancy.register_directory); "
            "is the schools app installed?"
        )
    return _directory


def access_for(user) -> Access:
    """A user's Access from their memberships (3 small queries, once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    return directory().access_for(user)


@contextmanager
def board_scope(board_ids: Iterable[int]) -> Iterator[None]:
    """Activate the tenancy scope for explicit boards (jobs, commands, services in tests)."""
    with scope(board=sorted(set(board_ids))):
        yield


@contextmanager
def access_scope(access: Access) -> Iterator[None]:
    with board_scope(access.board_ids):
        yield


@contextmanager
def cooperative_scope(access: Access) -> Iterator[None]:
    """The scope of pages about cooperative-visible rows: the user's boards plus the
    member boards of their cooperatives. Everywhere else those boards stay outside
    the scope (fail-closed); `restrict()` admits them only for `cooperative_visible`
    models."""
    with board_scope(access.board_ids | access.cooperative_board_ids):
        yield
