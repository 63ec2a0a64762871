"""What every list shares: sorting by its columns, the user's columns, saved filters, export.

The generic list view (`core.views.ScopedListView`) and the API (`core.api`) use these, so
a list page and its API endpoint sort by the same fields:

- a column is sortable when its dotted path is a chain of concrete fields (`school.name`
  → `school__name`) or when it names its own ordering (`Column(..., sort="model__name")`);
- the URL parameter is DRF's `ordering` (`?ordering=-school__name`) on both; every
  ordering ends in the primary key, so pagination is stable;
- a user's columns and named filters are stored per user and list (the list's URL name);
- an export is exactly the filtered, sorted list with the user's columns; more rows than
  `settings.LIST_EXPORT_INLINE_MAX` run as a background job (`core.list_export`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpResponse, QueryDict
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _

from core.jobs import register_job
from core.models import ListPreference, SavedFilter
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, write_csv, write_xlsx

SORT_PARAM = "ordering"
EXPORT_PARAM = "export"
EXPORT_FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
#: parameters that are not part of a list's filter (not saved, not exported)
NOT_FILTER_PARAMS = ("page", EXPORT_PARAM)
MAX_SAVED_FILTERS = 50
CHUNK = 2000


# --- sorting --------------------------------------------------------------------------------
def orm_path(model: type[models.Model], dotted: str) -> str | None:
    """The ORM lookup of a column's dotted path, or None when it is not a chain of concrete
    fields ending in a value (a property, a reverse relation, a bare foreign key)."""
    current = model
    parts = dotted.split(".")
    for index, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        last = index == len(parts) - 1
        if not getattr(field, "concrete", False) or field.many_to_many:
            return None
        if field.is_relation:
            if last:
                return None
            current = field.related_model
        elif not last:
            return None
    return "__".join(parts)


def column_sort_key(model, column) -> str | None:
    """The ordering field of a column (its `sort`, else derived from its path), or None."""
    sort = getattr(column, "sort", True)
    if sort is False or sort is None:
        return None
    if isinstance(sort, str):
        return sort
    return orm_path(model, column.field)


def ordering_fields_for(model, columns) -> list[str]:
    """The fields a list may be sorted by: the API's `ordering_fields` for the same list."""
    keys = [column_sort_key(model, c) for c in columns]
    return [k for k in keys if k]


def parse_ordering(value: str | None, allowed) -> tuple[str, bool] | None:
    """`"-school__name"` → ("school__name", True) when that field may be sorted by."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if not key or key not in allowed:
        return None
    return key, descending


def stable_order(qs, key: str, descending: bool):
    """Order by one field and then the primary key (same direction), for stable pages.

    Plain field orderings (no NULLS FIRST/LAST) so that PostgreSQL can walk an index."""
    if descending:
        return qs.order_by(f"-{key}", "-pk")
    return qs.order_by(key, "pk")


@dataclass(frozen=True)
class Header:
    """One table header: the column, its sort link (None: not sortable) and `aria-sort`."""

    column: Any
    url: str | None = None
    aria_sort: str | None = None
    #: what activating the link does, for screen readers ("sort ascending")
    action: str = ""


def headers(model, columns, query: QueryDict, current: tuple[str, bool] | None) -> list[Header]:
    """The header row: each sortable column links to its ascending order, or to the
    descending one when it is the current ascending sort."""
    out = []
    for column in columns:
        key = column_sort_key(model, column)
        if key is None:
            out.append(Header(column))
            continue
        params = query.copy()
        params.pop("page", None)
        is_current = current is not None and current[0] == key
        descending_next = is_current and not current[1]
        params[SORT_PARAM] = f"-{key}" if descending_next else key
        aria = None
        if is_current:
            aria = "descending" if current[1] else "ascending"
        action = _("sort descending") if descending_next else _("sort ascending")
        out.append(Header(column, f"?{params.urlencode()}", aria, action))
    return out


# --- the user's columns ---------------------------------------------------------------------
def chosen_columns(user, list_key: str, columns) -> list:
    """The columns the user chose for this list (all when nothing is stored); the first
    column (the row's link) always stays."""
    if not getattr(user, "pk", None) or not columns:
        return list(columns)
    pref = ListPreference.objects.filter(user=user, list_key=list_key).first()
    if pref is None or not pref.columns:
        return list(columns)
    wanted = set(pref.columns)
    shown = [c for i, c in enumerate(columns) if i == 0 or c.field in wanted]
    return shown or list(columns)


def columns_save(*, user, list_key: str, fields: list[str], allowed: list[str]) -> ListPreference:
    """Store the user's columns for a list (unknown names are refused, nothing is stored)."""
    unknown = [f for f in fields if f not in allowed]
    if unknown:
        raise ValidationError(_("Unknown column: %(name)s") % {"name": ", ".join(unknown)})
    ordered = [f for f in allowed if f in fields]
    pref, _created = ListPreference.objects.update_or_create(
        user=user, list_key=list_key, defaults={"columns": ordered}
    )
    return pref


# --- saved filters --------------------------------------------------------------------------
def filter_query(query: QueryDict) -> str:
    """The query string of a list's filter and sort (no page, no export)."""
    params = query.copy()
    for key in NOT_FILTER_PARAMS:
        params.pop(key, None)
    return params.urlencode()


def list_url(list_key: str) -> str:
    """The URL of a list named by its URL name (a name that is no list: ValidationError)."""
    try:
        url = reverse(list_key)
    except NoReverseMatch:
        raise ValidationError(_("This list does not exist."))
    view_class = getattr(resolve(url).func, "view_class", None)
    from core.views import ScopedListView

    if view_class is None or not issubclass(view_class, ScopedListView):
        raise ValidationError(_("This list does not exist."))
    return url


def saved_filter_create(*, user, list_key: str, name: str, query: str) -> SavedFilter:
    """Save the current filter of a list under a name (the same name replaces it)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    if len(name) > 80:
        raise ValidationError({"name": _("The name can have at most 80 characters.")})
    if len(query) > 2000:
        raise ValidationError(_("This filter is too long to be saved."))
    list_url(list_key)
    mine = SavedFilter.objects.filter(user=user, list_key=list_key)
    if mine.count() >= MAX_SAVED_FILTERS and not mine.filter(name=name).exists():
        raise ValidationError(
            _("At most %(n)s saved filters per list: delete one first.") % {"n": MAX_SAVED_FILTERS}
        )
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, list_key=list_key, name=name, defaults={"query": query}
    )
    return saved


def saved_filters(user, list_key: str) -> list[SavedFilter]:
    if not getattr(user, "pk", None):
        return []
    return list(SavedFilter.objects.filter(user=user, list_key=list_key)[:MAX_SAVED_FILTERS])


def saved_filter_url(saved: SavedFilter) -> str:
    url = list_url(saved.list_key)
    return f"{url}?{saved.query}" if saved.query else url


# --- export ---------------------------------------------------------------------------------
def _export_value(row, column):
    from core.templatetags.paktwerk import attr

    value = attr(row, column.field)
    if column.fmt == "bool":
        return _("yes") if value else _("no")
    if value is None:
        return ""
    if isinstance(value, str | int | Decimal | dt.date):
        return value
    return str(value)


def export_rows(queryset, columns, progress=None):
    """The rows of a list as the spreadsheet gets them (one streamed query)."""
    for index, row in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
        yield [_export_value(row, c) for c in columns]
        if progress is not None and index % CHUNK == 0:
            progress.advance(CHUNK)


def export_content(queryset, columns, fmt: str, *, title: str = "", progress=None) -> bytes:
    headers_ = [str(c.label) for c in columns]
    rows = export_rows(queryset, columns, progress)
    if fmt == "xlsx":
        return write_xlsx(headers_, rows, title=title or "Daten")
    return write_csv(headers_, rows)


def export_filename(list_key: str, fmt: str) -> str:
    stem = list_key.split(":")[-1].replace("-list", "") or "liste"
    return f"{stem}-{dt.date.today():%Y-%m-%d}.{fmt}"


def export_response(view, fmt: str):
    """The list as a file, or — above the threshold — a background job's progress page."""
    from django.shortcuts import redirect

    from core.jobs import job_start, job_url

    queryset = view.listed_queryset()
    columns = view.get_columns()
    if queryset.count() > settings.LIST_EXPORT_INLINE_MAX:
        job = job_start(
            kind="core.list_export",
            owner=view.request.user,
            title=_("Export: %(list)s") % {"list": view.get_title()},
            params={
                "list_key": view.list_key(),
                "query": filter_query(view.request.GET),
                "fmt": fmt,
            },
        )
        return redirect(job_url(job))
    content = export_content(queryset, columns, fmt, title=str(view.get_title()))
    response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
    name = export_filename(view.list_key(), fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def view_for_job(list_key: str, query: str, user):
    """The list view, set up for a user and a query, outside a request (export job)."""
    from django.test import RequestFactory

    from core.tenancy import access_for

    url = list_url(list_key)
    match = resolve(url)
    request = RequestFactory().get(url, data=QueryDict(query))
    request.user = user
    request.access = access_for(user)
    request.resolver_match = match
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    return view


@register_job("core.list_export")
def list_export_job(job, progress, *, list_key: str, query: str, fmt: str) -> dict:
    """A large export of a filtered, sorted list (same rows and columns as the page)."""
    view = view_for_job(list_key, query, job.owner)
    queryset = view.listed_queryset()
    progress.set_total(queryset.count(), message=_("Rows are being written"))
    content = export_content(
        queryset, view.get_columns(), fmt, title=str(view.get_title()), progress=progress
    )
    progress.set(progress.job.progress_total, message=_("Export finished"))
    progress.attach_file(export_filename(list_key, fmt), content)
    return {"rows": progress.job.progress_total}


def api_ordering_fields(list_view, *extra: str) -> list[str]:
    """The API's `ordering_fields` for the list page `list_view` (plus older API fields)."""
    fields = ordering_fields_for(list_view.model, list_view.columns)
    return fields + [f for f in extra if f not in fields]
