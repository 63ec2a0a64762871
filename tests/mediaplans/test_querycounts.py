"""List pages, API lists and the PDF builder: query counts do not grow with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mediaplans.documents import concept_context
from mediaplans.models import ConceptVersion
from tests.factories import SchoolFactory
from tests.mediaplans.factories import (
    GoalFactory,
    NeedFactory,
    TrainingFactory,
    adopted_version,
    concept_with_version,
    fill_version,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def _add_concepts(world):
    def add(n):
        for _ in range(n):
            school = SchoolFactory(school_board=world.board)
            concept, version = adopted_version(school)
            from mediaplans.services import version_new

            version_new(actor=None, concept=concept)

    return add


@pytest.mark.parametrize(
    "url_name",
    [
        "mediaplans:concept-list",
        "mediaplans:board-overview",
        "media-concept-list",
        "media-concept-version-list",
        "competence-goal-list",
        "training-entry-list",
        "equipment-need-list",
    ],
)
def test_lists_do_not_grow(url_name, world, client_for, api_client_for):
    user = world.user("board_admin")
    client = client_for(user) if ":" in url_name else api_client_for(user)
    assert_constant_queries(lambda: client.get(reverse(url_name)), _add_concepts(world))


def test_csv_export_does_not_grow(world, client_for):
    client = client_for(world.user("board_admin"))
    url = reverse("mediaplans:board-overview") + "?format=csv"
    assert_constant_queries(lambda: client.get(url), _add_concepts(world))


def test_version_detail_and_pdf_context_do_not_grow(world, client_for):
    _, version = concept_with_version(world.school)
    fill_version(version)
    client = client_for(world.user("school_staff"))

    def add(n):
        for _ in range(n):
            goal = GoalFactory(version=version)
            TrainingFactory(version=version).areas.set([goal.area])
            need = NeedFactory(version=version)
            need.goals.set([goal])
            need.rooms.set([world.room])

    assert_constant_queries(lambda: client.get(version.get_absolute_url()), add)

    def build():
        concept_context(ConceptVersion.objects.for_document().get(pk=version.pk))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            build()
        return len(ctx.captured_queries)

    before = count()
    add(10)
    assert count() == before
