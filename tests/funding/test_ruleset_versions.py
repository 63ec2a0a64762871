"""Rule-set versions (issue 11 point 5): a version takes effect on its date; publishing
migrates open drafts (with the changed parameters and a new check); a version may apply
to submitted applications too (deadline extension); any two versions can be compared;
publishing is a state-side act, logged. Two programmes, three boards."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import StatusChange
from core.tenancy import access_for
from funding import selectors
from funding import services as funding_services
from funding.models import Application, RuleSet
from funding.schedules import rulesets_take_effect_today
from tests.factories import LandFactory, SchoolFactory, user_with_role
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
    complete_school,
)
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
services = as_actor(funding_services)
TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def ministry(world):
    return user_with_role("reviewer", world.land, "mb_ministry", authority="ministry")


@pytest.fixture
def setup(world):
    """Programme P (deadline passed yesterday) and Q, three boards with a draft in each."""
    p = ProgrammeFactory(land=world.land)
    RuleSetFactory(programme=p, application_deadline=YESTERDAY)
    q = ProgrammeFactory(land=world.land, code="dp2-st", name="DigitalPakt 2.0 (ST)")
    RuleSetFactory(programme=q, application_deadline=YESTERDAY)
    third = SchoolFactory(school_board__land=world.land).school_board
    schools = {
        world.board: world.school,
        world.other_board: world.other_school,
        third: SchoolFactory(school_board=third),
    }
    drafts = {}
    for board, school in schools.items():
        for programme in (p, q):
            drafts[(board, programme)] = draft_in(programme, board, school)
    return p, q, schools, drafts


def draft_in(programme, board, school, status="draft"):
    app = ApplicationFactory(
        school_board=board,
        programme=programme,
        ruleset=programme.rulesets.get(number=1),
        status=status,
    )
    complete_school(app, school)
    CostLineFactory(application=app, school=school, position=1)
    return app


def extension(programme, *, days=180, **extra):
    """A draft version of the programme that extends the deadline."""
    return funding_services.ruleset_revise(
        actor=None,
        ruleset=programme.rulesets.get(number=1),
        data={
            "application_deadline": TODAY + dt.timedelta(days=days),
            "change_note": "Fristverlängerung",
            **extra,
        },
    )


def publish(user, ruleset, **kwargs):
    return services.ruleset_publish(actor=user, access=access_for(user), ruleset=ruleset, **kwargs)


def codes(app):
    return {f.code for f in selectors.check_for(app.pk).findings}


def test_publishing_migrates_open_drafts_with_the_changes_and_a_new_check(world, setup, ministry):
    p, q, schools, drafts = setup
    for app in drafts.values():
        assert "FR-FRIST" in codes(app)  # the deadline passed yesterday
    v2 = extension(p)
    assert v2.status == "draft" and p.current_ruleset().number == 1
    for board in schools:
        assert "FR-FRIST" in codes(drafts[(board, p)])  # a draft version applies to nobody
    publish(ministry, v2)
    for board in schools:
        app = Application.objects.get(pk=drafts[(board, p)].pk)
        assert app.ruleset_id == v2.pk
        assert "FR-FRIST" not in codes(app)
        switch = selectors.ruleset_switches(app)[0]
        assert switch.data["from"] == 1 and switch.data["to"] == 2
        assert [c["field"] for c in switch.data["changes"]] == ["application_deadline"]
        assert "FR-FRIST" in {f["code"] for f in switch.data["findings_before"]}
        assert "FR-FRIST" not in {f["code"] for f in switch.data["findings_after"]}
        # the other programme's drafts keep their version
        other = Application.objects.get(pk=drafts[(board, q)].pk)
        assert other.ruleset.number == 1 and "FR-FRIST" in codes(other)
    # publication is logged with who and when
    log = StatusChange.objects.get(action="publish", object_id=v2.pk)
    assert log.actor == ministry and log.to_status == "published"
    assert log.data["effective_from"] == TODAY.isoformat()


def test_a_version_with_a_future_date_does_not_apply_before_it(world, setup, ministry):
    p, _q, schools, drafts = setup
    v2 = extension(p)
    publish(ministry, v2, effective_from=TODAY + dt.timedelta(days=1))
    assert p.current_ruleset().number == 1
    assert p.ruleset_on(TODAY + dt.timedelta(days=1)) == v2
    assert rulesets_take_effect_today().startswith("0 ")
    for board in schools:
        app = Application.objects.get(pk=drafts[(board, p)].pk)
        assert app.ruleset.number == 1 and "FR-FRIST" in codes(app)
    # its day comes (moved to today here): the check and the scheduled job take it up
    RuleSet.objects.filter(pk=v2.pk).update(valid_from=TODAY)
    app = Application.objects.get(pk=drafts[(world.board, p)].pk)
    assert "FR-FRIST" not in codes(app)  # a draft is checked under the version in effect
    assert rulesets_take_effect_today().startswith("3 ")
    assert rulesets_take_effect_today().startswith("0 ")  # idempotent
    assert Application.objects.get(pk=app.pk).ruleset_id == v2.pk


def test_submitted_applications_switch_only_if_the_version_says_so(world, setup, ministry):
    p, _q, schools, _drafts = setup
    # an application of each board submitted before the deadline, now sent back for changes
    sent_back = {
        board: draft_in(p, board, school, status="changes_requested")
        for board, school in schools.items()
    }
    staff = world.user("board_staff")
    with pytest.raises(ValidationError) as exc:  # resubmission: the deadline has passed
        services.application_submit(
            actor=staff, access=access_for(staff), application=sent_back[world.board]
        )
    assert any(YESTERDAY.strftime("%d.%m.%Y") in m for m in exc.value.messages)
    publish(ministry, extension(p))  # not flagged: submitted ones keep their version
    assert all(Application.objects.get(pk=a.pk).ruleset.number == 1 for a in sent_back.values())
    v3 = funding_services.ruleset_revise(
        actor=None,
        ruleset=p.current_ruleset(),
        data={"change_note": "Verlängerung auch für eingereichte Anträge"},
    )
    publish(ministry, v3, applies_to_submitted=True)
    for app in sent_back.values():
        assert Application.objects.get(pk=app.pk).ruleset_id == v3.pk
    resubmitted = services.application_submit(
        actor=staff, access=access_for(staff), application=sent_back[world.board]
    )
    assert resubmitted.status == "submitted"


def test_decided_applications_keep_their_version(world, setup, ministry):
    p, _q, _schools, _drafts = setup
    decided = draft_in(p, world.board, world.school, status="approved")
    publish(ministry, extension(p, applies_to_submitted=True))
    assert Application.objects.get(pk=decided.pk).ruleset.number == 1


def test_submission_fixes_the_version_in_effect(world, setup, ministry):
    p, _q, _schools, drafts = setup
    v2 = extension(p)
    publish(ministry, v2)
    app = drafts[(world.board, p)]
    staff = world.user("board_staff")
    services.application_submit(actor=staff, access=access_for(staff), application=app)
    app.refresh_from_db()
    assert app.ruleset_id == v2.pk and app.status == "submitted"


# --- who publishes, and when -------------------------------------------------------------
def test_only_the_state_side_publishes(world, setup):
    from schools.models import Membership

    p, _q, _schools, _drafts = setup
    v2 = extension(p)
    content = user_with_role("reviewer", world.land, authority="content_check")
    foreign = user_with_role(
        "reviewer", LandFactory(code="SH", name="Schleswig-Holstein"), authority="ministry"
    )
    double = user_with_role("reviewer", world.land, authority="ministry")
    Membership.objects.create(user=double, role="board_staff", school_board=world.board)
    for user in (world.user("board_admin"), content, foreign, double):
        with pytest.raises(PermissionDenied):
            publish(user, v2)
    assert RuleSet.objects.get(pk=v2.pk).status == "draft"
    assert not StatusChange.objects.filter(action="publish").exists()


def test_effective_dates_move_forward_only(world, setup, ministry):
    p, _q, _schools, _drafts = setup
    v2 = extension(p)
    with pytest.raises(ValidationError) as exc:
        publish(ministry, v2, effective_from=YESTERDAY)
    assert "valid_from" in exc.value.message_dict
    publish(ministry, v2, effective_from=TODAY + dt.timedelta(days=10))
    v3 = funding_services.ruleset_revise(actor=None, ruleset=v2, data={"change_note": "Korrektur"})
    with pytest.raises(ValidationError):  # before v2's date
        publish(ministry, v3, effective_from=TODAY + dt.timedelta(days=9))
    publish(ministry, v3, effective_from=TODAY + dt.timedelta(days=10))
    assert p.ruleset_on(TODAY + dt.timedelta(days=10)) == v3
    with pytest.raises(ValidationError):  # published once
        publish(ministry, RuleSet.objects.get(pk=v3.pk))


# --- comparing versions ------------------------------------------------------------------
def test_any_two_versions_compare_side_by_side(world, setup, ministry, client_for, api_client_for):
    p, q, _schools, _drafts = setup
    v2 = extension(p, plan_tolerance_percent=D("15"))
    rows = {r["field"]: r for r in selectors.ruleset_comparison(p.rulesets.get(number=1), v2)}
    assert rows["application_deadline"]["changed"]
    assert rows["plan_tolerance_percent"]["changed"]
    assert (
        rows["plan_tolerance_percent"]["a"] == "20" and rows["plan_tolerance_percent"]["b"] == "15"
    )
    assert not rows["funding_rate"]["changed"]
    page = client_for(world.user("board_staff")).get(
        reverse("funding:ruleset-compare", args=[p.pk]),
        {"a": p.rulesets.get(number=1).pk, "b": v2.pk},
    )
    assert page.status_code == 200 and page.content.decode().count("pw-changed") == 2
    api = api_client_for(world.user("board_staff"))
    response = api.get(
        reverse("funding-ruleset-compare", args=[v2.pk]), {"other": q.rulesets.get().pk}
    )
    assert response.status_code == 200
    assert any(r["changed"] for r in response.data["parameters"])
    assert (
        api.get(reverse("funding-ruleset-compare", args=[v2.pk]), {"other": "x"}).status_code == 400
    )


def test_api_publish(world, setup, ministry, api_client_for):
    p, _q, _schools, drafts = setup
    v2 = extension(p)
    url = reverse("funding-ruleset-publish", args=[v2.pk])
    assert api_client_for(world.user("board_admin")).post(url, {}, format="json").status_code == 403
    bad = api_client_for(ministry).post(url, {"effective_from": 20270101}, format="json")
    assert bad.status_code == 400
    ok = api_client_for(ministry).post(
        url, {"effective_from": TODAY.isoformat(), "applies_to_submitted": False}, format="json"
    )
    assert ok.status_code == 200 and ok.data["status"] == "published"
    assert Application.objects.get(pk=drafts[(world.board, p)].pk).ruleset_id == v2.pk
