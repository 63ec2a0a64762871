import io
import random

import pytest

from mediaplans import demo
from mediaplans.models import ConceptVersion, EquipmentNeed, MediaConcept
from schools import demo as schools_demo
from schools.models import School

pytestmark = pytest.mark.django_db


def test_demo_has_every_status_and_missing_concepts():
    out = io.StringIO()
    schools_demo.seed(stdout=out, rng=random.Random("paktwerk-schools"))
    demo.seed(stdout=out, rng=random.Random("paktwerk-mediaplans"))
    statuses = set(ConceptVersion.objects.values_list("status", flat=True))
    assert statuses == {"draft", "consultation", "adopted", "superseded"}
    assert ConceptVersion.objects.filter(form="short").exists()
    assert School.objects.filter(media_concept__isnull=True).exists()
    assert MediaConcept.objects.get(school__name="Gymnasium Am Brocken").versions.count() == 3
    prices = {n.category: n.unit_price_estimate for n in EquipmentNeed.objects.all()}
    assert 350 <= prices["mobile"] <= 900 and 250 <= prices["wlan"] <= 400
    assert EquipmentNeed.objects.filter(goals__isnull=True).exists()  # flagged example
    from mediaplans.selectors import adoption_problems

    for v in ConceptVersion.objects.filter(status="adopted"):
        assert adoption_problems(v) == []
