"""Numbers (DOMAIN §5a): application numbers unique in the Land; notice numbers belong to
the approving authority — unique per authority and year, pattern configurable."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.tenancy import access_for
from funding import services
from funding.models import Application, Authority, Budget, Decision
from tests.factories import SchoolBoardFactory, SchoolFactory, user_with_role
from tests.funding.factories import ApplicationFactory, CostLineFactory, complete_school

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _forwarded_application(world, programme, board, school):
    from decimal import Decimal

    Budget.objects.get_or_create(
        school_board=board, programme=programme, defaults={"amount": Decimal("1000000.00")}
    )
    staff = user_with_role("board_staff", board)
    app = ApplicationFactory(
        school_board=board,
        programme=programme,
        ruleset=programme.current_ruleset(),
        number=services._next_number(board, TODAY.year),
    )
    complete_school(app, school)
    CostLineFactory(application=app, school=school, position=1)
    services.application_submit(actor=staff, access=access_for(staff), application=app)
    checker = world.user("reviewer")
    services.application_forward(
        actor=checker, access=access_for(checker), application=Application.objects.get(pk=app.pk)
    )
    return Application.objects.get(pk=app.pk)


@pytest.fixture
def three_boards(world):
    third = SchoolBoardFactory(land=world.land, name="Stadt Gamma", official_key="15003000")
    return [
        (world.board, world.school),
        (world.other_board, world.other_school),
        (third, SchoolFactory(school_board=third, name="Gamma-Schule")),
    ]


def test_three_boards_are_decided_in_one_year(world, programme, reviewer2, three_boards):
    apps = [_forwarded_application(world, programme, b, s) for b, s in three_boards]
    numbers = {a.number for a in apps}
    assert len(numbers) == 3, numbers  # unique in the Land, not per board
    authority = services.approving_authority(world.land)
    notices = []
    for app in apps:
        preview = services.preview_notice_number(world.land, TODAY.year)
        decision = services.decision_make(
            actor=reviewer2,
            access=access_for(reviewer2),
            application=app,
            kind="full",
            date=TODAY,
        )
        assert decision.number == preview  # the approver saw the real file reference
        assert decision.authority == authority
        notices.append(decision.number)
    assert notices == [f"ZB-{TODAY.year}-{n:05d}" for n in (1, 2, 3)]


def test_pattern_is_configurable_per_authority(world, programme, reviewer2):
    Authority.objects.create(
        land=world.land,
        kind="approval",
        name="Landesverwaltungsamt Referat 306",
        notice_number_pattern="306-{land}-{year}/{seq:03d}",
    )
    app = _forwarded_application(world, programme, world.board, world.school)
    decision = services.decision_make(
        actor=reviewer2, access=access_for(reviewer2), application=app, kind="full", date=TODAY
    )
    assert decision.number == f"306-ST-{TODAY.year}/001"


@pytest.mark.parametrize("pattern", ["ZB-{year}", "ZB-{jahr}-{seq}", "ZB-{seq:05q}", "{0}{seq}"])
def test_unusable_pattern_is_refused_at_the_field(world, pattern):
    authority = Authority(land=world.land, name="LVwA", notice_number_pattern=pattern)
    with pytest.raises(ValidationError) as exc:
        authority.full_clean()
    assert "notice_number_pattern" in exc.value.message_dict


def test_numbers_restart_each_year_and_a_typed_duplicate_is_refused(world, programme, reviewer2):
    app = _forwarded_application(world, programme, world.board, world.school)
    last_year = TODAY.replace(year=TODAY.year - 1, day=min(TODAY.day, 28))
    assert services.preview_notice_number(world.land, last_year.year).endswith("-00001")
    decision = services.decision_make(
        actor=reviewer2, access=access_for(reviewer2), application=app, kind="full", date=TODAY
    )
    other = _forwarded_application(world, programme, world.other_board, world.other_school)
    with pytest.raises(ValidationError):
        services.decision_make(
            actor=reviewer2,
            access=access_for(reviewer2),
            application=other,
            kind="full",
            date=TODAY,
            number=decision.number,
        )
    assert Decision.objects.count() == 1


def test_application_numbers_carry_the_board_key(world, programme, budget):
    staff = world.user("board_staff")
    world.board.official_key = "15 0 85"
    world.board.save()
    app = services.application_create(
        actor=staff, board=world.board, programme=programme, data={"title": "A"}
    )
    assert app.number == f"FA-{TODAY.year}-15085-0001"
    other = ApplicationFactory(
        school_board=world.other_board, programme=programme, ruleset=programme.current_ruleset()
    )
    assert other.number != app.number


def test_decide_page_shows_the_file_reference_before_issuing(
    world, programme, reviewer2, client_for
):
    from django.urls import reverse

    app = _forwarded_application(world, programme, world.board, world.school)
    page = client_for(reviewer2).get(reverse("funding:decide", args=[app.pk]))
    assert page.status_code == 200
    expected = services.preview_notice_number(world.land, TODAY.year)
    assert expected in page.content.decode()
    assert not Authority.objects.exists()  # reading writes nothing
    decision = services.decision_make(
        actor=reviewer2, access=access_for(reviewer2), application=app, kind="full", date=TODAY
    )
    assert decision.number == expected
