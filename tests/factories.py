"""factory-boy factories for the registry and users (other apps add their own modules)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from schools.choices import BoardKind, Role, RoomKind, SchoolType
from schools.models import Cooperative, Land, Membership, Room, School, SchoolBoard, Site


class LandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Land
        django_get_or_create = ("code",)

    code = "ST"
    name = "Sachsen-Anhalt"
    school_number_pattern = r"^\d{5}$"
    school_number_hint = "fünfstellig"


class SchoolBoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolBoard

    land = factory.SubFactory(LandFactory)
    name = factory.Sequence(lambda n: f"Landkreis Test {n}")
    kind = BoardKind.LANDKREIS
    city = "Teststadt"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    school_board = factory.SubFactory(SchoolBoardFactory)
    land = factory.LazyAttribute(lambda o: o.school_board.land)
    school_number = factory.Sequence(lambda n: f"{20000 + n:05d}")
    name = factory.Sequence(lambda n: f"Testschule {n}")
    school_type = SchoolType.GYMNASIUM
    city = "Teststadt"
    postal_code = "39104"
    pupils = 500
    teachers = 40
    classes = 20
    counts_date = dt.date(2026, 9, 15)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    school = factory.SubFactory(SchoolFactory)
    school_board = factory.LazyAttribute(lambda o: o.school.school_board)
    name = factory.Sequence(lambda n: f"Standort {n}")
    is_main = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    school = factory.LazyAttribute(lambda o: o.site.school)
    school_board = factory.LazyAttribute(lambda o: o.site.school_board)
    name = factory.Sequence(lambda n: f"R{100 + n}")
    kind = RoomKind.CLASSROOM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password("pw-Secret-123")


def user_with_role(role: str, org, username: str | None = None, authority: str | None = None):
    """A user holding `role` in `org` (a Land, a SchoolBoard or a School).

    Reviewers need an authority (content_check, approval, ministry); without one they
    get "approval" (the Landesverwaltungsamt, which decides).
    """
    user = UserFactory(username=username) if username else UserFactory()
    kwargs = {}
    if role == Role.REVIEWER:
        kwargs["authority"] = authority or "approval"
    elif authority:
        kwargs["authority"] = authority
    if isinstance(org, Land):
        kwargs["land"] = org
    elif isinstance(org, SchoolBoard):
        kwargs["school_board"] = org
    elif isinstance(org, School):
        kwargs["school"] = org
    elif isinstance(org, Cooperative):
        kwargs["cooperative"] = org
    Membership.objects.create(user=user, role=role, **kwargs)
    return user


__all__ = [
    "LandFactory",
    "SchoolBoardFactory",
    "SchoolFactory",
    "SiteFactory",
    "RoomFactory",
    "UserFactory",
    "user_with_role",
    "Role",
]
