"""Bad input on every funding write operation: 400 with field errors, never 500, nothing changed.

The operations are read from the published OpenAPI schema (not a hand list), so a new
funding endpoint is covered as soon as it exists; each documented body field gets the
values that used to break the API: integers as dates, "NaN"/"Infinity"/"1e400" amounts,
NUL bytes in text, non-numeric and huge ids, lists where objects belong, and the body
itself as an array. The only hand-written part is which row a `{id}` path points to.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import Sum
from drf_spectacular.generators import SchemaGenerator

from funding.models import (
    ChangeRequest,
    ChangeRequestLine,
    Invoice,
    PayoutRequest,
    ProofOfUse,
    ReviewComment,
)
from tests.factories import user_with_role
from tests.funding.factories import complete_school

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/funding/"
WRITE_METHODS = ("post", "put", "patch")
HUGE = 10**30
PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = _schema()


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _body_schema(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return _resolve(content["application/json"]["schema"])


def write_operations() -> list[tuple[str, str]]:
    """(method, path) of every funding operation that takes a body."""
    out = []
    for path, item in SCHEMA["paths"].items():
        if not path.startswith(PREFIX):
            continue
        for method in WRITE_METHODS:
            if method in item:
                out.append((method, path))
    return sorted(out)


def _types(prop: dict) -> set[str]:
    prop = _resolve(prop)
    kinds = prop.get("type", [])
    kinds = {kinds} if isinstance(kinds, str) else set(kinds)
    for option in prop.get("oneOf", []) + prop.get("anyOf", []) + prop.get("allOf", []):
        kinds |= _types(option)
    return kinds - {"null"}


def _format(prop: dict) -> str | None:
    prop = _resolve(prop)
    if "format" in prop:
        return prop["format"]
    for option in prop.get("oneOf", []) + prop.get("anyOf", []) + prop.get("allOf", []):
        found = _format(option)
        if found:
            return found
    return None


def bad_values(prop: dict) -> list[tuple[str, object]]:
    """(label, value) that the field must refuse, by its documented type and format."""
    kinds, fmt = _types(prop), _format(prop)
    if fmt == "date":
        return [("date as integer", 20260101), ("date as list", ["2026-01-01"])]
    if fmt == "decimal":
        return [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
                ("1e400", "1e400"), ("huge number", HUGE), ("list", ["1.00"])]  # fmt: skip
    if "integer" in kinds:
        return [("non-numeric id", "abc"), ("huge id", HUGE), ("object", {"id": 1})]
    if "boolean" in kinds:
        return [("list as boolean", [True])]
    if "array" in kinds:
        return [("non-numeric ids", ["abc"]), ("huge ids", [HUGE]), ("object", {"a": 1})]
    if "object" in kinds:
        return [("list where an object belongs", [1, 2]), ("NaN inside", {"1": "NaN"})]
    if "string" in kinds:
        return [("NUL byte", "Text\x00mit NUL"), ("list as text", ["a"])]
    return []


def field_cases() -> list:
    cases = []
    for method, path in write_operations():
        body = _body_schema(SCHEMA["paths"][path][method])
        cases.append(pytest.param(method, path, None, [1, 2], id=f"{method} {path} array body"))
        if body is None:
            continue
        for name, prop in body.get("properties", {}).items():
            if _resolve(prop).get("readOnly"):
                continue
            for label, value in bad_values(prop):
                cases.append(
                    pytest.param(method, path, name, {name: value}, id=f"{method} {path} {label}")
                )
    return cases


@pytest.fixture
def rows(world, draft):
    """One row per `{id}` resource of the funding API, visible to board A and its reviewer."""
    app = draft
    line = app.lines.order_by("position").first()
    school = app.schools.first() or complete_school(app, world.school)
    board = app.school_board
    invoice = Invoice.objects.create(
        application=app,
        cost_line=line,
        school_board=board,
        number="R-1",
        date=dt.date(2026, 3, 1),
        supplier="Lieferant GmbH",
        amount=Decimal("100.00"),
    )
    payout = PayoutRequest.objects.create(
        application=app,
        school_board=board,
        number=1,
        invoiced_amount=Decimal("100.00"),
        requested_amount=Decimal("90.00"),
    )
    proof = ProofOfUse.objects.create(application=app, school_board=board)
    change = ChangeRequest.objects.create(
        application=app, school_board=board, reason="Mehr Tablets", requested_amount=Decimal("1")
    )
    change_line = ChangeRequestLine.objects.create(
        change_request=change,
        school_board=board,
        school=line.school,
        category=line.category,
        description="Tablet",
        quantity=Decimal("1"),
        unit_price_net=Decimal("10.00"),
    )
    comment = ReviewComment.objects.create(
        application=app, school_board=board, author=world.user("reviewer"), text="Bitte prüfen"
    )
    return {
        "applications": app,
        "application-schools": school,
        "cost-lines": line,
        "invoices": invoice,
        "payouts": payout,
        "proofs": proof,
        "change-requests": change,
        "change-request-lines": change_line,
        "rulesets": app.ruleset,
        "comments": comment,
    }


def _url(path: str, rows: dict) -> str:
    if "{id}" not in path:
        return path
    resource = path[len(PREFIX) :].split("/", 1)[0]
    assert resource in rows, f"tests/funding/test_bad_input.py: add a row for {resource}"
    return path.replace("{id}", str(rows[resource].pk))


def fingerprint() -> dict:
    """Row count (and sum of edit versions) of every funding table, history included,
    and of the status-change log: any write would change it."""
    out = {}
    models = list(apps.get_app_config("funding").get_models())
    models.append(apps.get_model("core", "StatusChange"))
    for model in models:
        qs = model._base_manager.all()
        has_version = any(f.name == "version" and not f.is_relation for f in model._meta.fields)
        out[model._meta.label] = (
            qs.count(),
            qs.aggregate(v=Sum("version"))["v"] if has_version else None,
        )
    return out


def _send(client, method: str, url: str, body) -> object:
    raw = json.dumps(body)
    return getattr(client, method)(url, data=raw, content_type="application/json")


def _answer(clients, method, url, body):
    """The answer of the first actor allowed to call the operation (board admin, reviewer)."""
    response = None
    for client in clients:
        response = _send(client, method, url, body)
        if response.status_code not in (403, 404):
            return response
    return response


@pytest.fixture
def clients(world, api_client_for):
    ministry = user_with_role("reviewer", world.land, "mb_ministry", authority="ministry")
    return [
        api_client_for(world.user("board_admin")),
        api_client_for(world.user("reviewer")),
        api_client_for(ministry),  # publishes rule-set versions
    ]


def test_every_funding_write_operation_is_covered():
    ops = write_operations()
    paths = {path for _method, path in ops}
    assert len(ops) >= 20, ops
    for path in (
        f"{PREFIX}applications/{{id}}/decide/",
        f"{PREFIX}payouts/request/",
        f"{PREFIX}proofs/{{id}}/check/",
        f"{PREFIX}budgets/set-by-hand/",
    ):
        assert path in paths
    # every body-taking action documents its body, so its fields get bad values below
    undocumented = [
        (m, p)
        for m, p in ops
        if _body_schema(SCHEMA["paths"][p][m]) is None
        and not p.endswith(("/submit/", "/submit-tpek/", "/restore/"))  # no body
    ]
    assert undocumented == []


@pytest.mark.parametrize(("method", "path", "field", "body"), field_cases())
def test_bad_input_is_400_with_field_errors_and_changes_nothing(
    rows, clients, method, path, field, body
):
    url = _url(path, rows)
    before = fingerprint()
    response = _answer(clients, method, url, body)
    assert response.status_code == 400, (response.status_code, response.content[:400])
    assert response["Content-Type"].startswith("application/json")
    problem = response.json()
    assert set(problem) >= PROBLEM_KEYS
    errors = problem.get("errors") or {}
    expected = field or "non_field_errors"
    assert expected in errors, problem
    assert all(errors[expected]), problem
    assert fingerprint() == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_literals_are_400(rows, clients, literal):
    """Python's json module would accept bare NaN/Infinity; the API's parser must not."""
    before = fingerprint()
    url = f"{PREFIX}applications/{rows['applications'].pk}/change-request/"
    raw = '{"reason": "Mehr", "requested_amount": ' + literal + "}"
    response = clients[0].post(url, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) >= PROBLEM_KEYS
    assert fingerprint() == before


def test_malformed_json_is_400_problem(rows, clients):
    url = f"{PREFIX}cost-lines/{rows['cost-lines'].pk}/"
    response = clients[0].patch(url, data='{"description": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


class TestEditVersion:
    """If-Match / `version` as designed: absent → applies to the row as stored now;
    stale or malformed → 412 with the current version, nothing saved."""

    def _url(self, rows):
        return f"{PREFIX}cost-lines/{rows['cost-lines'].pk}/"

    def test_without_if_match_the_edit_applies(self, rows, clients):
        line = rows["cost-lines"]
        response = clients[0].patch(self._url(rows), {"description": "Neu"}, format="json")
        assert response.status_code == 200, response.content
        line.refresh_from_db()
        assert (line.description, response["ETag"]) == ("Neu", f'"{line.version}"')

    @pytest.mark.parametrize("header", ['"0"', '"abc"', "x" * 300, '"99999999999999999999"'])
    def test_stale_or_malformed_if_match_is_412(self, rows, clients, header):
        before = fingerprint()
        response = clients[0].patch(
            self._url(rows), {"description": "Neu"}, format="json", HTTP_IF_MATCH=header
        )
        assert response.status_code == 412
        assert response.json()["version"] == rows["cost-lines"].version
        assert fingerprint() == before

    @pytest.mark.parametrize("version", ["abc", -1, HUGE, [1], {"v": 1}])
    def test_odd_version_in_body_is_412(self, rows, clients, version):
        before = fingerprint()
        response = clients[0].patch(
            self._url(rows), {"description": "Neu", "version": version}, format="json"
        )
        assert response.status_code == 412, response.content
        assert fingerprint() == before
