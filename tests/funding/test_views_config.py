"""Funding's views are configuration over core's generic views, and the answers a
user gets keep their order: wrong method (405), foreign row (404), no permission
(403), a state that rules the page out (message and redirect)."""

from __future__ import annotations

from django.urls import reverse
from django.views import View

from funding import urls as funding_urls
from funding.models import Application


def test_every_funding_url_is_a_class_view():
    function_views = [
        p.name
        for p in funding_urls.urlpatterns
        if not issubclass(getattr(p.callback, "view_class", object), View)
    ]
    assert function_views == []


def test_post_only_step_answers_405_before_looking_at_the_row(world, draft, client_for):
    client = client_for(world.user("other_board_admin"))
    url = reverse("funding:application-submit", args=[draft.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404  # another board's row: 404, never 403


def test_visible_row_without_permission_is_403_and_changes_nothing(world, draft, client_for):
    version = draft.version
    response = client_for(world.user("reviewer")).post(
        reverse("funding:application-submit", args=[draft.pk])
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("draft", version)


def test_authority_step_names_the_authority_in_its_403(world, draft, client_for):
    response = client_for(world.user("board_staff")).get(reverse("funding:decide", args=[draft.pk]))
    assert response.status_code == 403
    assert "Landesverwaltungsamt" in response.content.decode()


def test_edit_of_submitted_application_redirects_with_message(world, draft, client_for):
    Application.objects.filter(pk=draft.pk).update(status="submitted")
    client = client_for(world.user("board_staff"))
    response = client.get(reverse("funding:application-update", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "cannot be changed" in response.content.decode() or "kann nicht" in (
        response.content.decode()
    )
