"""Bulk actions on devices: choose the devices on the list, the action's fields, confirm.

Configuration over `devices.bulk.devices_bulk` (the one service): the list posts the
selection (checked ids, or every device that matches the list's filter) and the action;
this page asks for the action's fields and a confirmation, then runs the service in the
request (small selections) or as a background job with progress (large ones).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.jobs import job_url
from core.models import Job
from core.views import errors_to_form

from .bulk import ACTIONS, BulkResult, Outcome, bulk_run_or_start, clean_ids, ids_matching
from .forms import BulkForm


def _list_url(query: str = "") -> str:
    url = reverse("devices:device-list")
    return f"{url}?{query}" if query else url


class DeviceBulkView(View):
    """POST only: step 1 (from the list) shows the form, step 2 (`confirm`) runs it."""

    http_method_names = ["post"]
    template_name = "devices/bulk.html"

    def post(self, request):
        self.action = request.POST.get("action", "")
        self.query = request.POST.get("query", "")
        if self.action not in ACTIONS:
            messages.error(request, _("Choose a bulk action."))
            return HttpResponseRedirect(_list_url(self.query))
        try:
            self.ids = self.selection()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(_list_url(self.query))
        data = request.POST if "confirm" in request.POST else None
        form = BulkForm(data, action=self.action, access=request.access)
        if data is None or not form.is_valid():
            return self.form_page(form)
        return self.run(form)

    def selection(self) -> list[int]:
        if self.request.POST.get("match_filter") == "1":
            return clean_ids(
                ids_matching(self.request.access, QueryDict(self.query), request=self.request)
            )
        return clean_ids(self.request.POST.getlist("ids"))

    def form_page(self, form, status: int = 200):
        ctx = {
            "page_title": ACTIONS[self.action],
            "form": form,
            "action": self.action,
            "count": len(self.ids),
            "ids": [] if self.request.POST.get("match_filter") == "1" else self.ids,
            "match_filter": self.request.POST.get("match_filter") == "1",
            "query": self.query,
            "back_url": _list_url(self.query),
            "as_job": len(self.ids) > settings.BULK_INLINE_MAX,
            "breadcrumbs": [(_("Devices"), _list_url(self.query))],
        }
        return render(self.request, self.template_name, ctx, status=status)

    def run(self, form):
        try:
            result, job = bulk_run_or_start(
                actor=self.request.user,
                access=self.request.access,
                action=self.action,
                ids=self.ids,
                params=dict(form.cleaned_data),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_page(form, status=400)
        if job is not None:
            return HttpResponseRedirect(job_url(job))
        return result_page(self.request, result, back_url=_list_url(self.query))


def result_page(request, result: BulkResult, *, back_url: str):
    ctx = {
        "page_title": _("Result: %(action)s") % {"action": ACTIONS[result.action]},
        "result": result,
        "done": result.done,
        "refused": result.refused,
        "back_url": back_url,
        "breadcrumbs": [(_("Devices"), back_url)],
    }
    return render(request, "devices/bulk_result.html", ctx)


def bulk_job_result(request, pk):
    """The per-device summary of a bulk job, for its owner only (anyone else: 404)."""
    job = get_object_or_404(Job.objects.filter(owner=request.user, kind="devices.bulk"), pk=pk)
    data = job.result or {}
    result = BulkResult(
        action=data.get("action", job.params.get("action", "status")),
        outcomes=[Outcome(**o) for o in data.get("outcomes", [])],
        follow_up_url=data.get("follow_up_url", ""),
    )
    return result_page(request, result, back_url=_list_url())
