import io
import random

import pytest

from imports import demo
from imports.models import ImportRun
from schools import demo as schools_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_runs_in_every_status():
    out = io.StringIO()
    schools_demo.seed(stdout=out, rng=random.Random("paktwerk-schools"))
    demo.seed(stdout=out, rng=random.Random("paktwerk-imports"))
    statuses = set(ImportRun.objects.values_list("status", flat=True))
    assert {"committed", "invalid", "previewed"} <= statuses
    invalid = ImportRun.objects.get(status="invalid")
    assert invalid.rows_error == 3 and invalid.rows_new == 1
