"""Pages, API and documents: live check, conflicts (409 page / 412), PDF totals vs rules.py."""

import datetime as dt
import json
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.formatting import format_money
from core.pdf import pdf_text
from funding import selectors, services
from funding.documents import application_package_context, application_package_pdf
from funding.models import Application, CostLine
from tests.funding.factories import CostLineFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_detail_shows_findings_at_the_line_and_totals(world, draft, client_for):
    CostLineFactory(
        application=draft,
        school=world.school,
        position=3,
        category="mobile",
        description="Smartphone XY",
        quantity=D("2"),
    )
    page = (
        client_for(world.user("board_staff"))
        .get(reverse("funding:application-detail", args=[draft.pk]))
        .content.decode()
    )
    assert "Smartphones sind nicht förderfähig" in page
    result = selectors.check_for(draft.pk)
    assert (
        format_money(result.totals.eligible).replace(" ", "&nbsp;") in page.replace(" €", "&nbsp;€")
        or format_money(result.totals.eligible) in page
    )


def test_live_check_shows_line_amount_and_findings_without_writing(world, draft, client_for):
    client = client_for(world.user("board_staff"))
    before = CostLine.objects.count()
    response = client.post(
        reverse("funding:live-check", args=[draft.pk]),
        {
            "school": world.school.pk,
            "category": "mobile",
            "description": "Smartphone",
            "quantity": "10",
            "unit_price_net": "100.00",
            "vat_rate": "19",
            "procurement_route": "direct",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1.190,00" in body and "FR-SMARTPHONE" in body
    assert CostLine.objects.count() == before


def test_line_form_rejects_bad_amounts(world, draft, client_for):
    client = client_for(world.user("board_staff"))
    before = CostLine.objects.count()
    response = client.post(
        reverse("funding:line-create", args=[draft.pk]),
        {
            "school": world.school.pk,
            "category": "wlan",
            "description": "AP",
            "quantity": "-3",
            "unit_price_net": "10.123",
            "vat_rate": "19",
            "procurement_route": "direct",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "kern-error" in body
    assert CostLine.objects.count() == before


def test_line_form_refuses_school_of_other_board(world, draft, client_for):
    response = client_for(world.user("board_staff")).post(
        reverse("funding:line-create", args=[draft.pk]),
        {
            "school": world.other_school.pk,
            "category": "wlan",
            "description": "AP",
            "quantity": "1",
            "unit_price_net": "10",
            "vat_rate": "19",
            "procurement_route": "direct",
        },
    )
    assert response.status_code == 200 and "kern-error" in response.content.decode()
    assert not CostLine.objects.filter(school=world.other_school).exists()


def test_second_save_gets_conflict_page(world, draft, client_for):
    url = reverse("funding:application-update", args=[draft.pk])
    first, second = client_for(world.user("board_staff")), client_for(world.user("board_admin"))
    version = draft.version
    assert first.post(url, {"title": "Von Anna", "version": version}).status_code == 302
    response = second.post(url, {"title": "Von Ben", "version": version})
    assert response.status_code == 409
    assert "Von Anna" in response.content.decode() and "Von Ben" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).title == "Von Anna"


def test_api_if_match_412_and_etag(world, draft, api_client_for):
    api = api_client_for(world.user("board_staff"))
    url = reverse("funding-application-detail", args=[draft.pk])
    etag = api.get(url)["ETag"]
    assert etag == f'"{draft.version}"'
    ok = api.patch(url, {"title": "Neu"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    stale = api.patch(url, {"title": "Alt"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Application.objects.get(pk=draft.pk).title == "Neu"
    line = draft.lines.first()
    line_url = reverse("funding-costline-detail", args=[line.pk])
    assert (
        api.patch(line_url, {"quantity": "3"}, format="json", HTTP_IF_MATCH='"999"').status_code
        == 412
    )


def test_api_check_and_submit_use_the_same_rules(world, draft, api_client_for):
    api = api_client_for(world.user("board_staff"))
    check = api.get(reverse("funding-application-check", args=[draft.pk])).json()
    result = selectors.check_for(draft.pk)
    assert check["totals"]["eligible"] == str(result.totals.eligible)
    assert check["ok"] is True
    response = api.post(reverse("funding-application-submit", args=[draft.pk]))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    again = api.post(reverse("funding-application-submit", args=[draft.pk]))
    assert again.status_code == 400


def test_api_four_eyes(world, draft, reviewer2, api_client_for):
    services.application_submit(
        actor=world.user("board_staff"),
        access=__import__("core.tenancy").tenancy.access_for(world.user("board_staff")),
        application=draft,
    )
    reviewer = api_client_for(world.user("reviewer"))
    assert (
        reviewer.post(
            reverse("funding-application-forward", args=[draft.pk]), {"reason": "ok"}, format="json"
        ).status_code
        == 200
    )
    refused = reviewer.post(
        reverse("funding-application-decide", args=[draft.pk]), {"kind": "full"}, format="json"
    )
    assert refused.status_code == 403  # content check (LISA) does not decide
    from schools.models import Membership

    Membership.objects.filter(user=world.user("reviewer"), role="reviewer").update(
        authority="approval"
    )
    refused = reviewer.post(
        reverse("funding-application-decide", args=[draft.pk]), {"kind": "full"}, format="json"
    )
    assert refused.status_code == 400 and "Vier-Augen" in refused.content.decode()
    ok = api_client_for(reviewer2).post(
        reverse("funding-application-decide", args=[draft.pk]), {"kind": "full"}, format="json"
    )
    assert ok.status_code == 201


def test_api_line_with_foreign_school_is_400(world, draft, api_client_for):
    response = api_client_for(world.user("board_staff")).post(
        reverse("funding-costline-list"),
        {
            "application": draft.pk,
            "school": world.other_school.pk,
            "category": "wlan",
            "description": "AP",
            "quantity": "1",
            "unit_price_net": "10",
            "vat_rate": "19",
            "procurement_route": "direct",
        },
        format="json",
    )
    assert response.status_code == 400
    assert not CostLine.objects.filter(school=world.other_school).exists()


# --- documents -------------------------------------------------------------------------
def test_package_pdf_totals_match_rules(world, draft):
    app = Application.objects.for_document().get(pk=draft.pk)
    result = selectors.application_check(app)
    text = pdf_text(application_package_pdf(app))
    for section in (
        "Mantelbogen",
        "Anlage „Digitale Infrastruktur“",
        "Technisch-pädagogisches Einsatzkonzept",
        "Betrieb, Wartung und Support",
        "Kosten- und Zeitplan",
        "Ergebnis der Regelprüfung",
    ):
        assert section in text, section
    flat = " ".join(text.split())
    for amount in (result.totals.eligible, result.totals.funding, result.totals.own_share):
        assert format_money(amount) in flat
    for s, amount in result.totals.per_school.items():
        assert format_money(amount) in flat
    ctx = application_package_context(app)
    assert ctx["fingerprint"] in flat.replace(" ", "") or ctx["fingerprint"][:16] in flat
    assert f"Antragsversion {app.version}" in flat


def test_archive_pdf_embeds_json(world, draft):
    app = Application.objects.for_document().get(pk=draft.pk)
    pdf = application_package_pdf(app, archive=True)
    reader = PdfReader(BytesIO(pdf))
    ((name, contents),) = reader.attachments.items()
    data = json.loads(contents[0])
    assert data["number"] == app.number
    assert D(data["totals"]["funding"]) == selectors.application_check(app).totals.funding
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp  # PDF/A identification in the XMP metadata


def test_package_query_count_constant(world, draft, client_for):
    client = client_for(world.user("board_staff"))
    url = reverse("funding:package-pdf", args=[draft.pk])

    def add(n):
        for _ in range(n):
            CostLineFactory(
                application=draft, school=world.school, position=CostLine.objects.count() + 10
            )

    assert_constant_queries(lambda: client.get(url), add, small=1, large=4)


@pytest.mark.parametrize(
    "url_name", ["funding:application-list", "funding-application-list", "funding-costline-list"]
)
def test_list_query_counts(world, programme, client_for, api_client_for, url_name):
    from tests.funding.factories import ApplicationFactory

    user = world.user("board_admin")
    client = api_client_for(user) if ":" not in url_name else client_for(user)

    def add(n):
        for _ in range(n):
            app = ApplicationFactory(
                school_board=world.board, programme=programme, ruleset=programme.current_ruleset()
            )
            CostLineFactory(application=app, school=world.school)

    assert_constant_queries(lambda: client.get(reverse(url_name)), add)


def test_detail_query_count_constant(world, draft, client_for):
    client = client_for(world.user("board_staff"))
    url = reverse("funding:application-detail", args=[draft.pk])

    def add(n):
        for _ in range(n):
            CostLineFactory(
                application=draft, school=world.school, position=CostLine.objects.count() + 10
            )

    assert_constant_queries(lambda: client.get(url), add)


def test_big_package_runs_as_job(world, draft, client_for, run_jobs, monkeypatch):
    from core.models import Job
    from funding import views

    monkeypatch.setattr(views, "PACKAGE_SYNC_LINES", 1)
    client = client_for(world.user("board_staff"))
    assert client.get(reverse("funding:package-pdf", args=[draft.pk])).status_code == 302
    with run_jobs():
        response = client.post(reverse("funding:package-job", args=[draft.pk]))
    job = Job.objects.get()
    assert response["Location"].endswith(f"/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result_name.endswith(".pdf")


def test_review_queue_only_for_reviewers(world, draft, client_for):
    assert (
        client_for(world.user("board_staff")).get(reverse("funding:review-queue")).status_code
        == 403
    )
    services.application_submit(
        actor=world.user("board_staff"),
        access=__import__("core.tenancy").tenancy.access_for(world.user("board_staff")),
        application=draft,
    )
    body = client_for(world.user("reviewer")).get(reverse("funding:review-queue")).content
    assert draft.number.encode() in body


def test_catalogue_import_page(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = world.user("board_admin")
    assert client_for(staff).get(reverse("funding:catalogue-import")).status_code == 403
    staff.is_staff = True
    staff.save()
    csv_bytes = (
        b"contract_reference;item_number;name;category;unit_price_net;vat_rate\n"
        b"RV-9;1;Tablet;mobile;336,13;19\n"
    )
    response = client_for(staff).post(
        reverse("funding:catalogue-import"),
        {"file": SimpleUploadedFile("w.csv", csv_bytes, content_type="text/csv")},
    )
    assert response.status_code == 302
    from funding.models import CatalogueItem

    assert CatalogueItem.objects.get().unit_price_net == D("336.13")


def test_payout_and_proof_pdfs(world, draft, reviewer2):
    from core.tenancy import access_for
    from funding.documents import payout_pdf, proof_pdf
    from funding.models import PayoutRequest, ProofOfUse

    staff = world.user("board_staff")
    services.application_submit(actor=staff, access=access_for(staff), application=draft)
    services.application_forward(
        actor=world.user("reviewer"), access=access_for(world.user("reviewer")), application=draft
    )
    decision = services.decision_make(
        actor=reviewer2,
        access=access_for(reviewer2),
        application=draft,
        kind="full",
        date=dt.date(2026, 5, 1),
    )
    app = Application.objects.get(pk=draft.pk)
    inv = [
        services.invoice_create(
            actor=staff,
            application=app,
            data={
                "cost_line": ln,
                "number": f"R{ln.position}",
                "date": dt.date(2026, 6, 1),
                "supplier": "Lieferant",
                "amount": ln.amounts.gross,
            },
        )
        for ln in app.lines.all()
    ]
    payout = services.payout_create(actor=staff, application=app, invoices=inv)
    text = " ".join(
        pdf_text(payout_pdf(PayoutRequest.objects.for_detail().get(pk=payout.pk))).split()
    )
    assert format_money(payout.requested_amount) in text
    assert payout.requested_amount == decision.approved_amount  # 90 % of the full plan
    proof = services.proof_start(actor=staff, access=access_for(staff), application=app)
    text = " ".join(pdf_text(proof_pdf(ProofOfUse.objects.for_detail().get(pk=proof.pk))).split())
    assert "Zahlenmäßiger Nachweis" in text and "Inventarliste" in text
    assert format_money(decision.eligible_amount) in text


def test_proof_inventory_lists_linked_devices_and_checks_threshold(world, draft, reviewer2):
    from core.tenancy import access_for
    from funding.documents import proof_data, proof_pdf
    from funding.models import ProofOfUse
    from tests.devices.factories import DeviceFactory

    staff = world.user("board_staff")
    services.application_submit(actor=staff, access=access_for(staff), application=draft)
    services.application_forward(
        actor=world.user("reviewer"), access=access_for(world.user("reviewer")), application=draft
    )
    services.decision_make(
        actor=reviewer2,
        access=access_for(reviewer2),
        application=draft,
        kind="full",
        date=dt.date(2026, 5, 1),
    )
    line = draft.lines.get(position=2)
    DeviceFactory(
        school=world.school, cost_line=line, inventory_number="INV-TAB-1", price_net=D("800.00")
    )
    # above the 800 EUR net threshold: an inventory number is required
    DeviceFactory(
        school=world.school,
        cost_line=line,
        inventory_number="",
        serial_number="SN-NOINV",
        price_net=D("800.01"),
    )
    DeviceFactory(school=world.other_school)  # another board's device never appears
    data = proof_data(Application.objects.get(pk=draft.pk))
    assert "SN-NOINV" in [d["serial_number"] for d in data["inventory"]]
    assert len(data["inventory"]) == 2
    assert [f.code for f in data["findings"] if f.code == "FR-INVENTAR"] == ["FR-INVENTAR"]
    proof = services.proof_start(
        actor=staff, access=access_for(staff), application=Application.objects.get(pk=draft.pk)
    )
    text = pdf_text(proof_pdf(ProofOfUse.objects.for_detail().get(pk=proof.pk)))
    assert "INV-TAB-1" in text


@pytest.mark.parametrize(
    "name, content",
    [
        ("w.csv", b"\x00\x01\x02binary\x00" * 50),  # a binary file named .csv
        ("w.xlsx", b"PK\x03\x04 not really a zip"),  # a broken workbook
        ("w.txt", b"a;b\n1;2\n"),  # not a spreadsheet type
    ],
)
def test_catalogue_import_refuses_bad_files_through_core_checks(world, client_for, name, content):
    """The Warenkorb upload uses core.spreadsheets: a clear message, nothing saved."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from funding.models import CatalogueItem

    staff = world.user("board_admin")
    staff.is_staff = True
    staff.save()
    response = client_for(staff).post(
        reverse("funding:catalogue-import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CatalogueItem.objects.exists()
