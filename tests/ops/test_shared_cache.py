"""The API throttles count in one cache shared by every web process (issue 17, point 6).

Production settings default to a database cache whose table `migrate` creates (core.apps);
two separate processes then share one quota, where a per-process memory cache would give
each its own.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from core.apps import create_cache_table

from .helpers import prod_env, run_python

#: two attempts at the token endpoint's throttle, as one web process would count them
ATTEMPTS = """
import django, json
django.setup()
from django.conf import settings
from django.test import RequestFactory
from core.throttling import TokenEndpointThrottle
if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
    from django.core.management import call_command
    call_command("createcachetable", verbosity=0)
allowed = [
    TokenEndpointThrottle().allow_request(RequestFactory().post("/api/v1/token/"), None)
    for _ in range(2)
]
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "allowed": allowed}))
"""


@pytest.fixture
def env(tmp_path):
    env = prod_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", API_THROTTLE_TOKEN="3/min")
    env.pop("CACHE_URL", None)
    return env


def _attempts(env) -> dict:
    result = run_python(ATTEMPTS, env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_throttle_counts_across_processes(env):
    first = _attempts(env)
    assert first == {
        "backend": "django.core.cache.backends.db.DatabaseCache",
        "allowed": [True, True],
    }
    # another process: attempts 3 and 4 of a quota of 3
    assert _attempts(env)["allowed"] == [True, False]


def test_memory_cache_counts_per_process(env):
    """The contrast that makes the test above meaningful: locmem starts afresh per process."""
    env["CACHE_URL"] = "locmemcache://"
    assert _attempts(env)["allowed"] == [True, True]
    assert _attempts(env)["allowed"] == [True, True]


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_database_cache_table(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "paktwerk_cache_probe",
        }
    }
    assert "paktwerk_cache_probe" not in connection.introspection.table_names()
    try:
        create_cache_table(using="default")  # what post_migrate runs after `migrate`
        assert "paktwerk_cache_probe" in connection.introspection.table_names()
        create_cache_table(using="default")  # idempotent
    finally:
        with connection.schema_editor() as editor:
            editor.execute(editor.sql_delete_table % {"table": "paktwerk_cache_probe"})
