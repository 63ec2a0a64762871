"""The user's settings of a list: chosen columns and named filters (core.listing)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import listing
from core.models import SavedFilter


def _list_url_or_404(list_key: str) -> str:
    try:
        return listing.list_url(list_key)
    except ValidationError:
        raise Http404


def _columns_of(list_key: str) -> list[str]:
    from django.urls import resolve

    view_class = resolve(_list_url_or_404(list_key)).func.view_class
    return [c.field for c in view_class.columns]


@require_POST
def list_columns(request):
    """Store the columns the user chose for a list, then show the list again."""
    list_key = request.POST.get("list_key", "")
    url = _list_url_or_404(list_key)
    query = request.POST.get("query", "")
    try:
        listing.columns_save(
            user=request.user,
            list_key=list_key,
            fields=request.POST.getlist("columns"),
            allowed=_columns_of(list_key),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Columns saved."))
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@require_POST
def saved_filter_create(request):
    """Save the list's current filter and sort order under a name."""
    list_key = request.POST.get("list_key", "")
    url = _list_url_or_404(list_key)
    query = request.POST.get("query", "")
    try:
        listing.saved_filter_create(
            user=request.user, list_key=list_key, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Filter saved."))
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


def _own_filter(request, pk) -> SavedFilter:
    # another user's saved filter is 404, never 403: its existence is not disclosed
    return get_object_or_404(SavedFilter.objects.filter(user=request.user), pk=pk)


def saved_filter_open(request, pk):
    """Open a list with one of the user's saved filters."""
    saved = _own_filter(request, pk)
    try:
        return HttpResponseRedirect(listing.saved_filter_url(saved))
    except ValidationError:
        raise Http404


@require_POST
def saved_filter_delete(request, pk):
    saved = _own_filter(request, pk)
    url = _list_url_or_404(saved.list_key)
    saved.delete()
    messages.success(request, _("Filter deleted."))
    return HttpResponseRedirect(url)


#: fields of the confirmation button itself (core/_confirm_button.html), never re-posted
CONFIRM_FIELDS = ("_confirm_question", "_confirm_label", "_confirm_next")


def _same_site(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_POST
def confirm(request):
    """The confirmation page when JavaScript is off: the same question as the dialog, and a
    form that posts the original fields (with their CSRF token) to the original action."""
    target = request.POST.get("_confirm_next", "")
    if not _same_site(request, target) or not target.startswith("/"):
        raise Http404
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in CONFIRM_FIELDS
        for value in values
    ]
    referer = request.META.get("HTTP_REFERER", "")
    ctx = {
        "page_title": _("Please confirm"),
        "question": request.POST.get("_confirm_question", "")[:500],
        "label": request.POST.get("_confirm_label", "")[:100] or _("Confirm"),
        "next": target,
        "fields": fields,
        "back_url": referer if _same_site(request, referer) else target,
    }
    return render(request, "core/confirm.html", ctx)
