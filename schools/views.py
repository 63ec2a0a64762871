"""Registry pages: configuration over core.views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.pdf import pdf_response
from core.views import (
    Column,
    ScopedChildCreateView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    errors_to_form,
    get_visible_or_404,
)

from . import permissions, services
from .documents import school_sheet_pdf
from .filters import BoardFilter, RoomFilter, SchoolFilter
from .forms import (
    BoardForm,
    InvitationAccountForm,
    InvitationForm,
    RoomForm,
    SchoolForm,
    SiteForm,
)
from .models import Invitation, Membership, Room, School, SchoolBoard, Site

SCHOOL_COLUMNS = [
    Column("name", _("name"), link=True),
    Column("school_number", _("Schulnummer")),
    Column("school_type", _("School type")),
    Column("city", _("city")),
    Column("pupils", _("Pupils"), fmt="number", numeric=True),
    Column("school_board.name", _("Schulträger")),
]
ROOM_COLUMNS = [
    Column("name", _("name"), link=True),
    Column("kind", _("kind")),
    Column("school.name", _("School")),
    Column("site.name", _("Schulstandort")),
    Column("has_wlan", _("WLAN"), fmt="bool"),
    Column("has_display", _("display / board"), fmt="bool"),
]


class BoardListView(ScopedListView):
    model = SchoolBoard
    filterset_class = BoardFilter
    title = _("School boards")
    columns = [
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("city", _("city")),
        Column("school_count", _("Schools"), fmt="number", numeric=True),
    ]


class BoardDetailView(ScopedDetailView):
    model = SchoolBoard
    template_name = "schools/board_detail.html"
    fields_shown = [
        Column("kind", _("kind")),
        Column("land.name", _("Land")),
        Column("official_key", _("Gemeindeschlüssel / reference")),
        Column("street", _("street")),
        Column("postal_code", _("postal code")),
        Column("city", _("city")),
        Column("email", _("e-mail")),
        Column("phone", _("phone")),
        Column("deliveries_to_stock", _("delivered devices go straight into stock"), fmt="bool"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_edit_board(self.request.access, self.object)
        ctx["can_manage_members"] = permissions.can_manage_members(self.request.access, self.object)
        ctx["schools"] = self.request.access.restrict(
            School.objects.for_list().filter(school_board=self.object)
        )
        ctx["columns"] = SCHOOL_COLUMNS[:-1]
        return ctx


class BoardUpdateView(ScopedUpdateView):
    model = SchoolBoard
    form_class = BoardForm

    def can_edit(self, obj):
        return permissions.can_edit_board(self.request.access, obj)

    def perform(self, form):
        return services.board_update(
            actor=self.request.user, board=self.object, data=form.cleaned_data
        )


class SchoolListView(ScopedListView):
    model = School
    filterset_class = SchoolFilter
    title = _("Schools")
    create_url = "schools:school-create"
    export_kind = "schools"
    columns = SCHOOL_COLUMNS
    extra_actions = [(_("Rooms"), "schools:room-list"), (_("School boards"), "schools:board-list")]


class SchoolDetailView(ScopedDetailView):
    model = School
    queryset_shape = "for_detail"
    template_name = "schools/school_detail.html"
    school_staff_may_edit = False
    fields_shown = [
        Column("school_number", _("Schulnummer")),
        Column("school_type", _("School type")),
        Column("school_board.name", _("Schulträger")),
        Column("street", _("street")),
        Column("postal_code", _("postal code")),
        Column("city", _("city")),
        Column("pupils", _("Pupils"), fmt="number"),
        Column("teachers", _("Teachers"), fmt="number"),
        Column("classes", _("Classes"), fmt="number"),
        Column("counts_date", _("Reference date"), fmt="date"),
        Column("head_teacher", _("School management")),
        Column("email", _("e-mail")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access = self.request.access
        ctx["sites"] = access.restrict(Site.objects.for_list().filter(school=self.object))
        ctx["rooms"] = access.restrict(Room.objects.for_list().filter(school=self.object))
        ctx["room_columns"] = [c for c in ROOM_COLUMNS if c.field != "school.name"]
        return ctx


class SchoolCreateView(ScopedCreateView):
    model = School
    form_class = SchoolForm
    title = _("New school")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = School(school_board=self.board, land=self.board.land)
        return kwargs

    def perform(self, form):
        return services.school_create(
            actor=self.request.user, board=self.board, data=form.cleaned_data
        )


class SchoolUpdateView(ScopedUpdateView):
    model = School
    form_class = SchoolForm
    school_staff_may_edit = False

    def perform(self, form):
        return services.school_update(
            actor=self.request.user, school=self.object, data=form.cleaned_data
        )


def school_sheet(request, pk):
    school = get_visible_or_404(request, School, pk=pk)
    school = School.objects.for_document().get(pk=school.pk)
    return pdf_response(school_sheet_pdf(school), f"schulstammblatt-{school.school_number}.pdf")


class SiteDetailView(ScopedDetailView):
    model = Site
    template_name = "schools/site_detail.html"
    school_staff_may_edit = False
    fields_shown = [
        Column("school.name", _("School")),
        Column("street", _("street")),
        Column("postal_code", _("postal code")),
        Column("city", _("city")),
        Column("is_main", _("main site"), fmt="bool"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rooms"] = self.request.access.restrict(
            Room.objects.for_list().filter(site=self.object)
        )
        ctx["room_columns"] = [
            c for c in ROOM_COLUMNS if c.field not in ("school.name", "site.name")
        ]
        ctx["can_add_room"] = permissions.can_edit_room(self.request.access, self.object)
        return ctx


class SiteCreateView(ScopedChildCreateView):
    model = Site
    parent_model = School
    form_class = SiteForm
    school_staff_may_edit = False
    title = _("New site")

    def perform(self, form):
        return services.site_create(
            actor=self.request.user, school=self.parent, data=form.cleaned_data
        )


class SiteUpdateView(ScopedUpdateView):
    model = Site
    form_class = SiteForm
    school_staff_may_edit = False

    def perform(self, form):
        return services.site_update(
            actor=self.request.user, site=self.object, data=form.cleaned_data
        )


class RoomListView(ScopedListView):
    model = Room
    filterset_class = RoomFilter
    title = _("Rooms")
    export_kind = "rooms"
    columns = ROOM_COLUMNS


class RoomDetailView(ScopedDetailView):
    model = Room
    fields_shown = [
        Column("kind", _("kind")),
        Column("school.name", _("School")),
        Column("site.name", _("Schulstandort")),
        Column("building", _("building")),
        Column("floor", _("floor")),
        Column("seats", _("seats"), fmt="number"),
        Column("has_lan", _("LAN"), fmt="bool"),
        Column("has_wlan", _("WLAN"), fmt="bool"),
        Column("has_display", _("display / board"), fmt="bool"),
    ]
    template_name = "schools/room_detail.html"


class RoomCreateView(ScopedChildCreateView):
    model = Room
    parent_model = Site
    form_class = RoomForm
    title = _("New room")

    def perform(self, form):
        return services.room_create(
            actor=self.request.user, site=self.parent, data=form.cleaned_data
        )


class RoomUpdateView(ScopedUpdateView):
    model = Room
    form_class = RoomForm

    def perform(self, form):
        return services.room_update(
            actor=self.request.user, room=self.object, data=form.cleaned_data
        )


def school_breadcrumbs(school):
    return [(_("Schools"), reverse("schools:school-list")), (str(school), None)]


class BoardMembersView(ScopedDetailView):
    """Users and roles of a board (Benutzer und Rollen): board admins only."""

    model = SchoolBoard
    template_name = "schools/board_members.html"

    def get_object(self, queryset=None):
        board = super().get_object(queryset)
        if not permissions.can_manage_members(self.request.access, board):
            raise PermissionDenied
        return board

    def get_title(self):
        return _("Users and roles – %s") % self.object

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = []
        ctx["memberships"] = (
            Membership.objects.filter(
                Q(school_board=self.object) | Q(school__school_board=self.object)
            )
            .select_related("user", "school")
            .order_by("user__last_name", "user__username", "role")
        )
        ctx["invitations"] = [
            i
            for i in Invitation.objects.filter(school_board=self.object).select_related("school")
            if i.is_open
        ]
        ctx["form"] = kwargs.get("form") or InvitationForm(board=self.object)
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = InvitationForm(request.POST, board=self.object)
        if form.is_valid():
            try:
                services.invitation_create(
                    actor=request.user, board=self.object, **form.cleaned_data
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("schools:board-members", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))


@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(
        Invitation.objects.filter(school_board__in=request.access.admin_board_ids), pk=pk
    )
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("schools:board-members", pk=invitation.school_board_id)


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(TemplateView):
    """Public by design: the person behind an invitation link accepts it (consent)."""

    template_name = "schools/invitation_accept.html"

    def dispatch(self, request, *args, token, **kwargs):
        self.token = token
        self.invitation = services.invitation_for_token(token)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["invitation"] = self.invitation
        ctx["page_title"] = _("Invitation")
        if self.invitation and not self.request.user.is_authenticated:
            ctx["form"] = kwargs.get("form") or InvitationAccountForm()
        return ctx

    def post(self, request, *args, **kwargs):
        if self.invitation is None:
            return self.get(request, *args, **kwargs)
        if request.user.is_authenticated:
            return self._accept(request)
        form = InvitationAccountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.account_create_for_invitation(
                    token=self.token,
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password1"],
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Your account is ready. Please log in."))
                return redirect("login")
        return self.render_to_response(self.get_context_data(form=form))

    def _accept(self, request):
        try:
            services.invitation_accept(user=request.user, token=self.token)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return redirect("schools:invitation-accept", token=self.token)
        messages.success(request, _("Invitation accepted."))
        return redirect("home")


@require_POST
def membership_revoke(request, pk):
    boards = request.access.admin_board_ids
    membership = get_object_or_404(
        Membership.objects.filter(Q(school_board__in=boards) | Q(school__school_board__in=boards)),
        pk=pk,
    )
    board_id = membership.school_board_id or membership.school.school_board_id
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Role removed."))
    return redirect("schools:board-members", pk=board_id)
