"""Documents read back: the Zuwendungsbescheid as an administrative act in its four kinds
(two boards under two approving authorities), the application package's parts and cost
plan, and the PDF structure of both variants (pikepdf)."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest

from core.pdf import pdf_text
from core.tenancy import access_for
from funding import services as funding_services
from funding.documents import (
    DEFAULT_LEGAL_REMEDY,
    application_package_context,
    application_package_pdf,
    decision_context,
    decision_pdf,
)
from funding.models import Application, Authority, Budget, CostLine, Decision
from funding.rules import line_amounts, unit_price_gross
from schools.choices import Role
from tests.factories import LandFactory, SchoolBoardFactory, SchoolFactory, user_with_role
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
    complete_school,
)
from tests.pdfcheck import structure
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
services = as_actor(funding_services)
DATE = dt.date(2026, 3, 16)


def flat(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


class Office:
    """One Land with its approving authority, a board with a school, and the three people a
    decision needs: the board's case worker, the content checker and the approver."""

    def __init__(self, *, code, land_name, board_name, school_name, authority, programme_code):
        self.land = LandFactory(code=code, name=land_name)
        self.board = SchoolBoardFactory(
            land=self.land, name=board_name, street="Hauptstraße 1", postal_code="39104"
        )
        self.school = SchoolFactory(school_board=self.board, name=school_name)
        self.authority = Authority.objects.create(land=self.land, kind="approval", **authority)
        self.programme = ProgrammeFactory(
            code=programme_code, land=self.land, name=f"DigitalPakt Schule ({land_name})"
        )
        RuleSetFactory(programme=self.programme, valid_from=dt.date(2019, 10, 1))
        Budget.objects.create(
            school_board=self.board, programme=self.programme, amount=D("500000.00")
        )
        self.staff = user_with_role(Role.BOARD_STAFF, self.board, f"{code}_staff")
        self.checker = user_with_role(
            Role.REVIEWER, self.land, f"{code}_checker", authority="content_check"
        )
        self.approver = user_with_role(Role.REVIEWER, self.land, f"{code}_approver")

    def application(self) -> Application:
        app = ApplicationFactory(
            school_board=self.board,
            programme=self.programme,
            ruleset=self.programme.current_ruleset(),
            title=f"Digitale Ausstattung {self.school.name}",
        )
        complete_school(app, self.school)
        CostLineFactory(application=app, school=self.school, position=1)
        CostLineFactory(
            application=app,
            school=self.school,
            position=2,
            category="display",
            description="Interaktives Display 75 Zoll",
            quantity=D("2"),
            unit_price_net=D("3781.51"),
        )
        services.application_submit(
            actor=self.staff, access=access_for(self.staff), application=app
        )
        services.application_forward(
            actor=self.checker, access=access_for(self.checker), application=app
        )
        return Application.objects.get(pk=app.pk)

    def decide(self, kind: str) -> Decision:
        app = self.application()
        first, second = app.lines.order_by("position")
        make = {"actor": self.approver, "access": access_for(self.approver), "application": app}
        if kind == "rejection":
            return services.decision_make(
                **make,
                kind="rejection",
                date=DATE,
                reason="Kein Medienbildungskonzept beschlossen.",
            )
        if kind == "partial":
            return services.decision_make(
                **make,
                kind="partial",
                date=DATE,
                line_amounts={first.pk: first.amounts.gross, second.pk: D("0")},
                reason="Displays sind bereits aus Landesmitteln beschafft.",
            )
        decision = services.decision_make(**make, kind="full", date=DATE)
        if kind == "full":
            return decision
        cr = services.change_request_create(
            actor=self.staff,
            access=access_for(self.staff),
            application=app,
            reason="Günstigere Displays",
        )
        first = cr.lines.order_by("position").first()
        services.change_line_save(
            actor=self.staff,
            change_request=cr,
            line=first,
            data={"unit_price_net": first.unit_price_net - D("100.00")},
        )
        services.change_request_submit(
            actor=self.staff, access=access_for(self.staff), change_request=cr
        )
        services.change_request_decide(
            actor=self.approver,
            access=access_for(self.approver),
            change_request=cr,
            approve=True,
            date=DATE + dt.timedelta(days=30),
            reason="Die Ausgaben sinken; der Zweck bleibt erreicht.",
        )
        return Decision.objects.get(application=app, kind="amendment")


@pytest.fixture
def offices(db):
    st = Office(
        code="ST",
        land_name="Sachsen-Anhalt",
        board_name="Landkreis Harz",
        school_name="Gymnasium Am Brocken",
        programme_code="dps-st",
        authority={
            "name": "Landesverwaltungsamt Sachsen-Anhalt",
            "letterhead": "Landesverwaltungsamt Sachsen-Anhalt\nReferat 306 – Schulbau- und "
            "IKT-Förderung\nMaxim-Gorki-Straße 7\n06114 Halle (Saale)",
            "legal_remedy_text": "Gegen diesen Bescheid kann innerhalb eines Monats nach "
            "Bekanntgabe Klage beim Verwaltungsgericht Halle erhoben werden.",
            "signatory": "Im Auftrag\nDr. Erika Beispiel",
            "notice_number_pattern": "306-ZB-{year}-{seq:04d}",
        },
    )
    sh = Office(
        code="SH",
        land_name="Schleswig-Holstein",
        board_name="Kreis Nordfriesland",
        school_name="Grundschule am Deich",
        programme_code="dps-sh",
        authority={
            "name": "Investitionsbank Schleswig-Holstein",
            "letterhead": "Investitionsbank Schleswig-Holstein\nFleethörn 29–31\n24103 Kiel",
            "legal_remedy_text": "Gegen diesen Bescheid kann innerhalb eines Monats nach "
            "Bekanntgabe Widerspruch bei der Investitionsbank Schleswig-Holstein erhoben werden.",
            "signatory": "Im Auftrag\nJan Muster",
            "notice_number_pattern": "IB-{land}-{year}/{seq:03d}",
        },
    )
    return st, sh


def german_money(amount: D) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + f",{cents} €"


@pytest.mark.parametrize("kind", ["full", "partial", "rejection", "amendment"])
def test_notice_is_an_administrative_act_for_each_kind(offices, kind):
    for office, reference in zip(offices, (r"306-ZB-2026-\d{4}", r"IB-SH-2026/\d{3}"), strict=True):
        decision = Decision.objects.for_document().get(pk=office.decide(kind).pk)
        text = flat(decision_pdf(decision))
        authority = office.authority
        for line in authority.letterhead.splitlines():
            assert line in text  # letterhead
        assert office.board.name in text and "Hauptstraße 1" in text  # addressee
        assert "39104 Teststadt" in text
        assert re.search(reference, text) and decision.number in text  # file reference
        assert "Aktenzeichen" in text and "16.03.2026" in text or kind == "amendment"
        assert "Rechtsbehelfsbelehrung" in text and authority.legal_remedy_text in text
        assert "Dr. Erika Beispiel" in text or "Jan Muster" in text  # signature block
        assert "Begründung" in text
        # the other authority's letterhead never appears
        other = next(o for o in offices if o is not office).authority
        assert other.name not in text
        amount = german_money(decision.approved_amount)
        if kind == "rejection":
            assert "wird abgelehnt" in text and "Kein Medienbildungskonzept" in text
            assert "bewilligt" not in text.replace("Nicht bewilligt", "")
            assert "Nebenbestimmungen" not in text and " € " not in text + " "
        else:
            assert f"Zuwendung in Höhe von {amount}" in text or f"auf {amount}" in text
            assert "Nebenbestimmungen" in text and "ANBest-Gk" in text
            assert "Zweckbindungsfrist" in text and "800,00 €" in text  # inventory threshold
            assert re.search(r"Fördersatz (beträgt )?90 %", text)
            assert "Bewilligungszeitraum: 01.01.2026 bis 31.12.2026" in text
        if kind == "partial":
            assert "Im Übrigen wird der Antrag abgelehnt" in text
            assert "Interaktives Display 75 Zoll" in text and "Displays sind bereits" in text
        if kind == "amendment":
            previous = decision.supersedes
            assert "Änderungsbescheid" in text and previous.number in text
            assert german_money(previous.approved_amount) in text


def test_notice_falls_back_to_default_legal_remedy_and_anbest_p(offices):
    st, _sh = offices
    st.authority.legal_remedy_text = ""
    st.authority.save()
    st.board.kind = "freier_traeger"
    st.board.save()
    ctx = decision_context(Decision.objects.for_document().get(pk=st.decide("full").pk))
    assert ctx["authority"]["legal_remedy"] == DEFAULT_LEGAL_REMEDY
    assert any("ANBest-P" in c for c in ctx["conditions"])


def test_notice_query_count_does_not_grow_with_lines(offices, django_assert_max_num_queries):
    st, _sh = offices
    decision = st.decide("full")
    for n in range(3, 30):
        CostLineFactory(application=decision.application, school=st.school, position=n)
    with django_assert_max_num_queries(6):
        decision_context(Decision.objects.for_document().get(pk=decision.pk))


# ---------------------------------------------------------------- the package
def test_cost_plan_prints_consistent_gross_justification_and_need(world, draft):
    from tests.mediaplans.factories import NeedFactory, concept_with_version

    line = draft.lines.get(position=2)  # 20 × 336.13 net at 19 %
    line.justification = "Tablets für die Klassen 7 und 8"
    line.need = NeedFactory(version=concept_with_version(world.school)[1], quantity=20)
    line.save()
    app = Application.objects.for_document().get(pk=draft.pk)
    ctx = application_package_context(app)
    row = next(r for r in ctx["lines"] if r["ref"] == "2")
    assert row["unit_price_gross"] == D("399.9947")
    assert (
        row["gross"]
        == D("7999.89")
        == (row["quantity"] * row["unit_price_gross"]).quantize(D("0.01"))
    )
    text = flat(application_package_pdf(app))
    assert "399,9947 €" in text and "7.999,89 €" in text
    assert "Begründung: Tablets für die Klassen 7 und 8" in text
    assert f"Bedarf lt. Medienbildungskonzept: {line.need.description} (20 Stk.)" in text
    assert "Recherche und Produktion im Fachunterricht" in text  # the concept's reason
    assert "Bedarf lt. Medienbildungskonzept: keiner zugeordnet" in text  # line 1 has none


def test_line_gross_is_quantity_times_exact_unit_gross():
    for qty, net, vat in [
        (D("20"), D("336.13"), D("19")),
        (D("2.5"), D("0.99"), D("19")),
        (D("3"), D("0.01"), D("7")),
        (D("7.33"), D("1234.57"), D("19")),
    ]:
        amounts = line_amounts(qty, net, vat)
        assert amounts.gross == (qty * unit_price_gross(net, vat)).quantize(D("0.01"))
        assert amounts.net + amounts.vat == amounts.gross
    assert unit_price_gross(D("100"), D("19")) == D("119.00")


def test_package_parts_in_order_without_internal_states(world, draft):
    ruleset = draft.ruleset
    ruleset.valid_from = dt.date(2019, 10, 1)
    ruleset.save()
    text = flat(application_package_pdf(Application.objects.for_document().get(pk=draft.pk)))
    parts = [
        "Mantelbogen",
        "Kosten- und Zeitplan",
        "Anlage „Digitale Infrastruktur“",
        "Anlage „Technisch-pädagogisches Einsatzkonzept“",
        "Anlage „Sicherstellung von Betrieb, Wartung und Support“",
    ]
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)
    assert "nicht angefordert" not in text and "Entwurf" not in text
    assert "Regelwerk Fassung" not in text and "Stand:" not in text
    assert "Richtlinie in der Fassung vom 01.10.2019" in text


def test_positions_close_up_after_a_deletion(world, draft):
    staff = world.user("board_staff")
    for n in (3, 4):
        CostLineFactory(application=draft, school=world.school, position=n)
    services.costline_delete(actor=staff, line=draft.lines.get(position=2))
    assert list(
        CostLine.objects.filter(application=draft)
        .order_by("position")
        .values_list("position", flat=True)
    ) == [1, 2, 3]
    ctx = application_package_context(Application.objects.for_document().get(pk=draft.pk))
    assert [r["ref"] for r in ctx["lines"]] == ["1", "2", "3"]


# ---------------------------------------------------------------- PDF structure
def assert_structure(pdf: bytes, *, archive: bool) -> dict:
    facts = structure(pdf)
    assert facts["tagged"] and facts["lang"] == "de"
    assert facts["orphan_elements"] == 0  # every tagged content item is in the tree
    assert facts["pagination_artifacts"] >= 2  # running footer: page number and title
    assert facts["th_total"] > 0 and facts["th_with_scope"] == facts["th_total"]
    assert facts["xmp"]["pdfuaid"] == "1"
    if archive:
        assert facts["xmp"]["pdfaid_part"] == "3" and facts["xmp"]["pdfaid_conformance"] == "B"
        assert facts["output_intents"] == ["/GTS_PDFA1"]
        assert facts["af"] == facts["af_unique"] == len(facts["embedded_files"]) == 1
        assert facts["metadata_filtered"] is False
    else:
        assert facts["xmp"]["pdfaid_part"] is None and facts["af"] == 0
    return facts


@pytest.mark.parametrize("archive", [False, True])
def test_package_structure(world, draft, archive):
    pdf = application_package_pdf(
        Application.objects.for_document().get(pk=draft.pk), archive=archive
    )
    facts = assert_structure(pdf, archive=archive)
    assert facts["pagination_artifacts"] >= 2 * 6  # six pages or more, footer on each
    assert "Seite 1 von" in pdf_text(pdf)  # the footer is still printed, just not tagged


def test_notice_structure(offices):
    st, _sh = offices
    decision = Decision.objects.for_document().get(pk=st.decide("partial").pk)
    assert_structure(decision_pdf(decision), archive=False)
