"""Pages of the core app: home, health check, jobs, board switch."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from core.context import SESSION_KEY, selectable_board_ids
from core.dashboard import dashboard_cards, todo_groups
from core.downloads import file_response
from core.health import health_response
from core.models import Job
from core.tenancy import directory


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        organisation = directory()
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        ctx["page_title"] = _("Overview")
        ctx["boards"] = access.restrict(organisation.board_model.objects.for_list())[:50]
        ctx["school_count"] = access.restrict(organisation.school_model.objects.all()).count()
        ctx["jobs"] = Job.objects.filter(owner=self.request.user)[:5]
        ctx["cards"] = dashboard_cards(access)
        ctx["todo"] = todo_groups(access, self.request.user)
        ctx["memberships"] = self.request.user.memberships.select_related(
            "land", "school_board", "school"
        )
        return ctx


@never_cache
def healthz(request):
    """JSON health report, 200 or 503 (public by design; normally answered by
    HealthCheckMiddleware before this view is reached)."""
    return health_response()


healthz.login_required = False


class OwnJobMixin:
    def get_queryset(self):
        return Job.objects.filter(owner=self.request.user)


class JobDetailView(OwnJobMixin, DetailView):
    template_name = "core/job_detail.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = self.object.title or _("Background job")
        return ctx


class JobStatusPartial(OwnJobMixin, DetailView):
    """htmx polls this fragment until the job has finished."""

    template_name = "core/_job_status.html"
    context_object_name = "job"


def job_result(request, pk):
    """The job's result file, for its owner only (anyone else: 404)."""
    job = get_object_or_404(Job.objects.filter(owner=request.user), pk=pk)
    return file_response(job.result_file, job.result_name)


@require_POST
def switch_board(request):
    """Choose the Schulträger the user works in (for users with several boards)."""
    try:
        board_id = int(request.POST.get("board", ""))
    except ValueError:
        board_id = None
    if board_id not in selectable_board_ids(request.access):
        raise Http404
    request.session[SESSION_KEY] = board_id
    messages.info(request, _("Working context changed."))
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)
