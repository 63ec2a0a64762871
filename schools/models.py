"""School registry: Land, Schulträger, Schule, Schulstandort, Raum, and users' roles."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from simple_history.models import HistoricalRecords

from core.models import BaseModel, BoardOwnedModel, BoardScopedManager

from .choices import VOCATIONAL_TYPES, BoardKind, Role, RoomKind, SchoolType
from .querysets import BoardQuerySet, RoomQuerySet, SchoolQuerySet, SiteQuerySet


class Land(BaseModel):
    """A German state (Bundesland), e.g. Sachsen-Anhalt; reviewers are scoped to it."""

    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("e.g. ST"))
    name = models.CharField(_("name"), max_length=100, unique=True)
    school_number_pattern = models.CharField(
        _("Schulnummer pattern"),
        max_length=200,
        default=r"^\d{5,8}$",
        help_text=_("Regular expression a school number of this Land must match."),
    )
    school_number_hint = models.CharField(
        _("Schulnummer hint"), max_length=200, default=_("5 to 8 digits")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Land")
        verbose_name_plural = _("Länder")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        try:
            re.compile(self.school_number_pattern)
        except re.error as exc:
            raise ValidationError({"school_number_pattern": _("Invalid pattern: %s") % exc})


class SchoolBoard(BaseModel):
    """A school board (Schulträger): district, town or free operator; owns schools and IT."""

    land = models.ForeignKey(
        Land, on_delete=models.PROTECT, related_name="boards", verbose_name=_("Land")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=BoardKind.choices)
    official_key = models.CharField(_("Gemeindeschlüssel / reference"), max_length=20, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(5000)])
    deliveries_to_stock = models.BooleanField(
        _("delivered devices go straight into stock"),
        default=True,
        help_text=_(
            "A registered delivery puts its devices into “in stock” at once, so a delivered "
            "batch can be lent straight away."
        ),
    )
    history = HistoricalRecords()

    objects = BoardScopedManager("id", _manager_class=models.Manager.from_queryset(BoardQuerySet))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Schulträger")
        verbose_name_plural = _("Schulträger")
        constraints = [
            models.UniqueConstraint(fields=["land", "name"], name="board_name_unique_in_land")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schools:board-detail", args=[self.pk])

    @property
    def school_board_id(self) -> int:
        """A board is owned by itself (lets generic tenancy code treat it like other rows)."""
        return self.pk


class School(BoardOwnedModel):
    """A school (Schule) of a board, with its type and counts at a reference date."""

    school_number = models.CharField(_("Schulnummer"), max_length=20)
    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="+", editable=False)
    name = models.CharField(_("name"), max_length=200)
    school_type = models.CharField(_("School type"), max_length=30, choices=SchoolType.choices)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"),
        max_length=5,
        blank=True,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    pupils = models.PositiveIntegerField(_("Pupils"), default=0)
    teachers = models.PositiveIntegerField(_("Teachers"), default=0)
    classes = models.PositiveIntegerField(_("Classes"), default=0)
    counts_date = models.DateField(_("Reference date"), null=True, blank=True)
    head_teacher = models.CharField(_("School management"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(SchoolQuerySet))
    school_path = "id"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("School")
        verbose_name_plural = _("Schools")
        constraints = [
            models.UniqueConstraint(
                fields=["land", "school_number"],
                name="school_number_unique_in_land",
                violation_error_message=_("This Schulnummer already exists in this Land."),
            ),
            models.CheckConstraint(
                condition=Q(pupils__gte=0) & Q(teachers__gte=0) & Q(classes__gte=0),
                name="school_counts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_number})"

    def get_absolute_url(self) -> str:
        return reverse("schools:school-detail", args=[self.pk])

    @property
    def is_vocational(self) -> bool:
        return self.school_type in VOCATIONAL_TYPES

    @property
    def is_general_education(self) -> bool:
        return not self.is_vocational

    def clean(self):
        errors = {}
        if self.postal_code and not re.fullmatch(r"\d{5}", self.postal_code):
            errors["postal_code"] = _("A postal code has five digits.")
        land = self.land if self.land_id else None
        if land is None and self.school_board_id:
            land = SchoolBoard._base_manager.get(pk=self.school_board_id).land
            self.land = land
        if land and self.school_number:
            if not re.fullmatch(land.school_number_pattern, self.school_number):
                errors["school_number"] = _(
                    "'%(value)s' is not a valid Schulnummer in %(land)s (%(hint)s)."
                ) % {
                    "value": self.school_number,
                    "land": land.name,
                    "hint": land.school_number_hint,
                }
            else:
                with scopes_disabled():
                    taken = School.objects.filter(land=land, school_number=self.school_number)
                    if taken.exclude(pk=self.pk).exists():
                        errors["school_number"] = _(
                            "The Schulnummer %(value)s is already registered in %(land)s."
                        ) % {"value": self.school_number, "land": land.name}
        if errors:
            raise ValidationError(errors)


class Site(BoardOwnedModel):
    """A school site (Schulstandort); an application is made per site."""

    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("School"),
        editable=False,
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    is_main = models.BooleanField(_("main site"), default=False)
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(SiteQuerySet))
    school_path = "school"

    class Meta:
        ordering = ["school__name", "name", "id"]
        verbose_name = _("Schulstandort")
        verbose_name_plural = _("Schulstandorte")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="site_name_unique_in_school")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schools:site-detail", args=[self.pk])


class Room(BoardOwnedModel):
    """A room (Raum) at a site: classroom, lab, staff room, device pool, ..."""

    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        related_name="rooms",
        verbose_name=_("Schulstandort"),
        editable=False,
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="rooms", editable=False
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.CLASSROOM
    )
    building = models.CharField(_("building"), max_length=100, blank=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    seats = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    has_lan = models.BooleanField(_("LAN"), default=False)
    has_wlan = models.BooleanField(_("WLAN"), default=False)
    has_display = models.BooleanField(_("display / board"), default=False)
    history = HistoricalRecords()

    objects = BoardScopedManager(_manager_class=models.Manager.from_queryset(RoomQuerySet))
    school_path = "school"

    class Meta:
        ordering = ["school__name", "name", "id"]
        verbose_name = _("Room")
        verbose_name_plural = _("Rooms")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="room_name_unique_in_school")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schools:room-detail", args=[self.pk])


class Cooperative(BaseModel):
    """A purchasing cooperative (Genossenschaft, e.g. KITU) whose member boards order jointly."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    land = models.ForeignKey(
        Land, null=True, blank=True, on_delete=models.PROTECT, related_name="cooperatives"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Genossenschaft")
        verbose_name_plural = _("Genossenschaften")

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:cooperative-detail", args=[self.pk])


class CooperativeMember(BaseModel):
    """A board's membership (Mitgliedschaft) in a cooperative, dated by joining and leaving."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="members")
    school_board = models.ForeignKey(
        SchoolBoard, on_delete=models.CASCADE, related_name="cooperative_memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cooperative", "joined_on", "id"]
        verbose_name = _("member board")
        verbose_name_plural = _("member boards")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="coop_member_left_after_joined",
                violation_error_message=_("A board cannot leave before it joined."),
            ),
            models.UniqueConstraint(
                fields=["cooperative", "school_board", "joined_on"], name="coop_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_board} – {self.cooperative}"

    def is_member_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class ReviewAuthority(models.TextChoices):
    """Which authority of the Land a reviewer works for (DOMAIN.md §1, §5)."""

    CONTENT_CHECK = "content_check", _("LISA/LINDIUS (content check)")
    APPROVAL = "approval", _("Landesverwaltungsamt (approval)")
    MINISTRY = "ministry", _("Ministry of education (read only)")


class Membership(BaseModel):
    """A user's role (Rolle) in one organisation: a Land, a board or a school.

    Reviewers (role reviewer) also name their authority: LISA/LINDIUS checks the
    content, the Landesverwaltungsamt approves and pays, the ministry only reads.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    land = models.ForeignKey(
        Land, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    school_board = models.ForeignKey(
        SchoolBoard, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    cooperative = models.ForeignKey(
        Cooperative, null=True, blank=True, on_delete=models.CASCADE, related_name="staff"
    )
    authority = models.CharField(
        _("Authority"),
        max_length=20,
        choices=ReviewAuthority.choices,
        blank=True,
        default="",
        help_text=_(
            "Only for the Land's reviewers: which authority carries out which review steps."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="membership_org_matches_role",
                condition=(
                    Q(
                        role="reviewer",
                        land__isnull=False,
                        school_board__isnull=True,
                        school__isnull=True,
                    )
                    | Q(role="school_staff", school__isnull=False, land__isnull=True)
                    | Q(
                        role__in=["board_admin", "board_staff", "consultant"],
                        school_board__isnull=False,
                        land__isnull=True,
                        school__isnull=True,
                    )
                    | Q(
                        role="cooperative_staff",
                        cooperative__isnull=False,
                        land__isnull=True,
                        school_board__isnull=True,
                        school__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_authority_matches_role",
                condition=(
                    Q(role="reviewer", authority__in=[c.value for c in ReviewAuthority])
                    | (~Q(role="reviewer") & Q(authority=""))
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "land"],
                condition=Q(land__isnull=False),
                name="membership_unique_land",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school_board"],
                condition=Q(school_board__isnull=False),
                name="membership_unique_board",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_school",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "cooperative"],
                condition=Q(cooperative__isnull=False),
                name="membership_unique_cooperative",
            ),
        ]

    def __str__(self) -> str:
        org = self.school or self.school_board or self.land or self.cooperative
        return f"{self.user} – {self.get_role_display()} – {org}"

    def clean(self):
        super().clean()
        if self.role == "reviewer" and not self.authority:
            raise ValidationError(
                {"authority": _("Please give the authority for a reviewer of the Land.")}
            )
        if self.role != "reviewer" and self.authority:
            raise ValidationError({"authority": _("Only reviewers of the Land have an authority.")})
        self._check_separation_of_duties()

    def land_id_of_org(self) -> int | None:
        """The Land of the organisation this role is held in."""
        if self.role == "reviewer":
            return self.land_id
        if self.role == "cooperative_staff":
            return None  # the cooperative's staff act for no board and review nothing
        with scopes_disabled():  # a fact about the organisation, not the caller's scope
            if self.school_id:
                return School.objects.filter(pk=self.school_id).values_list("land_id", flat=True)[0]
            return SchoolBoard.objects.filter(pk=self.school_board_id).values_list(
                "land_id", flat=True
            )[0]

    def _check_separation_of_duties(self) -> None:
        """Nobody acts for a board and for the state in the same Land (DOMAIN §5a)."""
        if not self.user_id:
            return
        land_id = self.land_id_of_org()
        others = Membership.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        if self.role == "reviewer":
            clash = others.filter(
                Q(school_board__land_id=land_id) | Q(school__land_id=land_id)
            ).exists()
        else:
            clash = others.filter(role="reviewer", land_id=land_id).exists()
        if clash:
            raise ValidationError(
                _(
                    "Separation of duties: nobody may act for a Schulträger and review for "
                    "the state in the same Land."
                ),
                code="separation_of_duties",
            )


class Invitation(BaseModel):
    """An invitation (Einladung) to a role on a board or one of its schools, by e-mail.

    The invited person accepts it with their own account (consent); the board never
    learns whether an account exists for the address, nor its name.
    """

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    school_board = models.ForeignKey(
        SchoolBoard, on_delete=models.CASCADE, related_name="invitations", editable=False
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    #: SHA-256 of the token in the link; the token itself is never stored
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
