"""Generic, tenancy-aware views. App views are configuration over these.

- ScopedListView: queryset shape + FilterSet + columns + template.
- ScopedDetailView: one row (404 outside the user's scope) with its history.
- ScopedCreateView / ScopedUpdateView: a form whose valid data goes to one service.
- ScopedActionView: a POST that calls one service (status changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from core import listing
from core.context import board_for_create
from core.forms import VERSION_FIELD, add_version_field, apply_kern_classes, submitted_version
from core.history import history_entries
from core.services import EditConflict, check_version, edit_token, lock_row, recheck_tenancy


@dataclass(frozen=True)
class Column:
    """One column of a list table: attribute path, header, and how to show it."""

    field: str
    label: Any
    link: bool = False
    fmt: str | None = None  # "money" | "date" | "datetime" | "number" | "bool" | None
    numeric: bool = False
    #: sorting: True = by the field path when it is a chain of model fields; a string =
    #: that ordering field (e.g. "model__name"); False = not sortable (core.listing)
    sort: bool | str = True


class ScopedQuerysetMixin:
    """Querysets go through the scoped manager, the named shape and `Access.restrict`."""

    model = None
    queryset_shape = "for_detail"
    school_staff_may_edit = True

    def base_queryset(self):
        qs = self.model.objects.all()
        shape = getattr(qs, self.queryset_shape, None)
        return shape() if callable(shape) else qs

    def get_queryset(self):
        return self.request.access.restrict(self.base_queryset())

    def can_edit(self, obj) -> bool:
        return self.request.access.can_edit(obj, school_staff_may_edit=self.school_staff_may_edit)


class PageMixin:
    """Title, breadcrumbs and help text for the base template."""

    title: Any = ""
    breadcrumbs: list[tuple[Any, str | None]] = []

    def get_title(self):
        return self.title

    def get_breadcrumbs(self):
        return list(self.breadcrumbs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("page_title", self.get_title())
        ctx.setdefault("breadcrumbs", self.get_breadcrumbs())
        return ctx


class ScopedListView(PageMixin, ScopedQuerysetMixin, FilterView):
    """A list: rows the user may see, filtered, sorted, paginated, rendered from `columns`.

    Every list sorts by its columns (`?ordering=-field`, links with `aria-sort` in the
    header), shows the columns its user chose, offers the user's saved filters and
    exports exactly the filtered, sorted rows (`?export=csv|xlsx`); see core.listing.
    """

    def get_filterset(self, filterset_class):
        from core.filtering import bound_numeric_fields

        return bound_numeric_fields(super().get_filterset(filterset_class))

    queryset_shape = "for_list"
    template_name = "core/list.html"
    paginate_by = 50
    columns: list[Column] = []
    create_url: str | None = None  # URL name of the create view, shown to editors
    extra_actions: list[tuple[Any, str]] = []  # (label, url name) buttons above the table
    empty_text = _("No entries yet.")
    strict = False
    #: "devices" | "schools" | "rooms": shows CSV/XLSX export of the filtered list
    export_kind: str | None = None

    def can_create(self) -> bool:
        return bool(self.request.access.edit_board_ids)

    # --- sorting, columns, export (core.listing) -------------------------------------
    def list_key(self) -> str:
        """The list's URL name: the key of its users' columns and saved filters."""
        match = getattr(self.request, "resolver_match", None)
        return match.view_name if match is not None else ""

    def sort_fields(self) -> list[str]:
        return listing.ordering_fields_for(self.model, self.columns)

    def current_ordering(self) -> tuple[str, bool] | None:
        return listing.parse_ordering(self.request.GET.get(listing.SORT_PARAM), self.sort_fields())

    def get_filterset_kwargs(self, filterset_class):
        # sorted here, not in get_queryset(): apps override that for their own narrowing
        kwargs = super().get_filterset_kwargs(filterset_class)
        ordering = self.current_ordering()
        if ordering:
            kwargs["queryset"] = listing.stable_order(kwargs["queryset"], *ordering)
        return kwargs

    def get_columns(self) -> list[Column]:
        return listing.chosen_columns(self.request.user, self.list_key(), self.columns)

    def listed_queryset(self):
        """Exactly the rows the page lists (filtered and sorted), for export."""
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            return filterset.qs
        return filterset.queryset.none()

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get(listing.EXPORT_PARAM)
        if fmt in listing.EXPORT_FORMATS:
            return listing.export_response(self, fmt)
        return super().get(request, *args, **kwargs)

    def list_context(self) -> dict:
        columns = self.get_columns()
        key = self.list_key()
        return {
            "columns": columns,
            "headers": listing.headers(
                self.model, columns, self.request.GET, self.current_ordering()
            ),
            "all_columns": self.columns,
            "shown_fields": {c.field for c in columns},
            "list_key": key,
            "saved_filters": listing.saved_filters(self.request.user, key),
            "filter_query": listing.filter_query(self.request.GET),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if ctx.get("filter") is not None:
            apply_kern_classes(ctx["filter"].form)
        ctx.update(self.list_context())
        ctx["create_url"] = self.create_url if self.create_url and self.can_create() else None
        ctx["extra_actions"] = self.extra_actions
        ctx["empty_text"] = self.empty_text
        ctx["export_kind"] = self.export_kind
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_without_page"] = query.urlencode()
        return ctx


class ScopedDetailView(PageMixin, ScopedQuerysetMixin, DetailView):
    """One row; 404 when it is not in the user's scope. Adds `can_edit` and `history`."""

    template_name = "core/detail.html"
    fields_shown: list[Column] = []
    history_limit = 25

    def get_title(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = self.can_edit(self.object)
        ctx["fields_shown"] = self.fields_shown
        ctx["history"] = history_entries(self.object, limit=self.history_limit)
        return ctx


def errors_to_form(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_service_step(request, form, action, *, success, to: str):
    """Run one service call for a valid form; on success message + redirect, else the
    service's errors land on the form and None is returned (render the form again)."""
    try:
        with transaction.atomic():
            action()
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None
    messages.success(request, success)
    return HttpResponseRedirect(to)


def _shown(value) -> str:
    """A value as the conflict page shows it (lists joined, empty as a dash)."""
    if hasattr(value, "all") and callable(value.all):
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value) or "–"
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _choice_label(field, value):
    choices = dict(getattr(field, "choices", None) or [])
    key = getattr(value, "pk", value)
    return choices.get(key, choices.get(str(key), value)) if choices else value


def conflict_rows(form, current_values: dict) -> list[tuple]:
    """Per form field that differs: (label, value saved by someone else, the user's value)."""
    rows = []
    for name, field in form.fields.items():
        if name == VERSION_FIELD or name not in form.cleaned_data or name not in current_values:
            continue
        theirs = _shown(_choice_label(field, current_values[name]))
        yours = _shown(_choice_label(field, form.cleaned_data[name]))
        if theirs != yours:
            rows.append((field.label or name, theirs, yours))
    return rows


class ServiceFormMixin:
    """Valid form data is handed to one service; its ValidationError lands on the form.

    Optimistic locking: on an edit (the view has `self.object` with a pk) the row is locked
    and the form's hidden `edit_version` compared with the stored one; a mismatch — or an
    EditConflict raised by the service — renders the conflict page (409) instead of saving.
    """

    success_message = _("Saved.")
    conflict_template_name = "core/conflict.html"

    def perform(self, form):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def edited_object(self):
        obj = getattr(self, "object", None)
        return obj if obj is not None and obj.pk else None

    def check_edit_version(self, form) -> None:
        """Lock the edited row; refuse when it changed since the user opened the form."""
        obj = self.edited_object()
        if obj is None:
            return
        expected = submitted_version(form)
        if expected in (None, ""):
            # no version sent: at least nothing saved since this request read the row
            expected = edit_token(obj)
        check_version(lock_row(obj), expected)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.check_edit_version(form)
                self.object = self.perform(form)
                recheck_tenancy(self.request.access, self.object)
        except EditConflict as exc:
            return self.conflict_response(form, exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    # --- the conflict page ---------------------------------------------------------

    def current_values(self, current) -> dict:
        """The stored value of each form field (override where fields are not attributes)."""
        return {
            name: getattr(current, name)
            for name in self.form_field_names()
            if hasattr(current, name)
        }

    def form_field_names(self):
        return list(self.get_form_class().base_fields)

    def reapply_form(self, current):
        """The user's input again, now against the current version (save = re-apply)."""
        data = self.request.POST.copy()
        kwargs = self.get_form_kwargs()
        kwargs["data"] = data
        form = self.get_form_class()(**kwargs)
        data[form.add_prefix(VERSION_FIELD)] = edit_token(current)
        add_version_field(form, current)
        return form

    def conflict_response(self, form, exc: EditConflict):
        current = type(exc.current)._base_manager.get(pk=exc.current.pk)
        rows = conflict_rows(form, self.current_values(current))
        back = current.get_absolute_url() if hasattr(current, "get_absolute_url") else None
        ctx = {
            "page_title": _("Edit conflict"),
            "message": exc.messages[0],
            "rows": rows,
            "form": self.reapply_form(current),
            "back_url": back,
            "current": current,
            "breadcrumbs": [],
        }
        return render(self.request, self.conflict_template_name, ctx, status=409)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ScopedCreateView(PageMixin, ServiceFormMixin, CreateView):
    """Create a row in the user's current board (never a board named in the form)."""

    template_name = "core/form.html"

    def board_for_create(self):
        return board_for_create(self.request)

    def dispatch(self, request, *args, **kwargs):
        self.board = self.board_for_create()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.setdefault("instance", None)
        return kwargs


class ScopedChildCreateView(PageMixin, ServiceFormMixin, ScopedQuerysetMixin, CreateView):
    """Create a row under a parent (e.g. a room of a site): board comes from the parent."""

    template_name = "core/form.html"
    parent_model = None
    parent_kwarg = "parent_pk"

    def dispatch(self, request, *args, **kwargs):
        parents = request.access.restrict(self.parent_model.objects.all())
        self.parent = get_object_or_404(parents, pk=kwargs[self.parent_kwarg])
        if not request.access.can_edit(
            self.parent, school_staff_may_edit=self.school_staff_may_edit
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["parent"] = self.parent
        return ctx


class ScopedUpdateView(PageMixin, ServiceFormMixin, ScopedQuerysetMixin, UpdateView):
    """Edit a row: invisible → 404, visible but read-only (e.g. reviewer) → 403."""

    template_name = "core/form.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.can_edit(obj):
            raise PermissionDenied
        return obj

    def get_title(self):
        return _("Edit: %s") % self.object

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        add_version_field(form, self.object)
        return form


class ScopedActionView(ScopedQuerysetMixin, SingleObjectMixin, View):
    """POST-only state change on one row; calls `perform_action` (a service)."""

    http_method_names = ["post"]
    success_message = _("Done.")

    def perform_action(self, obj):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.can_edit(self.object):
            raise PermissionDenied
        try:
            with transaction.atomic():
                result = self.perform_action(self.object)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return HttpResponseRedirect(self.get_success_url())
        if result is not None and hasattr(result, "get_absolute_url"):
            self.object = result
        messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


def get_visible_or_404(request, model, **lookup):
    """Fetch one row the user may see (function-style views)."""
    try:
        return request.access.restrict(model.objects.all()).get(**lookup)
    except model.DoesNotExist:
        raise Http404


def perform_and_redirect(request, action, *, success, to: str) -> HttpResponseRedirect:
    """Function-style state change: run one service call atomically, report, redirect.

    A ValidationError from the service becomes error messages and changes nothing.
    """
    try:
        with transaction.atomic():
            action()
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(to)


# ---------------------------------------------------------------------------------------
# Pages about one row, their forms, POST actions and PDFs (what function views did).
# Appended as new classes; the generics above are unchanged.


class ScopedObjectMixin(ScopedQuerysetMixin, SingleObjectMixin):
    """One row named in the URL, checked in the order a user meets the answers:

    405 for a method the view does not serve, 404 for a row outside the user's scope,
    403 when `has_permission` says no (with `get_permission_denied_message()`), then
    `prepare()` (load what the page needs; may raise Http404), then `refusal()`: a
    message and a redirect when the row's state rules the page out.
    """

    permission_denied_message: Any = ""

    def has_permission(self, obj) -> bool:
        return True

    def get_permission_denied_message(self):
        return self.permission_denied_message

    def prepare(self) -> None:
        """Load what the page needs once the row is visible and permitted."""

    def refusal(self, obj):
        """A message when the row's state rules the page out (None: the page is open)."""
        return None

    def refusal_url(self, obj) -> str:
        return obj.get_absolute_url()

    def dispatch(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.object = self.get_object()
        if not self.has_permission(self.object):
            message = self.get_permission_denied_message()
            raise PermissionDenied(message) if message else PermissionDenied
        self.prepare()
        refusal = self.refusal(self.object)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(self.refusal_url(self.object))
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectPageView(PageMixin, ScopedObjectMixin, TemplateView):
    """A read-only page about one visible row; its data comes from `get_page_data()`,
    which calls a selector."""

    def get_page_data(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.get_page_data())
        return ctx


class ServiceStepMixin:
    """A valid form goes to one service (`perform(form)`, atomically; its result is
    `self.outcome`). The service's ValidationError lands on the form
    (`service_failed`, the hook for other answers such as a conflict page); success
    gives `success_message` and redirects. `back_url` and `submit_label` go to the
    template (cancel link, button)."""

    success_message: Any = _("Saved.")
    submit_label: Any = _("Save")
    #: set for an irreversible step: the button asks this first (core/_confirm_button.html)
    confirm_question: Any = None
    outcome = None

    def perform(self, form):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_back_url(self) -> str:
        return self.object.get_absolute_url()

    def get_success_url(self) -> str:
        return self.get_back_url()

    def get_success_message(self):
        return self.success_message

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("back_url", self.get_back_url())
        ctx.setdefault("submit_label", self.submit_label)
        ctx.setdefault("confirm_question", self.confirm_question)
        return ctx

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.outcome = self.perform(form)
        except ValidationError as exc:
            return self.service_failed(form, exc)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def service_failed(self, form, exc: ValidationError):
        errors_to_form(form, exc)
        return self.form_invalid(form)


class ServiceFormView(ServiceStepMixin, PageMixin, FormView):
    """A form not about one row (e.g. a create or an upload) that calls one service."""

    template_name = "core/form.html"


class ScopedObjectFormView(ServiceStepMixin, PageMixin, ScopedObjectMixin, FormView):
    """A form about one visible row that calls one service."""

    template_name = "core/form.html"


class ScopedObjectActionView(ScopedObjectMixin, View):
    """A POST on one visible row that calls one service (`perform()`, atomically).

    An optional small form (`form_class`) is checked first: when invalid,
    `invalid_message` is shown and nothing runs. A service ValidationError becomes
    error messages and changes nothing. Both redirect to `get_failure_url()`;
    success to `get_success_url()` with `success_message` (None: no message).
    """

    http_method_names = ["post"]
    form_class = None
    invalid_message: Any = ""
    success_message: Any = _("Done.")
    outcome = None
    form = None

    def perform(self):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_form_kwargs(self) -> dict:
        return {"data": self.request.POST}

    def get_failure_url(self) -> str:
        return self.object.get_absolute_url()

    def get_success_url(self) -> str:
        return self.get_failure_url()

    def post(self, request, *args, **kwargs):
        if self.form_class is not None:
            self.form = self.form_class(**self.get_form_kwargs())
            if not self.form.is_valid():
                messages.error(request, self.invalid_message)
                return HttpResponseRedirect(self.get_failure_url())
        try:
            with transaction.atomic():
                self.outcome = self.perform()
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return HttpResponseRedirect(self.get_failure_url())
        if self.success_message:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ScopedPdfView(ScopedObjectMixin, View):
    """The PDF of one visible row: `render_pdf(obj) -> bytes` under `get_filename(obj)`."""

    def render_pdf(self, obj) -> bytes:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_filename(self, obj) -> str:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        from core.pdf import pdf_response

        return pdf_response(self.render_pdf(self.object), self.get_filename(self.object))
