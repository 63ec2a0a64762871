"""Accessibility sweep (BITV 2.0 / WCAG 2.1 AA): axe on one page per URL pattern.

The demo data is seeded into the live-server database; for a few roles the product
is crawled with the Django test client (links only, HTML pages only), the URLs are
reduced to one per URL pattern (first instance wins) and every one of them is opened
in chromium and scanned with axe (WCAG 2.1 A + AA). All violations of all pages are
collected and reported together, so one run shows the whole picture.
"""

from __future__ import annotations

import io
import re
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from tests.e2e.conftest import WCAG_TAGS, axe_violations
from tests.twofactor import verify_client

pytestmark = pytest.mark.django_db(transaction=True)

# Board admin, school staff (one school), reviewer (reads), reviewer (decides).
ROLES = ("traeger", "schule", "pruefer", "pruefer2")
# Not pages (or not ours): logout, Django admin, API/Swagger, downloads, job results.
SKIP_PARTS = (
    "/abmelden/",
    "/admin/",
    "/api/",
    "/static/",
    "/media/",
    "export",
    "pdf",
    "csv",
    "xlsx",
    "json",
    "vorlage",
    "/ergebnis",
)
SKIP_URL_NAMES = {"logout", "job-result", "set_language", "healthz"}
# Forms are always scanned; other pages are capped per role to keep the runtime low.
FORM_HINTS = (
    "create",
    "update",
    "new",
    "upload",
    "mapping",
    "adopt",
    "manual",
    "sign",
    "return",
    "decide",
    "forward",
    "request-changes",
    "tpek",
    "report",
    "payout",
    "proof-start",
    "compute",
    "import",
    "grow",
    "transition",
)
MAX_PAGES_PER_ROLE = 60
MAX_FETCHES_PER_ROLE = 400
INSTANCES_PER_ROUTE = 8
APPS = ("schultraeger/", "schulen/", "geraete/", "import/", "medienbildung/", "foerderung/")
FORM_ENDS = ("neu/", "bearbeiten/")
HREF = re.compile(r'href="(/[^"#]*)"')


def _pattern(url: str):
    """(route key, url_name) of an internal URL, or None when it is not a page of ours."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.url_name or ""
    if name in SKIP_URL_NAMES:
        return None
    key = match.route or match.view_name
    return key, name


def _is_form(name: str) -> bool:
    return any(hint in name for hint in FORM_HINTS)


def crawl(user, known: set) -> list[tuple[str, str]]:
    """Pages of new URL patterns reachable by links for `user`: [(url, route), ...].

    A few instances of each pattern are opened (records in different states link to
    different pages: a draft application to its edit form, a submitted one to review);
    query-string variants of a path (filters, sorting, paging) are not followed.
    """
    client = Client(raise_request_exception=False)
    client.force_login(user)
    verify_client(client, user)
    fetched_per_route: dict = {}
    queue, queued = ["/"], {"/"}
    pages: list[tuple[str, str]] = []
    others = fetches = 0
    while queue and fetches < MAX_FETCHES_PER_ROLE:
        url = queue.pop(0)
        pattern = _pattern(url)
        if pattern is None:
            continue
        route, name = pattern
        if fetched_per_route.get(route, 0) >= INSTANCES_PER_ROUTE:
            continue
        fetched_per_route[route] = fetched_per_route.get(route, 0) + 1
        fetches += 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        if "<html" not in body[:500]:
            continue  # an HTMX fragment, not a page
        if route not in known and (_is_form(name) or others < MAX_PAGES_PER_ROLE):
            pages.append((url, route))
            known.add(route)
            others += 0 if _is_form(name) else 1
        for href in HREF.findall(body):
            href = href.replace("&amp;", "&")
            path = urlsplit(href).path
            if path in queued or any(part in href for part in SKIP_PARTS):
                continue
            queued.add(path)
            queue.append(href)
    return pages


def _is_create(route: str, name: str) -> bool:
    return route.endswith("neu/") or "create" in name


REVIEW: list[str] = []  # axe "incomplete" (needs a human look), printed, not failed


def _scan(page, label: str, findings: list) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    for key, sink in (("violations", findings), ("incomplete", REVIEW)):
        for violation in results.response[key]:
            if key == "incomplete" and violation["id"].startswith("duplicate-id"):
                sink = findings  # axe only "reviews" these, but an id is either unique or not
            for node in violation["nodes"]:
                checks = node.get("any") or node.get("all") or node.get("none") or [{}]
                if key == "incomplete" and "only non-text" in (checks[0].get("message") or ""):
                    continue  # a decorative glyph (aria-hidden brand mark), no text to read
                sink.append(
                    f"{label} {violation['id']} ({violation['impact']}): "
                    f"{_target(node)} – {violation['help']}"
                    + (f" [{checks[0].get('message')}]" if key == "incomplete" else "")
                )


def _submit_empty(page) -> bool:
    """Send the page's main form unchanged (browser validation off): the error state."""
    form = page.locator("main form.pw-form[method=post]").first
    if not form.count():
        return False
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    return True


def _scan_other_states(page_for, base: str, findings: list) -> list[str]:
    """Pages no link leads to: signed out, errors, jobs, empty results, paging, English."""
    from core.models import Job

    users = get_user_model().objects
    traeger, schule = users.get(username="traeger"), users.get(username="schule")
    board = traeger.memberships.exclude(school_board=None).first().school_board
    running = Job.objects.create(
        kind="import",
        title="Geräteimport",
        owner=traeger,
        school_board=board,
        status=Job.Status.RUNNING,
        progress_done=120,
        progress_total=500,
    )
    failed = Job.objects.create(
        kind="import",
        title="Geräteimport",
        owner=traeger,
        school_board=board,
        status=Job.Status.FAILED,
        error="Zeile 3: Inventarnummer fehlt.",
    )
    done = []

    def visit(page, label, url, expect_status=200):
        response = page.goto(base + url)
        page.wait_for_load_state("load")
        done.append(f"{label:8} {url}")
        status = response.status if response else None
        if status != expect_status:
            findings.append(f"{url} [{label}] answered {status}, expected {expect_status}")
            return False
        _scan(page, f"{url} [{label}]", findings)
        return True

    anonymous = page_for(None)
    for url in (
        "/anmelden/",
        "/passwort/vergessen/",
        "/passwort/vergessen/gesendet/",
        "/passwort/neu/MQ/ungueltig/",
        "/passwort/neu/fertig/",
    ):
        visit(anonymous, "anonym", url)
    anonymous.goto(base + "/anmelden/")
    anonymous.locator("input[name=username]").fill("traeger")
    anonymous.locator("input[name=password]").fill("falsch")
    with anonymous.expect_navigation():
        anonymous.locator("main form button[type=submit]").click()
    done.append("anonym   /anmelden/ (wrong password)")
    _scan(anonymous, "/anmelden/ [anonym, wrong password]", findings)

    page = page_for(traeger)
    for url in (
        "/passwort/aendern/",
        "/passwort/aendern/fertig/",
        f"/auftraege/{running.pk}/",
        f"/auftraege/{failed.pk}/",
    ):
        visit(page, "traeger", url)
    visit(page, "traeger", "/geraete/999999/", expect_status=404)
    visit(page, "traeger", "/geraete/?page=2")
    # An empty result: the first text filter with a term nothing matches.
    for url in ("/geraete/", "/schulen/"):
        page.goto(base + url)
        field = page.locator(".pw-filter input[type=text], .pw-filter input[type=search]").first
        if field.count():
            field.fill("zzz-keine-treffer")
            with page.expect_navigation():
                page.locator(".pw-filter button[type=submit]").click()
            done.append(f"traeger  {url} (no results)")
            _scan(page, f"{url} [traeger, no results]", findings)
    visit(page_for(schule), "schule", "/foerderung/budgets/berechnen/", expect_status=403)
    english = page_for(traeger, lang="en")
    english.goto(base + "/")
    if english.locator("html").get_attribute("lang") != "en":
        with english.expect_navigation():
            english.locator("button[name=language][value=en]").click()
    for url in ("/", "/geraete/", "/schulen/neu/"):
        visit(english, "english", url)
    return done


def _target(node) -> str:
    target = node["target"][0] if node["target"] else "?"
    return target if isinstance(target, str) else " > ".join(map(str, target))


def test_every_page_pattern_has_no_axe_violations(page_for, live_server):
    started = time.monotonic()
    REVIEW.clear()
    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects
    known: set = set()
    plan = [(username, crawl(users.get(username=username), known)) for username in ROLES]
    crawled = time.monotonic()

    findings, scanned, creates = [], [], []
    for username, pages in plan:
        page = page_for(users.get(username=username))
        if not scanned:  # the scanner itself must see a planted violation
            page.goto(live_server.url + "/")
            page.evaluate("document.querySelector('main').append(document.createElement('img'))")
            assert any(v["id"] == "image-alt" for v in axe_violations(page)), "axe is not scanning"
        for url, route in pages:
            response = page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            scanned.append(f"{username:8} {route or '/'}  ({url})")
            if response is None or response.status != 200:
                findings.append(f"{url} [{username}] answered {response and response.status}")
                continue
            _scan(page, f"{url} [{username}]", findings)
            if _is_create(route, resolve(urlsplit(url).path).url_name or ""):
                creates.append((page, url, username))
    scanned += _scan_other_states(page_for, live_server.url, findings)
    # Error states last: an empty create form that happens to be valid may add a row.
    for page, url, username in creates:
        page.goto(live_server.url + url)
        if _submit_empty(page):
            scanned.append(f"{username:8} (errors) {url}")
            _scan(page, f"{url} [{username}, after empty submit]", findings)
    print(
        f"\naxe sweep: {len(scanned)} pages in {time.monotonic() - started:.1f}s "
        f"(crawl {crawled - started:.1f}s)\n"
        + "\n".join(scanned)
        + f"\n{len(REVIEW)} item(s) axe could not decide (review by hand):\n"
        + "\n".join(REVIEW)
    )
    # Every app's list, detail and form pages must be among the scanned ones.
    routes = {route for _username, pages in plan for _url, route in pages}
    for app in APPS:
        kinds = {
            "list": any(route == app for route in routes),
            "detail": any(
                route.startswith(app) and route.endswith("<int:pk>/") for route in routes
            ),
            "form": any(route.startswith(app) and route.endswith(FORM_ENDS) for route in routes),
        }
        assert all(kinds.values()), f"{app}: not scanned: {kinds}"
    assert not findings, f"{len(findings)} axe violation(s):\n" + "\n".join(findings)
