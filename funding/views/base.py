"""What funding's pages share: the form page, the conflict page, reviewer authorities."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.services import EditConflict
from core.views import ScopedObjectFormView, ServiceFormView

from .. import permissions

AUTHORITY_CHECKS = {
    permissions.CONTENT_CHECK: permissions.is_content_checker_for,
    permissions.APPROVAL: permissions.is_approver_for,
}


def authority_message(authority: str) -> str:
    if authority == permissions.CONTENT_CHECK:
        return gettext("Only the content check (LISA/LINDIUS) may do this step.")
    return gettext("Only the approval authority (Landesverwaltungsamt) may do this step.")


def package_sync_lines() -> int:
    """Packages with more lines are built as a background job.

    Read from the package at request time, so a test or a deployment can lower it.
    """
    from funding import views

    return views.PACKAGE_SYNC_LINES


class FundingFormView(ScopedObjectFormView):
    """A form about one funding row, on funding's form page (live check, cancel link)."""

    template_name = "funding/form.html"


class FundingServiceFormView(ServiceFormView):
    """A form not about one row (create, compute, import) on funding's form page."""

    template_name = "funding/form.html"


class AuthorityMixin:
    """A step only one reviewer authority may take; others get a 403 naming it."""

    authority = permissions.CONTENT_CHECK

    def has_permission(self, obj) -> bool:
        return AUTHORITY_CHECKS[self.authority](self.request.access, obj)

    def get_permission_denied_message(self):
        return authority_message(self.authority)


def conflict_rows(form, current) -> list[tuple]:
    """(label, saved value, typed value) of each field where the two differ."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        theirs = getattr(current, name, "")
        yours = form.cleaned_data.get(name)
        if str(theirs if theirs is not None else "") != str(yours if yours is not None else ""):
            rows.append((field.label, theirs, yours))
    return rows


class EditConflictPageMixin:
    """Optimistic locking in funding's forms: the second save of a row someone else
    changed shows both values and overwrites nothing (409).

    Funding's own conflict page; one mixin so it can be swapped for core's generic one.
    """

    conflict_template = "funding/conflict.html"

    def service_failed(self, form, exc):
        if not isinstance(exc, EditConflict):
            return super().service_failed(form, exc)
        ctx = {
            "page_title": _("Edit conflict"),
            "message": exc.messages[0],
            "rows": conflict_rows(form, exc.current),
            "back_url": self.get_back_url(),
            "current": exc.current,
        }
        return render(self.request, self.conflict_template, ctx, status=409)
