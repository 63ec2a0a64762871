"""Acceptance gaps: live check of the application form, board-level mobile cap, invoice
dates and proof-of-use deadline, API actions, pupil-count snapshot of budgets."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from funding.models import Application

pytestmark = pytest.mark.django_db


# --- gap 2: live check of the application's main form ------------------------------------
def _app_form(app, **overrides):
    data = {
        "title": app.title,
        "planned_start": "01.02.2026",
        "planned_end": "31.12.2026",
        "operator": app.operator,
        "support_scope": app.support_scope,
        "mdm": "",
        "update_policy": "",
        "response_times": "",
        "operation_financing": "",
        "decl_procurement": "on",
        "decl_no_double_funding": "on",
        "decl_operation_secured": "on",
        "place": "",
        "signatory": "",
        "version": app.version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_live_check_of_application_form_uses_typed_values_and_saves_nothing(
    world, draft, client_for
):
    client = client_for(world.user("board_staff"))
    url = reverse("funding:live-check", args=[draft.pk])
    # saved data is complete and in the period: no period finding, checklist complete
    body = client.post(url, _app_form(draft)).content.decode()
    assert "FR-ZEITRAUM" not in body and "FR-VOLLSTAENDIG" not in body
    # typed: end after the eligible period (31.12.2030), declarations unticked
    body = client.post(
        url, _app_form(draft, planned_end="01.01.2031", decl_procurement=None)
    ).content.decode()
    assert "FR-ZEITRAUM" in body and "Förderzeitraum endet am 31.12.2030" in body
    assert "FR-VOLLSTAENDIG" in body and 'data-checklist="missing"' in body
    # at the boundary: the last eligible day is fine
    body = client.post(url, _app_form(draft, planned_end="31.12.2030")).content.decode()
    assert "FR-ZEITRAUM" not in body
    # start after end, typed only
    body = client.post(
        url, _app_form(draft, planned_start="01.03.2027", planned_end="01.02.2027")
    ).content.decode()
    assert "Der Beginn liegt nach dem Ende" in body
    # an invalid typed date is reported and checked with the saved value
    body = client.post(url, _app_form(draft, planned_end="31.02.2026")).content.decode()
    assert "FR-ZEITRAUM" not in body
    assert "Not yet valid" in body or "Noch nicht gültig" in body
    fresh = Application.objects.get(pk=draft.pk)
    assert (fresh.planned_end, fresh.decl_procurement, fresh.version) == (
        draft.planned_end,
        True,
        draft.version,
    )


def test_live_check_of_application_form_refused_for_reviewer_and_foreign_board(
    world, draft, client_for
):
    url = reverse("funding:live-check", args=[draft.pk])
    assert client_for(world.user("reviewer")).post(url, _app_form(draft)).status_code == 403
    assert (
        client_for(world.user("other_board_admin")).post(url, _app_form(draft)).status_code == 404
    )


def test_application_edit_page_shows_live_panel(world, draft, client_for):
    body = (
        client_for(world.user("board_staff"))
        .get(reverse("funding:application-update", args=[draft.pk]))
        .content.decode()
    )
    assert 'id="pw-live-check"' in body and 'data-checklist="done"' in body


# --- gap 3: the mobile cap over all the board's applications in the programme --------------
from funding import rules, selectors  # noqa: E402
from funding import services as funding_services  # noqa: E402
from tests.scoping import as_actor  # noqa: E402

# The code under test runs in its actor's real tenancy scope, as behind a view.
services = as_actor(funding_services)
from funding.choices import ApplicationStatus  # noqa: E402
from funding.models import Invoice  # noqa: E402
from tests.funding.factories import ApplicationFactory, CostLineFactory  # noqa: E402

GEN = {
    1: rules.SchoolData(id=1, name="GS Nord"),
    2: rules.SchoolData(id=2, name="Sek Süd"),
    3: rules.SchoolData(id=3, name="BBS Ost", is_vocational=True),
}


def _ln(ref, school, category, gross):
    return rules.LineData(
        ref=ref,
        school_id=school,
        category=category,
        description="x",
        quantity=D("1"),
        unit_price_net=D(gross),
        vat_rate=D("0"),
    )


def _staged(own, others, stage=rules.PENDING):
    return [(rules.DRAFT, ln, ln.unit_price_net) for ln in own] + [
        (stage, ln, ln.unit_price_net) for ln in others
    ]


@pytest.mark.parametrize(
    ("other_mobile", "finding"), [("9999.99", False), ("10000.00", False), ("10000.01", True)]
)
def test_board_cap_percent_branch_at_below_above(other_mobile, finding):
    # own application alone: 30,000 of 150,000 = 20 % (ok); per school over 25,000
    own = [_ln("1", 1, "wlan", "120000"), _ln("2", 1, "mobile", "30000")]
    others = [_ln("FA-9/1", 1, "mobile", other_mobile), _ln("FA-9/2", 1, "lan", "40000")]
    for final, code, severity in (
        (False, "FR-MOBIL-TRAEGER", rules.WARNING),
        (True, "FR-MOBIL-TRAEGER-IST", rules.ERROR),
    ):
        proj = rules.mobile_projection(_staged(own, others), GEN, rules.RuleParams(), final=final)
        found = rules.check_mobile_projection(proj, own_refs=["1", "2"], own_mobile_refs=["2"])
        assert bool(found) is finding
        if finding:
            assert (found[0].code, found[0].severity, found[0].line_refs) == (
                code,
                severity,
                ("2",),
            )
            assert "40.000,01 €" in found[0].message and "GS Nord" in found[0].message


@pytest.mark.parametrize(
    ("other_mobile", "finding"), [("24999.99", False), ("25000.00", False), ("25000.01", True)]
)
def test_board_cap_per_school_branch_at_below_above(other_mobile, finding):
    # the percent branch fails for the board (school 2 has only mobile devices);
    # valid while every school stays at or below 25,000
    own = [_ln("1", 1, "wlan", "10000"), _ln("2", 1, "mobile", "2500")]
    others = [_ln("FA-9/1", 2, "mobile", other_mobile)]
    proj = rules.mobile_projection(_staged(own, others), GEN, rules.RuleParams())
    found = rules.check_mobile_projection(proj, own_mobile_refs=["2"])
    assert bool(found) is finding
    if finding:
        assert "Sek Süd" in found[0].message and "GS Nord" not in found[0].message


def test_board_cap_ignores_vocational_schools():
    own = [_ln("1", 1, "wlan", "10000"), _ln("2", 1, "mobile", "2000")]
    others = [_ln("FA-9/1", 3, "mobile", "900000")]
    proj = rules.mobile_projection(_staged(own, others), GEN, rules.RuleParams())
    assert proj.ok and rules.check_mobile_projection(proj) == []


def _other_app(world, programme, status, gross, *, approved=None):
    other = ApplicationFactory(
        school_board=world.board,
        programme=programme,
        ruleset=programme.current_ruleset(),
        status=status,
    )
    line = CostLineFactory(
        application=other,
        school=world.school,
        position=1,
        category="mobile",
        description="Notebooks",
        quantity=D("1"),
        unit_price_net=D(gross),
        vat_rate=D("0"),
        approved_amount=approved,
    )
    return other, line


@pytest.mark.parametrize(
    ("status", "gross", "warned"),
    [
        (ApplicationStatus.SUBMITTED, "17000.11", False),  # 7,999.89 + 17,000.11 = 25,000.00
        (ApplicationStatus.SUBMITTED, "17000.12", True),  # 25,000.01 at the school
        (ApplicationStatus.FORWARDED, "17000.12", True),
        (ApplicationStatus.DRAFT, "90000.00", False),  # drafts are not counted
    ],
)
def test_application_check_warns_on_board_cap(world, draft, programme, status, gross, warned):
    _other_app(world, programme, status, gross)
    result = selectors.check_for(draft.pk)
    codes = {f.code: f for f in result.findings}
    assert ("FR-MOBIL-TRAEGER" in codes) is warned
    assert "FR-MOBIL" not in codes  # the draft alone is within the cap
    if warned:
        assert codes["FR-MOBIL-TRAEGER"].severity == rules.WARNING
        assert result.totals.board_mobile.mobile_total == D("25000.01")
        assert result.ok  # a warning while planning: submission stays possible


def test_application_check_uses_approved_amount_of_decided_lines(world, draft, programme):
    _other_app(world, programme, ApplicationStatus.APPROVED, "50000.00", approved=D("17000.11"))
    result = selectors.check_for(draft.pk)
    assert "FR-MOBIL-TRAEGER" not in {f.code for f in result.findings}
    assert result.totals.board_mobile.mobile_total == D("25000.00")


@pytest.mark.parametrize(("spent", "blocked"), [("17000.11", False), ("17000.12", True)])
def test_proof_of_use_errors_on_board_cap_of_actual_spending(
    world, draft, programme, reviewer2, spent, blocked
):
    from tests.funding.test_services import acc, approve, forward, submit

    submit(world, draft)
    forward(world, draft)
    approve(draft, reviewer2)
    staff = world.user("board_staff")
    today = dt.date.today()
    for line in draft.lines.all():
        services.invoice_create(
            actor=staff,
            application=draft,
            data={
                "cost_line": line,
                "number": f"R-{line.position}",
                "date": today,
                "supplier": "Lieferant",
                "amount": line.amounts.gross,
                "paid_on": today,
            },
        )
    other, line = _other_app(world, programme, ApplicationStatus.APPROVED, "90000.00")
    Invoice.objects.create(
        application=other,
        cost_line=line,
        school_board=world.board,
        number="R-O",
        date=today,
        supplier="X",
        amount=D(spent),
    )
    # the other application's proof is in: this one is the board's final proof of use
    from funding.models import ProofOfUse

    ProofOfUse.objects.create(application=other, school_board=world.board, status="submitted")
    proof = services.proof_start(actor=staff, access=acc(staff), application=draft)
    if blocked:
        with pytest.raises(services.ValidationError) as exc:
            services.proof_submit(actor=staff, access=acc(staff), proof=proof)
        assert any("Ist-Ausgaben aller Anträge des Schulträgers" in m for m in exc.value.messages)
        proof.refresh_from_db()
        assert proof.status == "draft"
    else:
        services.proof_submit(actor=staff, access=acc(staff), proof=proof)


# --- gap 4: invoice dates, payout window, proof-of-use deadline ---------------------------
from django.core.exceptions import ValidationError  # noqa: E402

PARAMS = rules.RuleParams(
    eligible_from=dt.date(2019, 5, 17),
    eligible_until=dt.date(2024, 5, 16),
    payout_until=dt.date(2025, 12, 31),
)
TODAY_FIXED = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (dt.date(2019, 5, 16), False),
        (dt.date(2019, 5, 17), True),
        (dt.date(2019, 5, 18), True),
        (dt.date(2024, 5, 15), True),
        (dt.date(2024, 5, 16), True),
        (dt.date(2024, 5, 17), False),
    ],
)
def test_invoice_date_inside_eligible_period(day, ok):
    found = rules.check_invoice_dates(day, None, PARAMS, today=TODAY_FIXED)
    assert (found == []) is ok
    if not ok:
        assert found[0].code == "FR-RECHNUNG-ZEITRAUM" and found[0].line_refs == ("date",)
        assert "förderfähigen Zeitraums" in found[0].message


@pytest.mark.parametrize(
    ("paid", "ok"),
    [(dt.date(2025, 12, 30), True), (dt.date(2025, 12, 31), True), (dt.date(2026, 1, 1), False)],
)
def test_payment_date_inside_payout_window(paid, ok):
    found = rules.check_invoice_dates(dt.date(2024, 1, 10), paid, PARAMS, today=TODAY_FIXED)
    assert (found == []) is ok
    if not ok:
        assert found[0].code == "FR-AUSZAHLUNG-FRIST" and "31.12.2025" in found[0].message


def test_payment_before_invoice_and_future_dates_are_refused():
    codes = {
        f.code
        for f in rules.check_invoice_dates(
            dt.date(2024, 1, 10), dt.date(2024, 1, 9), PARAMS, today=TODAY_FIXED
        )
    }
    assert codes == {"FR-ZAHLUNG-DATUM"}
    open_params = rules.RuleParams()
    assert rules.check_invoice_dates(TODAY_FIXED, TODAY_FIXED, open_params, today=TODAY_FIXED) == []
    tomorrow = TODAY_FIXED + dt.timedelta(days=1)
    codes = {
        f.code
        for f in rules.check_invoice_dates(tomorrow, tomorrow, open_params, today=TODAY_FIXED)
    }
    assert codes == {"FR-RECHNUNG-ZUKUNFT", "FR-ZAHLUNG-ZUKUNFT"}


@pytest.mark.parametrize(
    ("day", "ok"),
    [(dt.date(2025, 12, 30), True), (dt.date(2025, 12, 31), True), (dt.date(2026, 1, 1), False)],
)
def test_payout_window(day, ok):
    assert (rules.check_payout_window(day, PARAMS) == []) is ok


@pytest.mark.parametrize(
    ("submitted", "late"),
    [(dt.date(2027, 3, 30), False), (dt.date(2027, 3, 31), False), (dt.date(2027, 4, 1), True)],
)
@pytest.mark.parametrize("severity", ["warning", "error"])
def test_proof_of_use_deadline(submitted, late, severity):
    params = rules.RuleParams(proof_of_use_months=3, proof_late_severity=severity)
    found = rules.check_proof_deadline(submitted, dt.date(2026, 12, 31), params)
    assert bool(found) is late
    if late:
        assert found[0].severity == severity and "31.03.2027" in found[0].message


def test_add_months_clamps_to_month_end():
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2027, 10, 31), 4) == dt.date(2028, 2, 29)


@pytest.fixture
def approved_app(world, draft, reviewer2):
    from tests.funding.test_services import approve, forward, submit

    submit(world, draft)
    forward(world, draft)
    approve(draft, reviewer2)
    return Application.objects.get(pk=draft.pk)


def test_invoice_outside_period_is_refused_and_nothing_saved(world, approved_app):
    from tests.funding.test_services import acc  # noqa: F401

    ruleset = approved_app.ruleset
    ruleset.eligible_until = dt.date.today() - dt.timedelta(days=10)
    ruleset.payout_until = dt.date.today() - dt.timedelta(days=5)
    ruleset.save()
    staff = world.user("board_staff")
    line = approved_app.lines.get(position=1)
    with pytest.raises(ValidationError) as exc:
        services.invoice_create(
            actor=staff,
            application=approved_app,
            data={
                "cost_line": line,
                "number": "R-1",
                "date": dt.date.today() - dt.timedelta(days=9),
                "supplier": "X",
                "amount": D("100.00"),
                "paid_on": dt.date.today(),
            },
        )
    assert set(exc.value.message_dict) == {"date", "paid_on"}
    assert not Invoice.objects.exists()
    # at the last eligible day, paid at the end of the payout window: accepted
    invoice = services.invoice_create(
        actor=staff,
        application=approved_app,
        data={
            "cost_line": line,
            "number": "R-2",
            "date": ruleset.eligible_until,
            "supplier": "X",
            "amount": D("100.00"),
            "paid_on": ruleset.payout_until,
        },
    )
    # a payout request after the window closed is refused, nothing changes
    with pytest.raises(ValidationError) as exc:
        services.payout_create(actor=staff, application=approved_app, invoices=[invoice])
    assert "Auszahlungszeitraum" in exc.value.messages[0]
    invoice.refresh_from_db()
    assert invoice.payout_id is None


def test_invoice_form_shows_message_at_the_field(world, approved_app, client_for):
    ruleset = approved_app.ruleset
    ruleset.eligible_until = dt.date.today() - dt.timedelta(days=10)
    ruleset.save()
    line = approved_app.lines.get(position=1)
    response = client_for(world.user("board_staff")).post(
        reverse("funding:invoice-list", args=[approved_app.pk]),
        {
            "cost_line": line.pk,
            "number": "R-1",
            "date": (dt.date.today() - dt.timedelta(days=9)).strftime("%d.%m.%Y"),
            "supplier": "X",
            "amount": "100.00",
        },
    )
    assert response.status_code == 200
    assert "nach dem Ende des förderfähigen Zeitraums" in response.content.decode()
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(("severity", "blocks"), [("warning", False), ("error", True)])
def test_late_proof_of_use_as_the_rule_set_says(world, approved_app, severity, blocks):
    from tests.funding.test_services import acc

    staff = world.user("board_staff")
    for line in approved_app.lines.all():
        services.invoice_create(
            actor=staff,
            application=approved_app,
            data={
                "cost_line": line,
                "number": f"R-{line.position}",
                "date": dt.date.today(),
                "supplier": "L",
                "amount": line.amounts.gross,
                "paid_on": dt.date.today(),
            },
        )
    ruleset = approved_app.ruleset
    ruleset.proof_of_use_months, ruleset.proof_late_severity = 1, severity
    ruleset.save()
    # the project ended two months ago: the proof was due a month ago
    decision = selectors.latest_decisions([approved_app.pk])[approved_app.pk]
    decision.period_end = rules.add_months(dt.date.today(), -2)
    decision.save()
    proof = services.proof_start(actor=staff, access=acc(staff), application=approved_app)
    if blocks:
        with pytest.raises(ValidationError) as exc:
            services.proof_submit(actor=staff, access=acc(staff), proof=proof)
        assert any("fällig" in m for m in exc.value.messages)
        proof.refresh_from_db()
        assert proof.status == "draft"
    else:
        services.proof_submit(actor=staff, access=acc(staff), proof=proof)
        from funding.documents import proof_findings

        assert "FR-VN-FRIST" in {
            f.code for f in proof_findings(Application.objects.get(pk=approved_app.pk))
        }


# --- gap 5: API for annexes (If-Match), change requests, budget actions -------------------
from funding.models import ApplicationSchool, Budget, ChangeRequest  # noqa: E402


def test_api_tpek_read_and_update_with_if_match(world, draft, api_client_for):
    entry = ApplicationSchool.objects.get(application=draft)
    url = reverse("funding-applicationschool-detail", args=[entry.pk])
    api = api_client_for(world.user("board_staff"))
    response = api.get(url)
    assert response.status_code == 200 and response.data["pedagogical_reason"]
    etag = response["ETag"]
    ok = api.patch(
        url,
        {"pedagogical_reason": "Kollaboratives Arbeiten in Klasse 7"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert ok.status_code == 200, ok.data
    assert ok.data["version"] == entry.version + 1
    stale = api.patch(
        url, {"pedagogical_reason": "Überschrieben?"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    entry.refresh_from_db()
    assert entry.pedagogical_reason == "Kollaboratives Arbeiten in Klasse 7"
    # the school staff of the school may write its TPEK too; the list is filtered
    school_api = api_client_for(world.user("school_staff"))
    listed = school_api.get(reverse("funding-applicationschool-list"), {"application": draft.pk})
    assert [r["id"] for r in listed.data["results"]] == [entry.pk]
    assert (
        school_api.patch(
            url, {"training_plan": "Fortbildung Tablets, 2 Termine"}, format="json"
        ).status_code
        == 200
    )


def test_api_tpek_foreign_board_404_reviewer_403_and_frozen_after_submit(
    world, draft, api_client_for
):
    entry = ApplicationSchool.objects.get(application=draft)
    url = reverse("funding-applicationschool-detail", args=[entry.pk])
    foreign = api_client_for(world.user("other_board_admin"))
    assert foreign.get(url).status_code == 404
    assert foreign.patch(url, {"training_plan": "x"}, format="json").status_code == 404
    reviewer = api_client_for(world.user("reviewer"))
    assert reviewer.get(url).status_code == 200
    assert reviewer.patch(url, {"training_plan": "x"}, format="json").status_code == 403
    assert (
        api_client_for(world.user("board_staff"))
        .post(reverse("funding-applicationschool-list"), {}, format="json")
        .status_code
        == 405
    )
    from tests.funding.test_services import submit

    submit(world, draft)
    response = api_client_for(world.user("board_staff")).patch(
        url, {"training_plan": "x"}, format="json"
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.training_plan != "x"


def test_api_tpek_request_and_submit_actions(world, draft, api_client_for):
    entry = ApplicationSchool.objects.get(application=draft)
    board = api_client_for(world.user("board_staff"))
    url = reverse("funding-applicationschool-request-tpek", args=[entry.pk])
    bad = board.post(url, {"deadline": "2020-01-01"}, format="json")
    assert bad.status_code == 400 and "deadline" in bad.data["errors"]
    deadline = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    assert (
        api_client_for(world.user("school_staff"))
        .post(url, {"deadline": deadline}, format="json")
        .status_code
        == 403
    )
    ok = board.post(url, {"deadline": deadline}, format="json")
    assert ok.status_code == 200 and ok.data["tpek_status"] == "requested"
    delivered = api_client_for(world.user("school_staff")).post(
        reverse("funding-applicationschool-submit-tpek", args=[entry.pk]), format="json"
    )
    assert delivered.status_code == 200 and delivered.data["tpek_status"] == "submitted"


def test_api_change_request_and_decision(world, approved_app, reviewer2, api_client_for):
    board = api_client_for(world.user("board_staff"))
    url = reverse("funding-application-change-request", args=[approved_app.pk])
    for body in ({"reason": ""}, {"reason": ["x"]}, {"reason": "a\x00b"}, {}):
        response = board.post(url, body, format="json")
        assert response.status_code == 400 and "reason" in response.data["errors"]
    assert not ChangeRequest.objects.exists()
    assert (
        api_client_for(world.user("reviewer")).post(url, {"reason": "x"}, format="json").status_code
        == 403
    )
    assert (
        api_client_for(world.user("other_board_admin"))
        .post(url, {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    created = board.post(url, {"reason": "Mehr Access Points"}, format="json")
    assert created.status_code == 201, created.data
    cr_id = created.data["id"]
    lines = board.get(reverse("funding-changerequestline-list"), {"change_request": cr_id})
    first = next(r for r in lines.data["results"] if r["position"] == 1)
    patched = board.patch(
        reverse("funding-changerequestline-detail", args=[first["id"]]),
        {"quantity": "12.00"},
        format="json",
    )
    assert patched.status_code == 200, patched.data
    submitted = board.post(reverse("funding-changerequest-submit", args=[cr_id]), format="json")
    assert submitted.status_code == 200 and submitted.data["status"] == "open"
    cr_url = reverse("funding-changerequest-decide", args=[cr_id])
    # the board cannot decide its own change request; a foreign board does not see it
    assert board.post(cr_url, {"approve": True}, format="json").status_code == 403
    assert (
        api_client_for(world.user("other_board_admin"))
        .post(cr_url, {"approve": True}, format="json")
        .status_code
        == 404
    )
    decided = api_client_for(reviewer2).post(cr_url, {"approve": True}, format="json")
    assert decided.status_code == 200 and decided.data["status"] == "approved"
    latest = selectors.latest_decisions([approved_app.pk])[approved_app.pk]
    assert latest.kind == "amendment"
    assert latest.eligible_amount == sum(ln.amounts.gross for ln in approved_app.lines.all())
    again = api_client_for(reviewer2).post(cr_url, {"approve": False}, format="json")
    assert again.status_code == 400


def test_api_budget_compute_and_set_by_hand(world, programme, api_client_for):
    world.school.pupils, world.school.counts_date = 400, dt.date(2019, 9, 1)
    world.school.save()
    admin = api_client_for(world.user("board_admin"))
    headers = {"HTTP_X_PAKTWERK_BOARD": str(world.board.pk)}
    computed = admin.post(
        reverse("funding-budget-compute"), {"programme": programme.pk}, format="json", **headers
    )
    assert computed.status_code == 200, computed.data
    assert D(computed.data["amount"]) == D("202800.00")  # 400 × 507
    assert computed.data["pupil_counts"][0]["pupils"] == 400
    bad = admin.post(
        reverse("funding-budget-set-by-hand"),
        {"programme": programme.pk, "amount": "100.001", "reason": "x"},
        format="json",
        **headers,
    )
    assert bad.status_code == 400 and "amount" in bad.data["errors"]
    no_reason = admin.post(
        reverse("funding-budget-set-by-hand"),
        {"programme": programme.pk, "amount": "7200000", "reason": ""},
        format="json",
        **headers,
    )
    assert no_reason.status_code == 400
    assert Budget.objects.get().amount == D("202800.00")
    ok = admin.post(
        reverse("funding-budget-set-by-hand"),
        {"programme": programme.pk, "amount": "7200000.00", "reason": "Zuweisung laut Erlass"},
        format="json",
        **headers,
    )
    assert ok.status_code == 200 and ok.data["is_manual"] is True
    # no edit right on the board: refused, nothing changes
    for user in ("reviewer", "school_staff"):
        response = api_client_for(world.user(user)).post(
            reverse("funding-budget-compute"), {"programme": programme.pk}, format="json", **headers
        )
        assert response.status_code == 403, user
    # another board's admin naming board A in the header works on their own board only
    response = api_client_for(world.user("other_board_admin")).post(
        reverse("funding-budget-compute"), {"programme": programme.pk}, format="json", **headers
    )
    assert response.status_code in (200, 400, 403)
    if response.status_code == 200:
        assert response.data["school_board"] == world.other_board.pk
    assert Budget.objects.get(school_board=world.board).amount == D("7200000.00")


def test_api_schema_lists_the_new_endpoints(world, api_client_for):
    schema = api_client_for(world.user("board_staff")).get("/api/v1/schema/")
    if schema.status_code == 404:
        from drf_spectacular.generators import SchemaGenerator

        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    else:
        import yaml

        paths = yaml.safe_load(schema.content)["paths"]
    for path in (
        "/api/v1/funding/application-schools/{id}/",
        "/api/v1/funding/applications/{id}/change-request/",
        "/api/v1/funding/change-requests/{id}/decide/",
        "/api/v1/funding/budgets/compute/",
        "/api/v1/funding/budgets/set-by-hand/",
    ):
        assert path in paths, path


# --- gap 6: pupil counts at the reference date stored with the budget ---------------------
def test_budget_uses_counts_at_reference_date_and_stores_them(world, programme, client_for):
    from tests.factories import SchoolFactory

    ruleset = programme.current_ruleset()
    ruleset.counts_reference_date = dt.date(2019, 9, 15)
    ruleset.save()
    school = world.school
    # counted on the reference date (at), then a later count (after the reference date)
    school.pupils, school.counts_date = 480, dt.date(2019, 9, 15)
    school.save()
    school.pupils, school.counts_date = 530, dt.date(2020, 9, 15)
    school.save()
    # counted the day before the reference date (below): used as is
    before = SchoolFactory(
        school_board=world.board,
        name="Grundschule Nord",
        pupils=200,
        counts_date=dt.date(2019, 9, 14),
    )
    # only counted after the reference date: current count used and flagged
    after = SchoolFactory(
        school_board=world.board,
        name="Sekundarschule Süd",
        pupils=100,
        counts_date=dt.date(2019, 9, 16),
    )
    budget = services.budget_compute(
        actor=world.user("board_admin"), board=world.board, programme=programme
    )
    counts = {c["school"]: c for c in budget.pupil_counts}
    assert counts[school.pk]["pupils"] == 480 and counts[school.pk]["at_reference_date"]
    assert counts[before.pk]["pupils"] == 200 and counts[before.pk]["at_reference_date"]
    assert counts[after.pk]["pupils"] == 100 and not counts[after.pk]["at_reference_date"]
    assert budget.pupils == 780 and budget.amount == D("395460.00")  # 780 × 507
    assert budget.computed_on == dt.date(2019, 9, 15)
    stored = Budget.objects.get(pk=budget.pk)
    assert stored.pupil_counts == budget.pupil_counts
    page = (
        client_for(world.user("board_staff"))
        .get(reverse("funding:budget-detail", args=[budget.pk]))
        .content.decode()
    )
    assert f'data-pupil-count="{school.pk}"' in page and "15.09.2019" in page
    # set by hand: no counts are claimed
    manual = services.budget_set_manual(
        actor=world.user("board_admin"),
        board=world.board,
        programme=programme,
        amount=D("400000.00"),
        reason="Erlass",
    )
    assert manual.pupil_counts == []


def test_budget_compute_without_schools_is_refused(world, programme):
    from schools.models import School

    School.objects.filter(school_board=world.other_board).delete()
    with pytest.raises(ValidationError):
        services.budget_compute(
            actor=world.user("other_board_admin"), board=world.other_board, programme=programme
        )
    assert not Budget.objects.filter(school_board=world.other_board).exists()


def test_documents_show_board_cap_and_proof_deadline(world, draft, programme, reviewer2):
    from core.formatting import format_money
    from core.pdf import pdf_text
    from funding.documents import application_package_pdf, proof_pdf
    from tests.funding.test_services import acc, approve, forward, submit

    _other_app(world, programme, ApplicationStatus.SUBMITTED, "17000.12")
    text = " ".join(
        pdf_text(
            application_package_pdf(Application.objects.for_document().get(pk=draft.pk))
        ).split()
    )
    assert "FR-MOBIL-TRAEGER" in text and format_money(D("25000.01")) in text
    submit(world, draft)
    forward(world, draft)
    approve(draft, reviewer2)
    staff = world.user("board_staff")
    proof = services.proof_start(actor=staff, access=acc(staff), application=draft)
    decision = selectors.latest_decisions([draft.pk])[draft.pk]
    end = decision.period_end or draft.planned_end
    due = rules.add_months(end, draft.ruleset.proof_of_use_months)
    text = " ".join(pdf_text(proof_pdf(proof)).split())
    assert f"Vorlagefrist des Verwendungsnachweises: {due:%d.%m.%Y}" in text


def test_api_check_reports_board_cap(world, draft, programme, api_client_for):
    _other_app(world, programme, ApplicationStatus.SUBMITTED, "17000.12")
    data = (
        api_client_for(world.user("board_staff"))
        .get(reverse("funding-application-check", args=[draft.pk]))
        .data
    )
    assert data["totals"]["board_mobile"]["total"] == "25000.01"
    assert data["totals"]["board_mobile"]["ok"] is False
    assert {"FR-MOBIL-TRAEGER"} <= {f["code"] for f in data["findings"]}


def test_board_cap_and_proof_queries_do_not_grow_with_other_applications(
    world, draft, programme, client_for
):
    from tests.querycount import assert_constant_queries

    client = client_for(world.user("board_staff"))
    url = reverse("funding:application-detail", args=[draft.pk])
    made = []

    def add_rows(n):
        for _ in range(n):
            other, _line = _other_app(world, programme, ApplicationStatus.SUBMITTED, "100.00")
            made.append(other)

    assert_constant_queries(lambda: client.get(url), add_rows)
    # the live check of the application form, too
    live = reverse("funding:live-check", args=[draft.pk])
    assert_constant_queries(lambda: client.post(live, _app_form(draft)), add_rows)
