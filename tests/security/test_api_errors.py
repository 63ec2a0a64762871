"""The API answers every error as JSON problem details, never HTML, never 500 for bad input."""

import pytest
from django.urls import get_resolver, reverse
from django_filters import NumberFilter
from django_filters.filters import ModelChoiceFilter, ModelMultipleChoiceFilter

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond 64-bit
PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    return body


def list_views():
    """(url name, viewset class) of every API list endpoint."""
    out = []
    for name, entries in get_resolver().reverse_dict.items():
        if not isinstance(name, str) or not name.endswith("-list"):
            continue
        try:
            url = reverse(name)
        except Exception:  # noqa: BLE001 - needs arguments: not a top-level list
            continue
        if url.startswith("/api/v1/"):
            out.append((name, url))
    return sorted(set(out))


def integer_filters(url):
    from django.urls import resolve

    view = resolve(url).func
    filterset_class = getattr(view.cls, "filterset_class", None)
    if filterset_class is None:
        return []
    return [
        name
        for name, f in filterset_class.base_filters.items()
        if isinstance(f, NumberFilter | ModelChoiceFilter | ModelMultipleChoiceFilter)
    ]


LIST_VIEWS = list_views()


def test_there_are_many_list_endpoints():
    assert len(LIST_VIEWS) >= 20


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1e400", "abc"])
def test_integer_filters_out_of_range_are_400_json(world, api_client_for, value):
    client = api_client_for(world.user("board_admin"))
    checked = 0
    for name, url in LIST_VIEWS:
        for param in integer_filters(url):
            response = client.get(url, {param: value})
            assert response.status_code in (200, 400), (name, param, response.status_code)
            if response.status_code == 400:
                assert_problem(response, 400)
            checked += 1
        # ids in the path: out of range -> 404 JSON, never 500
        response = client.get(url + HUGE + "/")
        assert response.status_code in (404, 405), (name, response.status_code)
        assert response["Content-Type"].startswith("application/json")
    assert checked >= 13


def test_out_of_range_filter_names_the_parameter(world, api_client_for):
    client = api_client_for(world.user("board_admin"))
    body = assert_problem(client.get(reverse("room-list"), {"school": HUGE}), 400)
    assert "school" in body["errors"]


def test_out_of_range_filter_on_a_page_is_no_server_error(world, client_for):
    response = client_for(world.user("board_admin")).get(
        reverse("schools:room-list"), {"school": HUGE}
    )
    assert response.status_code == 200


def test_in_range_filter_still_filters(world, api_client_for):
    client = api_client_for(world.user("board_admin"))
    rows = client.get(reverse("room-list"), {"school": world.school.pk}).json()["results"]
    assert rows and all(r["id"] for r in rows)


def test_unknown_api_url_is_json_404(world, api_client_for):
    body = assert_problem(
        api_client_for(world.user("board_admin")).get("/api/v1/gibt-es-nicht/"), 404
    )
    assert body["code"] == "not_found"


def test_unknown_api_url_anonymous_is_json_404(client):
    assert_problem(client.get("/api/v1/gibt-es-nicht/"), 404)


def test_web_404_stays_html(client_for, world):
    response = client_for(world.user("board_admin")).get("/gibt-es-nicht/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_method_not_allowed_is_json_405(world, api_client_for):
    response = api_client_for(world.user("board_admin")).delete(reverse("school-list"))
    assert_problem(response, 405)


def test_malformed_json_is_400(world, api_client_for):
    response = api_client_for(world.user("board_admin")).generic(
        "POST", reverse("school-list"), "{not json", content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert body["code"] == "parse_error"


def test_unsupported_media_type_is_415(world, api_client_for):
    response = api_client_for(world.user("board_admin")).generic(
        "POST", reverse("school-list"), "<x/>", content_type="application/xml"
    )
    assert_problem(response, 415)


def test_field_errors_are_listed_per_field(world, api_client_for):
    response = api_client_for(world.user("board_admin")).post(
        reverse("school-list"), {"name": ""}, format="json"
    )
    body = assert_problem(response, 400)
    assert body["code"] == "invalid" and "name" in body["errors"]
    assert all(isinstance(m, list) for m in body["errors"].values())


def test_unauthenticated_is_json_401(client):
    body = assert_problem(client.get(reverse("school-list")), 401)
    assert body["code"] == "not_authenticated"


def test_server_error_under_api_is_json_500(settings, world):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.security.urls_boom"
    client = Client(raise_request_exception=False)
    body = assert_problem(client.get("/api/boom/"), 500)
    assert "Traceback" not in str(body)
    response = client.get("/boom/")
    assert response.status_code == 500 and "text/html" in response["Content-Type"]


def test_schema_documents_problem_responses(world, client_for):
    response = client_for(world.user("board_admin")).get("/api/schema/?format=json")
    schema = response.json()
    assert "Problem" in schema["components"]["schemas"]
    operation = schema["paths"]["/api/v1/schools/"]["get"]
    for code in ("400", "401", "403", "404", "429"):
        assert code in operation["responses"], code
    post = schema["paths"]["/api/v1/schools/"]["post"]
    assert "415" in post["responses"]
