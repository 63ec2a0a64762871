from contextlib import contextmanager

import pytest

from core.tenancy import access_for, cooperative_scope
from tests.procurement.factories import kitu


@contextmanager
def _as_cooperative(user):
    """The scope a procurement page gives: own boards plus the cooperative's members."""
    access = access_for(user)
    with cooperative_scope(access):
        yield access


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here (tests/procurement/test_i18n.py: German)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def as_coop():
    return _as_cooperative


@pytest.fixture
def k(world):
    return kitu(world)
