"""Pages of the notifications app: inbox, preferences, to-do lists, calendar feed.

Thin: each reads through a named shape or calls one service. A notification is only
ever found among the user's own (anyone else's id answers 404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.tenancy import access_for, access_scope
from core.views import form_service_step, perform_and_redirect

from . import services
from .calendar import feed_bytes
from .forms import InboxFilterForm, PreferencesForm
from .models import Notification, Preference, UserProfile
from .todo import todo_group

INBOX_URL = "notifications:inbox"


def _own(request):
    return Notification.objects.for_recipient(request.user, request.access)


def filtered_inbox(qs, data):
    """The inbox filter (kind, read state) shared by the page and the API."""
    form = InboxFilterForm(data or None)
    if form.is_valid():
        kind, state = form.cleaned_data["kind"], form.cleaned_data["state"]
        if kind:
            qs = qs.filter(kind=kind)
        if state == "unread":
            qs = qs.filter(read_at__isnull=True)
        elif state == "read":
            qs = qs.filter(read_at__isnull=False)
    return form, qs


def inbox(request):
    form, qs = filtered_inbox(_own(request).for_list(), request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_title": _("Notifications"),
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
        },
    )


def open_notification(request, pk: int):
    """Follow a notification's link and mark it read."""
    notification = get_object_or_404(_own(request), pk=pk)
    services.mark_read(user=request.user, access=request.access, notification_ids=[pk])
    return HttpResponseRedirect(notification.url or reverse(INBOX_URL))


@require_POST
def mark_read(request, pk: int):
    get_object_or_404(_own(request), pk=pk)
    return perform_and_redirect(
        request,
        lambda: services.mark_read(user=request.user, access=request.access, notification_ids=[pk]),
        success=_("Marked as read."),
        to=reverse(INBOX_URL),
    )


@require_POST
def mark_all_read(request):
    return perform_and_redirect(
        request,
        lambda: services.mark_all_read(
            user=request.user, access=request.access, kind=request.POST.get("kind", "")
        ),
        success=_("All notifications marked as read."),
        to=reverse(INBOX_URL),
    )


def preferences(request):
    profile = services.profile_of(request.user)
    chosen = dict(Preference.objects.filter(user=request.user).values_list("kind", "delivery"))
    form = PreferencesForm(
        request.POST or None, deliveries=chosen, initial={"language": profile.language}
    )
    if request.method == "POST" and form.is_valid():
        done = form_service_step(
            request,
            form,
            lambda: services.preferences_update(actor=request.user, data=form.service_data()),
            success=_("Your notification settings were saved."),
            to=reverse("notifications:preferences"),
        )
        if done:
            return done
    feed_url = _feed_url(request, profile)
    return render(
        request,
        "notifications/preferences.html",
        {
            "page_title": _("Notification settings"),
            "form": form,
            "feed_url": feed_url,
            "profile": profile,
        },
    )


def _feed_url(request, profile) -> str:
    if not profile.feed_token:
        return ""
    return request.build_absolute_uri(reverse("notifications:feed", args=[profile.feed_token]))


@require_POST
def feed_create(request):
    return perform_and_redirect(
        request,
        lambda: services.feed_token_create(actor=request.user),
        success=_("Your calendar address was created. Any earlier address no longer works."),
        to=reverse("notifications:preferences"),
    )


@require_POST
def feed_revoke(request):
    return perform_and_redirect(
        request,
        lambda: services.feed_token_revoke(actor=request.user),
        success=_("Your calendar address was revoked."),
        to=reverse("notifications:preferences"),
    )


def todo_list(request, key: str):
    group = todo_group(request.access, request.user, key)
    if group is None:
        raise Http404
    return render(
        request, "notifications/todo_list.html", {"page_title": group.label, "group": group}
    )


@never_cache
@login_not_required
def feed(request, token: str):
    """The calendar feed behind its secret URL (no login; revoked or unknown → 404)."""
    if len(token) < 20:
        raise Http404
    profile = UserProfile.objects.select_related("user").filter(feed_token=token).first()
    if profile is None or not profile.user.is_active:
        raise Http404
    access = access_for(profile.user)
    with access_scope(access):
        body = feed_bytes(access)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="paktwerk.ics"'
    response["Last-Modified"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response
