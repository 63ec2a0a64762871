"""Funding documents: the application package (tagged PDF/UA-1 and PDF/A-3b with the data
as JSON), decision record, payout request and proof of use. Data → HTML → PDF."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils import timezone

from core.formatting import format_money, format_percent
from core.money import ZERO, round_money
from core.pdf import (
    PDF_VARIANT_ARCHIVE,
    PdfAttachment,
    data_fingerprint,
    render_pdf,
)

from . import rules
from .choices import DecisionKind, FundingCategory
from .selectors import (
    actual_by_line,
    amendment_lines_for_decision,
    application_check,
    devices_for_application,
    latest_decisions,
    proof_mobile_projection,
)

CATEGORY_LABELS = dict(FundingCategory.choices)


def _str(value) -> str:
    return "" if value is None else str(value)


def application_package_context(
    application, *, result: rules.CheckResult | None = None, progress=None
) -> dict:
    """Everything the package shows, as plain data. `application` comes `.for_document()`."""
    result = result or application_check(application)
    totals = result.totals
    board = application.school_board
    entries = list(application.schools.all())
    lines = list(application.lines.all())
    school_names = {e.school_id: e.school.name for e in entries}
    for line in lines:
        school_names.setdefault(line.school_id, line.school.name)
    findings_by_ref: dict[str, list] = {}
    for f in result.findings:
        for ref in f.line_refs:
            findings_by_ref.setdefault(ref, []).append(f.code)
    line_rows = []
    for line in lines:
        a = totals.line_amounts[line.ref]
        line_rows.append(
            {
                "ref": line.ref,
                "school": school_names[line.school_id],
                "category": CATEGORY_LABELS.get(line.category, line.category),
                "description": line.description,
                "quantity": line.quantity,
                "unit_price_net": line.unit_price_net,
                # exact (not rounded): quantity × unit gross = line gross as printed
                "unit_price_gross": rules.unit_price_gross(line.unit_price_net, line.vat_rate),
                "vat_rate": line.vat_rate,
                "net": a.net,
                "gross": a.gross,
                "route": line.get_procurement_route_display(),
                "catalogue": _catalogue_ref(line.catalogue_item) if line.catalogue_item_id else "",
                "start": line.planned_start,
                "end": line.planned_end,
                "findings": findings_by_ref.get(line.ref, []),
                "justification": line.justification.strip(),
                "need": _need(line),
            }
        )
    if progress:
        progress.advance(len(lines) // 2 or 1, "Kosten- und Zeitplan")
    school_ids = sorted(school_names, key=lambda s: school_names[s])
    per_school = [
        {
            "name": school_names[s],
            "eligible": totals.per_school.get(s, ZERO),
            "categories": [
                {"label": CATEGORY_LABELS[c], "amount": amt}
                for (sid, c), amt in sorted(totals.per_school_category.items())
                if sid == s
            ],
            "mobile": totals.mobile.per_school.get(s, ZERO),
        }
        for s in school_ids
    ]
    rows_by_school: dict[int, list] = {}
    for line, row in zip(lines, line_rows, strict=True):
        rows_by_school.setdefault(line.school_id, []).append(row)
    # the cost plan per school: small tables lay out much faster than one 400-row table
    lines_by_school = [
        {
            "name": school_names[s],
            "eligible": totals.per_school.get(s, ZERO),
            "lines": rows_by_school[s],
        }
        for s in school_ids
        if s in rows_by_school
    ]
    per_category = [
        {"label": CATEGORY_LABELS.get(c, c), "amount": amt}
        for c, amt in sorted(totals.per_category.items())
    ]
    schools = [
        {
            "name": e.school.name,
            "number": e.school.school_number,
            "type": e.school.get_school_type_display(),
            "site": e.site.name if e.site_id else "",
            "vocational": e.school.is_vocational,
            "current_equipment": e.current_equipment,
            "planned_equipment": e.planned_equipment,
            "pedagogical_reason": e.pedagogical_reason,
            "competence_areas": e.competence_areas,
            "training_plan": e.training_plan,
            "infrastructure_current": e.infrastructure_current,
            "infrastructure_planned": e.infrastructure_planned,
            "eligible": totals.per_school.get(e.school_id, ZERO),
        }
        for e in entries
    ]
    data = {
        "number": application.number,
        "title": application.title,
        "status": application.get_status_display(),
        "version": application.version,
        "programme": application.programme.name,
        "legal_basis": application.programme.legal_basis,
        "ruleset": application.ruleset.number,
        "guideline_as_of": application.ruleset.valid_from,
        "funding_rate_percent": round_money(application.ruleset.funding_rate * 100),
        "applicant": {
            "name": board.name,
            "street": board.street,
            "city": f"{board.postal_code} {board.city}".strip(),
            "email": board.email,
            "phone": board.phone,
        },
        "planned_start": application.planned_start,
        "planned_end": application.planned_end,
        "declarations": {
            "procurement": application.decl_procurement,
            "no_double_funding": application.decl_no_double_funding,
            "operation_secured": application.decl_operation_secured,
        },
        "place": application.place,
        "signatory": application.signatory,
        "operation": {
            "operator": application.operator,
            "scope": application.support_scope,
            "mdm": application.mdm,
            "updates": application.update_policy,
            "response_times": application.response_times,
            "financing": application.operation_financing,
        },
        "schools": schools,
        "lines": line_rows,
        "lines_by_school": lines_by_school,
        "per_school": per_school,
        "per_category": per_category,
        "totals": {
            "net": totals.net,
            "vat": totals.vat,
            "eligible": totals.eligible,
            "funding": totals.funding,
            "own_share": totals.own_share,
            "budget_available": totals.budget_available,
            "mobile_total": totals.mobile.mobile_total,
            "mobile_cap": totals.mobile.cap_total,
            "mobile_share": totals.mobile.share_percent,
            "general_total": totals.mobile.general_total,
            "board_mobile_total": totals.board_mobile.mobile_total if totals.board_mobile else None,
            "board_mobile_cap": totals.board_mobile.cap_total if totals.board_mobile else None,
        },
        "mobile_projection": totals.board_mobile.as_dict() if totals.board_mobile else None,
        "findings": [f.as_dict() for f in result.findings],
        "checklist": [{"label": label, "done": done} for label, done in result.checklist],
        "data_as_of": max(
            [application.updated_at]
            + [ln.updated_at for ln in lines]
            + [e.updated_at for e in entries]
        ),
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def _catalogue_ref(item) -> str:
    """Framework contract and item number (the description already names the item)."""
    return f"{item.contract_reference}/{item.item_number}"


def _need(line) -> dict | None:
    """The media concept's equipment need behind a line (its pedagogical justification)."""
    need = line.need
    if need is None:
        return None
    return {
        "description": need.description,
        "quantity": need.quantity,
        "justification": need.justification.strip(),
    }


def _package_title(ctx: dict) -> str:
    return f"Förderantrag {ctx['number']} – {ctx['applicant']['name']}"


def application_package_pdf(application, *, archive: bool = False, progress=None) -> bytes:
    ctx = application_package_context(application, progress=progress)
    attachments = None
    kwargs = {}
    if archive:
        payload = json.dumps(ctx, default=_str, ensure_ascii=False, indent=1).encode()
        attachments = [
            PdfAttachment(
                filename=f"foerderantrag-{ctx['number']}.json",
                content=payload,
                description="Antragsdaten (maschinenlesbar, JSON)",
            )
        ]
        kwargs = {"variant": PDF_VARIANT_ARCHIVE, "attachments": attachments}
    pdf = render_pdf(
        "funding/pdf/package.html",
        {"app": ctx, "archive": archive},
        title=_package_title(ctx),
        **kwargs,
    )
    if progress:
        progress.advance(len(ctx["lines"]) // 2 or 1, "PDF gesetzt")
    return pdf


# ------------------------------------------------------------------ decision
#: printed when the authority has not recorded its own text yet (DOMAIN §5a: the text is a
#: parameter of the authority); without any information on legal remedies the period for an
#: action would run for a year instead of a month (§ 58 VwGO)
DEFAULT_LEGAL_REMEDY = (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage beim "
    "zuständigen Verwaltungsgericht erhoben werden."
)
#: the general conditions attached to a grant: municipalities (Gemeinden und
#: Gemeindeverbände) get ANBest-Gk, other recipients (free school operators) ANBest-P
ANBEST_MUNICIPAL = "ANBest-Gk"
ANBEST_OTHER = "ANBest-P"
NOT_MUNICIPAL_KINDS = frozenset({"freier_traeger"})


def _authority_for(decision):
    from .models import Authority

    if decision.authority_id:
        return decision.authority
    land = decision.application.school_board.land_id
    return Authority.objects.filter(land_id=land, kind="approval").first()


def _letterhead(authority) -> dict:
    if authority is None:
        return {"name": "", "lines": [], "legal_remedy": DEFAULT_LEGAL_REMEDY, "signatory": ""}
    lines = [ln.strip() for ln in authority.letterhead.splitlines() if ln.strip()]
    return {
        "name": authority.name,
        "lines": lines if lines else [authority.name],
        "legal_remedy": authority.legal_remedy_text.strip() or DEFAULT_LEGAL_REMEDY,
        "signatory": authority.signatory.strip(),
    }


def _decision_lines(app) -> list[dict]:
    rows = []
    for ln in app.lines.all():
        gross = ln.amounts.gross
        approved = ln.approved_amount if ln.approved_amount is not None else gross
        rows.append(
            {
                "ref": ln.ref,
                "school": ln.school.name,
                "description": ln.description,
                "gross": gross,
                "approved": approved,
                "not_granted": gross - approved,
            }
        )
    return rows


def _conditions(decision, app) -> list[str]:
    """Nebenbestimmungen: the general conditions, then the rule set's parameters, then what the
    approver added to this notice."""
    ruleset = app.ruleset
    params = ruleset.params()
    anbest = ANBEST_OTHER if app.school_board.kind in NOT_MUNICIPAL_KINDS else ANBEST_MUNICIPAL
    items = [
        f"Die Allgemeinen Nebenbestimmungen ({anbest}) sind Bestandteil dieses Bescheids, "
        "soweit im Folgenden nichts Abweichendes bestimmt ist.",
        f"Die geförderten Gegenstände sind für die Dauer von {ruleset.earmarking_years} Jahren "
        "ab Anschaffung für den Zuwendungszweck zu verwenden (Zweckbindungsfrist); eine "
        "frühere Veräußerung oder anderweitige Verwendung bedarf der Zustimmung der "
        "Bewilligungsbehörde.",
        "Gegenstände mit Anschaffungs- oder Herstellungskosten von mehr als "
        f"{format_money(params.inventory_threshold, lang='de')} (netto) sind zu inventarisieren.",
        "Die Ausgaben einzelner Positionen des Kosten- und Zeitplans dürfen um bis zu "
        f"{format_percent(params.plan_tolerance_percent, lang='de')} überschritten werden, "
        "wenn die Mehrausgaben durch Einsparungen bei anderen Positionen ausgeglichen "
        "werden; der Gesamtbetrag der Zuwendung ist verbindlich.",
        f"Der Verwendungsnachweis ist innerhalb von {params.proof_of_use_months} Monaten nach "
        "Ablauf des Bewilligungszeitraums vorzulegen.",
    ]
    items += [ln.strip() for ln in decision.conditions.splitlines() if ln.strip()]
    return items


def decision_context(decision) -> dict:
    """The notice (Zuwendungsbescheid) as an administrative act, as plain data (DOMAIN §5a):
    letterhead, addressee, subject and file reference, date, tenor, conditions,
    justification, information on legal remedies, signature block."""
    app = decision.application
    board = app.school_board
    kind = decision.kind
    lines = _decision_lines(app)
    previous = decision.supersedes
    data = {
        "number": decision.number,
        "kind": kind,
        "kind_label": {
            DecisionKind.FULL: "Zuwendungsbescheid",
            DecisionKind.PARTIAL: "Zuwendungsbescheid (Teilbewilligung)",
            DecisionKind.REJECTION: "Ablehnungsbescheid",
            DecisionKind.AMENDMENT: "Änderungsbescheid",
        }.get(kind, decision.get_kind_display()),
        "date": decision.date,
        "authority": _letterhead(_authority_for(decision)),
        "addressee": {
            "name": board.name,
            "street": board.street,
            "city": f"{board.postal_code} {board.city}".strip(),
        },
        "application": app.number,
        "application_date": timezone.localtime(app.submitted_at).date()
        if app.submitted_at
        else None,
        "title": app.title,
        "board": board.name,
        "programme": app.programme.name,
        "legal_basis": app.programme.legal_basis,
        "approved_amount": decision.approved_amount,
        "eligible_amount": decision.eligible_amount,
        "requested_eligible": round_money(sum((ln["gross"] for ln in lines), ZERO)),
        "rate_percent": format_percent(round_money(decision.rate * 100).normalize(), lang="de"),
        "period_start": decision.period_start,
        "period_end": decision.period_end,
        "conditions": [] if kind == DecisionKind.REJECTION else _conditions(decision, app),
        "reason": decision.reason.strip(),
        "decided_by": decision.decided_by.get_full_name() or decision.decided_by.username,
        "supersedes": {
            "number": previous.number,
            "date": previous.date,
            "approved_amount": previous.approved_amount,
            "eligible_amount": previous.eligible_amount,
        }
        if previous
        else None,
        "version": decision.version,
        "lines": [] if kind == DecisionKind.REJECTION else lines,
        "not_granted": [ln for ln in lines if ln["not_granted"] > 0]
        if kind == DecisionKind.PARTIAL
        else [],
    }
    data["amendment_lines"] = amendment_lines_for_decision(decision)
    data["fingerprint"] = data_fingerprint(data)
    return data


def decision_pdf(decision) -> bytes:
    ctx = decision_context(decision)
    return render_pdf(
        "funding/pdf/decision.html",
        {"d": ctx},
        title=f"{ctx['kind_label']} {ctx['number']}",
    )


# ------------------------------------------------------------------ payouts
def payout_context(payout) -> dict:
    app = payout.application
    invoices = list(payout.invoices.all())
    decision = latest_decisions([app.pk]).get(app.pk)
    data = {
        "number": payout.number,
        "status": payout.get_status_display(),
        "application": app.number,
        "title": app.title,
        "board": payout.school_board.name,
        "programme": app.programme.name,
        "decision": decision.number if decision else "",
        "approved": decision.approved_amount if decision else None,
        "rate_percent": round_money((decision.rate if decision else 0) * 100),
        "invoices": [
            {
                "number": i.number,
                "date": i.date,
                "supplier": i.supplier,
                "amount": i.amount,
                "paid_on": i.paid_on,
                "line": f"{i.cost_line.position} {i.cost_line.description}",
                "school": i.cost_line.school.name,
            }
            for i in invoices
        ],
        "invoiced": payout.invoiced_amount,
        "requested": payout.requested_amount,
        "version": payout.version,
        "data_as_of": payout.updated_at,
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def payout_pdf(payout) -> bytes:
    ctx = payout_context(payout)
    return render_pdf(
        "funding/pdf/payout.html",
        {"p": ctx},
        title=f"Auszahlungsantrag {ctx['number']} zu {ctx['application']}",
    )


# ------------------------------------------------------------------ proof of use
def proof_data(application, *, submission_date=None) -> dict:
    """Plan vs actual per line and category, the mobile cap on actual spending, inventory,
    and the proof-of-use deadline (checked against `submission_date`, default today or the
    date the proof was submitted)."""
    lines = list(application.lines.select_related("school").order_by("position"))
    actual = actual_by_line(application)
    params = application.ruleset.params()
    rows, per_cat = [], {}
    for line in lines:
        planned = line.approved_amount if line.approved_amount is not None else line.amounts.gross
        spent = round_money(actual.get(line.pk, ZERO))
        rows.append(
            {
                "ref": line.ref,
                "school": line.school.name,
                "school_id": line.school_id,
                "category": line.category,
                "category_label": CATEGORY_LABELS.get(line.category, line.category),
                "description": line.description,
                "planned": planned,
                "actual": spent,
                "difference": spent - planned,
            }
        )
        cat = per_cat.setdefault(
            line.category,
            {"label": CATEGORY_LABELS.get(line.category), "planned": ZERO, "actual": ZERO},
        )
        cat["planned"] += planned
        cat["actual"] += spent
    findings = rules.check_plan_tolerance(
        [rules.ActualLine(r["ref"], r["planned"], r["actual"]) for r in rows], params
    )
    schools = {
        ln.school_id: rules.SchoolData(
            id=ln.school_id, name=ln.school.name, is_vocational=ln.school.is_vocational
        )
        for ln in lines
    }
    line_data = [
        rules.LineData(
            ref=ln.ref,
            school_id=ln.school_id,
            category=ln.category,
            description=ln.description,
            quantity=ln.quantity,
            unit_price_net=ln.unit_price_net,
            vat_rate=ln.vat_rate,
        )
        for ln in lines
    ]
    actual_amounts = {r["ref"]: r["actual"] for r in rows}
    # the cap binds over the board's whole programme: actual spending of all its
    # applications, a blocking finding only at its final proof of use (selectors)
    cap, cap_findings = proof_mobile_projection(application, line_data, schools, actual_amounts)
    findings += cap_findings
    board_cap = None
    devices = devices_for_application(application)
    inventory = []
    for d in devices:
        model = getattr(d, "model", None)
        inventory.append(
            {
                "inventory_number": d.inventory_number or "",
                "serial_number": d.serial_number or "",
                "model": _model_label(model),
                "category": d.get_category_display()
                if hasattr(d, "get_category_display")
                else getattr(d, "category", ""),
                "school": d.school.name if getattr(d, "school_id", None) else "",
                "price_net": d.price_net,
                "price_gross": getattr(d, "price_gross", None),
                "purchase_date": d.purchase_date,
                "line": d.cost_line.ref,
            }
        )
    findings += rules.check_inventory(
        [
            rules.InventoryItem(
                ref=i["inventory_number"] or i["serial_number"] or "?",
                price_net=i["price_net"],
                inventory_number=i["inventory_number"],
            )
            for i in inventory
        ],
        params,
    )
    decision = latest_decisions([application.pk]).get(application.pk)
    project_end = (
        decision.period_end if decision and decision.period_end else application.planned_end
    )
    if submission_date is None:
        proof = getattr(application, "proof", None)
        submitted = getattr(proof, "submitted_at", None)
        submission_date = (
            timezone.localtime(submitted).date() if submitted else timezone.localdate()
        )
    findings += rules.check_proof_deadline(submission_date, project_end, params)
    return {
        "rows": rows,
        "per_category": list(per_cat.values()),
        "findings": findings,
        "deadline": rules.proof_deadline(project_end, params),
        "mobile": cap,
        "board_mobile": board_cap,
        "inventory": inventory,
        "planned_total": round_money(sum((r["planned"] for r in rows), ZERO)),
        "actual_total": round_money(sum((r["actual"] for r in rows), ZERO)),
        "inventory_threshold": params.inventory_threshold,
        "tolerance": params.plan_tolerance_percent,
    }


def _model_label(model) -> str:
    """'Manufacturer Name' whether the manufacturer is text or a related row."""
    if model is None:
        return ""
    maker = getattr(model, "manufacturer", "") or ""
    maker = getattr(maker, "name", maker)
    return f"{maker} {getattr(model, 'name', '')}".strip()


def proof_findings(application) -> list[rules.Finding]:
    return proof_data(application)["findings"]


def proof_context(proof) -> dict:
    app = proof.application
    data = proof_data(app)
    receipts = [
        {
            "number": i.number,
            "date": i.date,
            "supplier": i.supplier,
            "amount": i.amount,
            "paid_on": i.paid_on,
            "line": i.cost_line.ref,
        }
        for i in app.invoices.select_related("cost_line").order_by("date", "number")
    ]
    decision = latest_decisions([app.pk]).get(app.pk)
    ctx = {
        "application": app.number,
        "title": app.title,
        "board": proof.school_board.name,
        "programme": app.programme.name,
        "status": proof.get_status_display(),
        "decision": decision.number if decision else "",
        "approved": decision.approved_amount if decision else None,
        "summary": proof.summary,
        "version": proof.version,
        "reports": [
            {
                "school": e.school.name,
                "measures": e.report_measures,
                "deviations": e.report_deviations,
                "use": e.report_use,
                "training": e.report_training,
                "operation": e.report_operation,
            }
            for e in app.schools.select_related("school").order_by("school__name")
        ],
        "receipts": receipts,
        "rows": data["rows"],
        "per_category": data["per_category"],
        "planned_total": data["planned_total"],
        "actual_total": data["actual_total"],
        "mobile": {
            "total": data["mobile"].mobile_total,
            "cap": data["mobile"].cap_total,
            "ok": data["mobile"].ok,
        },
        "board_mobile": None
        if data["board_mobile"] is None
        else {
            "total": data["board_mobile"].mobile_total,
            "cap": data["board_mobile"].cap_total,
            "ok": data["board_mobile"].ok,
        },
        "deadline": data["deadline"],
        "inventory": data["inventory"],
        "inventory_threshold": data["inventory_threshold"],
        "findings": [f.as_dict() for f in data["findings"]],
        "data_as_of": proof.updated_at,
    }
    ctx["fingerprint"] = data_fingerprint(ctx)
    return ctx


def proof_pdf(proof) -> bytes:
    ctx = proof_context(proof)
    return render_pdf(
        "funding/pdf/proof.html", {"v": ctx}, title=f"Verwendungsnachweis {ctx['application']}"
    )


def generated_at():
    return timezone.localtime()


__all__ = [
    "application_package_context",
    "application_package_pdf",
    "decision_pdf",
    "payout_pdf",
    "proof_pdf",
    "Decimal",
]
